/**
 * The coverage criterion of every noisy-recovery test (private to the tests: the built-in laws
 * in lib/fit/recovery_test.ts, the literature laws in lib/laws/literature_{a,b}_test.ts),
 * declared before any run and the same for every law, with no exceptions:
 *
 * - noise seeds 1, 2 and 3 ({@link COVERAGE_SEEDS}), the same for every law and never replaced;
 * - bootstrap percentile intervals at level 0.99 ({@link COVERAGE_LEVEL});
 * - a law passes when every free parameter's true value lies inside its interval for at least
 *   2 of the 3 seeds ({@link COVERAGE_MIN_INSIDE}).
 *
 * Why 99% and 2 of 3: the three files check 119 parameters (43 in each literature file, 33 of
 * the built-in laws). With calibrated intervals that miss with probability m per draw, a
 * parameter fails "2 of 3" with probability 3m²(1 - m) + m³. At 95% (m = 0.05) that is 0.725%,
 * and the suite of 119 fails by chance with probability 1 - (1 - 0.00725)^119 ≈ 58%: useless.
 * At 99% (m = 0.01) it is 2.98e-4 per parameter and 1 - (1 - 2.98e-4)^119 ≈ 3.5% for the
 * suite, below the 5% aimed at. Parameters of one law tend to miss together, which only lowers
 * these (independence is the worst case for "any parameter fails").
 *
 * Caveat, computed, not tuned: with the literature files' 100-120 resamples (the built-in laws
 * use 100-200) a percentile interval's ends are
 * near the 1.5th and (B - 0.5)th of B ordered draws, whose expected coverage is
 * 1 - 2(1 + (B - 1)(1 - level)/2)/(B + 1): 97.0% (B = 100) or 97.4% (B = 120) for a nominal
 * 99%, so even an exact method fails the suite by chance with probability ≈ 16-20%. Measured
 * once, outside the suite, on seeds 4-23 with the designs of both files: the 99% intervals
 * covered 1680 of 1720 (parameter, seed) pairs (97.7%; every parameter 18-20 of 20), the 95%
 * ones 1598 (92.9%), as predicted; at 97.7% the suite's false-failure probability is ≈ 13%.
 * Bringing it to the nominal 2.5% needs ~1000 resamples (~10x the test time).
 *
 * A law that fails this criterion fails its test: it is not rescued by other seeds or a looser
 * level. (Percentile intervals under-cover skewed, correlated estimates: at 95%, over 40 seeds
 * with 200 resamples, chinchilla's B and beta and kaplan's Nc and alphaN were covered 35 of 40
 * times; the 99% level of this rule is what makes their tests pass by design, not by exception.)
 *
 * @module
 */

import assert from "node:assert/strict";

/** Noise (and resampling) seeds of every noisy-recovery test. */
export const COVERAGE_SEEDS: readonly number[] = [1, 2, 3];

/** Level of the bootstrap percentile intervals. */
export const COVERAGE_LEVEL = 0.99;

/** Least number of seeds whose interval must contain each true value. */
export const COVERAGE_MIN_INSIDE = 2;

/**
 * Run `interval(seed, level)` for every seed of {@link COVERAGE_SEEDS} (it draws the noisy data
 * from `seed`, bootstraps at `level` and returns the percentile interval of each parameter) and
 * assert that every parameter of `truth` lies inside its interval for at least
 * {@link COVERAGE_MIN_INSIDE} seeds.
 *
 * @param name Law name, for messages.
 * @param truth True value of every parameter to check (leave out fixed ones).
 * @param interval Bootstrap of one noisy draw: interval per parameter name.
 * @returns Number of seeds inside, per parameter.
 */
export async function assertCoverage(
  name: string,
  truth: Record<string, number>,
  interval: (seed: number, level: number) => Promise<Record<string, [number, number]>>,
): Promise<Record<string, number>> {
  const level = COVERAGE_LEVEL;
  const minInside = COVERAGE_MIN_INSIDE;
  const inside: Record<string, number> = {};
  const misses: string[] = [];
  for (const seed of COVERAGE_SEEDS) {
    const intervals = await interval(seed, level);
    for (const [param, value] of Object.entries(truth)) {
      const [lo, hi] = intervals[param];
      assert.ok(lo < hi, `${name}: empty interval for ${param} with seed ${seed}`);
      if (lo <= value && value <= hi) inside[param] = (inside[param] ?? 0) + 1;
      else {
        inside[param] ??= 0;
        misses.push(`seed ${seed}: ${param} = ${value} not in [${lo}, ${hi}]`);
      }
    }
  }
  for (const [param, count] of Object.entries(inside)) {
    assert.ok(
      count >= minInside,
      `${name}: true ${param} inside the ${level * 100}% interval for ${count} of ` +
        `${COVERAGE_SEEDS.length} seeds; expected at least ${minInside} (${misses.join("; ")})`,
    );
  }
  return inside;
}
