/**
 * Levenberg–Marquardt for bounded nonlinear least squares: minimise ½ Σ r_i(x)² with
 * lower ≤ x ≤ upper.
 *
 * Each iteration solves (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr on the free variables (variables on a bound
 * whose gradient points out of the box are held), projects x + δ into the box, and accepts the
 * step when the cost decreases; λ follows Nielsen's update (shrink by max(1/3, 1 − (2ρ − 1)³)
 * on success, grow by a doubling factor on failure). Stopping rules as in {@link lbfgsb}: projected
 * gradient ∞-norm ≤ `gtol`, relative reduction (f_k − f_{k+1}) ≤ `ftol`·max(|f_k|, |f_{k+1}|,
 * ε·|f_0|) on an accepted step (relative to the cost's own scale, see `lbfgsb.ts`), a step
 * shorter than `xtol`·(‖x‖ + `xtol`), or `maxIterations`; the result's `stop` names the rule.
 *
 * @module
 */

import { cholesky, choleskySolve } from "./_linalg.ts";
import type { LbfgsbResult, LbfgsbStatus, LbfgsbStop } from "./lbfgsb.ts";

/**
 * Residuals and Jacobian: write r(x) (length m) into `r` and, when `jac` is given, ∂r_i/∂x_j
 * into `jac[i * n + j]`. Return false when a value is not finite.
 */
export type ResidualsAndJacobian = (x: Float64Array, r: Float64Array, jac: Float64Array) => boolean;

/** Options of {@link levenbergMarquardt}. */
export interface LmOptions {
  /** Lower bounds. @default no bounds */
  lower?: ArrayLike<number>;
  /** Upper bounds. @default no bounds */
  upper?: ArrayLike<number>;
  /** @default 1000 */
  maxIterations?: number;
  /** @default 1e-12 */
  ftol?: number;
  /** @default 1e-10 */
  gtol?: number;
  /** @default 1e-15 */
  xtol?: number;
}

/**
 * Minimise ½‖r(x)‖² by Levenberg–Marquardt with box bounds (see the module doc).
 *
 * @param fun Residuals and Jacobian.
 * @param x0 Start point (not modified; projected into the bounds).
 * @param m Number of residuals.
 * @param options Bounds and tolerances.
 * @returns Final point, cost ½‖r‖² as `f`, status, counts (same shape as L-BFGS-B's result).
 *
 * @example Fit y = a·exp(b·t) to exact data
 * ```ts
 * import assert from "node:assert/strict";
 * import { levenbergMarquardt } from "./lm.ts";
 * const t = [0, 1, 2, 3], y = t.map((v) => 2 * Math.exp(-0.5 * v));
 * const r = levenbergMarquardt((x, res, jac) => {
 *   for (let i = 0; i < 4; i++) {
 *     const e = Math.exp(x[1] * t[i]);
 *     res[i] = y[i] - x[0] * e;
 *     jac[i * 2] = -e;
 *     jac[i * 2 + 1] = -x[0] * t[i] * e;
 *   }
 *   return true;
 * }, [1, 0], 4);
 * assert.equal(r.status, "converged");
 * assert.ok(Math.abs(r.x[0] - 2) < 1e-9 && Math.abs(r.x[1] + 0.5) < 1e-9);
 * ```
 */
