import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { fitSync } from "../fit/fit.ts";
import { bootstrap } from "../fit/bootstrap.ts";
import type { FitOptions } from "../fit/types.ts";
import type { Law } from "./types.ts";
import { assertJacobian, logUniform, logUniformColumns, predictAt } from "./_testing.ts";
import { dataMixing, dataMixingLaw, dataMixingLawFor } from "./data_mixing.ts";
import { dCpt } from "./d_cpt.ts";
import { vocabulary } from "./vocabulary.ts";
import { moe, saturatedExperts } from "./moe.ts";
import { rectifiedSft } from "./rectified_sft.ts";
import { annealingAreas, lrAnnealing, lrAnnealingAreas, scheduleAreas } from "./lr_annealing.ts";
import { optimalHparams } from "./optimal_hparams.ts";
import { optimalBatch } from "./optimal_batch.ts";
import { sweepOptima, type SweepRun } from "./sweep_optima.ts";
import { parallel } from "./parallel.ts";
import { LITERATURE_LAWS_A } from "./literature_a.ts";
import { assertCoverage } from "./_coverage.ts";

const random = rng(2024);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);

/** Parameter vector in the law's order from a record. */
function vec(law: Law, p: Record<string, number>): Float64Array {
  return Float64Array.from(law.params.map((s) => {
    assert.ok(s.name in p, `missing parameter ${s.name}`);
    return p[s.name];
  }));
}

/** Named columns in the law's input order. */
function cols(law: Law, inputs: Record<string, Float64Array>): Float64Array[] {
  return law.inputs.map((s) => inputs[s.name]);
}

/** Cartesian product of value lists, as named columns. */
function product(axes: Record<string, number[]>): Record<string, Float64Array> {
  const names = Object.keys(axes);
  let rows: number[][] = [[]];
  for (const name of names) rows = rows.flatMap((row) => axes[name].map((v) => [...row, v]));
  return Object.fromEntries(names.map((name, j) => [name, Float64Array.from(rows, (r) => r[j])]));
}

/** Relative difference, measured against max(|b|, floor). */
function rel(a: number, b: number, floor = 1e-12): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

/**
 * (c) Noise-free recovery: fit from the law's default starts (or the given options) and assert
 * every free parameter within 1e-6 relative of the truth.
 */
function assertRecovery(
  law: Law,
  inputs: Record<string, Float64Array>,
  truth: Record<string, number>,
  options: FitOptions = {},
): void {
  const y = predictAt(law, cols(law, inputs), vec(law, truth));
  const r = fitSync(law, { inputs, y }, {
    loss: "squared",
    optimizer: "lm",
    ...options,
  });
  assert.ok(r.converged, `${law.name}: ${r.message}`);
  for (const s of law.params) {
    const got = r.params[s.name].value;
    assert.ok(
      rel(got, truth[s.name], 1e-9) < 1e-6,
      `${law.name}: ${s.name} recovered as ${got}, true ${truth[s.name]}`,
    );
  }
}

/**
 * (d) Noisy recovery: targets times (1 + sigma·z), z standard normal from `rng(seed)`, bootstrap
 * with the same seed; the criterion of `_coverage.ts` (seeds 1-3, 99% percentile intervals,
 * every free parameter inside for at least 2 of 3 seeds).
 */
async function assertBootstrapCovers(
  law: Law,
  inputs: Record<string, Float64Array>,
  truth: Record<string, number>,
  options: { sigma: number; fit?: FitOptions; resamples?: number },
): Promise<void> {
  const clean = predictAt(law, cols(law, inputs), vec(law, truth));
  const fixed = options.fit?.params ?? {};
  const free = Object.fromEntries(
    law.params.filter((s) => fixed[s.name]?.fixed === undefined).map((s) => [
      s.name,
      truth[s.name],
    ]),
  );
  await assertCoverage(law.name, free, async (seed, level) => {
    const noise = rng(seed);
    const y = clean.map((v) => v * (1 + options.sigma * noise.normal()));
    const b = await bootstrap(law, { inputs, y }, {
      resamples: options.resamples ?? 120,
      seed,
      level,
      workers: 1,
      fit: { loss: "squared", ...options.fit },
    });
    assert.ok(
      b.failed <= 0.05 * b.resamples,
      `${law.name} seed ${seed}: ${b.failed} refits failed`,
    );
    return b.intervals;
  });
}

// ---------------------------------------------------------------------------------------------
// Registry list

