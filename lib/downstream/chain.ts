/**
 * Two-step prediction of a downstream metric: (N, D) → task loss → accuracy (or error), with
 * uncertainty carried through both steps by a bootstrap over whole runs.
 *
 * @module
 */

import { applyFilters, type FilterReport, type FilterSpec } from "../data/filter.ts";
import { type Ladder, metricPoints } from "../data/schema.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions, FitResult, LawRef } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import { rng, substream } from "../util/rng.ts";
import { fitMapping, type FitMappingOptions, type FitMappingResult } from "./fit_mapping.ts";
import { percentileSorted } from "../util/percentile.ts";

/** A model to predict: parameters and training tokens. */
export interface ChainTarget {
  /** Parameters (count). */
  N: number;
  /** Training tokens. */
  D: number;
  /** Name shown in reports. */
  label?: string;
}

/** Options of step 1, (N, D) → task loss. */
export interface ChainStep1Options {
  /** Law of the task loss; its inputs must be among N, D, C (= 6ND) and M (= D/N). @default "chinchilla" */
  law?: LawRef;
  /** Fit options (the engine's defaults: Huber δ = 1e-3 on log loss, as the ladder does). */
  fit?: Omit<FitOptions, "weights" | "onProgress" | "workers">;
  /** Filters applied before the checkpoint convention's (e.g. a `runs` selection). @default [] */
  filters?: FilterSpec[];
}

/** Options of step 2, task loss → downstream metric: a {@link fitMapping} plus filters. */
export interface ChainStep2Options extends FitMappingOptions {
  /** Fit options of the mapping (point weights come from the bootstrap, so none here). */
  fit?: Omit<FitOptions, "starts" | "weights" | "onProgress" | "workers">;
  /** Filters applied before the checkpoint convention's. @default [] */
  filters?: FilterSpec[];
}

/** Options of {@link predictChain}. */
export interface PredictChainOptions {
  /** Metric holding the task loss (step 1's output, step 2's input). */
  lossMetric: string;
  /** Metric holding the accuracy or error to predict (step 2's output). */
  downstreamMetric: string;
  /**
   * Checkpoint convention, applied after each step's own filters:
   * - `"final"`: both steps use each run's final checkpoint;
   * - `"ladder"`: the OLMo ladder's (methods.md 1.7): step 1 uses the mean of the last 5
   *   evaluations of the loss at the final checkpoint (trailing moving average of width 5, then
   *   the final checkpoint); step 2 uses every checkpoint after dropping the first 10% of each
   *   run, with a trailing moving average of width 5 on both metrics;
   * - `"none"`: only the steps' own filters.
   * @default "final"
   */
  conventions?: "final" | "ladder" | "none";
  step1?: ChainStep1Options;
  step2?: ChainStep2Options;
  /** Bootstrap resamples of whole runs; 0 gives point predictions only. @default 200 */
  resamples?: number;
  /** Seed: resample i draws runs from `rng(substream(seed, i))`. @default 0 */
  seed?: number;
  /** Level of the percentile prediction intervals. @default 0.95 */
  level?: number;
  /**
   * Where each bootstrap refit starts: `"estimate"`, the full-data optimum (fast; as Epoch AI's
   * bootstrap), or `"starts"`, each step's own multi-start strategy (slower; safer when the
   * objective has several optima, e.g. Huber with few runs). @default "estimate"
   */
  refitFrom?: "estimate" | "starts";
}

/** Prediction at one target. */
export interface ChainPrediction extends ChainTarget {
  /** Step-1 prediction of the task loss. */
  loss: number;
  /** Step-2 prediction of the downstream metric from the predicted loss. */
  value: number;
  /** Percentile interval of the loss over the bootstrap (absent without resamples). */
  lossInterval?: [number, number];
  /** Percentile interval of the downstream metric over the bootstrap. */
  valueInterval?: [number, number];
}