export function levenbergMarquardt(
  fun: ResidualsAndJacobian,
  x0: ArrayLike<number>,
  m: number,
  options: LmOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 1000;
  const ftol = options.ftol ?? 1e-12;
  const gtol = options.gtol ?? 1e-10;
  const xtol = options.xtol ?? 1e-15;
  const lo = Float64Array.from({ length: n }, (_, i) => options.lower?.[i] ?? -Infinity);
  const hi = Float64Array.from({ length: n }, (_, i) => options.upper?.[i] ?? Infinity);
  const x = Float64Array.from(x0, (v, i) => Math.min(hi[i], Math.max(lo[i], v)));
  let r = new Float64Array(m), jac = new Float64Array(m * n);
  let rt = new Float64Array(m), jt = new Float64Array(m * n);
  const xt = new Float64Array(n), a = new Float64Array(n * n), g = new Float64Array(n);
  const sys = new Float64Array(n * n), step = new Float64Array(n);
  const idx = new Int32Array(n);
  let evaluations = 1;
  const cost = (res: Float64Array) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += res[i] * res[i];
    return Number.isFinite(s) ? 0.5 * s : Infinity;
  };
  const ok0 = fun(x, r, jac);
  let f = ok0 ? cost(r) : Infinity;
  const done = (
    status: LbfgsbStatus,
    message: string,
    iterations: number,
    stop: LbfgsbStop = status as LbfgsbStop,
  ): LbfgsbResult => ({
    x,
    f,
    status,
    stop,
    message,
    iterations,
    evaluations,
  });
  if (!Number.isFinite(f)) return done("non-finite", "residuals are not finite at the start", 0);
  const fFloor = 2.220446049250313e-16 * f;
  let lambda = -1, nu = 2;
  let iter = 0;
  let fresh = true; // a and g must be recomputed
  for (;;) {
    if (fresh) {
      a.fill(0);
      g.fill(0);
      for (let i = 0; i < m; i++) {
        const row = i * n;
        for (let p = 0; p < n; p++) {
          const jp = jac[row + p];
          g[p] += jp * r[i];
          for (let q = 0; q <= p; q++) a[p * n + q] += jp * jac[row + q];
        }
      }
      for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[q * n + p] = a[p * n + q];
      fresh = false;
      if (lambda < 0) {
        let maxDiag = 0;
        for (let p = 0; p < n; p++) maxDiag = Math.max(maxDiag, a[p * n + p]);
        lambda = 1e-3;
        if (maxDiag === 0) return done("converged", "the Jacobian is zero", 0, "gtol");
      }
    }
    let pgNorm = 0, nf = 0;
    for (let p = 0; p < n; p++) {
      const v = Math.min(hi[p], Math.max(lo[p], x[p] - g[p]));
      pgNorm = Math.max(pgNorm, Math.abs(v - x[p]));
      if (!((x[p] <= lo[p] && g[p] > 0) || (x[p] >= hi[p] && g[p] < 0))) idx[nf++] = p;
    }
    if (pgNorm <= gtol) {
      return done(
        "converged",
        `projected gradient ${pgNorm.toExponential(2)} ≤ gtol`,
        iter,
        "gtol",
      );
    }
    if (iter >= maxIterations) {
      return done("max-iterations", `reached maxIterations (${maxIterations})`, iter);
    }
    // Damped normal equations on the free variables; a variable on a bound that the step
    // would push outwards is held, and the system solved again.
    let singular = false;
    for (let pass = 0; pass <= n; pass++) {
      for (let u = 0; u < nf; u++) {
        for (let v = 0; v < nf; v++) sys[u * nf + v] = a[idx[u] * n + idx[v]];
        const dgl = a[idx[u] * n + idx[u]];
        sys[u * nf + u] += lambda * Math.max(dgl, 1e-300);
        step[u] = -g[idx[u]];
      }
      if (!cholesky(sys, nf)) {
        singular = true;
        break;
      }
      choleskySolve(sys, nf, step);
      let kept = 0;
      for (let u = 0; u < nf; u++) {
        const p = idx[u];
        const out = (x[p] <= lo[p] && step[u] < 0) || (x[p] >= hi[p] && step[u] > 0);
        if (!out) idx[kept++] = p;
      }
      if (kept === nf) break;
      nf = kept;
    }
    if (singular) {
      lambda *= nu;
      nu *= 2;
      if (lambda > 1e300) return done("line-search-failed", "the damped system is singular", iter);
      continue;
    }
    xt.set(x);
    let clipped = false;
    for (let u = 0; u < nf; u++) {
      const p = idx[u];
      const v = x[p] + step[u];
      xt[p] = Math.min(hi[p], Math.max(lo[p], v));
      if (xt[p] !== v) clipped = true;
    }
    // Predicted reduction of the model for the projected step.
    let pred = 0, stepNorm = 0, xNorm = 0;
    for (let p = 0; p < n; p++) {
      const dp = xt[p] - x[p];
      stepNorm += dp * dp;
      xNorm += x[p] * x[p];
      let ad = 0;
      for (let q = 0; q < n; q++) ad += a[p * n + q] * (xt[q] - x[q]);
      pred -= g[p] * dp + 0.5 * dp * ad;
    }
    stepNorm = Math.sqrt(stepNorm);
    if (!clipped && stepNorm <= xtol * (Math.sqrt(xNorm) + xtol)) {
      return done("converged", "the step is below xtol", iter, "xtol");
    }
    const okT = fun(xt, rt, jt);
    evaluations++;
    const ft = okT ? cost(rt) : Infinity;
    if (ft < f) {
      const rho = pred > 0 ? (f - ft) / pred : 1;
      lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
      nu = 2;
      const fOld = f;
      x.set(xt);
      [r, rt] = [rt, r];
      [jac, jt] = [jt, jac];
      f = ft;
      fresh = true;
      iter++;
      if (!clipped && fOld - f <= ftol * Math.max(fOld, f, fFloor)) {
        return done("converged", "relative reduction of the objective ≤ ftol", iter, "ftol");
      }
    } else {
      lambda *= nu;
      nu *= 2;
      if (lambda > 1e300) {
        return done("line-search-failed", "no damping gives a lower objective", iter);
      }
    }
  }
}
