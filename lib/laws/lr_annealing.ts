/**
 * The learning-rate annealing law of Tissue et al. (2024): loss along a training run from the
 * area under the learning-rate schedule and the annealing area.
 *
 * Two laws share the formula L = L0 + A·S1^-alpha - C·S2:
 * - {@link lrAnnealing} (`lr-annealing`) takes a run's logged rows, learning rate `lr` and
 *   `step`, and computes S1 and S2 itself ({@link annealingAreas});
 * - {@link lrAnnealingAreas} (`lr-annealing-areas`) takes S1 and S2 computed by the user (e.g.
 *   with {@link scheduleAreas} from the full per-step schedule, or with another λ).
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/**
 * Default decay factor λ of the annealing momentum: our choice, the value a third-party
 * reimplementation of the paper uses; the paper's own value was not verified.
 */
export const DEFAULT_ANNEALING_DECAY = 0.999;

/** Forward and annealing areas of a schedule, per step (or per logged row). */
export interface ScheduleAreas {
  /** Forward area S1 after each step: the running sum of the learning rate. */
  S1: Float64Array;
  /** Annealing area S2 after each step: the running sum of the annealing momentum. */
  S2: Float64Array;
}

function checkLambda(lambda: number, action: string): void {
  if (!(lambda >= 0 && lambda < 1)) {
    throw new RangeError(`Cannot ${action}: lambda is ${lambda}; expected a number in [0, 1)`);
  }
}

/**
 * Forward area S1 and annealing area S2 of a learning-rate schedule, after every step:
 *
 *     S1(s) = η_1 + ... + η_s
 *     m_1 = 0,  m_i = λ·m_(i-1) + (η_(i-1) - η_i)
 *     S2(s) = m_1 + ... + m_s
 *
 * where η_i is the learning rate of step i, as given (not normalised by its peak). m is a
 * momentum of the learning-rate decrease: each drop of the learning rate keeps adding to S2 for
 * about 1/(1-λ) steps (1000 steps at the default λ = 0.999), which models the delay between
 * annealing and the loss drop. These recursions follow a third-party reimplementation of the
 * paper; the paper's own definitions of S1 and S2 were not seen. A constant schedule has
 * S2 = 0; a warm-up (rising learning rate) makes S2 negative, so start the history at the end
 * of the warm-up (or leave warm-up points out of the fit): our recommendation, not checked
 * against the paper.
 *
 * Use it to build the inputs of {@link lrAnnealingAreas} when the full schedule is known: give
 * each logged point S1 = areas.S1[step - 1] and S2 = areas.S2[step - 1]. From logged rows alone
 * (learning rate and step of each logged point) use {@link annealingAreas}, which equals this
 * function when every step is logged.
 *
 * @param lr Learning rate of each step, in step order (index 0 is step 1).
 * @param lambda Decay factor λ in [0, 1). @default 0.999
 * @returns S1 and S2, each of the length of `lr`.
 * @throws {RangeError} When λ is outside [0, 1) or a learning rate is not finite.
 *
 * @example A constant phase then a linear decay to zero
 * ```ts
 * import assert from "node:assert/strict";
 * import { scheduleAreas } from "./lr_annealing.ts";
 * const lr = Float64Array.of(1, 1, 0.5, 0);
 * const { S1, S2 } = scheduleAreas(lr, 0.5);
 * assert.deepEqual([...S1], [1, 2, 2.5, 2.5]);
 * // m = 0, 0, 0.5, 0.5·0.5 + 0.5 = 0.75
 * assert.deepEqual([...S2], [0, 0, 0.5, 1.25]);
 * ```
 */
export function scheduleAreas(lr: Float64Array, lambda = DEFAULT_ANNEALING_DECAY): ScheduleAreas {
  checkLambda(lambda, "compute schedule areas");
  const n = lr.length;
  const s1 = new Float64Array(n), s2 = new Float64Array(n);
  let sum1 = 0, sum2 = 0, m = 0;
  for (let i = 0; i < n; i++) {
    const eta = lr[i];
    if (!Number.isFinite(eta)) {
      throw new RangeError(
        `Cannot compute schedule areas: lr[${i}] is ${eta}; expected a finite number`,
      );
    }
    if (i > 0) m = lambda * m + (lr[i - 1] - eta);
    sum1 += eta;
    sum2 += m;
    s1[i] = sum1;
    s2[i] = sum2;
  }
  return { S1: s1, S2: s2 };
}

