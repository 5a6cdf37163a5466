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
 * Deserve Larger Vocabularies", arXiv:2407.13623), the parametric loss of "Approach 3" (§4.3,
 * Eq. 8 in the NeurIPS 2024 camera-ready version), with its data variable named H:
 *
 *     L_u(Nnv, Nv, H) = -E + A1 / Nnv^alpha1 + A2 / Nv^alpha2 + B / H^beta
 *
 * Data variable: read this before fitting. The paper's Eq. 8 writes the data term as
 * B / D^beta with D = H·f(V) training tokens, where H is the number of training characters, V
 * the vocabulary size and f(V) = 0.0064·ln²V - 0.1581·ln V + 1.2047 the tokenizer's tokens per
 * character (Eq. 3; V is capped at 200K before f is evaluated). This law's third input keeps
 * the name `H` (part of the command line), and whatever column is mapped to it enters as
 * B / H^beta. With H in characters the law equals Eq. 8 only when all runs share one vocabulary
 * size (f(V) then folds into B). To fit Eq. 8 as published, map H to training tokens:
 * `--x H=tokens`, or, from characters and vocabulary size,
 *
 *     --x "H=characters*(0.0064*log(vocab_size)^2 - 0.1581*log(vocab_size) + 1.2047)"
 *
 * (`log` in expressions is the natural logarithm; for vocabularies above 200K write
 * min(vocab_size, 200000) in place of vocab_size).
 *
 * Inputs: `Nnv` non-vocabulary parameters (count), `Nv` vocabulary parameters (count:
 * Nv = V·d, vocabulary size × embedding width; the paper counts V·d once although both the
 * input and the output embedding hold vocabulary parameters), `H` training data as above.
 * Output: the unigram-normalised loss L_u (Eq. 4), which divides each token's predicted
 * probability by its unigram frequency under the same tokenizer so that models with different
 * vocabularies can be compared. It is typically negative, hence the constant is written -E with
 * E > 0, as in the paper. Fit with `space: "linear"`.
 *
 * The paper fits a Huber loss (delta 1e-3) on L_u in linear space, ties alpha1 = beta and
 * keeps 0.1 < alpha1, alpha2 < 1; this law leaves the exponents free with lower bound 0 (tie
 * them with the fit option `params: { beta: { tie: "alpha1" } }`, also in a pipeline step; the
 * command line has no tie option). The paper's fitted constants are A1 = 1.831, A2 = 0.196,
 * B = 2.124, E = 5.533, alpha1 = beta = 0.447, alpha2 = 0.671 (SlimPajama; Nnv from 33M to
 * 1.13B, V from 4K to 96K). The paper gives no units for them; they hold only in the authors'
 * rescaled units, known from their released code (github.com/sail-sg/scaling-with-vocab): Nnv
 * and Nv in millions and the data term in billions of tokens (the code computes those tokens as
 * billions of characters times f evaluated at V in thousands, not at V as in Eq. 3). With raw
 * counts they do not reproduce the authors' data.
 *
 * Checked against the paper: the NeurIPS 2024 camera-ready text (extracted from the PDF) was
 * read: §2.2 (Eqs. 3-4), §4.3 (Eq. 8 and the constants), §A.7.4 (Eq. 13, the same law with
 * B / [H·f(V)]^beta, and the fit settings) and §A.9 (the 200K cap). The bodies of arXiv v1-v3
 * were not compared, so the equation numbers are the camera-ready's. The unit convention of the
 * constants comes from the authors' code only.
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
  checked:
    "The paper's text (NeurIPS 2024 camera-ready, Sec. 4.3, Eq. 8); its data term is in tokens, so map H to training tokens to fit Eq. 8 as published.",
  formula: "L_u = -E + A1/Nnv^alpha1 + A2/Nv^alpha2 + B/H^beta",
  doc: "Vocabulary scaling law in non-vocabulary parameters Nnv, vocabulary parameters Nv and " +
    "training data H (the paper's Eq. 8 uses training tokens, characters × f(V)); output: " +
    "unigram-normalised loss (usually negative)",
  paper: "Tao et al. 2024, Scaling Laws with Vocabulary: Larger Models Deserve Larger " +
    "Vocabularies, arXiv:2407.13623",
  inputs: [
    { name: "Nnv", doc: "non-vocabulary parameters (count)" },
    { name: "Nv", doc: "vocabulary parameters: vocabulary size × embedding width (count)" },
    {
      name: "H",
      doc: "training data in the term B/H^beta: tokens, to match the paper's Eq. 8 (tokens = " +
        "characters × f(V)); characters match it only when all runs share one vocabulary size",
    },
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
    { name: "beta", doc: "exponent of H (the paper ties it to alpha1)", grid: [0.2, 0.6], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 2, 3], basis },
};
