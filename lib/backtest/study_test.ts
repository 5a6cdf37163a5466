import assert from "node:assert/strict";
import { countStudyCells, runStudy, type StudyFamilyInput } from "./study.ts";
import { studyFindings, studySummary } from "./findings.ts";
import type { BacktestPoints } from "./points.ts";
import { rng } from "../util/rng.ts";

/**
 * A tiny family: 4 sizes, 12 checkpoints each from 2e9 to 2.4e10 tokens, Chinchilla losses
 * with 0.5% noise (seeded).
 */
function family(): StudyFamilyInput {
  const sizes = [5e7, 1e8, 2e8, 5e8];
  const g = rng(7);
  const run: number[] = [], N: number[] = [], D: number[] = [], y: number[] = [];
  sizes.forEach((n, r) => {
    for (let k = 1; k <= 12; k++) {
      const d = k * 2e9;
      run.push(r), N.push(n), D.push(d);
      y.push((1.8 + 400 / n ** 0.34 + 900 / d ** 0.28) * (1 + 0.005 * g.normal()));
    }
  });
  const points: BacktestPoints = {
    metric: "loss",
    transform: "none",
    runIds: sizes.map((s) => `m${s}`),
    runParams: Float64Array.from(sizes),
    runFinalTokens: new Float64Array(4).fill(2.4e10),
    runFamilies: sizes.map(() => "tiny"),
    run: Int32Array.from(run),
    N: Float64Array.from(N),
    D: Float64Array.from(D),
    U: new Float64Array(N.length).fill(NaN),
    y: Float64Array.from(y),
  };
  return { family: "tiny", points, runSeeds: sizes.map(() => "0") };
}

const OPTIONS = { fractions: [0.5, 1], windows: [2] };

Deno.test("runStudy() gives finite ARE on a tiny family, the same with 1 and 2 workers", async () => {
  const input = [family()];
  // models grid: k = 2, 3 × 3 settings × 2 fractions = 12; windows of 2: 2 starts × 2 = 4.
  assert.equal(countStudyCells(input, OPTIONS), 16);
  const one = await runStudy(input, { ...OPTIONS, workers: 1 });
  const two = await runStudy(input, { ...OPTIONS, workers: 2 });
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  assert.deepEqual(two.families, one.families);
  const cells = one.families[0].cells;
  assert.equal(cells.length, 16);
  const fitted = cells.filter((c) => c.are !== null);
  // Fewer points than the 5 parameters, not fitted: the 4 final-only cells (2 or 3 points), and
  // at 50% with checkpoints >= 1e10 (tokens 1e10 and 1.2e10) the 2-model cell and both windows.
  assert.equal(cells.filter((c) => c.state === "too-few-points").length, 7);
  assert.equal(fitted.length, 9);
  for (const c of fitted) assert.ok(Number.isFinite(c.are!) && c.are! >= 0 && c.are! < 0.5);
  // Every checkpoint of 3 models over the whole run predicts the largest within a few percent.
  const full = cells.find((c) =>
    c.grid === "models" && c.k === 3 && c.setting === "all" && c.fraction === 1
  )!;
  assert.ok(full.are! < 0.03, `ARE ${full.are}`);
  // The targets: 4 checkpoints (tokens >= 0.7 · 2.4e10 and >= 1e10).
  assert.equal(one.families[0].targetPoints, 4);
  // The first window is the 2-smallest cell: fitted once, so 9 fitted cells take 8 fits.
  assert.equal(one.fits, 8);
});

Deno.test("studyFindings() and studySummary() summarise a tiny study", async () => {
  const r = await runStudy([family()], { ...OPTIONS, workers: 1 });
  const findings = studyFindings(r);
  assert.deepEqual(findings.map((f) => f.id), [
    "checkpoints-help",
    "drop-early",
    "similar-size",
    "seed-floor",
  ]);
  // No final-only fit is possible with 3 training models: not testable.
  assert.equal(findings[0].verdict, "not testable");
  assert.equal(findings[0].numbers.finalOnlyUnfittable, 4);
  // One seed label only.
  assert.equal(findings[3].verdict, "not testable");
  assert.equal(findings[3].numbers.familiesWithSeeds, 0);
  const rows = studySummary(r);
  assert.equal(rows[0].cells, 16);
  assert.equal(rows[0].fitted, 9);
  assert.ok(rows[0].bestAre !== null && rows[0].bestAre < 0.03);
});
