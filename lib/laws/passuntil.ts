/**
 * The task scaling law of PassUntil pass rates (Hu et al. 2023).
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0];
  const c = p[0], alpha = p[1], d = p[2];
  for (let i = 0; i < out.length; i++) {
    const pw = Math.pow(ns[i], -alpha);
    const t = c * pw;
    out[i] = t + d;
    if (jac === null) continue;
    const r = 3 * i;
    jac[r] = pw;
    jac[r + 1] = t === 0 ? 0 : -t * Math.log(ns[i]);
    jac[r + 2] = 1;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ns = x[0];
  const alpha = p[1];
  const pw = out[0], one = out[1];
  for (let i = 0; i < pw.length; i++) {
    pw[i] = Math.pow(ns[i], -alpha);
    one[i] = 1;
  }
}

/**
 * Task scaling law of Hu et al. 2023 ("Unlock Predictable Scaling from Emergent Abilities",
 * published as "Predicting Emergent Abilities with Infinite Resolution Evaluation",
 * arXiv:2310.03262), on the PassUntil pass rate PU(N):
 *
 *     -ln PU(N) = c · N^-alpha + d
 *
 * PassUntil samples answers until r of them pass (r = 1 or 2 in practice); with K samples
 * drawn, PU = r/K estimates the probability that one sampled answer passes. The paper's task
 * scaling law is PU(N) ≈ exp(-c · N^-alpha), i.e. log(-log PU) linear in log N. The offset
 * d ≥ 0 is our extension, not in the paper (default grid includes d = 0, the paper's form); it
 * allows a pass rate that saturates at exp(-d) < 1.
 *
 * Checked against the paper: only the v1 and v3 abstracts and the openings of the HTML and
 * ICLR copies were read; the paper's equation was not seen in its own text. The form above
 * comes from third-party reviews (AI-generated reviews and an OpenReview reviewer) and agrees
 * with the paper's Fig. 1 caption (quoted on a third-party page), which shows the law as a
 * straight line in log(-log) space. The definition PU = r/K comes from a third-party copy of
 * quotes from v3. No fitted c or alpha was found. The paper's "accelerated emergence" variant
 * (log(-log PU) concave in log N) is not this law.
 *
 * Output choice: the law predicts y = -ln PU, not PU. Give the fitter the column -ln(PU)
 * (e.g. with a derived column). Reasons: (1) with log-space residuals (the default) the fit
 * minimises squared errors of log(-log PU), the space in which the paper shows the law to be a
 * straight line (fitting in that space is our choice; the paper's fitting procedure was not
 * checked), so tiny pass rates of small models (PU ~ 1e-5) weigh as much as large ones;
 * residuals on PU itself would ignore exactly the small models PassUntil was designed to
 * measure; (2) the law is then linear in c and d (variable projection).
 *
 * Input: `N` model size (parameter count; whether the paper counts total or non-embedding
 * parameters was not confirmed; any scale variable works). Output: -ln PU (nats; positive for
 * PU < 1).
 *
 * Parameters, in this order: `c` (amplitude; positive, optimised in log space), `alpha`
 * (exponent of N), `d` (asymptote of -ln PU; lower bound 0). Linear in c and d with basis
 * (N^-alpha, 1) (`linearStructure`).
 *
 * Default start grid (4 × 4 × 2 = 32 points): log c in {0, 5, 10, 15}; alpha in
 * {0.1, 0.3, 0.6, 1}; d in {0, 0.1}.
 *
 * @example A pass rate from the law
 * ```ts
 * import assert from "node:assert/strict";
 * import { passUntil } from "./passuntil.ts";
 * import { evaluateLaw } from "./types.ts";
 * const negLogPu = evaluateLaw(passUntil, { N: 1e9 }, { c: 3000, alpha: 0.4, d: 0 });
 * const pu = Math.exp(-negLogPu);
 * assert.ok(Math.abs(pu - Math.exp(-3000 * 1e9 ** -0.4)) < 1e-15);
 * assert.ok(pu > 0.45 && pu < 0.5); // -ln PU = 3000 · 10^-3.6 ≈ 0.75
 * ```
 */
export const passUntil: Law = {
  name: "passuntil",
  checked:
    "Third-party copies (PU = exp(-c N^-alpha)); the offset d is ours; the paper's body was not reached.",
  formula: "-ln PU = c*N^-alpha + d",
  doc: "Task scaling law of the PassUntil pass rate PU in model size N; output: -ln PU",
  paper: "Hu et al. 2023, Unlock Predictable Scaling from Emergent Abilities, arXiv:2310.03262",
  inputs: [{ name: "N", doc: "model size (parameter count)" }],
  params: [
    {
      name: "c",
      doc: "amplitude of -ln PU; start grid log c in {0, 5, 10, 15}",
      grid: [0, 5, 10, 15].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of N", grid: [0.1, 0.3, 0.6, 1] },
    {
      name: "d",
      doc: "asymptote of -ln PU (PU tends to exp(-d)); our extension, 0 in the paper",
      grid: [0, 0.1],
      min: 0,
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 2], basis },
};
