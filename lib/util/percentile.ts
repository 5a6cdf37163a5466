/**
 * Percentiles of sorted samples.
 *
 * @module
 */

/**
 * The `p`-quantile (0 ≤ p ≤ 1) of ascending `sorted` values, interpolating linearly between
 * order statistics (numpy's default "linear" method); NaN when there are no values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentileSorted } from "./percentile.ts";
 * const sorted = Float64Array.of(1, 2, 3, 4);
 * assert.equal(percentileSorted(sorted, 0.5), 2.5); // numpy.percentile([1, 2, 3, 4], 50)
 * assert.equal(percentileSorted(sorted, 0.25), 1.75);
 * assert.ok(Number.isNaN(percentileSorted(new Float64Array(0), 0.5)));
 * ```
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
