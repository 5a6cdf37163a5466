/**
 * Declarative, composable checkpoint filters. A filter is plain data (a {@link FilterSpec}
 * discriminated on `kind`), so pipelines can store filters in JSON; {@link applyFilters} applies
 * a list of them in order and reports, for each, how many rows it kept and dropped and why.
 *
 * Conventions shared by every filter:
 * - A run's checkpoints are ordered by tokens (then step, then position in the table); the
 *   **final** checkpoint of a run is the last in that order.
 * - Filters are pure: the input ladder is never changed; the output has fresh typed arrays.
 * - Runs left without any checkpoint are removed from the output.
 * - Every filter that drops something appends a counted warning (code `"filter.dropped"`, or
 *   `"filter.refused"` for IsoFLOP points that could not be read) to the output's `warnings`.
 *
 * @module
 */

import { checkpointCompute, type ComputeMode, type Ladder, type Run } from "./schema.ts";
import { Warnings } from "../util/warnings.ts";

/** Keep only the final checkpoint of each run. */
export interface FinalFilter {
  kind: "final";
}

/** Drop checkpoints that have seen fewer than `tokens` tokens (Choshen et al.: 1e10). */
export interface MinTokensFilter {
  kind: "minTokens";
  /** Smallest number of tokens kept (>= 0). */
  tokens: number;
}

/**
 * Drop checkpoints that have seen more than `tokens` tokens: the early part of training curves,
 * to fit on it and extrapolate to the rest.
 */
export interface MaxTokensFilter {
  kind: "maxTokens";
  /** Largest number of tokens kept (> 0). */
  tokens: number;
}

/**
 * Drop the first `fraction` of each run (OLMo's `skip_perc`, 10%).
 * `by: "count"` drops the first ⌊fraction · n⌋ of the run's n checkpoints;
 * `by: "tokens"` drops checkpoints with tokens < fraction · (tokens of the final checkpoint).
 */
export interface SkipFractionFilter {
  kind: "skipFraction";
  /** Fraction in [0, 1]. */
  fraction: number;
  /** How the fraction is measured. @default "count" */
  by?: "count" | "tokens";
}

/**
 * Keep the last `fraction` of each run (Choshen et al.'s targets: the last 30%).
 * `by: "count"` keeps the last ⌈fraction · n⌉ checkpoints; `by: "tokens"` keeps checkpoints with
 * tokens >= (1 − fraction) · (tokens of the final checkpoint).
 */
export interface LastFractionFilter {
  kind: "lastFraction";
  /** Fraction in [0, 1]. */
  fraction: number;
  /** How the fraction is measured. @default "count" */
  by?: "count" | "tokens";
}

/** Keep checkpoints 0, k, 2k, ... of each run (in token order), and always the final one. */
export interface EveryKFilter {
  kind: "everyK";
  /** Positive integer. */
  k: number;
}

/**
 * Replace each value by the trailing moving average of the last `width` values of the same
 * metric in the same run (OLMo's ladder: width 5). The first values of a run average the ones
 * available; non-finite values are left out of the averages.
 */
export interface MovingAverageFilter {
  kind: "movingAverage";
  /** Window width, a positive integer. */
  width: number;
  /** Metrics to smooth. @default all metrics */
  metrics?: string[];
  /** Drop the first `width − 1` checkpoints of each run, whose windows are partial. @default false */
  dropPartial?: boolean;
}

/**
 * Average over seeds: runs that differ only in id and seed (same family, dataset, params,
 * non-embedding params, fields and final tokens) become one run whose value of each metric at a
 * checkpoint is the mean over the seeds. Checkpoints match on the same step (`"step"`) or the
 * same tokens (`"tokens"`); a checkpoint (or a metric at a checkpoint) missing from some seed is
 * dropped with a warning. Runs without another seed to average with are kept as they are, with a
 * warning.
 */
export interface SeedAverageFilter {
  kind: "seedAverage";
  /** How checkpoints are matched; `"auto"` uses steps when every step is known. @default "auto" */
  match?: "auto" | "step" | "tokens";
}

/**
 * Epoch AI's outlier rule: with v_k the k-th largest finite value of the metric, keep the
 * checkpoints whose value is strictly below v_k and drop the others (with ties at v_k more than
 * k are dropped; NaN values are dropped too). Checkpoints without an observation of the metric
 * are kept. On Chinchilla's 245 points, `count: 5` keeps 240.
 */
export interface DropHighestFilter {
  kind: "dropHighest";
  /** k, a non-negative integer. */
  count: number;
  /** The metric. @default the `metric` option of {@link applyFilters} ("loss") */
  metric?: string;
}

/**
 * Select runs. All given criteria must hold. Size ranks count distinct values of `params`,
 * ascending, from 0 (the smallest size has rank 0).
 */
export interface RunsFilter {
  kind: "runs";
  /** Keep runs of these families. */
  families?: string[];
  /** Keep runs with these ids. */
  ids?: string[];
  /** Keep the runs of the `smallest` smallest sizes. */
  smallest?: number;
  /** Keep the runs of the `largest` largest sizes. */
  largest?: number;
  /** Keep the runs whose size has one of these ranks (0 = smallest). */
  sizeRanks?: number[];
  /** Keep runs whose final compute is >= this (FLOPs). */
  minCompute?: number;
  /** Keep runs whose final compute is <= this (FLOPs). */
  maxCompute?: number;
  /** How compute is obtained for the compute range. @default "6ND" */
  compute?: ComputeMode;
}

