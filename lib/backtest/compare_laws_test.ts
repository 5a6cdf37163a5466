import assert from "node:assert/strict";
import { compareLaws } from "./compare_laws.ts";
import type { BacktestPoints } from "./points.ts";
import { rng } from "../util/rng.ts";

/** 6 sizes × 8 checkpoints from a law, with 0.1% multiplicative Gaussian noise (seeded). */
function pointsFrom(law: (n: number, d: number) => number, seed: number): BacktestPoints {
  const sizes = [2e7, 5e7, 1e8, 2e8, 5e8, 1e9];
  const g = rng(seed);
  const run: number[] = [], N: number[] = [], D: number[] = [], y: number[] = [];
  sizes.forEach((n, r) => {
    for (let k = 1; k <= 8; k++) {
      const d = k * 2.5e9;
      run.push(r), N.push(n), D.push(d), y.push(law(n, d) * Math.exp(0.001 * g.normal()));
    }
  });
  return {
    metric: "loss",
    transform: "none",
    runIds: sizes.map(String),
    runParams: Float64Array.from(sizes),
    runFinalTokens: new Float64Array(sizes.length).fill(2e10),
    runFamilies: sizes.map(() => "f"),
    run: Int32Array.from(run),
    N: Float64Array.from(N),
    D: Float64Array.from(D),
    U: new Float64Array(N.length).fill(NaN),
    y: Float64Array.from(y),
  };
}

const LAWS = ["chinchilla", "chinchilla-tied", "kaplan"];
const FIT = { loss: "squared" as const, space: "log" as const };

Deno.test("compareLaws() ranks the true Chinchilla form first by AIC and BIC", async () => {
  const p = pointsFrom((n, d) => 1.8 + 2000 / n ** 0.5 + 1200 / d ** 0.25, 1);
  const c = await compareLaws(p, { laws: LAWS, fit: FIT });
  assert.equal(c.byBic[0], "chinchilla");
  assert.equal(c.rows[0].rankAic, 1);
  assert.equal(c.rows[0].deltaBic, 0);
  // Akaike weights sum to 1.
  const w = c.rows.reduce((s, r) => s + (r.akaikeWeight ?? 0), 0);
  assert.ok(Math.abs(w - 1) < 1e-12);
  assert.equal(c.trainPoints, 40);
  assert.equal(c.targetPoints, 3); // the 1e9 model's checkpoints at 1.5e10 ... 2e10
});

Deno.test("compareLaws() ranks the true Kaplan form first on Kaplan data", async () => {
  const kaplan = (n: number, d: number) => ((8.8e13 / n) ** (0.076 / 0.095) + 5.4e13 / d) ** 0.095;
  const p = pointsFrom(kaplan, 2);
  const c = await compareLaws(p, { laws: LAWS, fit: FIT });
  assert.equal(c.byBic[0], "kaplan");
  // Kaplan (4 parameters) also beats Chinchilla (5) on BIC by a clear margin.
  const chin = c.rows.find((r) => r.law === "chinchilla")!;
  assert.ok(chin.deltaBic! > 2, `ΔBIC of chinchilla is ${chin.deltaBic}`);
});

Deno.test("compareLaws() reports laws whose inputs the data lacks", async () => {
  const p = pointsFrom((n, d) => 1.8 + 2000 / n ** 0.5 + 1200 / d ** 0.25, 3);
  const c = await compareLaws(p, { laws: ["chinchilla", "data-constrained"], fit: FIT });
  const dc = c.rows[1];
  assert.equal(dc.applicable, false);
  assert.match(dc.note ?? "", /input U is unknown/);
  assert.equal(dc.rankBic, null);
});
