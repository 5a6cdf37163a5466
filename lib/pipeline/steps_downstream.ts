/**
 * The pipeline's `map` step: downstream prediction from a ladder, in one of three forms.
 *
 * - **chain** (`loss` and `mapping`): step 1 fits the task loss in (N, D), step 2 maps the loss
 *   to a downstream metric, and a target's metric is step 2 at step 1's predicted loss
 *   ({@link predictChain}: the OLMo ladder, Gadre et al.);
 * - **loss** (`loss` only): step 1 alone, its prediction checked at held-out targets
 *   (Brandfonbrener et al.'s extrapolation runs);
 * - **mapping** (`mapping` only): step 2 alone from an input observed at the targets, e.g. a
 *   validation loss (loss-to-loss) or log10 compute (observational scaling laws).
 *
 * Every form has a bootstrap over whole runs (each resample refits every step) giving
 * percentile intervals at the targets, and "prediction" intervals that add a residual of the
 * full-data fit to each resample. Chance levels come from the dataset's table or the default
 * table (lib/downstream/chance.ts); the OLMo ladder's anchor point is an option. Results go to
 * `results.json` under `downstream.<id>` (see lib/report/downstream.ts).
 *
 * @example A mapping step in a spec
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineSpec } from "./spec.ts";
 * const spec = parsePipelineSpec({
 *   name: "demo",
 *   steps: [
 *     { step: "load", synthetic: { sizes: [2e7, 5e7], seeds: 1 } },
 *     {
 *       step: "map", id: "acc",
 *       mapping: { law: "sigmoid", x: "loss", metrics: ["hellaswag"] },
 *       targets: { filters: [{ kind: "runs", largest: 1 }] },
 *     },
 *   ],
 * });
 * const map = spec.steps[1];
 * assert.ok(map.step === "map" && map.mapping?.law === "sigmoid" && map.conventions === "final");
 * ```
 *
 * @module
 */

import { catalogEntry, type CatalogOptions, loadDataset } from "../data/catalog.ts";
import { applyFilters, type FilterSpec } from "../data/filter.ts";
import {
  checkpointCompute,
  type ComputeMode,
  type Ladder,
  type MetricKind,
  metricPoints,
} from "../data/schema.ts";
import { chanceLevel, chanceLevels, type ChanceTable } from "../downstream/chance.ts";
import { predictChain, type PredictChainResult } from "../downstream/chain.ts";
import { fitMapping, type FitMappingResult } from "../downstream/fit_mapping.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions, FitResult, StartsOption } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import {
  type CoverageSummary,
  type DownstreamCheck,
  type DownstreamFit,
  type DownstreamMapping,
  type DownstreamSummary,
  type DownstreamTarget,
  type FitQuality,
  type ReferenceSummary,
  resultKey,
} from "../report/downstream.ts";
import type { Interval } from "../report/types.ts";
import { rng, substream } from "../util/rng.ts";
import type { PipelineContext } from "./context.ts";
import { filterSchema, fitOptionsSchema, type FitStepOptions, lawSchema } from "./spec.ts";
import {
  array,
  boolean,
  enumOf,
  integer,
  INVALID,
  isPlainObject,
  type Issues,
  lazy,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  type Schema,
  string,
} from "./validate.ts";

// ---------------------------------------------------------------------------------------------
// Spec

/** A downstream metric to predict: a metric of the ladder, or an average of several. */
export interface DownstreamMetricConfig {
  /** Metric name; with `mean`, the name of the average (a new metric). */
  name: string;
  /** Average these metrics at each checkpoint (checkpoints missing one of them are skipped). */
  mean?: string[];
  /**
   * `"error"`: predict 1 − value (top-1 error, as Gadre et al.); without `mean` the new metric
   * is named `1 - <name>`. @default "none"
   */
  transform?: "none" | "error";
  /**
   * Input of the mapping for this metric (a task's own cross-entropy); in a chain, step 1 fits
   * this metric. @default the mapping's `x` (or, in a chain, the loss metric)
   */
  x?: string;
  /** Task name in the chance table. @default the metric name, then each `/`-separated part */
  task?: string;
  /** Chance accuracy (fraction), instead of the chance table's. */
  chance?: number;
}

/** Step 1 of a map step: a law of the task loss in N, D, C = 6ND and M = D/N. */
export interface MapLossConfig {
  /** Metric holding the task loss. Optional when every downstream metric names its `x`. */
  metric?: string;
  /** Registered law name or expression over N, D, C, M. @default "chinchilla" */
  law?: string;
  /** Fitter options (as a fit step's). @default {} (the fitter's defaults) */
  options?: FitStepOptions;
  /** Filters selecting the points of step 1 (before the checkpoint convention's). @default [] */
  filters?: FilterSpec[];
}

/** Step 2 of a map step: a one-input law from an input to the downstream metric(s). */
export interface MapMappingConfig {
  /** Metrics to predict, each its own mapping. */
  metrics: (string | DownstreamMetricConfig)[];
  /**
   * Mapping law: `sigmoid`, `sigmoid-floor`, `exp-error`, `loss-to-loss`, `direct`, or any
   * one-input law or expression. @default "sigmoid"
   */
  law?: string;
  /**
   * Input column: a metric (task loss, a validation loss) or `N`, `D`, `C` (compute by the
   * step's compute mode), `M`. In a chain it must be the loss metric. @default the loss metric
   */
  x?: string;
  /** Scale of the input: `"log10"` for compute (observational scaling laws). @default "linear" */
  xScale?: "linear" | "log10";
  /**
   * Chance levels: `"auto"` (the loaded dataset's chance table when it ships one, else the
   * default table), `"default"` (lib/downstream/chance.ts), or `"none"`. @default "auto"
   */
  chance?: "auto" | "default" | "none";
  /** Append the OLMo ladder's anchor point (0, ceiling), or a given point. @default false */
  anchor?: boolean | { x: number; y: number };
  /** Best reachable value (the anchor's y and the ladder start's b). @default 1 */
  ceiling?: number;
  /** Starts: `"ladder"` (sigmoid only, needs a chance level) or any fit starts. @default "default" */
  starts?: "ladder" | StartsOption;
  /** Fitter options (plain least squares in linear space unless set). @default {} */
  options?: Omit<FitStepOptions, "starts">;
  /** Filters selecting the points of step 2 (before the checkpoint convention's). @default [] */
  filters?: FilterSpec[];
}

/** Where the held-out targets come from. */
export interface MapTargetsConfig {
  /** Another table of the loaded catalog dataset (e.g. Kempner's `extrapolation`). */
  table?: string;
  /** Filters selecting the targets. @default [] */
  filters?: FilterSpec[];
}

/** Run-level bootstrap of a map step. */
export interface MapBootstrapConfig {
  /** Resamples of whole runs (0: point predictions only). */
  resamples: number;
  /** Seed. @default the pipeline's seed */
  seed?: number;
  /** Level of the percentile intervals. @default 0.95 */
  level?: number;
  /** Refit each resample from the full-data optimum or from the fit's starts. @default "estimate" */
  refitFrom?: "estimate" | "starts";
}

/** A published range of relative errors to judge ours against. */
export interface MapReferenceConfig {
  /** [low, high] relative errors (fractions; positive: over-prediction), e.g. [0.01, 0.035]. */
  relativeError: [number, number];
  /** Where the range was published. */
  source: string;
  /** Judge step 1's loss or the downstream value. @default "value", or "loss" without mapping */
  of?: "loss" | "value";
}