/** Result of {@link predictChain}. */
export interface PredictChainResult {
  /** Step-1 law and fit. */
  step1Law: Law;
  step1: FitResult;
  /** Step-2 fit (law, parameters, data used). */
  step2: FitMappingResult;
  predictions: ChainPrediction[];
  /** Points fitted in each step and runs resampled. */
  points: { step1: number; step2: number; runs: number };
  /**
   * The data of each step after the filters: step 1's (N, D, loss) per point and step 2's
   * (loss, metric) pairs (the anchor point excluded), each with its run id.
   */
  data: {
    step1: { N: Float64Array; D: Float64Array; loss: Float64Array; runs: string[] };
    step2: { loss: Float64Array; value: Float64Array; runs: string[] };
  };
  /** What the filters of each step did. */
  reports: { step1: FilterReport[]; step2: FilterReport[] };
  /** The bootstrap over runs. */
  bootstrap: {
    resamples: number;
    seed: number;
    level: number;
    /** Resamples whose two refits both converged (their draws are kept). */
    succeeded: number;
    /**
     * Resamples left out: a refit ended with a non-finite objective or at the iteration limit,
     * or had fewer distinct points than free parameters.
     */
    failed: number;
    /** Per target, the loss and downstream predictions of the successful resamples. */
    lossDraws: Float64Array[];
    valueDraws: Float64Array[];
  };
}

const STEP1_INPUTS = ["N", "D", "C", "M"];

function step1Columns(law: Law, N: Float64Array, D: Float64Array): Record<string, Float64Array> {
  const cols: Record<string, Float64Array> = {};
  for (const s of law.inputs) {
    if (s.name === "N") cols.N = N;
    else if (s.name === "D") cols.D = D;
    else if (s.name === "C") cols.C = N.map((n, i) => 6 * n * D[i]);
    else if (s.name === "M") cols.M = N.map((n, i) => D[i] / n);
    else {
      throw new RangeError(
        `Cannot predict with step-1 law ${JSON.stringify(law.name)}: input ` +
          `${JSON.stringify(s.name)} is not known; expected inputs among ${
            STEP1_INPUTS.join(", ")
          }`,
      );
    }
  }
  return cols;
}

function conventionFilters(
  conventions: "final" | "ladder" | "none",
  lossMetric: string,
  downstreamMetric: string,
): [FilterSpec[], FilterSpec[]] {
  if (conventions === "final") return [[{ kind: "final" }], [{ kind: "final" }]];
  if (conventions === "ladder") {
    return [
      [{ kind: "movingAverage", width: 5, metrics: [lossMetric] }, { kind: "final" }],
      [
        { kind: "skipFraction", fraction: 0.1 },
        { kind: "movingAverage", width: 5, metrics: [lossMetric, downstreamMetric] },
      ],
    ];
  }
  return [[], []];
}

function interval(draws: Float64Array, level: number): [number, number] {
  const s = Float64Array.from(draws).sort();
  return [percentileSorted(s, (1 - level) / 2), percentileSorted(s, (1 + level) / 2)];
}

function values(law: Law, fit: FitResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of law.params) out[s.name] = fit.params[s.name].value;
  return out;
}

/**
 * A refit counts when it converged, or when its line search failed at a finite objective: a
 * refit that starts at (or next to) its optimum cannot decrease the objective any more and ends
 * that way (seen on noise-free data), which is not a failure of the resample.
 */
function usable(r: FitResult): boolean {
  return r.converged || (r.status === "line-search-failed" && Number.isFinite(r.objective));
}

function countPositive(w: Float64Array): number {
  let c = 0;
  for (const v of w) if (v > 0) c++;
  return c;
}

/**
 * Predict a downstream metric of target models in two steps, as the OLMo ladder does
 * (methods.md 1.7) and Gadre et al. do (1.3): step 1 fits the task loss L(N, D) on one point per
 * run; step 2 fits the mapping from task loss to the metric ({@link fitMapping}, default the
 * `sigmoid` law); a target's metric is step 2 applied to step 1's predicted loss.
 *
 * Uncertainty goes through both steps: each bootstrap resample draws the runs with replacement
 * (all checkpoints of a run together, since they are correlated), refits both steps on it (each
 * from the full-data optimum, with the resample counts as point weights; the step-2 anchor
 * point, when used, keeps weight 1), and predicts every target. Intervals are percentiles of
 * those predictions; resamples whose refits fail are counted and left out.
 *
 * @param ladder Runs with observations of `lossMetric` and `downstreamMetric`.
 * @param targets Models to predict.
 * @param options Metrics, checkpoint convention, per-step law, filters and fit options, bootstrap.
 * @returns Both fits, the predictions with intervals, and the bootstrap draws.
 * @throws {RangeError} For an unknown metric, a step-1 law with inputs other than N, D, C, M,
 *   no points left in a step, or an invalid resamples count or level.
 *
 * @example Recover a synthetic chain exactly
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "../data/schema.ts";
 * import { predictChain } from "./chain.ts";
 * const loss = (N: number, D: number) => 1.8 + 400 / N ** 0.34 + 600 / D ** 0.3;
 * const acc = (L: number) => -0.6 / (1 + Math.exp(-5 * (L - 2.6))) + 0.85;
 * const runs = [], checkpoints = [], observations = [];
 * for (const N of [2e7, 5e7, 1e8, 2e8, 5e8]) {
 *   for (const m of [5, 20, 80]) {
 *     const c = checkpoints.length, D = m * N;
 *     runs.push({ id: `${N}-${m}`, params: N });
 *     checkpoints.push({ run: runs.length - 1, step: 1, tokens: D, flops: NaN });
 *     observations.push({ checkpoint: c, metric: "loss", value: loss(N, D) });
 *     observations.push({ checkpoint: c, metric: "acc", value: acc(loss(N, D)) });
 *   }
 * }
 * const ladder = makeLadder({ runs, checkpoints, observations });
 * const r = predictChain(ladder, [{ N: 7e9, D: 1.4e11 }], {
 *   lossMetric: "loss", downstreamMetric: "acc", resamples: 0,
 * });
 * const L = loss(7e9, 1.4e11);
 * assert.ok(Math.abs(r.predictions[0].loss - L) < 1e-6);
 * assert.ok(Math.abs(r.predictions[0].value - acc(L)) < 1e-5);
 * ```
 */
