/**
 * The general backtest evaluator: fit a law on a chosen subset of a ladder's points and predict
 * held-out targets, scored by ARE (Choshen et al.'s absolute relative error), MAE and, when
 * bootstrapped, the coverage of the prediction intervals.
 *
 * @module
 */

import { bootstrap as runBootstrap } from "../fit/bootstrap.ts";
import type { FitOptions } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import { type BacktestFitOutcome, type BacktestFitTask, runBacktestFit } from "./fit_task.ts";
import { type PredictionErrors, predictionErrors } from "./metrics.ts";
import { type BacktestPoints, takePoints } from "./points.ts";
import { selectTargets, selectTrain, type SubsetSpec, type TargetSpec } from "./select.ts";

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Law name or expression. @default "chinchilla" */
  law?: string;
  /** Training subset. @default all non-target models, all checkpoints */
  subset?: SubsetSpec;
  /** Targets. @default the largest model's last 30% */
  targets?: TargetSpec;
  /** Fit options. @default {} (the fitter's defaults) */
  fit?: Omit<FitOptions, "workers" | "onProgress">;
  /** Bootstrap the fit for prediction intervals and their coverage at the targets. */
  bootstrap?: { resamples: number; seed?: number; by?: "point" | "run"; level?: number };
  /** Workers of the bootstrap. @default the bootstrap's default */
  workers?: number;
}

/** One target of a backtest: run, N, D, actual, predicted and interval (when bootstrapped). */
export interface BacktestRow {
  run: string;
  N: number;
  D: number;
  actual: number;
  predicted: number;
  low?: number;
  high?: number;
}

/** Result of {@link backtest}. */
export interface BacktestResult {
  law: string;
  /** Training and target points used. */
  train: { points: number; runs: string[] };
  targets: { points: number; runs: string[] };
  /** The fit and its scores. */
  outcome: BacktestFitOutcome;
  /** Errors at the targets, with coverage when bootstrapped. */
  errors: PredictionErrors;
  /** Per-target rows: run, N, D, actual, predicted and interval. */
  rows: BacktestRow[];
  /** Level of the intervals, when bootstrapped. */
  level: number | null;
  /** Bootstrap resamples and refits that failed (left out of the intervals), when bootstrapped. */
  bootstrap: { resamples: number; failed: number } | null;
}

/** Law input columns of some points (N, D, U; C = 6ND; M = D/N). */
export function lawColumns(law: Law, points: BacktestPoints): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const s of law.inputs) {
    switch (s.name) {
      case "N":
        out.N = points.N;
        break;
      case "D":
        out.D = points.D;
        break;
      case "U":
        out.U = points.U;
        break;
      case "C":
        out.C = Float64Array.from(points.N, (n, i) => 6 * n * points.D[i]);
        break;
      case "M":
        out.M = Float64Array.from(points.N, (n, i) => points.D[i] / n);
        break;
      default:
        throw new RangeError(
          `Cannot backtest law ${JSON.stringify(law.name)}: input ${
            JSON.stringify(s.name)
          } has no column; expected inputs among N, D, U, C, M`,
        );
    }
  }
  return out;
}

/** Whether every input column of a law is finite at every point. */
export function hasFiniteInputs(cols: Record<string, Float64Array>): boolean {
  return Object.values(cols).every((c) => c.every(Number.isFinite));
}

/**
 * The fit task of a backtest (training and target columns), for running here or on workers.
 *
 * @param points The points.
 * @param options Law, subset, targets, fit options.
 * @returns The task and the indices used.
 */
export function backtestTask(
  points: BacktestPoints,
  options: BacktestOptions = {},
): { task: BacktestFitTask; train: Int32Array; targets: Int32Array } {
  const lawName = options.law ?? "chinchilla";
  const law = getLaw(lawName);
  const train = selectTrain(points, options.subset, options.targets);
  const targets = selectTargets(points, options.targets);
  const tp = takePoints(points, train), gp = takePoints(points, targets);
  return {
    task: {
      law: lawName,
      inputs: law.inputs.map((s) => s.name),
      train: { inputs: lawColumns(law, tp), y: tp.y },
      targets: { inputs: lawColumns(law, gp), y: gp.y },
      options: options.fit ?? {},
    },
    train,
    targets,
  };
}