Deno.test("LITERATURE_LAWS_A lists ten laws with unique names, inputs and documented params", () => {
  const names = LITERATURE_LAWS_A.map((law) => law.name);
  assert.equal(new Set(names).size, 10);
  for (const law of LITERATURE_LAWS_A) {
    assert.ok(law.paper && /arXiv:\d{4}\.\d{5}/.test(law.paper), `${law.name} cites a paper`);
    const inputs = law.inputs.map((s) => s.name);
    for (const s of law.params) {
      assert.ok(!inputs.includes(s.name), `${law.name}: ${s.name} is both input and parameter`);
      assert.ok(s.grid.length > 0, `${law.name}: ${s.name} has a grid`);
      for (const v of s.grid) {
        assert.ok(Number.isFinite(v) && (s.scale !== "log" || v > 0));
        assert.ok(v >= (s.min ?? -Infinity) && v <= (s.max ?? Infinity));
      }
    }
    const gridSize = law.params.reduce((a, s) => a * s.grid.length, 1);
    assert.ok(gridSize <= 512, `${law.name}: grid of ${gridSize} points`);
  }
});

// ---------------------------------------------------------------------------------------------
// data-mixing

/** `n` mixtures of `m` domains (uniform on the simplex). */
function mixtures(m: number, n: number): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (let j = 0; j < m; j++) out[`r${j + 1}`] = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: m }, () => -Math.log(1 - next()));
    const total = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (out[`r${j + 1}`][i] = v / total));
  }
  return out;
}

const MIX3 = { c: 1.8, k: 1, t1: -1.2, t2: 0.4, t3: -0.3 };

Deno.test("data-mixing jacobian() matches finite differences", () => {
  const law = dataMixingLaw(3);
  const x = cols(law, mixtures(3, 12));
  assertJacobian(law, x, vec(law, MIX3));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(0.5, 3),
      logUniform(next, 0.1, 10),
      ...[1, 2, 3].map(() => uniform(-3, 3)),
    );
    assertJacobian(law, x, p);
  }
});

Deno.test("data-mixing predict() matches the formula written out", () => {
  const law = dataMixingLaw(3);
  const inputs = mixtures(3, 5);
  const out = predictAt(law, cols(law, inputs), vec(law, { ...MIX3, k: 0.7 }));
  for (let i = 0; i < 5; i++) {
    const z = MIX3.t1 * inputs.r1[i] + MIX3.t2 * inputs.r2[i] + MIX3.t3 * inputs.r3[i];
    assert.ok(rel(out[i], MIX3.c + 0.7 * Math.exp(z)) < 1e-14);
  }
});

Deno.test("dataMixingLawFor() builds the law for the mapped inputs and rejects bad names", () => {
  assert.deepEqual(dataMixingLawFor(["r3", "r1", "r2", "r4"]).inputs.map((s) => s.name), [
    "r1",
    "r2",
    "r3",
    "r4",
  ]);
  assert.equal(dataMixingLawFor(["r1", "r2", "r3"]).params.length, 5);
  assert.equal(dataMixing.params.length, 4);
  assert.throws(() => dataMixingLawFor(["r1", "web"]), /"web" is not a domain proportion/);
  assert.throws(() => dataMixingLawFor(["r1", "r1"]), /given twice/);
  assert.throws(() => dataMixingLawFor(["r2", "r3"]), /r1 is missing/);
  assert.throws(
    () => dataMixingLawFor(["r2"]),
    /r1 is missing among r2; expected r1, \.\.\., r2 with no gaps/,
  );
  assert.throws(() => dataMixingLaw(0), RangeError);
});

Deno.test("data-mixing fit recovers c and t exactly when mixtures sum to 1 and k is fixed to 1", () => {
  const law = dataMixingLaw(3);
  assertRecovery(law, mixtures(3, 30), MIX3, { params: { k: { fixed: 1 } } });
});

Deno.test("data-mixing fit recovers c, k and t when the proportions do not sum to 1", () => {
  const inputs = {
    r1: Float64Array.from({ length: 30 }, next),
    r2: Float64Array.from({ length: 30 }, next),
  };
  assertRecovery(dataMixing, inputs, { c: 2.1, k: 0.6, t1: -1.5, t2: 0.8 });
});

Deno.test("data-mixing bootstrap interval covers the truth under 0.3% noise", async () => {
  const law = dataMixingLaw(3);
  await assertBootstrapCovers(law, mixtures(3, 40), MIX3, {
    sigma: 0.003,
    fit: { params: { k: { fixed: 1 } } },
  });
});

// ---------------------------------------------------------------------------------------------
// d-cpt

const DCPT = {
  E: 1.3,
  A: 450,
  B: 900,
  C: 0.08,
  alpha: 0.32,
  beta: 0.28,
  eta: 0.35,
  gamma: 0.45,
  eps: 0.02,
};
const DCPT_DESIGN = product({
  N: [1e8, 5e8, 2e9, 8e9],
  D: [1e9, 5e9, 2e10, 1e11],
  r: [0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1],
});

