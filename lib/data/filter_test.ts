import assert from "node:assert/strict";
import { applyFilters, type FilterSpec } from "./filter.ts";
import { epochCsvPath } from "../util/_testdata.ts";
import {
  type CheckpointRecord,
  type Ladder,
  makeLadder,
  type ObservationRecord,
} from "./schema.ts";

/**
 * Four runs, 23 checkpoints (run 3 listed in reverse order):
 * - 0 "a-s0": f1, seed 0, N = 1e6, tokens 1..5 e8 (steps 1..5)
 * - 1 "a-s1": f1, seed 1, N = 1e6, tokens 1, 2, 4, 5 e8 (no step 3)
 * - 2 "b-s0": f1, seed 0, N = 4e6, tokens 4, 8, 12, 16 e8 (steps 1..4)
 * - 3 "c":    f2, no seed, N = 1.6e7, tokens 1..10 e9 (steps 1..10)
 * loss = 2 + 3 (D/1e8)^-0.3 (N/1e6)^-0.1, plus 0.1 for run 1; "acc" only at the final
 * checkpoints of runs 0, 2 and 3.
 */
function fixture(): Ladder {
  const runs = [
    { id: "a-s0", family: "f1", seed: "0", params: 1e6 },
    { id: "a-s1", family: "f1", seed: "1", params: 1e6 },
    { id: "b-s0", family: "f1", seed: "0", params: 4e6 },
    { id: "c", family: "f2", params: 1.6e7 },
  ];
  const plan: [number, number[], number][] = [
    [0, [1, 2, 3, 4, 5], 1e8],
    [1, [1, 2, 4, 5], 1e8],
    [2, [1, 2, 3, 4], 4e8],
    [3, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 1e9],
  ];
  const checkpoints: CheckpointRecord[] = [];
  const observations: ObservationRecord[] = [];
  for (const [run, steps, perStep] of plan) {
    const N = runs[run].params;
    for (const step of steps) {
      const tokens = step * perStep;
      const checkpoint = checkpoints.length;
      checkpoints.push({ run, step, tokens, flops: NaN });
      const value = 2 + 3 * (tokens / 1e8) ** -0.3 * (N / 1e6) ** -0.1 + (run === 1 ? 0.1 : 0);
      observations.push({ checkpoint, metric: "loss", value });
      if (step === Math.max(...steps) && run !== 1) {
        observations.push({ checkpoint, metric: "acc", value: 0.3 + 0.1 * run });
      }
    }
  }
  return makeLadder({
    runs,
    checkpoints,
    observations,
    metricKinds: { loss: "loss", acc: "accuracy" },
    warnings: [{ code: "load.note", message: "an earlier warning", count: 1 }],
  });
}

/** [run id, step, metric, value] rows, sorted, for readable comparisons. */
function rows(ladder: Ladder): [string, number, string, number][] {
  const { checkpoint, metric, value } = ladder.observations;
  const out: [string, number, string, number][] = [];
  for (let i = 0; i < value.length; i++) {
    const c = checkpoint[i];
    out.push([
      ladder.runs[ladder.checkpoints.run[c]].id,
      ladder.checkpoints.step[c],
      ladder.metrics[metric[i]],
      value[i],
    ]);
  }
  return out.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0)
  );
}

/** Steps kept per run id. */
function stepsByRun(ladder: Ladder): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const { run, step } = ladder.checkpoints;
  for (let c = 0; c < run.length; c++) (out[ladder.runs[run[c]].id] ??= []).push(step[c]);
  for (const k in out) out[k].sort((a, b) => a - b);
  return out;
}

function counts(spec: FilterSpec, ladder = fixture()): [number, number] {
  const { report } = applyFilters(ladder, [spec]);
  return [report[0].kept, report[0].dropped];
}

const loss = (tokens: number, N: number, extra = 0) =>
  2 + 3 * (tokens / 1e8) ** -0.3 * (N / 1e6) ** -0.1 + extra;

Deno.test("applyFilters() final keeps the last checkpoint of each run by tokens", () => {
  const { ladder, report } = applyFilters(fixture(), [{ kind: "final" }]);
  assert.deepEqual(report, [{
    filter: "keep the final checkpoint of each run",
    kept: 4,
    dropped: 19,
    reason: "checkpoints before the end of their run",
    unit: "checkpoints",
  }]);
  assert.deepEqual(stepsByRun(ladder), { "a-s0": [5], "a-s1": [5], "b-s0": [4], c: [10] });
  assert.equal(ladder.observations.value.length, 4 + 3);
  assert.deepEqual(ladder.warnings, [
    { code: "load.note", message: "an earlier warning", count: 1 },
    {
      code: "filter.dropped",
      message:
        "keep the final checkpoint of each run: dropped checkpoints before the end of their run",
      count: 19,
    },
  ]);
});

