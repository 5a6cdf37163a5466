/**
 * The worker task of a multi-start fit: rebuild the objective from a law name or expression
 * and run a chunk of starts. Used by {@link fit} through a {@link WorkerPool}; it can also be
 * called directly (it is a pure function of its input).
 *
 * @module
 */

import { getLaw } from "../laws/registry.ts";
import { InputError } from "../util/errors.ts";
import type { Law } from "../laws/types.ts";
import { buildObjective, type ObjectiveOptions } from "./objective.ts";
import { runStarts, type SolverOptions, type StartOutcomes } from "./run_starts.ts";
import type { FitData } from "./types.ts";

/**
 * How a worker finds the law of a task: by name (or expression text), checked against the
 * formula and parameter names of the law on the calling thread.
 */
export interface WorkerLawRef {
  /** Law name or expression text. */
  law: string;
  /** Input names of the law, in order (needed to rebuild expression laws). */
  inputs: string[];
  /** The formula of the caller's law; the rebuilt law must have the same. */
  formula?: string;
  /** The caller's parameter names, in order; the rebuilt law must have the same. */
  params?: string[];
}

/** The reference a worker needs to rebuild `law` (see {@link rebuildLaw}). */
export function workerLawRef(law: Law): WorkerLawRef {
  return {
    law: law.name,
    inputs: law.inputs.map((s) => s.name),
    formula: law.formula,
    params: law.params.map((s) => s.name),
  };
}

/**
 * Rebuild a task's law on a worker thread, which knows only the built-in laws and expressions.
 *
 * @throws {InputError} "Cannot find law ..." when the name is unknown there, or names a
 * different law than the caller's (a law registered or replaced only on the calling thread), so
 * the caller falls back to fitting on its own thread.
 */
export function rebuildLaw(ref: WorkerLawRef): Law {
  const law = getLaw(ref.law, { inputs: ref.inputs });
  const same = (ref.formula === undefined || law.formula === ref.formula) &&
    (ref.params === undefined ||
      (law.params.length === ref.params.length &&
        law.params.every((s, i) => s.name === ref.params![i])));
  if (!same) {
    throw new InputError(
      `Cannot find law ${
        JSON.stringify(ref.law)
      } on a worker thread: the name gives a different law there (${law.formula}); expected ` +
        `the caller's ${ref.formula ?? "law"}`,
      ref.law,
    );
  }
  return law;
}

/** Input of {@link runFitStartsTask}. */
export interface FitStartsTask extends WorkerLawRef {
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
  const law = rebuildLaw(task);
  const obj = buildObjective(law, task.data, task.objective);
  return runStarts(obj, task.starts, task.solver, task.count);
}
