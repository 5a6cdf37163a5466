/**
 * The one data model of the toolkit: runs, their checkpoints, and observations of metrics at
 * checkpoints. Storage is columnar (typed arrays) so that a 100k-row table loads and filters
 * fast; {@link ladderToRecords} and the arquero helpers give row views.
 *
 * Units: losses are nats per token; parameters and tokens are plain counts; compute is FLOPs.
 * `lib/data/units.ts` converts perplexity, bits per byte, percent and error ↔ accuracy.
 *
 * @module
 */

import type { Warning } from "../util/warnings.ts";

/** One training run (one model trained once). */
export interface Run {
  /** Unique id within the ladder. */
  id: string;
  /** Family or scaled set the run belongs to (runs of one family form one scaling series). */
  family?: string;
  /** Seed label. */
  seed?: string;
  /** Total parameters N (> 0). */
  params: number;
  /** Non-embedding parameters, when known. */
  paramsNonEmbedding?: number;
  /** Pretraining dataset or mixture. */
  dataset?: string;
  /** Other per-run fields (architecture, hyper-parameters): numbers or strings. */
  fields?: Record<string, string | number>;
}

/**
 * Checkpoints, one row per (run, step). `step` is NaN when the source has no step column (then
 * tokens order the checkpoints of a run). `flops` is NaN when not given.
 */
export interface CheckpointColumns {
  /** Index into {@link Ladder.runs}. */
  run: Int32Array;
  /** Optimizer step, or NaN. */
  step: Float64Array;
  /** Training tokens seen D (> 0, or 0 for an initial checkpoint). */
  tokens: Float64Array;
  /** Training compute C in FLOPs as given by the source, or NaN. */
  flops: Float64Array;
}

/** Observations, one row per (checkpoint, metric). */
export interface ObservationColumns {
  /** Index into the checkpoint columns. */
  checkpoint: Int32Array;
  /** Index into {@link Ladder.metrics}. */
  metric: Int32Array;
  /** The value, in the metric's unit. */
  value: Float64Array;
}

/** What a metric measures, so that conversions and plots know its unit. */
export type MetricKind =
  | "loss" // nats per token
  | "perplexity"
  | "bits_per_byte"
  | "accuracy" // fraction in [0, 1]
  | "error" // 1 - accuracy, fraction
  | "percent" // accuracy in percent
  | "other";

/** Where the data came from, for reports. */
export interface Provenance {
  /** Catalog dataset name, if loaded through the catalog. */
  dataset?: string;
  /**
   * Files read, with their sha256 when known. Catalog files are named `<dataset>/<file>` (the
   * same on every machine) with `origin` saying where this copy was found; other files by the
   * path they were loaded from.
   */
  files: {
    path: string;
    sha256?: string;
    rows?: number;
    origin?: "mirror" | "cache" | "download";
  }[];
  /** Free-form note (e.g. "synthetic ladder, seed 1"). */
  note?: string;
}

/** A loaded ladder: runs, checkpoints, metric observations, and the warnings met on the way. */
export interface Ladder {
  runs: Run[];
  checkpoints: CheckpointColumns;
  observations: ObservationColumns;
  /** Metric names; `observations.metric` indexes this. */
  metrics: string[];
  /** Kind of each metric, by name, when known. */
  metricKinds: Record<string, MetricKind>;
  provenance: Provenance;
  /** Suspicious but valid situations met while loading or filtering. */
  warnings: Warning[];
}

/** How training compute C is obtained. */
export type ComputeMode =
  /** C as given by the source's flops column (NaN where missing). */
  | "given"
  /** C = 6·N·D with total parameters. */
  | "6ND"
  /** C = 6·N_non-embedding·D (Kaplan's convention); falls back to nothing: NaN when unknown. */
  | "6NnD";

/**
 * Compute C for each checkpoint under a {@link ComputeMode}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointCompute, makeLadder } from "./schema.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "r", params: 1e6, paramsNonEmbedding: 5e5 }],
 *   checkpoints: [{ run: 0, step: 1, tokens: 2e7, flops: NaN }],
 *   observations: [{ checkpoint: 0, metric: "loss", value: 3 }],
 * });
 * assert.equal(checkpointCompute(ladder, "6ND")[0], 1.2e14);
 * assert.equal(checkpointCompute(ladder, "6NnD")[0], 6e13);
 * assert.ok(Number.isNaN(checkpointCompute(ladder, "given")[0]));
 * ```
 */
