/**
 * Backtests of scaling laws: fit on a chosen subset of a ladder (smallest k models, sliding
 * windows of sizes, the first p% of each run, final or all checkpoints), predict held-out
 * targets (by default the largest model's last 30% of training), score by ARE, MAE and
 * interval coverage; compare laws by backtest error and AIC/BIC; and run Choshen et al.'s
 * Hitchhiker's Guide study across all cores.
 *
 * @example Backtest a synthetic ladder
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "../data/schema.ts";
 * import { backtest, backtestPoints } from "./mod.ts";
 * const sizes = [1e7, 3e7, 1e8, 3e8];
 * const checkpoints = sizes.flatMap((_, run) =>
 *   [1, 2, 3, 4, 5].map((k) => ({ run, step: k, tokens: k * 4e9, flops: NaN }))
 * );
 * const ladder = makeLadder({
 *   runs: sizes.map((params, i) => ({ id: `r${i}`, params })),
 *   checkpoints,
 *   observations: checkpoints.map((c, i) => ({
 *     checkpoint: i, metric: "loss",
 *     value: 1.8 + 400 / sizes[c.run] ** 0.34 + 900 / c.tokens ** 0.28,
 *   })),
 * });
 * const r = backtest(backtestPoints(ladder, "loss"), { fit: { loss: "squared", space: "log" } });
 * assert.equal(r.targets.points, 2); // the 3e8 model at 1.6e10 and 2e10 tokens
 * assert.ok(r.errors.are < 1e-6);
 * ```
 *
 * @module
 */

export * from "./points.ts";
export * from "./select.ts";
export * from "./metrics.ts";
export * from "./fit_task.ts";
export * from "./backtest.ts";
export * from "./compare_laws.ts";
export * from "./study.ts";
export * from "./findings.ts";
export * from "./progress.ts";
