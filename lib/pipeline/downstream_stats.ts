/**
 * Statistics of the map step (steps_downstream.ts): percentile intervals, a target's check
 * against its actual value, coverage, fit quality (MSE, R²), fit summaries, and refits over
 * resampled runs for the run-level bootstrap.
 *
 * @module
 */

import type {
  CoverageSummary,
  DownstreamCheck,
  DownstreamFit,
  FitQuality,
} from "../report/downstream.ts";
import type { Interval } from "../report/types.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions, FitResult } from "../fit/types.ts";
import type { Law } from "../laws/types.ts";
import { rng, substream } from "../util/rng.ts";
import { percentileSorted as percentile } from "../util/percentile.ts";

/** Percentile interval of the finite draws at `level` (null with fewer than two). */
export function intervalOf(draws: ArrayLike<number>, level: number): Interval | null {
  const s = Float64Array.from(draws).filter(Number.isFinite).sort();
  if (s.length < 2) return null;
  return [percentile(s, (1 - level) / 2), percentile(s, (1 + level) / 2)];
}

/** Mean squared error and R² of predictions. */
export function fitQuality(actual: ArrayLike<number>, predicted: ArrayLike<number>): FitQuality {
  let n = 0, sse = 0, sum = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) continue;
    n++;
    sse += (predicted[i] - actual[i]) ** 2;
    sum += actual[i];
  }
  if (n === 0) return { n, mse: null, r2: null };
  const mean = sum / n;
  let sst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) sst += (actual[i] - mean) ** 2;
  }
  return { n, mse: sse / n, r2: n >= 3 && sst > 0 ? 1 - sse / sst : null };
}

/** A target's prediction against its actual value, with both intervals. */
export function check(
  actual: number | null,
  predicted: number,
  interval: Interval | null,
  predictionInterval: Interval | null,
  fraction: boolean,
): DownstreamCheck {
  const has = actual !== null && Number.isFinite(actual);
  const e = has && Number.isFinite(predicted) ? predicted - actual! : null;
  const inside = (iv: Interval | null) => (has && iv ? actual! >= iv[0] && actual! <= iv[1] : null);
  return {
    actual: has ? actual : null,
    predicted,
    error: e,
    errorPoints: e !== null && fraction ? 100 * e : null,
    relativeError: e !== null && actual !== 0 ? e / actual! : null,
    absPercentError: e !== null && actual !== 0 ? (100 * Math.abs(e)) / Math.abs(actual!) : null,
    interval,
    predictionInterval,
    covered: inside(interval),
    predictionCovered: inside(predictionInterval),
  };
}

/** How many judged targets fall inside their intervals. */
export function coverage(checks: DownstreamCheck[], level: number): CoverageSummary | null {
  const judged = checks.filter((c) => c.covered !== null);
  if (checks.length === 0) return null;
  const n = judged.length;
  const covered = judged.filter((c) => c.covered).length;
  const pCovered = judged.filter((c) => c.predictionCovered).length;
  return {
    level,
    n,
    covered,
    fraction: n > 0 ? covered / n : null,
    predictionCovered: pCovered,
    predictionFraction: n > 0 ? pCovered / n : null,
  };
}

// Fits and bootstrap refits

/** A fit's parameter values in the law's order (NaN where missing). */
export function paramValues(law: Law, fit: FitResult): Float64Array {
  return Float64Array.from(law.params, (s) => fit.params[s.name]?.value ?? NaN);
}

function usable(r: FitResult): boolean {
  return r.converged || (r.status === "line-search-failed" && Number.isFinite(r.objective));
}

/** A fit as results.json reports it. */
export function fitSummaryOf(law: Law, fit: FitResult, runs: number): DownstreamFit {
  const params: Record<string, number> = {};
  for (const s of law.params) params[s.name] = fit.params[s.name]?.value ?? NaN;
  return {
    law: law.name,
    formula: law.formula,
    params,
    n: fit.n,
    runs,
    objective: Number.isFinite(fit.objective) ? fit.objective : null,
    r2: Number.isFinite(fit.r2) ? fit.r2 : null,
    converged: fit.converged,
    status: fit.status,
    atBound: fit.diagnostics.atBound,
  };
}

