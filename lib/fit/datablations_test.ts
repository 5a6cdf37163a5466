/**
 * Reproduction of Muennighoff et al.'s data-constrained fit (methods.md 1.8 and 4.2) from the
 * datablations rows of the hitchhiker-colpret dataset (source `datablations_final`: final C4
 * validation loss of 229 runs; model, tokens, flops, planned epochs).
 *
 * What the rows allow (details in the module's assertions):
 * - Unique tokens per run: U = D / epochs (the `epochs` field is the planned number of epochs;
 *   it is stored to 8 digits, so U is rounded to 3 significant digits, which recovers the
 *   budget in the run name, e.g. GPT2-146m14b1b5: D = 14e9, 9.3333333 epochs, U = 1.5e9).
 * - Stage 2 (R_D*, R_N*) used 182 runs: the notebook `utils/parametric_fit.ipynb` ("Custom data
 *   loading with outliers removed") comments out 48 of the 229 runs listed below and has one
 *   run the rows lack (8b7178b13b, loss 2.451606 in the notebook's table). Adding that one
 *   published number gives the 182 runs, on which R² and the Huber sum match the paper exactly.
 * - Stage 1 (Chinchilla, tied, 54 points) used points digitised from Chinchilla's C4 isoFLOP
 *   figure (`chinchilladata/chinchilla_*_c4.csv` on the datablations Hub repo); they are not in
 *   these rows, so stage 1 is not reproduced here: the tests use the published stage-1 values.
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadDataset } from "../data/catalog.ts";
import { metricPoints } from "../data/schema.ts";
import { sharedDataDir } from "../util/_testdata.ts";
import { fitSync } from "./fit.ts";
import { buildObjective } from "./objective.ts";
import { dataConstrained } from "../laws/data_constrained.ts";
import { evaluateLaw } from "../laws/types.ts";
import type { FitData, ParamOptions } from "./types.ts";

/** Published stage-1 C4 fit (tied): a, b, e, alpha = beta (methods.md 4.2). */
const STAGE1 = {
  E: Math.exp(0.6254804),
  A: Math.exp(6.255414),
  B: Math.exp(7.3049974),
  alpha: 0.3526596,
  beta: 0.3526596,
};
/** Published stage-2 fit. */
const PUBLISHED = { ...STAGE1, RDstar: 15.387756, RNstar: 5.309743 };

/** Runs of the 229 that the notebook's stage-2 table comments out (outliers removed). */
const EXCLUDED = new Set(
  ("2b84b4b 2b88b4b 2b812b4b 2b816b4b 2b824b4b 2b855b1b25 4b212b12b 4b224b12b 4b284b1b9 " +
    "4b284b6b 2b8100m100m 14m7b5100m 14m300b100m 1b12b7100m 1b13b9100m 1b15b9100m 1b17b5100m " +
    "619m3b9100m 619m5b9100m 619m7b5100m 2b84b8100m 1b58b8100m 1b112b100m 619m22b100m " +
    "221m91b400m 221m174b400m 221m600b400m 8b712b12b 8b712b1b5 8b712b400m 8b712b100m 3b926b1b5 " +
    "2b836b1b5 2b836b400m 2b836b100m 2b246b400m 2b246b100m 1b566b1b5 1b566b100m 1b191b400m " +
    "1b191b1b5 1b1250b1b5 1b5174b1b5 2b291b1b5 2b2174b1b5 8b720b1b5 2b877b1b5 421m300b1b5")
    .split(" "),
);
/** The stage-2 run missing from the rows, from the notebook's table (N, D, U from its name). */
const MISSING_RUN = { name: "8b7178b13b", N: 8.67e9, D: 178e9, U: 13e9, loss: 2.451606 };

interface DatablationsRun {
  name: string;
  N: number;
  D: number;
  U: number;
  loss: number;
}

function threeDigits(v: number): number {
  const unit = 10 ** (Math.floor(Math.log10(v)) - 2);
  return Math.round(v / unit) * unit;
}