/** Predict downstream metrics (or a loss) at held-out targets. */
export interface MapStepConfig {
  step: "map";
  /** Name of the result (`downstream.<id>`). */
  id: string;
  /** Step 1: the loss law. Omit for a mapping from an observed input. */
  loss?: MapLossConfig;
  /** Step 2: the mapping. Omit to predict the loss only. */
  mapping?: MapMappingConfig;
  /**
   * Fit and predict each run family (e.g. pretraining corpus) on its own; targets are matched
   * to their family. @default false
   */
  byFamily?: boolean;
  /** Other tables of the loaded catalog dataset whose metrics are joined by run and checkpoint. */
  join?: string[];
  /**
   * Held-out targets: `"holdout"` (runs of the current ladder that no step fitted) or selected
   * by filters, optionally from another table. The final checkpoint of each target run is used
   * unless `conventions` is `"none"`.
   */
  targets: "holdout" | MapTargetsConfig;
  /**
   * Checkpoint convention: `"final"` (each run's final checkpoint in both steps), `"ladder"`
   * (OLMo ladder: mean of the last 5 losses for step 1; step 2 on all checkpoints after the
   * first 10%, moving average 5), `"none"`. @default "final"
   */
  conventions?: "final" | "ladder" | "none";
  /** How compute C is obtained for inputs and filters. @default "6ND" */
  compute?: ComputeMode;
  /** Bootstrap over whole runs. @default no bootstrap */
  bootstrap?: MapBootstrapConfig;
  /**
   * A published range of relative errors at the same targets (e.g. the authors' own fits), to
   * say in the report whether ours land in it, closer to the actual values, or outside.
   */
  reference?: MapReferenceConfig;
  /**
   * Figures of this step (when the report's figure kinds include "downstream"): `"all"` (the
   * loss law, up to 6 mappings, predicted against actual), `"predictions"` (predicted against
   * actual only), `"none"`. @default "all"
   */
  figures?: "all" | "predictions" | "none";
}

/** A parsed downstream metric. */
export type DownstreamMetric = DownstreamMetricConfig & { transform: "none" | "error" };

/** A parsed map step: defaults applied. */
export interface MapStep {
  step: "map";
  id: string;
  loss?: Required<Omit<MapLossConfig, "metric">> & { metric?: string };
  mapping?:
    & Required<Omit<MapMappingConfig, "x" | "metrics">>
    & { x?: string; metrics: DownstreamMetric[] };
  byFamily: boolean;
  join: string[];
  targets: "holdout" | Required<Omit<MapTargetsConfig, "table">> & { table?: string };
  conventions: "final" | "ladder" | "none";
  compute: ComputeMode;
  bootstrap?: Required<Omit<MapBootstrapConfig, "seed">> & { seed?: number };
  figures: "all" | "predictions" | "none";
  reference?: MapReferenceConfig;
}

const STEP1_INPUTS = ["N", "D", "C", "M"];

function lawOrUndefined(text: string): Law | undefined {
  try {
    return getLaw(text);
  } catch {
    return undefined;
  }
}

const lazyFilter = lazy(() => filterSchema, "a filter");
const lazyFitOptions = lazy(() => fitOptionsSchema, "fit options");
const lazyLaw = lazy(() => lawSchema, "a law name or expression");
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const metricSchema: Schema<DownstreamMetric> = oneOf<DownstreamMetric>(
  "a metric name or { name, mean?, transform?, x?, task?, chance? }",
  [
    {
      when: (v) => typeof v === "string",
      schema: {
        expected: "a metric name",
        parse(value, path, issues) {
          const s = string().parse(value, path, issues);
          return typeof s === "string" ? { name: s, transform: "none" } : s;
        },
      },
    },
    {
      when: isPlainObject,
      schema: object<DownstreamMetric>({
        name: string(),
        mean: optional(array(string(), { minLength: 1 })),
        transform: optional(enumOf(["none", "error"] as const), "none"),
        x: optional(string()),
        task: optional(string()),
        chance: optional(number({ min: 0, max: 1 })),
      }),
    },
  ],
);

const startsSchema = oneOf<"ladder" | StartsOption>(
  `"ladder", "default", "grid", a number of random starts, or a list of start records`,
  [
    {
      when: (v) => typeof v === "string",
      schema: enumOf(["ladder", "default", "grid"] as const),
    },
    { when: (v) => typeof v === "number", schema: integer({ min: 1 }) },
    { when: Array.isArray, schema: array(record(number()), { minLength: 1 }) },
  ],
);

function checkParamNames(
  law: Law,
  options: FitStepOptions | undefined,
  path: string,
  issues: Issues,
): void {
  const names = law.params.map((s) => s.name);
  for (const n of Object.keys(options?.params ?? {})) {
    if (!names.includes(n)) {
      issues.add(
        `${path}.options.params.${n}`,
        `is not a parameter of law ${JSON.stringify(law.name)}; expected one of ${
          names.map((k) => JSON.stringify(k)).join(", ")
        }`,
      );
    }
  }
}

type LossParsed = NonNullable<MapStep["loss"]>;
type MappingParsed = NonNullable<MapStep["mapping"]>;

const lossSchema = object<LossParsed>({
  metric: optional(string()),
  law: optional(lazyLaw, "chinchilla"),
  options: optional(lazyFitOptions as Schema<FitStepOptions>, {}),
  filters: optional(array(lazyFilter as Schema<FilterSpec>), []),
}, {
  check(loss, path, issues) {
    const law = lawOrUndefined(loss.law);
    if (!law) return;
    const bad = law.inputs.map((s) => s.name).filter((n) => !STEP1_INPUTS.includes(n));
    if (bad.length > 0) {
      issues.add(
        `${path}.law`,
        `has inputs ${bad.map((n) => JSON.stringify(n)).join(", ")}; expected a loss law over ` +
          `${STEP1_INPUTS.join(", ")}`,
      );
    }
    checkParamNames(law, loss.options, path, issues);
  },
});

const mappingSchema = object<MappingParsed>({
  metrics: array(metricSchema, { minLength: 1 }),
  law: optional(lazyLaw, "sigmoid"),
  x: optional(string()),
  xScale: optional(enumOf(["linear", "log10"] as const), "linear"),
  chance: optional(enumOf(["auto", "default", "none"] as const), "auto"),
  anchor: optional(
    oneOf<boolean | { x: number; y: number }>("true, false or { x, y }", [
      { when: (v) => typeof v === "boolean", schema: boolean() },
      {
        when: isPlainObject,
        schema: object<{ x: number; y: number }>({ x: number(), y: number() }),
      },
    ]),
    false,
  ),
  ceiling: optional(number({ greaterThan: 0, max: 1 }), 1),
  starts: optional(startsSchema, "default"),
  options: optional(lazyFitOptions as Schema<Omit<FitStepOptions, "starts">>, {}),
  filters: optional(array(lazyFilter as Schema<FilterSpec>), []),
}, {
  check(m, path, issues) {
    const law = lawOrUndefined(m.law);
    if (!law) return;
    if (law.inputs.length !== 1) {
      issues.add(
        `${path}.law`,
        `is ${JSON.stringify(m.law)} with ${law.inputs.length} inputs; expected a law of one ` +
          `input (sigmoid, sigmoid-floor, exp-error, loss-to-loss, direct)`,
      );
    }
    if (m.starts === "ladder" && law.name !== "sigmoid") {
      issues.add(
        `${path}.starts`,
        `is "ladder" with law ${JSON.stringify(law.name)}; expected law "sigmoid"`,
      );
    }
    if ("starts" in (m.options as Record<string, unknown>)) {
      issues.add(`${path}.options.starts`, "is set; expected the starts in mapping.starts");
    }
    checkParamNames(law, m.options, path, issues);
    const names = new Set<string>();
    m.metrics.forEach((d, i) => {
      const name = derivedName(d);
      if (names.has(name)) {
        issues.add(
          `${path}.metrics[${i}]`,
          `repeats metric ${JSON.stringify(name)}; expected each once`,
        );
      }
      names.add(name);
    });
  },
});

