/**
 * Scaling-law toolkit: load ladders of training runs, filter checkpoints, fit laws with honest
 * uncertainty, map loss to accuracy, and write reports with figures.
 *
 * Figures, pipelines and reports are namespaced (`plot.lawFit`, `pipeline.parsePipelineSpec`,
 * `report.writeReport`). Each area has its own entry point too: `lib/data/mod.ts`, `lib/laws/mod.ts`,
 * `lib/fit/mod.ts`, `lib/plot/mod.ts`, `lib/pipeline/mod.ts`, `lib/report/mod.ts`.
 *
 * @example Fit a law to a synthetic ladder and bootstrap it
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyFilters, bootstrap, getLaw, metricPoints, syntheticLadder } from "./mod.ts";
 * const { ladder } = applyFilters(syntheticLadder({ seed: 2 }), [{ kind: "final" }]);
 * const p = metricPoints(ladder, "loss");
 * const law = getLaw("chinchilla");
 * const boot = await bootstrap(law, { inputs: { N: p.N, D: p.D }, y: p.y, groups: p.run }, {
 *   resamples: 50,
 *   by: "group",
 *   seed: 1,
 *   workers: 1,
 * });
 * const [low, high] = boot.intervals.alpha;
 * assert.ok(low < boot.estimate.alpha && boot.estimate.alpha < high);
 * ```
 *
 * @module
 */

export * from "./data/mod.ts";
export * from "./laws/mod.ts";
export * from "./fit/mod.ts";
/** Figure builders (deterministic SVG) and PNG rendering. */
export * as plot from "./plot/mod.ts";
/** Declarative pipelines: spec schemas, validation, runner. */
export * as pipeline from "./pipeline/mod.ts";
/** Report writing: results.json, markdown, HTML, index. */
export * as report from "./report/mod.ts";
export { runPipeline, startPipeline } from "./pipeline/run.ts";
export { type PipelineSpec } from "./pipeline/spec.ts";
export { VERSION } from "./version.ts";
