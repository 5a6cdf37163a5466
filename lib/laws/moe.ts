/**
 * The routed-language-model (mixture-of-experts) law of Clark et al. (2022): a bilinear law in
 * log N and the log of a saturating transform of the expert count.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/** Parameters: a, b, c, d, Estart, Emax. */
const K = 6;

/**
 * The saturating transform of the expert count used by Clark et al.:
 *
 *     1/Ê = 1 / (E - 1 + (1/Estart - 1/Emax)^-1) + 1/Emax
 *
 * Ê equals Estart at E = 1 (a dense model), grows about one-for-one with E while E is small
 * against Emax, and tends to Emax as E grows. Requires Emax > Estart > 0 and E ≥ 1.
 *
 * @param experts Expert count E.
 * @param eStart Estart.
 * @param eMax Emax.
 * @returns Ê.
 *
 * @example The S-BASE fit reported for the paper (Estart = 1.847, Emax = 314.478)
 * ```ts
 * import assert from "node:assert/strict";
 * import { saturatedExperts } from "./moe.ts";
 * assert.ok(Math.abs(saturatedExperts(1, 1.847, 314.478) - 1.847) < 1e-12);
 * assert.ok(saturatedExperts(1e9, 1.847, 314.478) < 314.478);
 * ```
 */
export function saturatedExperts(experts: number, eStart: number, eMax: number): number {
  const w = eStart * eMax / (eMax - eStart); // (1/Estart - 1/Emax)^-1
  const q = experts - 1 + w;
  return q * eMax / (q + eMax);
}

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], es = x[1];
  const a = p[0], b = p[1], c = p[2], d = p[3], eStart = p[4], eMax = p[5];
  const w = eStart * eMax / (eMax - eStart);
  // dw/dEstart = (Emax / (Emax - Estart))^2, dw/dEmax = -(Estart / (Emax - Estart))^2.
  const gap = eMax - eStart;
  const dwStart = (eMax / gap) ** 2, dwMax = -((eStart / gap) ** 2);
  for (let i = 0; i < out.length; i++) {
    const u = Math.log10(ns[i]);
    const q = es[i] - 1 + w;
    const eHat = q * eMax / (q + eMax);
    const v = Math.log10(eHat);
    const f = Math.pow(10, a * u + b * v + c * u * v + d);
    out[i] = f;
    if (jac === null) continue;
    const r = K * i;
    const fl = f * Math.LN10;
    jac[r] = fl * u;
    jac[r + 1] = fl * v;
    jac[r + 2] = fl * u * v;
    jac[r + 3] = fl;
    // df/dÊ = f (b + c u) / Ê; Ê = q Emax / (q + Emax):
    // dÊ/dq = (Emax / (q + Emax))^2, ∂Ê/∂Emax (q fixed) = (q / (q + Emax))^2.
    const dfdE = f * (b + c * u) / eHat;
    const s = q + eMax;
    const dq = (eMax / s) ** 2;
    jac[r + 4] = dfdE * dq * dwStart;
    jac[r + 5] = dfdE * (dq * dwMax + (q / s) ** 2);
  }
}

