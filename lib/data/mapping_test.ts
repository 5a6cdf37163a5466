import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { rng } from "../util/rng.ts";
import { buildLadder, CANONICAL_MAPPING, globMatch, ladderToCsv } from "./mapping.ts";
import { parseCsv } from "./parse.ts";
import { type ColumnMapping, type Ladder, ladderToRecords, makeLadder } from "./schema.ts";

function throwsData(fn: () => unknown, ...patterns: RegExp[]): DataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${caught}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

const LONG: ColumnMapping = {
  run: "run",
  params: "params",
  step: "step",
  tokens: "tokens",
  metric: "metric",
  value: "value",
};

/** The comparable content of a ladder (typed arrays as plain arrays). */
function content(l: Ladder) {
  return {
    runs: l.runs,
    checkpoints: {
      run: [...l.checkpoints.run],
      step: [...l.checkpoints.step],
      tokens: [...l.checkpoints.tokens],
      flops: [...l.checkpoints.flops],
    },
    observations: {
      checkpoint: [...l.observations.checkpoint],
      metric: [...l.observations.metric],
      value: [...l.observations.value],
    },
    metrics: l.metrics,
  };
}

Deno.test("buildLadder() reads the long form into runs, checkpoints and observations", () => {
  const t = parseCsv(
    "run,params,step,tokens,metric,value\n" +
      "a,1e8,10,1e9,loss,3.5\n" +
      "a,1e8,10,1e9,acc,0.25\n" +
      "a,1e8,20,2e9,loss,3.25\n" +
      "b,2e8,10,1e9,loss,3.0\n",
  );
  const l = buildLadder(t, LONG);
  assert.deepEqual(l.runs, [{ id: "a", params: 1e8 }, { id: "b", params: 2e8 }]);
  assert.deepEqual(content(l).checkpoints, {
    run: [0, 0, 1],
    step: [10, 20, 10],
    tokens: [1e9, 2e9, 1e9],
    flops: [NaN, NaN, NaN],
  });
  assert.deepEqual(l.metrics, ["loss", "acc"]);
  assert.deepEqual(content(l).observations, {
    checkpoint: [0, 0, 1, 2],
    metric: [0, 1, 0, 0],
    value: [3.5, 0.25, 3.25, 3.0],
  });
  assert.deepEqual(l.warnings, []);
});

Deno.test("buildLadder() reads the wide form with globs; empty cells are not observed", () => {
  const t = parseCsv(
    "run,N,D,train_loss,eval/c4_acc,eval/pile_acc,eval/c4_loss\n" +
      "a,1e6,1e8,4.0,0.3,,3.9\n" +
      "a,1e6,2e8,,,,\n" +
      "a,1e6,3e8,3.5,,0.35,\n",
  );
  const l = buildLadder(t, {
    run: "run",
    params: "N",
    tokens: "D",
    metrics: ["eval/*_acc", "train_loss", "eval/c4_acc"],
    metricKinds: { "eval/*_acc": "accuracy", train_loss: "loss" },
  });
  assert.deepEqual(l.metrics, ["eval/c4_acc", "train_loss", "eval/pile_acc"]);
  // The all-empty row at D = 2e8 observes nothing and creates no checkpoint.
  assert.deepEqual([...l.checkpoints.tokens], [1e8, 3e8]);
  assert.deepEqual(
    ladderToRecords(l).map((r) => [r.tokens, r.metric, r.value]),
    // Within a row, observations follow the order of the metrics patterns.
    [[1e8, "eval/c4_acc", 0.3], [1e8, "train_loss", 4.0], [3e8, "eval/pile_acc", 0.35], [
      3e8,
      "train_loss",
      3.5,
    ]],
  );
  assert.deepEqual(l.metricKinds, {
    "eval/c4_acc": "accuracy",
    train_loss: "loss",
    "eval/pile_acc": "accuracy",
  });
});

