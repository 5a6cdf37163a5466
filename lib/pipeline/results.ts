/**
 * Pieces of the results document built from the pipeline's raw results, and the comparison of
 * results with published values by result path (`fits.main.params.E`,
 * `allocation.tokensPerParam@5.88e23`).
 *
 * @module
 */

import type { FitResult } from "../fit/types.ts";
import type { BootstrapResult } from "../fit/bootstrap.ts";
import type { Ladder } from "../data/schema.ts";
import type {
  ComparisonRow,
  ErrorSummary,
  FitSummary,
  Interval,
  LadderCounts,
  MetricSummary,
  ParamSummary,
  PredictionRow,
  ResultsDocument,
} from "../report/types.ts";
import { parseQuantity, type PublishedValue, RESULT_COLLECTIONS } from "./spec.ts";

/** Most fitted points listed in results.json per fit (the summary always covers all). */
export const MAX_PREDICTION_ROWS = 5000;

/**
 * Counts of a ladder: runs, checkpoints, observations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ladderCounts } from "./results.ts";
 * import { syntheticLadder } from "../data/synthetic.ts";
 * const l = syntheticLadder({ sizes: [1e7], tokenMultipliers: [20], seeds: 1, checkpoints: 3, tasks: [] });
 * assert.deepEqual(ladderCounts(l), { runs: 1, checkpoints: 3, observations: 3 });
 * ```
 */
export function ladderCounts(ladder: Ladder): LadderCounts {
  return {
    runs: ladder.runs.length,
    checkpoints: ladder.checkpoints.run.length,
    observations: ladder.observations.value.length,
  };
}

/** Per-metric counts and ranges of a ladder, in the ladder's metric order. */
export function metricSummaries(ladder: Ladder): MetricSummary[] {
  const n = ladder.metrics.length;
  const count = new Array<number>(n).fill(0);
  const min = new Array<number>(n).fill(Infinity);
  const max = new Array<number>(n).fill(-Infinity);
  const { metric, value } = ladder.observations;
  for (let i = 0; i < metric.length; i++) {
    const m = metric[i], v = value[i];
    count[m]++;
    if (Number.isFinite(v)) {
      if (v < min[m]) min[m] = v;
      if (v > max[m]) max[m] = v;
    }
  }
  return ladder.metrics.map((name, m) => ({
    name,
    kind: ladder.metricKinds[name] ?? "other",
    count: count[m],
    min: Number.isFinite(min[m]) ? min[m] : null,
    max: Number.isFinite(max[m]) ? max[m] : null,
  }));
}

