/**
 * Run the local optimiser from many starts and collect the end points in typed arrays (cheap
 * to send between workers).
 *
 * @module
 */

import type { Objective } from "./objective.ts";
import type { FitStatus } from "./types.ts";
import { LbfgsbSolver } from "./lbfgsb.ts";
import { levenbergMarquardt } from "./lm.ts";
import { StationarityCheck } from "./_stationarity.ts";

/** Solver settings of a multi-start run. */
export interface SolverOptions {
  /** @default "lbfgsb" */
  optimizer?: "lbfgsb" | "lm";
  /** @default 1000 */
  maxIterations?: number;
  /** @default 1e-12 */
  ftol?: number;
  /** @default 1e-10 */
  gtol?: number;
}

/** Status codes stored in {@link StartOutcomes.status}. */
export const STATUS_CODES: readonly FitStatus[] = [
  "converged",
  "max-iterations",
  "line-search-failed",
  "non-finite",
  "stalled",
];

/** End points of a multi-start run, one entry per start, in start order. */
export interface StartOutcomes {
  /** Final points, row-major, `nFree` values per start (optimiser space). */
  x: Float64Array;
  /** Final objective values (+Infinity when not finite). */
  f: Float64Array;
  /** Index into {@link STATUS_CODES}. */
  status: Uint8Array;
  /** Iterations per start. */
  iterations: Int32Array;
  /** Objective evaluations per start. */
  evaluations: Int32Array;
}

/**
 * Minimise the objective from each start.
 *
 * A start that the optimiser ends on its relative-reduction test (`ftol`: slow progress) counts
 * as converged only when the Gauss–Newton model of the objective agrees that it is stationary
 * (see `_stationarity.ts`); otherwise its status is `"stalled"`. A start whose line search
 * failed at a point that model finds stationary counts as converged (no decrease is possible
 * at the optimum within floating-point resolution).
 *
 * @param obj The objective.
 * @param starts Flat row-major starts, `obj.nFree` values each (with no free parameter, pass
 * an empty array and `count` 1).
 * @param options Solver settings.
 * @param count Number of starts. @default starts.length / obj.nFree
 * @param onStart Called after each start with the number done.
 * @returns The end points.
 * @throws {RangeError} `optimizer: "lm"` with a loss other than "squared".
 *
 * @example Two starts of a one-parameter fit
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStarts } from "./run_starts.ts";
 * import { buildObjective } from "./objective.ts";
 * import { chinchilla } from "../laws/chinchilla.ts";
 * const N = Float64Array.of(1e8, 1e9, 1e10), D = Float64Array.of(2e9, 2e10, 2e11);
 * const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
 * const obj = buildObjective(chinchilla, { inputs: { N, D }, y }, {
 *   params: { A: { fixed: 480 }, B: { fixed: 2000 }, alpha: { fixed: 0.35 }, beta: { fixed: 0.37 } },
 * });
 * const out = runStarts(obj, Float64Array.of(0, 1));
 * assert.ok(Math.abs(Math.exp(out.x[0]) - 1.8) < 1e-6 && Math.abs(Math.exp(out.x[1]) - 1.8) < 1e-6);
 * ```
 */
export function runStarts(
  obj: Objective,
  starts: Float64Array,
  options: SolverOptions = {},
  count = obj.nFree > 0 ? starts.length / obj.nFree : 1,
  onStart?: (done: number) => void,
): StartOutcomes {
  const k = obj.nFree;
  const out: StartOutcomes = {
    x: new Float64Array(count * k),
    f: new Float64Array(count),
    status: new Uint8Array(count),
    iterations: new Int32Array(count),
    evaluations: new Int32Array(count),
  };
  const optimizer = options.optimizer ?? "lbfgsb";
  if (optimizer !== "lbfgsb" && optimizer !== "lm") {
    throw new RangeError(
      `Cannot fit ${JSON.stringify(obj.law.name)}: optimizer is ${
        JSON.stringify(optimizer)
      }; expected "lbfgsb" or "lm"`,
    );
  }
  if (optimizer === "lm" && obj.loss !== "squared") {
    throw new RangeError(
      `Cannot fit ${JSON.stringify(obj.law.name)} with optimizer "lm": loss is ${
        JSON.stringify(obj.loss)
      }; expected loss "squared" (or optimizer "lbfgsb")`,
    );
  }
  const settings = {
    lower: obj.lower,
    upper: obj.upper,
    maxIterations: options.maxIterations ?? 1000,
    ftol: options.ftol ?? 1e-12,
    gtol: options.gtol ?? 1e-10,
  };
  if (k === 0) {
    for (let s = 0; s < count; s++) {
      const f = obj.value(new Float64Array(0));
      out.f[s] = Number.isFinite(f) ? f : Infinity;
      out.status[s] = Number.isFinite(f) ? 0 : 3;
      out.evaluations[s] = 1;
      onStart?.(s + 1);
    }
    return out;
  }
  const solver = new LbfgsbSolver(k);
  const check = new StationarityCheck(obj);
  const fg = (x: Float64Array, g: Float64Array) => obj.valueAndGradient(x, g);
  const x = new Float64Array(k);
  const sw = Float64Array.from(obj.w, Math.sqrt);
  const n = obj.n;
  const fun = (t: Float64Array, r: Float64Array, jac: Float64Array) => {
    const ok = obj.residualJacobian(t, r, jac);
    for (let i = 0; i < n; i++) {
      r[i] *= sw[i];
      for (let j = 0; j < k; j++) jac[i * k + j] *= sw[i];
    }
    return ok;
  };
  for (let s = 0; s < count; s++) {
    x.set(starts.subarray(s * k, s * k + k));
    const r = optimizer === "lm"
      ? levenbergMarquardt(fun, x, n, settings)
      : solver.minimize(fg, x, settings);
    let status: FitStatus = r.status;
    if (r.stop === "ftol" && !check.isStationary(r.x, r.f)) status = "stalled";
    else if (r.stop === "line-search-failed" && check.isStationary(r.x, r.f)) status = "converged";
    out.x.set(r.x, s * k);
    out.f[s] = Number.isFinite(r.f) ? r.f : Infinity;
    out.status[s] = STATUS_CODES.indexOf(status);
    out.iterations[s] = r.iterations;
    out.evaluations[s] = r.evaluations;
    onStart?.(s + 1);
  }
  return out;
}