export function checkpointCompute(ladder: Ladder, mode: ComputeMode): Float64Array {
  const { run, tokens, flops } = ladder.checkpoints;
  const out = new Float64Array(run.length);
  for (let i = 0; i < run.length; i++) {
    const r = ladder.runs[run[i]];
    if (mode === "given") out[i] = flops[i];
    else if (mode === "6ND") out[i] = 6 * r.params * tokens[i];
    else out[i] = r.paramsNonEmbedding === undefined ? NaN : 6 * r.paramsNonEmbedding * tokens[i];
  }
  return out;
}

/** Row form of a checkpoint, used by {@link makeLadder}. */
export interface CheckpointRecord {
  run: number;
  step: number;
  tokens: number;
  flops: number;
}

/** Row form of an observation, used by {@link makeLadder}. */
export interface ObservationRecord {
  checkpoint: number;
  metric: string;
  value: number;
}

/**
 * Build a ladder from row records (small inputs, tests, generators). Loaders build the columns
 * directly.
 */
export function makeLadder(input: {
  runs: Run[];
  checkpoints: CheckpointRecord[];
  observations: ObservationRecord[];
  metricKinds?: Record<string, MetricKind>;
  provenance?: Provenance;
  warnings?: Warning[];
}): Ladder {
  const nc = input.checkpoints.length;
  const checkpoints: CheckpointColumns = {
    run: new Int32Array(nc),
    step: new Float64Array(nc),
    tokens: new Float64Array(nc),
    flops: new Float64Array(nc),
  };
  input.checkpoints.forEach((c, i) => {
    checkpoints.run[i] = c.run;
    checkpoints.step[i] = c.step;
    checkpoints.tokens[i] = c.tokens;
    checkpoints.flops[i] = c.flops;
  });
  const metrics: string[] = [];
  const metricIndex = new Map<string, number>();
  const no = input.observations.length;
  const observations: ObservationColumns = {
    checkpoint: new Int32Array(no),
    metric: new Int32Array(no),
    value: new Float64Array(no),
  };
  input.observations.forEach((o, i) => {
    let m = metricIndex.get(o.metric);
    if (m === undefined) {
      m = metrics.length;
      metrics.push(o.metric);
      metricIndex.set(o.metric, m);
    }
    observations.checkpoint[i] = o.checkpoint;
    observations.metric[i] = m;
    observations.value[i] = o.value;
  });
  return {
    runs: input.runs,
    checkpoints,
    observations,
    metrics,
    metricKinds: input.metricKinds ?? {},
    provenance: input.provenance ?? { files: [] },
    warnings: input.warnings ?? [],
  };
}

/** One flat row: a run's fields, a checkpoint and one observation. */
export interface LadderRecord {
  run: string;
  family: string | null;
  seed: string | null;
  params: number;
  paramsNonEmbedding: number | null;
  dataset: string | null;
  step: number | null;
  tokens: number;
  flops: number | null;
  metric: string;
  value: number;
}

/**
 * Flatten a ladder into long-form records (one per observation), e.g. to build an arquero
 * table with `aq.from(ladderToRecords(ladder))`.
 */
export function ladderToRecords(ladder: Ladder): LadderRecord[] {
  const { checkpoint, metric, value } = ladder.observations;
  const cp = ladder.checkpoints;
  const out: LadderRecord[] = new Array(checkpoint.length);
  for (let i = 0; i < checkpoint.length; i++) {
    const c = checkpoint[i];
    const r = ladder.runs[cp.run[c]];
    out[i] = {
      run: r.id,
      family: r.family ?? null,
      seed: r.seed ?? null,
      params: r.params,
      paramsNonEmbedding: r.paramsNonEmbedding ?? null,
      dataset: r.dataset ?? null,
      step: Number.isNaN(cp.step[c]) ? null : cp.step[c],
      tokens: cp.tokens[c],
      flops: Number.isNaN(cp.flops[c]) ? null : cp.flops[c],
      metric: ladder.metrics[metric[i]],
      value: value[i],
    };
  }
  return out;
}

/** Points of one metric, ready for fitting: parallel typed arrays, one entry per checkpoint. */
export interface MetricPoints {
  /** Run index of each point. */
  run: Int32Array;
  /** Checkpoint index of each point. */
  checkpoint: Int32Array;
  /** Total parameters N. */
  N: Float64Array;
  /** Tokens D. */
  D: Float64Array;
  /** Compute C under the chosen mode. */
  C: Float64Array;
  /** Step (NaN if unknown). */
  step: Float64Array;
  /** Metric value. */
  y: Float64Array;
}

