/**
 * Per-run metadata joined onto a loaded ladder by run id: mixture proportions, hyper-parameters
 * or anything else a law reads as a run field (`x: { r1: "c4_share" }` in a pipeline's fit).
 *
 * @module
 */

import { nearestName } from "../util/suggest.ts";
import type { Ladder, Run } from "./schema.ts";

/**
 * Column names a fit maps before run fields (run.ts `columnValues`): a run field with one of
 * these names, or with a metric's name, would be shadowed, so it is refused.
 */
export const RESERVED_COLUMNS: readonly string[] = [
  "N",
  "params",
  "D",
  "tokens",
  "C",
  "flops",
  "compute",
  "M",
  "step",
  "paramsNonEmbedding",
];

/** Numeric fields by run id: `{ "<run id>": { "<field>": value } }`. */
export type RunFieldValues = Record<string, Record<string, number>>;

/**
 * A copy of the ladder whose runs carry the given fields (added to, or replacing, the fields they
 * already have). Runs not named keep their fields; they read NaN for a field they lack.
 *
 * @param ladder The ladder.
 * @param values Fields by run id; every id must be a run of the ladder, every value finite, and
 *   no field named like a column of {@link RESERVED_COLUMNS} or a metric of the ladder.
 * @param what Where the values come from, for messages (e.g. `steps[0].runFields`).
 * @returns The new ladder (checkpoints and observations are shared, not copied).
 * @throws {RangeError} Naming the run id (with the nearest run id) or the field and its value.
 *
 * @example Mixture proportions of two runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "./schema.ts";
 * import { withRunFields } from "./run_fields.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "mix-a", params: 1e8 }, { id: "mix-b", params: 1e8 }],
 *   checkpoints: [{ run: 0, step: 1, tokens: 1e9, flops: NaN }],
 *   observations: [{ checkpoint: 0, metric: "loss", value: 3 }],
 * });
 * const out = withRunFields(ladder, { "mix-a": { web: 0.7, code: 0.3 } }, "example");
 * assert.deepEqual(out.runs[0].fields, { web: 0.7, code: 0.3 });
 * assert.equal(out.runs[1].fields, undefined);
 * assert.throws(() => withRunFields(ladder, { "mix-c": { web: 1 } }, "example"), /did you mean "mix-a"/);
 * ```
 */
export function withRunFields(ladder: Ladder, values: RunFieldValues, what: string): Ladder {
  const index = new Map(ladder.runs.map((r, i) => [r.id, i]));
  const runs: Run[] = ladder.runs.slice();
  for (const [id, fields] of Object.entries(values)) {
    const i = index.get(id);
    if (i === undefined) {
      const near = nearestName(id, index.keys());
      const hint = near && near.distance <= Math.max(2, Math.floor(id.length / 4))
        ? `; did you mean ${JSON.stringify(near.name)}?`
        : "";
      throw new RangeError(
        `Cannot join ${what}: run ${JSON.stringify(id)} is not in the data (${runs.length} ` +
          `runs); expected the id of a loaded run${hint}`,
      );
    }
    for (const [name, v] of Object.entries(fields)) {
      if (RESERVED_COLUMNS.includes(name) || ladder.metrics.includes(name)) {
        throw new RangeError(
          `Cannot join ${what}: field ${JSON.stringify(name)} of run ${JSON.stringify(id)} ` +
            `has the name of ${
              RESERVED_COLUMNS.includes(name) ? "a built-in column" : "a metric"
            }, which a fit would read instead; expected another name`,
        );
      }
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot join ${what}: field ${JSON.stringify(name)} of run ${JSON.stringify(id)} is ` +
            `${typeof v === "number" ? String(v) : JSON.stringify(v)}; expected a finite number`,
        );
      }
    }
    runs[i] = { ...runs[i], fields: { ...runs[i].fields, ...fields } };
  }
  return { ...ladder, runs };
}