Deno.test("buildLadder() reads a W&B-style wide export", () => {
  // Shape of a W&B "Export CSV": Name, _step, one column per logged key, sparse logging.
  const t = parseCsv(
    "Name,_step,throughput/total_tokens,eval/c4_val/CrossEntropyLoss,eval/c4_val/Perplexity," +
      "train/CrossEntropyLoss,model/params\n" +
      "olmo-150m,1000,4194304000,3.9120,50.0,3.95,151898880\n" +
      "olmo-150m,2000,8388608000,,,3.71,151898880\n" +
      "olmo-150m,3000,12582912000,3.5012,33.15,3.60,151898880\n" +
      "olmo-300m,1000,4194304000,3.6000,36.6,3.70,300000000\n",
  );
  const l = buildLadder(t, {
    run: "Name",
    params: "model/params",
    step: "_step",
    tokens: "throughput/total_tokens",
    metrics: ["eval/*/CrossEntropyLoss"],
  });
  assert.deepEqual(l.metrics, ["eval/c4_val/CrossEntropyLoss"]);
  assert.deepEqual(l.runs.map((r) => [r.id, r.params]), [["olmo-150m", 151898880], [
    "olmo-300m",
    3e8,
  ]]);
  assert.deepEqual([...l.checkpoints.step], [1000, 3000, 1000]);
  assert.deepEqual([...l.checkpoints.tokens], [4194304000, 12582912000, 4194304000]);
  assert.deepEqual([...l.observations.value], [3.912, 3.5012, 3.6]);
});

Deno.test("buildLadder() joins composite run, family and metric keys with '/'", () => {
  const t = parseCsv(
    "source,model,set,size,tokens,task,split,value\n" +
      "s1,m,A,small,1e9,c4,val,3.1\n" +
      "s2,m,A,small,1e9,c4,val,3.3\n" +
      "s1,m,A,small,1e9,c4,test,3.2\n",
  );
  const l = buildLadder(t, {
    run: ["source", "model"],
    family: ["set", "size"],
    params: "tokens",
    tokens: "tokens",
    metric: ["task", "split"],
    value: "value",
  });
  assert.deepEqual(l.runs.map((r) => [r.id, r.family]), [["s1/m", "A/small"], ["s2/m", "A/small"]]);
  assert.deepEqual(l.metrics, ["c4/val", "c4/test"]);
  assert.deepEqual([...l.checkpoints.run], [0, 1]);
  assert.deepEqual([...l.observations.checkpoint], [0, 1, 0]);
});

Deno.test("buildLadder() takes run-level columns from the runs table when the main table lacks them", () => {
  const obs = parseCsv(
    "source,model,step,tokens,metric,value\n" +
      "x,m1,1,1e9,loss,3.0\n" +
      "x,m2,1,1e9,loss,2.9\n" +
      "y,m1,1,2e9,loss,2.5\n",
  );
  const runs = parseCsv(
    "source,model,params,scaled_set,seed,data,arch\n" +
      "y,m1,5e8,big,0,pile,dec\n" +
      "x,m1,1e8,,1,c4,dec\n" +
      'x,m2,2e8,"set, two",1,c4,moe\n',
  );
  const l = buildLadder(obs, {
    run: ["source", "model"],
    params: "params",
    family: "scaled_set",
    seed: "seed",
    dataset: "data",
    fields: ["arch"],
    step: "step",
    tokens: "tokens",
    metric: "metric",
    value: "value",
  }, { runs });
  assert.deepEqual(l.runs, [
    { id: "x/m1", params: 1e8, seed: "1", dataset: "c4", fields: { arch: "dec" } },
    {
      id: "x/m2",
      params: 2e8,
      family: "set, two",
      seed: "1",
      dataset: "c4",
      fields: { arch: "moe" },
    },
    { id: "y/m1", params: 5e8, family: "big", seed: "0", dataset: "pile", fields: { arch: "dec" } },
  ]);
});

Deno.test("buildLadder() reports a run missing from the runs table, or drops it", () => {
  const obs = parseCsv("model,tokens,loss\nm1,1e9,3\nm9,1e9,3\n");
  const runs = parseCsv("model,params\nm1,1e8\n");
  const mapping: ColumnMapping = {
    run: "model",
    params: "params",
    tokens: "tokens",
    metrics: ["loss"],
  };
  throwsData(
    () => buildLadder(obs, mapping, { runs }),
    /line 3, column "model" \(1\) is "m9" names a run that is not in the runs table/,
  );
  const l = buildLadder(obs, { ...mapping, drop: ["missing"] }, { runs });
  assert.equal(l.runs.length, 1);
  assert.deepEqual(l.warnings.map((w) => [w.code, w.count]), [["load.dropped-missing", 1]]);
});

