/**
 * The vocabulary scaling law of Tao et al. (2024): unigram-normalised loss in non-vocabulary
 * parameters, vocabulary parameters and training data.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/** Parameters: E, A1, A2, B, alpha1, alpha2, beta. */
const K = 7;

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const nnv = x[0], nv = x[1], hs = x[2];
  const e = p[0], a1 = p[1], a2 = p[2], b = p[3], alpha1 = p[4], alpha2 = p[5], beta = p[6];
  for (let i = 0; i < out.length; i++) {
    const p1 = Math.pow(nnv[i], -alpha1), p2 = Math.pow(nv[i], -alpha2);
    const ph = Math.pow(hs[i], -beta);
    const t1 = a1 * p1, t2 = a2 * p2, th = b * ph;
    out[i] = -e + t1 + t2 + th;
    if (jac === null) continue;
    const q = K * i;
    jac[q] = -1;
    jac[q + 1] = p1;
    jac[q + 2] = p2;
    jac[q + 3] = ph;
    jac[q + 4] = t1 === 0 ? 0 : -t1 * Math.log(nnv[i]);
    jac[q + 5] = t2 === 0 ? 0 : -t2 * Math.log(nv[i]);
    jac[q + 6] = th === 0 ? 0 : -th * Math.log(hs[i]);
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const alpha1 = p[4], alpha2 = p[5], beta = p[6];
  for (let i = 0; i < out[0].length; i++) {
    out[0][i] = -1;
    out[1][i] = Math.pow(x[0][i], -alpha1);
    out[2][i] = Math.pow(x[1][i], -alpha2);
    out[3][i] = Math.pow(x[2][i], -beta);
  }
}

/**
 * Vocabulary scaling law (Tao et al. 2024, "Scaling Laws with Vocabulary: Larger Models
 * Deserve Larger Vocabularies", arXiv:2407.13623, approach 3, the parametric loss):
 *
 *     L_u(Nnv, Nv, H) = -E + A1 / Nnv^alpha1 + A2 / Nv^alpha2 + B / H^beta
 *
 * Inputs: `Nnv` non-vocabulary parameters (count), `Nv` vocabulary parameters (count: vocabulary
 * size × embedding width), `H` training data. Output: the unigram-normalised loss L_u, which
 * does not depend on the tokenizer and is typically negative — hence the constant is written -E
 * with E > 0. Because targets are negative, fit with `space: "linear"` (the authors fit in
 * linear space with a Huber loss, delta 1e-3).
 *
 * Data unit: the authors' code evaluates the data term on training tokens D, converted from
 * characters H with a vocabulary-dependent compression ratio; map `H` to a token column to
 * reproduce that, or to characters to compare models with different vocabularies on one data
 * axis (the exponent beta is the same either way only when tokens are proportional to
 * characters). Their fit ties alpha1 = beta (`--tie alpha1=beta`); this law leaves them free.
 *
 * Parameters, in this order: `E` (`scale: "log"`), `A1`, `A2`, `B` (amplitudes, `scale: "log"`),
 * `alpha1`, `alpha2`, `beta` (exponents, lower bound 0). Linear in E, A1, A2, B with basis
 * (-1, Nnv^-alpha1, Nv^-alpha2, H^-beta).
 *
 * Default start grid (2^7 = 128 points): log E in {0, 2}; log A1, log A2, log B in {2, 8};
 * alpha1, alpha2, beta in {0.2, 0.6}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vocabulary } from "./vocabulary.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { E: 5.5, A1: 30, A2: 20, B: 60, alpha1: 0.3, alpha2: 0.4, beta: 0.3 };
 * const lossU = evaluateLaw(vocabulary, { Nnv: 3e8, Nv: 5e7, H: 5e10 }, p);
 * const direct = -5.5 + 30 / 3e8 ** 0.3 + 20 / 5e7 ** 0.4 + 60 / 5e10 ** 0.3;
 * assert.ok(Math.abs(lossU - direct) < 1e-12);
 * ```
 */
export const vocabulary: Law = {
  name: "vocabulary",
  formula: "L_u = -E + A1/Nnv^alpha1 + A2/Nv^alpha2 + B/H^beta",
  doc: "Vocabulary scaling law in non-vocabulary parameters Nnv, vocabulary parameters Nv and " +
    "training data H; output: unigram-normalised loss (usually negative)",
  paper: "Tao et al. 2024, Scaling Laws with Vocabulary: Larger Models Deserve Larger " +
    "Vocabularies, arXiv:2407.13623",
  inputs: [
    { name: "Nnv", doc: "non-vocabulary parameters (count)" },
    { name: "Nv", doc: "vocabulary parameters: vocabulary size × embedding width (count)" },
    { name: "H", doc: "training data: characters (or tokens, as in the authors' code)" },
  ],
  params: [
    {
      name: "E",
      doc: "negated constant (L_u tends to -E); start grid log E in {0, 2}",
      grid: [0, 2].map(Math.exp),
      scale: "log",
    },
    {
      name: "A1",
      doc: "non-vocabulary-parameter amplitude; start grid log A1 in {2, 8}",
      grid: [2, 8].map(Math.exp),
      scale: "log",
    },
    {
      name: "A2",
      doc: "vocabulary-parameter amplitude; start grid log A2 in {2, 8}",
      grid: [2, 8].map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "data amplitude; start grid log B in {2, 8}",
      grid: [2, 8].map(Math.exp),
      scale: "log",
    },
    { name: "alpha1", doc: "exponent of Nnv", grid: [0.2, 0.6], min: 0 },
    { name: "alpha2", doc: "exponent of Nv", grid: [0.2, 0.6], min: 0 },
    { name: "beta", doc: "exponent of H", grid: [0.2, 0.6], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 2, 3], basis },
};
