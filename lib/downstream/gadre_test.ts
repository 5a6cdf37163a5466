/**
 * Reproduction of Gadre et al. 2024 (methods.md 1.3 and 4.4): RedPajama, C4-val loss, 17-task
 * top-1 error, predicted for the 1.4B model at M = 640 and the 6.9B model at M = 20.
 *
 * Reference values: the notebook output (`scaling_explorer.ipynb` of mlfoundations/scaling),
 * relative errors 0.7103%, 0.7320% (C4 loss) and 3.6365%, 0.0464% (17-task error). The fitted
 * parameters below were recorded from a scipy rerun of their code path on the same data
 * (`curve_fit` from the 128 starts, winner by sqrt(RSS/(n-2)); then `curve_fit` of
 * E - a exp(-b L) from all ones) with numpy 2.4.6 / scipy 1.17.1 on this machine.
 */

import assert from "node:assert/strict";
import { loadDataset } from "../data/catalog.ts";
import { makeLadder, metricPoints, type ObservationRecord, type Run } from "../data/schema.ts";
import { compileExpression } from "../laws/expression.ts";
import { overtraining } from "../laws/overtraining.ts";
import { evaluateLaw } from "../laws/types.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions } from "../fit/types.ts";
import { sharedDataDir } from "../util/_testdata.ts";
import { predictChain } from "./chain.ts";
import { expError } from "./exp_error.ts";
import {
  GADRE_ERROR_RUNS as ERROR_RUNS,
  GADRE_LOSS_GRID,
  GADRE_LOSS_LAW,
  GADRE_LOSS_RUNS as LOSS_RUNS,
  GADRE_SUBSET as SUBSET,
  GADRE_TARGETS as TARGETS,
} from "./gadre.ts";

/** Gadre et al.'s loss law, in their parametrisation. */
const GADRE_LAW = compileExpression(GADRE_LOSS_LAW, {
  inputs: ["N", "M"],
  name: "gadre-overtraining",
});
/** Their 128-start grid, plain least squares in linear space (curve_fit's LM). */
const GADRE_FIT: FitOptions = {
  loss: "squared",
  space: "linear",
  optimizer: "lm",
  starts: "grid",
  maxIterations: 10000,
  params: GADRE_LOSS_GRID,
};

/** A ladder of the RedPajama runs with metrics "c4_val" (loss) and "err17" (17-task error). */
async function gadreLadder() {
  const dir = sharedDataDir();
  const val = await loadDataset("overtrain-gadre", "val_losses", { dataDir: dir });
  const ds = await loadDataset("overtrain-gadre", "downstream", { dataDir: dir });
  const loss = new Map<string, number>();
  const lp = metricPoints(val, "c4_val");
  lp.y.forEach((v, i) => loss.set(val.runs[lp.run[i]].id, v));
  const errors = new Map<string, number[]>();
  for (const task of SUBSET) {
    const p = metricPoints(ds, task);
    p.y.forEach((acc, i) => {
      const id = ds.runs[p.run[i]].id;
      errors.set(id, [...(errors.get(id) ?? []), 1 - acc]);
    });
  }
  const runs: Run[] = [];
  const checkpoints = [];
  const observations: ObservationRecord[] = [];
  for (const run of val.runs) {
    if (run.dataset !== "rpj") continue;
    const errs = errors.get(run.id)!;
    assert.equal(errs.length, 17, `${run.id} has ${errs.length} of the 17 tasks`);
    const tokens = Number(run.fields!.tokens_per_param) * run.params;
    runs.push(run);
    checkpoints.push({ run: runs.length - 1, step: NaN, tokens, flops: NaN });
    const c = checkpoints.length - 1;
    observations.push({ checkpoint: c, metric: "c4_val", value: loss.get(run.id)! });
    observations.push({
      checkpoint: c,
      metric: "err17",
      value: errs.reduce((a, b) => a + b, 0) / 17,
    });
  }
  return makeLadder({ runs, checkpoints, observations });
}

function actual(ladder: Awaited<ReturnType<typeof gadreLadder>>, id: string, metric: string) {
  const p = metricPoints(ladder, metric);
  const i = [...p.run].findIndex((r) => ladder.runs[r].id === id);
  return { N: p.N[i], D: p.D[i], value: p.y[i] };
}

