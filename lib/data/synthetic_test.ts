import assert from "node:assert/strict";
import { syntheticLadder, type SyntheticOptions, syntheticTruth } from "./synthetic.ts";
import type { Ladder } from "./schema.ts";

/** The law written out independently of the module. */
function law(N: number, D: number, p = { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 }) {
  return p.E + p.A / N ** p.alpha + p.B / D ** p.beta;
}

/** Value of `metric` at each checkpoint (NaN where not observed). */
function column(ladder: Ladder, metric: string): Float64Array {
  const m = ladder.metrics.indexOf(metric);
  assert.ok(m >= 0, `metric ${metric} exists`);
  const out = new Float64Array(ladder.checkpoints.run.length).fill(NaN);
  const o = ladder.observations;
  for (let i = 0; i < o.value.length; i++) if (o.metric[i] === m) out[o.checkpoint[i]] = o.value[i];
  return out;
}

/** Index of the final checkpoint (most tokens) of each run. */
function finals(ladder: Ladder): number[] {
  const out = new Array(ladder.runs.length).fill(-1);
  const { run, tokens } = ladder.checkpoints;
  for (let c = 0; c < run.length; c++) {
    if (out[run[c]] < 0 || tokens[c] > tokens[out[run[c]]]) out[run[c]] = c;
  }
  return out;
}

Deno.test("syntheticTruth() returns the documented defaults", () => {
  const t = syntheticTruth();
  assert.deepEqual(t.law, { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 });
  // Python: [round(math.exp(math.log(2e7) + math.log(50) * i / 5)) for i in range(6)]
  assert.deepEqual(t.sizes, [20000000, 43734483, 95635250, 209127911, 457305052, 1000000000]);
  assert.deepEqual(t.tokenMultipliers, [5, 10, 20, 40]);
  assert.equal(t.seed, 0);
  assert.equal(t.seeds, 2);
  assert.equal(t.noise, 0.005);
  assert.equal(t.runNoise, 0);
  assert.equal(t.checkpoints, 20);
  assert.equal(t.batchTokens, 524288);
  assert.equal(t.finalLrFraction, 0.1);
  assert.equal(t.annealGap, 0.08);
  assert.equal(t.vocabSize, 50304);
  assert.deepEqual(t.tasks.map((k) => [k.name, k.chance, k.ceilingGap, k.slope, k.midpoint]), [
    ["mc4-easy", 0.25, 0.05, 3, 3.2],
    ["mc4-hard", 0.25, 0.1, 4, 2.4],
    ["binary", 0.5, 0.1, 2.5, 3],
  ]);
});

Deno.test("syntheticLadder() builds the default grid of runs, checkpoints and metrics", () => {
  const ladder = syntheticLadder();
  assert.equal(ladder.runs.length, 6 * 4 * 2);
  assert.equal(ladder.checkpoints.run.length, 48 * 20);
  assert.equal(ladder.observations.value.length, 48 * 20 * 4);
  assert.deepEqual(ladder.metrics, ["loss", "acc/mc4-easy", "acc/mc4-hard", "acc/binary"]);
  assert.deepEqual(ladder.metricKinds, {
    loss: "loss",
    "acc/mc4-easy": "accuracy",
    "acc/mc4-hard": "accuracy",
    "acc/binary": "accuracy",
  });
  assert.equal(ladder.provenance.note, "synthetic ladder (seed 0)");
  assert.equal(new Set(ladder.runs.map((r) => r.id)).size, 48);
  assert.deepEqual(ladder.runs[0], {
    id: "20M-m5-s0",
    family: "synthetic",
    seed: "0",
    params: 20000000,
    // 12·(298/64)·298² = 4,961,376.75 ≈ N − V·d = 20,000,000 − 50,304·298 = 5,009,408
    paramsNonEmbedding: 5009408,
    dataset: "synthetic",
    fields: { tokenMultiplier: 5, dModel: 298, schedule: "cosine" },
  });
  assert.equal(ladder.runs[47].id, "1B-m40-s1");
  const { run, step, tokens, flops } = ladder.checkpoints;
  for (let c = 0; c < run.length; c++) {
    const r = ladder.runs[run[c]];
    assert.equal(tokens[c], step[c] * 524288);
    assert.equal(flops[c], 6 * r.params * tokens[c]);
  }
  // The final checkpoint of each run is at M·N tokens, up to one batch.
  for (const c of finals(ladder)) {
    const r = ladder.runs[run[c]];
    const budget = (r.fields!.tokenMultiplier as number) * r.params;
    assert.ok(Math.abs(tokens[c] - budget) <= 524288 / 2, `${r.id}: ${tokens[c]} vs ${budget}`);
  }
});