Deno.test("d-cpt jacobian() matches finite differences, including r = 0", () => {
  const x = cols(dCpt, product({ N: [1e8, 3e9], D: [2e9, 5e10], r: [0, 0.01, 0.3, 1] }));
  assertJacobian(dCpt, x, vec(dCpt, DCPT));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(1, 2),
      logUniform(next, 50, 2000),
      logUniform(next, 50, 2000),
      logUniform(next, 0.01, 1),
      uniform(0.1, 0.6),
      uniform(0.1, 0.6),
      uniform(0.1, 1),
      uniform(0.1, 1),
      logUniform(next, 1e-3, 0.1),
    );
    assertJacobian(dCpt, x, p);
  }
});

Deno.test("d-cpt predict() matches the formula written out", () => {
  const x = cols(dCpt, DCPT_DESIGN);
  const out = predictAt(dCpt, x, vec(dCpt, DCPT));
  const { E, A, B, C, alpha, beta, eta, gamma, eps } = DCPT;
  for (let i = 0; i < out.length; i += 7) {
    const [n, d, r] = [x[0][i], x[1][i], x[2][i]];
    const direct = E + A / n ** alpha + B * r ** eta / d ** beta + C / (r + eps) ** gamma;
    assert.ok(rel(out[i], direct) < 1e-14);
  }
});

Deno.test("d-cpt fit recovers all nine parameters from noise-free data", () => {
  assertRecovery(dCpt, DCPT_DESIGN, DCPT);
});

Deno.test("d-cpt bootstrap interval covers the truth under 0.3% noise", async () => {
  await assertBootstrapCovers(dCpt, DCPT_DESIGN, DCPT, { sigma: 0.003, resamples: 100 });
});

// ---------------------------------------------------------------------------------------------
// vocabulary

const VOCAB = { E: 5.2, A1: 60, A2: 25, B: 220, alpha1: 0.3, alpha2: 0.35, beta: 0.32 };
const VOCAB_DESIGN = product({
  Nnv: [3e7, 1.5e8, 6e8, 3e9],
  Nv: [2e6, 1e7, 5e7, 2.5e8],
  H: [1e9, 1e10, 1e11, 1e12],
});

Deno.test("vocabulary jacobian() matches finite differences", () => {
  const x = logUniformColumns(next, [[3e7, 3e9], [2e6, 3e8], [1e9, 1e12]], 15);
  assertJacobian(vocabulary, x, vec(vocabulary, VOCAB));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(3, 7),
      ...[0, 1, 2].map(() => logUniform(next, 10, 1000)),
      ...[0, 1, 2].map(() => uniform(0.1, 0.8)),
    );
    assertJacobian(vocabulary, x, p);
  }
});

Deno.test("vocabulary predict() matches the formula written out and is negative", () => {
  const x = cols(vocabulary, VOCAB_DESIGN);
  const out = predictAt(vocabulary, x, vec(vocabulary, VOCAB));
  const { E, A1, A2, B, alpha1, alpha2, beta } = VOCAB;
  for (let i = 0; i < out.length; i++) {
    const direct = -E + A1 / x[0][i] ** alpha1 + A2 / x[1][i] ** alpha2 + B / x[2][i] ** beta;
    assert.ok(rel(out[i], direct) < 1e-13);
    assert.ok(out[i] < 0);
  }
});

Deno.test("vocabulary fit recovers all parameters in linear space", () => {
  assertRecovery(vocabulary, VOCAB_DESIGN, VOCAB, { space: "linear" });
});

Deno.test("vocabulary bootstrap interval covers the truth under 0.2% noise", async () => {
  await assertBootstrapCovers(vocabulary, VOCAB_DESIGN, VOCAB, {
    sigma: 0.002,
    fit: { space: "linear" },
  });
});

// ---------------------------------------------------------------------------------------------
// moe

/** S-BASE fit of Clark et al. 2022 (their table of fitted coefficients). */
const SBASE = { a: -0.082, b: -0.108, c: 0.009, d: 1.104, Estart: 1.847, Emax: 314.478 };
const MOE_DESIGN = product({
  N: [1.5e7, 1.3e8, 3.7e8, 1.3e9],
  E: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
});

Deno.test("moe saturatedExperts() has the limits of the paper's transform", () => {
  assert.ok(rel(saturatedExperts(1, 1.847, 314.478), 1.847) < 1e-14);
  assert.ok(rel(saturatedExperts(1e12, 1.847, 314.478), 314.478) < 1e-8);
  // Written out as in the paper: 1/Ê = 1/(E - 1 + (1/Estart - 1/Emax)^-1) + 1/Emax.
  const direct = 1 / (1 / (64 - 1 + 1 / (1 / 1.847 - 1 / 314.478)) + 1 / 314.478);
  assert.ok(rel(saturatedExperts(64, 1.847, 314.478), direct) < 1e-14);
});