Deno.test("buildLadder() keeps rows matching where, in the main or the runs table", () => {
  const obs = parseCsv("src,model,tokens,loss\na,m1,1e9,3\nb,m1,1e9,2\na,m2,1e9,4\n");
  const runs = parseCsv("src,model,params,kind\na,m1,1e8,dec\nb,m1,1e8,dec\na,m2,1e8,moe\n");
  const base: ColumnMapping = {
    run: ["src", "model"],
    params: "params",
    tokens: "tokens",
    metrics: ["loss"],
  };
  const bySrc = buildLadder(obs, { ...base, where: { src: "a" } }, { runs });
  assert.deepEqual(bySrc.runs.map((r) => r.id), ["a/m1", "a/m2"]);
  const byKind = buildLadder(obs, { ...base, where: { kind: ["dec"], src: ["a", "b"] } }, { runs });
  assert.deepEqual(byKind.runs.map((r) => r.id), ["a/m1", "b/m1"]);
  throwsData(
    () => buildLadder(obs, { ...base, where: { src: "c" } }, { runs }),
    /column "src" \(1\) matches no row/,
    /"a", "b"/,
  );
});

Deno.test("buildLadder() applies scale factors and derives tokens from flops", () => {
  const t = parseCsv("run,size_b,gflops,loss\na,0.5,3e9,3\n");
  const l = buildLadder(t, {
    run: "run",
    params: "size_b",
    flops: "gflops",
    metrics: ["loss"],
    scale: { params: 1e9, flops: 1e9 },
  });
  assert.equal(l.runs[0].params, 5e8);
  assert.equal(l.checkpoints.flops[0], 3e18);
  assert.equal(l.checkpoints.tokens[0], 3e18 / (6 * 5e8)); // = 1e9
  assert.equal(l.checkpoints.tokens[0], 1e9);
  assert.ok(Number.isNaN(l.checkpoints.step[0]));
});

Deno.test("buildLadder() without a run column makes each row its own run", () => {
  const t = parseCsv("N,D,loss\n1e6,1e8,4\n2e6,1e8,3.5\n");
  const l = buildLadder(t, { params: "N", tokens: "D", metrics: ["loss"] });
  assert.deepEqual(l.runs.map((r) => r.id), ["row-2", "row-3"]);
});

