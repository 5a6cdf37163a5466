/**
 * Pick the best learning rate and batch size of a hyperparameter sweep at each (N, D): the
 * data of the `optimal-hparams` and `optimal-batch` laws.
 *
 * @module
 */

/** One run of a hyperparameter sweep. */
export interface SweepRun {
  /** Model parameters (count). */
  N: number;
  /** Training tokens (count). */
  D: number;
  /** Peak learning rate. */
  lr: number;
  /** Batch size (tokens or sequences; Li et al.'s published law is in tokens). */
  batchSize: number;
  /** Final loss (non-finite for a diverged run, which is skipped). */
  loss: number;
}

/** The best run at each (N, D), as columns sorted by N then D. */
export interface SweepOptima {
  N: Float64Array;
  D: Float64Array;
  /** Learning rate of the best run. */
  lr: Float64Array;
  /** Batch size of the best run. */
  batchSize: Float64Array;
  /** Loss of the best run. */
  loss: Float64Array;
  /** Number of runs with a finite loss at this (N, D). */
  runs: Int32Array;
}

function checkPositive(row: SweepRun, i: number, key: "N" | "D" | "lr" | "batchSize"): void {
  const v = row[key];
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(
      `Cannot find sweep optima: run ${i} has ${key} = ${v}; expected a positive finite number`,
    );
  }
}

/**
 * For each distinct (N, D) of a sweep, the run with the lowest loss: a plain argmin over the
 * sweep's learning rates and batch sizes. Runs with a non-finite loss (diverged) are skipped;
 * an (N, D) whose runs all diverged is left out. Ties keep the first run in input order.
 * (N, D) pairs match exactly, so round N and D consistently before calling.
 *
 * This simplifies Li et al.'s procedure. Their released code (github.com/step-law/steplaw)
 * keeps, at each (N, D), every run whose smoothed final training loss is within 0.25%
 * (relative) of the best, fits all of those runs by least squares in log space, and averages
 * the coefficients over 1000 bootstrap resamples; here only the single best run per (N, D) is
 * kept. How Bergsma et al. ("Power Lines") extract their optima was not seen (their abstract
 * defines the optimal batch size as the one with the lowest loss at a given N, D).
 *
 * Feed `{ N, D }` with y = `lr` to the `optimal-hparams` law and `{ D }` with y = `batchSize` to
 * `optimal-batch`. An optimum on the edge of the swept range is only a bound on the true optimum:
 * check that `lr` and `batchSize` are not the smallest or largest values swept at that (N, D).
 *
 * @param rows The runs.
 * @returns One entry per (N, D) with at least one finite loss, sorted by N then D.
 * @throws {RangeError} When N, D, lr or batchSize of a run is not a positive finite number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepOptima } from "./sweep_optima.ts";
 * const best = sweepOptima([
 *   { N: 1e8, D: 1e9, lr: 1e-3, batchSize: 256, loss: 3.2 },
 *   { N: 1e8, D: 1e9, lr: 3e-3, batchSize: 256, loss: 3.1 },
 *   { N: 1e8, D: 1e9, lr: 1e-2, batchSize: 256, loss: NaN },
 *   { N: 1e8, D: 2e9, lr: 1e-3, batchSize: 512, loss: 3.0 },
 * ]);
 * assert.deepEqual([...best.lr], [3e-3, 1e-3]);
 * assert.deepEqual([...best.runs], [2, 1]);
 * ```
 */
export function sweepOptima(rows: readonly SweepRun[]): SweepOptima {
  const best = new Map<string, { row: SweepRun; runs: number }>();
  rows.forEach((row, i) => {
    checkPositive(row, i, "N");
    checkPositive(row, i, "D");
    checkPositive(row, i, "lr");
    checkPositive(row, i, "batchSize");
    if (!Number.isFinite(row.loss)) return;
    const key = `${row.N}|${row.D}`;
    const cur = best.get(key);
    if (cur === undefined) best.set(key, { row, runs: 1 });
    else {
      cur.runs++;
      if (row.loss < cur.row.loss) cur.row = row;
    }
  });
  const groups = [...best.values()].sort((a, b) => a.row.N - b.row.N || a.row.D - b.row.D);
  const col = (f: (g: { row: SweepRun; runs: number }) => number) => Float64Array.from(groups, f);
  return {
    N: col((g) => g.row.N),
    D: col((g) => g.row.D),
    lr: col((g) => g.row.lr),
    batchSize: col((g) => g.row.batchSize),
    loss: col((g) => g.row.loss),
    runs: Int32Array.from(groups, (g) => g.runs),
  };
}