Deno.test("applyFilters() minTokens drops early checkpoints and runs left empty", () => {
  const { ladder, report } = applyFilters(fixture(), [{ kind: "minTokens", tokens: 1e9 }]);
  assert.deepEqual([report[0].kept, report[0].dropped], [12, 11]);
  assert.equal(report[0].filter, "keep checkpoints with at least 1e9 tokens");
  assert.deepEqual(ladder.runs.map((r) => r.id), ["b-s0", "c"]);
  assert.deepEqual(stepsByRun(ladder), { "b-s0": [3, 4], c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
  assert.equal(ladder.warnings[1].count, 11);
});

Deno.test("applyFilters() skipFraction drops the first part of each run", async (t) => {
  await t.step("by count: floor(p·n) checkpoints", () => {
    // floor(0.5·5) + floor(0.5·4) + floor(0.5·4) + floor(0.5·10) = 2 + 2 + 2 + 5
    assert.deepEqual(counts({ kind: "skipFraction", fraction: 0.5 }), [12, 11]);
    // floor(0.1·n) = 0, 0, 0, 1
    const { ladder } = applyFilters(fixture(), [{ kind: "skipFraction", fraction: 0.1 }]);
    assert.deepEqual(stepsByRun(ladder).c, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(ladder.checkpoints.run.length, 22);
  });
  await t.step("by tokens: tokens < p·final tokens", () => {
    // cuts 2.5e8, 2.5e8, 8e8 (kept: exactly at the cut), 5e9 → 2 + 2 + 1 + 4 dropped
    const spec: FilterSpec = { kind: "skipFraction", fraction: 0.5, by: "tokens" };
    assert.deepEqual(counts(spec), [14, 9]);
    assert.deepEqual(stepsByRun(applyFilters(fixture(), [spec]).ladder)["b-s0"], [2, 3, 4]);
  });
  await t.step("fractions 0 and 1", () => {
    assert.deepEqual(counts({ kind: "skipFraction", fraction: 0 }), [23, 0]);
    assert.deepEqual(counts({ kind: "skipFraction", fraction: 1 }), [0, 23]);
  });
});

Deno.test("applyFilters() lastFraction keeps the last part of each run", async (t) => {
  await t.step("by count: ceil(p·n) checkpoints, with 0.3·10 = 3 not 4", () => {
    // ceil(1.5) + ceil(1.2) + ceil(1.2) + ceil(3) = 2 + 2 + 2 + 3
    const { ladder, report } = applyFilters(fixture(), [{ kind: "lastFraction", fraction: 0.3 }]);
    assert.deepEqual([report[0].kept, report[0].dropped], [9, 14]);
    assert.deepEqual(stepsByRun(ladder), {
      "a-s0": [4, 5],
      "a-s1": [4, 5],
      "b-s0": [3, 4],
      c: [8, 9, 10],
    });
  });
  await t.step("by tokens: tokens >= (1 − p)·final tokens, the cut included", () => {
    // cuts 3.5e8, 3.5e8, 1.12e9, 7e9 → 2 + 2 + 2 + 4 kept
    const spec: FilterSpec = { kind: "lastFraction", fraction: 0.3, by: "tokens" };
    assert.deepEqual(counts(spec), [10, 13]);
    assert.deepEqual(stepsByRun(applyFilters(fixture(), [spec]).ladder).c, [7, 8, 9, 10]);
  });
});

Deno.test("applyFilters() everyK keeps every k-th checkpoint and the final one", () => {
  // k = 2: positions 0, 2, 4 | 0, 2, 3 | 0, 2, 3 | 0, 2, 4, 6, 8, 9
  const { ladder } = applyFilters(fixture(), [{ kind: "everyK", k: 2 }]);
  assert.deepEqual(stepsByRun(ladder), {
    "a-s0": [1, 3, 5],
    "a-s1": [1, 4, 5],
    "b-s0": [1, 3, 4],
    c: [1, 3, 5, 7, 9, 10],
  });
  assert.deepEqual(counts({ kind: "everyK", k: 2 }), [15, 8]);
  // k = 3: 0, 3, 4 | 0, 3 | 0, 3 | 0, 3, 6, 9
  assert.deepEqual(counts({ kind: "everyK", k: 3 }), [11, 12]);
  assert.deepEqual(counts({ kind: "everyK", k: 1 }), [23, 0]);
});

Deno.test("applyFilters() movingAverage replaces values by trailing means per run", () => {
  const input = fixture();
  const { ladder, report } = applyFilters(input, [{ kind: "movingAverage", width: 3 }]);
  assert.deepEqual([report[0].kept, report[0].dropped], [23, 0]);
  assert.equal(ladder.warnings.length, 1); // nothing dropped, no warning added
  const v = (k: number) => loss(k * 1e9, 1.6e7);
  const got = rows(ladder).filter((r) => r[0] === "c" && r[2] === "loss").map((r) => r[3]);
  const want = [v(1), (v(1) + v(2)) / 2];
  for (let k = 3; k <= 10; k++) want.push((v(k - 2) + v(k - 1) + v(k)) / 3);
  got.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-12, `${i}: ${x} vs ${want[i]}`));
  // acc has one value per run, so its average is itself.
  assert.deepEqual(rows(ladder).filter((r) => r[2] === "acc").map((r) => r[3]), [
    0.3,
    0.3 + 0.1 * 2,
    0.3 + 0.1 * 3,
  ]);
  // Run a-s1 lacks step 3: its window at step 4 holds steps 1, 2, 4.
  const s1 = rows(ladder).find((r) => r[0] === "a-s1" && r[1] === 4 && r[2] === "loss")!;
  assert.ok(
    Math.abs(s1[3] - (loss(1e8, 1e6, 0.1) + loss(2e8, 1e6, 0.1) + loss(4e8, 1e6, 0.1)) / 3) < 1e-12,
  );
  // The input keeps its values.
  assert.deepEqual(rows(input), rows(fixture()));
});

Deno.test("applyFilters() movingAverage drops partial windows and smooths chosen metrics", () => {
  const spec: FilterSpec = { kind: "movingAverage", width: 3, dropPartial: true, metrics: ["acc"] };
  const { ladder, report } = applyFilters(fixture(), [spec]);
  assert.deepEqual([report[0].kept, report[0].dropped], [15, 8]);
  // loss untouched
  const c3 = rows(ladder).find((r) => r[0] === "c" && r[1] === 3 && r[2] === "loss")!;
  assert.equal(c3[3], loss(3e9, 1.6e7));
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "movingAverage", width: 3, metrics: ["ppl"] }]),
    /Cannot apply filter 0 \("movingAverage"\): metric is "ppl"; expected one of "loss", "acc"/,
  );
});

