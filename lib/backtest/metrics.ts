/**
 * Error metrics of predictions at held-out targets, and information criteria of a fit.
 *
 * @module
 */

/** Errors of predictions against actual values. */
export interface PredictionErrors {
  /** Number of finite (actual, predicted) pairs. */
  n: number;
  /**
   * Absolute relative error, Choshen et al.'s ARE: mean over targets of |actual − predicted| /
   * |actual| (a fraction; 0.04 is 4%). NaN when n = 0.
   */
  are: number;
  /** Mean absolute error |actual − predicted|. */
  mae: number;
  /** Root mean squared error. */
  rmse: number;
  /** Mean signed relative error (predicted − actual) / |actual|: > 0 when predictions are high. */
  bias: number;
  /** Fraction of targets inside their interval, when intervals are given; else null. */
  coverage: number | null;
}

/**
 * ARE, MAE, RMSE, relative bias and (with intervals) coverage. Pairs with a non-finite actual
 * or predicted value are left out.
 *
 * @param actual Observed values.
 * @param predicted Predictions.
 * @param intervals Optional prediction intervals `[low, high]` per target.
 * @returns The errors.
 * @throws {RangeError} When the lengths differ.
 * @example ARE of a known case
 * ```ts
 * import assert from "node:assert/strict";
 * import { predictionErrors } from "./metrics.ts";
 * const e = predictionErrors([2, 4], [2.2, 3.6], { low: [1.9, 3.7], high: [2.3, 3.9] });
 * assert.ok(Math.abs(e.are - 0.1) < 1e-12); // (0.2/2 + 0.4/4) / 2
 * assert.ok(Math.abs(e.mae - 0.3) < 1e-12);
 * assert.equal(e.coverage, 0.5);
 * ```
 */
export function predictionErrors(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  intervals?: { low: ArrayLike<number>; high: ArrayLike<number> },
): PredictionErrors {
  if (actual.length !== predicted.length) {
    throw new RangeError(
      `Cannot compute prediction errors: ${actual.length} actual and ${predicted.length} ` +
        `predicted values; expected the same number`,
    );
  }
  let n = 0, rel = 0, abs = 0, sq = 0, bias = 0, inside = 0, judged = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], p = predicted[i];
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    n++;
    const d = p - a;
    abs += Math.abs(d);
    sq += d * d;
    rel += Math.abs(d) / Math.abs(a);
    bias += d / Math.abs(a);
    if (intervals) {
      const lo = intervals.low[i], hi = intervals.high[i];
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        judged++;
        if (a >= lo && a <= hi) inside++;
      }
    }
  }
  return {
    n,
    are: n ? rel / n : NaN,
    mae: n ? abs / n : NaN,
    rmse: n ? Math.sqrt(sq / n) : NaN,
    bias: n ? bias / n : NaN,
    coverage: intervals && judged ? inside / judged : null,
  };
}

/** Information criteria of a fit under a Gaussian likelihood of its residuals. */
export interface InformationCriteria {
  /** Points. */
  n: number;
  /** Estimated parameters k: the law's free parameters plus the residual variance. */
  k: number;
  /** Residual sum of squares in the likelihood's space. */
  rss: number;
  /** Maximised log-likelihood −n/2 · (ln(2π · rss/n) + 1). */
  logLikelihood: number;
  /** 2k − 2 logL. */
  aic: number;
  /** AIC with the small-sample correction 2k(k+1)/(n − k − 1) (NaN when n ≤ k + 1). */
  aicc: number;
  /** k ln n − 2 logL. */
  bic: number;
  /** Residual space: `"log"` (ln y − ln f) or `"linear"` (y − f). */
  space: "log" | "linear";
}

/**
 * AIC, AICc and BIC of fitted values under an i.i.d. Gaussian model of the residuals with its
 * variance at the maximum-likelihood value rss/n. In log space the residuals are ln y − ln f:
 * the likelihood is that of a multiplicative (log-normal) error, which suits losses whose
 * spread grows with their level; the criteria are comparable between laws fitted to the same
 * points in the same space. The likelihood is exact for least-squares fits in that space; for
 * Huber fits it is evaluated at the Huber estimate, not maximised.
 *
 * Checkpoints of one run are correlated, so n overstates the independent information and
 * differences in BIC overstate the evidence: read them as a ranking, not as odds.
 *
 * @param y Observed values.
 * @param fitted Fitted values.
 * @param nFree Free parameters of the law.
 * @param space Residual space. @default "log"
 * @returns The criteria.
 * @throws {RangeError} When lengths differ, or a value is not positive in log space.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { informationCriteria } from "./metrics.ts";
 * const ic = informationCriteria([1, 2, 3, 4], [1.1, 1.9, 3.1, 3.9], 1, "linear");
 * // rss = 0.04, logL = -2 (ln(2π · 0.01) + 1), k = 2
 * const logL = -2 * (Math.log(2 * Math.PI * 0.01) + 1);
 * assert.ok(Math.abs(ic.logLikelihood - logL) < 1e-12);
 * assert.ok(Math.abs(ic.aic - (4 - 2 * logL)) < 1e-12);
 * assert.ok(Math.abs(ic.bic - (2 * Math.log(4) - 2 * logL)) < 1e-12);
 * ```
 */
export function informationCriteria(
  y: ArrayLike<number>,
  fitted: ArrayLike<number>,
  nFree: number,
  space: "log" | "linear" = "log",
): InformationCriteria {
  if (y.length !== fitted.length) {
    throw new RangeError(
      `Cannot compute information criteria: ${y.length} values and ${fitted.length} fitted ` +
        `values; expected the same number`,
    );
  }
  let rss = 0;
  for (let i = 0; i < y.length; i++) {
    let r: number;
    if (space === "log") {
      if (!(y[i] > 0 && fitted[i] > 0)) {
        throw new RangeError(
          `Cannot compute information criteria in log space: point ${i} has value ${y[i]} and ` +
            `fitted value ${fitted[i]}; expected both > 0 (use space "linear")`,
        );
      }
      r = Math.log(y[i]) - Math.log(fitted[i]);
    } else r = y[i] - fitted[i];
    rss += r * r;
  }
  const n = y.length;
  const k = nFree + 1;
  const logLikelihood = -0.5 * n * (Math.log((2 * Math.PI * rss) / n) + 1);
  const aic = 2 * k - 2 * logLikelihood;
  return {
    n,
    k,
    rss,
    logLikelihood,
    aic,
    aicc: n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : NaN,
    bic: k * Math.log(n) - 2 * logLikelihood,
    space,
  };
}
