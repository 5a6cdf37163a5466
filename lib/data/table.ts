/**
 * Bridges between a {@link Ladder} and row-oriented tools: an arquero table of the long records
 * for ad-hoc queries, and a ladder from records held in memory (arquero's `objects()`, a
 * danfojs frame's `toJSON()`, rows from a notebook).
 *
 * @module
 */

import * as aq from "arquero";
import { buildLadder, type BuildLadderOptions } from "./mapping.ts";
import { recordsToRawTable } from "./parse.ts";
import type { ColumnMapping, Ladder } from "./schema.ts";

/** The arquero table type returned by {@link ladderToTable}. */
export type LadderTable = ReturnType<typeof aq.table>;

/**
 * An arquero table with one row per observation and the columns of
 * {@link import("./schema.ts").LadderRecord}: `run, family, seed, params, paramsNonEmbedding,
 * dataset, step, tokens, flops, metric, value` (missing values are `null`).
 *
 * @param ladder The ladder.
 * @returns A new arquero table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ladderToTable } from "./table.ts";
 * import { makeLadder } from "./schema.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "a", params: 1e8 }],
 *   checkpoints: [{ run: 0, step: 1, tokens: 1e9, flops: NaN }],
 *   observations: [{ checkpoint: 0, metric: "loss", value: 3 }, { checkpoint: 0, metric: "acc", value: 0.4 }],
 * });
 * const t = ladderToTable(ladder);
 * assert.equal(t.numRows(), 2);
 * assert.deepEqual(t.array("metric"), ["loss", "acc"]);
 * assert.equal(t.get("flops", 0), null);
 * ```
 */
export function ladderToTable(ladder: Ladder): LadderTable {
  const { checkpoint, metric, value } = ladder.observations;
  const cp = ladder.checkpoints;
  const n = checkpoint.length;
  const run = new Array<string>(n);
  const family = new Array<string | null>(n);
  const seed = new Array<string | null>(n);
  const params = new Float64Array(n);
  const paramsNonEmbedding = new Array<number | null>(n);
  const dataset = new Array<string | null>(n);
  const step = new Array<number | null>(n);
  const tokens = new Float64Array(n);
  const flops = new Array<number | null>(n);
  const metricName = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const c = checkpoint[i];
    const r = ladder.runs[cp.run[c]];
    run[i] = r.id;
    family[i] = r.family ?? null;
    seed[i] = r.seed ?? null;
    params[i] = r.params;
    paramsNonEmbedding[i] = r.paramsNonEmbedding ?? null;
    dataset[i] = r.dataset ?? null;
    step[i] = Number.isNaN(cp.step[c]) ? null : cp.step[c];
    tokens[i] = cp.tokens[c];
    flops[i] = Number.isNaN(cp.flops[c]) ? null : cp.flops[c];
    metricName[i] = ladder.metrics[metric[i]];
  }
  return aq.table({
    run,
    family,
    seed,
    params,
    paramsNonEmbedding,
    dataset,
    step,
    tokens,
    flops,
    metric: metricName,
    value: Float64Array.from(value),
  });
}

/**
 * Build a ladder from flat records (objects), through a {@link import("./schema.ts").RawTable}
 * with the cell rules of `parseJson` (numbers as their round-trip text, `null` as empty). In
 * error messages, "line" is the 1-based record number.
 *
 * @param records Flat objects, e.g. `dfd.toJSON(df)` of a danfojs frame or
 *   `table.objects()` of an arquero table.
 * @param mapping Which keys hold what.
 * @param options A per-run table and provenance, as for `buildLadder`.
 * @returns The ladder.
 * @throws {DataError} as `buildLadder` does, or for nested values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ladderFromRecords } from "./table.ts";
 * const ladder = ladderFromRecords(
 *   [{ run: "a", N: 1e8, D: 1e9, loss: 3.1 }, { run: "a", N: 1e8, D: 2e9, loss: 2.9 }],
 *   { run: "run", params: "N", tokens: "D", metrics: ["loss"] },
 * );
 * assert.deepEqual([...ladder.observations.value], [3.1, 2.9]);
 * ```
 */
export function ladderFromRecords(
  records: readonly object[],
  mapping: ColumnMapping,
  options: BuildLadderOptions = {},
): Ladder {
  return buildLadder(recordsToRawTable(records), mapping, options);
}