Deno.test("applyFilters() seedAverage merges runs equal but for the seed", () => {
  const { ladder, report } = applyFilters(fixture(), [{ kind: "seedAverage" }]);
  assert.deepEqual(report[0], {
    filter: "average over seeds (matching checkpoints by auto)",
    kept: 3,
    dropped: 1,
    reason: "averaged 2 runs into 1 over seeds; kept 2 runs without another seed as they are; " +
      "dropped 1 checkpoints not logged by every seed; dropped 1 observations not logged by every seed",
    unit: "runs",
  });
  assert.deepEqual(ladder.runs.map((r) => r.id), ["a", "b-s0", "c"]);
  assert.deepEqual(ladder.runs[0], {
    id: "a",
    family: "f1",
    params: 1e6,
    fields: { seeds: "0,1" },
  });
  assert.deepEqual(stepsByRun(ladder).a, [1, 2, 4, 5]);
  const a = rows(ladder).filter((r) => r[0] === "a");
  // Only loss: acc was logged by seed 0 alone.
  assert.deepEqual(a.map((r) => r[2]), ["loss", "loss", "loss", "loss"]);
  for (const [, step, , value] of a) {
    const want = (loss(step * 1e8, 1e6) + loss(step * 1e8, 1e6, 0.1)) / 2;
    assert.ok(Math.abs(value - want) < 1e-12);
  }
  // Unmatched runs are copied unchanged.
  assert.deepEqual(
    rows(ladder).filter((r) => r[0] !== "a"),
    rows(fixture()).filter((r) => r[0] >= "b"),
  );
  assert.deepEqual(ladder.warnings.slice(1).map((w) => [w.code, w.count]), [
    ["filter.unmatched", 2],
    ["filter.dropped", 1],
    ["filter.dropped", 1],
  ]);
});

