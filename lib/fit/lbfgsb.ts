/**
 * L-BFGS with box bounds (an active-set "L-BFGS-B"), for smooth objectives with an exact
 * gradient.
 *
 * Each iteration: variables on a bound whose gradient points out of the box are held (active);
 * the L-BFGS two-loop recursion (memory m = 10, restricted to the free variables) gives a
 * descent direction; the step is limited so the iterate stays feasible (a variable reaching its
 * bound is set exactly on it); a line search satisfying the strong Wolfe conditions (c1 = 1e-3,
 * c2 = 0.9, the constants of scipy's L-BFGS-B) with safeguarded cubic interpolation picks the
 * step, accepting the step limit when sufficient decrease holds there. Without bounds this is
 * plain L-BFGS, the same method scipy's L-BFGS-B runs on unconstrained problems.
 *
 * Stopping rules: projected-gradient ∞-norm ≤ `gtol`; or relative reduction
 * (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, ε·|f_0|) ≤ `ftol` (ε = 2.2e-16, f_0 the objective at
 * the start); or `maxIterations`. The reduction test is relative to the objective's own scale:
 * scipy's L-BFGS-B divides by max(|f_k|, |f_{k+1}|, 1), which for objectives far below 1 (a
 * summed loss of a good fit is often 1e-3 to 1e-20) turns it into an absolute threshold that
 * stops on slow progress long before a stationary point. The floor ε·|f_0| keeps the test
 * defined when the objective falls to zero (an exact fit); such runs usually end on `gtol`
 * first. The result's `stop` says which rule ended a converged run, so callers can check a
 * `"ftol"` stop for stationarity (the fitter does, see `run_starts.ts`). A line search that
 * fails clears the memory and retries along the steepest descent; a second failure ends the run
 * with status `"line-search-failed"`. A non-finite objective at a trial point is treated as "step
 * too long"; at the start point it ends the run with status `"non-finite"`.
 *
 * All work buffers are allocated once per {@link LbfgsbSolver}; `minimize` allocates nothing in
 * its loop.
 *
 * @module
 */

/** Objective and gradient: return f(x) and write ∇f(x) into `g`. */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => number;

/** Options of {@link lbfgsb} and {@link LbfgsbSolver.minimize}. */
export interface LbfgsbOptions {
  /** Lower bounds (may contain -Infinity). @default no bounds */
  lower?: ArrayLike<number>;
  /** Upper bounds (may contain +Infinity). @default no bounds */
  upper?: ArrayLike<number>;
  /** @default 1000 */
  maxIterations?: number;
  /**
   * Relative reduction tolerance: stop when (f_k − f_{k+1}) ≤ ftol · max(|f_k|, |f_{k+1}|,
   * ε·|f_0|) (scipy's factr · eps, but relative to the objective's scale; see the module doc).
   * @default 1e-12
   */
  ftol?: number;
  /** Projected-gradient ∞-norm tolerance. @default 1e-10 */
  gtol?: number;
  /** Maximum objective evaluations per line search. @default 20 */
  maxLineSearch?: number;
}

/** How a run ended. */
export type LbfgsbStatus = "converged" | "max-iterations" | "line-search-failed" | "non-finite";

/**
 * The rule that ended a run: `"gtol"` (small projected gradient), `"ftol"` (small relative
 * reduction: slow progress, not necessarily a stationary point), `"rounding"` (no decrease
 * possible and the gradient is at rounding level), `"no-descent"` (no descent direction within
 * the bounds), `"xtol"` (Levenberg–Marquardt only: a step below xtol), or the status for runs
 * that did not converge.
 */
export type LbfgsbStop =
  | "gtol"
  | "ftol"
  | "xtol"
  | "rounding"
  | "no-descent"
  | "max-iterations"
  | "line-search-failed"
  | "non-finite";

/** Outcome of one minimisation. */
export interface LbfgsbResult {
  /** Final point (for {@link LbfgsbSolver.minimize}, the same array that was passed in). */
  x: Float64Array;
  /** Objective at `x`. */
  f: number;
  status: LbfgsbStatus;
  /** Which stopping rule ended the run. */
  stop: LbfgsbStop;
  /** Plain-sentence description of the status. */
  message: string;
  /** Iterations (accepted steps). */
  iterations: number;
  /** Objective-and-gradient evaluations. */
  evaluations: number;
}

/** Projected-gradient size (relative to max(1, |f|)) treated as rounding noise. */
const ROUNDING_GRADIENT = 1e-8;
/** Retries of a failed steepest-descent line search, each from a step this much shorter. */
const SHORT_STEP_RETRIES = 4;
const SHORT_STEP_FACTOR = 1e-4;
const C1 = 1e-3;
const C2 = 0.9;
const EPS = 2.220446049250313e-16;
const BIG_STEP = 1e10;