Deno.test("syntheticLadder() is deterministic for a seed and changes with the seed", () => {
  const a = syntheticLadder({ seed: 7 });
  const b = syntheticLadder({ seed: 7 });
  const c = syntheticLadder({ seed: 8 });
  assert.deepEqual(a, b);
  assert.deepEqual(a.checkpoints, c.checkpoints);
  assert.notDeepEqual(a.observations.value, c.observations.value);
  assert.equal(c.provenance.note, "synthetic ladder (seed 8)");
});

Deno.test("syntheticLadder() with sigma 0 reproduces the law exactly at final checkpoints", () => {
  const ladder = syntheticLadder({ noise: 0 });
  const loss = column(ladder, "loss");
  for (const c of finals(ladder)) {
    const r = ladder.runs[ladder.checkpoints.run[c]];
    const want = law(r.params, ladder.checkpoints.tokens[c]);
    assert.ok(Math.abs(loss[c] - want) <= 1e-12 * want, `${r.id}: ${loss[c]} vs ${want}`);
  }
});

Deno.test("syntheticLadder() intermediate checkpoints add the cosine-schedule term", () => {
  // Expected: L(N, d) + 0.08 · (1 + cos(π d / D_run))/2 · (L(N, d) − E).
  const ladder = syntheticLadder({
    noise: 0,
    sizes: [5e7, 2e8],
    tokenMultipliers: [20],
    batchTokens: 1e6,
  });
  const loss = column(ladder, "loss");
  const last = finals(ladder);
  const { run, tokens } = ladder.checkpoints;
  for (let c = 0; c < run.length; c++) {
    const r = ladder.runs[run[c]];
    const u = tokens[c] / tokens[last[run[c]]];
    const base = law(r.params, tokens[c]);
    const want = base + 0.08 * 0.5 * (1 + Math.cos(Math.PI * u)) * (base - 1.82);
    assert.ok(Math.abs(loss[c] - want) <= 1e-12 * want);
    if (c !== last[run[c]]) assert.ok(loss[c] > base);
  }
  // Halfway through a run the excess is 4% of the reducible loss.
  const mid = 9; // checkpoint 10 of 20 of run 0
  assert.equal(tokens[mid] / tokens[last[0]], 0.5);
  const base = law(5e7, tokens[mid]);
  assert.ok(Math.abs(loss[mid] - (base + 0.04 * (base - 1.82))) < 1e-12);
});

Deno.test("syntheticLadder() final losses match the law within log-normal noise of sigma 0.005", () => {
  const ladder = syntheticLadder({ seeds: 10 });
  const loss = column(ladder, "loss");
  const logRatios = finals(ladder).map((c) => {
    const r = ladder.runs[ladder.checkpoints.run[c]];
    return Math.log(loss[c] / law(r.params, ladder.checkpoints.tokens[c]));
  });
  assert.equal(logRatios.length, 240);
  const mean = logRatios.reduce((s, x) => s + x, 0) / logRatios.length;
  const sd = Math.sqrt(logRatios.reduce((s, x) => s + (x - mean) ** 2, 0) / (logRatios.length - 1));
  // 240 draws of N(0, 0.005²): the mean is within 4 standard errors of 0, the sd within 15%.
  assert.ok(Math.abs(mean) < (4 * 0.005) / Math.sqrt(240), `mean ${mean}`);
  assert.ok(Math.abs(sd / 0.005 - 1) < 0.15, `sd ${sd}`);
  assert.ok(logRatios.every((x) => Math.abs(x) < 5 * 0.005));
});