const targetsSchema = oneOf<MapStep["targets"]>(`"holdout" or { table?, filters? }`, [
  { when: (v) => typeof v === "string", schema: literal("holdout") },
  {
    when: isPlainObject,
    schema: object<Exclude<MapStep["targets"], "holdout">>({
      table: optional(string()),
      filters: optional(array(lazyFilter as Schema<FilterSpec>), []),
    }),
  },
]);

const bootstrapSchema = object<NonNullable<MapStep["bootstrap"]>>({
  resamples: integer({ min: 0 }),
  seed: optional(integer()),
  level: optional(number({ greaterThan: 0, lessThan: 1 }), 0.95),
  refitFrom: optional(enumOf(["estimate", "starts"] as const), "estimate"),
});

/**
 * Schema of the `map` step (registered in spec.ts's step union): defaults applied, laws
 * checked (step 1 over N, D, C, M; step 2 of one input), and the form's requirements: at least
 * one of `loss` and `mapping`; a loss metric for step 1; an input for every mapping; in a chain,
 * the mapping's input is the loss itself (linear scale).
 */
export const mapStepSchema: Schema<MapStep> = object<MapStep>({
  step: literal("map"),
  id: string({
    pattern: ID,
    patternName: "an id (a letter or _, then letters, digits, _ or -)",
  }),
  loss: optional(lossSchema),
  mapping: optional(mappingSchema),
  byFamily: optional(boolean(), false),
  join: optional(array(string()), []),
  targets: targetsSchema,
  conventions: optional(enumOf(["final", "ladder", "none"] as const), "final"),
  compute: optional(enumOf<ComputeMode>(["given", "6ND", "6NnD"]), "6ND"),
  bootstrap: optional(bootstrapSchema),
  figures: optional(enumOf(["all", "predictions", "none"] as const), "all"),
  reference: optional(object<MapReferenceConfig>({
    relativeError: refineRange(array(number(), { minLength: 2, maxLength: 2 })),
    source: string(),
    of: optional(enumOf(["loss", "value"] as const)),
  })),
}, {
  check(s, path, issues) {
    if (!s.loss && !s.mapping) {
      issues.add(`${path}.loss`, "is missing, and so is mapping; expected at least one of them");
      return;
    }
    if (s.loss && s.mapping) {
      if (s.mapping.xScale !== "linear") {
        issues.add(
          `${path}.mapping.xScale`,
          `is "${s.mapping.xScale}" in a chain; expected "linear" (step 2's input is step 1's loss)`,
        );
      }
      if (s.mapping.x !== undefined && s.mapping.x !== s.loss.metric) {
        issues.add(
          `${path}.mapping.x`,
          `is ${JSON.stringify(s.mapping.x)} but the loss metric is ${
            JSON.stringify(s.loss.metric ?? null)
          }; expected the loss metric (or no x) in a chain`,
        );
      }
    }
    if (s.loss && !s.mapping && s.loss.metric === undefined) {
      issues.add(`${path}.loss.metric`, "is missing; expected the metric of the loss to predict");
    }
    if (s.mapping) {
      const fallback = s.mapping.x ?? s.loss?.metric;
      s.mapping.metrics.forEach((d, i) => {
        if (d.x === undefined && fallback === undefined) {
          issues.add(
            `${path}.mapping.metrics[${i}].x`,
            `is missing and neither mapping.x nor loss.metric is set; expected the input of ` +
              `the mapping of ${JSON.stringify(d.name)}`,
          );
        }
        if (s.loss && d.x !== undefined && s.mapping!.xScale !== "linear") {
          issues.add(`${path}.mapping.metrics[${i}].x`, "is set in a chain with a log10 input");
        }
      });
    }
  },
});

function refineRange(s: Schema<number[]>): Schema<[number, number]> {
  return {
    expected: "[low, high]",
    parse(value, path, issues) {
      const r = s.parse(value, path, issues);
      if (Array.isArray(r) && r[0] > r[1]) {
        issues.add(path, `is [${r[0]}, ${r[1]}]; expected low <= high`);
        return INVALID;
      }
      return r as [number, number] | typeof INVALID;
    },
  };
}

/** The metric a downstream metric config predicts (its own name, or `1 - name`). */
export function derivedName(d: DownstreamMetricConfig): string {
  return d.mean === undefined && d.transform === "error" ? `1 - ${d.name}` : d.name;
}

// ---------------------------------------------------------------------------------------------
// Runtime state kept for figures and notebooks

/** What a mapping's figures need. */
export interface MapFigureData {
  key: string;
  group: string | null;
  metric: string;
  /** Input label and scale. */
  x: string | null;
  xScale: "linear" | "log10";
  chance: number | null;
  /** Points of step 2 (anchor excluded) with their runs. */
  train?: { x: Float64Array; y: Float64Array; runs: string[] };
  /** The fitted mapping sampled along x, with its run-bootstrap band. */
  curve?: { x: Float64Array; y: Float64Array; lower?: Float64Array; upper?: Float64Array };
  /** Step 1: law, fitted values and data. */
  lossFit?: {
    law: Law;
    params: Float64Array;
    N: Float64Array;
    D: Float64Array;
    y: Float64Array;
    metric: string;
  };
  /** Targets: observed input, observed and predicted values with intervals. */
  targets: {
    label: string;
    N: number;
    D: number;
    x: number | null;
    loss: DownstreamCheck | null;
    value: DownstreamCheck | null;
  }[];
}

/** A map step's results and figure data (held by the pipeline context). */
export interface MapEntry {
  step: MapStep;
  summary: DownstreamSummary;
  figures: MapFigureData[];
}

// ---------------------------------------------------------------------------------------------
// Ladder helpers

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
function metricByCheckpoint(ladder: Ladder, name: string): Float64Array {
  const out = new Float64Array(ladder.checkpoints.run.length).fill(NaN);
  const m = ladder.metrics.indexOf(name);
  if (m < 0) return out;
  const o = ladder.observations;
  for (let i = 0; i < o.value.length; i++) if (o.metric[i] === m) out[o.checkpoint[i]] = o.value[i];
  return out;
}