/**
 * Forward area S1 and annealing area S2 at each logged row of one or more runs, from the
 * learning rate and the step of each row.
 *
 * Rows are each run's logged points in increasing step order, runs one after the other; a row
 * whose step does not increase on the previous row's starts a new run. Steps count optimizer
 * updates (step s has learning rate η_s, as in {@link scheduleAreas}); they need not be
 * consecutive, since the loss is often logged every k steps.
 *
 * Discretisation. Between two logged rows (step a with learning rate η_a, step b = a + g with
 * η_b) the learning rate is taken linear in the step, so each of the g steps a+1 … b lowers it
 * by δ = (η_a - η_b)/g and has η_(a+t) = η_a - t·δ. Summing the per-step definitions of
 * {@link scheduleAreas} over those steps gives closed forms:
 *
 *     S1(b) = S1(a) + Σ_t η_(a+t) = S1(a) + g·η_a - δ·g·(g+1)/2           (trapezoid on the steps)
 *     m_(a+t) = λ^t·m_a + δ·(1 - λ^t)/(1 - λ)
 *     S2(b) = S2(a) + Σ_t m_(a+t) = S2(a) + m_a·q + δ·(g - q)/(1 - λ),   q = λ·(1 - λ^g)/(1 - λ)
 *     m_b = λ^g·m_a + δ·(1 - λ^g)/(1 - λ)
 *
 * With g = 1 these are the recursions of {@link scheduleAreas} (computed as such, so with every
 * step logged the areas are bit for bit those of `scheduleAreas`), and they are exact whenever
 * the schedule is linear between logged steps (constant phases, linear warm-up or decay with
 * corners on logged steps). For a curved schedule (cosine) the error is that of linear
 * interpolation over a gap, a few parts in 10^6 of S2 at a gap of 10 steps. Before the first
 * row of a run, at step s_1, the learning rate is taken constant at η_(s_1): S1(s_1) = s_1·η_(s_1),
 * S2(s_1) = 0, m = 0 (exact for a run logged from step 1; start a run's rows after its warm-up,
 * our recommendation: how the paper treats warm-up was not verified).
 *
 * @param lr Learning rate at each row's step (finite, ≥ 0).
 * @param step Step of each row (finite, > 0), same length as `lr`.
 * @param lambda Decay factor λ in [0, 1). @default 0.999
 * @returns S1 and S2 per row.
 * @throws {RangeError} On columns of different lengths, λ outside [0, 1), a learning rate that
 *   is negative or not finite, a step that is not positive and finite, or a row with S1 = 0.
 *
 * @example Every second step of a linear decay gives the per-step areas at those steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { annealingAreas, scheduleAreas } from "./lr_annealing.ts";
 * const full = scheduleAreas(Float64Array.of(1, 1, 0.75, 0.5, 0.25, 0), 0.5);
 * const rows = annealingAreas(Float64Array.of(1, 0.5, 0), Float64Array.of(2, 4, 6), 0.5);
 * for (const [row, s] of [[0, 2], [1, 4], [2, 6]]) {
 *   assert.ok(Math.abs(rows.S1[row] - full.S1[s - 1]) < 1e-12);
 *   assert.ok(Math.abs(rows.S2[row] - full.S2[s - 1]) < 1e-12);
 * }
 * ```
 */