Deno.test("applyFilters() seedAverage matches by tokens when steps are unknown", () => {
  const base = fixture();
  const noSteps = {
    ...base,
    checkpoints: { ...base.checkpoints, step: base.checkpoints.step.map(() => NaN) },
  };
  const { ladder } = applyFilters(noSteps, [{ kind: "seedAverage" }]);
  assert.deepEqual([...ladder.checkpoints.tokens.subarray(0, 4)], [1e8, 2e8, 4e8, 5e8]);
  // Different final tokens make different configurations: nothing merges.
  const { report } = applyFilters(fixture(), [
    { kind: "lastFraction", fraction: 0.5 },
    { kind: "runs", ids: ["a-s0", "b-s0"] },
    { kind: "seedAverage" },
  ]);
  assert.deepEqual([report[2].kept, report[2].dropped], [2, 0]);
});

Deno.test("applyFilters() dropHighest keeps values strictly below the k-th largest", () => {
  // loss maxima: 5.1 (a-s1 step 1), 5 (a-s0 step 1), then 4.54...
  const { ladder, report } = applyFilters(fixture(), [{ kind: "dropHighest", count: 2 }]);
  assert.deepEqual([report[0].kept, report[0].dropped], [21, 2]);
  assert.equal(report[0].filter, 'drop the 2 highest "loss" values');
  assert.deepEqual(stepsByRun(ladder)["a-s0"], [2, 3, 4, 5]);
  assert.deepEqual(counts({ kind: "dropHighest", count: 0 }), [23, 0]);
  // Another metric: acc (0.3, 0.5, 0.6); checkpoints without acc are kept.
  assert.deepEqual(counts({ kind: "dropHighest", count: 1, metric: "acc" }), [22, 1]);
  assert.deepEqual(
    applyFilters(fixture(), [{ kind: "dropHighest", count: 1 }], { metric: "acc" }).report[0]
      .dropped,
    1,
  );
});

Deno.test("applyFilters() dropHighest drops every tie of the k-th largest value", () => {
  const values = [3, 9, 8, 8, 1, NaN];
  const ladder = makeLadder({
    runs: values.map((_, i) => ({ id: `r${i}`, params: 1e6 })),
    checkpoints: values.map((_, i) => ({ run: i, step: 1, tokens: 1e9, flops: NaN })),
    observations: values.map((value, checkpoint) => ({ checkpoint, metric: "loss", value })),
  });
  const dropped = (count: number) => counts({ kind: "dropHighest", count }, ladder)[1];
  assert.equal(dropped(1), 2); // 9, and NaN
  assert.equal(dropped(2), 4); // 9, 8, 8 (tie at the 2nd largest), NaN
  assert.equal(dropped(3), 4);
  assert.equal(dropped(4), 5);
  assert.equal(dropped(5), 6);
  assert.equal(dropped(7), 6);
});

Deno.test("applyFilters() dropHighest keeps 240 of Epoch's 245 Chinchilla points", () => {
  const lines = Deno.readTextFileSync(epochCsvPath()).trim().split("\n");
  assert.equal(lines[0], "params,flops,tokens,loss");
  const data = lines.slice(1).map((l) => l.split(",").map(Number));
  const ladder = makeLadder({
    runs: data.map(([params], i) => ({ id: `p${i}`, params })),
    checkpoints: data.map(([, flops, tokens], run) => ({ run, step: NaN, tokens, flops })),
    observations: data.map(([, , , value], checkpoint) => ({ checkpoint, metric: "loss", value })),
  });
  const { ladder: out, report } = applyFilters(ladder, [{ kind: "dropHighest", count: 5 }]);
  assert.deepEqual([report[0].kept, report[0].dropped], [240, 5]);
  // The largest loss kept is the 6th largest, 3.405927964 (tied twice).
  assert.equal(Math.max(...out.observations.value), 3.405927964);
  assert.equal(out.runs.length, 240);
});