Deno.test("moe jacobian() matches finite differences", () => {
  const x = cols(moe, MOE_DESIGN);
  assertJacobian(moe, x, vec(moe, SBASE));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(-0.15, -0.03),
      uniform(-0.2, -0.02),
      uniform(-0.01, 0.03),
      uniform(0.5, 1.5),
      uniform(1.2, 4),
      logUniform(next, 50, 2000),
    );
    assertJacobian(moe, x, p);
  }
});

Deno.test("moe predict() matches the formula written out", () => {
  const x = cols(moe, MOE_DESIGN);
  const out = predictAt(moe, x, vec(moe, SBASE));
  const { a, b, c, d, Estart, Emax } = SBASE;
  for (let i = 0; i < out.length; i++) {
    const eHat = 1 / (1 / (x[1][i] - 1 + 1 / (1 / Estart - 1 / Emax)) + 1 / Emax);
    const u = Math.log10(x[0][i]), v = Math.log10(eHat);
    assert.ok(rel(out[i], 10 ** (a * u + b * v + c * u * v + d)) < 1e-13);
  }
});

Deno.test("moe fit recovers a, b, c, d, Estart and Emax from the S-BASE law", () => {
  assertRecovery(moe, MOE_DESIGN, SBASE);
});

Deno.test("moe bootstrap interval covers the truth under 0.2% noise", async () => {
  await assertBootstrapCovers(moe, MOE_DESIGN, SBASE, { sigma: 0.002 });
});

// ---------------------------------------------------------------------------------------------
// rectified-sft

const RECT = { E: 0.8, B: 500, Dl: 100, beta: 0.7 };
const RECT_DESIGN = { D: Float64Array.from({ length: 25 }, (_, i) => 10 * 10 ** (i / 5)) };

Deno.test("rectified-sft jacobian() matches finite differences", () => {
  const x = cols(rectifiedSft, RECT_DESIGN);
  assertJacobian(rectifiedSft, x, vec(rectifiedSft, RECT));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(0.2, 2),
      logUniform(next, 10, 1e4),
      logUniform(next, 1, 1e4),
      uniform(0.2, 1.2),
    );
    assertJacobian(rectifiedSft, x, p);
  }
});

Deno.test("rectified-sft predict() matches the formula and shows the pre-power phase", () => {
  const x = cols(rectifiedSft, RECT_DESIGN);
  const out = predictAt(rectifiedSft, x, vec(rectifiedSft, RECT));
  for (let i = 0; i < out.length; i++) {
    const direct = RECT.B / (RECT.Dl + x[0][i] ** RECT.beta) + RECT.E;
    assert.ok(rel(out[i], direct) < 1e-14);
  }
  // The log-log slope of L - E is near 0 for D^beta ≪ Dl and near -beta for D^beta ≫ Dl.
  const slope = (i: number) =>
    Math.log((out[i + 1] - RECT.E) / (out[i] - RECT.E)) / Math.log(x[0][i + 1] / x[0][i]);
  assert.ok(Math.abs(slope(0)) < 0.1);
  assert.ok(Math.abs(slope(23) + RECT.beta) < 0.02);
});

Deno.test("rectified-sft fit recovers E, B, Dl and beta across both phases", () => {
  assertRecovery(rectifiedSft, RECT_DESIGN, RECT);
});

Deno.test("rectified-sft bootstrap interval covers the truth under 0.2% noise", async () => {
  await assertBootstrapCovers(rectifiedSft, RECT_DESIGN, RECT, { sigma: 0.002 });
});

// ---------------------------------------------------------------------------------------------
// lr-annealing, lr-annealing-areas

/**
 * Learning rate of steps 1 … `steps` (index 0 is step 1) of a cosine schedule (peak to 0.1·peak)
 * and a warmup-stable-decay schedule (constant to step 0.8·steps, then linear to 0.1·peak at the
 * last step: corners on steps that are multiples of 10).
 */
function schedules(steps: number, peak: number): { cosine: Float64Array; wsd: Float64Array } {
  const cosine = Float64Array.from(
    { length: steps },
    (_, i) => 0.1 * peak + 0.45 * peak * (1 + Math.cos(Math.PI * i / (steps - 1))),
  );
  const decayFrom = 0.8 * steps;
  const wsd = Float64Array.from({ length: steps }, (_, i) => {
    const s = i + 1;
    return s <= decayFrom ? peak : peak * (1 - 0.9 * (s - decayFrom) / (steps - decayFrom));
  });
  return { cosine, wsd };
}