function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number) {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * A reusable L-BFGS-B solver for problems of a fixed dimension. Reuse one instance across many
 * starts to avoid allocation.
 *
 * @example Minimise a bounded quadratic
 * ```ts
 * import assert from "node:assert/strict";
 * import { LbfgsbSolver } from "./lbfgsb.ts";
 * const solver = new LbfgsbSolver(2);
 * // f = (x - 3)² + (y + 1)², with x ≤ 2
 * const fg = (x: Float64Array, g: Float64Array) => {
 *   g[0] = 2 * (x[0] - 3);
 *   g[1] = 2 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + (x[1] + 1) ** 2;
 * };
 * const r = solver.minimize(fg, Float64Array.of(0, 0), { upper: [2, Infinity] });
 * assert.equal(r.status, "converged");
 * assert.equal(r.x[0], 2);
 * assert.ok(Math.abs(r.x[1] + 1) < 1e-8);
 * ```
 */
export class LbfgsbSolver {
  /** Dimension. */
  readonly n: number;
  /** Memory (number of correction pairs). */
  readonly m: number;
  readonly #s: Float64Array;
  readonly #y: Float64Array;
  readonly #rho: Float64Array;
  readonly #alpha: Float64Array;
  readonly #g: Float64Array;
  readonly #d: Float64Array;
  readonly #xt: Float64Array;
  readonly #gt: Float64Array;
  readonly #gLo: Float64Array;
  readonly #free: Uint8Array;
  readonly #lower: Float64Array;
  readonly #upper: Float64Array;
  // Line-search output.
  #ft = 0;
  #evals = 0;

  /**
   * @param n Number of variables.
   * @param m Memory. @default 10
   */
  constructor(n: number, m = 10) {
    this.n = n;
    this.m = m;
    this.#s = new Float64Array(m * n);
    this.#y = new Float64Array(m * n);
    this.#rho = new Float64Array(m);
    this.#alpha = new Float64Array(m);
    this.#g = new Float64Array(n);
    this.#d = new Float64Array(n);
    this.#xt = new Float64Array(n);
    this.#gt = new Float64Array(n);
    this.#gLo = new Float64Array(n);
    this.#free = new Uint8Array(n);
    this.#lower = new Float64Array(n);
    this.#upper = new Float64Array(n);
  }

  /**
   * Minimise `fg` from `x` (overwritten with the result).
   *
   * @param fg Objective and gradient.
   * @param x Start point (projected into the bounds), overwritten with the final point.
   * @param options Bounds and tolerances.
   * @returns The outcome; `x` is the same array as the argument.
   */
  minimize(fg: ValueAndGradient, x: Float64Array, options: LbfgsbOptions = {}): LbfgsbResult {
    const n = this.n, m = this.m;
    if (x.length !== n) {
      throw new RangeError(`Cannot minimise: x has ${x.length} values; expected ${n}`);
    }
    const maxIterations = options.maxIterations ?? 1000;
    const ftol = options.ftol ?? 1e-12;
    const gtol = options.gtol ?? 1e-10;
    const maxLs = options.maxLineSearch ?? 20;
    const lo = this.#lower, hi = this.#upper;
    for (let i = 0; i < n; i++) {
      lo[i] = options.lower ? options.lower[i] : -Infinity;
      hi[i] = options.upper ? options.upper[i] : Infinity;
      if (!(lo[i] <= hi[i])) {
        throw new RangeError(
          `Cannot minimise: bounds of variable ${i} are [${lo[i]}, ${
            hi[i]
          }]; expected lower ≤ upper`,
        );
      }
      if (x[i] < lo[i]) x[i] = lo[i];
      else if (x[i] > hi[i]) x[i] = hi[i];
    }
    const g = this.#g, d = this.#d, xt = this.#xt, gt = this.#gt, free = this.#free;
    const S = this.#s, Y = this.#y, rho = this.#rho, al = this.#alpha;
    this.#evals = 0;
    let f = fg(x, g);
    this.#evals++;
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
      evaluations: this.#evals,
    });
    if (!Number.isFinite(f)) return done("non-finite", "objective is not finite at the start", 0);
    const fFloor = EPS * Math.abs(f);
    let stored = 0; // number of pairs in memory
    let head = 0; // slot of the next pair
    let iter = 0;
    for (;;) {
      // Projected gradient and the free set.
      let pgNorm = 0;
      for (let i = 0; i < n; i++) {
        // |P(x − g) − x| without forming x − g, which rounds to x when |g| ≪ |x|.
        const pg = g[i] > 0 ? Math.min(g[i], x[i] - lo[i]) : Math.min(-g[i], hi[i] - x[i]);
        if (pg > pgNorm) pgNorm = pg;
        free[i] = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0) ? 0 : 1;
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
      // Direction: two-loop recursion on the free subspace; drop variables that the
      // direction would push out of the box at once, and recompute.
      let used = 0;
      let tMax = BIG_STEP;
      let limiting = -1;
      for (let pass = 0; pass <= n; pass++) {
        used = 0;
        for (let i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
        let gamma = 1;
        let newest = true;
        for (let c = 0; c < stored; c++) {
          const slot = (head - 1 - c + m) % m;
          const off = slot * n;
          let sy = 0, yy = 0, sq = 0;
          for (let i = 0; i < n; i++) {
            if (!free[i]) continue;
            sy += S[off + i] * Y[off + i];
            yy += Y[off + i] * Y[off + i];
            sq += S[off + i] * d[i];
          }
          if (!(sy > EPS * yy)) {
            rho[slot] = 0;
            continue;
          }
          rho[slot] = 1 / sy;
          if (newest) {
            gamma = sy / yy;
            newest = false;
          }
          const a = rho[slot] * sq;
          al[slot] = a;
          for (let i = 0; i < n; i++) if (free[i]) d[i] -= a * Y[off + i];
          used++;
        }
        for (let i = 0; i < n; i++) d[i] *= gamma;
        for (let c = stored - 1; c >= 0; c--) {
          const slot = (head - 1 - c + m) % m;
          if (rho[slot] === 0) continue;
          const off = slot * n;
          let yr = 0;
          for (let i = 0; i < n; i++) if (free[i]) yr += Y[off + i] * d[i];
          const b = al[slot] - rho[slot] * yr;
          for (let i = 0; i < n; i++) if (free[i]) d[i] += b * S[off + i];
        }
        // d now holds +H g (restricted); flip to a descent direction.
        let dg = 0;
        for (let i = 0; i < n; i++) {
          d[i] = free[i] ? -d[i] : 0;
          dg += d[i] * g[i];
        }
        if (!(dg < 0)) {
          // Not a descent direction (rounding): fall back to steepest descent.
          stored = 0;
          used = 0;
          for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
        }
        tMax = BIG_STEP;
        limiting = -1;
        let blocked = false;
        for (let i = 0; i < n; i++) {
          if (!free[i] || d[i] === 0) continue;
          const room = d[i] < 0 ? (lo[i] - x[i]) / d[i] : (hi[i] - x[i]) / d[i];
          if (room <= 0) {
            free[i] = 0;
            blocked = true;
          } else if (room < tMax) {
            tMax = room;
            limiting = i;
          }
        }
        if (!blocked) break;
      }
      let dNorm = 0, dg0 = 0;
      for (let i = 0; i < n; i++) {
        dNorm += d[i] * d[i];
        dg0 += d[i] * g[i];
      }
      dNorm = Math.sqrt(dNorm);
      if (!(dg0 < 0)) {
        return done(
          "converged",
          "no descent direction remains within the bounds",
          iter,
          "no-descent",
        );
      }
      let t0 = used === 0 ? Math.min(1 / dNorm, tMax) : Math.min(1, tMax);
      let t = this.#lineSearch(fg, x, f, dg0, t0, tMax, limiting, maxLs);
      // Along the steepest descent the first trial step 1/|d| can be many orders of magnitude too
      // long on stiff problems (near an optimum of a badly scaled law), and one search shrinks
      // the step by at most ~10x per trial. Retry from much shorter steps before giving up.
      for (let retry = 0; t <= 0 && used === 0 && retry < SHORT_STEP_RETRIES; retry++) {
        t0 *= SHORT_STEP_FACTOR;
        t = this.#lineSearch(fg, x, f, dg0, t0, tMax, limiting, maxLs);
      }
      if (t <= 0) {
        if (stored > 0) {
          stored = 0;
          continue;
        }
        // No decrease is possible along the steepest descent. When the gradient is at the level
        // of rounding error, this is an optimum within floating-point resolution (a start placed
        // at the optimum, or an exact zero-residual fit), not a failure.
        if (pgNorm <= ROUNDING_GRADIENT * Math.max(1, Math.abs(f))) {
          return done(
            "converged",
            `no further decrease is possible: the projected gradient ${
              pgNorm.toExponential(2)
            } is at rounding level`,
            iter,
            "rounding",
          );
        }
        return done(
          "line-search-failed",
          "the line search found no sufficient decrease along the steepest descent",
          iter,
        );
      }
      // Accept: store the correction pair, move.
      const off = head * n;
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        const si = xt[i] - x[i], yi = gt[i] - g[i];
        S[off + i] = si;
        Y[off + i] = yi;
        sy += si * yi;
        yy += yi * yi;
        x[i] = xt[i];
        g[i] = gt[i];
      }
      if (sy > EPS * yy) {
        head = (head + 1) % m;
        if (stored < m) stored++;
      }
      const fOld = f;
      f = this.#ft;
      iter++;
      const scale = Math.max(Math.abs(fOld), Math.abs(f), fFloor);
      if (fOld - f <= ftol * scale) {
        return done("converged", "relative reduction of the objective ≤ ftol", iter, "ftol");
      }
    }
  }

  /** Write x + t·d (kept in the box; the limiting variable lands on its bound) into xt. */
  #trial(x: Float64Array, t: number, tMax: number, limiting: number): void {
    const d = this.#d, xt = this.#xt, lo = this.#lower, hi = this.#upper;
    for (let i = 0; i < this.n; i++) {
      let v = x[i] + t * d[i];
      if (v < lo[i]) v = lo[i];
      else if (v > hi[i]) v = hi[i];
      xt[i] = v;
    }
    if (limiting >= 0 && t >= tMax) xt[limiting] = d[limiting] < 0 ? lo[limiting] : hi[limiting];
  }

  /**
   * Strong-Wolfe line search along d from x. On success returns the step t > 0 and leaves the
   * point, objective and gradient in #xt, #ft, #gt; returns 0 on failure.
   */
  #lineSearch(
    fg: ValueAndGradient,
    x: Float64Array,
    f0: number,
    dg0: number,
    t0: number,
    tMax: number,
    limiting: number,
    maxLs: number,
  ): number {
    const n = this.n, d = this.#d, gt = this.#gt, gLo = this.#gLo;
    let tLo = 0, fLo = f0, dLo = dg0;
    let tHi = 0, fHi = 0, dHi = 0;
    let bracketed = false;
    let t = t0;
    for (let ls = 0; ls < maxLs; ls++) {
      this.#trial(x, t, tMax, limiting);
      const ft = fg(this.#xt, gt);
      this.#evals++;
      let dt = 0;
      for (let i = 0; i < n; i++) dt += gt[i] * d[i];
      if (!Number.isFinite(ft) || ft > f0 + C1 * t * dg0 || (ls > 0 && ft >= fLo)) {
        tHi = t;
        fHi = Number.isFinite(ft) ? ft : Infinity;
        dHi = dt;
        bracketed = true;
      } else {
        if (Math.abs(dt) <= -C2 * dg0) {
          this.#ft = ft;
          return t;
        }
        if (bracketed ? dt * (tHi - t) >= 0 : dt >= 0) {
          tHi = tLo;
          fHi = fLo;
          dHi = dLo;
          bracketed = true;
        }
        tLo = t;
        fLo = ft;
        dLo = dt;
        gLo.set(gt);
        if (!bracketed && t >= tMax) {
          // Sufficient decrease at the step limit: take it.
          this.#ft = ft;
          return t;
        }
      }
      if (bracketed) {
        const a = Math.min(tLo, tHi), b = Math.max(tLo, tHi);
        if (b - a <= 1e-15 * b) break;
        let next = Number.isFinite(fHi) ? cubicMinimizer(tLo, fLo, dLo, tHi, fHi, dHi) : NaN;
        const margin = 0.1 * (b - a);
        if (!(next >= a + margin && next <= b - margin)) {
          next = Number.isFinite(fHi) ? 0.5 * (a + b) : tLo + 0.1 * (tHi - tLo);
        }
        t = next;
      } else {
        t = Math.min(tMax, 4 * t);
      }
    }
    if (tLo > 0) {
      // Out of evaluations: the best point found satisfies sufficient decrease.
      this.#trial(x, tLo, tMax, limiting);
      gt.set(gLo);
      this.#ft = fLo;
      return tLo;
    }
    return 0;
  }
}

/**
 * Minimise a smooth function with box bounds by L-BFGS-B (see the module doc).
 *
 * @param fg Objective and gradient: returns f(x) and writes ∇f(x) into g.
 * @param x0 Start point (not modified).
 * @param options Bounds, tolerances, memory (`m`, default 10).
 * @returns Final point, objective, status and counts. Never throws for a failed run.
 *
 * @example The Rosenbrock function
 * ```ts
 * import assert from "node:assert/strict";
 * import { lbfgsb } from "./lbfgsb.ts";
 * const r = lbfgsb((x, g) => {
 *   const a = 1 - x[0], b = x[1] - x[0] * x[0];
 *   g[0] = -2 * a - 400 * x[0] * b;
 *   g[1] = 200 * b;
 *   return a * a + 100 * b * b;
 * }, [-1.2, 1]);
 * assert.equal(r.status, "converged");
 * assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6);
 * ```
 */
export function lbfgsb(
  fg: ValueAndGradient,
  x0: ArrayLike<number>,
  options: LbfgsbOptions & { m?: number } = {},
): LbfgsbResult {
  const solver = new LbfgsbSolver(x0.length, options.m ?? 10);
  return solver.minimize(fg, Float64Array.from(x0), options);
}