Deno.test("applyFilters() runs selects by family, size rank and final compute", () => {
  const ids = (spec: FilterSpec) => applyFilters(fixture(), [spec]).ladder.runs.map((r) => r.id);
  assert.deepEqual(ids({ kind: "runs", families: ["f1"] }), ["a-s0", "a-s1", "b-s0"]);
  assert.deepEqual(counts({ kind: "runs", families: ["f1"] }), [3, 1]);
  assert.deepEqual(ids({ kind: "runs", smallest: 1 }), ["a-s0", "a-s1"]);
  assert.deepEqual(ids({ kind: "runs", smallest: 2 }), ["a-s0", "a-s1", "b-s0"]);
  assert.deepEqual(ids({ kind: "runs", largest: 1 }), ["c"]);
  assert.deepEqual(ids({ kind: "runs", sizeRanks: [0, 2] }), ["a-s0", "a-s1", "c"]);
  // final 6ND compute: 3e15, 3e15, 3.84e16, 9.6e17
  assert.deepEqual(ids({ kind: "runs", minCompute: 1e16, maxCompute: 1e17 }), ["b-s0"]);
  assert.deepEqual(ids({ kind: "runs", minCompute: 3e15 }), ["a-s0", "a-s1", "b-s0", "c"]);
  assert.deepEqual(ids({ kind: "runs", families: ["f1"], largest: 2 }), ["b-s0"]);
  // "given" compute is NaN here: no run has a known compute in range.
  assert.deepEqual(counts({ kind: "runs", minCompute: 0, compute: "given" }), [0, 4]);
  const { ladder, report } = applyFilters(fixture(), [{ kind: "runs", smallest: 1 }]);
  assert.equal(report[0].reason, "runs not selected (14 checkpoints)");
  assert.equal(ladder.checkpoints.run.length, 9);
  assert.deepEqual(ladder.warnings[1], {
    code: "filter.dropped",
    message: "keep runs with the 1 smallest sizes: dropped runs not selected",
    count: 2,
  });
});

/**
 * A dense run (N = 1e6, D = 1e8 · (1 + 0.1 i), i = 0..20, C = 6e14..1.8e15) and a sparse run
 * (N = 2e6, D = 1e8 and 1e9, C = 1.2e15 and 1.2e16), with exact power laws in compute:
 * loss = 3 (C/1e14)^-0.05 and acc = 0.3 (C/1e14)^0.02. flops are given as 1.5 · 6ND.
 */
function powerLadder(): Ladder {
  const runs = [{ id: "dense", params: 1e6, paramsNonEmbedding: 5e5 }, {
    id: "sparse",
    params: 2e6,
  }];
  const checkpoints: CheckpointRecord[] = [];
  const observations: ObservationRecord[] = [];
  const add = (run: number, tokens: number) => {
    const C = 6 * runs[run].params * tokens;
    const checkpoint = checkpoints.length;
    checkpoints.push({ run, step: checkpoint, tokens, flops: 1.5 * C });
    observations.push({ checkpoint, metric: "loss", value: 3 * (C / 1e14) ** -0.05 });
    observations.push({ checkpoint, metric: "acc", value: 0.3 * (C / 1e14) ** 0.02 });
  };
  for (let i = 0; i <= 20; i++) add(0, 1e8 * (1 + 0.1 * i));
  add(1, 1e8);
  add(1, 1e9);
  return makeLadder({ runs, checkpoints, observations });
}

Deno.test("applyFilters() atCompute interpolates exactly on power laws and refuses beyond 10%", () => {
  const budgets = [5e14, 5.6e14, 1e15, 1.2e15, 1.9e15, 2.1e15, 4e15];
  const { ladder, report } = applyFilters(powerLadder(), [{ kind: "atCompute", budgets }]);
  // dense: 5e14 is 20% below its first checkpoint, 2.1e15 is 17% and 4e15 122% above its last;
  // sparse: only 1.2e15 has a checkpoint within 10% (4e15 lies between its two checkpoints, 70%
  // from the nearer one).
  assert.deepEqual([report[0].kept, report[0].dropped, report[0].unit], [5, 9, "points"]);
  assert.deepEqual(ladder.warnings, [{
    code: "filter.refused",
    message:
      "read values at 7 compute budgets (6ND, tolerance 10%): refused (run, budget) points " +
      "with no checkpoint within 10% of the budget",
    count: 9,
  }]);
  const { run, step, tokens, flops } = ladder.checkpoints;
  assert.deepEqual([...flops], [5.6e14, 1e15, 1.2e15, 1.9e15, 1.2e15]);
  assert.deepEqual([...run], [0, 0, 0, 0, 1]);
  assert.ok(step.every(Number.isNaN));
  for (let c = 0; c < run.length; c++) {
    const N = ladder.runs[run[c]].params;
    assert.ok(Math.abs(tokens[c] - flops[c] / (6 * N)) <= 1e-15 * tokens[c]);
  }
  const { checkpoint, metric, value } = ladder.observations;
  assert.equal(value.length, 10);
  for (let i = 0; i < value.length; i++) {
    const C = flops[checkpoint[i]];
    const want = ladder.metrics[metric[i]] === "loss"
      ? 3 * (C / 1e14) ** -0.05
      : 0.3 * (C / 1e14) ** 0.02;
    assert.ok(Math.abs(value[i] - want) < 1e-13, `${C}: ${value[i]} vs ${want}`);
  }
});