/**
 * Porian et al.'s IsoFLOP extraction: for each run and each budget C, the metric where the run's
 * compute reaches C, by linear interpolation of log(value) against log(compute) between the
 * neighbouring checkpoints (linear in log(compute) when a value is <= 0); beyond the first or last
 * checkpoint, the line through the two nearest checkpoints is extended. A (run, C) point is
 * refused (with a counted warning) when the nearest checkpoint is more than `tolerance` · C away
 * in compute. The output has one checkpoint per (run, C): flops = C, step = NaN, tokens = C/(6N)
 * ("6ND"), C/(6 N_non-embedding) ("6NnD") or interpolated log-log ("given").
 */
export interface AtComputeFilter {
  kind: "atCompute";
  /** Target budgets C in FLOPs (> 0). */
  budgets: number[];
  /** How compute is obtained. @default "6ND" */
  compute?: ComputeMode;
  /** Largest relative distance |C_checkpoint − C| / C to the nearest checkpoint. @default 0.1 */
  tolerance?: number;
}

/** A checkpoint filter: plain data, discriminated on `kind`. */
export type FilterSpec =
  | FinalFilter
  | MinTokensFilter
  | MaxTokensFilter
  | SkipFractionFilter
  | LastFractionFilter
  | EveryKFilter
  | MovingAverageFilter
  | SeedAverageFilter
  | DropHighestFilter
  | RunsFilter
  | AtComputeFilter;

/** What one filter did. */
export interface FilterReport {
  /** Human description of the filter, e.g. "keep checkpoints with at least 1e10 tokens". */
  filter: string;
  /** Rows kept (in `unit`). */
  kept: number;
  /** Rows dropped (in `unit`); for `seedAverage`, runs merged into others. */
  dropped: number;
  /** Why rows were dropped (or what was done). */
  reason: string;
  /** What `kept` and `dropped` count. */
  unit: "checkpoints" | "runs" | "points";
}

/** Options of {@link applyFilters}. */
export interface ApplyFiltersOptions {
  /** Metric used by filters that need one (`dropHighest`) when their spec names none. @default "loss" */
  metric?: string;
}

/** Result of {@link applyFilters}. */
export interface ApplyFiltersResult {
  /** The filtered ladder (a new object; the input is unchanged). */
  ladder: Ladder;
  /** One report per filter, in order. */
  report: FilterReport[];
}

const KINDS = [
  "final",
  "minTokens",
  "maxTokens",
  "skipFraction",
  "lastFraction",
  "everyK",
  "movingAverage",
  "seedAverage",
  "dropHighest",
  "runs",
  "atCompute",
] as const;

const COMPUTE_MODES: readonly ComputeMode[] = ["given", "6ND", "6NnD"];

/** Format a number briefly: 1e10, 2.5e19, 0.1, 12. */
function num(x: number): string {
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) {
    const [m, e] = x.toExponential().split("e");
    return `${+(+m).toPrecision(4)}e${+e}`;
  }
  return `${+x.toPrecision(4)}`;
}

function pct(x: number): string {
  return `${+(x * 100).toPrecision(4)}%`;
}

/**
 * A one-line human description of a filter, as used in {@link FilterReport.filter}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFilter } from "./filter.ts";
 * assert.equal(describeFilter({ kind: "minTokens", tokens: 1e10 }),
 *   "keep checkpoints with at least 1e10 tokens");
 * ```
 */