let cache: DatablationsRun[] | undefined;

/** The 229 final-loss runs with U = D / epochs. */
async function finalRuns(): Promise<DatablationsRun[]> {
  if (cache) return cache;
  const ladder = await loadDataset("hitchhiker-colpret", "observations", {
    dataDir: sharedDataDir(),
  });
  const points = metricPoints(ladder, "openLM_loss");
  const runs: DatablationsRun[] = [];
  for (let i = 0; i < points.y.length; i++) {
    const run = ladder.runs[points.run[i]];
    if (!run.id.startsWith("datablations_final/")) continue;
    const epochs = Number(run.fields?.epochs);
    runs.push({
      name: run.id.slice("datablations_final/GPT2-".length),
      N: points.N[i],
      D: points.D[i],
      U: threeDigits(points.D[i] / epochs),
      loss: points.y[i],
    });
  }
  cache = runs;
  return runs;
}

async function stage2Runs(): Promise<DatablationsRun[]> {
  const runs = (await finalRuns()).filter((r) => !EXCLUDED.has(r.name));
  return [...runs, MISSING_RUN];
}

function toData(runs: DatablationsRun[]): FitData {
  return {
    inputs: {
      N: Float64Array.from(runs, (r) => r.N),
      D: Float64Array.from(runs, (r) => r.D),
      U: Float64Array.from(runs, (r) => r.U),
    },
    y: Float64Array.from(runs, (r) => r.loss),
  };
}

/** Stage 2: the first five parameters held at the published stage-1 values. */
const FIXED: Record<string, ParamOptions> = Object.fromEntries(
  Object.entries(STAGE1).map(([k, v]) => [k, { fixed: v }]),
);

function r2(y: number[], fit: number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  let ssr = 0, sst = 0;
  y.forEach((v, i) => ((ssr += (v - fit[i]) ** 2), (sst += (v - mean) ** 2)));
  return 1 - ssr / sst;
}

Deno.test("datablations rows give 229 runs with unique tokens D/epochs, 181 of the 182 stage-2 runs", async () => {
  const runs = await finalRuns();
  assert.equal(runs.length, 229);
  const byName = new Map(runs.map((r) => [r.name, r]));
  // Unique tokens from epochs agree with the budget in the run name.
  assert.deepEqual(
    ["146m14b1b5", "8b7178b25b", "4b284b12b"].map((n) => byName.get(n)!.U),
    [1.5e9, 25e9, 12e9],
  );
  for (const name of EXCLUDED) assert.ok(byName.has(name), name);
  assert.ok(!byName.has(MISSING_RUN.name));
  assert.equal((await stage2Runs()).length, 182);
  // A known quirk of the converted rows: "2b855b1b25" (55B tokens, 1.25B unique in the
  // notebook) has tokens 55.1e9 and epochs 2.204, i.e. U = 25e9. It is not a stage-2 run.
  assert.equal(byName.get("2b855b1b25")!.U, 25e9);
});

Deno.test("dataConstrained reproduces the README's predictions and the allocation at 1e22 FLOPs", () => {
  // methods.md 4.2: L(6.34e9, 242e9, 25e9) and L(8.67e9, 178e9, 25e9).
  const at = (N: number, D: number, U: number) =>
    evaluateLaw(dataConstrained, { N, D, U }, PUBLISHED);
  assert.ok(Math.abs(at(6.34e9, 242e9, 25e9) - 2.2256440889984477) < 1e-12);
  assert.ok(Math.abs(at(8.67e9, 178e9, 25e9) - 2.2269634075087867) < 1e-12);
  // The README's allocation: Chinchilla closed form at C, then D·i, N/i (and D/i, N·i) for 500
  // values i in [1.0001, 3] with U = min(25e9, D); lowest loss wins.
  const { A, B, alpha, beta } = STAGE1;
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const C = 1e22;
  const nBase = G * (C / 6) ** (beta / (alpha + beta));
  const dBase = (C / 6) ** (alpha / (alpha + beta)) / G;
  let best = { loss: Infinity, N: 0, D: 0 };
  for (let k = 0; k < 500; k++) {
    const i = 1.0001 + ((3 - 1.0001) * k) / 499;
    for (const [D, N] of [[dBase * i, nBase / i], [dBase / i, nBase * i]]) {
      const loss = at(N, D, Math.min(25e9, D));
      if (loss < best.loss) best = { loss, N, D };
    }
  }
  assert.ok(Math.abs(best.D - 237_336_955_477.55) < 0.01, `D ${best.D}`);
  assert.ok(Math.abs(best.N - 7_022_364_735.88) < 0.01, `N ${best.N}`);
  assert.ok(Math.abs(best.loss - 2.2221293) < 5e-8, `loss ${best.loss}`);
  assert.ok(Math.abs(best.D / 25e9 - 9.4935) < 5e-5);
});

