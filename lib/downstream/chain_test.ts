import assert from "node:assert/strict";
import {
  type CheckpointRecord,
  type Ladder,
  makeLadder,
  type ObservationRecord,
  type Run,
} from "../data/schema.ts";
import { rng, substream } from "../util/rng.ts";
import { predictChain, type PredictChainOptions } from "./chain.ts";

const trueLoss = (N: number, D: number) => 1.8 + 400 / N ** 0.34 + 600 / D ** 0.3;
const trueAcc = (L: number) => -0.6 / (1 + Math.exp(-5 * (L - 2.6))) + 0.85;

interface RunSpec {
  id: string;
  N: number;
  D: number;
}

/**
 * A ladder of 5 sizes × 3 token multipliers, `k` checkpoints per run at tokens D·j/k. Each run
 * gets a seeded relative loss offset (sd `lossNoise`) and each checkpoint seeded accuracy noise
 * (sd `accNoise`). `copies` repeats runs (0 drops one).
 */
function syntheticLadder(
  k: number,
  lossNoise: number,
  accNoise = lossNoise,
  copies?: Map<string, number>,
): Ladder {
  const specs: RunSpec[] = [];
  for (const N of [2e7, 5e7, 1e8, 2e8, 5e8]) {
    for (const m of [5, 20, 80]) specs.push({ id: `${N}-${m}`, N, D: m * N });
  }
  const runs: Run[] = [], checkpoints: CheckpointRecord[] = [];
  const observations: ObservationRecord[] = [];
  specs.forEach((spec, s) => {
    const g = rng(substream(7, s));
    const offset = lossNoise * g.normal();
    const values: [number, number][] = [];
    for (let j = 1; j <= k; j++) {
      const tokens = (spec.D * j) / k;
      const L = trueLoss(spec.N, tokens) * (1 + offset);
      values.push([L, trueAcc(L) + accNoise * g.normal()]);
    }
    const times = copies ? copies.get(spec.id) ?? 0 : 1;
    for (let c = 0; c < times; c++) {
      runs.push({ id: `${spec.id}#${c}`, params: spec.N });
      values.forEach(([L, acc], j) => {
        const cp = checkpoints.length;
        checkpoints.push({
          run: runs.length - 1,
          step: j + 1,
          tokens: (spec.D * (j + 1)) / k,
          flops: NaN,
        });
        observations.push({ checkpoint: cp, metric: "loss", value: L });
        observations.push({ checkpoint: cp, metric: "acc", value: acc });
      });
    }
  });
  return makeLadder({ runs, checkpoints, observations });
}

const TARGET = { N: 7e9, D: 1.4e11 };

Deno.test("predictChain() recovers a noise-free chain exactly when every checkpoint is used", () => {
  const r = predictChain(syntheticLadder(4, 0), [TARGET], {
    lossMetric: "loss",
    downstreamMetric: "acc",
    conventions: "none",
    step1: { filters: [{ kind: "final" }] },
    resamples: 0,
  });
  assert.deepEqual(r.points, { step1: 15, step2: 60, runs: 15 });
  const L = trueLoss(TARGET.N, TARGET.D);
  assert.ok(Math.abs(r.predictions[0].loss / L - 1) < 1e-6);
  assert.ok(Math.abs(r.predictions[0].value / trueAcc(L) - 1) < 1e-6);
  for (const [k, v] of Object.entries({ a: -0.6, x0: 2.6, k: 5, b: 0.85 })) {
    assert.ok(Math.abs(r.step2.params[k] / v - 1) < 1e-6, `${k} = ${r.step2.params[k]}`);
  }
  assert.equal(r.predictions[0].valueInterval, undefined);
});

Deno.test('predictChain() applies the ladder\'s checkpoint conventions when conventions is "ladder"', () => {
  const ladder = syntheticLadder(20, 0.01);
  const r = predictChain(ladder, [TARGET], {
    lossMetric: "loss",
    downstreamMetric: "acc",
    conventions: "ladder",
    resamples: 0,
  });
  // Step 1: one point per run, the mean of its last 5 losses.
  assert.equal(r.points.step1, 15);
  const first = ladder.observations.value.filter((_, i) =>
    ladder.observations.metric[i] === 0 &&
    ladder.checkpoints.run[ladder.observations.checkpoint[i]] === 0
  );
  const mean5 = first.slice(15).reduce((a, b) => a + b, 0) / 5;
  const at = r.data.step1.runs.indexOf(ladder.runs[0].id);
  assert.ok(Math.abs(r.data.step1.loss[at] - mean5) < 1e-12);
  // Step 2: the first 10% (2 of 20) dropped, then a trailing moving average of width 5.
  assert.equal(r.points.step2, 15 * 18);
  const own = r.data.step2.runs.map((id, i) => [id, i] as const).filter(([id]) =>
    id === ladder.runs[0].id
  );
  const x = own.map(([, i]) => r.data.step2.loss[i]);
  assert.ok(Math.abs(x[0] - first[2]) < 1e-12);
  assert.ok(Math.abs(x[4] - first.slice(2, 7).reduce((a, b) => a + b, 0) / 5) < 1e-12);
  assert.ok(Math.abs(x[17] - mean5) < 1e-12);
});

