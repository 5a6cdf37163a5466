/**
 * The learning-rate annealing law of Tissue et al. (2024): loss along a training run from the
 * area under the learning-rate schedule and the annealing area.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/** Default decay factor λ of the annealing momentum (the paper's usual choice). */
export const DEFAULT_ANNEALING_DECAY = 0.999;

/** Forward and annealing areas of a schedule, per step. */
export interface ScheduleAreas {
  /** Forward area S1 after each step: the running sum of the learning rate. */
  S1: Float64Array;
  /** Annealing area S2 after each step: the running sum of the annealing momentum. */
  S2: Float64Array;
}

/**
 * Forward area S1 and annealing area S2 of a learning-rate schedule, after every step:
 *
 *     S1(s) = η_1 + ... + η_s
 *     m_1 = 0,  m_i = λ·m_(i-1) + (η_(i-1) - η_i)
 *     S2(s) = m_1 + ... + m_s
 *
 * where η_i is the learning rate of step i. m is a momentum of the learning-rate decrease: each
 * drop of the learning rate keeps adding to S2 for about 1/(1-λ) steps (1000 steps at the
 * default λ = 0.999), which is how the paper models the delay between annealing and the loss
 * drop. A constant schedule has S2 = 0; a warm-up (rising learning rate) makes S2 negative, so
 * start the history at the end of the warm-up (or leave warm-up points out of the fit).
 *
 * How to build the inputs of {@link lrAnnealing} from a log with columns (step, lr, loss): take
 * the learning rate of every step 1 … s_max of the run (regenerate it from the schedule when the
 * log keeps only some steps), call `scheduleAreas(lr, λ)`, and give each logged point
 * S1 = areas.S1[step - 1] and S2 = areas.S2[step - 1]; with several runs (e.g. cosine and WSD),
 * compute the areas per run and concatenate the points.
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
  if (!(lambda >= 0 && lambda < 1)) {
    throw new RangeError(
      `Cannot compute schedule areas: lambda is ${lambda}; expected a number in [0, 1)`,
    );
  }
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

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const s1 = x[0], s2 = x[1];
  const l0 = p[0], a = p[1], alpha = p[2], c = p[3];
  for (let i = 0; i < out.length; i++) {
    const pw = Math.pow(s1[i], -alpha);
    const t = a * pw;
    out[i] = l0 + t - c * s2[i];
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = 1;
    jac[r + 1] = pw;
    jac[r + 2] = t === 0 ? 0 : -t * Math.log(s1[i]);
    jac[r + 3] = -s2[i];
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const alpha = p[2];
  for (let i = 0; i < out[0].length; i++) {
    out[0][i] = 1;
    out[1][i] = Math.pow(x[0][i], -alpha);
    out[2][i] = -x[1][i];
  }
}

/**
 * Scaling law with learning-rate annealing (Tissue et al. 2024, "Scaling Law with Learning Rate
 * Annealing", arXiv:2408.11029):
 *
 *     L(s) = L0 + A · S1^-alpha - C · S2
 *
 * Inputs: `S1` forward area (sum of the learning rate over steps 1 … s) and `S2` annealing area
 * (sum of the annealing momentum), both derived from a run's learning rate per step by
 * {@link scheduleAreas} with a fixed decay factor λ (default 0.999); see there for how to get
 * from (step, lr) columns to S1, S2. Output: validation loss at step s. One fit describes every
 * step of every run of one model size, whatever the schedule (constant, cosine, WSD, ...).
 *
 * Parameters, in this order: `L0` (loss floor), `A` (amplitude), `alpha` (exponent, lower bound
 * 0), `C` (annealing coefficient). L0, A, C are `scale: "log"` (positive). C is only identified
 * when some point has S2 ≠ 0 (a run that anneals). Linear in L0, A, C with basis
 * (1, S1^-alpha, -S2).
 *
 * Default start grid (3 × 3 × 5 × 2 = 90 points, like the grid of common reproductions): log L0
 * in {0, 0.7, 1.4}; log A in {-4, -2, 0}; alpha in {0.2, 0.4, 0.6, 0.8, 1}; log C in {-2, 0}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lrAnnealing } from "./lr_annealing.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(lrAnnealing, { S1: 20, S2: 0.5 }, { L0: 2.8, A: 0.5, alpha: 0.5, C: 0.4 });
 * assert.ok(Math.abs(loss - (2.8 + 0.5 / Math.sqrt(20) - 0.4 * 0.5)) < 1e-12);
 * ```
 */
export const lrAnnealing: Law = {
  name: "lr-annealing",
  formula: "L = L0 + A*S1^-alpha - C*S2",
  doc: "Learning-rate annealing law in forward area S1 and annealing area S2 of the schedule " +
    "(see scheduleAreas); output: loss at a step",
  paper: "Tissue et al. 2024, Scaling Law with Learning Rate Annealing, arXiv:2408.11029",
  inputs: [
    { name: "S1", doc: "forward area: sum of the learning rate over steps 1..s (lr × steps)" },
    {
      name: "S2",
      doc: "annealing area: sum of the annealing momentum over steps 1..s, lambda fixed " +
        "(lr × steps; from scheduleAreas)",
    },
  ],
  params: [
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
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 3], basis },
};
