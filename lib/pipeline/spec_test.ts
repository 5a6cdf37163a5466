import assert from "node:assert/strict";
import {
  expandComputeGrid,
  parseFitStep,
  parsePipelineSpec,
  parseQuantity,
  type PipelineSpec,
} from "./spec.ts";
import { type Issue, SpecError } from "./validate.ts";

function issuesOf(raw: unknown): readonly Issue[] {
  try {
    parsePipelineSpec(raw);
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  assert.fail("expected a SpecError");
}

Deno.test("parsePipelineSpec() reports all three mistakes with their paths when a spec has a typo key, a wrong enum and a bad law", () => {
  const raw = {
    name: "three-mistakes",
    steps: [
      { step: "load", dataset: "chinchilla-epoch", fallback: "synthetic" },
      { step: "filter", filters: [{ kind: "dropHighest", count: 5 }] },
      {
        step: "fit",
        id: "main",
        law: "E + A/N^alpha + B/D^",
        metric: "loss",
        options: { loss: "huber", huberDelta: 1e-3, strats: "grid" },
      },
      { step: "isoflop", metric: "loss", method: "parabol" },
    ],
  };
  let caught: unknown;
  try {
    parsePipelineSpec(raw);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SpecError);
  assert.deepEqual(caught.issues.map((i) => i.path), [
    "steps[2].law",
    "steps[2].options.strats",
    "steps[3].method",
  ]);
  assert.match(caught.issues[0].message, /^is "E \+ A\/N\^alpha \+ B\/D\^": /);
  assert.match(caught.issues[1].message, /did you mean "starts"\?/);
  assert.match(
    caught.issues[2].message,
    /expected one of "parabola", "akima" \(did you mean "parabola"\?\)/,
  );
  const lines = caught.message.split("\n");
  assert.equal(lines[0], 'Cannot parse pipeline spec "three-mistakes": 3 problems');
  assert.equal(lines.length, 4);
  assert.ok(lines[1].startsWith("  steps[2].law: "));
  assert.ok(lines[2].startsWith("  steps[2].options.strats: "));
  assert.ok(lines[3].startsWith("  steps[3].method: "));
});

Deno.test("parsePipelineSpec() checks references across steps when a fit id is unknown or repeated", () => {
  const issues = issuesOf({
    name: "refs",
    steps: [
      { step: "fit", id: "early", law: "chinchilla", metric: "loss" },
      { step: "load", synthetic: {} },
      { step: "fit", id: "main", law: "chinchilla", metric: "loss" },
      { step: "fit", id: "main", law: "kaplan", metric: "loss" },
      { step: "allocation", fit: "mian" },
      { step: "evaluate", fit: "main", targets: "holdout" },
      {
        step: "compare",
        published: [
          { quantity: "fits.main.params.E", value: 1.8, source: "x" },
          { quantity: "allocation.a", value: 0.5, source: "x" },
          { quantity: "nothing.a", value: 0.5, source: "x" },
        ],
      },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), [
    "steps[0].step",
    "steps[3].id",
    "steps[4].fit",
    "steps[6].published[2].quantity",
  ]);
  assert.match(issues[0].message, /before any load step/);
  assert.match(issues[1].message, /already the id of a fit step/);
  assert.match(
    issues[2].message,
    /is "mian", which no earlier fit step defines; expected one of "early", "main"/,
  );
  assert.match(issues[3].message, /names no result of an earlier step/);
});

Deno.test("parsePipelineSpec() does not flag references to a fit step that itself failed to parse", () => {
  const issues = issuesOf({
    name: "broken-fit",
    steps: [
      { step: "load", synthetic: {} },
      { step: "fit", id: "f", law: "no-such-law", metric: "loss" },
      { step: "allocation", fit: "f" },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), ["steps[1].law"]);
  assert.match(issues[0].message, /Cannot find law "no-such-law"/);
});

Deno.test("parsePipelineSpec() checks fit inputs and parameter overrides against the law when they are misspelt", () => {
  const issues = issuesOf({
    name: "law-names",
    steps: [
      { step: "load", synthetic: {} },
      {
        step: "fit",
        id: "f",
        law: "chinchilla",
        metric: "loss",
        x: { Q: "tokens" },
        options: { params: { alpah: { min: 0 } } },
      },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), ["steps[1].x.Q", "steps[1].options.params.alpah"]);
  assert.match(
    issues[1].message,
    /is not a parameter of the law; expected one of "E", "A", "B", "alpha", "beta"/,
  );
});

Deno.test("parsePipelineSpec() applies step defaults when fields are omitted", () => {
  const spec: PipelineSpec = {
    name: "defaults",
    seed: 7,
    steps: [
      { step: "load", dataset: "chinchilla-epoch" },
      { step: "fit", id: "f", law: "chinchilla", metric: "loss", bootstrap: { resamples: 10 } },
      { step: "allocation", fit: "f" },
      { step: "isoflop" },
      { step: "evaluate", fit: "f", targets: { filters: [{ kind: "final" }] } },
      { step: "report" },
    ],
  };
  const parsed = parsePipelineSpec(spec);
  assert.equal(parsed.title, "defaults");
  assert.equal(parsed.seed, 7);
  const [load, fit, allocation, isoflop, evaluate, report] = parsed.steps;
  assert.ok(load.step === "load" && "dataset" in load && load.fallback === "none");
  assert.ok(fit.step === "fit");
  assert.deepEqual(fit.options, {});
  assert.equal(fit.compute, "6ND");
  assert.deepEqual(fit.bootstrap, { resamples: 10, by: "point", level: 0.95 });
  assert.ok(allocation.step === "allocation");
  assert.equal(allocation.id, "allocation");
  assert.equal(allocation.level, 0.8);
  assert.ok(isoflop.step === "isoflop");
  assert.deepEqual(
    [isoflop.id, isoflop.metric, isoflop.method, isoflop.compute, isoflop.tolerance],
    ["isoflop", "loss", "parabola", "given", 0.2],
  );
  assert.ok(evaluate.step === "evaluate" && evaluate.id === "evaluate-f");
  assert.ok(report.step === "report");
  assert.deepEqual(report.figures, [
    "data",
    "fit",
    "residuals",
    "bootstrap",
    "allocation",
    "isoflop",
    "evaluate",
    "downstream",
    "backtest",
  ]);
  // The input is not modified.
  assert.equal(spec.title, undefined);
});

Deno.test("parsePipelineSpec() validates filters against their kinds when fields are wrong", () => {
  const issues = issuesOf({
    name: "filters",
    steps: [
      { step: "load", synthetic: {} },
      {
        step: "filter",
        filters: [
          { kind: "minToken", tokens: 1e10 },
          { kind: "skipFraction", fraction: 1.5 },
          { kind: "atCompute", budgets: [] },
          { kind: "dropHighest", count: 5, metirc: "loss" },
        ],
      },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), [
    "steps[1].filters[0].kind",
    "steps[1].filters[1].fraction",
    "steps[1].filters[2].budgets",
    "steps[1].filters[3].metirc",
  ]);
  assert.match(issues[0].message, /did you mean "minTokens"\?/);
});

Deno.test("parsePipelineSpec() rejects a load step that names no source", () => {
  const issues = issuesOf({ name: "x", steps: [{ step: "load", datset: "a" }] });
  assert.equal(issues.length, 1);
  assert.equal(issues[0].path, "steps[0]");
  assert.match(issues[0].message, /expected a load step with "dataset", "file" or "synthetic"/);
});

Deno.test("parseFitStep() parses one step with paths under the given prefix", () => {
  const fit = parseFitStep({ step: "fit", id: "f", law: "chinchilla", metric: "loss" }, "x");
  assert.equal(fit.law, "chinchilla");
  assert.throws(
    () => parseFitStep({ step: "load", synthetic: {} }, "steps[0]"),
    /steps\[0\]\.step: is "load"; expected "fit"/,
  );
});

Deno.test("parseQuantity() reads names and @-budgets when paths are valid", () => {
  assert.deepEqual(parseQuantity("fits.approach3.params.E.ci"), [
    { key: "fits" },
    { key: "approach3" },
    { key: "params" },
    { key: "E" },
    { key: "ci" },
  ]);
  assert.deepEqual(parseQuantity("isoflop.tokensPerParam@1e21"), [
    { key: "isoflop" },
    { key: "tokensPerParam", at: 1e21 },
  ]);
  assert.throws(() => parseQuantity("a.b@"), /found "@" at character 4/);
  assert.throws(() => parseQuantity(""), /expected a name at character 1/);
});

Deno.test("expandComputeGrid() gives log-spaced budgets including both ends", () => {
  const g = expandComputeGrid({ from: 1e18, to: 1e28, perDecade: 20 });
  assert.equal(g.length, 201);
  assert.equal(g[0], 1e18);
  assert.equal(g[200], 1e28);
  assert.ok(Math.abs(g[1] / 1.1220184543019633e18 - 1) < 1e-11);
  assert.deepEqual(expandComputeGrid([3, 1]), [3, 1]);
});

Deno.test("parsePipelineSpec() shapes data-mixing from the mapped inputs and checks run fields", () => {
  // Three mapped proportions: the law has inputs r1, r2, r3 (its default has two).
  const ok = parsePipelineSpec({
    name: "mix",
    steps: [
      { step: "load", dataset: "d", runFields: { "run-a": { web: 0.5, code: 0.25, books: 0.25 } } },
      {
        step: "fit",
        id: "f",
        law: "data-mixing",
        metric: "loss",
        x: { r1: "web", r2: "code", r3: "books" },
      },
    ],
  });
  assert.equal(ok.steps.length, 2);
  const issues = issuesOf({
    name: "mix",
    steps: [
      { step: "load", dataset: "d", runFields: { "run-a": { web: "half" } } },
      { step: "fit", id: "f", law: "data-mixing", metric: "loss", x: { r1: "web", N: "N" } },
    ],
  });
  assert.deepEqual(issues.map((i) => i.path), ['steps[0].runFields["run-a"].web', "steps[1].x"]);
  assert.match(issues[0].message, /is "half"; expected a finite number/);
  assert.match(issues[1].message, /input "N" is not a domain proportion; expected names r1, r2/);
  const fallback = issuesOf({
    name: "mix",
    steps: [{ step: "load", dataset: "d", fallback: "synthetic", runFields: { a: { web: 1 } } }],
  });
  assert.deepEqual(fallback.map((i) => i.path), ["steps[0].runFields"]);
  assert.match(fallback[0].message, /cannot be joined onto the synthetic fallback/);
});