Deno.test("datablations stage-2 runs reproduce the published R² and Huber sum", async () => {
  const runs = await stage2Runs();
  const y = runs.map((r) => r.loss);
  // Chinchilla without decay (repeated tokens count fully) and the data-constrained law.
  const { E, A, B, alpha, beta } = STAGE1;
  const noDecay = runs.map((r) => E + A / r.N ** alpha + B / r.D ** beta);
  const decay = runs.map((r) =>
    evaluateLaw(dataConstrained, { N: r.N, D: r.D, U: r.U }, PUBLISHED)
  );
  assert.ok(Math.abs(r2(y, noDecay) - 0.4452) < 5e-5, `no decay ${r2(y, noDecay)}`);
  assert.ok(Math.abs(r2(y, decay) - 0.7722) < 5e-5, `data-constrained ${r2(y, decay)}`);
  // The paper's objective (Huber δ = 1e-3 on log loss, summed) at its published constants.
  const obj = buildObjective(dataConstrained, toData(runs), { params: FIXED });
  const published = obj.value(Float64Array.of(PUBLISHED.RDstar, PUBLISHED.RNstar));
  assert.ok(Math.abs(published - 0.0158259) < 5e-8, `Huber sum ${published}`);
});

Deno.test("datablations stage-2 fit finds the published optimum and a lower one", async () => {
  const data = toData(await stage2Runs());
  // The notebook's 16 starts: R_D*, R_N* in linspace(0, 20, 4) (0 replaced by 1e-9: the
  // decay constants must be positive).
  const grid = [1e-9, 20 / 3, 40 / 3, 20];
  const r = fitSync(dataConstrained, data, {
    params: { ...FIXED, RDstar: { grid }, RNstar: { grid } },
    starts: "grid",
  });
  assert.equal(r.status, "converged");
  const optima = r.diagnostics.localOptima;
  assert.equal(optima.length, 2);
  // Global optimum of this objective: R_D* ≈ 47.0, R_N* ≈ 2.33, below the published fit's sum.
  assert.ok(Math.abs(r.params.RDstar.value - 46.990) < 0.01, `RDstar ${r.params.RDstar.value}`);
  assert.ok(Math.abs(r.params.RNstar.value - 2.3296) < 0.001, `RNstar ${r.params.RNstar.value}`);
  assert.ok(Math.abs(r.objective - 0.01580738) < 1e-8, `objective ${r.objective}`);
  // The published constants are the other local optimum (13 of 16 starts end there), polished
  // in float64: R_D* 15.372 (published 15.388, float32 PyTorch L-BFGS for 50 steps), R_N*
  // 5.315 (5.310); its Huber sum 0.01582593 is just below the published constants' 0.01582594.
  const local = optima[1];
  assert.ok(Math.abs(local.params.RDstar / PUBLISHED.RDstar - 1) < 2e-3, `${local.params.RDstar}`);
  assert.ok(Math.abs(local.params.RNstar / PUBLISHED.RNstar - 1) < 2e-3, `${local.params.RNstar}`);
  assert.ok(local.objective <= 0.0158259353 && local.objective > 0.0158259, `${local.objective}`);
  assert.equal(local.count, 13);
});