/**
 * Fit on a subset and predict held-out targets.
 *
 * @param points The points (see `backtestPoints`).
 * @param options Law, subset, targets, fit options, bootstrap.
 * @returns Scores, the fit, and one row per target.
 * @throws {RangeError} Invalid selectors or fit options.
 * @example Fit the two smallest of four synthetic models, predict the largest
 * ```ts
 * import assert from "node:assert/strict";
 * import { backtest } from "./backtest.ts";
 * const law = (n: number, d: number) => 1.7 + 300 / n ** 0.3 + 500 / d ** 0.3;
 * const sizes = [1e7, 3e7, 1e8, 1e9];
 * const run: number[] = [], N: number[] = [], D: number[] = [];
 * sizes.forEach((n, r) => { for (let k = 1; k <= 10; k++) run.push(r), N.push(n), D.push(k * 2e9); });
 * const points = {
 *   metric: "loss", transform: "none" as const, runIds: ["a", "b", "c", "d"],
 *   runParams: Float64Array.from(sizes), runFinalTokens: Float64Array.of(2e10, 2e10, 2e10, 2e10),
 *   runFamilies: ["", "", "", ""], run: Int32Array.from(run), N: Float64Array.from(N),
 *   D: Float64Array.from(D), U: new Float64Array(N.length).fill(NaN),
 *   y: Float64Array.from(N, (n, i) => law(n, D[i])),
 * };
 * const r = backtest(points, {
 *   subset: { models: { kind: "smallest", k: 3 } }, fit: { loss: "squared", space: "log" },
 * });
 * assert.equal(r.targets.points, 4); // tokens 1.4e10 ... 2e10 of the 1e9 model
 * assert.ok(r.errors.are < 1e-6);
 * ```
 */
export function backtest(points: BacktestPoints, options: BacktestOptions = {}): BacktestResult {
  const { task, train, targets } = backtestTask(points, options);
  const outcome = runBacktestFit(task);
  const errors = predictionErrors(task.targets.y, outcome.predicted);
  const runsOf = (
    idx: Int32Array,
  ) => [...new Set(Array.from(idx, (i) => points.runIds[points.run[i]]))];
  const rows: BacktestResult["rows"] = Array.from(targets, (i, j) => ({
    run: points.runIds[points.run[i]],
    N: points.N[i],
    D: points.D[i],
    actual: points.y[i],
    predicted: outcome.predicted[j],
  }));
  return {
    law: task.law,
    train: { points: train.length, runs: runsOf(train) },
    targets: { points: targets.length, runs: runsOf(targets) },
    outcome,
    errors,
    rows,
    level: null,
    bootstrap: null,
  };
}

/**
 * {@link backtest} with a bootstrap of the fit: prediction intervals at the targets and their
 * coverage (the fraction of targets inside). Resampling whole runs (`by: "run"`) respects the
 * correlation of a run's checkpoints.
 *
 * @param points The points.
 * @param options As {@link backtest}, with `bootstrap` set.
 * @returns The result with intervals in `rows` and `errors.coverage`.
 */
export async function backtestWithIntervals(
  points: BacktestPoints,
  options: BacktestOptions & { bootstrap: NonNullable<BacktestOptions["bootstrap"]> },
): Promise<BacktestResult> {
  const result = backtest(points, options);
  if (result.outcome.state !== "fitted") return result;
  const { task, train } = backtestTask(points, options);
  const b = options.bootstrap;
  const boot = await runBootstrap(task.law, {
    inputs: task.train.inputs,
    y: task.train.y,
    groups: Int32Array.from(train, (i) => points.run[i]),
  }, {
    resamples: b.resamples,
    seed: b.seed ?? 0,
    by: b.by === "run" ? "group" : "point",
    level: b.level ?? 0.95,
    fit: task.options,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  const band = boot.predict(task.targets.inputs);
  result.rows.forEach((row, j) => {
    row.low = band.low[j];
    row.high = band.high[j];
  });
  result.errors = predictionErrors(task.targets.y, result.outcome.predicted, band);
  result.level = b.level ?? 0.95;
  result.bootstrap = { resamples: b.resamples, failed: boot.failed };
  return result;
}
