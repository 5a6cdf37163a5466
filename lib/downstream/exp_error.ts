/**
 * Gadre et al.'s mapping from loss to average top-1 error: an exponential decay.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ls = x[0];
  const eps = p[0], k = p[1], gamma = p[2];
  for (let i = 0; i < out.length; i++) {
    const e = Math.exp(-gamma * ls[i]);
    out[i] = eps - k * e;
    if (jac === null) continue;
    const r = 3 * i;
    jac[r] = 1;
    jac[r + 1] = -e;
    jac[r + 2] = k * ls[i] * e;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ls = x[0];
  const gamma = p[2];
  const one = out[0], decay = out[1];
  for (let i = 0; i < one.length; i++) {
    one[i] = 1;
    decay[i] = -Math.exp(-gamma * ls[i]);
  }
}

/**
 * Exponential decay of top-1 error in loss, Gadre et al. 2024 ("Language models scale reliably
 * with over-training and on downstream tasks", arXiv:2403.08540, eq. 5):
 *
 *     Err = eps - k · exp(-gamma · L)
 *
 * Input `L`: validation loss (nats per token); output: top-1 error = 1 − accuracy (fraction),
 * usually averaged over tasks. Parameters, in this order: `eps` (error as L → ∞, the random-
 * chance error), `k` (amplitude), `gamma` (decay rate, >= 0). Gadre et al. fit it by plain least
 * squares from the start eps = k = gamma = 1.
 *
 * Default start grid (3 × 3 × 4 = 36 points): eps in {0.5, 0.8, 1}, k in {1, 3, 10}, gamma in
 * {0.1, 0.5, 1, 2}. Linear in eps and k with basis (1, −exp(−gamma L)).
 *
 * @example Error at L = 0 is eps − k
 * ```ts
 * import assert from "node:assert/strict";
 * import { expError } from "./exp_error.ts";
 * import { evaluateLaw } from "../laws/types.ts";
 * assert.equal(evaluateLaw(expError, { L: 0 }, { eps: 0.9, k: 2, gamma: 0.7 }), -1.1);
 * const e = evaluateLaw(expError, { L: 3 }, { eps: 0.9, k: 2, gamma: 0.7 });
 * assert.ok(Math.abs(e - (0.9 - 2 * Math.exp(-2.1))) < 1e-15);
 * ```
 */
export const expError: Law = {
  name: "exp-error",
  formula: "Err = eps - k*exp(-gamma*L)",
  doc: "Exponential decay from loss L to top-1 error (1 - accuracy, fraction)",
  paper: "Gadre et al. 2024, Language models scale reliably with over-training and on " +
    "downstream tasks, arXiv:2403.08540",
  inputs: [{ name: "L", doc: "validation loss (nats per token)" }],
  params: [
    { name: "eps", doc: "error as L grows (fraction)", grid: [0.5, 0.8, 1] },
    { name: "k", doc: "amplitude (fraction)", grid: [1, 3, 10] },
    { name: "gamma", doc: "decay rate (1/loss units), >= 0", grid: [0.1, 0.5, 1, 2], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis },
};