export function describeFilter(spec: FilterSpec, defaultMetric = "loss"): string {
  switch (spec.kind) {
    case "final":
      return "keep the final checkpoint of each run";
    case "minTokens":
      return `keep checkpoints with at least ${num(spec.tokens)} tokens`;
    case "maxTokens":
      return `keep checkpoints with at most ${num(spec.tokens)} tokens`;
    case "skipFraction":
      return `drop the first ${pct(spec.fraction)} of each run (by ${spec.by ?? "count"})`;
    case "lastFraction":
      return `keep the last ${pct(spec.fraction)} of each run (by ${spec.by ?? "count"})`;
    case "everyK":
      return `keep every ${spec.k}-th checkpoint of each run and the final one`;
    case "movingAverage":
      return `trailing moving average of width ${spec.width}${
        spec.metrics ? ` over ${spec.metrics.map((m) => JSON.stringify(m)).join(", ")}` : ""
      }${spec.dropPartial ? ", dropping partial windows" : ""}`;
    case "seedAverage":
      return `average over seeds (matching checkpoints by ${spec.match ?? "auto"})`;
    case "dropHighest":
      return `drop the ${spec.count} highest ${
        JSON.stringify(spec.metric ?? defaultMetric)
      } values`;
    case "runs": {
      const parts: string[] = [];
      if (spec.families) parts.push(`families ${spec.families.join(", ")}`);
      if (spec.ids) parts.push(`ids ${spec.ids.join(", ")}`);
      if (spec.smallest !== undefined) parts.push(`the ${spec.smallest} smallest sizes`);
      if (spec.largest !== undefined) parts.push(`the ${spec.largest} largest sizes`);
      if (spec.sizeRanks) parts.push(`size ranks ${spec.sizeRanks.join(", ")}`);
      if (spec.minCompute !== undefined || spec.maxCompute !== undefined) {
        parts.push(
          `final compute (${spec.compute ?? "6ND"}) in [${num(spec.minCompute ?? 0)}, ${
            spec.maxCompute === undefined ? "∞" : num(spec.maxCompute)
          }]`,
        );
      }
      return `keep runs with ${parts.length ? parts.join("; ") : "any properties"}`;
    }
    case "atCompute":
      return `read values at ${spec.budgets.length} compute budgets (${
        spec.compute ?? "6ND"
      }, tolerance ${pct(spec.tolerance ?? 0.1)})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

function fail(at: string, what: string, found: unknown, expected: string): never {
  const shown = typeof found === "string" ? JSON.stringify(found) : String(found);
  throw new RangeError(`Cannot apply filter ${at}: ${what} is ${shown}; expected ${expected}`);
}

function checkNumber(at: string, what: string, x: unknown, min: number, max = Infinity): void {
  if (typeof x !== "number" || !(x >= min && x <= max)) {
    fail(at, what, x, max === Infinity ? `a number >= ${min}` : `a number in [${min}, ${max}]`);
  }
}

function checkInteger(at: string, what: string, x: unknown, min: number): void {
  if (typeof x !== "number" || !Number.isInteger(x) || x < min) {
    fail(at, what, x, `an integer >= ${min}`);
  }
}

function checkBy(at: string, by: unknown): void {
  if (by !== undefined && by !== "count" && by !== "tokens") {
    fail(at, "by", by, `"count" or "tokens"`);
  }
}

function checkCompute(at: string, mode: unknown): void {
  if (mode !== undefined && !COMPUTE_MODES.includes(mode as ComputeMode)) {
    fail(at, "compute", mode, COMPUTE_MODES.map((m) => `"${m}"`).join(", "));
  }
}

function checkMetric(ladder: Ladder, at: string, metric: string): number {
  const m = ladder.metrics.indexOf(metric);
  if (m < 0) {
    fail(at, "metric", metric, `one of ${ladder.metrics.map((s) => JSON.stringify(s)).join(", ")}`);
  }
  return m;
}

function checkSpec(spec: FilterSpec, at: string): void {
  if (spec === null || typeof spec !== "object" || !KINDS.includes(spec.kind)) {
    throw new TypeError(
      `Cannot apply filter ${at}: kind is ${
        JSON.stringify((spec as { kind?: unknown } | null)?.kind)
      }; expected one of ${KINDS.map((k) => `"${k}"`).join(", ")}`,
    );
  }
  switch (spec.kind) {
    case "minTokens":
    case "maxTokens":
      checkNumber(at, "tokens", spec.tokens, 0);
      break;
    case "skipFraction":
    case "lastFraction":
      checkNumber(at, "fraction", spec.fraction, 0, 1);
      checkBy(at, spec.by);
      break;
    case "everyK":
      checkInteger(at, "k", spec.k, 1);
      break;
    case "movingAverage":
      checkInteger(at, "width", spec.width, 1);
      break;
    case "seedAverage":
      if (spec.match !== undefined && !["auto", "step", "tokens"].includes(spec.match)) {
        fail(at, "match", spec.match, `"auto", "step" or "tokens"`);
      }
      break;
    case "dropHighest":
      checkInteger(at, "count", spec.count, 0);
      break;
    case "runs":
      if (spec.smallest !== undefined) checkInteger(at, "smallest", spec.smallest, 0);
      if (spec.largest !== undefined) checkInteger(at, "largest", spec.largest, 0);
      spec.sizeRanks?.forEach((r, i) => checkInteger(at, `sizeRanks[${i}]`, r, 0));
      if (spec.minCompute !== undefined) checkNumber(at, "minCompute", spec.minCompute, 0);
      if (spec.maxCompute !== undefined) checkNumber(at, "maxCompute", spec.maxCompute, 0);
      checkCompute(at, spec.compute);
      break;
    case "atCompute":
      if (!Array.isArray(spec.budgets) || spec.budgets.length === 0) {
        fail(at, "budgets", spec.budgets, "a non-empty list of budgets in FLOPs");
      }
      spec.budgets.forEach((c, i) => {
        if (!(typeof c === "number" && c > 0 && Number.isFinite(c))) {
          fail(at, `budgets[${i}]`, c, "a finite number > 0");
        }
      });
      if (spec.tolerance !== undefined) checkNumber(at, "tolerance", spec.tolerance, 0);
      checkCompute(at, spec.compute);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Checkpoint indices of each run, ordered by tokens, then step, then position. */
function runOrders(ladder: Ladder): Int32Array[] {
  const { run, tokens, step } = ladder.checkpoints;
  const n = run.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const stepKey = (i: number) => (Number.isNaN(step[i]) ? -Infinity : step[i]);
  idx.sort((a, b) => run[a] - run[b] || tokens[a] - tokens[b] || stepKey(a) - stepKey(b) || a - b);
  const counts = new Int32Array(ladder.runs.length);
  for (let i = 0; i < n; i++) counts[run[i]]++;
  const out: Int32Array[] = [];
  let at = 0;
  for (let r = 0; r < ladder.runs.length; r++) {
    out.push(idx.subarray(at, at + counts[r]));
    at += counts[r];
  }
  return out;
}

/** For each checkpoint, the indices of its observations. */
function observationsByCheckpoint(ladder: Ladder): { start: Int32Array; items: Int32Array } {
  const nc = ladder.checkpoints.run.length;
  const oc = ladder.observations.checkpoint;
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < oc.length; i++) start[oc[i] + 1]++;
  for (let c = 0; c < nc; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nc);
  const items = new Int32Array(oc.length);
  for (let i = 0; i < oc.length; i++) items[fill[oc[i]]++] = i;
  return { start, items };
}

/**
 * A ladder with the base ladder's metrics, kinds and provenance and new runs, checkpoint and
 * observation columns (plain arrays are copied into typed arrays; typed arrays are used as given).
 */
function ladderWith(
  base: Ladder,
  runs: Run[],
  checkpoints: {
    run: ArrayLike<number>;
    step: ArrayLike<number>;
    tokens: ArrayLike<number>;
    flops: ArrayLike<number>;
  },
  observations: {
    checkpoint: ArrayLike<number>;
    metric: ArrayLike<number>;
    value: ArrayLike<number>;
  },
  warnings: Ladder["warnings"],
): Ladder {
  return {
    runs,
    checkpoints: {
      run: checkpoints.run instanceof Int32Array
        ? checkpoints.run
        : Int32Array.from(checkpoints.run),
      step: checkpoints.step instanceof Float64Array
        ? checkpoints.step
        : Float64Array.from(checkpoints.step),
      tokens: checkpoints.tokens instanceof Float64Array
        ? checkpoints.tokens
        : Float64Array.from(checkpoints.tokens),
      flops: checkpoints.flops instanceof Float64Array
        ? checkpoints.flops
        : Float64Array.from(checkpoints.flops),
    },
    observations: {
      checkpoint: observations.checkpoint instanceof Int32Array
        ? observations.checkpoint
        : Int32Array.from(observations.checkpoint),
      metric: observations.metric instanceof Int32Array
        ? observations.metric
        : Int32Array.from(observations.metric),
      value: observations.value instanceof Float64Array
        ? observations.value
        : Float64Array.from(observations.value),
    },
    metrics: [...base.metrics],
    metricKinds: { ...base.metricKinds },
    provenance: base.provenance,
    warnings,
  };
}

function withWarnings(
  ladder: Ladder,
  add: { code: string; message: string; count: number }[],
): Ladder["warnings"] {
  const w = new Warnings();
  w.addAll(ladder.warnings);
  for (const a of add) if (a.count > 0) w.warn(a.code, a.message, a.count);
  return w.list;
}

/**
 * The ladder restricted to the checkpoints with `keep[c] = 1` (and their observations); runs
 * left without checkpoints are removed. `values` replaces the observation values when given.
 */
function subset(ladder: Ladder, keep: Uint8Array, values?: Float64Array): Ladder {
  const cp = ladder.checkpoints;
  const nc = cp.run.length;
  const runMap = new Int32Array(ladder.runs.length).fill(-1);
  const runs: Run[] = [];
  const cpMap = new Int32Array(nc).fill(-1);
  let kept = 0;
  for (let c = 0; c < nc; c++) {
    if (!keep[c]) continue;
    const r = cp.run[c];
    if (runMap[r] < 0) runMap[r] = -2;
    cpMap[c] = kept++;
  }
  for (let r = 0; r < ladder.runs.length; r++) {
    if (runMap[r] === -2) {
      runMap[r] = runs.length;
      runs.push(ladder.runs[r]);
    }
  }
  const run = new Int32Array(kept);
  const step = new Float64Array(kept);
  const tokens = new Float64Array(kept);
  const flops = new Float64Array(kept);
  for (let c = 0; c < nc; c++) {
    const k = cpMap[c];
    if (k < 0) continue;
    run[k] = runMap[cp.run[c]];
    step[k] = cp.step[c];
    tokens[k] = cp.tokens[c];
    flops[k] = cp.flops[c];
  }
  const obs = ladder.observations;
  const source = values ?? obs.value;
  let no = 0;
  for (let i = 0; i < obs.checkpoint.length; i++) if (cpMap[obs.checkpoint[i]] >= 0) no++;
  const checkpoint = new Int32Array(no);
  const metric = new Int32Array(no);
  const value = new Float64Array(no);
  let o = 0;
  for (let i = 0; i < obs.checkpoint.length; i++) {
    const k = cpMap[obs.checkpoint[i]];
    if (k < 0) continue;
    checkpoint[o] = k;
    metric[o] = obs.metric[i];
    value[o++] = source[i];
  }
  return ladderWith(ladder, runs, { run, step, tokens, flops }, { checkpoint, metric, value }, [
    ...ladder.warnings,
  ]);
}

interface Step {
  ladder: Ladder;
  report: FilterReport;
}

/** Apply a checkpoint mask; report in checkpoints, warn when something is dropped. */
function keepCheckpoints(
  ladder: Ladder,
  keep: Uint8Array,
  filter: string,
  reason: string,
  values?: Float64Array,
): Step {
  let kept = 0;
  for (let c = 0; c < keep.length; c++) kept += keep[c];
  const dropped = keep.length - kept;
  const out = subset(ladder, keep, values);
  out.warnings = withWarnings(ladder, [{
    code: "filter.dropped",
    message: `${filter}: dropped ${reason}`,
    count: dropped,
  }]);
  return { ladder: out, report: { filter, kept, dropped, reason, unit: "checkpoints" } };
}

// ---------------------------------------------------------------------------------------------
// Filters

function final(ladder: Ladder, filter: string): Step {
  const keep = new Uint8Array(ladder.checkpoints.run.length);
  for (const order of runOrders(ladder)) if (order.length) keep[order[order.length - 1]] = 1;
  return keepCheckpoints(ladder, keep, filter, "checkpoints before the end of their run");
}

function minTokens(ladder: Ladder, spec: MinTokensFilter, filter: string): Step {
  const { tokens } = ladder.checkpoints;
  const keep = new Uint8Array(tokens.length);
  for (let c = 0; c < tokens.length; c++) keep[c] = tokens[c] >= spec.tokens ? 1 : 0;
  return keepCheckpoints(ladder, keep, filter, `checkpoints before ${num(spec.tokens)} tokens`);
}

function maxTokens(ladder: Ladder, spec: MaxTokensFilter, filter: string): Step {
  const { tokens } = ladder.checkpoints;
  const keep = new Uint8Array(tokens.length);
  for (let c = 0; c < tokens.length; c++) keep[c] = tokens[c] <= spec.tokens ? 1 : 0;
  return keepCheckpoints(ladder, keep, filter, `checkpoints after ${num(spec.tokens)} tokens`);
}

/** Relative tolerance for products such as 0.3 × 10 (= 3.0000000000000004) at a cut. */
const EPS = 1e-9;

function fraction(
  ladder: Ladder,
  spec: SkipFractionFilter | LastFractionFilter,
  filter: string,
): Step {
  const { tokens } = ladder.checkpoints;
  const keep = new Uint8Array(tokens.length);
  const by = spec.by ?? "count";
  const skip = spec.kind === "skipFraction";
  for (const order of runOrders(ladder)) {
    const n = order.length;
    if (n === 0) continue;
    if (by === "count") {
      const first = skip
        ? Math.floor(spec.fraction * n + EPS)
        : n - Math.ceil(spec.fraction * n - EPS);
      for (let i = Math.max(0, first); i < n; i++) keep[order[i]] = 1;
    } else {
      const end = tokens[order[n - 1]];
      // Relative slack so that a checkpoint exactly at the cut survives rounding of the product.
      const cut = (skip ? spec.fraction : 1 - spec.fraction) * end * (1 - EPS);
      for (let i = 0; i < n; i++) keep[order[i]] = tokens[order[i]] >= cut ? 1 : 0;
    }
  }
  const reason = skip
    ? `checkpoints in the first ${pct(spec.fraction)} of their run`
    : `checkpoints before the last ${pct(spec.fraction)} of their run`;
  return keepCheckpoints(ladder, keep, filter, reason);
}

function everyK(ladder: Ladder, spec: EveryKFilter, filter: string): Step {
  const keep = new Uint8Array(ladder.checkpoints.run.length);
  for (const order of runOrders(ladder)) {
    for (let i = 0; i < order.length; i++) {
      if (i % spec.k === 0 || i === order.length - 1) keep[order[i]] = 1;
    }
  }
  return keepCheckpoints(ladder, keep, filter, `checkpoints between every ${spec.k}-th one`);
}

function movingAverage(
  ladder: Ladder,
  spec: MovingAverageFilter,
  filter: string,
  at: string,
): Step {
  const smooth = new Uint8Array(ladder.metrics.length);
  if (spec.metrics) { for (const m of spec.metrics) smooth[checkMetric(ladder, at, m)] = 1; }
  else smooth.fill(1);
  const { start, items } = observationsByCheckpoint(ladder);
  const obs = ladder.observations;
  const values = new Float64Array(obs.value);
  const keep = new Uint8Array(ladder.checkpoints.run.length);
  const w = spec.width;
  for (const order of runOrders(ladder)) {
    // Observation indices of each metric along the run.
    const series = new Map<number, number[]>();
    order.forEach((c, i) => {
      keep[c] = spec.dropPartial && i < w - 1 ? 0 : 1;
      for (let j = start[c]; j < start[c + 1]; j++) {
        const o = items[j];
        const m = obs.metric[o];
        if (!smooth[m]) continue;
        let s = series.get(m);
        if (!s) series.set(m, s = []);
        s.push(o);
      }
    });
    for (const s of series.values()) {
      for (let i = 0; i < s.length; i++) {
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, i - w + 1); j <= i; j++) {
          const v = obs.value[s[j]];
          if (Number.isFinite(v)) {
            sum += v;
            count++;
          }
        }
        values[s[i]] = count ? sum / count : NaN;
      }
    }
  }
  return keepCheckpoints(
    ladder,
    keep,
    filter,
    `the first ${w - 1} checkpoints of each run (partial windows)`,
    values,
  );
}

function seedAverage(ladder: Ladder, spec: SeedAverageFilter, filter: string): Step {
  const cp = ladder.checkpoints;
  const orders = runOrders(ladder);
  const { start, items } = observationsByCheckpoint(ladder);
  const obs = ladder.observations;
  // Group runs equal in everything but id and seed.
  const groups = new Map<string, number[]>();
  ladder.runs.forEach((r, i) => {
    const order = orders[i];
    const finalTokens = order.length ? cp.tokens[order[order.length - 1]] : NaN;
    const fields = r.fields ? Object.entries(r.fields).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
    const key = JSON.stringify([
      r.family ?? null,
      r.dataset ?? null,
      r.params,
      r.paramsNonEmbedding ?? null,
      fields,
      finalTokens,
    ]);
    let g = groups.get(key);
    if (!g) groups.set(key, g = []);
    g.push(i);
  });

  const runs: Run[] = [];
  const outRun: number[] = [];
  const outStep: number[] = [];
  const outTokens: number[] = [];
  const outFlops: number[] = [];
  const outObsCp: number[] = [];
  const outObsMetric: number[] = [];
  const outObsValue: number[] = [];
  let unmatched = 0;
  let merged = 0;
  let droppedCheckpoints = 0;
  let droppedObservations = 0;

  const copyRun = (r: number) => {
    const newRun = runs.length;
    runs.push(ladder.runs[r]);
    for (const c of orders[r]) {
      const k = outRun.length;
      outRun.push(newRun);
      outStep.push(cp.step[c]);
      outTokens.push(cp.tokens[c]);
      outFlops.push(cp.flops[c]);
      for (let j = start[c]; j < start[c + 1]; j++) {
        const o = items[j];
        outObsCp.push(k);
        outObsMetric.push(obs.metric[o]);
        outObsValue.push(obs.value[o]);
      }
    }
  };

  for (const group of groups.values()) {
    if (group.length === 1) {
      unmatched++;
      copyRun(group[0]);
      continue;
    }
    merged += group.length - 1;
    let byStep = spec.match === "step";
    if ((spec.match ?? "auto") === "auto") {
      byStep = group.every((r) => orders[r].every((c) => !Number.isNaN(cp.step[c])));
    }
    // Checkpoint of each run at each key.
    const maps = group.map((r) => {
      const m = new Map<number, number>();
      for (const c of orders[r]) {
        const key = byStep ? cp.step[c] : cp.tokens[c];
        if (!m.has(key)) m.set(key, c);
      }
      return m;
    });
    const first = ladder.runs[group[0]];
    const newRun = runs.length;
    runs.push(mergedRun(group.map((r) => ladder.runs[r]), first));
    for (const m of maps) {
      for (const key of m.keys()) if (!maps.every((other) => other.has(key))) droppedCheckpoints++;
    }
    for (const [key] of maps[0]) {
      const cs = maps.map((m) => m.get(key));
      if (cs.some((c) => c === undefined)) continue;
      const k = outRun.length;
      outRun.push(newRun);
      let s = 0, t = 0, f = 0;
      for (const c of cs as number[]) {
        s += cp.step[c];
        t += cp.tokens[c];
        f += cp.flops[c];
      }
      outStep.push(s / cs.length);
      outTokens.push(t / cs.length);
      outFlops.push(f / cs.length);
      // Values of each metric in each seed at this checkpoint (the first observation each).
      const sums = new Map<number, { sum: number; count: number }>();
      for (const c of cs as number[]) {
        const seen = new Set<number>();
        for (let j = start[c]; j < start[c + 1]; j++) {
          const o = items[j];
          const m = obs.metric[o];
          if (seen.has(m)) continue;
          seen.add(m);
          let e = sums.get(m);
          if (!e) sums.set(m, e = { sum: 0, count: 0 });
          e.sum += obs.value[o];
          e.count++;
        }
      }
      for (const [m, e] of sums) {
        if (e.count < cs.length) {
          droppedObservations += e.count;
          continue;
        }
        outObsCp.push(k);
        outObsMetric.push(m);
        outObsValue.push(e.sum / e.count);
      }
    }
  }

  const out = ladderWith(
    ladder,
    runs,
    { run: outRun, step: outStep, tokens: outTokens, flops: outFlops },
    { checkpoint: outObsCp, metric: outObsMetric, value: outObsValue },
    withWarnings(ladder, [
      {
        code: "filter.unmatched",
        message: `${filter}: kept runs without another seed to average with as they are`,
        count: unmatched,
      },
      {
        code: "filter.dropped",
        message: `${filter}: dropped checkpoints not logged by every seed of their run`,
        count: droppedCheckpoints,
      },
      {
        code: "filter.dropped",
        message: `${filter}: dropped observations of a metric not logged by every seed`,
        count: droppedObservations,
      },
    ]),
  );
  const reason = `averaged ${merged + runs.length - unmatched} runs into ${
    runs.length - unmatched
  } over seeds; kept ${unmatched} runs without another seed as they are${
    droppedCheckpoints ? `; dropped ${droppedCheckpoints} checkpoints not logged by every seed` : ""
  }${
    droppedObservations
      ? `; dropped ${droppedObservations} observations not logged by every seed`
      : ""
  }`;
  return {
    ladder: out,
    report: { filter, kept: runs.length, dropped: merged, reason, unit: "runs" },
  };
}

/** The run standing for several seeds: id without the seed suffix, seeds listed in fields. */
function mergedRun(group: Run[], first: Run): Run {
  const bases = group.map((r) => {
    if (r.seed === undefined || r.seed === "" || !r.id.endsWith(r.seed)) return r.id;
    return r.id.slice(0, r.id.length - r.seed.length).replace(/[-_.]?(seed|s)?[-_.=]?$/i, "");
  });
  const id = bases.every((b) => b === bases[0]) && bases[0] !== "" && bases[0] !== first.id
    ? bases[0]
    : group.map((r) => r.id).join("+");
  const run: Run = { ...first, id, fields: { ...first.fields } };
  delete run.seed;
  run.fields!.seeds = group.map((r) => r.seed ?? "?").join(",");
  return run;
}

function dropHighest(
  ladder: Ladder,
  spec: DropHighestFilter,
  filter: string,
  at: string,
  metric: string,
): Step {
  const m = checkMetric(ladder, at, metric);
  const obs = ladder.observations;
  const finite: number[] = [];
  for (let i = 0; i < obs.value.length; i++) {
    if (obs.metric[i] === m && !Number.isNaN(obs.value[i])) finite.push(obs.value[i]);
  }
  finite.sort((a, b) => b - a);
  const threshold = spec.count === 0
    ? Infinity
    : spec.count <= finite.length
    ? finite[spec.count - 1]
    : -Infinity;
  const keep = new Uint8Array(ladder.checkpoints.run.length).fill(1);
  for (let i = 0; i < obs.value.length; i++) {
    if (obs.metric[i] !== m) continue;
    const v = obs.value[i];
    if (spec.count === 0 ? Number.isNaN(v) : !(v < threshold)) keep[obs.checkpoint[i]] = 0;
  }
  return keepCheckpoints(
    ladder,
    keep,
    filter,
    `checkpoints whose ${JSON.stringify(metric)} is not below the ${spec.count}-th largest value (${
      num(threshold)
    })`,
  );
}

function selectRuns(ladder: Ladder, spec: RunsFilter, filter: string): Step {
  const orders = runOrders(ladder);
  const sizes = [...new Set(ladder.runs.map((r) => r.params))].sort((a, b) => a - b);
  const rank = new Map(sizes.map((s, i) => [s, i]));
  const ranks = spec.sizeRanks ? new Set(spec.sizeRanks) : undefined;
  const families = spec.families ? new Set(spec.families) : undefined;
  const ids = spec.ids ? new Set(spec.ids) : undefined;
  const needCompute = spec.minCompute !== undefined || spec.maxCompute !== undefined;
  const C = needCompute ? checkpointCompute(ladder, spec.compute ?? "6ND") : undefined;
  const keepRun = ladder.runs.map((r, i) => {
    const k = rank.get(r.params)!;
    if (families && (r.family === undefined || !families.has(r.family))) return false;
    if (ids && !ids.has(r.id)) return false;
    if (spec.smallest !== undefined && k >= spec.smallest) return false;
    if (spec.largest !== undefined && k < sizes.length - spec.largest) return false;
    if (ranks && !ranks.has(k)) return false;
    if (C) {
      const order = orders[i];
      const c = order.length ? C[order[order.length - 1]] : NaN;
      if (!(c >= (spec.minCompute ?? 0) && c <= (spec.maxCompute ?? Infinity))) return false;
    }
    return true;
  });
  const keep = new Uint8Array(ladder.checkpoints.run.length);
  const { run } = ladder.checkpoints;
  for (let c = 0; c < run.length; c++) keep[c] = keepRun[run[c]] ? 1 : 0;
  const out = subset(ladder, keep);
  const kept = keepRun.filter(Boolean).length;
  const dropped = keepRun.length - kept;
  let droppedCheckpoints = 0;
  for (let c = 0; c < keep.length; c++) droppedCheckpoints += keep[c] ? 0 : 1;
  const reason = `runs not selected (${droppedCheckpoints} checkpoints)`;
  out.warnings = withWarnings(ladder, [{
    code: "filter.dropped",
    message: `${filter}: dropped runs not selected`,
    count: dropped,
  }]);
  return { ladder: out, report: { filter, kept, dropped, reason, unit: "runs" } };
}

/** Value at log-compute x from points (xs, ys) sorted by xs, xs distinct, per the doc of atCompute. */
function interpolate(xs: number[], ys: number[], x: number): number {
  const n = xs.length;
  if (n === 1) return ys[0];
  let hi = 1;
  while (hi < n - 1 && xs[hi] < x) hi++;
  const lo = hi - 1;
  // Exact hits avoid rounding in exp(log(y)).
  if (xs[lo] === x) return ys[lo];
  if (xs[hi] === x) return ys[hi];
  const w = (x - xs[lo]) / (xs[hi] - xs[lo]);
  if (ys[lo] > 0 && ys[hi] > 0) {
    return Math.exp(Math.log(ys[lo]) + w * (Math.log(ys[hi]) - Math.log(ys[lo])));
  }
  return ys[lo] + w * (ys[hi] - ys[lo]);
}

function atCompute(ladder: Ladder, spec: AtComputeFilter, filter: string): Step {
  const mode = spec.compute ?? "6ND";
  const tolerance = spec.tolerance ?? 0.1;
  const C = checkpointCompute(ladder, mode);
  const cp = ladder.checkpoints;
  const orders = runOrders(ladder);
  const { start, items } = observationsByCheckpoint(ladder);
  const obs = ladder.observations;
  const runs: Run[] = [];
  const outRun: number[] = [];
  const outTokens: number[] = [];
  const outFlops: number[] = [];
  const outObsCp: number[] = [];
  const outObsMetric: number[] = [];
  const outObsValue: number[] = [];
  let refused = 0;
  let refusedObservations = 0;
  /** Relative distance from a budget to the nearest of the computes exp(xs). */
  const near = (xs: number[], budget: number) => {
    let best = Infinity;
    for (const v of xs) best = Math.min(best, Math.abs(Math.exp(v) - budget));
    return best / budget;
  };
  ladder.runs.forEach((r, ri) => {
    // Checkpoints with a usable compute, by compute; duplicates of compute keep the first.
    const usable = [...orders[ri]].filter((c) => C[c] > 0 && Number.isFinite(C[c]));
    usable.sort((a, b) => C[a] - C[b]);
    const logC: number[] = [];
    const logTokens: number[] = [];
    const perMetric = new Map<number, { xs: number[]; ys: number[] }>();
    for (const c of usable) {
      const x = Math.log(C[c]);
      if (logC.length && logC[logC.length - 1] === x) continue;
      logC.push(x);
      logTokens.push(cp.tokens[c]);
      for (let j = start[c]; j < start[c + 1]; j++) {
        const o = items[j];
        const v = obs.value[o];
        if (Number.isNaN(v)) continue;
        let s = perMetric.get(obs.metric[o]);
        if (!s) perMetric.set(obs.metric[o], s = { xs: [], ys: [] });
        if (s.xs.length && s.xs[s.xs.length - 1] === x) continue;
        s.xs.push(x);
        s.ys.push(v);
      }
    }
    let newRun = -1;
    for (const budget of spec.budgets) {
      const x = Math.log(budget);
      if (logC.length === 0 || near(logC, budget) > tolerance) {
        refused++;
        continue;
      }
      const k = outRun.length;
      let produced = 0;
      for (const [m, s] of perMetric) {
        if (near(s.xs, budget) > tolerance) {
          refusedObservations++;
          continue;
        }
        outObsCp.push(k);
        outObsMetric.push(m);
        outObsValue.push(interpolate(s.xs, s.ys, x));
        produced++;
      }
      if (produced === 0) {
        refused++;
        continue;
      }
      if (newRun < 0) {
        newRun = runs.length;
        runs.push(r);
      }
      outRun.push(newRun);
      outFlops.push(budget);
      if (mode === "6ND") outTokens.push(budget / (6 * r.params));
      else if (mode === "6NnD") outTokens.push(budget / (6 * r.paramsNonEmbedding!));
      else outTokens.push(interpolate(logC, logTokens, x));
    }
  });
  const n = outRun.length;
  const out = ladderWith(
    ladder,
    runs,
    { run: outRun, step: new Float64Array(n).fill(NaN), tokens: outTokens, flops: outFlops },
    { checkpoint: outObsCp, metric: outObsMetric, value: outObsValue },
    withWarnings(ladder, [
      {
        code: "filter.refused",
        message: `${filter}: refused (run, budget) points with no checkpoint within ${
          pct(tolerance)
        } of the budget`,
        count: refused,
      },
      {
        code: "filter.refused",
        message: `${filter}: refused observations of metrics not logged within ${
          pct(tolerance)
        } of the budget`,
        count: refusedObservations,
      },
    ]),
  );
  const reason = `(run, budget) points with no checkpoint within ${pct(tolerance)} of the budget${
    refusedObservations
      ? `; ${refusedObservations} observations of sparsely logged metrics also refused`
      : ""
  }`;
  return { ladder: out, report: { filter, kept: n, dropped: refused, reason, unit: "points" } };
}

/**
 * Apply checkpoint filters in order. Each filter sees the output of the previous one.
 *
 * @param ladder The ladder (not changed).
 * @param specs Filters, as plain data ({@link FilterSpec}).
 * @param options `metric`: default metric of filters that need one.
 * @returns The filtered ladder (with a counted warning per filter that dropped rows) and one
 * {@link FilterReport} per filter.
 * @throws {TypeError} when a spec has an unknown kind.
 * @throws {RangeError} when a spec field is out of range or names an unknown metric.
 * @example Keep the final checkpoints of runs after 1e9 tokens
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "./schema.ts";
 * import { applyFilters } from "./filter.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "a", params: 1e6 }],
 *   checkpoints: [1e8, 1e9, 2e9].map((tokens, i) => ({ run: 0, step: i, tokens, flops: NaN })),
 *   observations: [4, 3.5, 3.2].map((value, checkpoint) => ({ checkpoint, metric: "loss", value })),
 * });
 * const { ladder: out, report } = applyFilters(ladder, [
 *   { kind: "minTokens", tokens: 1e9 },
 *   { kind: "final" },
 * ]);
 * assert.deepEqual([...out.observations.value], [3.2]);
 * assert.deepEqual(report.map((r) => [r.kept, r.dropped]), [[2, 1], [1, 1]]);
 * assert.equal(out.warnings.length, 2);
 * ```
 */
export function applyFilters(
  ladder: Ladder,
  specs: FilterSpec[],
  options: ApplyFiltersOptions = {},
): ApplyFiltersResult {
  const metric = options.metric ?? "loss";
  specs.forEach((spec, i) => checkSpec(spec, `${i} (${JSON.stringify(spec?.kind)})`));
  let current: Ladder = { ...ladder, warnings: [...ladder.warnings] };
  const report: FilterReport[] = [];
  for (const [i, spec] of specs.entries()) {
    const at = `${i} (${JSON.stringify(spec.kind)})`;
    const filter = describeFilter(spec, metric);
    let step: Step;
    switch (spec.kind) {
      case "final":
        step = final(current, filter);
        break;
      case "minTokens":
        step = minTokens(current, spec, filter);
        break;
      case "maxTokens":
        step = maxTokens(current, spec, filter);
        break;
      case "skipFraction":
      case "lastFraction":
        step = fraction(current, spec, filter);
        break;
      case "everyK":
        step = everyK(current, spec, filter);
        break;
      case "movingAverage":
        step = movingAverage(current, spec, filter, at);
        break;
      case "seedAverage":
        step = seedAverage(current, spec, filter);
        break;
      case "dropHighest":
        step = dropHighest(current, spec, filter, at, spec.metric ?? metric);
        break;
      case "runs":
        step = selectRuns(current, spec, filter);
        break;
      case "atCompute":
        step = atCompute(current, spec, filter);
        break;
    }
    current = step.ladder;
    report.push(step.report);
  }
  return { ladder: current, report };
}