export function annealingAreas(
  lr: Float64Array,
  step: Float64Array,
  lambda = DEFAULT_ANNEALING_DECAY,
): ScheduleAreas {
  const action = "compute lr-annealing areas";
  checkLambda(lambda, action);
  const n = lr.length;
  if (step.length !== n) {
    throw new RangeError(
      `Cannot ${action}: lr has ${n} rows and step ${step.length}; expected equal lengths`,
    );
  }
  const s1 = new Float64Array(n), s2 = new Float64Array(n);
  const logLambda = Math.log(lambda), oneMinus = 1 - lambda;
  let sum1 = 0, sum2 = 0, m = 0;
  for (let i = 0; i < n; i++) {
    const eta = lr[i], s = step[i];
    if (!(Number.isFinite(eta) && eta >= 0)) {
      throw new RangeError(
        `Cannot ${action}: row ${i} has lr = ${eta}; expected a finite number >= 0`,
      );
    }
    if (!(Number.isFinite(s) && s > 0)) {
      throw new RangeError(
        `Cannot ${action}: row ${i} has step = ${s}; expected a positive finite number ` +
          `(leave out step 0, where S1 = 0 and the law is undefined)`,
      );
    }
    const g = i === 0 ? 0 : s - step[i - 1];
    if (g <= 0) {
      // First row of a run: constant learning rate before it.
      sum1 = s * eta;
      sum2 = 0;
      m = 0;
    } else if (g === 1) {
      m = lambda * m + (lr[i - 1] - eta);
      sum1 += eta;
      sum2 += m;
    } else {
      const prev = lr[i - 1];
      const delta = (prev - eta) / g;
      const decayed = Math.exp(g * logLambda); // λ^g
      const kept = -Math.expm1(g * logLambda); // 1 - λ^g
      const q = lambda * kept / oneMinus; // λ + λ² + ... + λ^g
      sum1 += g * prev - delta * g * (g + 1) / 2;
      sum2 += m * q + delta * (g - q) / oneMinus;
      m = decayed * m + delta * kept / oneMinus;
    }
    if (!(sum1 > 0)) {
      throw new RangeError(
        `Cannot ${action}: row ${i} (step ${s}) has forward area S1 = ${sum1}; expected a ` +
          `positive area (leave out rows before the learning rate rises above 0)`,
      );
    }
    s1[i] = sum1;
    s2[i] = sum2;
  }
  return { S1: s1, S2: s2 };
}

/** Cached areas of one (lr, step) pair of columns. */
interface AreasEntry {
  lr: Float64Array;
  step: Float64Array;
  lambda: number;
  S1: Float64Array;
  S2: Float64Array;
  logS1: Float64Array;
}

const areasCache = new WeakMap<Float64Array, AreasEntry>();

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Areas of the (lr, step) columns, computed once per distinct content: the optimiser evaluates
 * the same columns thousands of times. Like logColumn in _log_cache.ts, a hit is checked value
 * by value against private copies, so columns mutated in place get fresh areas.
 */
function cachedAreas(lr: Float64Array, step: Float64Array, lambda: number): AreasEntry {
  const hit = areasCache.get(lr);
  if (
    hit && hit.lambda === lambda && sameValues(hit.lr, lr) && sameValues(hit.step, step)
  ) return hit;
  const { S1, S2 } = annealingAreas(lr, step, lambda);
  const entry: AreasEntry = {
    lr: Float64Array.from(lr),
    step: Float64Array.from(step),
    lambda,
    S1,
    S2,
    logS1: S1.map(Math.log),
  };
  areasCache.set(lr, entry);
  return entry;
}

/** L0 + A·S1^-alpha - C·S2 and its Jacobian in (L0, A, alpha, C). */
function evaluate(
  s1: Float64Array,
  logS1: Float64Array | null,
  s2: Float64Array,
  p: Float64Array,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const l0 = p[0], a = p[1], alpha = p[2], c = p[3];
  for (let i = 0; i < out.length; i++) {
    const pw = Math.pow(s1[i], -alpha);
    const t = a * pw;
    out[i] = l0 + t - c * s2[i];
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = 1;
    jac[r + 1] = pw;
    jac[r + 2] = t === 0 ? 0 : -t * (logS1 === null ? Math.log(s1[i]) : logS1[i]);
    jac[r + 3] = -s2[i];
  }
}

function fillBasis(s1: Float64Array, s2: Float64Array, p: Float64Array, out: Float64Array[]) {
  const alpha = p[2];
  for (let i = 0; i < out[0].length; i++) {
    out[0][i] = 1;
    out[1][i] = Math.pow(s1[i], -alpha);
    out[2][i] = -s2[i];
  }
}

/** Parameters of both laws: L0, A, alpha, C. */
const PARAMS: Law["params"] = [
  {
    name: "L0",
    doc: "loss floor; start grid log L0 in {0, 0.7, 1.4}",
    grid: [0, 0.7, 1.4].map(Math.exp),
    scale: "log",
  },
  {
    name: "A",
    doc: "amplitude of the forward term; start grid log A in {-4, -2, 0}",
    grid: [-4, -2, 0].map(Math.exp),
    scale: "log",
  },
  { name: "alpha", doc: "exponent of S1", grid: [0.2, 0.4, 0.6, 0.8, 1], min: 0 },
  {
    name: "C",
    doc: "loss drop per unit of annealing area; start grid log C in {-2, 0}",
    grid: [-2, 0].map(Math.exp),
    scale: "log",
  },
];

