/**
 * The parallel scaling law of Chen et al. (2025, ParScale): P parallel streams act like a
 * model-size multiplier of k·log P + 1.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ps = x[1];
  const e = p[0], a = p[1], k = p[2], alpha = p[3];
  for (let i = 0; i < out.length; i++) {
    const logP = Math.log(ps[i]);
    const m = k * logP + 1;
    const base = a / (ns[i] * m);
    const t = Math.pow(base, alpha);
    out[i] = t + e;
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = 1;
    jac[r + 1] = alpha * t / a;
    jac[r + 2] = -alpha * t * logP / m;
    jac[r + 3] = t === 0 ? 0 : t * Math.log(base);
  }
}

/**
 * Parallel scaling law (Chen et al. 2025, "Parallel Scaling Law for Language Models",
 * arXiv:2505.10475):
 *
 *     L(N, P) = (A / (N · (k · log P + 1)))^alpha + E
 *
 * Inputs: `N` model parameters (count; how the paper counts them was not found), `P` number of
 * parallel streams (count, ≥ 1; P = 1 is the plain model). Output: loss. The law is
 * Chinchilla's parameter term with N replaced by the effective size N·(k·log P + 1): P streams
 * are worth about O(log P) more parameters. log is the natural logarithm, our choice: no source
 * seen states the base, and another base only rescales k.
 *
 * Parameters, in this order: `E` (irreducible loss), `A` (scale of N: the loss term is
 * (A/N)^alpha for P = 1), `k` (gain per unit of log P) — all `scale: "log"` — and `alpha`
 * (exponent, lower bound 0). k is only identified when the data include several P.
 *
 * Checked against the paper: only the abstract and the start of the introduction (arXiv v1,
 * 15 May 2025) were read; the section that states and fits the law was not reached. The form
 * matches the one on the authors' demo (the ParScale Hugging Face Space),
 * Loss = E + (A / (Parameters · (1 + k·log P)))^alpha. The natural logarithm is weakly
 * supported by that demo's worked example, whose equivalent model sizes fit a single
 * k ≈ 0.39 in natural log (our arithmetic). How N is counted (with or without embeddings and
 * the small per-stream additions) and the paper's fitted constants were not found.
 *
 * Default start grid (3^4 = 81 points): log E in {-1, 0, 1}; log A in {12, 18, 24}; log k in
 * {-2, -1, 0}; alpha in {0.1, 0.25, 0.5}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parallel } from "./parallel.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { E: 1.2, A: 5e7, k: 0.4, alpha: 0.2 };
 * const loss = evaluateLaw(parallel, { N: 1e9, P: 4 }, p);
 * assert.ok(Math.abs(loss - ((5e7 / (1e9 * (0.4 * Math.log(4) + 1))) ** 0.2 + 1.2)) < 1e-12);
 * ```
 */
export const parallel: Law = {
  name: "parallel",
  checked:
    "The authors' demo (the form); log base, how N is counted and the constants were not found; the paper's body was not reached.",
  formula: "L = (A/(N*(k*log(P) + 1)))^alpha + E",
  doc: "Parallel scaling law in model parameters N and parallel streams P; output: loss",
  paper: "Chen et al. 2025, Parallel Scaling Law for Language Models, arXiv:2505.10475",
  inputs: [
    { name: "N", doc: "model parameters (count; the paper's counting convention not found)" },
    { name: "P", doc: "parallel streams (count, ≥ 1)" },
  ],
  params: [
    {
      name: "E",
      doc: "irreducible loss; start grid log E in {-1, 0, 1}",
      grid: [-1, 0, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "scale of N in the loss term; start grid log A in {12, 18, 24}",
      grid: [12, 18, 24].map(Math.exp),
      scale: "log",
    },
    {
      name: "k",
      doc: "effective-size gain per unit of log P; start grid log k in {-2, -1, 0}",
      grid: [-2, -1, 0].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent", grid: [0.1, 0.25, 0.5], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
