/**
 * The optimal batch-size law of Li et al. (2025, "Step Law"): the best batch size as a power law
 * in training tokens.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ds = x[0];
  const b = p[0], gamma = p[1];
  for (let i = 0; i < out.length; i++) {
    const g = Math.pow(ds[i], gamma);
    const f = b * g;
    out[i] = f;
    if (jac === null) continue;
    jac[2 * i] = g;
    jac[2 * i + 1] = f * Math.log(ds[i]);
  }
}

/**
 * Optimal batch-size law (Li et al. 2025, "Predictable Scale: Part I", arXiv:2503.04715;
 * Bergsma et al. 2025, "Power Lines", arXiv:2505.13738):
 *
 *     B_opt(D) = b · D^gamma
 *
 * Input: `D` training tokens (count). Output: the best batch size of a sweep at each (N, D), as
 * picked by `sweepOptima` (sweep_optima.ts), in the unit of the data (Li et al. use tokens per batch and
 * report b = 0.58, gamma = 0.571; both papers find no dependence on model size). Fit in log
 * space (the default), which is least squares on log B = log b + gamma·log D.
 *
 * Parameters, in this order: `b` (`scale: "log"`), `gamma` (exponent, unbounded).
 *
 * Default start grid (3 × 3 = 9 points): log b in {-5, 0, 5}; gamma in {0, 0.5, 1}.
 *
 * @example Li et al.'s fit at 100B tokens
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalBatch } from "./optimal_batch.ts";
 * import { evaluateLaw } from "./types.ts";
 * const tokens = evaluateLaw(optimalBatch, { D: 1e11 }, { b: 0.58, gamma: 0.571 });
 * assert.ok(Math.abs(tokens - 0.58 * 1e11 ** 0.571) < 1e-6);
 * ```
 */
export const optimalBatch: Law = {
  name: "optimal-batch",
  formula: "B_opt = b*D^gamma",
  doc: "Optimal batch size in training tokens D; output: batch size (tokens or sequences)",
  paper: "Li et al. 2025, Predictable Scale: Part I, arXiv:2503.04715; Bergsma et al. 2025, " +
    "Power Lines, arXiv:2505.13738",
  inputs: [{ name: "D", doc: "training tokens (count)" }],
  params: [
    {
      name: "b",
      doc: "batch size at D = 1; start grid log b in {-5, 0, 5}",
      grid: [-5, 0, 5].map(Math.exp),
      scale: "log",
    },
    { name: "gamma", doc: "exponent of D", grid: [0, 0.5, 1] },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
