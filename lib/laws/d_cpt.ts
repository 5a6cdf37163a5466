/**
 * The D-CPT law of Que et al. (2024): loss of domain-specific continual pre-training as a
 * function of model size, data size and the domain-corpus mixture ratio.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/** Parameters: E, A, B, C, alpha, beta, eta, gamma, eps. */
const K = 9;

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ds = x[1], rs = x[2];
  const e = p[0], a = p[1], b = p[2], c = p[3];
  const alpha = p[4], beta = p[5], eta = p[6], gamma = p[7], eps = p[8];
  for (let i = 0; i < out.length; i++) {
    const n = ns[i], d = ds[i], r = rs[i];
    const pn = Math.pow(n, -alpha);
    const pd = Math.pow(d, -beta);
    // r^eta with r = 0 is 0 for eta > 0 (the domain-data term vanishes without domain data).
    const pr = r === 0 ? (eta > 0 ? 0 : eta === 0 ? 1 : Infinity) : Math.pow(r, eta);
    const re = r + eps;
    const pc = Math.pow(re, -gamma);
    const tn = a * pn, tb = b * pr * pd, tc = c * pc;
    out[i] = e + tn + tb + tc;
    if (jac === null) continue;
    const q = K * i;
    jac[q] = 1;
    jac[q + 1] = pn;
    jac[q + 2] = pr * pd;
    jac[q + 3] = pc;
    jac[q + 4] = tn === 0 ? 0 : -tn * Math.log(n);
    jac[q + 5] = tb === 0 ? 0 : -tb * Math.log(d);
    jac[q + 6] = tb === 0 ? 0 : tb * Math.log(r);
    jac[q + 7] = tc === 0 ? 0 : -tc * Math.log(re);
    jac[q + 8] = tc === 0 ? 0 : -gamma * tc / re;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ns = x[0], ds = x[1], rs = x[2];
  const alpha = p[4], beta = p[5], eta = p[6], gamma = p[7], eps = p[8];
  for (let i = 0; i < out[0].length; i++) {
    const r = rs[i];
    out[0][i] = 1;
    out[1][i] = Math.pow(ns[i], -alpha);
    out[2][i] = (r === 0 ? (eta > 0 ? 0 : eta === 0 ? 1 : Infinity) : Math.pow(r, eta)) *
      Math.pow(ds[i], -beta);
    out[3][i] = Math.pow(r + eps, -gamma);
  }
}