/**
 * Extract the observations of one metric as fitting columns.
 *
 * @throws {RangeError} when the metric does not exist (the message lists the available ones).
 */
export function metricPoints(
  ladder: Ladder,
  metric: string,
  compute: ComputeMode = "6ND",
): MetricPoints {
  const m = ladder.metrics.indexOf(metric);
  if (m < 0) {
    throw new RangeError(
      `Cannot find metric ${JSON.stringify(metric)}: the ladder has ${
        ladder.metrics.map((s) => JSON.stringify(s)).join(", ")
      }`,
    );
  }
  const C = checkpointCompute(ladder, compute);
  const idx: number[] = [];
  const om = ladder.observations.metric;
  for (let i = 0; i < om.length; i++) if (om[i] === m) idx.push(i);
  const n = idx.length;
  const out: MetricPoints = {
    run: new Int32Array(n),
    checkpoint: new Int32Array(n),
    N: new Float64Array(n),
    D: new Float64Array(n),
    C: new Float64Array(n),
    step: new Float64Array(n),
    y: new Float64Array(n),
  };
  const cp = ladder.checkpoints;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    const c = ladder.observations.checkpoint[i];
    out.run[k] = cp.run[c];
    out.checkpoint[k] = c;
    out.N[k] = ladder.runs[cp.run[c]].params;
    out.D[k] = cp.tokens[c];
    out.C[k] = C[c];
    out.step[k] = cp.step[c];
    out.y[k] = ladder.observations.value[i];
  }
  return out;
}

/** A parsed text table before mapping: raw cell text plus the 1-based line of each row. */
export interface RawTable {
  /** File path, when loaded from a file (used in errors). */
  file?: string;
  /** Column names from the header (JSON: union of keys in first-seen order). */
  columns: string[];
  /** Cells as text, `rows[r][c]`; a missing JSON key or empty CSV cell is `""`. */
  rows: string[][];
  /** 1-based line where each row starts in the source text. */
  lines: Int32Array;
}

/**
 * Which columns of a table (and of an optional per-run table) hold what. Column names are the
 * source's own; several columns given as an array are joined with "/" into one key.
 *
 * Run-level fields (`family`, `seed`, `params`, `paramsNonEmbedding`, `dataset`, `fields`, and
 * `tokens`/`flops` for final-only data) are read from the main table, or — when the column is not
 * there — from the per-run table joined on the `run` columns.
 */
export interface ColumnMapping {
  /** Column(s) identifying the run. Omitted: each row is its own run, id `row-<line>`. */
  run?: string | string[];
  /** Column(s) naming the family / scaled set. */
  family?: string | string[];
  seed?: string;
  /** Total parameters N. Required. */
  params: string;
  paramsNonEmbedding?: string;
  dataset?: string;
  /** Optimizer step. Omitted: steps are NaN and tokens order a run's checkpoints. */
  step?: string;
  /** Training tokens D. Omitted: D = flops / (6 · params). */
  tokens?: string;
  /** Training compute C in FLOPs. */
  flops?: string;
  /** Wide form: metric columns, by exact name or a glob with `*` (e.g. `"eval/*_acc"`). */
  metrics?: string[];
  /** Long form: the column(s) naming the metric. */
  metric?: string | string[];
  /** Long form: the value column. */
  value?: string;
  /** Extra run-level columns kept in {@link Run.fields}. */
  fields?: string[];
  /** Multiply columns by a unit factor, e.g. `{ params: 1e9 }` for a "Model Size (B)" column. */
  scale?: { params?: number; paramsNonEmbedding?: number; tokens?: number; flops?: number };
  /** Kind of each metric (by metric name or glob). */
  metricKinds?: Record<string, MetricKind>;
  /** Keep only rows whose column equals one of the values (applied before anything else). */
  where?: Record<string, string | string[]>;
  /**
   * Rows to drop, with a counted warning, instead of raising an error:
   * `"missing"` rows with an empty required cell (params, tokens), `"zero-tokens"` rows at
   * tokens = 0 (initial checkpoints). Empty metric cells in wide form are never errors: they are
   * simply not observed. @default []
   */
  drop?: ("missing" | "zero-tokens")[];
  /**
   * What to do with duplicate (run, step, metric) rows: raise an error, or keep the mean, first
   * or last with a counted warning. @default "error"
   */
  onDuplicate?: "error" | "mean" | "first" | "last";
}