const PAPER = "Tissue et al. 2024, Scaling Law with Learning Rate Annealing, arXiv:2408.11029";
const FORMULA = "L = L0 + A*S1^-alpha - C*S2";

/**
 * Scaling law with learning-rate annealing (Tissue et al. 2024, "Scaling Law with Learning Rate
 * Annealing", arXiv:2408.11029), in a run's learning rate and step:
 *
 *     L(s) = L0 + A · S1(s)^-alpha - C · S2(s)
 *
 * Inputs: `lr`, the learning rate at the row's step, and `step` (optimizer steps). Each row is
 * a logged point of a run; rows are each run's points in increasing step order, runs one after
 * another, and a row whose step does not increase starts a new run (the command line and the
 * pipeline pass rows in file order). S1 (forward area: sum of the learning rate over steps
 * 1 … s) and S2 (annealing area: sum of the annealing momentum, decay λ = 0.999) are computed
 * from the rows by {@link annealingAreas}, which reproduces {@link scheduleAreas} exactly when
 * every step is logged and interpolates the learning rate linearly across the steps between
 * logged rows otherwise (see there). Output: validation loss at step s. One fit describes every
 * step of every run of one model size, whatever the schedule (constant, cosine, WSD, ...); the
 * paper states the law for fixed data, model size and training hyperparameters (warm-up steps,
 * peak learning rate, batch size), per a third-party copy of its text. Logging every k-th step
 * costs little: on noise-free cosine and WSD runs of 4000 steps whose loss comes from the exact
 * per-step areas, a fit to every 10th step recovers the parameters within 2e-5 (relative),
 * every 100th within 3e-3 (tests in literature_a_test.ts). Because the areas accumulate along a
 * run, the law's value at a row depends on the rows before it in its run: predict a new
 * schedule by passing all of its rows in step order.
 *
 * λ is fixed at 0.999, our choice following a third-party reimplementation (which also tries
 * other values); whether the paper fixes or fits λ, and at what value, was not verified. A free
 * λ would trade off against C. So λ is not a parameter and `--fix lambda=...` does not apply.
 * For another λ, compute the areas with `annealingAreas(lr, step, λ)` (or `scheduleAreas`) and
 * fit {@link lrAnnealingAreas}.
 *
 * Units: the learning rate is used unnormalised (as logged, e.g. 3e-4, not divided by its
 * peak), so A and C depend on its unit. Rescaling η by a factor q multiplies S1 and S2 by q,
 * and the same loss curve is then described with A·q^alpha in place of A (the term
 * A·S1^-alpha keeps its form) and C/q in place of C; L0 and alpha do not change. Compare fitted
 * (or published) A and C only under the same convention for η.
 *
 * Parameters, in this order: `L0` (loss floor), `A` (amplitude), `alpha` (exponent, lower bound
 * 0), `C` (annealing coefficient). L0, A, C are `scale: "log"` (positive). C is only identified
 * when some run anneals (S2 ≠ 0). Linear in L0, A, C with basis (1, S1^-alpha, -S2). The areas
 * of the columns are cached, so the optimiser's thousands of evaluations compute them once.
 *
 * Default start grid (3 × 3 × 5 × 2 = 90 points, like the grid of common reproductions): log L0
 * in {0, 0.7, 1.4}; log A in {-4, -2, 0}; alpha in {0.2, 0.4, 0.6, 0.8, 1}; log C in {-2, 0}.
 * The fitting procedure (this grid, our fitter's default loss and residual space) is ours; the
 * paper's loss function and choice of fitted points were not verified.
 *
 * Checked against the paper: only the abstracts (arXiv v1, v2 and the OpenReview copy) and the
 * section list were read; the body was not reached. The formula L0 + A·S1^-alpha - C·S2
 * matches the abstract, which calls S1 the area under the learning-rate curve ("forward area"
 * in v1) and S2 the annealing area, and says the law is fitted on one or two training curves.
 * The per-step definitions of S1 and S2 and λ = 0.999 match a third-party reimplementation
 * only. The paper's value of λ, its normalisation of η, its treatment of warm-up, its fitting
 * procedure and any fitted constants were not seen.
 *
 * @example A constant run logged every 100 steps: S1 = lr·step, S2 = 0
 * ```ts
 * import assert from "node:assert/strict";
 * import { lrAnnealing } from "./lr_annealing.ts";
 * const lr = Float64Array.of(1e-3, 1e-3, 1e-3), step = Float64Array.of(100, 200, 300);
 * const out = new Float64Array(3);
 * lrAnnealing.predict([lr, step], Float64Array.of(2.8, 0.5, 0.5, 0.4), out);
 * assert.ok(Math.abs(out[2] - (2.8 + 0.5 / Math.sqrt(0.3))) < 1e-12);
 * ```
 */
