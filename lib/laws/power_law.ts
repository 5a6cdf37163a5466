/**
 * A saturating power law in one input: L(N), L(D) or L(C).
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function predict(x: Columns, p: Float64Array, out: Float64Array): void {
  const xs = x[0];
  const e = p[0], a = p[1], alpha = p[2];
  for (let i = 0; i < out.length; i++) out[i] = e + a * Math.pow(xs[i], -alpha);
}

function jacobian(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array): void {
  const xs = x[0];
  const e = p[0], a = p[1], alpha = p[2];
  for (let i = 0, r = 0; i < out.length; i++, r += 3) {
    const pw = Math.pow(xs[i], -alpha);
    const t = a * pw;
    out[i] = e + t;
    jac[r] = 1;
    jac[r + 1] = pw;
    jac[r + 2] = t === 0 ? 0 : -t * Math.log(xs[i]);
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const xs = x[0];
  const alpha = p[2];
  const one = out[0], pw = out[1];
  for (let i = 0; i < one.length; i++) {
    one[i] = 1;
    pw[i] = Math.pow(xs[i], -alpha);
  }
}

/**
 * Saturating power law in one input `x`:
 *
 *     y = E + A · x^-alpha
 *
 * The single input `x` is any positive scale variable: model parameters N (Kaplan's L(N)),
 * tokens D (L(D)) or training compute C in FLOPs (L(C)); output: loss or any metric that
 * decreases towards E.
 *
 * Parameters, in this order: `E` (asymptote), `A` (amplitude), `alpha` (exponent). `E` and `A`
 * are positive and optimised in log space (`scale: "log"`); no bounds. Default start grid
 * (Hoffmann-style, 5 × 6 × 5 = 150 points): log E in {-1, -0.5, 0, 0.5, 1}, log A in
 * {0, 5, ..., 25}, alpha in {0, 0.5, 1, 1.5, 2}. Linear in E and A (basis 1, x^-alpha).
 * The form is the one-variable reduction of Kaplan et al. 2020 (arXiv:2001.08361) with an
 * irreducible term, as used e.g. by Gadre et al. 2024 (arXiv:2403.08540) for a·x^b + c.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerLaw } from "./power_law.ts";
 * import { evaluateLaw } from "./types.ts";
 * const y = evaluateLaw(powerLaw, { x: 1e6 }, { E: 2, A: 100, alpha: 0.5 });
 * assert.ok(Math.abs(y - 2.1) < 1e-12);
 * ```
 */
export const powerLaw: Law = {
  name: "power-law",
  formula: "y = E + A*x^-alpha",
  doc: "Saturating power law in one input x (N, D or C); output: loss or metric",
  paper: "Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361",
  inputs: [{ name: "x", doc: "scale variable: parameters N, tokens D or compute C (FLOPs)" }],
  params: [
    {
      name: "E",
      doc: "asymptote (output units); start grid log E in {-1, -0.5, 0, 0.5, 1}",
      grid: [-1, -0.5, 0, 0.5, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "amplitude; start grid log A in {0, 5, ..., 25}",
      grid: [0, 5, 10, 15, 20, 25].map(Math.exp),
      scale: "log",
    },
    { name: "alpha", doc: "exponent of x", grid: [0, 0.5, 1, 1.5, 2] },
  ],
  predict,
  jacobian,
  linearStructure: { linear: [0, 1], basis },
};
