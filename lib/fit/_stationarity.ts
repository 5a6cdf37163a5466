/**
 * Is an end point of the local optimiser a stationary point, or did it stop on slow progress?
 *
 * L-BFGS-B stops when one step reduces the objective by less than `ftol` relative to it. On a
 * badly scaled problem (a user law with A ≈ 500 next to alpha ≈ 0.3, all on a linear scale) the
 * quasi-Newton model is poor, steps are tiny, and that test can fire far from the optimum, while
 * the L-BFGS model itself also predicts almost no further decrease. The check here uses the
 * structure of the fitting objective instead: the Gauss–Newton model of the robust loss
 * (iteratively reweighted least squares, IRLS) predicts how much a Newton-like step would still
 * decrease the objective,
 *
 *     Δ = ½ gᵀ H⁻¹ g,   g = Σ w ψ(r) ∂r/∂θ,   H = Σ w u(r) (∂r/∂θ)(∂r/∂θ)ᵀ,
 *
 * with IRLS weights u = 1 (squared), min(1, δ/|r|) (Huber; the quadratic majoriser of the
 * loss), 1/|r| (absolute). For least squares, Δ·n/f is the squared Mahalanobis length of the
 * remaining step in units of the parameters' standard errors (σ² ≈ 2f/n), so
 * Δ ≤ {@link STATIONARY_DECREMENT}·f/n means "the fit is within 1% of a standard error of a
 * stationary point". On an exact fit f → 0, so f is floored at {@link objectiveZero} (the
 * objective when every residual is at 1e-10 relative, far below any data's precision).
 *
 * @module
 */

import type { Objective } from "./objective.ts";
import { lossDerivative, lossValue } from "./objective.ts";
import { cholesky, choleskySolve } from "./_linalg.ts";

/** Largest Δ·n / max(f, f₀) of a stationary point: the step is ≤ 0.01 standard errors. */
export const STATIONARY_DECREMENT = 1e-4;
/** Residual size (relative) below which a fit is exact to working precision. */
const RESIDUAL_ZERO = 1e-10;

/**
 * The objective's numerical zero: Σ w ρ(ε_i) with ε_i = 1e-10 in log space, 1e-10·|y_i| in
 * linear space.
 */
export function objectiveZero(obj: Objective): number {
  let yMax = 0;
  for (let i = 0; i < obj.n; i++) yMax = Math.max(yMax, Math.abs(obj.y[i]));
  let sum = 0;
  for (let i = 0; i < obj.n; i++) {
    const e = obj.space === "log"
      ? RESIDUAL_ZERO
      : RESIDUAL_ZERO * (obj.y[i] !== 0 ? Math.abs(obj.y[i]) : yMax);
    sum += obj.w[i] * lossValue(obj.loss, e, obj.delta);
  }
  return sum;
}

/**
 * Checks end points of a local optimiser against the Gauss–Newton (IRLS) model of an objective.
 * Reuses its buffers: one instance per thread.
 */
export class StationarityCheck {
  readonly #obj: Objective;
  readonly #r: Float64Array;
  readonly #jac: Float64Array;
  readonly #h: Float64Array;
  readonly #g: Float64Array;
  readonly #free: Int32Array;
  readonly #zero: number;
  readonly #n: number;

  /** @param obj The objective whose end points are checked. */
  constructor(obj: Objective) {
    const n = obj.n, k = obj.nFree;
    this.#obj = obj;
    this.#r = new Float64Array(n);
    this.#jac = new Float64Array(n * k);
    this.#h = new Float64Array(k * k);
    this.#g = new Float64Array(k);
    this.#free = new Int32Array(k);
    this.#zero = objectiveZero(obj);
    let positive = 0;
    for (let i = 0; i < n; i++) if (obj.w[i] > 0) positive++;
    this.#n = Math.max(positive, 1);
  }

  /**
   * The decrease Δ that the Gauss–Newton (IRLS) model still predicts at θ, over the free
   * parameters not held on a bound (Infinity when residuals are not finite).
   */
  decrement(theta: Float64Array): number {
    const obj = this.#obj, r = this.#r, jac = this.#jac, h = this.#h, g = this.#g;
    const n = obj.n, k = obj.nFree;
    if (!obj.residualJacobian(theta, r, jac)) return Infinity;
    g.fill(0);
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const w = obj.w[i];
      if (w === 0) continue;
      const ri = r[i], ar = Math.abs(ri);
      const u = obj.loss === "squared"
        ? 1
        : obj.loss === "huber"
        ? (ar <= obj.delta ? 1 : obj.delta / ar)
        : 1 / Math.max(ar, RESIDUAL_ZERO);
      const psi = lossDerivative(obj.loss, ri, obj.delta);
      const row = i * k;
      for (let a = 0; a < k; a++) {
        const ja = jac[row + a];
        g[a] += w * psi * ja;
        for (let b = 0; b <= a; b++) h[a * k + b] += w * u * ja * jac[row + b];
      }
    }
    // Variables on a bound that the gradient pushes outwards are held.
    const free = this.#free;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const held = (theta[j] <= obj.lower[j] && g[j] > 0) ||
        (theta[j] >= obj.upper[j] && g[j] < 0);
      if (!held) free[m++] = j;
    }
    if (m === 0) return 0;
    // Jacobi-scaled system (unit diagonal) with a tiny ridge, so an exactly flat direction
    // (a term that vanished) neither breaks the factorisation nor counts as a decrease.
    const sys = new Float64Array(m * m), rhs = new Float64Array(m), scale = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      const d = h[free[a] * k + free[a]];
      scale[a] = d > 0 ? 1 / Math.sqrt(d) : 0;
    }
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        const p = Math.max(free[a], free[b]), q = Math.min(free[a], free[b]);
        sys[a * m + b] = h[p * k + q] * scale[a] * scale[b];
      }
      sys[a * m + a] = 1 + 1e-10;
      rhs[a] = g[free[a]] * scale[a];
      if (scale[a] === 0 && g[free[a]] !== 0) return Infinity; // slope without curvature
    }
    if (!cholesky(sys, m)) return Infinity;
    const sol = rhs.slice();
    choleskySolve(sys, m, sol);
    let dec = 0;
    for (let a = 0; a < m; a++) dec += 0.5 * rhs[a] * sol[a];
    return dec;
  }

  /**
   * True when θ, with objective f, is stationary to the fit's precision:
   * Δ · n ≤ {@link STATIONARY_DECREMENT} · max(f, objectiveZero).
   */
  isStationary(theta: Float64Array, f: number): boolean {
    const dec = this.decrement(theta);
    return dec * this.#n <= STATIONARY_DECREMENT * Math.max(f, this.#zero);
  }
}