function requireMetric(ladder: Ladder, name: string, what: string): void {
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
 * run id, step and tokens. Returns the joined ladder and the number of checkpoints of `other`
 * that matched none.
 */
export function joinLadders(base: Ladder, other: Ladder, what: string): {
  ladder: Ladder;
  unmatched: number;
} {
  const index = new Map<string, number>();
  for (let c = 0; c < base.checkpoints.run.length; c++) index.set(checkpointKey(base, c), c);
  const map = new Int32Array(other.checkpoints.run.length).fill(-1);
  let unmatched = 0;
  for (let c = 0; c < map.length; c++) {
    const b = index.get(checkpointKey(other, c));
    if (b === undefined) unmatched++;
    else map[c] = b;
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
  return { ladder, unmatched };
}

/** Add the averaged / transformed metrics the step asks for. */
function addDerived(ladder: Ladder, metrics: DownstreamMetric[], what: string): Ladder {
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
function columnByCheckpoint(ladder: Ladder, column: string, compute: ComputeMode): Float64Array {
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

function finalCheckpoints(ladder: Ladder): Ladder {
  return applyFilters(ladder, [{ kind: "final" }]).ladder;
}

function byFamily(ladder: Ladder, family: string | null): Ladder {
  return family === null
    ? ladder
    : applyFilters(ladder, [{ kind: "runs", families: [family] }]).ladder;
}

// ---------------------------------------------------------------------------------------------
// Statistics

function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function intervalOf(draws: ArrayLike<number>, level: number): Interval | null {
  const s = Float64Array.from(draws).filter(Number.isFinite).sort();
  if (s.length < 2) return null;
  return [percentile(s, (1 - level) / 2), percentile(s, (1 + level) / 2)];
}

/** Mean squared error and R² of predictions. */
export function fitQuality(actual: ArrayLike<number>, predicted: ArrayLike<number>): FitQuality {
  let n = 0, sse = 0, sum = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) continue;
    n++;
    sse += (predicted[i] - actual[i]) ** 2;
    sum += actual[i];
  }
  if (n === 0) return { n, mse: null, r2: null };
  const mean = sum / n;
  let sst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) sst += (actual[i] - mean) ** 2;
  }
  return { n, mse: sse / n, r2: n >= 3 && sst > 0 ? 1 - sse / sst : null };
}

function check(
  actual: number | null,
  predicted: number,
  interval: Interval | null,
  predictionInterval: Interval | null,
  fraction: boolean,
): DownstreamCheck {
  const has = actual !== null && Number.isFinite(actual);
  const e = has && Number.isFinite(predicted) ? predicted - actual! : null;
  const inside = (iv: Interval | null) => (has && iv ? actual! >= iv[0] && actual! <= iv[1] : null);
  return {
    actual: has ? actual : null,
    predicted,
    error: e,
    errorPoints: e !== null && fraction ? 100 * e : null,
    relativeError: e !== null && actual !== 0 ? e / actual! : null,
    absPercentError: e !== null && actual !== 0 ? (100 * Math.abs(e)) / Math.abs(actual!) : null,
    interval,
    predictionInterval,
    covered: inside(interval),
    predictionCovered: inside(predictionInterval),
  };
}

function coverage(checks: DownstreamCheck[], level: number): CoverageSummary | null {
  const judged = checks.filter((c) => c.covered !== null);
  if (checks.length === 0) return null;
  const n = judged.length;
  const covered = judged.filter((c) => c.covered).length;
  const pCovered = judged.filter((c) => c.predictionCovered).length;
  return {
    level,
    n,
    covered,
    fraction: n > 0 ? covered / n : null,
    predictionCovered: pCovered,
    predictionFraction: n > 0 ? pCovered / n : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Fits and bootstrap refits

function paramValues(law: Law, fit: FitResult): Float64Array {
  return Float64Array.from(law.params, (s) => fit.params[s.name]?.value ?? NaN);
}

function usable(r: FitResult): boolean {
  return r.converged || (r.status === "line-search-failed" && Number.isFinite(r.objective));
}

function fitSummaryOf(law: Law, fit: FitResult, runs: number): DownstreamFit {
  const params: Record<string, number> = {};
  for (const s of law.params) params[s.name] = fit.params[s.name]?.value ?? NaN;
  return {
    law: law.name,
    formula: law.formula,
    params,
    n: fit.n,
    runs,
    objective: Number.isFinite(fit.objective) ? fit.objective : null,
    r2: Number.isFinite(fit.r2) ? fit.r2 : null,
    converged: fit.converged,
    status: fit.status,
    atBound: fit.diagnostics.atBound,
  };
}

/**
 * Refit a one-step law on resamples of whole runs: resample i draws the runs with replacement
 * from `rng(substream(seed, i))`, weights each point by its run's count (points with slot −1,
 * e.g. an anchor, keep weight 1), and refits. Returns the parameter vectors of usable refits.
 */
export function refitOverRuns(
  law: Law,
  data: { inputs: Record<string, Float64Array>; y: Float64Array },
  slots: Int32Array,
  runs: number,
  options: { fit: FitOptions; resamples: number; seed: number; nFree: number },
): { draws: Float64Array[]; failed: number } {
  const draws: Float64Array[] = [];
  let failed = 0;
  for (let r = 0; r < options.resamples; r++) {
    const g = rng(substream(options.seed, r));
    const counts = new Float64Array(runs);
    for (let i = 0; i < runs; i++) counts[g.int(runs)]++;
    const w = Float64Array.from(slots, (s) => (s < 0 ? 1 : counts[s]));
    let positive = 0;
    for (const v of w) if (v > 0) positive++;
    if (positive < options.nFree) {
      failed++;
      continue;
    }
    const fit = fitSync(law, data, { ...options.fit, weights: w });
    if (!usable(fit)) {
      failed++;
      continue;
    }
    draws.push(paramValues(law, fit));
  }
  return { draws, failed };
}

function predictOne(law: Law, inputs: Float64Array[], params: Float64Array): Float64Array {
  const out = new Float64Array(inputs[0]?.length ?? 0);
  law.predict(inputs, params, out);
  return out;
}

function slotsOf(runIds: string[], extra: number): { slots: Int32Array; runs: number } {
  const names = [...new Set(runIds)];
  const index = new Map(names.map((n, i) => [n, i]));
  const slots = new Int32Array(runIds.length + extra).fill(-1);
  runIds.forEach((id, i) => (slots[i] = index.get(id)!));
  return { slots, runs: names.length };
}

/** Residuals of a fit in its space (log ratios or differences). */
function residuals(y: Float64Array, fitted: Float64Array, space: "log" | "linear"): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const r = space === "log" ? Math.log(y[i] / fitted[i]) : y[i] - fitted[i];
    if (Number.isFinite(r)) out.push(r);
  }
  return Float64Array.from(out);
}

function addNoise(v: number, res: Float64Array, space: "log" | "linear", u: number): number {
  if (res.length === 0) return v;
  const r = res[Math.min(res.length - 1, Math.floor(u * res.length))];
  return space === "log" ? v * Math.exp(r) : v + r;
}

/** Keep a fraction (accuracy, error) in [0, 1] after noise was added. */
function clampFraction(v: number, fraction: boolean): number {
  return fraction ? Math.min(1, Math.max(0, v)) : v;
}

function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

// ---------------------------------------------------------------------------------------------
// The step

interface Targets {
  ladder: Ladder;
  /** Checkpoints of the target ladder, per run family. */
  of(group: string | null): Ladder;
}

/** Options the step needs from the run. */
export interface MapStepRunOptions {
  /** Mirror directory of the catalog. */
  dataDir?: string;
  /** Other catalog options (cache directory, network). */
  catalog?: Omit<CatalogOptions, "dataDir">;
}

function seedFor(base: number, group: number, metric: number): number {
  return substream(substream(base, group), metric);
}

/**
 * Run a map step on the pipeline context: join tables, derive metrics, fit per family and
 * metric, predict the targets with bootstrap intervals, and store the results (`ctx.downstream`).
 *
 * @param ctx The pipeline's state (a ladder must be loaded).
 * @param step The parsed step.
 * @param options Where the catalog's files are.
 * @returns A one-line summary.
 * @throws {RangeError} For a missing metric, a join clash, no targets, or a chance level the
 *   mapping needs but the tables lack.
 */