Deno.test("buildLadder() drops missing cells and zero-token rows with counted warnings", () => {
  const t = parseCsv(
    "run,params,step,tokens,metric,value\n" +
      "a,1e8,0,0,loss,10.8\n" +
      "a,1e8,1,1e9,loss,3\n" +
      "b,,1,1e9,loss,3\n" +
      "b,,2,2e9,loss,2.9\n" +
      "c,1e8,1,,loss,3\n" +
      "c,1e8,2,2e9,loss,2.8\n",
  );
  const l = buildLadder(t, { ...LONG, drop: ["missing", "zero-tokens"] });
  assert.deepEqual(l.runs.map((r) => r.id), ["a", "c"]);
  assert.equal(l.observations.value.length, 2);
  const counts = Object.fromEntries(l.warnings.map((w) => [w.message, w.count]));
  assert.deepEqual(counts, {
    "Dropped 1 row(s) with tokens = 0 (initial checkpoints)": 1,
    'Dropped 2 row(s) with an empty "params" cell': 2,
    'Dropped 1 row(s) with an empty "tokens" cell': 1,
  });
  assert.deepEqual(l.warnings.map((w) => w.code), [
    "load.dropped-zero-tokens",
    "load.dropped-missing",
    "load.dropped-missing",
  ]);
  throwsData(
    () => buildLadder(t, { ...LONG, drop: ["zero-tokens"] }),
    /line 4, column "params" \(2\) is ""; expected a positive number of parameters \(or add "missing" to drop/,
  );
});

Deno.test("buildLadder() merges duplicate rows as asked and counts them", () => {
  const t = parseCsv(
    "run,params,tokens,metric,value\n" +
      "a,1e8,1e9,loss,3\n" +
      "a,1e8,1e9,loss,4\n" +
      "a,1e8,1e9,loss,3.5\n" +
      "a,1e8,2e9,loss,2\n",
  );
  const m: ColumnMapping = { ...LONG, step: undefined };
  const values = (
    mode: "mean" | "first" | "last",
  ) => [...buildLadder(t, { ...m, onDuplicate: mode }).observations.value];
  assert.deepEqual(values("mean"), [3.5, 2]);
  assert.deepEqual(values("first"), [3, 2]);
  assert.deepEqual(values("last"), [3.5, 2]);
  const w = buildLadder(t, { ...m, onDuplicate: "mean" }).warnings;
  assert.deepEqual(w.map((x) => [x.code, x.count]), [["load.duplicates", 2]]);
});

Deno.test("buildLadder() rejects duplicate (run, step, metric) rows naming both lines", () => {
  const t = parseCsv(
    "run,params,step,tokens,metric,value\na,1e8,5,1e9,loss,3\na,1e8,6,2e9,loss,2\na,1e8,5,1e9,loss,3.1\n",
  );
  const err = throwsData(
    () => buildLadder(t, LONG),
    /line 4, column "metric" \(5\) is "loss" again: line 2 has the same run "a", step 5 and metric/,
  );
  assert.equal(err.line, 4);
});

Deno.test("buildLadder() rejects a non-numeric value naming line, column and value", () => {
  const t = parseCsv(
    "run,params,step,tokens,metric,value\na,1e8,1,1e9,loss,3\na,1e8,2,2e9,loss,n/a\n",
  );
  const err = throwsData(
    () => buildLadder(t, LONG),
    /^Cannot parse data: line 3, column "value" \(6\) is "n\/a"; expected a finite number$/,
  );
  assert.deepEqual([err.line, err.column, err.columnIndex, err.value], [3, "value", 6, "n/a"]);
});

Deno.test("buildLadder() rejects NaN and infinite text as not finite", async (t) => {
  for (const bad of ["NaN", "inf", "-Infinity", "1e999"]) {
    await t.step(bad, () => {
      const table = parseCsv(`run,N,D,loss\na,1e8,1e9,3\na,1e8,2e9,${bad}\n`);
      const err = throwsData(
        () => buildLadder(table, { run: "run", params: "N", tokens: "D", metrics: ["loss"] }),
        new RegExp(`line 3, column "loss" \\(4\\) is "${bad}"; expected a finite number`),
      );
      assert.equal(err.problem, "is not finite");
    });
  }
});

Deno.test("buildLadder() rejects a mapped column that does not exist, suggesting the closest", () => {
  const t = parseCsv("run,params,tokens,Loss\na,1e8,1e9,3\n");
  const err = throwsData(
    () => buildLadder(t, { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] }),
    /line 1, column "loss" does not exist \(mapping\.metrics\)/,
    /expected one of "run", "params", "tokens", "Loss" — did you mean "Loss"\?/,
  );
  assert.equal(err.line, 1);
  throwsData(
    () => buildLadder(t, { run: "run", params: "parms", tokens: "tokens", metrics: ["Loss"] }),
    /column "parms" does not exist \(mapping\.params\).*did you mean "params"/,
  );
  throwsData(
    () => buildLadder(t, { run: "run", params: "params", tokens: "tokens", metrics: ["eval/*"] }),
    /column "eval\/\*" matches no column/,
  );
});

Deno.test("buildLadder() rejects zero or negative params", () => {
  const t = parseCsv("run,params,tokens,loss\na,1e8,1e9,3\nb,0,1e9,3\nc,-5,1e9,3\n");
  const m: ColumnMapping = { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] };
  const err = throwsData(
    () => buildLadder(t, m),
    /line 3, column "params" \(2\) is "0"; expected a positive number of parameters/,
  );
  assert.equal(err.problem, "is zero");
  const neg = parseCsv("run,params,tokens,loss\nc,-5,1e9,3\n");
  assert.equal(
    throwsData(() => buildLadder(neg, m), /line 2, column "params"/).problem,
    "is negative",
  );
});

Deno.test("buildLadder() rejects zero or negative tokens", () => {
  const m: ColumnMapping = { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] };
  throwsData(
    () => buildLadder(parseCsv("run,params,tokens,loss\na,1e8,1e9,3\na,1e8,0,3\n"), m),
    /line 3, column "tokens" \(3\) is "0"; expected a positive number of tokens \(add "zero-tokens" to drop/,
  );
  throwsData(
    () => buildLadder(parseCsv("run,params,tokens,loss\na,1e8,-1e9,3\n"), m),
    /line 2, column "tokens" \(3\) is "-1e9"; expected a positive number of tokens$/,
  );
});