/**
 * Rows logged every `every` steps of each schedule, runs one after the other: the law's inputs
 * (lr, step) and the exact per-step areas at those steps (scheduleAreas, λ = 0.999).
 */
function annealingRows(
  every: number,
  lrs: Float64Array[],
): { lr: Float64Array; step: Float64Array; S1: Float64Array; S2: Float64Array } {
  const lr: number[] = [], step: number[] = [], s1: number[] = [], s2: number[] = [];
  for (const schedule of lrs) {
    const areas = scheduleAreas(schedule);
    for (let s = every; s <= schedule.length; s += every) {
      lr.push(schedule[s - 1]);
      step.push(s);
      s1.push(areas.S1[s - 1]);
      s2.push(areas.S2[s - 1]);
    }
  }
  const f = (v: number[]) => Float64Array.from(v);
  return { lr: f(lr), step: f(step), S1: f(s1), S2: f(s2) };
}

const ANNEAL = { L0: 2.7, A: 0.6, alpha: 0.55, C: 0.4 };
const ANNEAL_SCHEDULES = schedules(4000, 2e-3);
const ANNEAL_RUNS = [ANNEAL_SCHEDULES.cosine, ANNEAL_SCHEDULES.wsd];
/** Every 100th step of the cosine and WSD runs (80 rows), for Jacobian and bootstrap checks. */
const ANNEAL_SPARSE = annealingRows(100, ANNEAL_RUNS);

/** Loss at the rows from the exact per-step areas (the truth of the recovery tests). */
function annealingLoss(rows: { S1: Float64Array; S2: Float64Array }): Float64Array {
  return rows.S1.map((s1, i) => ANNEAL.L0 + ANNEAL.A * s1 ** -ANNEAL.alpha - ANNEAL.C * rows.S2[i]);
}

Deno.test("scheduleAreas() follows the momentum recursion of the annealing area", () => {
  const lr = Float64Array.of(3, 3, 2, 2, 0.5, 0.5);
  const lambda = 0.9;
  const { S1, S2 } = scheduleAreas(lr, lambda);
  // Written out: m = 0, 0, 1, 0.9, 0.81 + 1.5, 0.9·2.31.
  const m = [0, 0, 1, 0.9, 0.81 + 1.5, 0.9 * 2.31];
  let s2 = 0;
  m.forEach((v, i) => {
    s2 += v;
    assert.ok(Math.abs(S2[i] - s2) < 1e-14);
  });
  assert.deepEqual([...S1], [3, 6, 8, 10, 10.5, 11]);
  // A constant schedule never anneals; a warm-up gives negative S2.
  assert.ok(scheduleAreas(new Float64Array(50).fill(1e-3)).S2.every((v) => v === 0));
  assert.ok(scheduleAreas(Float64Array.of(1, 2, 3)).S2[2] < 0);
  assert.throws(() => scheduleAreas(lr, 1), /lambda is 1/);
  assert.throws(() => scheduleAreas(Float64Array.of(1, NaN)), /lr\[1\] is NaN/);
});

Deno.test("annealingAreas() equals scheduleAreas() bit for bit when every step is logged", () => {
  const rows = annealingRows(1, ANNEAL_RUNS);
  const got = annealingAreas(rows.lr, rows.step);
  // Each run restarts at step 1, so the step decrease at the second run starts a new run.
  assert.deepEqual(got.S1, rows.S1);
  assert.deepEqual(got.S2, rows.S2);
  // Another λ, on a short schedule with a warm-up and a rebound.
  const lr = Float64Array.of(0.5, 1, 1, 0.2, 0.4, 0);
  const step = Float64Array.of(1, 2, 3, 4, 5, 6);
  assert.deepEqual(annealingAreas(lr, step, 0.7), scheduleAreas(lr, 0.7));
});

