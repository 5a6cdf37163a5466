/**
 * The Kaplan et al. (2020) joint law in model size and data, with and without an irreducible
 * loss term.
 *
 * @module
 */

import type { Columns, Law, ParamSpec } from "./types.ts";

const PAPER = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361 " +
  "(eq. 1.5); E term and start grid as in Brandfonbrener et al. 2024, arXiv:2411.12925";

const INPUTS = [
  { name: "N", doc: "model parameters (count; Kaplan counts non-embedding parameters)" },
  { name: "D", doc: "training tokens (count)" },
] as const;

/** Kempner's start grid for log A = log Nc and log B = log Dc. */
const LOG_SCALE_GRID = [5, 10, 15, 20];

function kaplanParams(): ParamSpec[] {
  return [
    {
      name: "Nc",
      doc: "critical model size (parameters); Kempner's A; start grid log Nc in {5, 10, 15, 20}",
      grid: LOG_SCALE_GRID.map(Math.exp),
      min: 0,
      scale: "log",
    },
    {
      name: "Dc",
      doc: "critical data size (tokens); Kempner's B; start grid log Dc in {5, 10, 15, 20}",
      grid: LOG_SCALE_GRID.map(Math.exp),
      min: 0,
      scale: "log",
    },
    { name: "alphaN", doc: "exponent of N (Kempner's alpha)", grid: [0.4], min: 0 },
    { name: "alphaD", doc: "exponent of D (Kempner's beta)", grid: [0.4], min: 0 },
  ];
}

/**
 * Shared kernel. `offset` is the index of the first Kaplan parameter (0 without E, 1 with E);
 * when `jac` is given, fills the Jacobian too.
 */
function evaluate(
  x: Columns,
  p: Float64Array,
  offset: number,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const n = x[0], d = x[1];
  const e = offset === 1 ? p[0] : 0;
  const nc = p[offset], dc = p[offset + 1], alphaN = p[offset + 2], alphaD = p[offset + 3];
  const ratio = alphaN / alphaD;
  const logNc = Math.log(nc);
  const k = p.length;
  for (let i = 0; i < out.length; i++) {
    const logRatioN = logNc - Math.log(n[i]);
    const u = Math.exp(ratio * logRatioN); // (Nc/N)^(alphaN/alphaD)
    const v = dc / d[i];
    const s = u + v;
    const sPow = Math.pow(s, alphaD);
    out[i] = e + sPow;
    if (jac === null) continue;
    const r = i * k;
    const sPowM1 = sPow / s; // s^(alphaD - 1)
    if (offset === 1) jac[r] = 1;
    jac[r + offset] = alphaD * sPowM1 * ratio * u / nc;
    jac[r + offset + 1] = alphaD * sPowM1 / d[i];
    jac[r + offset + 2] = sPowM1 * u * logRatioN;
    jac[r + offset + 3] = sPow * Math.log(s) - sPowM1 * u * logRatioN * ratio;
  }
}

/**
 * Kaplan et al. 2020 (arXiv:2001.08361, eq. 1.5) joint law:
 *
 *     L(N, D) = ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD
 *
 * Inputs: `N` model parameters (count), `D` training tokens (count); output: loss.
 * Parameters, in this order: `Nc` (parameters), `Dc` (tokens), `alphaN`, `alphaD`. Kaplan's own
 * fit is alphaN = 0.076, alphaD = 0.103, Nc = 6.4e13, Dc = 1.8e13.
 *
 * Mapping to the loss-to-loss parametrisation of Brandfonbrener et al. 2024 (Kempner Institute),
 * L = ((A/N)^(alpha/beta) + B/D)^beta + E: A = Nc, B = Dc, alpha = alphaN, beta = alphaD
 * ({@link kaplanE} adds their E).
 *
 * `Nc`, `Dc` are optimised in log space (`scale: "log"`); all parameters have lower bound 0.
 * Default start grid (Kempner's, 16 points): log Nc, log Dc in {5, 10, 15, 20},
 * alphaN = alphaD = 0.4.
 *
 * @example Kaplan's published fit at N = 1e9, D = 2e10
 * ```ts
 * import assert from "node:assert/strict";
 * import { kaplan } from "./kaplan.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(kaplan, { N: 1e9, D: 2e10 }, {
 *   Nc: 6.4e13, Dc: 1.8e13, alphaN: 0.076, alphaD: 0.103,
 * });
 * const direct = ((6.4e13 / 1e9) ** (0.076 / 0.103) + 1.8e13 / 2e10) ** 0.103;
 * assert.ok(Math.abs(loss - direct) < 1e-12);
 * ```
 */
export const kaplan: Law = {
  name: "kaplan",
  formula: "L = ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD",
  doc: "Kaplan joint loss law in model parameters N and training tokens D; output: loss",
  paper: PAPER,
  inputs: INPUTS,
  params: kaplanParams(),
  predict(x, p, out) {
    evaluate(x, p, 0, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, 0, out, jac);
  },
};

/**
 * {@link kaplan} plus an irreducible loss E, as fitted by Brandfonbrener et al. 2024
 * (arXiv:2411.12925):
 *
 *     L(N, D) = E + ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD
 *
 * Parameters, in this order: `E`, `Nc`, `Dc`, `alphaN`, `alphaD`. `E` is optimised in log space
 * with start grid {exp(0.5)} (Kempner's), the rest as in {@link kaplan} (16 grid points).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kaplanE } from "./kaplan.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(kaplanE, { N: 1e8, D: 1e9 }, {
 *   E: 1.5, Nc: 1e6, Dc: 1e7, alphaN: 0.3, alphaD: 0.5,
 * });
 * assert.ok(Math.abs(loss - (1.5 + ((1e6 / 1e8) ** 0.6 + 1e7 / 1e9) ** 0.5)) < 1e-12);
 * ```
 */
export const kaplanE: Law = {
  name: "kaplan-e",
  formula: "L = E + ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD",
  doc: "Kaplan joint loss law plus an irreducible loss E; output: loss",
  paper: PAPER,
  inputs: INPUTS,
  params: [
    {
      name: "E",
      doc: "irreducible loss (loss units); start grid {exp(0.5)}",
      grid: [Math.exp(0.5)],
      min: 0,
      scale: "log",
    },
    ...kaplanParams(),
  ],
  predict(x, p, out) {
    evaluate(x, p, 1, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, 1, out, jac);
  },
};