export function predictChain(
  ladder: Ladder,
  targets: ChainTarget[],
  options: PredictChainOptions,
): PredictChainResult {
  const { lossMetric, downstreamMetric } = options;
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 0)) {
    throw new RangeError(
      `Cannot predict the chain: resamples is ${resamples}; expected a non-negative integer`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(
      `Cannot predict the chain: level is ${level}; expected a number in (0, 1)`,
    );
  }
  for (const m of [lossMetric, downstreamMetric]) {
    if (!ladder.metrics.includes(m)) metricPoints(ladder, m); // throws, listing the metrics
  }
  const [conv1, conv2] = conventionFilters(
    options.conventions ?? "final",
    lossMetric,
    downstreamMetric,
  );

  // Step 1 data: one point per run.
  const f1 = applyFilters(ladder, [...(options.step1?.filters ?? []), ...conv1], {
    metric: lossMetric,
  });
  const p1 = metricPoints(f1.ladder, lossMetric);
  const keep1: number[] = [];
  for (let i = 0; i < p1.y.length; i++) if (Number.isFinite(p1.y[i])) keep1.push(i);
  if (keep1.length === 0) {
    throw new RangeError(
      `Cannot predict the chain: no finite ${JSON.stringify(lossMetric)} values are left for ` +
        `step 1 after the filters; expected at least one point per run`,
    );
  }
  const law1 = typeof options.step1?.law === "string" || options.step1?.law === undefined
    ? getLaw(options.step1?.law ?? "chinchilla")
    : options.step1.law;
  const N1 = Float64Array.from(keep1, (i) => p1.N[i]);
  const D1 = Float64Array.from(keep1, (i) => p1.D[i]);
  const y1 = Float64Array.from(keep1, (i) => p1.y[i]);
  const runIds1 = keep1.map((i) => f1.ladder.runs[p1.run[i]].id);
  const data1 = { inputs: step1Columns(law1, N1, D1), y: y1 };
  const fit1Options = options.step1?.fit ?? {};
  const fit1 = fitSync(law1, data1, fit1Options);

  // Step 2 data: (loss, metric) pairs at the same checkpoints.
  const f2 = applyFilters(ladder, [...(options.step2?.filters ?? []), ...conv2], {
    metric: lossMetric,
  });
  const lp = metricPoints(f2.ladder, lossMetric);
  const dp = metricPoints(f2.ladder, downstreamMetric);
  const lossAt = new Map<number, number>();
  for (let i = 0; i < lp.y.length; i++) lossAt.set(lp.checkpoint[i], lp.y[i]);
  const x2: number[] = [], y2: number[] = [], runIds2: string[] = [];
  for (let i = 0; i < dp.y.length; i++) {
    const l = lossAt.get(dp.checkpoint[i]);
    if (l === undefined || !Number.isFinite(l) || !Number.isFinite(dp.y[i])) continue;
    x2.push(l);
    y2.push(dp.y[i]);
    runIds2.push(f2.ladder.runs[dp.run[i]].id);
  }
  if (x2.length === 0) {
    throw new RangeError(
      `Cannot predict the chain: no checkpoint has both ${JSON.stringify(lossMetric)} and ` +
        `${JSON.stringify(downstreamMetric)} after the step-2 filters; expected paired values`,
    );
  }
  const { filters: _filters, ...mappingOptions } = options.step2 ?? {};
  const fit2 = fitMapping(Float64Array.from(x2), Float64Array.from(y2), mappingOptions);
  const law2 = fit2.law;

  // Point predictions.
  const tN = Float64Array.from(targets, (t) => t.N);
  const tD = Float64Array.from(targets, (t) => t.D);
  const tCols = law1.inputs.map((s) => step1Columns(law1, tN, tD)[s.name]);
  const predictAt = (p1v: Float64Array, p2v: Float64Array) => {
    const L = new Float64Array(targets.length), v = new Float64Array(targets.length);
    law1.predict(tCols, p1v, L);
    law2.predict([L], p2v, v);
    return { L, v };
  };
  const est1 = values(law1, fit1), est2 = fit2.params;
  const vec1 = Float64Array.from(law1.params, (s) => est1[s.name]);
  const vec2 = Float64Array.from(law2.params, (s) => est2[s.name]);
  const point = predictAt(vec1, vec2);

  // Bootstrap over runs.
  const runNames = [...new Set([...runIds1, ...runIds2])];
  const slot = new Map(runNames.map((id, i) => [id, i]));
  const slot1 = Int32Array.from(runIds1, (id) => slot.get(id)!);
  const slot2 = Int32Array.from(runIds2, (id) => slot.get(id)!);
  const R = runNames.length;
  const lossDraws = targets.map(() => new Float64Array(resamples));
  const valueDraws = targets.map(() => new Float64Array(resamples));
  const n2 = fit2.x.length;
  let succeeded = 0, failed = 0;
  const fromStarts = options.refitFrom === "starts";
  const start1 = fromStarts ? fit1Options.starts ?? "default" : [est1];
  const start2 = fromStarts ? fit2.options.starts ?? "default" : [est2];
  for (let r = 0; r < resamples; r++) {
    const g = rng(substream(seed, r));
    const counts = new Float64Array(R);
    for (let i = 0; i < R; i++) counts[g.int(R)]++;
    const w1 = Float64Array.from(slot1, (s) => counts[s]);
    const w2 = new Float64Array(n2).fill(1); // the anchor point, if any, is last and keeps 1
    slot2.forEach((s, i) => (w2[i] = counts[s]));
    if (countPositive(w1) < fit1.nFree || countPositive(w2) < fit2.fit.nFree) {
      failed++;
      continue;
    }
    const r1 = fitSync(law1, data1, { ...fit1Options, starts: start1, weights: w1 });
    const r2 = fitSync(
      law2,
      { inputs: { [law2.inputs[0].name]: fit2.x }, y: fit2.y },
      { ...fit2.options, starts: start2, weights: w2 },
    );
    if (!usable(r1) || !usable(r2)) {
      failed++;
      continue;
    }
    const v1 = values(law1, r1), v2 = values(law2, r2);
    const { L, v } = predictAt(
      Float64Array.from(law1.params, (s) => v1[s.name]),
      Float64Array.from(law2.params, (s) => v2[s.name]),
    );
    targets.forEach((_, t) => {
      lossDraws[t][succeeded] = L[t];
      valueDraws[t][succeeded] = v[t];
    });
    succeeded++;
  }
  const lossKept = lossDraws.map((d) => d.slice(0, succeeded));
  const valueKept = valueDraws.map((d) => d.slice(0, succeeded));

  const predictions: ChainPrediction[] = targets.map((t, i) => ({
    ...t,
    loss: point.L[i],
    value: point.v[i],
    ...(succeeded > 0
      ? { lossInterval: interval(lossKept[i], level), valueInterval: interval(valueKept[i], level) }
      : {}),
  }));
  return {
    step1Law: law1,
    step1: fit1,
    step2: fit2,
    predictions,
    points: { step1: y1.length, step2: x2.length, runs: R },
    data: {
      step1: { N: N1, D: D1, loss: y1, runs: runIds1 },
      step2: { loss: Float64Array.from(x2), value: Float64Array.from(y2), runs: runIds2 },
    },
    reports: { step1: f1.report, step2: f2.report },
    bootstrap: {
      resamples,
      seed,
      level,
      succeeded,
      failed,
      lossDraws: lossKept,
      valueDraws: valueKept,
    },
  };
}