Deno.test("annealingAreas() is exact across gaps where the schedule is linear", () => {
  // WSD logged every 10 steps (corners at steps 3200 and 4000 are logged), and gaps of 1 to 37.
  const wsd = ANNEAL_SCHEDULES.wsd;
  const full = scheduleAreas(wsd);
  const uneven = [1, 2, 3, 10, 47, 3199, 3200, 3201, 3237, 3300, 3301, 3500, 3999, 4000];
  for (const steps of [Array.from({ length: 400 }, (_, i) => 10 * (i + 1)), uneven]) {
    const lr = Float64Array.from(steps, (s) => wsd[s - 1]);
    const got = annealingAreas(lr, Float64Array.from(steps));
    steps.forEach((s, i) => {
      assert.ok(rel(got.S1[i], full.S1[s - 1]) < 1e-13, `S1 at step ${s}`);
      assert.ok(Math.abs(got.S2[i] - full.S2[s - 1]) < 1e-12, `S2 at step ${s}`);
    });
  }
  // λ = 0.5 worked by hand: lr 1 at steps 1-2, then 0.75, 0.5, 0.25, 0 at steps 3-6, logged at
  // 2, 6: S1 = 2, then 2 + 1.5 = 3.5; m = 0.25, 0.375, 0.4375, 0.46875 sums to 1.53125.
  const hand = annealingAreas(Float64Array.of(1, 0), Float64Array.of(2, 6), 0.5);
  assert.deepEqual([...hand.S1], [2, 3.5]);
  assert.ok(Math.abs(hand.S2[1] - 1.53125) < 1e-15);
});

Deno.test("annealingAreas() interpolates a cosine to 3e-6 of S1 and 1e-5 of S2 at 10-step gaps", () => {
  // Measured: max relative S1 error 1.8e-6 and max absolute S2 error 6.6e-6 (S2 up to 1.7) on
  // an 8000-step cosine logged every 10 steps; the error of linear interpolation grows as g².
  const cosine = schedules(8000, 2e-3).cosine;
  const rows = annealingRows(10, [cosine]);
  const got = annealingAreas(rows.lr, rows.step);
  let e1 = 0, e2 = 0;
  for (let i = 0; i < rows.lr.length; i++) {
    e1 = Math.max(e1, rel(got.S1[i], rows.S1[i]));
    e2 = Math.max(e2, Math.abs(got.S2[i] - rows.S2[i]));
  }
  assert.ok(e1 < 3e-6 && e1 > 1e-8, `S1 error ${e1}`);
  assert.ok(e2 < 1e-5 && e2 > 1e-8, `S2 error ${e2}`);
});

Deno.test("annealingAreas() rejects bad rows with the row and what is expected", () => {
  const f = (...v: number[]) => Float64Array.from(v);
  assert.throws(() => annealingAreas(f(1, 1), f(1)), /lr has 2 rows and step 1/);
  assert.throws(() => annealingAreas(f(1, -1), f(1, 2)), /row 1 has lr = -1; expected/);
  assert.throws(() => annealingAreas(f(1, NaN), f(1, 2)), /row 1 has lr = NaN/);
  assert.throws(() => annealingAreas(f(1, 1), f(0, 1)), /row 0 has step = 0; expected a pos/);
  assert.throws(() => annealingAreas(f(0, 1), f(1, 2)), /row 0 \(step 1\) has forward area S1 = 0/);
  assert.throws(() => annealingAreas(f(1), f(1), 1), /lambda is 1/);
});

Deno.test("lr-annealing predict() is the formula in the rows' areas and refreshes its cache", () => {
  const { lr, step } = ANNEAL_SPARSE;
  const p = vec(lrAnnealing, ANNEAL);
  const out = predictAt(lrAnnealing, [lr, step], p);
  const areas = annealingAreas(lr, step);
  for (let i = 0; i < out.length; i++) {
    const direct = ANNEAL.L0 + ANNEAL.A * areas.S1[i] ** -ANNEAL.alpha - ANNEAL.C * areas.S2[i];
    assert.ok(rel(out[i], direct) < 1e-14);
  }
  // The same formula as lr-annealing-areas on those areas.
  assert.deepEqual(predictAt(lrAnnealingAreas, [areas.S1, areas.S2], p), out);
  // Columns changed in place give fresh areas, not cached ones.
  const lr2 = Float64Array.from(lr);
  const before = predictAt(lrAnnealing, [lr2, step], p);
  lr2.fill(2e-3);
  const after = predictAt(lrAnnealing, [lr2, step], p);
  assert.notDeepEqual(after, before);
  assert.ok(rel(after[5], ANNEAL.L0 + ANNEAL.A * (2e-3 * step[5]) ** -ANNEAL.alpha) < 1e-14);
});

Deno.test("lr-annealing and lr-annealing-areas jacobian() match finite differences", () => {
  const rows = ANNEAL_SPARSE;
  for (
    const [law, x] of [[lrAnnealing, [rows.lr, rows.step]], [lrAnnealingAreas, [
      rows.S1,
      rows.S2,
    ]]] as const
  ) {
    assertJacobian(law, x, vec(law, ANNEAL));
    for (let t = 0; t < 3; t++) {
      const p = Float64Array.of(
        uniform(1.5, 3.5),
        logUniform(next, 0.05, 2),
        uniform(0.2, 1),
        logUniform(next, 0.05, 2),
      );
      assertJacobian(law, x, p);
    }
  }
});

