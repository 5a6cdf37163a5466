import assert from "node:assert/strict";
import { runPipeline } from "./run.ts";
import { parsePipelineSpec } from "./spec.ts";
import { SpecError } from "./validate.ts";
import { reportBlocks } from "../report/blocks.ts";

const LOAD = {
  step: "load",
  synthetic: {
    sizes: [2e7, 5e7, 1e8, 2e8],
    tokenMultipliers: [40],
    seeds: 1,
    checkpoints: 8,
    noise: 0.002,
    tasks: [],
    family: "syn",
  },
} as const;

Deno.test("parsePipelineSpec() checks backtest steps with paths", () => {
  try {
    parsePipelineSpec({
      name: "bad",
      steps: [
        LOAD,
        { step: "study", id: "s", metrics: ["loss"], fractions: [0] },
        { step: "select", id: "m", laws: ["chinchila"], metric: "loss" },
        {
          step: "backtest",
          id: "b",
          metric: "loss",
          subset: { models: { kind: "smalest", k: 2 } },
        },
      ],
    });
    assert.fail("expected a SpecError");
  } catch (e) {
    assert.ok(e instanceof SpecError);
    assert.deepEqual(e.issues.map((i) => i.path), [
      "steps[1].fractions[0]",
      "steps[2].laws[0]",
      "steps[3].subset.models.kind",
    ]);
  }
});

Deno.test("runPipeline() runs quality, backtest, select and study steps on a synthetic ladder", async () => {
  const result = await runPipeline({
    name: "bt",
    steps: [
      LOAD,
      { step: "quality" },
      {
        step: "backtest",
        id: "b",
        metric: "loss",
        options: { loss: "squared", space: "log" },
        bootstrap: { resamples: 20, by: "point", level: 0.9 },
      },
      { step: "select", id: "m", laws: ["chinchilla", "chinchilla-tied"], metric: "loss" },
      { step: "study", id: "s", metrics: ["loss"], fractions: [0.5, 1], windows: [2] },
      { step: "report", figures: ["backtest"] },
    ],
  }, { workers: 1 });
  const bt = result.results.backtest!;
  assert.deepEqual(Object.keys(bt), ["quality", "backtests", "selections", "studies"]);
  assert.equal(bt.quality.quality.checks.length, 4);
  const g = bt.backtests.b.groups[0];
  assert.equal(g.targets.runs.length, 1);
  assert.ok(g.errors.are < 0.02, `ARE ${g.errors.are}`);
  assert.ok(g.errors.coverage !== null && g.errors.coverage >= 0 && g.errors.coverage <= 1);
  assert.equal(bt.selections.m.groups[0].rows.length, 2);
  const study = bt.studies.s;
  assert.equal(study.families.length, 1);
  assert.equal(study.findings.length, 4);
  // One heatmap of the models grid and one of the windows.
  assert.deepEqual(result.figures.map((f) => f.name), ["study-s-syn", "study-s-syn-windows"]);
  const text = JSON.stringify(reportBlocks(result.results));
  assert.match(text, /Findings of the paper on this data/);
  assert.match(text, /Model selection m/);
});

Deno.test("runPipeline() warns when a backtest has fewer training points than free parameters", async () => {
  const result = await runPipeline({
    name: "bt-few",
    steps: [
      LOAD,
      {
        step: "backtest",
        id: "few",
        metric: "loss",
        // The smallest model's final checkpoint only: 1 point for Chinchilla's 5 parameters.
        subset: { models: { kind: "smallest", k: 1 }, checkpoints: "final" },
      },
    ],
  }, { workers: 1 });
  const g = result.results.backtest!.backtests.few.groups[0];
  assert.equal(g.state, "too-few-points");
  const w = result.results.warnings.find((x) => x.code === "backtest.not-converged");
  assert.ok(w, JSON.stringify(result.results.warnings));
  assert.match(w.message, /1 training points for 5 free parameters; not fitted/);
});
