import assert from "node:assert/strict";
import * as aq from "arquero";
import { DataError } from "../util/errors.ts";
import { buildLadder } from "./mapping.ts";
import { parseCsv } from "./parse.ts";
import { type ColumnMapping, ladderToRecords } from "./schema.ts";
import { ladderFromRecords, ladderToTable } from "./table.ts";

const CSV = "model,N,step,D,metric,value\n" +
  "a,1e8,10,1e9,loss,3.5\n" +
  "a,1e8,10,1e9,acc,0.25\n" +
  "a,1e8,20,2e9,loss,3.25\n" +
  "b,2e8,,1e9,loss,3\n";
const MAPPING: ColumnMapping = {
  run: "model",
  params: "N",
  step: "step",
  tokens: "D",
  metric: "metric",
  value: "value",
};

Deno.test("ladderToTable() gives the long records as an arquero table", () => {
  const ladder = buildLadder(parseCsv(CSV), MAPPING);
  const t = ladderToTable(ladder);
  assert.deepEqual(t.columnNames(), [
    "run",
    "family",
    "seed",
    "params",
    "paramsNonEmbedding",
    "dataset",
    "step",
    "tokens",
    "flops",
    "metric",
    "value",
  ]);
  assert.deepEqual(t.objects(), ladderToRecords(ladder));
  // Usable with arquero verbs: the minimum loss per run.
  const best = t.filter((d: { metric: string }) => d.metric === "loss")
    .groupby("run")
    .rollup({ best: aq.op.min("value") })
    .objects();
  assert.deepEqual(best, [{ run: "a", best: 3.25 }, { run: "b", best: 3 }]);
});

Deno.test("ladderFromRecords() builds the same ladder as the CSV with the same cells", () => {
  const records = [
    { model: "a", N: 1e8, step: 10, D: 1e9, metric: "loss", value: 3.5 },
    { model: "a", N: 1e8, step: 10, D: 1e9, metric: "acc", value: 0.25 },
    { model: "a", N: 1e8, step: 20, D: 2e9, metric: "loss", value: 3.25 },
    { model: "b", N: 2e8, step: null, D: 1e9, metric: "loss", value: 3 },
  ];
  const fromRecords = ladderFromRecords(records, MAPPING);
  const fromCsv = buildLadder(parseCsv(CSV), MAPPING);
  assert.deepEqual(ladderToRecords(fromRecords), ladderToRecords(fromCsv));
});

Deno.test("ladderFromRecords() reads back ladderToTable() objects", () => {
  const ladder = buildLadder(parseCsv(CSV), MAPPING);
  const back = ladderFromRecords(ladderToTable(ladder).objects(), {
    run: "run",
    params: "params",
    step: "step",
    tokens: "tokens",
    flops: "flops",
    metric: "metric",
    value: "value",
  });
  assert.deepEqual(back.runs, ladder.runs);
  assert.deepEqual([...back.observations.value], [...ladder.observations.value]);
  assert.deepEqual([...back.checkpoints.step], [...ladder.checkpoints.step]);
});

Deno.test("ladderFromRecords() names the record number of a bad value", () => {
  const records = [
    { model: "a", N: 1e8, D: 1e9, loss: 3 },
    { model: "a", N: 1e8, D: 2e9, loss: NaN },
  ];
  assert.throws(
    () => ladderFromRecords(records, { run: "model", params: "N", tokens: "D", metrics: ["loss"] }),
    (err: unknown) =>
      err instanceof DataError && err.line === 2 &&
      /line 2, column "loss" \(4\) is "NaN"; expected a finite number/.test(err.message),
  );
});