/** Fit lr-annealing to rows and return the largest relative parameter error. */
function annealingRecoveryError(rows: ReturnType<typeof annealingRows>): number {
  const r = fitSync(lrAnnealing, {
    inputs: { lr: rows.lr, step: rows.step },
    y: annealingLoss(rows),
  }, { loss: "squared", optimizer: "lm" });
  assert.ok(r.converged, r.message);
  return Math.max(
    ...lrAnnealing.params.map((s) => rel(r.params[s.name].value, ANNEAL[s.name as "L0"])),
  );
}

Deno.test("lr-annealing fit recovers L0, A, alpha, C from cosine and WSD runs, every step logged", () => {
  // 8000 rows; the law's areas equal the per-step truth, so recovery is to optimiser precision.
  const err = annealingRecoveryError(annealingRows(1, ANNEAL_RUNS));
  assert.ok(err < 1e-6, `largest relative error ${err}`);
});

Deno.test("lr-annealing fit recovers the parameters to 1e-4 from every 10th step logged", () => {
  // The loss comes from the exact per-step areas; the law only sees every 10th step and
  // interpolates the cosine linearly between them (the WSD corners are logged, so that run's
  // areas are exact). Measured relative errors: L0 7.0e-7, A 7.1e-6, alpha 3.6e-6, C 1.9e-5
  // (every 100th step: up to 2.3e-3); limit 1e-4.
  const err = annealingRecoveryError(annealingRows(10, ANNEAL_RUNS));
  assert.ok(err < 1e-4, `largest relative error ${err}`);
  // With only the piecewise-linear WSD run plus a constant one, every 10th step is exact.
  const constant = new Float64Array(4000).fill(1.5e-3);
  const exact = annealingRecoveryError(annealingRows(10, [ANNEAL_SCHEDULES.wsd, constant]));
  assert.ok(exact < 1e-6, `largest relative error ${exact}`);
});

Deno.test("lr-annealing-areas fit recovers L0, A, alpha and C from precomputed areas", () => {
  assertRecovery(lrAnnealingAreas, { S1: ANNEAL_SPARSE.S1, S2: ANNEAL_SPARSE.S2 }, ANNEAL);
});

Deno.test("lr-annealing bootstrap interval covers the truth under 0.2% noise", async () => {
  const inputs = { lr: ANNEAL_SPARSE.lr, step: ANNEAL_SPARSE.step };
  await assertBootstrapCovers(lrAnnealing, inputs, ANNEAL, { sigma: 0.002 });
});

// ---------------------------------------------------------------------------------------------
// optimal-hparams, optimal-batch, sweepOptima

/** Li et al. 2025 (Step Law) fits. */
const STEP_LR = { a: 1.79, alpha: -0.713, beta: 0.307 };
const STEP_BS = { b: 0.58, gamma: 0.571 };
const SWEEP_ND = product({ N: [6e7, 2.1e8, 4.3e8, 1e9], D: [2e9, 8e9, 3.2e10, 1e11] });

/**
 * A synthetic sweep: at every (N, D), learning rates η*·2^i and batch sizes B*·2^j
 * (i, j = -3..3) around the law's optimum, loss quadratic in log2 of the ratios (plus a
 * diverged run at the largest rate).
 */
function sweep(): SweepRun[] {
  const rows: SweepRun[] = [];
  for (let g = 0; g < SWEEP_ND.N.length; g++) {
    const N = SWEEP_ND.N[g], D = SWEEP_ND.D[g];
    const lrOpt = STEP_LR.a * N ** STEP_LR.alpha * D ** STEP_LR.beta;
    const bsOpt = STEP_BS.b * D ** STEP_BS.gamma;
    const base = 2 + 400 / N ** 0.34 + 400 / D ** 0.28;
    for (let i = -3; i <= 3; i++) {
      for (let j = -3; j <= 3; j++) {
        const loss = i === 3 ? NaN : base * (1 + 0.01 * i * i + 0.004 * j * j + 0.001 * i * j);
        rows.push({ N, D, lr: lrOpt * 2 ** i, batchSize: bsOpt * 2 ** j, loss });
      }
    }
  }
  return rows;
}

Deno.test("optimal-hparams and optimal-batch jacobian() match finite differences", () => {
  const x = cols(optimalHparams, SWEEP_ND);
  assertJacobian(optimalHparams, x, vec(optimalHparams, STEP_LR));
  assertJacobian(optimalHparams, x, Float64Array.of(0.01, -0.3, 0.1));
  assertJacobian(optimalBatch, [SWEEP_ND.D], vec(optimalBatch, STEP_BS));
  assertJacobian(optimalBatch, [SWEEP_ND.D], Float64Array.of(3, 0.3));
});

