/**
 * Standard errors and covariance of fitted parameters.
 *
 * Let J be the Jacobian of the residuals with respect to the free parameters in optimiser
 * space, W the weights, r the residuals, n points and k free parameters (parameters on a bound
 * are left out, as if fixed), and H = JᵀWJ the Gauss–Newton Hessian.
 * - `"squared"` loss: cov = σ² H⁻¹ with σ² = Σ w r² / (n − k) (the classical least-squares
 *   covariance, as in scipy's `curve_fit` and lmfit).
 * - `"huber"` loss: Huber's (1981) asymptotic covariance of a regression M-estimator (the "H1"
 *   form of statsmodels' RLM): cov = K² · [Σ w ψ(r)² / (n − k)] / m² · H⁻¹, where
 *   m = Σ w ψ'(r) / Σ w is the share of (weighted) residuals inside ±δ,
 *   K = 1 + (k/n)·Var(ψ')/m². When no residual is inside ±δ (m = 0) it falls back to the
 *   least-squares formula, with a warning.
 * - `"absolute"` loss: the least-squares formula at the fitted point, with a warning (the L1
 *   estimator's covariance needs a density estimate that we do not make).
 *
 * The covariance is mapped to natural space by the delta method (multiplying rows and columns
 * of `"log"` parameters by their value). With fewer points than free parameters, or a singular
 * Hessian, standard errors are left undefined, with a warning.
 *
 * @module
 */

import type { Objective } from "./objective.ts";
import { lossDerivative } from "./objective.ts";
import { inverseSpd, symmetricEigenvalues } from "./_linalg.ts";

/** Covariance of a subset of the free parameters. */
export interface CovarianceResult {
  /** Free indices (optimiser order) included, i.e. those not on a bound. */
  included: number[];
  /** Natural-space covariance (row-major, included × included), when defined. */
  covariance?: Float64Array;
  /** Condition number of the Gauss–Newton Hessian JᵀWJ (optimiser space). */
  conditionNumber?: number;
  /** Problems met, as sentences. */
  warnings: string[];
}

/**
 * Covariance of the free parameters at θ (see the module doc for the method).
 *
 * @param obj The objective.
 * @param theta Optimum, optimiser space.
 * @param included Free indices to include (those not on a bound).
 * @returns Covariance, condition number and warnings.
 *
 * @example Least squares on a straight line y = c · x (log space: log y = log c + log x)
 * ```ts
 * import assert from "node:assert/strict";
 * import { parameterCovariance } from "./covariance.ts";
 * import { buildObjective } from "./objective.ts";
 * import { getLaw } from "../laws/registry.ts";
 * const law = getLaw("c * x", { inputs: ["x"] });
 * const x = Float64Array.of(1, 2, 3, 4), y = Float64Array.of(1.1, 1.9, 3.2, 3.9);
 * const obj = buildObjective(law, { inputs: { x }, y }, {
 *   loss: "squared", space: "linear", params: { c: { scale: "linear" } },
 * });
 * const c = [1.1, 1.9 * 2, 3.2 * 3, 3.9 * 4].reduce((a, b) => a + b) / 30;
 * const cov = parameterCovariance(obj, Float64Array.of(c), [0]);
 * const rss = [1.1, 1.9, 3.2, 3.9].reduce((s, v, i) => s + (v - c * (i + 1)) ** 2, 0);
 * assert.ok(Math.abs(cov.covariance![0] - rss / 3 / 30) < 1e-15);
 * ```
 */
export function parameterCovariance(
  obj: Objective,
  theta: Float64Array,
  included: number[],
): CovarianceResult {
  const warnings: string[] = [];
  const n = obj.n, k = obj.nFree, m = included.length;
  if (m === 0) return { included, warnings };
  const r = new Float64Array(n), jac = new Float64Array(n * k);
  if (!obj.residualJacobian(theta, r, jac)) {
    warnings.push("Standard errors are undefined: residuals are not finite at the optimum.");
    return { included, warnings };
  }
  const h = new Float64Array(m * m);
  let wSum = 0, rss = 0, psi2 = 0, dpsi = 0, dpsi2 = 0;
  for (let i = 0; i < n; i++) {
    const w = obj.w[i];
    wSum += w;
    rss += w * r[i] * r[i];
    const ps = lossDerivative("huber", r[i], obj.delta);
    psi2 += w * ps * ps;
    const d = Math.abs(r[i]) <= obj.delta ? 1 : 0;
    dpsi += w * d;
    dpsi2 += w * d * d;
    for (let a = 0; a < m; a++) {
      const ja = jac[i * k + included[a]];
      for (let b = 0; b <= a; b++) h[a * m + b] += w * ja * jac[i * k + included[b]];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) h[b * m + a] = h[a * m + b];
  const ev = symmetricEigenvalues(h, m);
  const conditionNumber = ev[0] > 0 ? ev[m - 1] / ev[0] : Infinity;
  if (n <= m) {
    warnings.push(
      `Standard errors are undefined: ${n} points for ${m} free parameters; expected more points than parameters.`,
    );
    return { included, conditionNumber, warnings };
  }
  const inv = inverseSpd(h, m);
  if (!inv) {
    warnings.push(
      "Standard errors are undefined: the Hessian is singular (some parameters are not identified by the data).",
    );
    return { included, conditionNumber, warnings };
  }
  let scale = rss / (n - m);
  if (obj.loss === "huber") {
    const share = dpsi / wSum;
    if (share > 0) {
      const variance = dpsi2 / wSum - share * share;
      const kk = 1 + (m / n) * (variance / (share * share));
      scale = (kk * kk * (psi2 / (n - m))) / (share * share);
    } else {
      warnings.push(
        "Standard errors use the least-squares formula: no residual lies within the Huber delta, so Huber's covariance is undefined.",
      );
    }
  } else if (obj.loss === "absolute") {
    warnings.push(
      "Standard errors use the least-squares formula at the absolute-loss optimum (an approximation).",
    );
  }
  const cov = new Float64Array(m * m);
  const p = obj.toNatural(theta, new Float64Array(obj.params.length));
  const jd = included.map((j) => (obj.logScale[j] ? p[obj.free[j]] : 1));
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) cov[a * m + b] = scale * inv[a * m + b] * jd[a] * jd[b];
  }
  return { included, covariance: cov, conditionNumber, warnings };
}
