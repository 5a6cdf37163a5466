/**
 * The densing law of Xiao et al. (2024): the maximum capacity density of LLMs grows
 * exponentially with release date (in the paper, doubling about every 95 days).
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
 * Densing law of Xiao et al. 2024 ("Densing Law of LLMs", arXiv:2412.04315), Eq. 5:
 *
 *     ln rho_max(t) = A · t + B
 *
 * Capacity density rho of a model (Eq. 1; "capability density" in the paper's body) is its
 * effective parameter size divided by its actual parameter count. The effective size comes from
 * a two-step fit against small reference models: a loss law in parameters and tokens (Eq. 2),
 * then a sigmoid from loss to benchmark performance (Eq. 3), inverted (Eq. 4) to give the
 * parameters a reference model trained on 1T tokens would need for the same performance. So rho
 * depends on the benchmarks and reference models chosen. rho_max(t) is the maximum density at
 * time t, from a linear fit to the envelope of the paper's density plot; we read it as the
 * largest density among models released by date t (our interpretation). The log is natural.
 *
 * The paper measures t in days since the Llama-1 release (February 2023). Its Eq. 5 fit (29
 * open base models) gives A ≈ 0.0073 per day, a doubling time ln 2 / A ≈ 95 days; the
 * highlights round this to A ≈ 0.007 per day, doubling about every 3.3 months. B is not
 * reported. The journal version reports doubling about every 3.5 months.
 *
 * Checked against the paper: the full text of arXiv v2 (6 Dec 2024), extracted from the PDF,
 * was read, including Sec. 2 (Eqs. 1-4) and Sec. 3.3 (Eq. 5 and its fit). Of the journal
 * version (Nature Machine Intelligence, 2025) only the abstract was seen, quoted on third-party
 * pages; its 3.5 months comes from there.
 *
 * Input: `t` release date as a number, in a unit of your choice. The paper's unit is days since
 * the Llama-1 release, in which its A ≈ 0.0073. Months also work (e.g. months since
 * 2023-01-01): A is then per month, 0.0073 per day ≈ 0.22 per month (30.44 days per month),
 * and the doubling time is ln 2 / A months. Output: ln rho_max, the natural log of the maximum
 * capacity density (dimensionless).
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
 * @example The paper's A of 0.0073 per day: density doubles in about 95 days
 * ```ts
 * import assert from "node:assert/strict";
 * import { densing } from "./densing.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { A: 0.0073, B: -1 }; // t in days since the Llama-1 release; B is not published
 * const lnRho = (t: number) => evaluateLaw(densing, { t }, p);
 * const doubling = Math.LN2 / p.A;
 * assert.ok(Math.abs(doubling - 95) < 0.5);
 * assert.ok(Math.abs(Math.exp(lnRho(doubling + 365)) / Math.exp(lnRho(365)) - 2) < 1e-12);
 * ```
 */
export const densing: Law = {
  name: "densing",
  checked: "The paper's text (arXiv v2, Eqs. 1-5; A = 0.0073 per day).",
  formula: "ln(rho_max) = A*t + B",
  doc: "Log of maximum capacity density against release date t (the paper: days since the " +
    "Llama-1 release; months also work); output: ln rho_max",
  paper: "Xiao et al. 2024, Densing Law of LLMs, arXiv:2412.04315",
  inputs: [{
    name: "t",
    doc: "release date (the paper: days since the Llama-1 release; months also work)",
  }],
  params: [
    {
      name: "A",
      doc: "growth rate of ln rho_max per unit of t (paper: ≈ 0.0073 per day)",
      grid: [0, 0.1, 0.3],
    },
    { name: "B", doc: "ln rho_max at t = 0 (not reported in the paper)", grid: [-1, 0, 1] },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis },
};