Deno.test("optimal-hparams and optimal-batch predict() match the formulas written out", () => {
  const lr = predictAt(
    optimalHparams,
    cols(optimalHparams, SWEEP_ND),
    vec(optimalHparams, STEP_LR),
  );
  const bs = predictAt(optimalBatch, [SWEEP_ND.D], vec(optimalBatch, STEP_BS));
  for (let i = 0; i < lr.length; i++) {
    const n = SWEEP_ND.N[i], d = SWEEP_ND.D[i];
    assert.ok(rel(lr[i], 1.79 * n ** -0.713 * d ** 0.307) < 1e-14);
    assert.ok(rel(bs[i], 0.58 * d ** 0.571) < 1e-14);
  }
});

Deno.test("sweepOptima() picks the argmin run per (N, D), skipping diverged runs", () => {
  const best = sweepOptima(sweep());
  assert.equal(best.N.length, 16);
  for (let g = 0; g < 16; g++) {
    const n = best.N[g], d = best.D[g];
    assert.ok(rel(best.lr[g], STEP_LR.a * n ** STEP_LR.alpha * d ** STEP_LR.beta) < 1e-14);
    assert.ok(rel(best.batchSize[g], STEP_BS.b * d ** STEP_BS.gamma) < 1e-14);
    assert.equal(best.runs[g], 42);
    if (g > 0) assert.ok(best.N[g - 1] < n || (best.N[g - 1] === n && best.D[g - 1] < d));
  }
  assert.equal(sweepOptima([{ N: 1, D: 1, lr: 1, batchSize: 1, loss: NaN }]).N.length, 0);
  assert.throws(
    () => sweepOptima([{ N: 1e8, D: 1e9, lr: -1, batchSize: 8, loss: 3 }]),
    /run 0 has lr = -1; expected a positive finite number/,
  );
});

Deno.test("optimal-hparams and optimal-batch fits recover the Step Law from a sweep's optima", () => {
  const best = sweepOptima(sweep());
  assertRecovery(optimalHparams, { N: best.N, D: best.D }, STEP_LR);
  assertRecovery(optimalBatch, { D: best.D }, STEP_BS);
});

Deno.test("optimal-hparams and optimal-batch bootstrap intervals cover the truth under 5% noise", async () => {
  await assertBootstrapCovers(optimalHparams, SWEEP_ND, STEP_LR, { sigma: 0.05 });
  await assertBootstrapCovers(optimalBatch, { D: SWEEP_ND.D }, STEP_BS, { sigma: 0.05 });
});

// ---------------------------------------------------------------------------------------------
// parallel

const PAR = { E: 1.1, A: 3e7, k: 0.39, alpha: 0.21 };
// Two decades of N: over the paper's 0.5B-4.4B alone, E, A and alpha are nearly degenerate (with
// 0.2% noise the optimum can sit at E = 0.7, alpha = 0.11 instead of 1.1, 0.21).
const PAR_DESIGN = product({ N: [1e8, 3e8, 1e9, 3e9, 1e10], P: [1, 2, 4, 8] });

Deno.test("parallel jacobian() matches finite differences", () => {
  const x = cols(parallel, PAR_DESIGN);
  assertJacobian(parallel, x, vec(parallel, PAR));
  for (let t = 0; t < 4; t++) {
    const p = Float64Array.of(
      uniform(0.5, 2),
      logUniform(next, 1e6, 1e9),
      logUniform(next, 0.05, 2),
      uniform(0.1, 0.5),
    );
    assertJacobian(parallel, x, p);
  }
});

Deno.test("parallel predict() matches the formula and reduces to (A/N)^alpha + E at P = 1", () => {
  const x = cols(parallel, PAR_DESIGN);
  const out = predictAt(parallel, x, vec(parallel, PAR));
  for (let i = 0; i < out.length; i++) {
    const [n, p] = [x[0][i], x[1][i]];
    const direct = (PAR.A / (n * (PAR.k * Math.log(p) + 1))) ** PAR.alpha + PAR.E;
    assert.ok(rel(out[i], direct) < 1e-14);
    if (p === 1) assert.ok(rel(out[i], (PAR.A / n) ** PAR.alpha + PAR.E) < 1e-14);
  }
});

Deno.test("parallel fit recovers E, A, k and alpha across model sizes and stream counts", () => {
  assertRecovery(parallel, PAR_DESIGN, PAR);
});

Deno.test("parallel bootstrap interval covers the truth under 0.2% noise", async () => {
  await assertBootstrapCovers(parallel, PAR_DESIGN, PAR, { sigma: 0.002 });
});
