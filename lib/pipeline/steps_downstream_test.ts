import assert from "node:assert/strict";
import { makeLadder } from "../data/schema.ts";
import { syntheticAccuracy } from "../data/synthetic.ts";
import type { DownstreamMapping } from "../report/downstream.ts";
import { runPipeline } from "./run.ts";
import { parsePipelineSpec } from "./spec.ts";
import { joinLadders } from "./downstream_ladder.ts";
import { fitQuality } from "./downstream_stats.ts";
import { judgeReference } from "./steps_downstream.ts";
import { SpecError } from "./validate.ts";

const TRUTH = { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 };
const TASK = { name: "t", chance: 0.25, ceilingGap: 0.05, slope: 3, midpoint: 3.2, items: 1e12 };
const SYNTHETIC = {
  law: TRUTH,
  noise: 0,
  annealGap: 0,
  seeds: 1,
  checkpoints: 2,
  tasks: [TASK],
};
const trueLoss = (N: number, D: number) =>
  TRUTH.E + TRUTH.A / N ** TRUTH.alpha + TRUTH.B / D ** TRUTH.beta;

function issuesOf(spec: unknown): string[] {
  try {
    parsePipelineSpec(spec);
  } catch (e) {
    assert.ok(e instanceof SpecError);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

Deno.test("parsePipelineSpec() reports every map-step problem with its path", () => {
  const load = { step: "load", synthetic: SYNTHETIC };
  const issues = issuesOf({
    name: "bad",
    steps: [
      load,
      { step: "map", id: "a", targets: "holdout" },
      {
        step: "map",
        id: "b",
        mapping: { law: "chinchilla", metrics: ["acc/t"], x: "loss" },
        targets: "holdout",
        bootstrp: { resamples: 3 },
      },
      {
        step: "map",
        id: "c",
        loss: { metric: "loss" },
        mapping: { law: "exp-error", metrics: ["acc/t"], starts: "ladder", xScale: "log10" },
        targets: { filters: [{ kind: "runs", largest: 1 }] },
      },
      { step: "map", id: "d", mapping: { metrics: ["acc/t"] }, targets: "holdout" },
    ],
  });
  const has = (re: RegExp) => assert.ok(issues.some((i) => re.test(i)), issues.join("\n"));
  has(/^steps\[1\]\.loss: is missing, and so is mapping/);
  has(/^steps\[2\]\.bootstrp: is not a known key; did you mean "bootstrap"\?/);
  has(/^steps\[2\]\.mapping\.law: is "chinchilla" with 2 inputs; expected a law of one input/);
  has(/^steps\[3\]\.mapping\.starts: is "ladder" with law "exp-error"; expected law "sigmoid"/);
  has(/^steps\[4\]\.mapping\.metrics\[0\]\.x: is missing/);
});

Deno.test("parsePipelineSpec() rejects a log10 input in a chain and names the field", () => {
  const issues = issuesOf({
    name: "chain",
    steps: [
      { step: "load", synthetic: SYNTHETIC },
      {
        step: "map",
        id: "c",
        loss: { metric: "loss" },
        mapping: { metrics: ["acc/t"], xScale: "log10" },
        targets: "holdout",
      },
    ],
  });
  assert.equal(issues.length, 1);
  assert.match(issues[0], /^steps\[1\]\.mapping\.xScale: is "log10" in a chain/);
});

Deno.test("runPipeline() map step recovers a synthetic loss law and sigmoid when noise-free", async () => {
  const result = await runPipeline({
    name: "chain",
    steps: [
      { step: "load", synthetic: SYNTHETIC },
      {
        step: "map",
        id: "chain",
        loss: { metric: "loss", filters: [{ kind: "runs", smallest: 5 }] },
        mapping: {
          law: "sigmoid",
          metrics: [{ name: "acc/t", task: "hellaswag" }],
          chance: "default",
          filters: [{ kind: "runs", smallest: 5 }],
        },
        targets: "holdout",
        bootstrap: { resamples: 20, seed: 1, level: 0.9 },
      },
      { step: "report", figures: ["downstream"] },
    ],
  }, { workers: 1 });
  const s = result.results.downstream!.chain;
  assert.equal(s.kind, "chain");
  const m: DownstreamMapping = s.mappings["acc_t"];
  // Truth: acc = chance + h·σ(−k(L − L0)) is the sigmoid law with a = −h, x0 = L0, k, b = 1 − gap.
  const h = 1 - TASK.chance - TASK.ceilingGap;
  const want = { a: -h, x0: TASK.midpoint, k: TASK.slope, b: 1 - TASK.ceilingGap };
  for (const [k, v] of Object.entries(want)) {
    assert.ok(Math.abs(m.mapping!.params[k] - v) < 1e-4, `${k}: ${m.mapping!.params[k]} vs ${v}`);
  }
  for (const [k, v] of Object.entries(TRUTH)) {
    assert.ok(Math.abs(m.loss!.params[k] / v - 1) < 1e-3, `${k}: ${m.loss!.params[k]} vs ${v}`);
  }
  assert.equal(m.chance, 0.25);
  const targets = Object.values(m.targets);
  assert.equal(targets.length, 4); // the largest size at 4 token multipliers
  for (const t of targets) {
    const L = trueLoss(t.N, t.D);
    assert.ok(Math.abs(t.loss!.predicted - L) < 1e-5 * L, `${t.run} loss`);
    const acc = syntheticAccuracy(TASK, L);
    assert.ok(
      Math.abs(t.value!.predicted - acc) < 1e-4,
      `${t.run}: ${t.value!.predicted} vs ${acc}`,
    );
    assert.ok(Math.abs(t.value!.errorPoints!) < 1e-2);
    assert.ok(t.value!.interval !== null && t.value!.predictionInterval !== null);
  }
  assert.equal(s.coverage.value?.n, 4);
  assert.equal(s.coverage.value?.level, 0.9);
  assert.deepEqual(
    result.figures.map((f) => f.name),
    [
      "downstream-chain-loss-law",
      "downstream-chain-acc_t",
      "downstream-chain-loss-predictions",
      "downstream-chain-predictions",
    ],
  );
});

Deno.test("runPipeline() mapping-only step scores the held-out runs at their observed input", async () => {
  const result = await runPipeline({
    name: "mapping",
    steps: [
      { step: "load", synthetic: { ...SYNTHETIC, tokenMultipliers: [20] } },
      {
        step: "map",
        id: "m",
        mapping: {
          law: "sigmoid",
          x: "loss",
          metrics: ["acc/t"],
          filters: [{ kind: "runs", smallest: 4 }],
        },
        targets: "holdout",
      },
    ],
  }, { workers: 1 });
  const m = result.results.downstream!.m.mappings["acc_t"];
  assert.equal(m.mapping!.n, 4);
  assert.equal(Object.keys(m.targets).length, 2); // the two largest sizes
  assert.ok(m.test.mse! < 1e-10 && m.train.mse! < 1e-10);
  assert.equal(m.bootstrap, null);
});

Deno.test("joinLadders() joins metrics by run and checkpoint and refuses clashing names", () => {
  const runs = [{ id: "r1", params: 1e8 }, { id: "r2", params: 2e8 }];
  const cps = [
    { run: 0, step: 10, tokens: 1e9, flops: NaN },
    { run: 1, step: 10, tokens: 2e9, flops: NaN },
  ];
  const base = makeLadder({
    runs,
    checkpoints: cps,
    observations: [{ checkpoint: 0, metric: "loss", value: 3 }, {
      checkpoint: 1,
      metric: "loss",
      value: 2.8,
    }],
  });
  const other = makeLadder({
    runs: [runs[1], { id: "r3", params: 1e9 }],
    checkpoints: [{ run: 0, step: 10, tokens: 2e9, flops: NaN }, {
      run: 1,
      step: 10,
      tokens: 1e10,
      flops: NaN,
    }],
    observations: [{ checkpoint: 0, metric: "acc", value: 0.4 }, {
      checkpoint: 1,
      metric: "acc",
      value: 0.6,
    }],
  });
  const { ladder, unmatched } = joinLadders(base, other, "join");
  assert.equal(unmatched, 1);
  assert.deepEqual(ladder.metrics, ["loss", "acc"]);
  assert.deepEqual([...ladder.observations.value], [3, 2.8, 0.4]);
  assert.deepEqual([...ladder.observations.checkpoint], [0, 1, 1]);
  assert.throws(() => joinLadders(base, base, "join twice"), /metric "loss" is in both tables/);
});

Deno.test("judgeReference() counts ours inside, closer than, and outside a published range", () => {
  const target = (re: number) => ({
    run: "r",
    N: 1,
    D: 1,
    C: null,
    x: null,
    value: null,
    loss: {
      actual: 1,
      predicted: 1 + re,
      error: re,
      errorPoints: null,
      relativeError: re,
      absPercentError: 100 * Math.abs(re),
      interval: null,
      predictionInterval: null,
      covered: null,
      predictionCovered: null,
    },
  });
  const mapping = (group: string, re: number) =>
    ({
      group,
      targets: { r: target(re) },
    }) as unknown as DownstreamMapping;
  const r = judgeReference({ relativeError: [0.01, 0.035], source: "paper" }, "loss", {
    a: mapping("a", 0.02),
    b: mapping("b", -0.003),
    c: mapping("c", 0.0355),
  });
  assert.deepEqual([r.n, r.inside, r.closer, r.outside], [3, 1, 1, 1]);
  assert.match(
    r.verdict,
    /1 of 3 of ours inside it, 1 closer .*\(b −0\.3%\), 1 outside it \(c \+3\.55%\)/,
  );
});

Deno.test("fitQuality() gives MSE and R², and no R² below 3 points", () => {
  const q = fitQuality([1, 2, 3, 4], [1.1, 1.9, 3.2, 3.8]);
  assert.ok(Math.abs(q.mse! - (0.01 + 0.01 + 0.04 + 0.04) / 4) < 1e-12);
  assert.ok(Math.abs(q.r2! - (1 - 0.1 / 5)) < 1e-12);
  assert.equal(fitQuality([1, 2], [1, 2]).r2, null);
});

Deno.test("joinLadders() counts unmatched checkpoints of the base's runs apart from other runs", () => {
  const runs = [{ id: "r1", params: 1e8 }, { id: "r2", params: 2e8 }];
  const base = makeLadder({
    runs: [runs[0]],
    checkpoints: [{ run: 0, step: 10, tokens: 1e9, flops: NaN }],
    observations: [{ checkpoint: 0, metric: "loss", value: 3 }],
  });
  const other = makeLadder({
    runs,
    checkpoints: [
      { run: 0, step: 10, tokens: 1e9, flops: NaN }, // matches
      { run: 0, step: 20, tokens: 2e9, flops: NaN }, // r1 is in the base: a real mismatch
      { run: 1, step: 10, tokens: 2e9, flops: NaN }, // r2 is not in the base
    ],
    observations: [0, 1, 2].map((c) => ({ checkpoint: c, metric: "acc", value: 0.5 })),
  });
  const j = joinLadders(base, other, "join");
  assert.equal(j.unmatched, 2);
  assert.equal(j.unmatchedInBase, 1);
});