Deno.test("buildLadder() rejects two different params for one run, naming both lines", () => {
  const t = parseCsv(
    "run,params,tokens,loss\na,1e8,1e9,3\na,100000000,2e9,2.9\na,2e8,3e9,2.8\n",
  );
  const err = throwsData(
    () => buildLadder(t, { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] }),
    /line 4, column "params" \(2\) is "2e8" but line 2 of run "a" has "1e8"/,
  );
  assert.equal(err.line, 4);
});

Deno.test("buildLadder() rejects two token counts for one checkpoint", () => {
  const t = parseCsv("run,params,step,tokens,metric,value\na,1,5,1e9,x,1\na,1,5,2e9,y,1\n");
  throwsData(
    () => buildLadder(t, LONG),
    /line 3, column "tokens" \(4\) is "2e9" but line 2 of run "a" at step 5 has 1000000000/,
  );
});

Deno.test("buildLadder() errors name the runs table's file and line for its cells", () => {
  const obs = parseCsv("model,tokens,loss\nm1,1e9,3\n");
  const runs = { ...parseCsv("model,params\nm1,abc\n"), file: "runs.csv" };
  throwsData(
    () =>
      buildLadder(obs, { run: "model", params: "params", tokens: "tokens", metrics: ["loss"] }, {
        runs,
      }),
    /^Cannot load "runs.csv": line 2, column "params" \(2\) is "abc"; expected a positive number/,
  );
});

Deno.test("ladderToCsv() then buildLadder() with CANONICAL_MAPPING gives back the same ladder", () => {
  const r = rng(3);
  const runs = [
    { id: "a", params: 1 / 3 * 1e9, family: 'fam, "quoted"', seed: "1", dataset: "c4" },
    { id: "b\nnewline", params: 123456789, paramsNonEmbedding: 98765432.1 },
    { id: "c", params: 7e10, family: "f2" },
  ];
  const checkpoints = [];
  const observations = [];
  for (let run = 0; run < runs.length; run++) {
    for (let k = 1; k <= 4; k++) {
      const withStep = run !== 2;
      checkpoints.push({
        run,
        step: withStep ? k * 1000 : NaN,
        tokens: k * 2.1e9 * (1 + r.next()),
        flops: run === 0 ? 6 * runs[0].params * k * 2.1e9 : NaN,
      });
      const c = checkpoints.length - 1;
      observations.push({ checkpoint: c, metric: "loss", value: 2 + r.next() });
      if (k % 2 === 0) {
        observations.push({ checkpoint: c, metric: "eval/c4,acc", value: r.next() * 1e-7 });
      }
    }
  }
  observations.push({ checkpoint: 0, metric: "neg", value: -0 });
  observations.push({ checkpoint: 1, metric: "neg", value: -5e-324 });
  const ladder = makeLadder({ runs, checkpoints, observations });
  const back = buildLadder(parseCsv(ladderToCsv(ladder)), CANONICAL_MAPPING);
  assert.deepEqual(content(back), content(ladder));
  assert.ok(Object.is(back.observations.value[back.observations.value.length - 2], -0));

  // And a ladder built from a wide table survives the trip too.
  const wide = buildLadder(
    parseCsv("run,N,D,l1,l2\nx,1e6,1e8,4.0000000001,\nx,1e6,2e8,3.9,0.1\ny,2e6,1e8,,0.2\n"),
    { run: "run", params: "N", tokens: "D", metrics: ["l1", "l2"] },
  );
  assert.deepEqual(
    content(buildLadder(parseCsv(ladderToCsv(wide)), CANONICAL_MAPPING)),
    content(wide),
  );
});

Deno.test("globMatch() matches '*' against any run of characters", () => {
  assert.ok(globMatch("*", ""));
  assert.ok(globMatch("eval/*/CrossEntropyLoss", "eval/c4_val/CrossEntropyLoss"));
  assert.ok(globMatch("a*b*c", "abc"));
  assert.ok(globMatch("a*b*c", "axxbyyc"));
  assert.ok(!globMatch("a*b*c", "acb"));
  assert.ok(!globMatch("ab*ba", "aba"));
  assert.ok(globMatch("ab*ba", "abba"));
  assert.ok(!globMatch("loss", "loss2"));
});