/** [min, max] of the finite positive values, or null. */
export function range(values: ArrayLike<number>): Interval | null {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Error summary of predictions against actual values (RMSE, MAE, mean and largest absolute
 * relative error); non-finite pairs are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorSummary } from "./results.ts";
 * const s = errorSummary([2, 4], [2.2, 3.6]);
 * assert.equal(s.n, 2);
 * assert.ok(Math.abs((s.rmse ?? 0) - Math.sqrt((0.04 + 0.16) / 2)) < 1e-12);
 * assert.ok(Math.abs((s.maxAbsRelativeError ?? 0) - 0.1) < 1e-12);
 * ```
 */
export function errorSummary(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ErrorSummary {
  let n = 0, se = 0, ae = 0, are = 0, maxRe = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], p = predicted[i];
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    const e = p - a;
    n++;
    se += e * e;
    ae += Math.abs(e);
    const re = a !== 0 ? Math.abs(e / a) : NaN;
    are += re;
    if (re > maxRe) maxRe = re;
  }
  if (n === 0) return { n: 0, rmse: null, mae: null, mare: null, maxAbsRelativeError: null };
  return {
    n,
    rmse: Math.sqrt(se / n),
    mae: ae / n,
    mare: Number.isFinite(are) ? are / n : null,
    maxAbsRelativeError: maxRe,
  };
}

/** Prediction rows for points (run ids, inputs by law input name, actual, predicted). */
export function predictionRows(
  runIds: readonly string[],
  inputs: Record<string, ArrayLike<number>>,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): PredictionRow[] {
  const names = Object.keys(inputs);
  return Array.from(runIds, (run, i) => {
    const row: Record<string, number> = {};
    for (const n of names) row[n] = inputs[n][i];
    const e = predicted[i] - actual[i];
    return {
      run,
      inputs: row,
      actual: actual[i],
      predicted: predicted[i],
      error: e,
      relativeError: e / actual[i],
    };
  });
}

/** What {@link fitSummary} needs about a fit. */
export interface FitSummaryInput {
  id: string;
  law: string;
  formula: string;
  metric: string;
  inputs: Record<string, string>;
  options: Record<string, unknown>;
  result: FitResult;
  bootstrap?: BootstrapResult;
  bootstrapSeed?: number;
  bootstrapBy?: "point" | "run";
  /** Run id, law inputs, actual and fitted values of each point. */
  runIds: string[];
  x: Record<string, Float64Array>;
  y: Float64Array;
  fitted: Float64Array;
}

const NO_PARAM: ParamSummary = {
  value: null,
  stderr: null,
  ci: null,
  bootstrapStderr: null,
  fixed: false,
  tiedTo: null,
  atBound: false,
};

/** The results-document entry of a fit: parameters with errors and intervals, diagnostics,
 * bootstrap settings and fitted-vs-observed values (no wall-clock times). */
export function fitSummary(input: FitSummaryInput): FitSummary {
  const { result, bootstrap } = input;
  const params: Record<string, ParamSummary> = {};
  for (const [name, p] of Object.entries(result.params)) {
    params[name] = {
      ...NO_PARAM,
      value: p.value,
      stderr: p.stderr ?? null,
      ci: bootstrap?.intervals[name] ? [...bootstrap.intervals[name]] as Interval : null,
      bootstrapStderr: bootstrap?.stderr[name] ?? null,
      fixed: p.fixed,
      tiedTo: p.tiedTo ?? null,
      atBound: p.atBound,
    };
  }
  const d = result.diagnostics;
  const n = input.y.length;
  return {
    id: input.id,
    law: input.law,
    formula: input.formula,
    metric: input.metric,
    inputs: input.inputs,
    options: input.options,
    n: result.n,
    nFree: result.nFree,
    objective: result.objective,
    r2: result.r2,
    converged: result.converged,
    status: result.status,
    message: result.message,
    starts: result.starts,
    params,
    diagnostics: {
      conditionNumber: d.conditionNumber ?? null,
      paramOrder: d.paramOrder,
      correlation: d.correlation ?? null,
      atBound: d.atBound,
      atGridEdge: d.atGridEdge,
      localOptima: d.localOptima.slice(0, 5),
      warnings: d.warnings,
    },
    bootstrap: bootstrap
      ? {
        resamples: bootstrap.resamples,
        succeeded: bootstrap.resamples - bootstrap.failed,
        by: input.bootstrapBy ?? "point",
        level: bootstrap.level,
        seed: input.bootstrapSeed ?? bootstrap.seed,
      }
      : null,
    predictions: {
      summary: errorSummary(input.y, input.fitted),
      points: n <= MAX_PREDICTION_ROWS
        ? predictionRows(input.runIds, input.x, input.y, input.fitted)
        : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Result paths

/** A resolved quantity, or why it could not be resolved. */
export type Resolved = { value: number | Interval } | { missing: string };

function isInterval(v: unknown): v is Interval {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number");
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Resolve a result path against a results document.
 *
 * Rules: the first name is a collection (`fits`, `allocations`, `isoflops`, `evaluations`,
 * `data`) or the id of a step result; names then walk into objects; `name@C` picks the entry of
 * `points` whose `compute` is C and reads `name` from it (a following `band` reads its band);
 * an object with a `value` resolves to that value (`fits.f.params.E`), and `[low, high]` arrays
 * are intervals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveQuantity } from "./results.ts";
 * const doc = {
 *   fits: { f: { params: { E: { value: 1.8, ci: [1.7, 1.9] } } } },
 *   allocations: {
 *     allocation: {
 *       a: 0.5,
 *       points: [{ compute: 1e21, tokensPerParam: 20, bands: { tokensPerParam: [15, 25] } }],
 *     },
 *   },
 *   isoflops: {}, evaluations: {},
 * };
 * // deno-lint-ignore no-explicit-any
 * const d = doc as any;
 * assert.deepEqual(resolveQuantity(d, "fits.f.params.E"), { value: 1.8 });
 * assert.deepEqual(resolveQuantity(d, "f.params.E.ci"), { value: [1.7, 1.9] });
 * assert.deepEqual(resolveQuantity(d, "allocation.tokensPerParam@1e21"), { value: 20 });
 * assert.deepEqual(resolveQuantity(d, "allocation.tokensPerParam@1e21.band"), { value: [15, 25] });
 * assert.ok("missing" in resolveQuantity(d, "allocation.tokensPerParam@1e22"));
 * ```
 */
