/**
 * The quantization-induced degradation law of Ouyang et al. (2024): post-training low-bit
 * quantization hurts more the more tokens a model was trained on.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ds = x[1], ps = x[2];
  const k = p[0], alpha = p[1], beta = p[2], gamma = p[3];
  for (let i = 0; i < out.length; i++) {
    const logN = Math.log(ns[i]), logD = Math.log(ds[i]), logP = Math.log(ps[i]);
    const shape = Math.exp(beta * logD - alpha * logN - gamma * logP);
    const y = k * shape;
    out[i] = y;
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = shape;
    jac[r + 1] = -y * logN;
    jac[r + 2] = y * logD;
    jac[r + 3] = -y * logP;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ns = x[0], ds = x[1], ps = x[2];
  const alpha = p[1], beta = p[2], gamma = p[3];
  const b = out[0];
  for (let i = 0; i < b.length; i++) {
    b[i] = Math.exp(beta * Math.log(ds[i]) - alpha * Math.log(ns[i]) - gamma * Math.log(ps[i]));
  }
}

/**
 * Quantization-induced degradation (QiD) of Ouyang et al. 2024 ("Low-Bit Quantization Favors
 * Undertrained LLMs: Scaling Laws for Quantized LLMs with 100T Training Tokens",
 * arXiv:2411.17691; ACL 2025), their unified law (Eq. 8):
 *
 *     ΔL(N, D, P) = k · D^beta / (N^alpha · P^gamma)
 *
 * The loss increase from quantizing a trained model to P bits grows with the training tokens
 * D and falls with model size N and bit width P.
 *
 * Checked against the paper: only arXiv v1 was seen, and only partly. Of the paper's own text,
 * only the title, abstract and start of the introduction were read; Section 3 (Eqs. 5-8 and
 * their prose) was not. The form of Eq. 8, the fitted constants below, N as non-embedding
 * parameters and the 16-bit baseline come from a third-party copy of the v1 figure and table
 * captions. That N and D are raw counts is inferred, not stated: with raw counts the published
 * k reproduces the 2-bit column of the paper's Table 1 to within about 3-9%.
 *
 * Published fit (Fig. 6 caption; GPTQ-quantized Pythia checkpoints, 160M-12B parameters, at 2,
 * 3 and 4 bits): k = 0.017, alpha = 0.2261, beta = 0.5251, gamma = 5.4967.
 *
 * Inputs: `N` non-embedding model parameters (count), `D` training tokens (count), `P` bit
 * width after quantization (bits). Output: ΔL = loss of the quantized model minus loss of the
 * 16-bit model (nats per token); must be positive when fitting in log space.
 *
 * Parameters, in this order: `k` (amplitude; positive, optimised in log space), `alpha`
 * (exponent of N), `beta` (exponent of D), `gamma` (exponent of P); the exponents have lower
 * bound 0. In log space the law is linear in (log k, alpha, beta, gamma), so a squared loss on
 * log ΔL is an ordinary linear least-squares problem. Linear in k (`linearStructure`).
 *
 * Default start grid (3 × 3 × 3 × 3 = 81 points): log k in {-8, -4, 0}; alpha in
 * {0.1, 0.3, 0.6}; beta in {0.2, 0.5, 1}; gamma in {1, 3, 6}.
 *
 * @example The published fit: more tokens, more degradation; more bits, less
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantizationLoss } from "./quantization_loss.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { k: 0.017, alpha: 0.2261, beta: 0.5251, gamma: 5.4967 };
 * const q = (N: number, D: number, P: number) => evaluateLaw(quantizationLoss, { N, D, P }, p);
 * const want = 0.017 * 1e12 ** 0.5251 / (1e9 ** 0.2261 * 4 ** 5.4967);
 * assert.ok(Math.abs(q(1e9, 1e12, 4) - want) < 1e-12);
 * assert.ok(Math.abs(want - 0.154) < 1e-3); // 1B parameters, 1T tokens, 4 bits
 * assert.ok(q(1e9, 1e13, 4) > q(1e9, 1e12, 4));
 * assert.ok(q(1e9, 1e12, 3) > q(1e9, 1e12, 4));
 * ```
 */
export const quantizationLoss: Law = {
  name: "quantization-loss",
  checked:
    "A third-party copy of the paper's figure captions (Eq. 8 and its constants); the paper's Section 3 was not reached.",
  formula: "dL = k * D^beta / (N^alpha * P^gamma)",
  doc: "Loss increase over the 16-bit model from post-training quantization to P bits, in " +
    "non-embedding parameters N and training tokens D; output: loss difference",
  paper: "Ouyang et al. 2024, Low-Bit Quantization Favors Undertrained LLMs, arXiv:2411.17691 " +
    "(Eq. 8)",
  inputs: [
    { name: "N", doc: "non-embedding model parameters (count)" },
    { name: "D", doc: "training tokens (count)" },
    { name: "P", doc: "bit width after quantization (bits)" },
  ],
  params: [
    {
      name: "k",
      doc: "amplitude; start grid log k in {-8, -4, 0}",
      grid: [-8, -4, 0].map(Math.exp),
      scale: "log",
    },
    {
      name: "alpha",
      doc: "exponent of N (degradation falls with size)",
      grid: [0.1, 0.3, 0.6],
      min: 0,
    },
    {
      name: "beta",
      doc: "exponent of D (degradation grows with tokens)",
      grid: [0.2, 0.5, 1],
      min: 0,
    },
    { name: "gamma", doc: "exponent of P (degradation falls with bits)", grid: [1, 3, 6], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0], basis },
};