const relErrorPct = (pred: number, truth: number) => (Math.abs(pred - truth) / truth) * 100;

Deno.test("predictChain() reproduces Gadre et al.'s RedPajama loss and 17-task error predictions", async () => {
  const ladder = await gadreLadder();
  const targets = TARGETS.map((id) => ({ ...actual(ladder, id, "c4_val"), label: id }));
  const r = predictChain(ladder, targets.map(({ N, D, label }) => ({ N, D, label })), {
    lossMetric: "c4_val",
    downstreamMetric: "err17",
    step1: {
      law: GADRE_LAW,
      fit: GADRE_FIT,
      filters: [{ kind: "runs", ids: LOSS_RUNS }],
    },
    step2: {
      law: expError,
      starts: [{ eps: 1, k: 1, gamma: 1 }],
      fit: { optimizer: "lm", maxIterations: 10000 },
      filters: [{ kind: "runs", ids: ERROR_RUNS }],
    },
    resamples: 0,
  });
  assert.deepEqual([r.points.step1, r.points.step2], [5, 6]);
  assert.ok(r.step1.converged && r.step2.fit.converged);

  // Fitted parameters against the scipy rerun.
  const p1 = Object.fromEntries(Object.entries(r.step1.params).map(([k, v]) => [k, v.value]));
  const scipy1 = { alpha: 166.210988, beta: 366.687187, b: -0.272850705, E: 1.83664840 };
  for (const [k, v] of Object.entries(scipy1)) {
    assert.ok(Math.abs(p1[k] / v - 1) < 1e-5, `step 1 ${k}: ${p1[k]} vs scipy ${v}`);
  }
  const scipy2 = { eps: 0.85699192, k: 2.20649022, gamma: 0.71459058 };
  for (const [k, v] of Object.entries(scipy2)) {
    const got = r.step2.params[k];
    assert.ok(Math.abs(got / v - 1) < 1e-5, `step 2 ${k}: ${got} vs scipy ${v}`);
  }

  // Published relative errors (percent), within ±0.05 percentage points.
  const published = [
    { loss: 0.7103, error: 3.6365 },
    { loss: 0.7320, error: 0.0464 },
  ];
  TARGETS.forEach((id, t) => {
    const lossPct = relErrorPct(r.predictions[t].loss, actual(ladder, id, "c4_val").value);
    const errPct = relErrorPct(r.predictions[t].value, actual(ladder, id, "err17").value);
    assert.ok(Math.abs(lossPct - published[t].loss) < 0.05, `${id} loss: ${lossPct}%`);
    assert.ok(Math.abs(errPct - published[t].error) < 0.05, `${id} error: ${errPct}%`);
    // The notebook prints 4 decimals: they match exactly.
    assert.equal(lossPct.toFixed(4), published[t].loss.toFixed(4));
    assert.equal(errPct.toFixed(4), published[t].error.toFixed(4));
  });
});

Deno.test("overtraining law gives Gadre et al.'s loss predictions from its own 128-start grid", async () => {
  const ladder = await gadreLadder();
  const pts = LOSS_RUNS.map((id) => actual(ladder, id, "c4_val"));
  const N = Float64Array.from(pts, (p) => p.N);
  const M = Float64Array.from(pts, (p) => p.D / p.N);
  const y = Float64Array.from(pts, (p) => p.value);
  const r = fitSync(overtraining, { inputs: { N, M }, y }, {
    loss: "squared",
    space: "linear",
    optimizer: "lm",
    starts: "grid",
  });
  assert.equal(r.starts, 128);
  const p = Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, v.value]));
  // Same optimum as Gadre's parametrisation: eta = -b/2 and a = alpha · 6^eta.
  assert.ok(Math.abs(p.eta - 0.272850705 / 2) < 1e-6);
  [0.7103, 0.7320].forEach((pct, t) => {
    const target = actual(ladder, TARGETS[t], "c4_val");
    const pred = evaluateLaw(overtraining, { N: target.N, M: target.D / target.N }, p);
    assert.equal(relErrorPct(pred, target.value).toFixed(4), pct.toFixed(4));
  });
});
