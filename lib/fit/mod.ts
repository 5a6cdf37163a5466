/**
 * Fitting: objectives (squared, Huber, absolute; log or linear residuals, summed), L-BFGS-B and
 * Levenberg–Marquardt, multi-start fits on Web Workers, bootstrap intervals, and compute-optimal
 * allocation (Approaches 1, 2 and 3).
 *
 * @example Fit the Chinchilla law to noise-free data and recover its parameters
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSync } from "./mod.ts";
 * import { chinchilla } from "../laws/mod.ts";
 * const N = Float64Array.from([1e7, 3e7, 1e8, 3e8, 1e9, 1e7, 1e8, 1e9, 3e9]);
 * const D = Float64Array.from([1e9, 3e9, 1e10, 3e10, 1e11, 1e11, 1e9, 2e10, 6e10]);
 * const y = N.map((n, i) => 1.8 + 480 * n ** -0.35 + 2100 * D[i] ** -0.37);
 * const result = fitSync(chinchilla, { inputs: { N, D }, y });
 * assert.ok(result.converged);
 * assert.ok(Math.abs(result.params.alpha.value - 0.35) < 1e-6);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./fit.ts";
export * from "./bootstrap.ts";
export * from "./allocation.ts";
export { defaultWorkerCount, type PoolTask, WorkerPool, WorkerTaskError } from "./pool.ts";
