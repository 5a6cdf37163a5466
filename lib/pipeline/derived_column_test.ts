import assert from "node:assert/strict";
import { derivedValues, ladderColumnNames } from "./derived_column.ts";
import { runPipeline } from "./run.ts";
import { MAX_CURVE_TARGETS } from "./figures_curve.ts";
import { parsePipelineSpec } from "./spec.ts";
import { spec as literature } from "../../pipelines/literature.ts";

Deno.test("derivedValues() evaluates expressions and declines unknown names", () => {
  const cols: Record<string, Float64Array> = {
    D: Float64Array.of(2e9, 8e9),
    epochs: Float64Array.of(2, 8),
  };
  const u = derivedValues("D/epochs", ["D", "epochs", "N"], (n) => cols[n]);
  assert.deepEqual([...u!], [1e9, 1e9]);
  // A name that is available but has no values, and a name that is not available.
  assert.equal(derivedValues("N*2", ["D", "epochs", "N"], (n) => cols[n]), undefined);
  assert.equal(derivedValues("D/unique", ["D", "epochs"], (n) => cols[n]), undefined);
  assert.equal(derivedValues("D/(", ["D"], (n) => cols[n]), undefined);
});

Deno.test("ladderColumnNames() lists the conventional columns, metrics and run fields", () => {
  const names = ladderColumnNames({
    runs: [{ fields: { epochs: 4 } }, { fields: { source: "x" } }, {}],
    metrics: ["loss", "acc"],
  });
  for (const n of ["N", "D", "C", "M", "step", "loss", "acc", "epochs", "source"]) {
    assert.ok(names.includes(n), n);
  }
  assert.equal(new Set(names).size, names.length);
});

Deno.test("a pipeline fits a derived input, cuts a curve with maxTokens and draws its extrapolation", async () => {
  const cut = 2e9; // half of the run's 4e9 tokens
  const result = await runPipeline({
    name: "curve",
    steps: [
      {
        step: "load",
        synthetic: { sizes: [1e8], tokenMultipliers: [40], seeds: 1, noise: 0, checkpoints: 20 },
      },
      { step: "filter", filters: [{ kind: "maxTokens", tokens: cut }] },
      { step: "fit", id: "curve", law: "power-law", metric: "loss", x: { x: "D" } },
      { step: "fit", id: "ratio", law: "power-law", metric: "loss", x: { x: "D/N" } },
      {
        step: "evaluate",
        fit: "curve",
        targets: { filters: [{ kind: "minTokens", tokens: cut * (1 + 1e-9) }] },
      },
      { step: "report", figures: ["fit"] },
    ],
  }, { png: false });
  const ctx = result.context;
  const curve = ctx.fits.get("curve")!;
  const tokens = [...ctx.loaded!.checkpoints.tokens];
  const early = tokens.filter((d) => d <= cut).length;
  assert.ok(early >= 8 && early <= 12, `${early} checkpoints up to the cut`);
  assert.equal(curve.y.length, early);
  assert.ok(Math.max(...curve.x.x) <= cut);
  const ratio = ctx.fits.get("ratio")!;
  assert.equal(ratio.columns.x, "D/N");
  assert.deepEqual([...ratio.x.x], [...curve.x.x].map((d) => d / 1e8));
  const evaluation = ctx.evaluations.get("evaluate-curve")!;
  assert.equal(evaluation.summary.points.length, tokens.length - early);
  assert.ok(evaluation.summary.points.every((p) => p.inputs.x > cut));
  // The curve figure of a one-input law on tokens: points, dashed extrapolation, held-out
  // markers; the D/N fit is not on a tokens axis and falls back to fitted-against-observed.
  const figure = result.figures.find((f) => f.name === "fit-curve")!;
  assert.match(figure.title, /against training tokens, power-law extrapolated/);
  assert.match(figure.svg, /Held-out target/);
  assert.match(figure.svg, /Extrapolation/);
  assert.ok(MAX_CURVE_TARGETS >= 10);
  const other = result.figures.find((f) => f.name === "fit-ratio")!;
  assert.doesNotMatch(other.title, /extrapolated/);
});

Deno.test("the literature pipeline spec parses", () => {
  const parsed = parsePipelineSpec(literature);
  assert.equal(parsed.name, "literature");
  const fits = parsed.steps.filter((s) => s.step === "fit").map((s) => s.step === "fit" && s.law);
  assert.deepEqual(fits, [
    "data-constrained",
    "power-law",
    "bnsl",
    "power-law",
    "bnsl",
    "data-mixing",
    "data-mixing",
  ]);
});
