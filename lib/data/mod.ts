/**
 * Data: the run/checkpoint/observation model, parsing and loading of CSV/TSV/JSON/JSONL tables
 * with column mappings, unit conversions, the dataset catalog, synthetic ladders and checkpoint
 * filters.
 *
 * @example Load a synthetic ladder, keep final checkpoints, extract fitting columns
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyFilters, metricPoints, syntheticLadder } from "./mod.ts";
 * const { ladder, report } = applyFilters(syntheticLadder({ seed: 1 }), [{ kind: "final" }]);
 * const points = metricPoints(ladder, "loss");
 * assert.equal(points.y.length, ladder.runs.length);
 * assert.ok(report[0].dropped > 0);
 * ```
 *
 * @module
 */

export * from "./schema.ts";
export * from "./parse.ts";
export * from "./mapping.ts";
export * from "./load.ts";
export * from "./units.ts";
export * from "./table.ts";
export * from "./catalog.ts";
export * from "./filter.ts";
export {
  chinchillaLoss,
  syntheticAccuracy,
  syntheticLadder,
  syntheticLoss,
  type SyntheticOptions,
  type SyntheticTask,
  type SyntheticTruth,
  syntheticTruth,
} from "./synthetic.ts";