export async function runMapStep(
  ctx: PipelineContext,
  step: MapStep,
  options: MapStepRunOptions = {},
): Promise<string> {
  const what = `run map step ${JSON.stringify(step.id)}`;
  if (!ctx.ladder) throw new Error(`Cannot ${what}: no data; expected a load step before it`);
  const dataset = ctx.source?.dataset ?? null;
  const catalogOptions = {
    ...(options.catalog ?? {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  };
  const needDataset = (kind: string) => {
    if (dataset === null) {
      throw new RangeError(
        `Cannot ${what}: ${kind} needs a catalog dataset; expected a load step with "dataset"`,
      );
    }
    return dataset;
  };
  const prepare = async (base: Ladder): Promise<Ladder> => {
    let l = base;
    for (const table of step.join) {
      const other = await loadDataset(needDataset("join"), table, catalogOptions);
      const j = joinLadders(l, other, `${what} (join ${JSON.stringify(table)})`);
      l = j.ladder;
    }
    return step.mapping ? addDerived(l, step.mapping.metrics, what) : l;
  };
  const ladder = await prepare(ctx.ladder);
  let targetBase = ladder;
  if (step.targets !== "holdout" && step.targets.table !== undefined) {
    targetBase = await prepare(
      await loadDataset(needDataset("targets.table"), step.targets.table, catalogOptions),
    );
  }
  const targetSpec = step.targets;
  const targets: Targets = {
    ladder: targetBase,
    of(group) {
      if (targetSpec === "holdout") return byFamily(targetBase, group);
      let l = applyFilters(byFamily(targetBase, group), targetSpec.filters).ladder;
      if (step.conventions !== "none") l = finalCheckpoints(l);
      return l;
    },
  };

  // Chance table.
  let table: ChanceTable | undefined;
  const chanceMode = step.mapping?.chance ?? "none";
  if (chanceMode !== "none") {
    const useDataset = chanceMode === "auto" && dataset !== null &&
      catalogEntry(dataset).extras.chanceLevels?.file !== undefined;
    table = useDataset
      ? await chanceLevels(dataset!, catalogOptions)
      : await chanceLevels("default");
  }

  const groups: (string | null)[] = step.byFamily
    ? [...new Set(ladder.runs.map((r) => r.family ?? ""))].sort()
    : [null];
  const kind: DownstreamSummary["kind"] = step.loss && step.mapping
    ? "chain"
    : step.loss
    ? "loss"
    : "mapping";
  const resamples = step.bootstrap?.resamples ?? 0;
  const level = step.bootstrap?.level ?? 0.95;
  const seed = step.bootstrap?.seed ?? ctx.spec.seed;
  const mappings: Record<string, DownstreamMapping> = {};
  const figures: MapFigureData[] = [];
  const metricList: (DownstreamMetric | null)[] = step.mapping ? step.mapping.metrics : [null];

  for (const [gi, group] of groups.entries()) {
    const gl = byFamily(ladder, group);
    const tl = targets.of(group);
    for (const [mi, d] of metricList.entries()) {
      const s = seedFor(seed, gi, mi);
      const input = {
        ctx,
        step,
        ladder: gl,
        targets: tl,
        group,
        metric: d,
        seed: s,
        resamples,
        level,
        table,
        what,
      };
      const r = kind === "chain"
        ? runChain(input)
        : kind === "loss"
        ? runLossOnly(input)
        : runMappingOnly(input);
      const key = resultKey(group === null ? r.mapping.metric : `${group}_${r.mapping.metric}`);
      mappings[key] = r.mapping;
      figures.push({ ...r.figure, key });
    }
  }

  const all = Object.values(mappings).flatMap((m) => Object.values(m.targets));
  const summary: DownstreamSummary = {
    id: step.id,
    kind,
    conventions: step.conventions,
    level,
    resamples,
    seed,
    mappings,
    coverage: {
      loss: coverage(all.map((t) => t.loss).filter((c): c is DownstreamCheck => c !== null), level),
      value: coverage(
        all.map((t) => t.value).filter((c): c is DownstreamCheck => c !== null),
        level,
      ),
    },
    reference: step.reference
      ? judgeReference(step.reference, kind === "loss" ? "loss" : "value", mappings)
      : null,
  };
  ctx.downstream.set(step.id, { step, summary, figures });

  const checks = all.map((t) => t.value ?? t.loss).filter((c): c is DownstreamCheck =>
    c !== null && c.absPercentError !== null
  );
  const nonFinite =
    all.map((t) => t.value ?? t.loss).filter((c) => c !== null && !Number.isFinite(c.predicted))
      .length;
  if (nonFinite > 0) {
    ctx.warnings.warn(
      "map.non-finite-prediction",
      `Map ${JSON.stringify(step.id)}: predictions that are not finite numbers (a target outside ` +
        `the fitted law's domain) were left out of the errors`,
      nonFinite,
    );
  }
  const mape = checks.length
    ? checks.reduce((a, c) => a + c.absPercentError!, 0) / checks.length
    : null;
  const cov = summary.coverage.value ?? summary.coverage.loss;
  return `${kind}: ${Object.keys(mappings).length} mapping${
    Object.keys(mappings).length === 1 ? "" : "s"
  }, ${checks.length} targets, mean |relative error| ${
    mape === null ? "—" : `${Number(mape.toPrecision(4))}%`
  }` +
    (cov && cov.n > 0 && resamples > 0
      ? `; ${cov.covered}/${cov.n} inside the ${Math.round(100 * level)}% intervals`
      : "");
}

function signedPct(x: number): string {
  return `${x < 0 ? "−" : "+"}${Number((100 * Math.abs(x)).toPrecision(4))}%`;
}

/** Where our relative errors land against a published range. */
export function judgeReference(
  ref: MapReferenceConfig,
  fallback: "loss" | "value",
  mappings: Record<string, DownstreamMapping>,
): ReferenceSummary {
  const of = ref.of ?? fallback;
  const [low, high] = ref.relativeError;
  let inside = 0, closer = 0;
  const out: string[] = [], near: string[] = [];
  for (const m of Object.values(mappings)) {
    for (const t of Object.values(m.targets)) {
      const re = t[of]?.relativeError;
      if (re === null || re === undefined) continue;
      const name = m.group ?? t.run;
      if (re >= low && re <= high) inside++;
      else if (
        (low <= 0 && high >= 0) ? false : Math.abs(re) < Math.min(Math.abs(low), Math.abs(high))
      ) {
        closer++;
        near.push(`${name} ${signedPct(re)}`);
      } else out.push(`${name} ${signedPct(re)}`);
    }
  }
  const n = inside + closer + out.length;
  const range = `[${signedPct(low)}, ${signedPct(high)}]`;
  const verdict = `Against the published range ${range} of relative errors (${ref.source}): ` +
    `${inside} of ${n} of ours inside it` +
    (closer ? `, ${closer} closer to the actual values (${near.join(", ")})` : "") +
    (out.length ? `, ${out.length} outside it (${out.join(", ")})` : "") + ".";
  return { low, high, source: ref.source, of, n, inside, closer, outside: out.length, verdict };
}

interface MappingInput {
  ctx: PipelineContext;
  step: MapStep;
  ladder: Ladder;
  targets: Ladder;
  group: string | null;
  metric: DownstreamMetric | null;
  seed: number;
  resamples: number;
  level: number;
  table: ChanceTable | undefined;
  what: string;
}

interface MappingOutput {
  mapping: DownstreamMapping;
  figure: Omit<MapFigureData, "key">;
}

function label(input: MappingInput): string {
  const parts = [input.group, input.metric ? derivedName(input.metric) : input.step.loss?.metric];
  return parts.filter((p) => p !== null && p !== undefined).join(" / ");
}

function isFraction(ladder: Ladder, metric: string): boolean {
  const k = ladder.metricKinds[metric];
  return k === "accuracy" || k === "error";
}

/** Chance level of a metric in the metric's sense (1 − chance for an error), and its origin. */
function chanceOf(
  d: DownstreamMetric,
  table: ChanceTable | undefined,
): { value: number; origin: string } | undefined {
  const flip = (v: number) => (d.transform === "error" ? 1 - v : v);
  if (d.chance !== undefined) return { value: flip(d.chance), origin: "spec" };
  if (!table) return undefined;
  const lookup = (name: string, task?: string): { value: number; origin: string } | undefined => {
    const candidates = task !== undefined ? [task] : [name, ...name.split("/").reverse()];
    for (const c of candidates) {
      try {
        const v = chanceLevel(table, c);
        return { value: v, origin: table.origin[c] ?? "table" };
      } catch {
        // try the next candidate
      }
    }
    return undefined;
  };
  if (d.mean) {
    const parts = d.mean.map((m) => lookup(m));
    if (parts.some((p) => p === undefined)) return undefined;
    const v = parts.reduce((a, p) => a + p!.value, 0) / parts.length;
    return { value: flip(v), origin: `mean of ${parts.length} tasks (${parts[0]!.origin})` };
  }
  const one = lookup(d.name, d.task);
  return one ? { value: flip(one.value), origin: one.origin } : undefined;
}

function mappingChance(
  input: MappingInput,
  law: Law,
): { value: number; origin: string } | undefined {
  const d = input.metric!;
  const c = chanceOf(d, input.table);
  const needs = law.params.some((p) => p.name === "q_min") ||
    input.step.mapping?.starts === "ladder";
  if (needs && c === undefined) {
    throw new RangeError(
      `Cannot ${input.what}: mapping law ${JSON.stringify(law.name)} needs the chance level of ` +
        `${
          JSON.stringify(d.name)
        } and the chance table has none; expected mapping.metrics[].task ` +
        `naming a task of the table, or mapping.metrics[].chance`,
    );
  }
  return c;
}

function fitOptionsOf(options: FitStepOptions, seed: number): FitOptions {
  return { ...options, seed } as FitOptions;
}

/** Targets of a mapping: checkpoints with an observed value of `metric` (and of x, when given). */
function targetRows(
  tl: Ladder,
  metric: string,
  x: string | null,
  xScale: "linear" | "log10",
  compute: ComputeMode,
  extra: string[] = [],
): {
  run: string[];
  N: Float64Array;
  D: Float64Array;
  C: Float64Array;
  y: Float64Array;
  x: Float64Array;
  extra: Float64Array[];
} {
  if (!tl.metrics.includes(metric)) {
    return {
      run: [],
      N: new Float64Array(),
      D: new Float64Array(),
      C: new Float64Array(),
      y: new Float64Array(),
      x: new Float64Array(),
      extra: extra.map(() => new Float64Array()),
    };
  }
  const p = metricPoints(tl, metric, compute);
  const xc = x === null ? undefined : columnByCheckpoint(tl, x, compute);
  const ec = extra.map((e) => (tl.metrics.includes(e) ? metricByCheckpoint(tl, e) : undefined));
  const keep: number[] = [];
  for (let i = 0; i < p.y.length; i++) {
    if (!Number.isFinite(p.y[i])) continue;
    if (xc && !Number.isFinite(xc[p.checkpoint[i]])) continue;
    keep.push(i);
  }
  const scale = (v: number) => (xScale === "log10" ? Math.log10(v) : v);
  return {
    run: keep.map((i) => tl.runs[p.run[i]].id),
    N: Float64Array.from(keep, (i) => p.N[i]),
    D: Float64Array.from(keep, (i) => p.D[i]),
    C: Float64Array.from(keep, (i) => p.C[i]),
    y: Float64Array.from(keep, (i) => p.y[i]),
    x: Float64Array.from(keep, (i) => (xc ? scale(xc[p.checkpoint[i]]) : NaN)),
    extra: ec.map((col) => Float64Array.from(keep, (i) => (col ? col[p.checkpoint[i]] : NaN))),
  };
}

function holdoutLadder(input: MappingInput, used: Set<string>): Ladder {
  const ids = input.targets.runs.map((r) => r.id).filter((id) => !used.has(id));
  let l = applyFilters(input.targets, [{ kind: "runs", ids }]).ladder;
  if (input.step.conventions !== "none") l = finalCheckpoints(l);
  return l;
}

function targetKey(run: string, taken: Set<string>): string {
  let k = resultKey(run);
  for (let i = 2; taken.has(k); i++) k = resultKey(`${run}_${i}`);
  taken.add(k);
  return k;
}

function warnFit(ctx: PipelineContext, where: string, fit: FitResult): void {
  if (!fit.converged) {
    ctx.warnings.warn(
      "map.not-converged",
      `${where}: the fit did not converge (${fit.status}): ${fit.message}`,
    );
  }
}

// -- chain ------------------------------------------------------------------------------------

function runChain(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const loss = step.loss!, mapping = step.mapping!, d = input.metric!;
  const metric = derivedName(d);
  const lossMetric = (d.x ?? mapping.x ?? loss.metric)!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, lossMetric, input.what);
  requireMetric(input.ladder, metric, input.what);
  const law2 = getLaw(mapping.law);
  const chance = mappingChance(input, law2);
  const step1 = {
    law: loss.law,
    fit: fitOptionsOf(loss.options, input.seed),
    filters: loss.filters,
  };
  const step2 = {
    law: law2,
    ...(chance ? { chance: chance.value } : {}),
    ceiling: mapping.ceiling,
    anchor: mapping.anchor,
    starts: mapping.starts,
    fit: mapping.options as FitOptions,
    filters: mapping.filters,
  };
  let tl = input.targets;
  if (step.targets === "holdout") {
    // Fit once without targets to learn which runs the steps use.
    const r: PredictChainResult = predictChain(input.ladder, [], {
      lossMetric,
      downstreamMetric: metric,
      conventions: step.conventions,
      step1,
      step2,
      resamples: 0,
    });
    tl = holdoutLadder(input, new Set([...r.data.step1.runs, ...r.data.step2.runs]));
  }
  const t = targetRows(tl, metric, null, "linear", step.compute, [lossMetric]);
  const chain = predictChain(
    input.ladder,
    t.run.map((id, i) => ({ N: t.N[i], D: t.D[i], label: id })),
    {
      lossMetric,
      downstreamMetric: metric,
      conventions: step.conventions,
      step1,
      step2,
      resamples: input.resamples,
      seed: input.seed,
      level,
      refitFrom: step.bootstrap?.refitFrom ?? "estimate",
    },
  );
  warnFit(ctx, `${where}, step 1`, chain.step1);
  warnFit(ctx, `${where}, step 2`, chain.step2.fit);
  if (chain.bootstrap.failed > 0) {
    ctx.warnings.warn(
      "map.bootstrap-failed",
      `${where}: bootstrap resamples whose refits failed were left out`,
      chain.bootstrap.failed,
    );
  }
  const law1 = chain.step1Law;
  const p1 = paramValues(law1, chain.step1);
  const p2 = Float64Array.from(law2.params, (s) => chain.step2.params[s.name]);
  const fraction = isFraction(input.ladder, metric);

  // Residuals of both steps for prediction intervals.
  const space1 = loss.options.space ?? "log";
  const space2 = (mapping.options.space ?? "linear") as "log" | "linear";
  const inputs1 = law1.inputs.map((sp) =>
    stepInput(sp.name, chain.data.step1.N, chain.data.step1.D)
  );
  const res1 = residuals(chain.data.step1.loss, predictOne(law1, inputs1, p1), space1);
  const fitted2 = predictOne(law2, [chain.data.step2.loss], p2);
  const res2 = residuals(chain.data.step2.value, fitted2, space2);
  const g = rng(substream(input.seed, 0x51ab));
  const map2 = (L: number) => predictOne(law2, [Float64Array.of(L)], p2)[0];

  const taken = new Set<string>();
  const rows: Record<string, DownstreamTarget> = {};
  const figTargets: MapFigureData["targets"] = [];
  chain.predictions.forEach((pr, i) => {
    const lossDraws = chain.bootstrap.lossDraws[i], valueDraws = chain.bootstrap.valueDraws[i];
    const lossPI = new Float64Array(lossDraws.length), valuePI = new Float64Array(lossDraws.length);
    for (let k = 0; k < lossDraws.length; k++) {
      const L = addNoise(lossDraws[k], res1, space1, g.next());
      lossPI[k] = L;
      valuePI[k] = clampFraction(
        addNoise(valueDraws[k] + map2(L) - map2(lossDraws[k]), res2, space2, g.next()),
        fraction,
      );
    }
    const lossCheck = check(
      t.extra[0][i],
      pr.loss,
      pr.lossInterval ?? null,
      intervalOf(lossPI, level),
      false,
    );
    const valueCheck = check(
      t.y[i],
      pr.value,
      pr.valueInterval ?? null,
      intervalOf(valuePI, level),
      fraction,
    );
    rows[targetKey(t.run[i], taken)] = {
      run: t.run[i],
      N: t.N[i],
      D: t.D[i],
      C: Number.isFinite(t.C[i]) ? t.C[i] : null,
      x: Number.isFinite(t.extra[0][i]) ? t.extra[0][i] : null,
      loss: lossCheck,
      value: valueCheck,
    };
    figTargets.push({
      label: t.run[i],
      N: t.N[i],
      D: t.D[i],
      x: Number.isFinite(t.extra[0][i]) ? t.extra[0][i] : null,
      loss: lossCheck,
      value: valueCheck,
    });
  });

  // The mapping's band along the loss (step 2 refitted over runs).
  const anchorCount = chain.step2.anchor ? 1 : 0;
  const { slots, runs } = slotsOf(chain.data.step2.runs, anchorCount);
  const xs = chain.data.step2.loss;
  const allX = [...xs, ...figTargets.flatMap((f) => [f.x ?? NaN, f.loss?.predicted ?? NaN])]
    .filter(Number.isFinite);
  const curveX = linspace(Math.min(...allX), Math.max(...allX), 80);
  const curve: NonNullable<MapFigureData["curve"]> = {
    x: curveX,
    y: predictOne(law2, [curveX], p2),
  };
  if (input.resamples > 0) {
    const band = refitOverRuns(
      law2,
      { inputs: { [law2.inputs[0].name]: chain.step2.x }, y: chain.step2.y },
      slots,
      runs,
      {
        fit: { ...chain.step2.options, starts: [chain.step2.params] },
        resamples: input.resamples,
        seed: substream(input.seed, 0xba2d),
        nFree: chain.step2.fit.nFree,
      },
    );
    Object.assign(curve, bandOf(law2, curveX, band.draws, level));
  }
  const trainFit = fitted2;
  const testQ = fitQuality(t.y, chain.predictions.map((p) => p.value));
  return {
    mapping: {
      group: input.group,
      metric,
      x: lossMetric,
      xScale: "linear",
      chance: chance?.value ?? null,
      chanceOrigin: chance?.origin ?? null,
      loss: fitSummaryOf(law1, chain.step1, new Set(chain.data.step1.runs).size),
      mapping: fitSummaryOf(law2, chain.step2.fit, new Set(chain.data.step2.runs).size),
      anchor: chain.step2.anchor ?? null,
      train: fitQuality(chain.data.step2.value, trainFit),
      test: testQ,
      bootstrap: input.resamples > 0
        ? {
          resamples: input.resamples,
          succeeded: chain.bootstrap.succeeded,
          failed: chain.bootstrap.failed,
        }
        : null,
      targets: rows,
    },
    figure: {
      group: input.group,
      metric,
      x: lossMetric,
      xScale: "linear",
      chance: chance?.value ?? null,
      train: { x: chain.data.step2.loss, y: chain.data.step2.value, runs: chain.data.step2.runs },
      curve,
      lossFit: {
        law: law1,
        params: p1,
        N: chain.data.step1.N,
        D: chain.data.step1.D,
        y: chain.data.step1.loss,
        metric: lossMetric,
      },
      targets: figTargets,
    },
  };
}

function stepInput(name: string, N: Float64Array, D: Float64Array): Float64Array {
  if (name === "N") return N;
  if (name === "D") return D;
  if (name === "C") return N.map((n, i) => 6 * n * D[i]);
  return N.map((n, i) => D[i] / n);
}

function bandOf(
  law: Law,
  xs: Float64Array,
  draws: Float64Array[],
  level: number,
): { lower?: Float64Array; upper?: Float64Array } {
  if (draws.length < 2) return {};
  const cols = draws.map((p) => predictOne(law, [xs], p));
  const lower = new Float64Array(xs.length), upper = new Float64Array(xs.length);
  for (let j = 0; j < xs.length; j++) {
    const iv = intervalOf(cols.map((c) => c[j]), level);
    lower[j] = iv ? iv[0] : NaN;
    upper[j] = iv ? iv[1] : NaN;
  }
  return { lower, upper };
}

// -- loss only --------------------------------------------------------------------------------

const CONVENTION_STEP1: Record<MapStep["conventions"], (m: string) => FilterSpec[]> = {
  final: () => [{ kind: "final" }],
  ladder: (m) => [{ kind: "movingAverage", width: 5, metrics: [m] }, { kind: "final" }],
  none: () => [],
};

function runLossOnly(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const loss = step.loss!;
  const metric = loss.metric!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, metric, input.what);
  const law = getLaw(loss.law);
  const f = applyFilters(input.ladder, [
    ...loss.filters,
    ...CONVENTION_STEP1[step.conventions](metric),
  ], {
    metric,
  });
  const p = metricPoints(f.ladder, metric, step.compute);
  const keep: number[] = [];
  for (let i = 0; i < p.y.length; i++) if (Number.isFinite(p.y[i])) keep.push(i);
  if (keep.length === 0) {
    throw new RangeError(
      `Cannot ${input.what}: no finite ${JSON.stringify(metric)} values are left for step 1`,
    );
  }
  const N = Float64Array.from(keep, (i) => p.N[i]), D = Float64Array.from(keep, (i) => p.D[i]);
  const y = Float64Array.from(keep, (i) => p.y[i]);
  const runIds = keep.map((i) => f.ladder.runs[p.run[i]].id);
  const cols: Record<string, Float64Array> = {};
  for (const s of law.inputs) cols[s.name] = stepInput(s.name, N, D);
  const fitOptions = fitOptionsOf(loss.options, input.seed);
  const fit = fitSync(law, { inputs: cols, y }, fitOptions);
  warnFit(ctx, where, fit);
  const params = paramValues(law, fit);
  const fitted = predictOne(law, law.inputs.map((s) => cols[s.name]), params);
  const space = loss.options.space ?? "log";
  const res = residuals(y, fitted, space);

  const tl = step.targets === "holdout" ? holdoutLadder(input, new Set(runIds)) : input.targets;
  const t = targetRows(tl, metric, null, "linear", step.compute);
  const tInputs = law.inputs.map((s) => stepInput(s.name, t.N, t.D));
  const pred = predictOne(law, tInputs, params);
  let draws: Float64Array[] = [], failed = 0;
  if (input.resamples > 0) {
    const { slots, runs } = slotsOf(runIds, 0);
    const start = step.bootstrap?.refitFrom === "starts"
      ? (loss.options.starts ?? "default")
      : [Object.fromEntries(law.params.map((s, i) => [s.name, params[i]]))];
    ({ draws, failed } = refitOverRuns(law, { inputs: cols, y }, slots, runs, {
      fit: { ...fitOptions, starts: start },
      resamples: input.resamples,
      seed: input.seed,
      nFree: fit.nFree,
    }));
    if (failed > 0) {
      ctx.warnings.warn(
        "map.bootstrap-failed",
        `${where}: bootstrap refits that failed were left out`,
        failed,
      );
    }
  }
  const drawPreds = draws.map((d) => predictOne(law, tInputs, d));
  const g = rng(substream(input.seed, 0x51ab));
  const taken = new Set<string>();
  const rows: Record<string, DownstreamTarget> = {};
  const figTargets: MapFigureData["targets"] = [];
  t.run.forEach((run, i) => {
    const col = drawPreds.map((c) => c[i]);
    const noisy = col.map((v) => addNoise(v, res, space, g.next()));
    const c = check(t.y[i], pred[i], intervalOf(col, level), intervalOf(noisy, level), false);
    rows[targetKey(run, taken)] = {
      run,
      N: t.N[i],
      D: t.D[i],
      C: Number.isFinite(t.C[i]) ? t.C[i] : null,
      x: null,
      loss: c,
      value: null,
    };
    figTargets.push({ label: run, N: t.N[i], D: t.D[i], x: null, loss: c, value: null });
  });
  return {
    mapping: {
      group: input.group,
      metric,
      x: null,
      xScale: "linear",
      chance: null,
      chanceOrigin: null,
      loss: fitSummaryOf(law, fit, new Set(runIds).size),
      mapping: null,
      anchor: null,
      train: fitQuality(y, fitted),
      test: fitQuality(t.y, pred),
      bootstrap: input.resamples > 0
        ? { resamples: input.resamples, succeeded: draws.length, failed }
        : null,
      targets: rows,
    },
    figure: {
      group: input.group,
      metric,
      x: null,
      xScale: "linear",
      chance: null,
      lossFit: { law, params, N, D, y, metric },
      targets: figTargets,
    },
  };
}

