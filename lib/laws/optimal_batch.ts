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
 * Bergsma et al. 2025, "Power Lines", arXiv:2505.13738, for the form):
 *
 *     B_opt(D) = b · D^gamma
 *
 * Input: `D` training tokens (count). Output: the best batch size of a sweep at each (N, D), as
 * picked by `sweepOptima` (sweep_optima.ts). Li et al. report b = 0.58, gamma = 0.571 with the
 * batch size in tokens (their released code multiplies sequences by the sequence length before
 * fitting), so their b applies only to a batch size in tokens; for your own fit any unit works
 * (gamma does not depend on it, b does). Both papers find the optimal batch size largely
 * independent of model size. Bergsma et al.'s exponent is about 0.38 (third-party sources);
 * its prefactor and the unit of its batch size were not seen, so do not pair it with Li et
 * al.'s b = 0.58. Fit in log space (the default), which is least squares on
 * log B = log b + gamma·log D.
 *
 * Parameters, in this order: `b` (`scale: "log"`), `gamma` (exponent, unbounded).
 *
 * Default start grid (3 × 3 = 9 points): log b in {-5, 0, 5}; gamma in {0, 0.5, 1}.
 *
 * Checked against the paper: of Li et al., only the abstracts of arXiv v1 and v7 were read; the
 * constants come from third-party sources that agree with each other, and the unit (tokens)
 * from the authors' released code (github.com/step-law/steplaw). Of Bergsma et al., only the
 * abstract and the Figure 1 caption of arXiv v1 and v2 were read; the abstract states that the
 * optimal batch size is a power law in D alone. Neither body was reached.
 *
 * @example Li et al.'s fit at 100B tokens
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalBatch } from "./optimal_batch.ts";
 * import { evaluateLaw } from "./types.ts";
 * const tokens = evaluateLaw(optimalBatch, { D: 1e11 }, { b: 0.58, gamma: 0.571 });
 * assert.ok(Math.abs(tokens - 0.58 * 1e11 ** 0.571) < 1e-6); // about 1.1e6 tokens
 * ```
 */
export const optimalBatch: Law = {
  name: "optimal-batch",
  checked:
    "Li et al.'s released code and third-party copies of their fit (0.58 D^0.571, B in tokens); the paper's body was not reached.",
  formula: "B_opt = b*D^gamma",
  doc: "Optimal batch size in training tokens D; output: batch size (in tokens for Li et " +
    "al.'s b = 0.58; any unit for your own fit)",
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