Deno.test("applyFilters() atCompute honours the tolerance and compute mode", () => {
  const wide = applyFilters(powerLadder(), [{
    kind: "atCompute",
    budgets: [5e14],
    tolerance: 0.25,
  }]);
  assert.deepEqual([wide.report[0].kept, wide.report[0].dropped], [1, 1]);
  const v = wide.ladder.observations.value[0];
  assert.ok(Math.abs(v - 3 * 5 ** -0.05) < 1e-13); // extrapolated along the power law
  // "given": C = 1.5 · 6ND, so 1.5e15 is the dense run's 1e15 point; tokens are interpolated.
  const given = applyFilters(powerLadder(), [{
    kind: "atCompute",
    budgets: [1.5e15],
    compute: "given",
  }]);
  assert.deepEqual([given.report[0].kept, given.report[0].dropped], [1, 1]);
  assert.ok(Math.abs(given.ladder.checkpoints.tokens[0] - 1e15 / 6e6) < 1e-6);
  // "6NnD" (dense only: N_non-embedding = 5e5): C = 6e14 at D = 2e8.
  const nn = applyFilters(powerLadder(), [{ kind: "atCompute", budgets: [6e14], compute: "6NnD" }]);
  assert.deepEqual([nn.report[0].kept, nn.report[0].dropped], [1, 1]);
  assert.equal(nn.ladder.checkpoints.tokens[0], 2e8);
  assert.equal(nn.ladder.observations.value[0], 3 * 12 ** -0.05);
});

Deno.test("applyFilters() composes filters and never mutates its input", () => {
  const input = fixture();
  const before = structuredClone(input);
  const specs: FilterSpec[] = [
    { kind: "runs", families: ["f1"] },
    { kind: "seedAverage" },
    { kind: "movingAverage", width: 2 },
    { kind: "skipFraction", fraction: 0.25 },
    { kind: "everyK", k: 2 },
    { kind: "dropHighest", count: 1 },
    { kind: "atCompute", budgets: [3e15] },
    { kind: "final" },
  ];
  const { ladder, report } = applyFilters(input, specs);
  assert.deepEqual(input, before);
  assert.equal(report.length, specs.length);
  assert.deepEqual(report.map((r) => [r.kept, r.dropped]), [
    [3, 1], // runs: a-s0, a-s1, b-s0
    [2, 1], // seeds: a (steps 1, 2, 4, 5), b-s0 (1..4)
    [8, 0],
    [6, 2], // floor(0.25·4) = 1 per run
    [4, 2], // a: 2, 5 → positions 0, 2 of (2, 4, 5); b: 2, 4 of (2, 3, 4)
    [3, 1], // the highest smoothed loss: a at step 2
    [1, 1], // 3e15 = a at 5e8 tokens, exactly; b-s0's first kept checkpoint is 1.92e16
    [1, 0],
  ]);
  assert.deepEqual(ladder.runs.map((r) => r.id), ["a"]);
  assert.deepEqual(applyFilters(input, []).ladder.observations, input.observations);
});

Deno.test("applyFilters() rejects malformed specs before doing anything", () => {
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "first" } as unknown as FilterSpec]),
    /Cannot apply filter 0 \("first"\): kind is "first"; expected one of "final", "minTokens"/,
  );
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "final" }, { kind: "skipFraction", fraction: 1.5 }]),
    /Cannot apply filter 1 \("skipFraction"\): fraction is 1.5; expected a number in \[0, 1\]/,
  );
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "everyK", k: 0 }]),
    /k is 0; expected an integer >= 1/,
  );
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "atCompute", budgets: [] }]),
    /budgets is ; expected a non-empty list/,
  );
  assert.throws(
    () => applyFilters(fixture(), [{ kind: "dropHighest", count: 1, metric: "ppl" }]),
    RangeError,
  );
});