// -- mapping only -----------------------------------------------------------------------------

function runMappingOnly(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const mapping = step.mapping!, d = input.metric!;
  const metric = derivedName(d);
  const xName = (d.x ?? mapping.x)!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, metric, input.what);
  const law = getLaw(mapping.law);
  const chance = mappingChance(input, law);
  const conv: FilterSpec[] = step.conventions === "final"
    ? [{ kind: "final" }]
    : step.conventions === "ladder"
    ? [
      { kind: "skipFraction", fraction: 0.1 },
      {
        kind: "movingAverage",
        width: 5,
        metrics: STEP1_INPUTS.includes(xName) ? [metric] : [xName, metric],
      },
    ]
    : [];
  const f = applyFilters(input.ladder, [...mapping.filters, ...conv], { metric });
  const train = targetRows(f.ladder, metric, xName, mapping.xScale, step.compute);
  if (train.y.length === 0) {
    throw new RangeError(
      `Cannot ${input.what}: no checkpoint has both ${JSON.stringify(xName)} and ` +
        `${JSON.stringify(metric)} after the mapping's filters; expected paired values`,
    );
  }
  const fm: FitMappingResult = fitMapping(train.x, train.y, {
    law,
    ...(chance ? { chance: chance.value } : {}),
    ceiling: mapping.ceiling,
    anchor: mapping.anchor,
    starts: mapping.starts,
    fit: { ...(mapping.options as FitOptions), seed: input.seed },
  });
  warnFit(ctx, where, fm.fit);
  const p = Float64Array.from(law.params, (s) => fm.params[s.name]);
  const fitted = predictOne(law, [train.x], p);
  const space = (mapping.options.space ?? "linear") as "log" | "linear";
  const res = residuals(train.y, fitted, space);

  const tl = step.targets === "holdout" ? holdoutLadder(input, new Set(train.run)) : input.targets;
  const t = targetRows(tl, metric, xName, mapping.xScale, step.compute);
  const pred = predictOne(law, [t.x], p);
  const anchorCount = fm.anchor ? 1 : 0;
  const { slots, runs } = slotsOf(train.run, anchorCount);
  let draws: Float64Array[] = [], failed = 0;
  if (input.resamples > 0) {
    const start = step.bootstrap?.refitFrom === "starts" ? fm.options.starts : [fm.params];
    ({ draws, failed } = refitOverRuns(
      law,
      { inputs: { [law.inputs[0].name]: fm.x }, y: fm.y },
      slots,
      runs,
      {
        fit: { ...fm.options, starts: start },
        resamples: input.resamples,
        seed: input.seed,
        nFree: fm.fit.nFree,
      },
    ));
    if (failed > 0) {
      ctx.warnings.warn(
        "map.bootstrap-failed",
        `${where}: bootstrap refits that failed were left out`,
        failed,
      );
    }
  }
  const drawPreds = draws.map((dp) => predictOne(law, [t.x], dp));
  const fraction = isFraction(input.ladder, metric);
  const g = rng(substream(input.seed, 0x51ab));
  const taken = new Set<string>();
  const rows: Record<string, DownstreamTarget> = {};
  const figTargets: MapFigureData["targets"] = [];
  t.run.forEach((run, i) => {
    const col = drawPreds.map((c) => c[i]);
    const noisy = col.map((v) => clampFraction(addNoise(v, res, space, g.next()), fraction));
    const c = check(t.y[i], pred[i], intervalOf(col, level), intervalOf(noisy, level), fraction);
    rows[targetKey(run, taken)] = {
      run,
      N: t.N[i],
      D: t.D[i],
      C: Number.isFinite(t.C[i]) ? t.C[i] : null,
      x: t.x[i],
      loss: null,
      value: c,
    };
    figTargets.push({ label: run, N: t.N[i], D: t.D[i], x: t.x[i], loss: null, value: c });
  });
  const allX = [...train.x, ...t.x].filter(Number.isFinite);
  const curveX = linspace(Math.min(...allX), Math.max(...allX), 80);
  const curve: NonNullable<MapFigureData["curve"]> = {
    x: curveX,
    y: predictOne(law, [curveX], p),
    ...bandOf(law, curveX, draws, level),
  };
  return {
    mapping: {
      group: input.group,
      metric,
      x: xName,
      xScale: mapping.xScale,
      chance: chance?.value ?? null,
      chanceOrigin: chance?.origin ?? null,
      loss: null,
      mapping: fitSummaryOf(law, fm.fit, runs),
      anchor: fm.anchor ?? null,
      train: fitQuality(train.y, fitted),
      test: fitQuality(t.y, pred),
      bootstrap: input.resamples > 0
        ? { resamples: input.resamples, succeeded: draws.length, failed }
        : null,
      targets: rows,
    },
    figure: {
      group: input.group,
      metric,
      x: xName,
      xScale: mapping.xScale,
      chance: chance?.value ?? null,
      train: { x: train.x, y: train.y, runs: train.run },
      curve,
      targets: figTargets,
    },
  };
}

/**
 * The `downstream` section of the results document: each map step's summary, by id.
 *
 * @param ctx The pipeline's state.
 * @returns Summaries by step id (empty without map steps).
 */
export function downstreamResults(ctx: PipelineContext): Record<string, DownstreamSummary> {
  return Object.fromEntries([...ctx.downstream].map(([k, v]) => [k, v.summary]));
}
