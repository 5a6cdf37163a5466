/**
 * Compute-optimal allocation of a training budget C between parameters N and tokens D, by
 * Hoffmann et al.'s three approaches (arXiv:2203.15556):
 *
 * - Approach 3, {@link optimalAllocation} and {@link computeForLoss}: the closed form of a
 *   fitted Chinchilla law L = E + A/N^alpha + B/D^beta under C = 6·N·D.
 * - Approach 2, {@link isoflopAnalysis}: per compute budget, the minimum of a parabola (or an
 *   Akima interpolant, as Porian et al. do) of loss against log N, then power laws N*(C) and
 *   D*(C) by log-log regression with t-based intervals.
 * - Approach 1, {@link lowerEnvelope}: the lower envelope of loss against compute over runs,
 *   then power laws N_opt(C) and D_opt(C).
 *
 * All logarithms are natural. Compute is in FLOPs, D = C / (6 N).
 *
 * @module
 */

import { rng, substream } from "../util/rng.ts";
import { percentileSorted } from "../util/percentile.ts";

// ---------------------------------------------------------------------------------------------
// Approach 3: closed form
// ---------------------------------------------------------------------------------------------

/** Parameters of a Chinchilla law L(N, D) = E + A/N^alpha + B/D^beta. */
export interface ChinchillaParams {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

/** Compute-optimal allocation at one budget. */
export interface AllocationPoint {
  /** Training compute C (FLOPs). */
  compute: number;
  /** Optimal parameters N_opt(C). */
  params: number;
  /** Optimal tokens D_opt(C). */
  tokens: number;
  /** D_opt / N_opt. */
  tokensPerParam: number;
  /** Loss of the law at (N_opt, D_opt). */
  loss: number;
}

/** Compute-optimal allocation at many budgets (columns parallel to `compute`). */
export interface AllocationColumns {
  compute: Float64Array;
  params: Float64Array;
  tokens: Float64Array;
  tokensPerParam: Float64Array;
  loss: Float64Array;
}

/** Exponents and constant of the closed form: N_opt = G·(C/6)^a, D_opt = G^-1·(C/6)^b. */
export interface AllocationExponents {
  G: number;
  /** beta / (alpha + beta). */
  a: number;
  /** alpha / (alpha + beta). */
  b: number;
}

function checkParams(p: ChinchillaParams, action: string): void {
  for (const name of ["A", "B", "alpha", "beta"] as const) {
    const v = p[name];
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot ${action}: parameter ${name} is ${v}; expected a finite positive number`,
      );
    }
  }
  if (!Number.isFinite(p.E)) {
    throw new RangeError(`Cannot ${action}: parameter E is ${p.E}; expected a finite number`);
  }
}

/**
 * Constant and exponents of the Approach 3 closed form (methods.md 1.1):
 * G = (alpha·A / (beta·B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta).
 *
 * @throws {RangeError} when A, B, alpha or beta is not a finite positive number.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocationExponents } from "./allocation.ts";
 * const { a, b } = allocationExponents({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 });
 * assert.ok(Math.abs(a - 0.28 / 0.62) < 1e-12 && Math.abs(a + b - 1) < 1e-12);
 * ```
 */
export function allocationExponents(params: ChinchillaParams): AllocationExponents {
  checkParams(params, "compute the allocation exponents");
  const { A, B, alpha, beta } = params;
  const s = alpha + beta;
  return { G: Math.pow((alpha * A) / (beta * B), 1 / s), a: beta / s, b: alpha / s };
}

/**
 * Compute-optimal N and D of a Chinchilla law at budget(s) C, with C = 6·N·D (Approach 3,
 * Hoffmann et al. 2022 eq. 4; methods.md 1.1): N_opt = G·(C/6)^a, D_opt = G^-1·(C/6)^b.
 *
 * @param params Fitted law parameters.
 * @param compute One budget (returns an {@link AllocationPoint}) or many (returns columns).
 * @throws {RangeError} when a parameter is invalid or a budget is not a finite positive number.
 * @example Epoch's refit at Chinchilla's compute
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalAllocation } from "./allocation.ts";
 * const epoch = { E: 1.81724, A: 477.84, B: 2143.86, alpha: 0.34731, beta: 0.36718 };
 * const at = optimalAllocation(epoch, 5.88e23);
 * assert.ok(Math.abs(at.tokensPerParam - 17.91) < 0.01);
 * assert.ok(Math.abs(6 * at.params * at.tokens / 5.88e23 - 1) < 1e-12);
 * ```
 */
export function optimalAllocation(params: ChinchillaParams, compute: number): AllocationPoint;
export function optimalAllocation(
  params: ChinchillaParams,
  compute: Float64Array,
): AllocationColumns;
export function optimalAllocation(
  params: ChinchillaParams,
  compute: number | Float64Array,
): AllocationPoint | AllocationColumns {
  const { G, a, b } = allocationExponents(params);
  const { E, A, B, alpha, beta } = params;
  const one = (c: number): [number, number, number] => {
    if (!(c > 0) || !Number.isFinite(c)) {
      throw new RangeError(
        `Cannot compute the optimal allocation: compute is ${c}; expected a finite positive number`,
      );
    }
    const n = G * Math.pow(c / 6, a);
    const d = Math.pow(c / 6, b) / G;
    return [n, d, E + A * Math.pow(n, -alpha) + B * Math.pow(d, -beta)];
  };
  if (typeof compute === "number") {
    const [n, d, loss] = one(compute);
    return { compute, params: n, tokens: d, tokensPerParam: d / n, loss };
  }
  const m = compute.length;
  const out: AllocationColumns = {
    compute: Float64Array.from(compute),
    params: new Float64Array(m),
    tokens: new Float64Array(m),
    tokensPerParam: new Float64Array(m),
    loss: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const [n, d, loss] = one(compute[i]);
    out.params[i] = n;
    out.tokens[i] = d;
    out.tokensPerParam[i] = d / n;
    out.loss[i] = loss;
  }
  return out;
}

/**
 * Compute C needed to reach a target loss when N and D are allocated optimally: the inverse of
 * `optimalAllocation(params, C).loss`. Along the optimum the reducible loss is
 * L − E = K·(C/6)^(−alpha·beta/(alpha+beta)) with K = A·G^−alpha + B·G^beta, so
 * C = 6·((L − E)/K)^(−(alpha+beta)/(alpha·beta)).
 *
 * @param params Fitted law parameters.
 * @param loss Target loss; a target at or below E is never reached and gives `Infinity`.
 * @throws {RangeError} when a parameter is invalid or the loss is not a finite number.
 * @example Round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeForLoss, optimalAllocation } from "./allocation.ts";
 * const p = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
 * const { loss } = optimalAllocation(p, 1e22);
 * assert.ok(Math.abs(computeForLoss(p, loss) / 1e22 - 1) < 1e-9);
 * assert.equal(computeForLoss(p, 1.6), Infinity);
 * ```
 */
export function computeForLoss(params: ChinchillaParams, loss: number): number {
  const { G } = allocationExponents(params);
  if (!Number.isFinite(loss)) {
    throw new RangeError(
      `Cannot compute the compute for a loss: loss is ${loss}; expected a finite number`,
    );
  }
  const { E, A, B, alpha, beta } = params;
  if (loss <= E) return Infinity;
  const k = A * Math.pow(G, -alpha) + B * Math.pow(G, beta);
  return 6 * Math.pow((loss - E) / k, -(alpha + beta) / (alpha * beta));
}

// ---------------------------------------------------------------------------------------------
// Power-law regression with t intervals
// ---------------------------------------------------------------------------------------------

/** A power law y = k·C^exponent fitted by least squares on log y = log k + exponent·log C. */
export interface PowerLawFit {
  /** Multiplier k. */
  k: number;
  exponent: number;
  /** Standard error of the exponent (NaN with fewer than 3 points). */
  stderr: number;
  /** t-based interval of the exponent at `level` ([NaN, NaN] with fewer than 3 points). */
  interval: [number, number];
  /** Percentile interval of the exponent from the bootstrap over budgets, when requested. */
  bootstrapInterval?: [number, number];
  level: number;
  /** R² of the log-log regression. */
  r2: number;
  /** Number of points regressed. */
  n: number;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularised incomplete beta I_x(a, b) by Lentz's continued fraction. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  ) / a;
  const tiny = 1e-300;
  let f = 1, c = 1, d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = i >> 1;
    let num: number;
    if (i === 0) num = 1;
    else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-15) break;
  }
  return front * (f - 1);
}

/** Quantile of Student's t distribution with `df` degrees of freedom, for p in (0.5, 1). */
function studentTQuantile(p: number, df: number): number {
  // P(T <= t) = 1 - I_{df/(df+t²)}(df/2, 1/2) / 2 for t > 0; solve by bisection.
  const upper = (t: number) => 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  const target = 1 - p;
  let lo = 0, hi = 1;
  while (upper(hi) > target && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (upper(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Ordinary least squares of log y on log x. */
function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): {
  slope: number;
  intercept: number;
  stderr: number;
  r2: number;
} {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += Math.log(x[i]);
    my += Math.log(y[i]);
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.log(x[i]) - mx, v = Math.log(y[i]) - my;
    sxx += u * u;
    sxy += u * v;
    syy += v * v;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const stderr = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : NaN;
  return { slope, intercept, stderr, r2: syy > 0 ? 1 - sse / syy : 1 };
}

/**
 * Fit y = k·x^exponent by least squares in log-log space, with a t-based interval on the
 * exponent.
 *
 * @param x Positive abscissae (compute).
 * @param y Positive values (N* or D*).
 * @param level Interval level. @default 0.95
 * @returns The fit, or `null` with fewer than 2 distinct x.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitPowerLaw } from "./allocation.ts";
 * const fit = fitPowerLaw([1e18, 1e19, 1e20], [2e8, 2e8 * 10 ** 0.5, 2e9])!;
 * assert.ok(Math.abs(fit.exponent - 0.5) < 1e-12 && Math.abs(fit.k / 2e-1 - 1) < 1e-9);
 * ```
 */
export function fitPowerLaw(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  level = 0.95,
): PowerLawFit | null {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot fit a power law: level is ${level}; expected a number in (0, 1)`);
  }
  const n = x.length;
  if (n < 2 || Math.min(...Array.from(x)) === Math.max(...Array.from(x))) return null;
  const { slope, intercept, stderr, r2 } = logLogSlope(x, y);
  let interval: [number, number] = [NaN, NaN];
  if (n > 2) {
    const t = studentTQuantile(0.5 + level / 2, n - 2);
    interval = [slope - t * stderr, slope + t * stderr];
  }
  return { k: Math.exp(intercept), exponent: slope, stderr, interval, level, r2, n };
}

/** Bootstrap over points of the log-log slope: percentile interval. */
function bootstrapSlope(
  x: Float64Array,
  y: Float64Array,
  resamples: number,
  seed: number,
  level: number,
): [number, number] {
  const n = x.length;
  const slopes: number[] = [];
  const bx = new Float64Array(n), by = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    const g = rng(substream(seed, r));
    for (let i = 0; i < n; i++) {
      const j = g.int(n);
      bx[i] = x[j];
      by[i] = y[j];
    }
    let distinct = false;
    for (let i = 1; i < n && !distinct; i++) distinct = bx[i] !== bx[0];
    if (distinct) slopes.push(logLogSlope(bx, by).slope);
  }
  const s = Float64Array.from(slopes).sort();
  return [percentileSorted(s, (1 - level) / 2), percentileSorted(s, (1 + level) / 2)];
}

// ---------------------------------------------------------------------------------------------
// Approach 2: IsoFLOP profiles
// ---------------------------------------------------------------------------------------------

/** One training run's final point on an IsoFLOP profile. */
export interface IsoflopPoint {
  /** Training compute C (FLOPs). */
  C: number;
  /** Parameters N. */
  N: number;
  /** Loss (or any metric to minimise). */
  loss: number;
}

/** A budget whose minimum was found. */
export interface IsoflopBudgetOk {
  /** Budget compute: the geometric mean of the C of its points. */
  budget: number;
  status: "ok";
  /** Number of distinct model sizes at this budget. */
  n: number;
  /** N at the minimum. */
  N: number;
  /** D = budget / (6 N) at the minimum. */
  D: number;
  /** Loss at the minimum of the fitted profile. */
  loss: number;
  /** Parabola coefficients [c0, c1, c2] of loss = c0 + c1·ln N + c2·ln² N (parabola method). */
  coefficients?: [number, number, number];
}

/** A budget refused by a guard: it does not enter the power-law fits. */
export interface IsoflopBudgetRefused {
  budget: number;
  status: "too-few-points" | "no-interior-minimum" | "not-convex";
  n: number;
  /** Why, in a plain sentence. */
  message: string;
}

/** Outcome for one budget. */
export type IsoflopBudgetResult = IsoflopBudgetOk | IsoflopBudgetRefused;

/** Options of {@link isoflopAnalysis}. */
export interface IsoflopOptions {
  /**
   * Profile model: a least-squares parabola in ln N (Hoffmann's Approach 2) or an Akima
   * interpolant evaluated on a fine geometric grid of (k−1)·25 points (Porian et al.).
   * @default "parabola"
   */
  method?: "parabola" | "akima";
  /** Fit ln(loss) instead of loss (Porian et al. interpolate log loss). @default false */
  logLoss?: boolean;
  /**
   * Points whose compute lies within this relative distance of a budget's smallest C belong to
   * that budget (digitised or logged FLOPs are rarely exact). @default 0.2
   */
  tolerance?: number;
  /** Minimum number of distinct model sizes per budget (at least 3). @default 3 */
  minSizes?: number;
  /** Interval level of the exponents. @default 0.95 */
  level?: number;
  /** Resamples of a bootstrap over budgets (0: none). @default 0 */
  bootstrap?: number;
  /** Seed of the bootstrap over budgets. @default 0 */
  seed?: number;
}

/** Result of {@link isoflopAnalysis}. */
export interface IsoflopResult {
  /** One entry per budget, by increasing compute. */
  budgets: IsoflopBudgetResult[];
  /** N*(C) = k·C^a over the accepted budgets (`null` with fewer than 2). */
  params: PowerLawFit | null;
  /** D*(C) = k·C^b over the accepted budgets (`null` with fewer than 2). */
  tokens: PowerLawFit | null;
}

/** Least-squares parabola y = c0 + c1 x + c2 x² (x centred for conditioning). */
function parabola(x: Float64Array, y: Float64Array): [number, number, number] | undefined {
  const n = x.length;
  let mx = 0;
  for (let i = 0; i < n; i++) mx += x[i];
  mx /= n;
  let s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const u = x[i] - mx, v = y[i];
    s2 += u * u;
    s3 += u * u * u;
    s4 += u * u * u * u;
    t0 += v;
    t1 += u * v;
    t2 += u * u * v;
  }
  // Normal equations with s1 = 0: [[n, 0, s2], [0, s2, s3], [s2, s3, s4]] c = [t0, t1, t2].
  const m = [n, 0, s2, 0, s2, s3, s2, s3, s4];
  const det = (a: number[]) =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  if (!(Math.abs(d) > 1e-12 * n * s2 * s4)) return undefined;
  const b0 = det([t0, 0, s2, t1, s2, s3, t2, s3, s4]) / d;
  const b1 = det([n, t0, s2, 0, t1, s3, s2, t2, s4]) / d;
  const b2 = det([n, 0, t0, 0, s2, t1, s2, s3, t2]) / d;
  return [b0 - b1 * mx + b2 * mx * mx, b1 - 2 * b2 * mx, b2];
}

/**
 * Akima interpolant through (x, y) with x strictly increasing (Akima 1970, the end slopes
 * extrapolated as in scipy's Akima1DInterpolator). Returns an evaluator; outside [x0, xn] it
 * extends the end cubics.
 *
 * @throws {RangeError} with fewer than 2 points.
 * @example It passes through the nodes and reproduces a straight line
 * ```ts
 * import assert from "node:assert/strict";
 * import { akima } from "./allocation.ts";
 * const f = akima(Float64Array.of(0, 1, 2, 3), Float64Array.of(1, 3, 5, 7));
 * assert.equal(f(2), 5);
 * assert.ok(Math.abs(f(1.5) - 4) < 1e-12);
 * ```
 */
export function akima(x: Float64Array, y: Float64Array): (t: number) => number {
  const n = x.length;
  if (n < 2) throw new RangeError(`Cannot build an Akima interpolant: ${n} points; expected 2+`);
  const m = new Float64Array(n + 3); // m[i + 2] = slope of interval i, i in -2..n
  for (let i = 0; i < n - 1; i++) m[i + 2] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
  if (n === 2) {
    m[1] =
      m[0] =
      m[3] =
      m[4] =
        m[2];
  } else {
    m[1] = 2 * m[2] - m[3];
    m[0] = 3 * m[2] - 2 * m[3];
    m[n + 1] = 2 * m[n] - m[n - 1];
    m[n + 2] = 3 * m[n] - 2 * m[n - 1];
  }
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w1 = Math.abs(m[i + 3] - m[i + 2]), w2 = Math.abs(m[i + 1] - m[i]);
    t[i] = w1 + w2 > 1e-9 * (Math.abs(m[i + 2]) + Math.abs(m[i + 1]) + 1e-300)
      ? (w1 * m[i + 1] + w2 * m[i + 2]) / (w1 + w2)
      : 0.5 * (m[i + 1] + m[i + 2]);
  }
  return (v: number) => {
    let lo = 0, hi = n - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (x[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    const h = x[lo + 1] - x[lo], s = (v - x[lo]) / h;
    const h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
    const h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
    return h00 * y[lo] + h10 * h * t[lo] + h01 * y[lo + 1] + h11 * h * t[lo + 1];
  };
}

/** Group points into budgets of nearly equal compute. */
function groupBudgets(points: readonly IsoflopPoint[], tolerance: number): IsoflopPoint[][] {
  const sorted = points.slice().sort((p, q) => p.C - q.C);
  const groups: IsoflopPoint[][] = [];
  let start = NaN;
  for (const p of sorted) {
    if (!(p.C <= start * (1 + tolerance))) {
      groups.push([]);
      start = p.C;
    }
    groups[groups.length - 1].push(p);
  }
  return groups;
}

function checkIsoflopPoints(points: readonly IsoflopPoint[], action: string): void {
  points.forEach((p, i) => {
    for (const key of ["C", "N"] as const) {
      if (!(p[key] > 0) || !Number.isFinite(p[key])) {
        throw new RangeError(
          `Cannot ${action}: point ${i} has ${key} = ${p[key]}; expected a finite positive number`,
        );
      }
    }
    if (!Number.isFinite(p.loss)) {
      throw new RangeError(
        `Cannot ${action}: point ${i} has loss = ${p.loss}; expected a finite number`,
      );
    }
  });
}

function analyseBudget(
  group: IsoflopPoint[],
  method: "parabola" | "akima",
  logLoss: boolean,
  minSizes: number,
): IsoflopBudgetResult {
  let logBudget = 0;
  for (const p of group) logBudget += Math.log(p.C);
  const budget = Math.exp(logBudget / group.length);
  // Several runs with the same N at one budget: keep the lowest loss (as Porian et al. do).
  const byN = new Map<number, number>();
  for (const p of group) byN.set(p.N, Math.min(byN.get(p.N) ?? Infinity, p.loss));
  const sizes = [...byN.keys()].sort((a, b) => a - b);
  const n = sizes.length;
  if (n < minSizes) {
    return {
      budget,
      status: "too-few-points",
      n,
      message: `budget ${budget.toPrecision(3)} has ${n} model sizes; at least ${minSizes} needed`,
    };
  }
  const x = Float64Array.from(sizes, Math.log);
  const y = Float64Array.from(sizes, (s) => (logLoss ? Math.log(byN.get(s)!) : byN.get(s)!));
  const back = (v: number) => (logLoss ? Math.exp(v) : v);
  const edgeMessage = (where: string) =>
    `budget ${budget.toPrecision(3)}: the minimum ${where} the sampled sizes ` +
    `${sizes[0].toPrecision(3)}..${sizes[n - 1].toPrecision(3)}`;
  if (method === "parabola") {
    const c = parabola(x, y);
    if (c === undefined || !(c[2] > 0)) {
      return {
        budget,
        status: "not-convex",
        n,
        message: `budget ${budget.toPrecision(3)}: the parabola of loss against log N opens ` +
          `downwards or is flat; expected a valley`,
      };
    }
    const xs = -c[1] / (2 * c[2]);
    if (!(xs > x[0] && xs < x[n - 1])) {
      return {
        budget,
        status: "no-interior-minimum",
        n,
        message: edgeMessage(xs <= x[0] ? "lies below" : "lies above"),
      };
    }
    const N = Math.exp(xs);
    return {
      budget,
      status: "ok",
      n,
      N,
      D: budget / (6 * N),
      loss: back(c[0] + c[1] * xs + c[2] * xs * xs),
      coefficients: c,
    };
  }
  const f = akima(x, y);
  const m = (n - 1) * 25;
  let best = 0, bestValue = Infinity;
  for (let i = 0; i < m; i++) {
    const v = f(x[0] + ((x[n - 1] - x[0]) * i) / (m - 1));
    if (v < bestValue) {
      bestValue = v;
      best = i;
    }
  }
  if (best === 0 || best === m - 1) {
    return {
      budget,
      status: "no-interior-minimum",
      n,
      message: edgeMessage(best === 0 ? "is at the smallest of" : "is at the largest of"),
    };
  }
  const N = Math.exp(x[0] + ((x[n - 1] - x[0]) * best) / (m - 1));
  return { budget, status: "ok", n, N, D: budget / (6 * N), loss: back(bestValue) };
}

/**
 * IsoFLOP analysis (Hoffmann et al.'s Approach 2; Porian et al.'s Akima variant, methods.md
 * 1.6). Points are grouped into budgets of nearly equal compute; each budget's loss profile
 * against ln N is fitted by a parabola (or Akima interpolant) and its minimum gives N*(C) and
 * D*(C) = C/(6·N*). Budgets failing a guard are returned with a typed refusal instead of
 * throwing: fewer than `minSizes` sizes (`"too-few-points"`), a parabola opening downwards
 * (`"not-convex"`), or a minimum outside the sampled sizes / at the Akima grid's edge
 * (`"no-interior-minimum"`). Accepted budgets are regressed log-log into N* = k·C^a and
 * D* = k'·C^b with t-based intervals (and optionally a bootstrap over budgets).
 *
 * @param points Final (C, N, loss) of each run.
 * @param options See {@link IsoflopOptions}.
 * @throws {RangeError} when a point has non-positive C or N, a non-finite loss, or an option
 *   is out of range.
 * @example A parabola-shaped valley whose minimum moves as N* = 0.1·C^0.5
 * ```ts
 * import assert from "node:assert/strict";
 * import { isoflopAnalysis } from "./allocation.ts";
 * const points = [];
 * for (const C of [1e18, 1e19, 1e20]) {
 *   const best = Math.log(0.1 * Math.sqrt(C));
 *   for (const dx of [-1, -0.5, 0, 0.5, 1]) {
 *     points.push({ C, N: Math.exp(best + dx), loss: 3 + dx * dx });
 *   }
 * }
 * const { params, budgets } = isoflopAnalysis(points);
 * assert.equal(budgets.length, 3);
 * assert.ok(Math.abs(params!.exponent - 0.5) < 1e-9);
 * ```
 */
export function isoflopAnalysis(
  points: readonly IsoflopPoint[],
  options: IsoflopOptions = {},
): IsoflopResult {
  const {
    method = "parabola",
    logLoss = false,
    tolerance = 0.2,
    minSizes = 3,
    level = 0.95,
    bootstrap = 0,
    seed = 0,
  } = options;
  const action = "run the IsoFLOP analysis";
  if (method !== "parabola" && method !== "akima") {
    throw new RangeError(
      `Cannot ${action}: method is ${JSON.stringify(method)}; expected "parabola" or "akima"`,
    );
  }
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new RangeError(
      `Cannot ${action}: tolerance is ${tolerance}; expected a finite number >= 0`,
    );
  }
  if (!Number.isInteger(minSizes) || minSizes < 3) {
    throw new RangeError(`Cannot ${action}: minSizes is ${minSizes}; expected an integer >= 3`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot ${action}: level is ${level}; expected a number in (0, 1)`);
  }
  if (!Number.isInteger(bootstrap) || bootstrap < 0) {
    throw new RangeError(`Cannot ${action}: bootstrap is ${bootstrap}; expected an integer >= 0`);
  }
  checkIsoflopPoints(points, action);
  const budgets = groupBudgets(points, tolerance).map((g) =>
    analyseBudget(g, method, logLoss, minSizes)
  );
  const ok = budgets.filter((b): b is IsoflopBudgetOk => b.status === "ok");
  const c = Float64Array.from(ok, (b) => b.budget);
  const nOpt = Float64Array.from(ok, (b) => b.N);
  const dOpt = Float64Array.from(ok, (b) => b.D);
  const params = fitPowerLaw(c, nOpt, level);
  const tokens = fitPowerLaw(c, dOpt, level);
  if (bootstrap > 0 && params && tokens && ok.length > 2) {
    params.bootstrapInterval = bootstrapSlope(c, nOpt, bootstrap, seed, level);
    tokens.bootstrapInterval = bootstrapSlope(c, dOpt, bootstrap, seed, level);
  }
  return { budgets, params, tokens };
}

// ---------------------------------------------------------------------------------------------
// Approach 1: lower envelope
// ---------------------------------------------------------------------------------------------

/** One checkpoint of a training run. */
export interface EnvelopePoint {
  /** Run identifier: the checkpoints of one run share it. */
  run: string | number;
  /** Parameters N of the run. */
  N: number;
  /** Cumulative training compute C at this checkpoint (FLOPs). */
  C: number;
  loss: number;
}

/** Options of {@link lowerEnvelope}. */
export interface LowerEnvelopeOptions {
  /** Compute values at which to take the envelope. Default: a geometric grid over the data. */
  grid?: Float64Array;
  /** Number of points of the default grid. @default 200 */
  points?: number;
  /** Interval level of the exponents. @default 0.95 */
  level?: number;
}

/** The lower envelope at one compute value. */
export interface EnvelopeRow {
  compute: number;
  /** Lowest interpolated loss over the runs covering this compute. */
  loss: number;
  /** Run attaining it. */
  run: string | number;
  /** N of that run, and D = C/(6N). */
  N: number;
  D: number;
  /** Number of runs whose compute range covers this value. */
  runs: number;
  /**
   * True when the attaining run is the smallest or largest of the covering runs: the true
   * optimum may lie outside the sampled sizes, so the row is left out of the power-law fits.
   */
  edge: boolean;
}

/** Result of {@link lowerEnvelope}. */
export interface LowerEnvelopeResult {
  /** Envelope rows, by increasing compute (grid values covered by no run are omitted). */
  envelope: EnvelopeRow[];
  /** N_opt(C) = k·C^a over the non-edge rows (`null` with fewer than 2 distinct computes). */
  params: PowerLawFit | null;
  /** D_opt(C) = k·C^b over the non-edge rows. */
  tokens: PowerLawFit | null;
}

/**
 * Approach 1 of Hoffmann et al.: the lower envelope of loss against compute over training
 * runs. Each run's loss curve is interpolated linearly in (ln C, ln loss); at each compute value
 * of a grid, the envelope is the minimum over the runs covering it, and the attaining run gives
 * N_opt(C). Rows attained by the smallest or largest covering run are marked `edge` and left
 * out; the rest are regressed log-log into N_opt = k·C^a and D_opt = k'·C^b. Loss must be
 * positive (it is interpolated in log space).
 *
 * Note that the t interval treats grid rows as independent although neighbouring rows share a
 * run: it is optimistic, and the exponent is quantised by the spacing of the model sizes.
 *
 * @param points Checkpoints of all runs.
 * @param options See {@link LowerEnvelopeOptions}.
 * @throws {RangeError} when a point has non-positive N, C or loss.
 * @example Two runs: the small one wins at low compute, the large one later
 * ```ts
 * import assert from "node:assert/strict";
 * import { lowerEnvelope } from "./allocation.ts";
 * const points = [];
 * for (const [run, N] of [["s", 1e6], ["l", 1e7]] as const) {
 *   for (let D = 1e7; D <= 1e10; D *= 2) {
 *     points.push({ run, N, C: 6 * N * D, loss: 1.7 + 400 / N ** 0.34 + 400 / D ** 0.28 });
 *   }
 * }
 * const { envelope } = lowerEnvelope(points, { points: 20 });
 * assert.equal(envelope[0].run, "s");
 * assert.equal(envelope[envelope.length - 1].run, "l");
 * ```
 */
export function lowerEnvelope(
  points: readonly EnvelopePoint[],
  options: LowerEnvelopeOptions = {},
): LowerEnvelopeResult {
  const { points: gridPoints = 200, level = 0.95 } = options;
  const action = "compute the lower envelope";
  points.forEach((p, i) => {
    for (const key of ["N", "C", "loss"] as const) {
      if (!(p[key] > 0) || !Number.isFinite(p[key])) {
        throw new RangeError(
          `Cannot ${action}: point ${i} has ${key} = ${p[key]}; expected a finite positive number`,
        );
      }
    }
  });
  if (!Number.isInteger(gridPoints) || gridPoints < 2) {
    throw new RangeError(`Cannot ${action}: points is ${gridPoints}; expected an integer >= 2`);
  }
  // Runs: sorted (ln C, ln loss) curves.
  const byRun = new Map<string | number, EnvelopePoint[]>();
  for (const p of points) {
    const list = byRun.get(p.run);
    if (list) list.push(p);
    else byRun.set(p.run, [p]);
  }
  const runs = [...byRun.entries()].map(([id, list]) => {
    list.sort((p, q) => p.C - q.C);
    const n = list[0].N;
    if (list.some((p) => p.N !== n)) {
      throw new RangeError(
        `Cannot ${action}: run ${JSON.stringify(id)} has several values of N; expected one`,
      );
    }
    return {
      id,
      N: n,
      x: Float64Array.from(list, (p) => Math.log(p.C)),
      y: Float64Array.from(list, (p) => Math.log(p.loss)),
    };
  });
  let grid = options.grid;
  if (grid === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (const r of runs) {
      lo = Math.min(lo, r.x[0]);
      hi = Math.max(hi, r.x[r.x.length - 1]);
    }
    grid = new Float64Array(runs.length ? gridPoints : 0);
    for (let i = 0; i < grid.length; i++) {
      grid[i] = Math.exp(lo + ((hi - lo) * i) / (gridPoints - 1));
    }
  }
  const envelope: EnvelopeRow[] = [];
  for (const c of Float64Array.from(grid).sort()) {
    const lc = Math.log(c);
    let best = -1, bestLoss = Infinity, covering = 0;
    let minN = Infinity, maxN = -Infinity;
    for (let r = 0; r < runs.length; r++) {
      const { x, y, N } = runs[r];
      const m = x.length;
      // Tolerate rounding at the ends of the range (the default grid hits them exactly).
      const eps = 1e-12 * Math.max(1, Math.abs(lc));
      if (!(lc >= x[0] - eps && lc <= x[m - 1] + eps)) continue;
      let v: number;
      if (m === 1 || lc <= x[0]) v = y[0];
      else if (lc >= x[m - 1]) v = y[m - 1];
      else {
        let j = 0;
        while (x[j + 1] < lc) j++;
        v = y[j] + ((y[j + 1] - y[j]) * (lc - x[j])) / (x[j + 1] - x[j]);
      }
      covering++;
      minN = Math.min(minN, N);
      maxN = Math.max(maxN, N);
      if (v < bestLoss) {
        bestLoss = v;
        best = r;
      }
    }
    if (best < 0) continue;
    const N = runs[best].N;
    envelope.push({
      compute: c,
      loss: Math.exp(bestLoss),
      run: runs[best].id,
      N,
      D: c / (6 * N),
      runs: covering,
      edge: N === minN || N === maxN,
    });
  }
  const inner = envelope.filter((r) => !r.edge);
  const c = Float64Array.from(inner, (r) => r.compute);
  return {
    envelope,
    params: fitPowerLaw(c, Float64Array.from(inner, (r) => r.N), level),
    tokens: fitPowerLaw(c, Float64Array.from(inner, (r) => r.D), level),
  };
}