Deno.test("syntheticLadder() runNoise shifts all checkpoints of a run by one factor", () => {
  const options: SyntheticOptions = {
    noise: 0,
    runNoise: 0.02,
    sizes: [1e8],
    tokenMultipliers: [20],
  };
  const ladder = syntheticLadder(options);
  const loss = column(ladder, "loss");
  const noiseless = column(syntheticLadder({ ...options, runNoise: 0 }), "loss");
  for (let r = 0; r < 2; r++) {
    const ratios = Array.from({ length: 20 }, (_, k) => loss[r * 20 + k] / noiseless[r * 20 + k]);
    for (const x of ratios) assert.ok(Math.abs(x - ratios[0]) < 1e-12);
    assert.notEqual(ratios[0], 1);
  }
  assert.notEqual(loss[0] / noiseless[0], loss[20] / noiseless[20]);
});

Deno.test("syntheticLadder() accuracies follow the chance-floored sigmoid of loss", () => {
  const tasks = [
    { name: "four", chance: 0.25, ceilingGap: 0.05, slope: 3, midpoint: 3.2, items: Infinity },
    { name: "two", chance: 0.5, ceilingGap: 0.1, slope: 2.5, midpoint: 3, items: 400 },
  ];
  const ladder = syntheticLadder({ noise: 0, tasks });
  const loss = column(ladder, "loss");
  const four = column(ladder, "acc/four");
  const two = column(ladder, "acc/two");
  let z2 = 0;
  for (let c = 0; c < loss.length; c++) {
    const want4 = 0.25 + 0.7 / (1 + Math.exp(3 * (loss[c] - 3.2)));
    assert.ok(Math.abs(four[c] - want4) < 1e-12);
    const p = 0.5 + 0.4 / (1 + Math.exp(2.5 * (loss[c] - 3)));
    // Whole numbers of correct answers out of 400, near p within binomial noise.
    assert.ok(Math.abs(two[c] * 400 - Math.round(two[c] * 400)) < 1e-9);
    z2 += (two[c] - p) ** 2 / (p * (1 - p) / 400);
  }
  // Mean squared z-score ≈ 1 (rounding to whole counts adds about 1/(12·400·p(1−p)) ≈ 0.001).
  const msz = z2 / loss.length;
  assert.ok(msz > 0.85 && msz < 1.15, `mean squared z ${msz}`);
});

Deno.test("syntheticLadder() builds the default ladder in under 50 ms", () => {
  syntheticLadder();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    syntheticLadder();
    best = Math.min(best, performance.now() - t);
  }
  assert.ok(best < 50, `${best} ms`);
});

Deno.test("syntheticTruth() rejects out-of-range options", () => {
  assert.throws(() => syntheticTruth({ noise: -1 }), /noise is -1; expected a finite number >= 0/);
  assert.throws(() => syntheticTruth({ sizes: [1e6, 0] }), /sizes\[1\] is 0/);
  assert.throws(() => syntheticTruth({ seeds: 1.5 }), /seeds is 1.5; expected an integer >= 1/);
  assert.throws(() => syntheticTruth({ finalLrFraction: 1 }), /finalLrFraction is 1/);
  assert.throws(
    () =>
      syntheticTruth({
        tasks: [{ name: "x", chance: 0.9, ceilingGap: 0.2, slope: 1, midpoint: 3, items: 10 }],
      }),
    /task "x" has chance 0.9 and ceilingGap 0.2/,
  );
});
