/**
 * The points a backtest works on: one metric of a ladder as flat typed arrays (run, N, D, y and
 * optionally unique tokens U), with per-run size and final tokens, so that the thousands of
 * subsets of a study are index masks over one array rather than new ladders.
 *
 * @module
 */

import { type Ladder, metricPoints } from "../data/schema.ts";

/** One metric of a ladder, ready for subset selection and fitting. */
export interface BacktestPoints {
  /** The metric. */
  metric: string;
  /** How values were transformed: `"log"` (perplexity → loss in nats) or `"none"`. */
  transform: "log" | "none";
  /** Run ids, indexed by the local run index of {@link BacktestPoints.run}. */
  runIds: string[];
  /** Total parameters of each run. */
  runParams: Float64Array;
  /** Largest tokens observed for the metric in each run (the run's final checkpoint). */
  runFinalTokens: Float64Array;
  /** Family of each run ("" when none). */
  runFamilies: string[];
  /** Local run index of each point. */
  run: Int32Array;
  /** Parameters N of each point. */
  N: Float64Array;
  /** Tokens D of each point. */
  D: Float64Array;
  /** Unique tokens U of each point (NaN when unknown), for data-constrained laws. */
  U: Float64Array;
  /** Value (after the transform). */
  y: Float64Array;
}

/** Options of {@link backtestPoints}. */
export interface BacktestPointsOptions {
  /**
   * Value transform: `"auto"` takes the natural log of perplexity metrics (so that laws see a
   * loss in nats, as ColPret does with log2) and leaves others. @default "auto"
   */
  transform?: "auto" | "log" | "none";
  /**
   * Unique training tokens U of each run: a numeric run field, or `"epochs-in-family"`, which
   * reads the planned epochs from a family name ending in `<n>ep` (datablations' scaled sets
   * such as `GPT2-c4-4ep`) and sets U = final tokens / epochs. @default U unknown (NaN)
   */
  uniqueTokens?: "epochs-in-family" | { field: string };
}

/**
 * Extract one metric of a ladder as backtest points. Points with a non-finite value or
 * tokens ≤ 0 are left out; runs without points are left out.
 *
 * @param ladder The ladder.
 * @param metric The metric.
 * @param options Transform and unique tokens.
 * @returns The points.
 * @throws {RangeError} When the metric is not in the ladder.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "../data/schema.ts";
 * import { backtestPoints } from "./points.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "a", params: 1e8, family: "f-2ep" }],
 *   checkpoints: [1e9, 2e9].map((tokens) => ({ run: 0, step: NaN, tokens, flops: NaN })),
 *   observations: [20, 10].map((value, checkpoint) => ({ checkpoint, metric: "ppl", value })),
 *   metricKinds: { ppl: "perplexity" },
 * });
 * const p = backtestPoints(ladder, "ppl", { uniqueTokens: "epochs-in-family" });
 * assert.equal(p.transform, "log");
 * assert.ok(Math.abs(p.y[1] - Math.log(10)) < 1e-15);
 * assert.deepEqual([...p.U], [1e9, 1e9]);
 * ```
 */
export function backtestPoints(
  ladder: Ladder,
  metric: string,
  options: BacktestPointsOptions = {},
): BacktestPoints {
  const pts = metricPoints(ladder, metric);
  const mode = options.transform ?? "auto";
  const transform = mode === "auto"
    ? (ladder.metricKinds[metric] === "perplexity" ? "log" : "none")
    : mode;
  const keep: number[] = [];
  for (let i = 0; i < pts.y.length; i++) {
    if (Number.isFinite(pts.y[i]) && pts.D[i] > 0 && (transform === "none" || pts.y[i] > 0)) {
      keep.push(i);
    }
  }
  const local = new Map<number, number>();
  const runIds: string[] = [];
  const params: number[] = [];
  const families: string[] = [];
  const finals: number[] = [];
  const n = keep.length;
  const out: BacktestPoints = {
    metric,
    transform,
    runIds,
    runParams: new Float64Array(),
    runFinalTokens: new Float64Array(),
    runFamilies: families,
    run: new Int32Array(n),
    N: new Float64Array(n),
    D: new Float64Array(n),
    U: new Float64Array(n).fill(NaN),
    y: new Float64Array(n),
  };
  keep.forEach((i, k) => {
    const r = pts.run[i];
    let j = local.get(r);
    if (j === undefined) {
      j = runIds.length;
      local.set(r, j);
      const run = ladder.runs[r];
      runIds.push(run.id);
      params.push(run.params);
      families.push(run.family ?? "");
      finals.push(0);
    }
    out.run[k] = j;
    out.N[k] = pts.N[i];
    out.D[k] = pts.D[i];
    out.y[k] = transform === "log" ? Math.log(pts.y[i]) : pts.y[i];
    if (pts.D[i] > finals[j]) finals[j] = pts.D[i];
  });
  out.runParams = Float64Array.from(params);
  out.runFinalTokens = Float64Array.from(finals);
  const u = options.uniqueTokens;
  if (u !== undefined) {
    const perRun = new Float64Array(runIds.length).fill(NaN);
    const byId = new Map(ladder.runs.map((r) => [r.id, r]));
    runIds.forEach((id, j) => {
      const run = byId.get(id)!;
      if (u === "epochs-in-family") {
        const m = /(\d+(?:\.\d+)?)ep$/.exec(run.family ?? "");
        if (m && Number(m[1]) > 0) perRun[j] = finals[j] / Number(m[1]);
      } else {
        const v = run.fields?.[u.field];
        const x = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
        if (x > 0) perRun[j] = x;
      }
    });
    for (let k = 0; k < n; k++) out.U[k] = perRun[out.run[k]];
  }
  return out;
}

/**
 * Distinct model sizes (parameters) of the points' runs, ascending.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelSizes } from "./points.ts";
 * assert.deepEqual(modelSizes({ runParams: Float64Array.of(3e8, 1e8, 3e8) }), [1e8, 3e8]);
 * ```
 */
export function modelSizes(points: Pick<BacktestPoints, "runParams">): number[] {
  return [...new Set(points.runParams)].sort((a, b) => a - b);
}

/**
 * The points at the given indices (a new object sharing the run tables).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takePoints } from "./points.ts";
 * const p = {
 *   metric: "loss", transform: "none" as const, runIds: ["a"], runParams: Float64Array.of(1),
 *   runFinalTokens: Float64Array.of(3), runFamilies: [""], run: Int32Array.of(0, 0, 0),
 *   N: Float64Array.of(1, 1, 1), D: Float64Array.of(1, 2, 3), U: Float64Array.of(NaN, NaN, NaN),
 *   y: Float64Array.of(5, 4, 3),
 * };
 * assert.deepEqual([...takePoints(p, Int32Array.of(0, 2)).y], [5, 3]);
 * ```
 */
export function takePoints(points: BacktestPoints, index: Int32Array): BacktestPoints {
  const take = (a: Float64Array) => Float64Array.from(index, (i) => a[i]);
  return {
    ...points,
    run: Int32Array.from(index, (i) => points.run[i]),
    N: take(points.N),
    D: take(points.D),
    U: take(points.U),
    y: take(points.y),
  };
}
