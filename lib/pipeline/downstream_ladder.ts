/**
 * Ladder helpers of the map step (steps_downstream.ts): join the metrics of another table by
 * run and checkpoint, add averaged or `1 − x` metrics, and read a column (N, D, C, M or a
 * metric) at every checkpoint.
 *
 * @module
 */

import { applyFilters } from "../data/filter.ts";
import {
  checkpointCompute,
  type ComputeMode,
  type Ladder,
  type MetricKind,
} from "../data/schema.ts";
import { derivedName, type DownstreamMetric } from "./steps_downstream_spec.ts";

function checkpointKey(ladder: Ladder, c: number): string {
  const cp = ladder.checkpoints;
  return `${ladder.runs[cp.run[c]].id}\u0000${cp.step[c]}\u0000${cp.tokens[c]}`;
}

/** Add one metric (a value per checkpoint, NaN where absent) to a ladder. */
function appendMetric(
  ladder: Ladder,
  name: string,
  kind: MetricKind | undefined,
  byCheckpoint: Float64Array,
): Ladder {
  const add: number[] = [];
  byCheckpoint.forEach((v, c) => {
    if (Number.isFinite(v)) add.push(c);
  });
  const o = ladder.observations;
  const n = o.value.length;
  const m = ladder.metrics.length;
  const checkpoint = new Int32Array(n + add.length);
  const metric = new Int32Array(n + add.length);
  const value = new Float64Array(n + add.length);
  checkpoint.set(o.checkpoint);
  metric.set(o.metric);
  value.set(o.value);
  add.forEach((c, i) => {
    checkpoint[n + i] = c;
    metric[n + i] = m;
    value[n + i] = byCheckpoint[c];
  });
  return {
    ...ladder,
    observations: { checkpoint, metric, value },
    metrics: [...ladder.metrics, name],
    metricKinds: kind ? { ...ladder.metricKinds, [name]: kind } : ladder.metricKinds,
  };
}

/** Values of a metric per checkpoint (NaN where absent). */
export function metricByCheckpoint(ladder: Ladder, name: string): Float64Array {
  const out = new Float64Array(ladder.checkpoints.run.length).fill(NaN);
  const m = ladder.metrics.indexOf(name);
  if (m < 0) return out;
  const o = ladder.observations;
  for (let i = 0; i < o.value.length; i++) if (o.metric[i] === m) out[o.checkpoint[i]] = o.value[i];
  return out;
}

/** Throw when a ladder lacks a metric, naming up to five metrics with similar names. */
export function requireMetric(ladder: Ladder, name: string, what: string): void {
  if (ladder.metrics.includes(name)) return;
  const near = ladder.metrics.filter((m) => m.toLowerCase().includes(name.toLowerCase())).slice(
    0,
    5,
  );
  throw new RangeError(
    `Cannot ${what}: metric ${JSON.stringify(name)} is not in the data; expected one of the ` +
      `${ladder.metrics.length} metrics${
        near.length ? ` (e.g. ${near.map((n) => JSON.stringify(n)).join(", ")})` : ""
      }`,
  );
}

/**
 * Join the metrics of another table into a ladder: observations at checkpoints with the same
 * run id, step and tokens. Returns the joined ladder, the number of checkpoints of `other`
 * that matched none, and how many of those belong to a run of `base` (a step or token count
 * that differs, rather than a run the base does not hold).
 */
export function joinLadders(base: Ladder, other: Ladder, what: string): {
  ladder: Ladder;
  unmatched: number;
  unmatchedInBase: number;
} {
  const index = new Map<string, number>();
  for (let c = 0; c < base.checkpoints.run.length; c++) index.set(checkpointKey(base, c), c);
  const baseRuns = new Set(base.runs.map((r) => r.id));
  const map = new Int32Array(other.checkpoints.run.length).fill(-1);
  let unmatched = 0, unmatchedInBase = 0;
  for (let c = 0; c < map.length; c++) {
    const b = index.get(checkpointKey(other, c));
    if (b !== undefined) map[c] = b;
    else {
      unmatched++;
      if (baseRuns.has(other.runs[other.checkpoints.run[c]].id)) unmatchedInBase++;
    }
  }
  let ladder = base;
  for (const name of other.metrics) {
    if (base.metrics.includes(name)) {
      throw new RangeError(
        `Cannot ${what}: metric ${JSON.stringify(name)} is in both tables; expected tables ` +
          `with distinct metric names`,
      );
    }
    const values = metricByCheckpoint(other, name);
    const by = new Float64Array(base.checkpoints.run.length).fill(NaN);
    values.forEach((v, c) => {
      if (map[c] >= 0) by[map[c]] = v;
    });
    ladder = appendMetric(ladder, name, other.metricKinds[name], by);
  }
  return { ladder, unmatched, unmatchedInBase };
}

/** Add the averaged / transformed metrics the step asks for. */
export function addDerived(ladder: Ladder, metrics: DownstreamMetric[], what: string): Ladder {
  let out = ladder;
  for (const d of metrics) {
    if (d.mean === undefined && d.transform === "none") continue;
    const name = derivedName(d);
    if (out.metrics.includes(name)) {
      throw new RangeError(
        `Cannot ${what}: metric ${JSON.stringify(name)} already exists; expected a new name ` +
          `for the derived metric`,
      );
    }
    const sources = d.mean ?? [d.name];
    for (const s of sources) requireMetric(out, s, what);
    const cols = sources.map((s) => metricByCheckpoint(out, s));
    const by = new Float64Array(out.checkpoints.run.length);
    for (let c = 0; c < by.length; c++) {
      let sum = 0;
      for (const col of cols) sum += col[c];
      const v = sum / cols.length;
      by[c] = d.transform === "error" ? 1 - v : v;
    }
    const kinds = sources.map((s) => out.metricKinds[s]);
    const fraction = kinds.every((k) => k === "accuracy" || k === "error");
    const kind: MetricKind | undefined = !fraction
      ? undefined
      : d.transform === "error"
      ? (kinds.every((k) => k === "error") ? "accuracy" : "error")
      : kinds.every((k) => k === "error")
      ? "error"
      : "accuracy";
    out = appendMetric(out, name, kind, by);
  }
  return out;
}

/** Values of a column at each checkpoint: N, D, C, M, or a metric. */
export function columnByCheckpoint(
  ladder: Ladder,
  column: string,
  compute: ComputeMode,
): Float64Array {
  const cp = ladder.checkpoints;
  const n = cp.run.length;
  switch (column) {
    case "N":
      return Float64Array.from(cp.run, (r) => ladder.runs[r].params);
    case "D":
      return Float64Array.from(cp.tokens);
    case "C":
      return checkpointCompute(ladder, compute);
    case "M":
      return Float64Array.from(
        { length: n },
        (_, c) => cp.tokens[c] / ladder.runs[cp.run[c]].params,
      );
  }
  requireMetric(ladder, column, `use column ${JSON.stringify(column)}`);
  return metricByCheckpoint(ladder, column);
}

/** Each run's final checkpoint. */
export function finalCheckpoints(ladder: Ladder): Ladder {
  return applyFilters(ladder, [{ kind: "final" }]).ladder;
}

/** The runs of one family (all runs for `null`). */
export function byFamily(ladder: Ladder, family: string | null): Ladder {
  return family === null
    ? ladder
    : applyFilters(ladder, [{ kind: "runs", families: [family] }]).ladder;
}
