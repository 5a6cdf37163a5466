/**
 * The precision-aware Chinchilla law of Kumar et al. (2024): training the weights in P bits
 * shrinks the effective parameter count.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ds = x[1], ps = x[2];
  const e = p[0], a = p[1], b = p[2], alpha = p[3], beta = p[4], gamma = p[5];
  for (let i = 0; i < out.length; i++) {
    const q = ps[i] / gamma;
    const decay = Math.exp(-q);
    const s = -Math.expm1(-q); // 1 - exp(-P/gamma), accurate for small P/gamma
    const nEff = ns[i] * s;
    const pN = Math.pow(nEff, -alpha), pD = Math.pow(ds[i], -beta);
    const tN = a * pN, tD = b * pD;
    out[i] = e + tN + tD;
    if (jac === null) continue;
    const r = 6 * i;
    jac[r] = 1;
    jac[r + 1] = pN;
    jac[r + 2] = pD;
    jac[r + 3] = tN === 0 ? 0 : -tN * Math.log(nEff);
    jac[r + 4] = tD === 0 ? 0 : -tD * Math.log(ds[i]);
    // dL/dgamma = dL/dNeff · N · ds/dgamma = (-alpha·tN/Neff) · N · (-exp(-q)·q/gamma).
    jac[r + 5] = tN === 0 || decay === 0 ? 0 : alpha * tN * decay * q / (s * gamma);
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ns = x[0], ds = x[1], ps = x[2];
  const alpha = p[3], beta = p[4], gamma = p[5];
  const one = out[0], bn = out[1], bd = out[2];
  for (let i = 0; i < one.length; i++) {
    one[i] = 1;
    bn[i] = Math.pow(ns[i] * -Math.expm1(-ps[i] / gamma), -alpha);
    bd[i] = Math.pow(ds[i], -beta);
  }
}

const LOG_E_GRID = [-1, 0, 1];
const LOG_AMPLITUDE_GRID = [0, 5, 10, 15, 20];
const EXPONENT_GRID = [0.25, 0.5, 1];

/**
 * Precision-aware scaling law for quantization-aware training of the weights (Kumar et al.
 * 2024, "Scaling Laws for Precision", arXiv:2411.04330, §4.1, Eq. 3):
 *
 *     L(N, D, P) = E + A · Neff^-alpha + B / D^beta,   Neff = N · (1 - exp(-P / gamma))
 *
 * P is the weight precision P_w: the weights are trained in P bits while activations and KV
 * cache stay in high precision. Training in P bits then acts like training a model with fewer
 * parameters: each bit of precision multiplies the shortfall 1 - Neff/N by exp(-1/gamma), so
 * gains saturate after a few times gamma bits. With P → ∞ the law reduces to Chinchilla.
 *
 * Not the tied-precision law. The paper gives activations and the KV cache their own factors
 * with their own sensitivities (Eq. 4): Neff = N(1 - e^(-P_w/γ_w))(1 - e^(-P_a/γ_a))
 * (1 - e^(-P_kv/γ_kv)). When all three are trained at one precision P (what the paper means by
 * a bare P), this gives approximately Neff = N(1 - e^(-P/γ̄))^3 with γ̄ the average of the three
 * γ's, the form of its compute-optimal analysis (Eq. 5). This law cannot produce that form: the
 * cube puts the factor under the exponent 3·alpha, here it is under alpha. So its gamma is the
 * weights' sensitivity γ_w, not a sensitivity pooled over tied precisions.
 *
 * Inputs: `N` model parameters (count), `D` training tokens (count), `P` weight training
 * precision (bits; the paper trains at 3-12 bits, plus BF16 baselines). Output: loss (the
 * paper's Dolma validation loss; the unit is not stated in the parts read, nats per token is
 * our assumption).
 *
 * Parameters, in this order: `E` (irreducible loss), `A`, `B` (amplitudes), `alpha`, `beta`
 * (exponents of Neff and D), `gamma` (precision sensitivity, bits). `E`, `A`, `B`, `gamma` are
 * positive and optimised in log space; `alpha`, `beta`, `gamma` have lower bound 0. The law is
 * linear in E, A, B with basis (1, Neff^-alpha, D^-beta) (`linearStructure`).
 *
 * Published constants (App. K, Table 2): A = 4.299e3, alpha = beta = 0.4965 (tied),
 * B = 1.806e4, E = 2.7648, gamma_w = 2.6745. They were fitted with hidden offsets inside the
 * exponentials (the paper says each is computed with an offset n_x, as e^(x/γ_x + n_x)), so they
 * do not reproduce the paper's curves with this formula; the authors also say the constants are
 * unlikely to be useful outside their setup.
 *
 * Checked against the paper: the full text was read, as a PDF-to-markdown extraction whose
 * abstract matches arXiv v2 word for word (its arXiv version is not stated): §2 (notation),
 * §4.1 (Eq. 3), §4.2 (Eq. 4 and the tied form), the compute-optimal form (Eq. 5) and App. K
 * (Table 2). The post-training-quantization term δ_PTQ of the paper's unified law (§5) is not
 * modelled here.
 *
 * Default start grid (3 × 5 × 5 × 3 × 3 × 3 = 2025 points): log E in {-1, 0, 1}; log A, log B
 * in {0, 5, 10, 15, 20}; alpha, beta in {0.25, 0.5, 1}; gamma in {1, 2.5, 5} bits.
 * gamma is only identified when the data include precisions of a few times gamma or less.
 *
 * @example At high precision the law is Chinchilla
 * ```ts
 * import assert from "node:assert/strict";
 * import { precision } from "./precision.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, gamma: 2.5 };
 * const at16 = evaluateLaw(precision, { N: 1e9, D: 2e10, P: 64 }, p);
 * const chinchilla = 1.69 + 406.4 / 1e9 ** 0.34 + 410.7 / 2e10 ** 0.28;
 * assert.ok(Math.abs(at16 - chinchilla) < 1e-9);
 * // Four bits cost loss: Neff = N (1 - e^{-1.6}) ≈ 0.80 N
 * assert.ok(evaluateLaw(precision, { N: 1e9, D: 2e10, P: 4 }, p) > at16 + 0.01);
 * ```
 */