/**
 * Unified scaling law for routed language models (Clark et al. 2022, "Unified Scaling Laws for
 * Routed Language Models", arXiv:2202.01169, the saturating bilinear fit, Eq. 1):
 *
 *     log10 L(N, E) = a·log10 N + b·log10 Ê + c·log10 N·log10 Ê + d
 *     1/Ê = 1 / (E - 1 + (1/Estart - 1/Emax)^-1) + 1/Emax
 *
 * Inputs: `N` parameters of the dense base model (count), `E` number of experts (count; E = 1 is
 * the dense model). Output: loss L = 10^(...) (validation loss after a fixed number of
 * training tokens, 130B per third-party sources; the unit, e.g. nats per token, was not
 * confirmed). Logarithms are base 10, as in the fitted coefficients reported for the paper (for
 * S-BASE: a = -0.082, b = -0.108, c = 0.009, d = 1.104, Estart = 1.847, Emax = 314.478); the
 * base matters for c and d. The saturating transform Ê is {@link saturatedExperts}: Ê equals
 * Estart for a dense model and approaches Emax as the expert count grows.
 *
 * Parameters, in this order: `a`, `b`, `c`, `d` (unbounded), `Estart`, `Emax` (`scale: "log"`;
 * the transform needs Emax > Estart, a constraint of ours that the reported fits satisfy, so
 * start grids keep them apart). log L is linear in a, b, c, d for fixed Estart, Emax, so fit in
 * log space (the default). Estart and Emax are only identified with expert counts spanning the
 * saturation (from 1 to well past Emax/10); with few expert counts fix them to the published
 * values.
 *
 * Checked against the paper: only the opening (abstract and introduction) of arXiv v2 and of
 * two full-text mirrors was read; Eq. 1, the definition of Ê and the table of fitted constants
 * were not reached in the paper's own text. The Figure 1 caption, quoted by a third party,
 * calls the law "a bilinear function (Eq. 1)". The bilinear form, the Ê transform and the
 * base-10 logarithms agree with several third-party copies (notes quoting the paper's table, a
 * blog with code, later papers restating the law). The S-BASE constants come from two
 * independent third-party sources. Base 10 is also supported by our own arithmetic: with these
 * constants b + c·log10 N = 0 near N ≈ 1e12, in line with the S-BASE routing cutoff of about
 * 937B parameters that third parties report.
 *
 * Default start grid (2^6 = 64 points): a, b in {-0.2, -0.05}; c in {0, 0.02}; d in {0.5, 1.5};
 * Estart in {1.5, 3}; Emax in {100, 1000}.
 *
 * @example The S-BASE fit reported for the paper, at a 1.3e9-parameter base model with 64 experts
 * ```ts
 * import assert from "node:assert/strict";
 * import { moe, saturatedExperts } from "./moe.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { a: -0.082, b: -0.108, c: 0.009, d: 1.104, Estart: 1.847, Emax: 314.478 };
 * const loss = evaluateLaw(moe, { N: 1.3e9, E: 64 }, p);
 * const u = Math.log10(1.3e9), v = Math.log10(saturatedExperts(64, 1.847, 314.478));
 * assert.ok(Math.abs(loss - 10 ** (-0.082 * u - 0.108 * v + 0.009 * u * v + 1.104)) < 1e-12);
 * ```
 */
export const moe: Law = {
  name: "moe",
  checked:
    "Third-party copies of Eq. 1, the saturating transform and the S-BASE constants; the paper's body was not reached.",
  formula: "log10 L = a*log10 N + b*log10 Ehat + c*log10 N*log10 Ehat + d, " +
    "1/Ehat = 1/(E - 1 + (1/Estart - 1/Emax)^-1) + 1/Emax",
  doc: "Routed (mixture-of-experts) language model law in dense parameters N and expert " +
    "count E; output: loss",
  paper: "Clark et al. 2022, Unified Scaling Laws for Routed Language Models, arXiv:2202.01169",
  inputs: [
    { name: "N", doc: "parameters of the dense base model (count)" },
    { name: "E", doc: "number of experts (count; 1 = dense)" },
  ],
  params: [
    { name: "a", doc: "slope of log10 L in log10 N", grid: [-0.2, -0.05] },
    { name: "b", doc: "slope of log10 L in log10 Ê", grid: [-0.2, -0.05] },
    { name: "c", doc: "interaction of log10 N and log10 Ê", grid: [0, 0.02] },
    { name: "d", doc: "intercept of log10 L", grid: [0.5, 1.5] },
    {
      name: "Estart",
      doc: "value of Ê for a dense model (E = 1); below Emax",
      grid: [1.5, 3],
      scale: "log",
    },
    {
      name: "Emax",
      doc: "the value Ê approaches as the expert count grows (ceiling of Ê); above Estart",
      grid: [100, 1000],
      scale: "log",
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