export const lrAnnealing: Law = {
  name: "lr-annealing",
  checked:
    "The paper's abstract (the formula); the areas S1, S2 and lambda = 0.999 follow a third-party reimplementation; the paper's definitions were not reached.",
  formula: FORMULA,
  doc: "Learning-rate annealing law in a run's learning rate and step: S1 (forward area) and S2 " +
    "(annealing area, lambda = 0.999) are computed from the rows of each run, in step order; " +
    "output: loss at a step",
  paper: PAPER,
  inputs: [
    {
      name: "lr",
      doc: "learning rate at the row's step, as logged (not normalised; A and C depend on its " +
        "unit); rows are each run's logged points in increasing step order, and a step that " +
        "does not increase starts a new run",
    },
    {
      name: "step",
      doc: "optimizer step of the row (> 0; every k-th step is fine: the learning rate is " +
        "interpolated linearly between logged steps)",
    },
  ],
  params: PARAMS,
  predict(x, p, out) {
    const e = cachedAreas(x[0], x[1], DEFAULT_ANNEALING_DECAY);
    evaluate(e.S1, e.logS1, e.S2, p, out, null);
  },
  jacobian(x, p, out, jac) {
    const e = cachedAreas(x[0], x[1], DEFAULT_ANNEALING_DECAY);
    evaluate(e.S1, e.logS1, e.S2, p, out, jac);
  },
  linearStructure: {
    linear: [0, 1, 3],
    basis(x: Columns, p: Float64Array, out: Float64Array[]) {
      const e = cachedAreas(x[0], x[1], DEFAULT_ANNEALING_DECAY);
      fillBasis(e.S1, e.S2, p, out);
    },
  },
};

/**
 * The learning-rate annealing law of Tissue et al. (2024, arXiv:2408.11029) in precomputed
 * areas, for users who compute S1 and S2 themselves (from the full per-step schedule with
 * {@link scheduleAreas}, or with another λ):
 *
 *     L(s) = L0 + A · S1^-alpha - C · S2
 *
 * Inputs: `S1` forward area (sum of the learning rate over steps 1 … s) and `S2` annealing area
 * (sum of the annealing momentum); each row is independent. Parameters, grid and linear
 * structure as {@link lrAnnealing}, which also says what was checked against the paper and how
 * the unit of the learning rate affects A and C.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lrAnnealingAreas } from "./lr_annealing.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(lrAnnealingAreas, { S1: 20, S2: 0.5 }, {
 *   L0: 2.8, A: 0.5, alpha: 0.5, C: 0.4,
 * });
 * assert.ok(Math.abs(loss - (2.8 + 0.5 / Math.sqrt(20) - 0.4 * 0.5)) < 1e-12);
 * ```
 */
export const lrAnnealingAreas: Law = {
  name: "lr-annealing-areas",
  checked:
    "The paper's abstract (the formula); the paper's definitions of S1 and S2 were not reached.",
  formula: FORMULA,
  doc: "Learning-rate annealing law in precomputed forward area S1 and annealing area S2 of the " +
    "schedule (see scheduleAreas); output: loss at a step",
  paper: PAPER,
  inputs: [
    { name: "S1", doc: "forward area: sum of the learning rate over steps 1..s (lr × steps)" },
    {
      name: "S2",
      doc: "annealing area: sum of the annealing momentum over steps 1..s " +
        "(lr × steps; from scheduleAreas)",
    },
  ],
  params: PARAMS,
  predict(x, p, out) {
    evaluate(x[0], null, x[1], p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x[0], null, x[1], p, out, jac);
  },
  linearStructure: {
    linear: [0, 1, 3],
    basis(x: Columns, p: Float64Array, out: Float64Array[]) {
      fillBasis(x[0], x[1], p, out);
    },
  },
};
