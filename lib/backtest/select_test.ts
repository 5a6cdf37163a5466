import assert from "node:assert/strict";
import { selectSizes, selectTargets, selectTrain, splitSizes } from "./select.ts";
import type { BacktestPoints } from "./points.ts";

/**
 * A synthetic ladder: 5 sizes (1e7 · 2^r), one run each, 10 checkpoints at tokens 1e9 · (1..10),
 * except run 4 (the largest) which has 20 checkpoints up to 2e10.
 */
function ladder(): BacktestPoints {
  const run: number[] = [], N: number[] = [], D: number[] = [];
  const sizes = [1, 2, 4, 8, 16].map((m) => m * 1e7);
  sizes.forEach((n, r) => {
    const count = r === 4 ? 20 : 10;
    for (let k = 1; k <= count; k++) run.push(r), N.push(n), D.push(k * 1e9);
  });
  return {
    metric: "loss",
    transform: "none",
    runIds: sizes.map((_, r) => `r${r}`),
    runParams: Float64Array.from(sizes),
    runFinalTokens: Float64Array.of(1e10, 1e10, 1e10, 1e10, 2e10),
    runFamilies: sizes.map(() => "f"),
    run: Int32Array.from(run),
    N: Float64Array.from(N),
    D: Float64Array.from(D),
    U: new Float64Array(N.length).fill(NaN),
    y: Float64Array.from(N, () => 3),
  };
}

Deno.test("selectTrain() picks exact counts on a synthetic ladder", async (t) => {
  const p = ladder();
  const runsOf = (idx: Int32Array) => [...new Set(Array.from(idx, (i) => p.run[i]))];
  await t.step("smallest k, all checkpoints", () => {
    const idx = selectTrain(p, { models: { kind: "smallest", k: 3 } });
    assert.equal(idx.length, 30);
    assert.deepEqual(runsOf(idx), [0, 1, 2]);
  });
  await t.step("the target size is never a candidate", () => {
    assert.deepEqual(splitSizes(p).candidates.length, 4);
    const idx = selectTrain(p, { models: { kind: "all" } });
    assert.equal(idx.length, 40);
    assert.ok(!runsOf(idx).includes(4));
  });
  await t.step("sliding windows", () => {
    const counts = [0, 1, 2].map((start) =>
      runsOf(selectTrain(p, { models: { kind: "window", k: 2, start } }))
    );
    assert.deepEqual(counts, [[0, 1], [1, 2], [2, 3]]);
    // A window past the end is cut.
    assert.deepEqual(selectSizes([1, 2, 3], { kind: "window", k: 2, start: 2 }), [3]);
  });
  await t.step("first p% of each run's training", () => {
    // tokens <= 0.3 · 1e10: checkpoints 1e9, 2e9, 3e9 of each of 4 runs.
    assert.equal(selectTrain(p, { fraction: 0.3 }).length, 12);
    assert.equal(selectTrain(p, { fraction: 1 }).length, 40);
  });
  await t.step("final only ignores the minimum-tokens cut", () => {
    const idx = selectTrain(p, { fraction: 0.3, checkpoints: "final", minTokens: 5e9 });
    assert.deepEqual(Array.from(idx, (i) => p.D[i]), [3e9, 3e9, 3e9, 3e9]);
  });
  await t.step("all checkpoints with a minimum-tokens cut", () => {
    // tokens in [4e9, 1e10]: 7 per run.
    assert.equal(selectTrain(p, { checkpoints: "all", minTokens: 4e9 }).length, 28);
  });
  await t.step("targets: the largest model's last 30%", () => {
    const idx = selectTargets(p);
    // tokens >= 0.7 · 2e10 = 1.4e10: 14e9 ... 20e9, 7 checkpoints.
    assert.deepEqual(Array.from(idx, (i) => p.D[i] / 1e9), [14, 15, 16, 17, 18, 19, 20]);
    assert.equal(selectTargets(p, { largest: 2, lastFraction: 0.3 }).length, 7 + 4);
  });
  await t.step("out-of-range fields throw", () => {
    assert.throws(
      () => selectTrain(p, { fraction: 0 }),
      /fraction is 0; expected a number in \(0, 1\]/,
    );
    assert.throws(
      () => selectTrain(p, { models: { kind: "smallest", k: 0 } }),
      /models.k is 0; expected an integer >= 1/,
    );
  });
});
