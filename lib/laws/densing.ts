/**
 * The densing law of Xiao et al. (2024): the maximum capacity density of LLMs grows
 * exponentially with release date.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ts = x[0];
  const a = p[0], b = p[1];
  for (let i = 0; i < out.length; i++) {
    out[i] = a * ts[i] + b;
    if (jac === null) continue;
    jac[2 * i] = ts[i];
    jac[2 * i + 1] = 1;
  }
}

function basis(x: Columns, _p: Float64Array, out: Float64Array[]): void {
  const ts = x[0];
  const slope = out[0], one = out[1];
  for (let i = 0; i < slope.length; i++) {
    slope[i] = ts[i];
    one[i] = 1;
  }
}

/**
 * Densing law of Xiao et al. 2024 ("Densing Law of LLMs", arXiv:2412.04315):
 *
 *     ln rho_max(t) = A · t + B
 *
 * Capacity density rho of a model is its effective parameter count (the size of a reference
 * model with the same downstream performance) divided by its actual parameter count;
 * rho_max(t) is the largest density among models released by date t. The paper finds that
 * rho_max doubles about every 3.3 months (3.5 in the journal version), i.e. A ≈ ln 2 / 3.3
 * per month ≈ 0.21 per month.
 *
 * Input: `t` release date as a number, in a unit of your choice; the recommended one is months
 * since a reference date (e.g. months since 2023-01-01), so that A is per month and the
 * doubling time is ln 2 / A months. Output: ln rho_max, the natural log of the maximum capacity
 * density (dimensionless).
 *
 * Parameters, in this order: `A` (growth rate of ln rho_max per unit of t), `B` (ln rho_max at
 * t = 0). Both linear and unbounded; the law is linear in both (basis t, 1).
 *
 * The output ln rho_max can be zero or negative, so fit with residuals in linear space
 * (`space: "linear"`), which is ordinary least squares on ln rho_max, i.e. relative errors
 * on rho_max.
 *
 * Default start grid (3 × 3 = 9 points; the law is linear, so any start reaches the optimum):
 * A in {0, 0.1, 0.3}; B in {-1, 0, 1}.
 *
 * @example Doubling time of 3.3 months
 * ```ts
 * import assert from "node:assert/strict";
 * import { densing } from "./densing.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { A: Math.LN2 / 3.3, B: -1 };
 * const lnRho = (t: number) => evaluateLaw(densing, { t }, p);
 * assert.ok(Math.abs(Math.exp(lnRho(3.3 + 12)) / Math.exp(lnRho(12)) - 2) < 1e-12);
 * ```
 */
export const densing: Law = {
  name: "densing",
  formula: "ln(rho_max) = A*t + B",
  doc: "Log of maximum capacity density against release date t (e.g. months since a reference " +
    "date); output: ln rho_max",
  paper: "Xiao et al. 2024, Densing Law of LLMs, arXiv:2412.04315",
  inputs: [{ name: "t", doc: "release date (e.g. months since a reference date)" }],
  params: [
    { name: "A", doc: "growth rate of ln rho_max per unit of t", grid: [0, 0.1, 0.3] },
    { name: "B", doc: "ln rho_max at t = 0", grid: [-1, 0, 1] },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis },
};