/**
 * Refit a one-step law on resamples of whole runs: resample i draws the runs with replacement
 * from `rng(substream(seed, i))`, weights each point by its run's count (points with slot −1,
 * e.g. an anchor, keep weight 1), and refits. Returns the parameter vectors of usable refits.
 */
export function refitOverRuns(
  law: Law,
  data: { inputs: Record<string, Float64Array>; y: Float64Array },
  slots: Int32Array,
  runs: number,
  options: { fit: FitOptions; resamples: number; seed: number; nFree: number },
): { draws: Float64Array[]; failed: number } {
  const draws: Float64Array[] = [];
  let failed = 0;
  for (let r = 0; r < options.resamples; r++) {
    const g = rng(substream(options.seed, r));
    const counts = new Float64Array(runs);
    for (let i = 0; i < runs; i++) counts[g.int(runs)]++;
    const w = Float64Array.from(slots, (s) => (s < 0 ? 1 : counts[s]));
    let positive = 0;
    for (const v of w) if (v > 0) positive++;
    if (positive < options.nFree) {
      failed++;
      continue;
    }
    const fit = fitSync(law, data, { ...options.fit, weights: w });
    if (!usable(fit)) {
      failed++;
      continue;
    }
    draws.push(paramValues(law, fit));
  }
  return { draws, failed };
}

/** A law's predictions at some input columns. */
export function predictOne(law: Law, inputs: Float64Array[], params: Float64Array): Float64Array {
  const out = new Float64Array(inputs[0]?.length ?? 0);
  law.predict(inputs, params, out);
  return out;
}

/**
 * Run slot of each point (−1 for `extra` trailing points such as an anchor) and the number of
 * distinct runs.
 */
export function slotsOf(runIds: string[], extra: number): { slots: Int32Array; runs: number } {
  const names = [...new Set(runIds)];
  const index = new Map(names.map((n, i) => [n, i]));
  const slots = new Int32Array(runIds.length + extra).fill(-1);
  runIds.forEach((id, i) => (slots[i] = index.get(id)!));
  return { slots, runs: names.length };
}

/** Residuals of a fit in its space (log ratios or differences). */
export function residuals(
  y: Float64Array,
  fitted: Float64Array,
  space: "log" | "linear",
): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const r = space === "log" ? Math.log(y[i] / fitted[i]) : y[i] - fitted[i];
    if (Number.isFinite(r)) out.push(r);
  }
  return Float64Array.from(out);
}

/** A value plus a residual drawn by `u` in [0, 1) (multiplied in log space). */
export function addNoise(v: number, res: Float64Array, space: "log" | "linear", u: number): number {
  if (res.length === 0) return v;
  const r = res[Math.min(res.length - 1, Math.floor(u * res.length))];
  return space === "log" ? v * Math.exp(r) : v + r;
}

/** Keep a fraction (accuracy, error) in [0, 1] after noise was added. */
export function clampFraction(v: number, fraction: boolean): number {
  return fraction ? Math.min(1, Math.max(0, v)) : v;
}

/** `n` evenly spaced values from `lo` to `hi`. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Pointwise percentile band of a law over `xs` across parameter draws (none below two). */
export function bandOf(
  law: Law,
  xs: Float64Array,
  draws: Float64Array[],
  level: number,
): { lower?: Float64Array; upper?: Float64Array } {
  if (draws.length < 2) return {};
  const cols = draws.map((p) => predictOne(law, [xs], p));
  const lower = new Float64Array(xs.length), upper = new Float64Array(xs.length);
  for (let j = 0; j < xs.length; j++) {
    const iv = intervalOf(cols.map((c) => c[j]), level);
    lower[j] = iv ? iv[0] : NaN;
    upper[j] = iv ? iv[1] : NaN;
  }
  return { lower, upper };
}