export function resolveQuantity(results: ResultsDocument, path: string): Resolved {
  const segments = parseQuantity(path);
  const doc = results as unknown as Record<string, unknown>;
  let node: unknown;
  let rest = segments;
  const [first] = segments;
  if (RESULT_COLLECTIONS.includes(first.key)) {
    node = doc[first.key];
    rest = segments.slice(1);
  } else {
    for (const c of ["fits", "allocations", "isoflops", "evaluations", "downstream"]) {
      const coll = doc[c] as Record<string, unknown> | undefined;
      if (coll && first.key in coll) {
        node = coll[first.key];
        break;
      }
    }
    if (node === undefined) return { missing: `no result named ${JSON.stringify(first.key)}` };
    rest = segments.slice(1);
  }
  let lastAt: { point: Record<string, unknown>; key: string } | undefined;
  for (const seg of rest) {
    if ((seg.key === "band" || seg.key === "ci") && seg.at === undefined && lastAt) {
      const bands = lastAt.point.bands as Record<string, unknown> | null;
      node = bands ? bands[lastAt.key] : undefined;
      lastAt = undefined;
      if (node === undefined) return { missing: "no band (the fit was not bootstrapped)" };
      continue;
    }
    if (node === null || typeof node !== "object") {
      return { missing: `nothing at ${JSON.stringify(seg.key)}` };
    }
    const obj = node as Record<string, unknown>;
    if (seg.at !== undefined) {
      const points = obj.points;
      if (!Array.isArray(points)) return { missing: `no budgets under ${JSON.stringify(seg.key)}` };
      const point = points.find((p) => near(p.compute, seg.at!));
      if (!point) return { missing: `no budget ${seg.at}` };
      node = point[seg.key];
      lastAt = { point, key: seg.key };
      continue;
    }
    lastAt = undefined;
    if (!(seg.key in obj)) return { missing: `nothing at ${JSON.stringify(seg.key)}` };
    node = obj[seg.key];
  }
  if (node !== null && typeof node === "object" && !Array.isArray(node) && "value" in node) {
    node = (node as { value: unknown }).value;
  }
  if (typeof node === "number" && Number.isFinite(node)) return { value: node };
  if (isInterval(node)) return { value: [node[0], node[1]] };
  return { missing: node === null ? "the value is not available" : "not a number or interval" };
}

/**
 * Compare published values with ours: differences, relative differences and whether they are
 * within the given tolerance (null when none was given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareWithPublished } from "./results.ts";
 * // deno-lint-ignore no-explicit-any
 * const doc = { fits: { f: { params: { E: { value: 1.8172, ci: [1.77, 1.87] } } } } } as any;
 * const [a, b, c] = compareWithPublished(doc, [
 *   { quantity: "fits.f.params.E", value: 1.81724, source: "Epoch", tolerance: 1e-3 },
 *   { quantity: "fits.f.params.E.ci", value: [1.769, 1.871], source: "Epoch", tolerance: 0.005 },
 *   { quantity: "fits.f.params.E", value: 1.9, source: "truth", tolerance: "interval" },
 * ]);
 * assert.ok(Math.abs((a.difference as number) + 4e-5) < 1e-12);
 * assert.equal(a.withinTolerance, true);
 * assert.equal(b.withinTolerance, true);
 * assert.deepEqual([c.interval, c.withinTolerance], [[1.77, 1.87], false]);
 * ```
 */
export function compareWithPublished(
  results: ResultsDocument,
  published: readonly PublishedValue[],
): ComparisonRow[] {
  return published.map((p) => {
    const r = resolveQuantity(results, p.quantity);
    let interval: Interval | null = null;
    if (p.tolerance === "interval") {
      for (const suffix of [".ci", ".band"]) {
        const q = resolveQuantity(results, p.quantity + suffix);
        if ("value" in q && Array.isArray(q.value)) {
          interval = q.value;
          break;
        }
      }
    }
    const base = {
      quantity: p.quantity,
      published: p.value,
      source: p.source,
      tolerance: p.tolerance ?? null,
      interval,
      relativeTolerance: p.relativeTolerance ?? null,
    };
    if ("missing" in r) {
      return {
        ...base,
        ours: null,
        difference: null,
        relativeDifference: null,
        withinTolerance: null,
        note: r.missing,
      };
    }
    const ours = r.value;
    const pub = p.value;
    if (Array.isArray(pub) !== Array.isArray(ours)) {
      return {
        ...base,
        ours,
        difference: null,
        relativeDifference: null,
        withinTolerance: null,
        note: Array.isArray(pub)
          ? "ours is a number, the published value an interval"
          : "ours is an interval, the published value a number",
      };
    }
    const oursList = Array.isArray(ours) ? ours : [ours];
    const pubList = Array.isArray(pub) ? pub : [pub];
    const diff = oursList.map((o, i) => o - pubList[i]);
    const rel = diff.map((d, i) => (pubList[i] !== 0 ? d / Math.abs(pubList[i]) : NaN));
    let relWorst = rel[0];
    for (const x of rel) if (Math.abs(x) > Math.abs(relWorst)) relWorst = x;
    let within: boolean | null = null;
    const tol = typeof p.tolerance === "number" ? p.tolerance : undefined;
    if (p.tolerance === "interval") {
      within = interval !== null && !Array.isArray(pub)
        ? pub >= interval[0] && pub <= interval[1]
        : null;
    } else if (tol !== undefined || p.relativeTolerance !== undefined) {
      within = diff.every((d, i) =>
        (tol !== undefined && Math.abs(d) <= tol * (1 + 1e-12)) ||
        (p.relativeTolerance !== undefined && Math.abs(rel[i]) <= p.relativeTolerance * (1 + 1e-12))
      );
    }
    return {
      ...base,
      ours,
      difference: Array.isArray(ours) ? [diff[0], diff[1]] as Interval : diff[0],
      relativeDifference: Number.isFinite(relWorst) ? relWorst : null,
      withinTolerance: within,
      note: null,
    };
  });
}
