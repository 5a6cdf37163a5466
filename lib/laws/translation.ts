/**
 * Downstream translation laws of Isik et al. (2024): translation score (BLEU or COMET) and
 * cross-entropy after finetuning, as functions of the pretraining data size.
 *
 * @module
 */

import { powerLaw } from "./power_law.ts";
import type { Columns, Law } from "./types.ts";

function evaluateBleu(
  x: Columns,
  p: Float64Array,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const ds = x[0];
  const a = p[0], alpha = p[1], beta = p[2];
  const logA = Math.log(a);
  for (let i = 0; i < out.length; i++) {
    const logD = Math.log(ds[i]);
    const u = logA + alpha * logD; // ln(A · Dp^alpha)
    const y = Math.pow(u, beta);
    out[i] = y;
    if (jac === null) continue;
    const r = 3 * i;
    const dU = beta * Math.pow(u, beta - 1); // dy/du
    jac[r] = dU / a;
    jac[r + 1] = dU * logD;
    jac[r + 2] = y === 0 ? 0 : y * Math.log(u);
  }
}

/**
 * Translation-score log-law of Isik et al. 2024 ("Scaling Laws for Downstream Task Performance
 * of Large Language Models", arXiv:2402.04177; at ICLR 2025 "Scaling Laws for Downstream Task
 * Performance in Machine Translation"), Eq. 1, for machine translation after finetuning:
 *
 *     BLEU(Dp) = (ln(A · Dp^alpha))^beta
 *
 * The output is a translation score such as BLEU or COMET; the paper applies the same law to
 * both. The paper writes `log` without stating the base. For the family of curves the base does
 * not matter, since log_b(A·Dp^alpha) = ln(A'·Dp^alpha') with A' = A^(1/ln b),
 * alpha' = alpha/ln b; but for the same reason the paper's fitted A and alpha cannot be plugged
 * in directly (beta does not depend on the base). The law holds when pretraining and downstream
 * data are well aligned; with poor alignment BLEU can fluctuate while cross-entropy still
 * improves (use {@link translationCe}).
 *
 * Checked against the paper: of its own text only the abstracts (v1, v3, ICLR 2025) and the
 * start of the v3 introduction were read; Section 3 (the equations) and Appendix C.3 (the
 * fitted coefficients) were not. The forms of Eq. 1 (this law) and Eq. 3 ({@link translationCe})
 * come from a third-party copy of a figure caption and third-party reading notes of v3; both
 * match our formulas. No fitted coefficients were seen. Dp as a raw token count is inferred
 * from those sources, not read in the paper.
 *
 * Input: `Dp` pretraining tokens (count). Output: translation score, e.g. BLEU (the 0-100 scale
 * is our assumption) or COMET. Defined where A·Dp^alpha > 1 (NaN elsewhere).
 *
 * Parameters, in this order: `A` (positive, optimised in log space, so the optimiser works on
 * ln A, which enters linearly in ln(A·Dp^alpha)), `alpha` (lower bound 0), `beta` (lower
 * bound 0). With beta = 1 BLEU is linear in ln Dp.
 *
 * Default start grid (3 × 3 × 3 = 27 points): ln A in {0, 5, 10}; alpha in {0.05, 0.1, 0.3};
 * beta in {0.5, 1, 2}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { translation } from "./translation.ts";
 * import { evaluateLaw } from "./types.ts";
 * const bleu = evaluateLaw(translation, { Dp: 1e10 }, { A: 2, alpha: 0.5, beta: 1.2 });
 * assert.ok(Math.abs(bleu - Math.log(2 * 1e10 ** 0.5) ** 1.2) < 1e-12);
 * ```
 */
export const translation: Law = {
  name: "translation",
  checked:
    "Third-party copies of a figure caption and reading notes (Eq. 1); the log base is not stated; the paper's body was not reached.",
  formula: "BLEU = (ln(A*Dp^alpha))^beta",
  doc: "Translation score (BLEU or COMET) after finetuning as a function of pretraining " +
    "tokens Dp; output: score",
  paper: "Isik et al. 2024, Scaling Laws for Downstream Task Performance of Large Language " +
    "Models (ICLR 2025: Scaling Laws for Downstream Task Performance in Machine Translation), " +
    "arXiv:2402.04177",
  inputs: [{ name: "Dp", doc: "pretraining tokens (count)" }],
  params: [
    {
      name: "A",
      doc: "scale inside the log; start grid ln A in {0, 5, 10}",
      grid: [0, 5, 10].map(Math.exp),
      min: 0,
      scale: "log",
    },
    { name: "alpha", doc: "exponent of Dp inside the log", grid: [0.05, 0.1, 0.3], min: 0 },
    { name: "beta", doc: "power of the log", grid: [0.5, 1, 2], min: 0 },
  ],
  predict(x, p, out) {
    evaluateBleu(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluateBleu(x, p, out, jac);
  },
};

/**
 * Downstream cross-entropy law of Isik et al. 2024 (arXiv:2402.04177), Eq. 3, for translation
 * after finetuning. The form matches the paper's as given by third-party copies (see
 * {@link translation}); its fitted coefficients were not seen. E, A and alpha are fitted
 * separately from the translation-score law's A and alpha:
 *
 *     L(Dp) = E + A / Dp^alpha
 *
 * Input: `Dp` pretraining tokens (count). Output: downstream cross-entropy (nats per token; the
 * unit is our assumption, not seen in the paper).
 *
 * Parameters, in this order: `E` (irreducible cross-entropy), `A` (amplitude), `alpha`
 * (exponent). `E`, `A` are positive and optimised in log space; `alpha` has lower bound 0.
 * Linear in E and A with basis (1, Dp^-alpha) (`linearStructure`).
 *
 * Default start grid (5 × 6 × 5 = 150 points, as power-law): log E in {-1, -0.5, 0, 0.5, 1},
 * log A in {0, 5, ..., 25}, alpha in {0, 0.5, 1, 1.5, 2}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { translationCe } from "./translation.ts";
 * import { evaluateLaw } from "./types.ts";
 * const ce = evaluateLaw(translationCe, { Dp: 1e10 }, { E: 1.2, A: 50, alpha: 0.2 });
 * assert.ok(Math.abs(ce - 1.7) < 1e-12);
 * ```
 */
export const translationCe: Law = {
  name: "translation-ce",
  checked:
    "Third-party copies of a figure caption and reading notes (Eq. 3); the paper's body was not reached.",
  formula: "L = E + A/Dp^alpha",
  doc: "Downstream cross-entropy after finetuning as a function of pretraining tokens Dp; " +
    "output: cross-entropy",
  paper: translation.paper,
  inputs: [{ name: "Dp", doc: "pretraining tokens (count)" }],
  params: [
    {
      name: "E",
      doc: "irreducible cross-entropy; start grid log E in {-1, -0.5, 0, 0.5, 1}",
      grid: [-1, -0.5, 0, 0.5, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "amplitude; start grid log A in {0, 5, ..., 25}",
      grid: [0, 5, 10, 15, 20, 25].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of Dp", grid: [0, 0.5, 1, 1.5, 2], min: 0 },
  ],
  // The power law in one input with the same parameter order (E, A, alpha): reuse its code.
  predict: powerLaw.predict,
  jacobian: powerLaw.jacobian,
  linearStructure: powerLaw.linearStructure,
};
