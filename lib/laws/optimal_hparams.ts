/**
 * The optimal learning-rate law of Li et al. (2025, "Step Law"): the best peak learning rate
 * as a power law in model size and training tokens.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ds = x[1];
  const a = p[0], alpha = p[1], beta = p[2];
  for (let i = 0; i < out.length; i++) {
    const g = Math.pow(ns[i], alpha) * Math.pow(ds[i], beta);
    const f = a * g;
    out[i] = f;
    if (jac === null) continue;
    const r = 3 * i;
    jac[r] = g;
    jac[r + 1] = f * Math.log(ns[i]);
    jac[r + 2] = f * Math.log(ds[i]);
  }
}

/**
 * Optimal learning-rate law (Li et al. 2025, "Predictable Scale: Part I — Optimal
 * Hyperparameter Scaling Law in Large Language Model Pretraining", arXiv:2503.04715; later
 * versions call it "Step Law"):
 *
 *     eta_opt(N, D) = a · N^alpha · D^beta
 *
 * Inputs: `N` non-embedding model parameters (count; Li et al. count parameters without the
 * embeddings), `D` training tokens (count). Output: the best peak learning rate (AdamW in Li et
 * al.) of a hyperparameter sweep at (N, D), e.g. as picked by `sweepOptima` (sweep_optima.ts)
 * from a table of runs, a simplification of Li et al.'s own extraction (see there). Li et al.
 * report a = 1.79, alpha = -0.713, beta = 0.307.
 *
 * Parameters, in this order: `a` (`scale: "log"`), `alpha`, `beta` (exponents, signed,
 * unbounded). log eta_opt = log a + alpha·log N + beta·log D is linear, so a fit in log space
 * (the default) is ordinary least squares in log–log coordinates, as in the authors' released
 * code.
 *
 * Default start grid (3 × 3 × 3 = 27 points): log a in {-5, 0, 5}; alpha in {-1, -0.5, 0}; beta
 * in {-0.5, 0, 0.5}.
 *
 * Checked against the paper: only the abstracts and openings of arXiv v1 and v7 were read; the
 * body was not reached. The abstract says the optimal learning rate is a power law in N and D.
 * The constants come from third-party sources (summaries, course and blog notes) that agree
 * with each other; the form, the log-space least squares and the units agree with the authors'
 * released code and README (github.com/step-law/steplaw). That N excludes the embeddings is
 * from third-party sources. Whether the constants changed between arXiv versions was not
 * checked. Related work: Bergsma et al. 2025 ("Power Lines", arXiv:2505.13738) fit no
 * learning-rate law (per third parties they set the learning rate with μP); they fit the AdamW
 * timescale and the batch size (see `optimalBatch`, optimal_batch.ts).
 *
 * @example Li et al.'s fit at 1B parameters and 100B tokens
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalHparams } from "./optimal_hparams.ts";
 * import { evaluateLaw } from "./types.ts";
 * const lr = evaluateLaw(optimalHparams, { N: 1e9, D: 1e11 }, { a: 1.79, alpha: -0.713, beta: 0.307 });
 * assert.ok(Math.abs(lr - 1.79 * 1e9 ** -0.713 * 1e11 ** 0.307) < 1e-15);
 * assert.ok(lr > 1e-3 && lr < 3e-3);
 * ```
 */
export const optimalHparams: Law = {
  name: "optimal-hparams",
  checked:
    "Li et al.'s released code and third-party copies of their fit (1.79 N^-0.713 D^0.307); the paper's body was not reached.",
  formula: "eta_opt = a*N^alpha*D^beta",
  doc: "Optimal peak learning rate in non-embedding model parameters N and training tokens D; " +
    "output: learning rate",
  paper: "Li et al. 2025, Predictable Scale: Part I (Step Law), arXiv:2503.04715",
  inputs: [
    { name: "N", doc: "non-embedding model parameters (count)" },
    { name: "D", doc: "training tokens (count)" },
  ],
  params: [
    {
      name: "a",
      doc: "learning rate at N = D = 1; start grid log a in {-5, 0, 5}",
      grid: [-5, 0, 5].map(Math.exp),
      scale: "log",
    },
    {
      name: "alpha",
      doc: "exponent of N (negative: larger models want smaller rates)",
      grid: [-1, -0.5, 0],
    },
    { name: "beta", doc: "exponent of D", grid: [-0.5, 0, 0.5] },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