export const precision: Law = {
  name: "precision",
  checked: "The paper's text (Eq. 3, weights-only quantized training; App. K constants).",
  formula: "L = E + A*Neff^-alpha + B/D^beta, Neff = N*(1 - exp(-P/gamma))",
  doc: "Precision-aware loss law in parameters N, tokens D and weight training precision P " +
    "(bits; activations and KV cache in high precision); output: loss",
  paper: "Kumar et al. 2024, Scaling Laws for Precision, arXiv:2411.04330",
  inputs: [
    { name: "N", doc: "model parameters (count)" },
    { name: "D", doc: "training tokens (count)" },
    { name: "P", doc: "training precision of the weights, P_w (bits)" },
  ],
  params: [
    {
      name: "E",
      doc: "irreducible loss; start grid log E in {-1, 0, 1}",
      grid: LOG_E_GRID.map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "effective-parameter-term amplitude; start grid log A in {0, 5, ..., 20}",
      grid: LOG_AMPLITUDE_GRID.map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "data-term amplitude; start grid log B in {0, 5, ..., 20}",
      grid: LOG_AMPLITUDE_GRID.map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of Neff", grid: EXPONENT_GRID.slice(), min: 0 },
    { name: "beta", doc: "exponent of D", grid: EXPONENT_GRID.slice(), min: 0 },
    {
      name: "gamma",
      doc: "precision sensitivity of the weights (bits): Neff/N = 1 - exp(-P/gamma)",
      grid: [1, 2.5, 5],
      min: 0,
      scale: "log",
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 2], basis },
};
