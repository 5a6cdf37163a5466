import assert from "node:assert/strict";
import { syntheticLadder } from "./synthetic.ts";
import { CANONICAL_MAPPING, ladderToCsv } from "./mapping.ts";
import { parseCsv } from "./parse.ts";
import { buildLadder } from "./mapping.ts";
import { ladderToRecords } from "./schema.ts";

Deno.test("a synthetic ladder written to CSV and loaded back gives the same table", () => {
  const ladder = syntheticLadder({ seed: 3 });
  const back = buildLadder(parseCsv(ladderToCsv(ladder)), CANONICAL_MAPPING);
  // Same runs (the canonical columns; per-run extra fields are not part of the long CSV).
  assert.deepEqual(
    back.runs.map((r) => [r.id, r.family, r.seed, r.params, r.paramsNonEmbedding, r.dataset]),
    ladder.runs.map((r) => [r.id, r.family, r.seed, r.params, r.paramsNonEmbedding, r.dataset]),
  );
  assert.deepEqual(back.checkpoints, ladder.checkpoints);
  assert.deepEqual(back.metrics, ladder.metrics);
  assert.deepEqual(back.observations, ladder.observations);
  // And the flat long table is identical row for row, values bit for bit.
  assert.deepEqual(ladderToRecords(back), ladderToRecords(ladder));
  assert.ok(ladder.observations.value.length > 1000);
});
