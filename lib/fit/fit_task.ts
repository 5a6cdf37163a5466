/**
 * The worker task of a multi-start fit: rebuild the objective from a law name or expression
 * and run a chunk of starts. Used by {@link fit} through a {@link WorkerPool}; it can also be
 * called directly (it is a pure function of its input).
 *
 * @module
 */

import { getLaw } from "../laws/registry.ts";
import { buildObjective, type ObjectiveOptions } from "./objective.ts";
import { runStarts, type SolverOptions, type StartOutcomes } from "./run_starts.ts";
import type { FitData } from "./types.ts";

/** Input of {@link runFitStartsTask}. */
export interface FitStartsTask {
  /** Law name or expression text. */
  law: string;
  /** Input names of the law, in order (needed to rebuild expression laws). */
  inputs: string[];
  /** The data. */
  data: FitData;
  /** Objective options (loss, space, params, weights). */
  objective: ObjectiveOptions;
  /** Solver options. */
  solver: SolverOptions;
  /** Flat row-major starts in optimiser space. */
  starts: Float64Array;
  /** Number of starts in this chunk. */
  count: number;
}

/**
 * Run one chunk of starts.
 *
 * @param task The chunk.
 * @returns The end points of the chunk's starts, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFitStartsTask } from "./fit_task.ts";
 * const N = Float64Array.of(1e8, 1e9, 1e10), D = Float64Array.of(2e9, 2e10, 2e11);
 * const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
 * const fixed = { A: { fixed: 480 }, B: { fixed: 2000 }, alpha: { fixed: 0.35 }, beta: { fixed: 0.37 } };
 * const out = runFitStartsTask({
 *   law: "chinchilla", inputs: ["N", "D"], data: { inputs: { N, D }, y },
 *   objective: { params: fixed }, solver: {}, starts: Float64Array.of(0), count: 1,
 * });
 * assert.ok(Math.abs(Math.exp(out.x[0]) - 1.8) < 1e-6);
 * ```
 */
export function runFitStartsTask(task: FitStartsTask): StartOutcomes {
  const law = getLaw(task.law, { inputs: task.inputs });
  const obj = buildObjective(law, task.data, task.objective);
  return runStarts(obj, task.starts, task.solver, task.count);
}