/**
 * D-CPT law (Que et al. 2024, "D-CPT Law: Domain-specific Continual Pre-Training Scaling Law
 * for Large Language Models", arXiv:2406.01375), the parameterisation the paper prefers ("L3"
 * of five candidates, L1-L5):
 *
 *     L(N, D, r) = E + A / N^alpha + B · r^eta / D^beta + C / (r + eps)^gamma
 *
 * Inputs: `N` model parameters (count), `D` continual pre-training tokens (count; whether the
 * paper counts all continual pre-training tokens or only domain tokens was not confirmed), `r`
 * the share of the corpus whose validation loss is modelled (fraction in [0, 1]): r = r_d, the
 * domain corpus's share of the mixture, for the domain loss, and r = r_g = 1 - r_d, the
 * general corpus's share, for the general-corpus loss, as the paper's Figure 1 suggests (it
 * plots each loss against its own corpus's share). Fit the two losses separately, each against
 * its own share. Output: validation loss on the modelled corpus.
 *
 * Parameters, in this order: `E`, `A`, `B`, `C` (amplitudes, `scale: "log"`), `alpha`, `beta`,
 * `eta`, `gamma` (exponents, lower bound 0), `eps` (`scale: "log"`: keeps the C term finite at
 * r = 0). At r = 0 the B term is 0 (eta > 0) and its derivative with respect to eta is 0.
 * Linear in E, A, B, C with basis (1, N^-alpha, r^eta·D^-beta, (r + eps)^-gamma). At fixed r
 * the law is the Chinchilla form in N and D.
 *
 * Among its requirements on a parameterisation, the paper asks that the loss fall as r grows
 * (per third-party summaries). Non-negative parameters do not by themselves guarantee
 * dL/dr < 0: the C term falls with r, but the B·r^eta/D^beta term grows with it. Check the sign
 * of dL/dr = eta·B·r^(eta-1)/D^beta - gamma·C/(r + eps)^(gamma+1) over your range of r after
 * fitting.
 *
 * Checked against the paper: only the front matter, abstract and table of contents of arXiv v1
 * (3 Jun 2024) were read; the Methods section, where the law is stated, was not reached. The
 * L3 form, the five candidates L1-L5 and the reasons for preferring L3 are known from
 * third-party summaries and notes only; they agree with each other and with this law term by
 * term (nine parameters, eps among the fitted ones). The reading of r for the general loss
 * rests on the Figure 1 caption as quoted by a third party. No fitted constants were found in
 * any source.
 *
 * Default start grid (2^9 = 512 points): log E in {0, 1}; log A, log B in {2, 8}; log C in
 * {-4, 0}; alpha, beta in {0.2, 0.5}; eta in {0.1, 0.5}; gamma in {0.1, 0.5}; eps in
 * {0.001, 0.05}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dCpt } from "./d_cpt.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { E: 1.2, A: 400, B: 300, C: 0.05, alpha: 0.3, beta: 0.3, eta: 0.2, gamma: 0.4, eps: 0.01 };
 * const loss = evaluateLaw(dCpt, { N: 1e9, D: 1e10, r: 0.25 }, p);
 * const direct = 1.2 + 400 / 1e9 ** 0.3 + 300 * 0.25 ** 0.2 / 1e10 ** 0.3 + 0.05 / 0.26 ** 0.4;
 * assert.ok(Math.abs(loss - direct) < 1e-12);
 * ```
 */
export const dCpt: Law = {
  name: "d-cpt",
  checked:
    "Third-party summaries of the paper's preferred form (L3 of L1-L5); the paper's body was not reached.",
  formula: "L = E + A/N^alpha + B*r^eta/D^beta + C/(r + eps)^gamma",
  doc: "D-CPT law: loss of domain-specific continual pre-training in model parameters N, " +
    "tokens D and the share r of the modelled corpus (domain or general) in the mixture; " +
    "output: validation loss on that corpus",
  paper: "Que et al. 2024, D-CPT Law: Domain-specific Continual Pre-Training Scaling Law for " +
    "Large Language Models, arXiv:2406.01375",
  inputs: [
    { name: "N", doc: "model parameters (count)" },
    { name: "D", doc: "continual pre-training tokens (count)" },
    {
      name: "r",
      doc: "share of the modelled corpus in the mixture (fraction in [0, 1]): the domain " +
        "ratio r_d for the domain loss, 1 - r_d for the general-corpus loss",
    },
  ],
  params: [
    {
      name: "E",
      doc: "irreducible loss; start grid log E in {0, 1}",
      grid: [0, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "model-size amplitude; start grid log A in {2, 8}",
      grid: [2, 8].map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "data amplitude; start grid log B in {2, 8}",
      grid: [2, 8].map(Math.exp),
      scale: "log",
    },
    {
      name: "C",
      doc: "mixture-ratio amplitude; start grid log C in {-4, 0}",
      grid: [-4, 0].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of N", grid: [0.2, 0.5], min: 0 },
    { name: "beta", doc: "exponent of D", grid: [0.2, 0.5], min: 0 },
    { name: "eta", doc: "exponent of r in the data term", grid: [0.1, 0.5], min: 0 },
    { name: "gamma", doc: "exponent of the mixture-ratio term", grid: [0.1, 0.5], min: 0 },
    {
      name: "eps",
      doc: "offset of r in the mixture-ratio term (keeps it finite at r = 0)",
      grid: [0.001, 0.05],
      scale: "log",
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 2, 3], basis },
};
