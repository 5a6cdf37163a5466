/**
 * One backtest fit as a pure, structured-cloneable task: fit a law (by registry name or
 * expression) on training columns, predict the targets, and score the predictions. Runs on the
 * calling thread or on a {@link WorkerPool} (`fn: "runBacktestFit"`), with the same result.
 *
 * @module
 */

import { getLaw } from "../laws/registry.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions } from "../fit/types.ts";
import { type InformationCriteria, informationCriteria, predictionErrors } from "./metrics.ts";

/** Input of {@link runBacktestFit}. */
export interface BacktestFitTask {
  /** Law name or expression. */
  law: string;
  /** Input names of the law, for expressions (the registry's defaults otherwise). */
  inputs?: string[];
  /** Training columns by law input name, and values. */
  train: { inputs: Record<string, Float64Array>; y: Float64Array };
  /** Target columns by law input name, and values. */
  targets: { inputs: Record<string, Float64Array>; y: Float64Array };
  /** Fit options (no workers, no callbacks). */
  options: Omit<FitOptions, "workers" | "onProgress">;
  /** Residual space of the information criteria. @default the fit's space, else "log" */
  criteriaSpace?: "log" | "linear";
  /** Keep the predictions at the targets in the outcome. @default true */
  keepPredictions?: boolean;
}

/** Outcome of {@link runBacktestFit}. */
export interface BacktestFitOutcome {
  /** `"fitted"`, or `"too-few-points"` when the training points are fewer than the free parameters. */
  state: "fitted" | "too-few-points";
  /** Training points and free parameters. */
  n: number;
  nFree: number;
  converged: boolean;
  /** The fitter's status (or "no-data"). */
  status: string;
  objective: number;
  /** Fitted parameter values (natural space). */
  params: Record<string, number>;
  /** Errors at the targets (ARE, MAE, RMSE, bias). */
  targets: { n: number; are: number; mae: number; rmse: number; bias: number };
  /** Errors on the training points themselves. */
  trainAre: number;
  /** AIC/BIC on the training points (null when not computable). */
  criteria: InformationCriteria | null;
  /** Predictions at the targets (empty when not kept; NaN when not fitted). */
  predicted: Float64Array;
}

function freeCount(
  paramNames: string[],
  ties: Record<string, string> | undefined,
  options: BacktestFitTask["options"],
): number {
  let n = 0;
  for (const name of paramNames) {
    const o = options.params?.[name];
    if (o?.fixed !== undefined || o?.tie !== undefined) continue;
    if (ties?.[name] !== undefined && o?.tie === undefined) continue;
    n++;
  }
  return n;
}

/**
 * Fit on the training columns and score the predictions at the targets.
 *
 * @param task Law, columns, options.
 * @returns The outcome; a fit with fewer points than free parameters is not attempted.
 * @throws {RangeError} Invalid options or columns (see `fitSync`).
 * @example Recover a noise-free Chinchilla law and predict a larger model exactly
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBacktestFit } from "./fit_task.ts";
 * const law = (n: number, d: number) => 1.8 + 400 / n ** 0.34 + 400 / d ** 0.28;
 * const N: number[] = [], D: number[] = [];
 * for (const n of [1e7, 3e7, 1e8]) for (const d of [1e9, 3e9, 1e10, 3e10]) N.push(n), D.push(d);
 * const out = runBacktestFit({
 *   law: "chinchilla",
 *   train: { inputs: { N: Float64Array.from(N), D: Float64Array.from(D) }, y: Float64Array.from(N, (n, i) => law(n, D[i])) },
 *   targets: { inputs: { N: Float64Array.of(1e9), D: Float64Array.of(2e10) }, y: Float64Array.of(law(1e9, 2e10)) },
 *   options: { loss: "squared", space: "log" },
 * });
 * assert.equal(out.state, "fitted");
 * assert.ok(out.targets.are < 1e-6);
 * ```
 */
export function runBacktestFit(task: BacktestFitTask): BacktestFitOutcome {
  const law = getLaw(task.law, task.inputs ? { inputs: task.inputs } : {});
  const n = task.train.y.length;
  const nFree = freeCount(law.params.map((p) => p.name), law.ties, task.options);
  const empty = { n: 0, are: NaN, mae: NaN, rmse: NaN, bias: NaN };
  if (n < nFree || n === 0) {
    return {
      state: "too-few-points",
      n,
      nFree,
      converged: false,
      status: "no-data",
      objective: NaN,
      params: {},
      targets: empty,
      trainAre: NaN,
      criteria: null,
      predicted: task.keepPredictions === false
        ? new Float64Array(0)
        : new Float64Array(task.targets.y.length).fill(NaN),
    };
  }
  const result = fitSync(law, { inputs: task.train.inputs, y: task.train.y }, task.options);
  const p = Float64Array.from(law.params, (s) => result.params[s.name]?.value ?? NaN);
  const params: Record<string, number> = {};
  law.params.forEach((s, i) => (params[s.name] = p[i]));
  const predict = (cols: Record<string, Float64Array>, m: number) => {
    const out = new Float64Array(m);
    if (p.every(Number.isFinite)) law.predict(law.inputs.map((s) => cols[s.name]), p, out);
    else out.fill(NaN);
    return out;
  };
  const predicted = predict(task.targets.inputs, task.targets.y.length);
  const fitted = predict(task.train.inputs, n);
  const e = predictionErrors(task.targets.y, predicted);
  const space = task.criteriaSpace ?? task.options.space ?? "log";
  let criteria: InformationCriteria | null = null;
  try {
    if (fitted.every(Number.isFinite)) {
      criteria = informationCriteria(task.train.y, fitted, result.nFree, space);
    }
  } catch {
    criteria = null; // a non-positive fitted value in log space
  }
  return {
    state: "fitted",
    n,
    nFree: result.nFree,
    converged: result.converged,
    status: result.status,
    objective: result.objective,
    params,
    targets: { n: e.n, are: e.are, mae: e.mae, rmse: e.rmse, bias: e.bias },
    trainAre: predictionErrors(task.train.y, fitted).are,
    criteria,
    predicted: task.keepPredictions === false ? new Float64Array(0) : predicted,
  };
}
