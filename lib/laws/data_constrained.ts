/**
 * The data-constrained law of Muennighoff et al. (2023): Chinchilla with effective data and
 * effective parameters that decay under repetition.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/**
 * Effective size u·(1 + s·(1 - exp(-r/s))) and its partial derivatives with respect to s
 * (`dS`) and to u holding u·(1 + r) fixed (`dU`); results go to `scratch[0..2]`.
 * Limits: r = 0 gives u with dS = 0; s = 0 (with r > 0) gives u with dS = u.
 */
function effective(u: number, r: number, s: number, scratch: Float64Array): void {
  if (r <= 0) {
    scratch[0] = u;
    scratch[1] = 0;
    scratch[2] = 1;
    return;
  }
  const q = r / s;
  const e = Math.exp(-q);
  const eq = e === 0 ? 0 : e * q;
  scratch[0] = u * (1 + s * (1 - e));
  scratch[1] = u * (1 - e - eq);
  scratch[2] = 1 + s * (1 - e) - e * (r + 1);
}

const scratchN = new Float64Array(3);
const scratchD = new Float64Array(3);

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ds = x[1], us = x[2];
  const e = p[0], a = p[1], b = p[2], alpha = p[3], beta = p[4], rdStar = p[5], rnStar = p[6];
  // log N_opt(U) = (log(alpha A / (beta B)) + beta log U) / alpha.
  const logRatio = Math.log(alpha) + Math.log(a) - Math.log(beta) - Math.log(b);
  for (let i = 0; i < out.length; i++) {
    const n = ns[i], d = ds[i];
    const uD = Math.min(us[i], d);
    const rD = Math.max(d / uD - 1, 0);
    const logUD = Math.log(uD);
    const logNopt = (logRatio + beta * logUD) / alpha;
    const nOpt = Math.exp(logNopt);
    const capped = n > nOpt; // U_N = N_opt(U_D) < N: params in excess of the optimum decay
    const uN = capped ? nOpt : n;
    const rN = capped ? n / uN - 1 : 0;
    effective(uN, rN, rnStar, scratchN);
    effective(uD, rD, rdStar, scratchD);
    const nEff = scratchN[0], dEff = scratchD[0];
    const pN = Math.pow(nEff, -alpha), pD = Math.pow(dEff, -beta);
    const tN = a * pN, tD = b * pD;
    out[i] = e + tN + tD;
    if (jac === null) continue;
    const r = 7 * i;
    const dLdN = -alpha * tN / nEff; // dL/dN'
    const dLdD = -beta * tD / dEff; // dL/dD'
    let jA = pN, jB = pD;
    let jAlpha = -tN * Math.log(nEff), jBeta = -tD * Math.log(dEff);
    if (capped) {
      // N' depends on A, B, alpha, beta through U_N = N_opt(U_D).
      const k = dLdN * scratchN[2] * uN; // dL/d(log U_N)
      jA += k / (alpha * a);
      jB -= k / (alpha * b);
      jAlpha += k * (1 - alpha * logNopt) / (alpha * alpha);
      jBeta += k * (logUD - 1 / beta) / alpha;
    }
    jac[r] = 1;
    jac[r + 1] = jA;
    jac[r + 2] = jB;
    jac[r + 3] = jAlpha;
    jac[r + 4] = jBeta;
    jac[r + 5] = dLdD * scratchD[1];
    jac[r + 6] = dLdN * scratchN[1];
  }
}

/**
 * Data-constrained scaling law of Muennighoff et al. 2023 ("Scaling Data-Constrained Language
 * Models", arXiv:2305.16264; formula as in the datablations README):
 *
 *     L(N, D, U) = E + A / N'^alpha + B / D'^beta
 *     D' = U_D + U_D·RDstar·(1 - exp(-R_D / RDstar)),  U_D = min(U, D),  R_D = D/U_D - 1
 *     N' = U_N + U_N·RNstar·(1 - exp(-R_N / RNstar)),  U_N = min(N, N_opt(U_D)),  R_N = N/U_N - 1
 *
 * where N_opt(U_D) = (alpha·A / (beta·B))^(1/alpha) · U_D^(beta/alpha) is the Chinchilla
 * compute-optimal model size for U_D tokens (the README's `D_to_N`: G·(U_D·G)^(beta/alpha) with
 * G = (alpha·A/(beta·B))^(1/(alpha+beta))). R_D is the number of repeated epochs, R_N the excess
 * parameters relative to the optimum; RDstar, RNstar are the "half-lives" of their value.
 *
 * Inputs: `N` model parameters (count), `D` training tokens (count), `U` unique tokens (count;
 * U > D is treated as U = D, which the README forbids). Output: loss.
 *
 * Parameters, in this order: `E`, `A`, `B`, `alpha`, `beta`, `RDstar`, `RNstar`. E, A, B are
 * optimised in log space; alpha, beta, RDstar, RNstar have lower bound 0. Because U_N depends on
 * A, B, alpha, beta, the law is not linear in A and B and has no `linearStructure`; the Jacobian
 * uses the active branch of min(N, N_opt). The paper fits in two stages: Chinchilla on unique
 * data first (tied alpha = beta on C4), then RDstar, RNstar with the rest fixed.
 *
 * Default start grid (972 points): log E in {-1, 0, 1}; log A, log B in {0, 10, 20}; alpha,
 * beta in {0.25, 0.5, 1}; RDstar, RNstar in {5, 15}. For the paper's second stage fix the first
 * five parameters.
 *
 * @example The README's Figure 1 models (C4 fit, 25B unique tokens)
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataConstrained } from "./data_constrained.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = {
 *   E: Math.exp(0.6254804), A: Math.exp(6.255414), B: Math.exp(7.3049974),
 *   alpha: 0.3526596, beta: 0.3526596, RDstar: 15.387756, RNstar: 5.309743,
 * };
 * const loss = evaluateLaw(dataConstrained, { N: 6.34e9, D: 242e9, U: 25e9 }, p);
 * assert.ok(Math.abs(loss - 2.2256440889984477) < 1e-9);
 * ```
 */
export const dataConstrained: Law = {
  name: "data-constrained",
  formula: "L = E + A/N'^alpha + B/D'^beta, D' = U_D(1 + RDstar(1 - exp(-R_D/RDstar))), " +
    "N' = U_N(1 + RNstar(1 - exp(-R_N/RNstar)))",
  doc: "Data-constrained loss law in model parameters N, training tokens D and unique tokens U; " +
    "output: loss",
  paper: "Muennighoff et al. 2023, Scaling Data-Constrained Language Models, arXiv:2305.16264",
  inputs: [
    { name: "N", doc: "model parameters (count)" },
    { name: "D", doc: "training tokens including repeats (count)" },
    { name: "U", doc: "unique training tokens (count)" },
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
      doc: "parameter-term amplitude; start grid log A in {0, 10, 20}",
      grid: [0, 10, 20].map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "data-term amplitude; start grid log B in {0, 10, 20}",
      grid: [0, 10, 20].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of effective parameters N'", grid: [0.25, 0.5, 1], min: 0 },
    { name: "beta", doc: "exponent of effective data D'", grid: [0.25, 0.5, 1], min: 0 },
    { name: "RDstar", doc: "decay constant of repeated epochs (epochs)", grid: [5, 15], min: 0 },
    {
      name: "RNstar",
      doc: "decay constant of excess parameters (multiples of U_N)",
      grid: [5, 15],
      min: 0,
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
