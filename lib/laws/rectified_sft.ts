/**
 * The rectified fine-tuning law of Lin et al. (2024): fine-tuning loss against the number of
 * fine-tuning examples, with a "pre-learned data size".
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ds = x[0];
  const e = p[0], b = p[1], dl = p[2], beta = p[3];
  for (let i = 0; i < out.length; i++) {
    const d = ds[i];
    const pd = Math.pow(d, beta);
    const den = dl + pd;
    const t = b / den;
    out[i] = e + t;
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = 1;
    jac[r + 1] = 1 / den;
    jac[r + 2] = -t / den;
    jac[r + 3] = pd === 0 ? 0 : -t * pd * Math.log(d) / den;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const dl = p[2], beta = p[3];
  for (let i = 0; i < out[0].length; i++) {
    out[0][i] = 1;
    out[1][i] = 1 / (dl + Math.pow(x[0][i], beta));
  }
}

/**
 * Rectified scaling law for fine-tuning (Lin et al. 2024, "Selecting Large Language Model to
 * Fine-tune via Rectified Scaling Law", arXiv:2402.02314):
 *
 *     L(D) = B / (Dl + D^beta) + E
 *
 * Input: `D` number of fine-tuning examples (count). Output: fine-tuning (test) loss. Dl is the
 * "pre-learned data size": how much of the fine-tuning distribution the pre-trained model
 * already knows, in units of D^beta. It produces the "pre-power phase" (loss flat in D while
 * D^beta ≪ Dl) before the usual power phase (L - E ≈ B·D^-beta).
 *
 * Parameters, in this order: `E` (irreducible loss), `B` (amplitude), `Dl` (pre-learned data
 * size) — all `scale: "log"` — and `beta` (exponent, lower bound 0). Dl is only identified when
 * the data reach both phases (D^beta both below and above Dl). Linear in E and B with basis
 * (1, 1/(Dl + D^beta)).
 *
 * Checked against the paper: the paper's body was not reached in any version; only its
 * abstract was read. This law matches the authors' released fitting code
 * (github.com/linhaowei1/Fine-tuning-Scaling-Law, src/fit_law.py), which fits four parameters
 * and no outer exponent (written through the zero-shot loss B/Dl + E, fitted on log loss
 * against log D), and two third-party restatements. The authors' project page
 * (rectified-scaling-law.github.io) writes the law with an outer exponent alpha,
 * L(D) = (B/(Dl + D^beta) + E)^alpha; this law is its alpha = 1 case. Which of the two the
 * paper prints was not seen. That D counts training examples comes from the project page and
 * the code's README. No fitted constants were found.
 *
 * Default start grid (3^4 = 81 points): log E in {-1, 0, 1}; log B in {2, 6, 10}; log Dl in
 * {0, 4, 8}; beta in {0.3, 0.6, 1}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rectifiedSft } from "./rectified_sft.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(rectifiedSft, { D: 1e4 }, { E: 0.8, B: 500, Dl: 100, beta: 0.7 });
 * assert.ok(Math.abs(loss - (500 / (100 + 1e4 ** 0.7) + 0.8)) < 1e-12);
 * ```
 */
export const rectifiedSft: Law = {
  name: "rectified-sft",
  checked:
    "The authors' code (linhaowei1/Fine-tuning-Scaling-Law); their project page writes an outer exponent alpha, of which this law is the alpha = 1 case; the paper's body was not reached.",
  formula: "L = B/(Dl + D^beta) + E",
  doc: "Rectified fine-tuning law in fine-tuning examples D with pre-learned data size Dl; " +
    "output: fine-tuning loss",
  paper: "Lin et al. 2024, Selecting Large Language Model to Fine-tune via Rectified Scaling " +
    "Law, arXiv:2402.02314",
  inputs: [{ name: "D", doc: "fine-tuning examples (count)" }],
  params: [
    {
      name: "E",
      doc: "irreducible loss; start grid log E in {-1, 0, 1}",
      grid: [-1, 0, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "amplitude; start grid log B in {2, 6, 10}",
      grid: [2, 6, 10].map(Math.exp),
      scale: "log",
    },
    {
      name: "Dl",
      doc: "pre-learned data size (units of D^beta); start grid log Dl in {0, 4, 8}",
      grid: [0, 4, 8].map(Math.exp),
      scale: "log",
    },
    { name: "beta", doc: "exponent of D", grid: [0.3, 0.6, 1], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis },
};