Deno.test("predictChain() bootstrap draw equals a refit on the runs duplicated as drawn", () => {
  const options: PredictChainOptions = {
    lossMetric: "loss",
    downstreamMetric: "acc",
    conventions: "none",
    step1: { filters: [{ kind: "final" }] },
    resamples: 1,
    seed: 3,
  };
  // Noise-free losses keep step 1 exact on every resample (its 5 parameters are poorly
  // identified on 8 distinct noisy runs), so the comparison tests the run weights of step 2.
  const ladder = syntheticLadder(4, 0, 0.01);
  const r = predictChain(ladder, [TARGET], options);
  assert.equal(r.bootstrap.succeeded, 1);
  // Redraw resample 0 of seed 3 over the 15 runs (in order of first appearance) and refit a
  // ladder holding each run as many times as drawn.
  const g = rng(substream(3, 0));
  const counts = new Array<number>(15).fill(0);
  for (let i = 0; i < 15; i++) counts[g.int(15)]++;
  const ids = r.data.step1.runs.map((id) => id.replace(/#0$/, ""));
  const dup = syntheticLadder(4, 0, 0.01, new Map(ids.map((id, i) => [id, counts[i]])));
  const refit = predictChain(dup, [TARGET], { ...options, resamples: 0 });
  // 1e-5: both fits stop at the optimiser's tolerance, magnified by extrapolating 14× in N.
  assert.ok(Math.abs(r.bootstrap.lossDraws[0][0] / refit.predictions[0].loss - 1) < 1e-5);
  assert.ok(Math.abs(r.bootstrap.valueDraws[0][0] / refit.predictions[0].value - 1) < 1e-5);
});

Deno.test("predictChain() gives seeded percentile intervals around the estimate when resampling runs", () => {
  const ladder = syntheticLadder(4, 0.01);
  const options: PredictChainOptions = {
    lossMetric: "loss",
    downstreamMetric: "acc",
    conventions: "none",
    step1: { filters: [{ kind: "final" }] },
    resamples: 40,
    seed: 1,
  };
  const a = predictChain(ladder, [TARGET, { N: 1e9, D: 2e10 }], options);
  const b = predictChain(ladder, [TARGET, { N: 1e9, D: 2e10 }], options);
  assert.equal(a.bootstrap.succeeded + a.bootstrap.failed, 40);
  assert.ok(a.bootstrap.succeeded >= 35);
  assert.deepEqual(a.bootstrap.valueDraws, b.bootstrap.valueDraws);
  for (const p of a.predictions) {
    const [lo, hi] = p.valueInterval!;
    const [llo, lhi] = p.lossInterval!;
    assert.ok(lo < p.value && p.value < hi, `${lo} < ${p.value} < ${hi}`);
    assert.ok(llo < p.loss && p.loss < lhi);
  }
  const c = predictChain(ladder, [TARGET], { ...options, seed: 2 });
  assert.notDeepEqual(c.bootstrap.valueDraws[0], a.bootstrap.valueDraws[0]);
});

Deno.test("predictChain() throws when a metric is missing or options are out of range", () => {
  const ladder = syntheticLadder(2, 0);
  const base = { lossMetric: "loss", downstreamMetric: "acc" };
  assert.throws(
    () => predictChain(ladder, [TARGET], { ...base, downstreamMetric: "accuracy" }),
    /Cannot find metric "accuracy"/,
  );
  assert.throws(
    () => predictChain(ladder, [TARGET], { ...base, resamples: -1 }),
    /resamples is -1/,
  );
  assert.throws(() => predictChain(ladder, [TARGET], { ...base, level: 95 }), /level is 95/);
  assert.throws(
    () => predictChain(ladder, [TARGET], { ...base, step1: { law: "E + A/U^alpha" } }),
    /input "U" is not known/,
  );
});

Deno.test('predictChain() refits from each step\'s own starts when refitFrom is "starts"', () => {
  const ladder = syntheticLadder(4, 0, 0.01);
  const options: PredictChainOptions = {
    lossMetric: "loss",
    downstreamMetric: "acc",
    conventions: "none",
    step1: { filters: [{ kind: "final" }] },
    resamples: 3,
    seed: 3,
  };
  const fromEstimate = predictChain(ladder, [TARGET], options);
  const fromStarts = predictChain(ladder, [TARGET], { ...options, refitFrom: "starts" });
  assert.equal(fromStarts.bootstrap.succeeded, 3);
  // Same resamples, same optima: the draws agree to the optimiser's tolerance.
  fromStarts.bootstrap.valueDraws[0].forEach((v, i) =>
    assert.ok(Math.abs(v / fromEstimate.bootstrap.valueDraws[0][i] - 1) < 1e-5)
  );
});
