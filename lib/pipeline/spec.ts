/**
 * The declarative pipeline spec: data only (JSON-compatible), a list of steps discriminated by
 * `step`, parsed with {@link parsePipelineSpec} into a typed value with defaults applied. Every
 * problem (unknown keys with a did-you-mean, wrong enumeration values, bad law expressions,
 * references to fits no earlier step defines, malformed result paths) is reported at once, each
 * with its JSON path, in one {@link SpecError}; nothing runs until the whole spec parses.
 *
 * Steps, in the order a pipeline usually has them:
 * - `load`: a catalog dataset (`dataset`, `table?`, `fallback?`), a file (`file`, `mapping`,
 *   `runsFile?`) or a synthetic ladder (`synthetic`);
 * - `filter`: checkpoint filters (`filters`, see lib/data/filter.ts);
 * - `fit`: a law fitted to a metric (`id`, `law`, `metric`, `x?`, `compute?`, `options?`,
 *   `bootstrap?`);
 * - `allocation`: compute-optimal N and D from a fit (Approach 3), with bootstrap bands;
 * - `isoflop`: IsoFLOP profiles (Approach 2);
 * - `evaluate`: predicted against actual values at held-out points;
 * - `compare`: our results against published values, by result path;
 * - `report`: which figures the report shows.
 *
 * @example A small pipeline spec
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineSpec } from "./spec.ts";
 * const spec = parsePipelineSpec({
 *   name: "demo",
 *   steps: [
 *     { step: "load", synthetic: { sizes: [1e7, 1e8], seeds: 1 } },
 *     { step: "filter", filters: [{ kind: "final" }] },
 *     { step: "fit", id: "main", law: "chinchilla", metric: "loss" },
 *     { step: "compare", published: [{ quantity: "fits.main.params.E", value: 1.82, source: "truth" }] },
 *   ],
 * });
 * assert.equal(spec.seed, 0);
 * assert.equal(spec.title, "demo");
 * const fit = spec.steps[2];
 * assert.ok(fit.step === "fit" && fit.compute === "6ND");
 * ```
 *
 * @module
 */

import type { ColumnMapping, ComputeMode, MetricKind } from "../data/schema.ts";
import type { FilterSpec } from "../data/filter.ts";
import type { RunFieldValues } from "../data/run_fields.ts";
import type { ChinchillaParams, SyntheticOptions, SyntheticTask } from "../data/synthetic.ts";
import type { LossKind, ParamOptions, StartsOption } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import {
  array,
  boolean,
  describeValue,
  enumOf,
  indexPath,
  integer,
  INVALID,
  isPlainObject,
  Issues,
  keyPath,
  lazy,
  literal,
  number,
  object,
  oneOf,
  optional,
  parseWith,
  record,
  refine,
  type Schema,
  SpecError,
  string,
  union,
} from "./validate.ts";
import { type MapStep, type MapStepConfig, mapStepSchema } from "./steps_downstream_spec.ts";
import { fitStepLaw, idSchema, lawOrUndefined } from "./_spec_parts.ts";
import {
  type BacktestStepConfigs,
  type BacktestSteps,
  backtestStepSchemas,
} from "./steps_backtest_spec.ts";
import {
  type AllocationModel,
  allocationModelsSchema,
  allocationRatioSchema,
  type AllocationReference,
  allocationReferencesSchema,
} from "./allocation_figure.ts";

// ---------------------------------------------------------------------------------------------
// Types

/** Make the keys `K` of `T` required (fields that have defaults once parsed). */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;

/** Load a table of the dataset catalog (data/catalog.ts). */
export interface CatalogLoadStepConfig {
  step: "load";
  /** Catalog dataset name, e.g. `"chinchilla-epoch"`. */
  dataset: string;
  /** Table of the dataset. @default the dataset's first table */
  table?: string;
  /**
   * What to do when the dataset's files cannot be found (no mirror, no cache, no network):
   * fail, or use the synthetic ladder (with `synthetic` options) and say so prominently in the
   * report and on the console. @default "none"
   */
  fallback?: "none" | "synthetic";
  /** Options of the synthetic ladder used as a fallback. @default the synthetic defaults */
  synthetic?: SyntheticOptions;
  /**
   * Numeric fields joined onto runs by id, e.g. mixture proportions the table lacks:
   * `{ "<run id>": { "c4_share": 0.9 } }`. A fit reads them as run fields (`x: { r1:
   * "c4_share" }`). Not allowed with `fallback: "synthetic"`. @default none
   */
  runFields?: RunFieldValues;
}

/** Load a CSV/JSON file with a column mapping. */
export interface FileLoadStepConfig {
  step: "load";
  /** Path of the main table, relative to the working directory. */
  file: string;
  /** How the file's columns map to runs, checkpoints and metrics. */
  mapping: ColumnMapping;
  /** Per-run table joined on the mapping's `run` columns. */
  runsFile?: string;
  /** Numeric fields joined onto runs by id (as for a catalog load). @default none */
  runFields?: RunFieldValues;
}

/** Generate a seeded synthetic ladder from a known law (lib/data/synthetic.ts). */
export interface SyntheticLoadStepConfig {
  step: "load";
  /** Generator options; `seed` defaults to the pipeline's seed. */
  synthetic: SyntheticOptions;
}

/** A `load` step: catalog, file or synthetic. */
export type LoadStepConfig = CatalogLoadStepConfig | FileLoadStepConfig | SyntheticLoadStepConfig;

/** Apply checkpoint filters, in order, to the current ladder. */
export interface FilterStepConfig {
  step: "filter";
  /** The filters (see lib/data/filter.ts for each kind). */
  filters: FilterSpec[];
  /** Metric used by filters that need one and name none (`dropHighest`). @default "loss" */
  metric?: string;
}

/** The subset of the fitter's options a spec may set (see lib/fit/types.ts for defaults). */
export interface FitStepOptions {
  /** Loss on residuals. @default "huber" (the fitter's default) */
  loss?: LossKind;
  /** Huber delta. @default 1e-3 */
  huberDelta?: number;
  /** Residuals in log or linear space. @default "log" */
  space?: "log" | "linear";
  /** Start strategy: "default", "grid" (the law's full grid), a count, or explicit starts. */
  starts?: StartsOption;
  /** Per-parameter overrides (start, grid, bounds, fixed, tie, scale), by parameter name. */
  params?: Record<string, ParamOptions>;
  /** Local optimiser. @default "lbfgsb" */
  optimizer?: "lbfgsb" | "lm";
  /** Maximum iterations per start. @default 1000 */
  maxIterations?: number;
}

/** Bootstrap a fit's parameters. */
export interface BootstrapStepConfig {
  /** Number of resamples (Epoch: 4000). */
  resamples: number;
  /** Seed of the resampling. @default the pipeline's seed */
  seed?: number;
  /** Resample points, or whole runs (all checkpoints of a run together). @default "point" */
  by?: "point" | "run";
  /** Level of the percentile intervals. @default 0.95 */
  level?: number;
}

/** Fit a law to a metric of the current ladder. */
export interface FitStepConfig {
  step: "fit";
  /** Name of the fit, used by later steps and result paths (`fits.<id>.params.E`). */
  id: string;
  /** Registered law name (`"chinchilla"`) or an expression (`"E + A/N^alpha + B/D^beta"`). */
  law: string;
  /** The metric fitted (the law's output). */
  metric: string;
  /**
   * Law input → data column: `"N"` (parameters), `"D"` (tokens), `"C"` (compute), `"M"`
   * (tokens per parameter), `"step"`, `"paramsNonEmbedding"`, a numeric run field, or another
   * metric observed at the same checkpoints. @default inputs N, D, C, M map to themselves
   */
  x?: Record<string, string>;
  /** How compute C is obtained. @default "6ND" */
  compute?: ComputeMode;
  /** Fitter options. @default {} (the fitter's defaults) */
  options?: FitStepOptions;
  /** Bootstrap the fit. @default no bootstrap */
  bootstrap?: BootstrapStepConfig;
}

/** Compute budgets: a list, or a log-spaced range with `perDecade` points per decade. */
export type ComputeGrid = number[] | { from: number; to: number; perDecade: number };

/** Compute-optimal allocation from a fitted law (Hoffmann's Approach 3 closed form). */
export interface AllocationStepConfig {
  step: "allocation";
  /** Name of the result (`allocation.tokensPerParam@5.88e23`). @default "allocation" */
  id?: string;
  /** Id of an earlier fit step. */
  fit: string;
  /**
   * Compute budgets (FLOPs) of the table. Budgets named by comparisons (`@5.88e23`) are added.
   * @default one per decade from 1e18 to 1e26
   */
  compute?: ComputeGrid;
  /** Level of the bands from the fit's bootstrap (Epoch: 80%). @default 0.8 */
  level?: number;
  /** Published allocations drawn dashed in the figure (e.g. Hoffmann et al.'s parameters). */
  references?: AllocationReference[];
  /** Trained models marked in the figure (e.g. Chinchilla 70B at 5.88e23 FLOPs). */
  models?: AllocationModel[];
  /** Constant tokens-per-parameter rule drawn in the figure; null for none. @default 20 */
  ratio?: number | null;
}

/** IsoFLOP analysis (Hoffmann's Approach 2): per-budget profiles of the metric against N. */
export interface IsoflopStepConfig {
  step: "isoflop";
  /** Name of the result. @default "isoflop" */
  id?: string;
  /** The metric. @default "loss" */
  metric?: string;
  /** Profile fitted per budget: a parabola in log N, or an Akima spline. @default "parabola" */
  method?: "parabola" | "akima";
  /**
   * Budgets (FLOPs): keep only points within `tolerance` of one of them, assigned to it.
   * @default budgets detected from the data's compute values
   */
  budgets?: number[];
  /**
   * Points whose compute lies within this relative distance of a budget belong to it (digitised
   * or logged FLOPs are rarely exact). @default 0.2
   */
  tolerance?: number;
  /** Fit the profiles to ln(metric) instead of the metric (Porian et al.). @default false */
  logLoss?: boolean;
  /** How compute is obtained. @default "given" */
  compute?: ComputeMode;
  /** Budgets at which to report the fitted N_opt, D_opt and tokens per parameter. */
  at?: number[];
}

/** Rows selected by filters, applied to the ladder as loaded. */
export interface TargetFilters {
  filters: FilterSpec[];
}

/** Predicted against actual values at target points. */
export interface EvaluateStepConfig {
  step: "evaluate";
  /** Name of the result. @default "evaluate-<fit>" */
  id?: string;
  /** Id of an earlier fit step. */
  fit: string;
  /**
   * Target points: `"holdout"` (the observations of the loaded ladder that the filter steps
   * removed), or `{ filters }` applied to the ladder as loaded.
   */
  targets: "holdout" | TargetFilters;
}

/** A published number to compare with ours. */
export interface PublishedValue {
  /**
   * Result path: `fits.<id>.params.<name>` (value), `fits.<id>.params.<name>.ci` (interval),
   * `fits.<id>.objective`, `<allocation id>.tokensPerParam@<C>`, `<allocation id>.a`, ...
   */
  quantity: string;
  /** The published value, or interval `[low, high]`. */
  value: number | [number, number];
  /** Where it was published (paper, table, notebook). */
  source: string;
  /**
   * Largest absolute difference judged as agreement, or `"interval"`: agreement when the
   * published value lies in our interval (the bootstrap CI of a parameter, the band of an
   * allocation), read from `<quantity>.ci` or `<quantity>.band`.
   */
  tolerance?: number | "interval";
  /** Largest relative difference judged as agreement. */
  relativeTolerance?: number;
}

/** Compare results with published values. */
export interface CompareStepConfig {
  step: "compare";
  published: PublishedValue[];
}

/** Figure kinds a report can show. */
export const FIGURE_KINDS = [
  "data",
  "fit",
  "residuals",
  "bootstrap",
  "allocation",
  "isoflop",
  "evaluate",
  "downstream",
  "backtest",
] as const;

/** A figure kind. */
export type FigureKind = typeof FIGURE_KINDS[number];

/** Configure the report. */
export interface ReportStepConfig {
  step: "report";
  /** Figure kinds to draw (one figure per applicable result). @default all kinds */
  figures?: FigureKind[];
}

/** Any step, as written. */
export type StepConfig =
  | LoadStepConfig
  | FilterStepConfig
  | FitStepConfig
  | AllocationStepConfig
  | IsoflopStepConfig
  | EvaluateStepConfig
  | CompareStepConfig
  | ReportStepConfig
  | MapStepConfig
  | BacktestStepConfigs;

/** A pipeline, as written (JSON or a typed constant). */
export interface PipelineSpec {
  /** Report folder name (`reports/<name>/`): letters, digits, ".", "_", "-". */
  name: string;
  /** Report title. @default the name */
  title?: string;
  description?: string;
  /** Seed of everything random unless a step sets its own. @default 0 */
  seed?: number;
  steps: StepConfig[];
}

/** A parsed catalog load step. */
export type CatalogLoadStep = WithDefaults<CatalogLoadStepConfig, "fallback">;
/** A parsed load step. */
export type LoadStep = CatalogLoadStep | FileLoadStepConfig | SyntheticLoadStepConfig;
/** A parsed filter step. */
export type FilterStep = WithDefaults<FilterStepConfig, "metric">;
/** A parsed bootstrap config. */
export type BootstrapStep = WithDefaults<BootstrapStepConfig, "by" | "level">;
/** A parsed fit step. */
export type FitStep =
  & WithDefaults<Omit<FitStepConfig, "bootstrap">, "compute" | "options">
  & { bootstrap?: BootstrapStep };
/** A parsed allocation step. */
export type AllocationStep = WithDefaults<
  AllocationStepConfig,
  "id" | "compute" | "level" | "ratio"
>;
/** A parsed IsoFLOP step. */
export type IsoflopStep = WithDefaults<
  IsoflopStepConfig,
  "id" | "metric" | "method" | "compute" | "tolerance" | "logLoss"
>;
/** A parsed evaluate step. */
export type EvaluateStep = WithDefaults<EvaluateStepConfig, "id">;
/** A parsed compare step. */
export type CompareStep = CompareStepConfig;
/** A parsed report step. */
export type ReportStep = WithDefaults<ReportStepConfig, "figures">;

/** Any parsed step. */
export type Step =
  | LoadStep
  | FilterStep
  | FitStep
  | AllocationStep
  | IsoflopStep
  | EvaluateStep
  | CompareStep
  | ReportStep
  | MapStep
  | BacktestSteps;

/** A parsed pipeline spec: defaults applied, every reference checked. */
export interface ParsedPipelineSpec {
  name: string;
  title: string;
  description?: string;
  seed: number;
  steps: Step[];
}

// ---------------------------------------------------------------------------------------------
// Schemas of shared pieces

const positive = () => number({ greaterThan: 0 });
const computeMode = () => enumOf<ComputeMode>(["given", "6ND", "6NnD"]);
const stringOrList = () =>
  oneOf<string | string[]>("a column name or a list of names", [
    { when: (v) => typeof v === "string", schema: string() },
    { when: Array.isArray, schema: array(string(), { minLength: 1 }) },
  ]);

const METRIC_KINDS: MetricKind[] = [
  "loss",
  "perplexity",
  "bits_per_byte",
  "accuracy",
  "error",
  "percent",
  "other",
];

/** Schema of a {@link ColumnMapping}. */
export const columnMappingSchema: Schema<ColumnMapping> = object<ColumnMapping>({
  run: optional(stringOrList()),
  family: optional(stringOrList()),
  seed: optional(string()),
  params: string(),
  paramsNonEmbedding: optional(string()),
  dataset: optional(string()),
  step: optional(string()),
  tokens: optional(string()),
  flops: optional(string()),
  metrics: optional(array(string(), { minLength: 1 })),
  metric: optional(stringOrList()),
  value: optional(string()),
  fields: optional(array(string())),
  scale: optional(object<NonNullable<ColumnMapping["scale"]>>({
    params: optional(positive()),
    paramsNonEmbedding: optional(positive()),
    tokens: optional(positive()),
    flops: optional(positive()),
  })),
  metricKinds: optional(record(enumOf(METRIC_KINDS))),
  where: optional(record(stringOrList())),
  drop: optional(array(enumOf(["missing", "zero-tokens"] as const))),
  onDuplicate: optional(enumOf(["error", "mean", "first", "last"] as const)),
});

/** Schema of the synthetic ladder's options. */
export const syntheticOptionsSchema: Schema<SyntheticOptions> = object<SyntheticOptions>({
  seed: optional(integer()),
  law: optional(object<ChinchillaParams>({
    E: positive(),
    A: positive(),
    B: positive(),
    alpha: positive(),
    beta: positive(),
  })),
  sizes: optional(array(positive(), { minLength: 1 })),
  tokenMultipliers: optional(array(positive(), { minLength: 1 })),
  seeds: optional(integer({ min: 1 })),
  noise: optional(number({ min: 0 })),
  runNoise: optional(number({ min: 0 })),
  checkpoints: optional(integer({ min: 1 })),
  batchTokens: optional(positive()),
  finalLrFraction: optional(number({ min: 0, lessThan: 1 })),
  annealGap: optional(number({ min: 0 })),
  tasks: optional(array(object<SyntheticTask>({
    name: string(),
    chance: number({ min: 0, lessThan: 1 }),
    ceilingGap: number({ min: 0, lessThan: 1 }),
    slope: number(),
    midpoint: number(),
    items: positive(),
  }))),
  vocabSize: optional(positive()),
  family: optional(string()),
  dataset: optional(string()),
});

type Kind<K extends FilterSpec["kind"]> = Extract<FilterSpec, { kind: K }>;
const by = () => optional(enumOf(["count", "tokens"] as const));

/** Schema of one checkpoint filter (lib/data/filter.ts), discriminated by `kind`. */
export const filterSchema: Schema<FilterSpec> = union<FilterSpec>("kind", {
  final: object<Kind<"final">>({ kind: literal("final") }),
  minTokens: object<Kind<"minTokens">>({
    kind: literal("minTokens"),
    tokens: number({ min: 0 }),
  }),
  maxTokens: object<Kind<"maxTokens">>({
    kind: literal("maxTokens"),
    tokens: number({ min: 0 }),
  }),
  skipFraction: object<Kind<"skipFraction">>({
    kind: literal("skipFraction"),
    fraction: number({ min: 0, max: 1 }),
    by: by(),
  }),
  lastFraction: object<Kind<"lastFraction">>({
    kind: literal("lastFraction"),
    fraction: number({ min: 0, max: 1 }),
    by: by(),
  }),
  everyK: object<Kind<"everyK">>({ kind: literal("everyK"), k: integer({ min: 1 }) }),
  movingAverage: object<Kind<"movingAverage">>({
    kind: literal("movingAverage"),
    width: integer({ min: 1 }),
    metrics: optional(array(string(), { minLength: 1 })),
    dropPartial: optional(boolean()),
  }),
  seedAverage: object<Kind<"seedAverage">>({
    kind: literal("seedAverage"),
    match: optional(enumOf(["auto", "step", "tokens"] as const)),
  }),
  dropHighest: object<Kind<"dropHighest">>({
    kind: literal("dropHighest"),
    count: integer({ min: 0 }),
    metric: optional(string()),
  }),
  runs: object<Kind<"runs">>({
    kind: literal("runs"),
    families: optional(array(string())),
    ids: optional(array(string())),
    smallest: optional(integer({ min: 0 })),
    largest: optional(integer({ min: 0 })),
    sizeRanks: optional(array(integer({ min: 0 }))),
    minCompute: optional(number({ min: 0 })),
    maxCompute: optional(number({ min: 0 })),
    compute: optional(computeMode()),
  }),
  atCompute: object<Kind<"atCompute">>({
    kind: literal("atCompute"),
    budgets: array(positive(), { minLength: 1 }),
    compute: optional(computeMode()),
    tolerance: optional(number({ min: 0 })),
  }),
});

const paramOptionsSchema = object<ParamOptions>({
  start: optional(number()),
  grid: optional(array(number(), { minLength: 1 })),
  min: optional(number()),
  max: optional(number()),
  fixed: optional(number()),
  tie: optional(string()),
  scale: optional(enumOf(["linear", "log"] as const)),
});

const startsSchema = oneOf<StartsOption>(
  `"default", "grid", a number of random starts, or a list of start records`,
  [
    { when: (v) => typeof v === "string", schema: enumOf(["default", "grid"] as const) },
    { when: (v) => typeof v === "number", schema: integer({ min: 1 }) },
    { when: Array.isArray, schema: array(record(number()), { minLength: 1 }) },
  ],
);

/** Schema of a fit step's options (also used by the map step). */
export const fitOptionsSchema: Schema<FitStepOptions> = object<FitStepOptions>({
  loss: optional(enumOf<LossKind>(["huber", "squared", "absolute"])),
  huberDelta: optional(positive()),
  space: optional(enumOf(["log", "linear"] as const)),
  starts: optional(startsSchema),
  params: optional(record(paramOptionsSchema)),
  optimizer: optional(enumOf(["lbfgsb", "lm"] as const)),
  maxIterations: optional(integer({ min: 1 })),
});

/** A law name or expression, checked by compiling it (lib/laws/registry.ts). */
export const lawSchema: Schema<string> = refine(string(), (text) => {
  try {
    getLaw(text);
    return undefined;
  } catch (e) {
    return `is ${JSON.stringify(text)}: ${(e as Error).message}`;
  }
}, "a law name or expression");

// ---------------------------------------------------------------------------------------------
// Step schemas

/** Numeric fields by run id, finite values only. */
const runFieldsSchema: Schema<RunFieldValues> = record(record(number()));

const catalogLoadSchema = object<CatalogLoadStep>({
  step: literal("load"),
  dataset: string(),
  table: optional(string()),
  fallback: optional(enumOf(["none", "synthetic"] as const), "none"),
  synthetic: optional(syntheticOptionsSchema),
  runFields: optional(runFieldsSchema),
}, {
  check(load, path, issues) {
    if (load.runFields !== undefined && load.fallback === "synthetic") {
      issues.add(
        `${path}.runFields`,
        "cannot be joined onto the synthetic fallback, whose runs have other ids; expected " +
          'runFields or fallback "synthetic", not both',
      );
    }
  },
});

const fileLoadSchema = object<FileLoadStepConfig>({
  step: literal("load"),
  file: string(),
  mapping: columnMappingSchema,
  runsFile: optional(string()),
  runFields: optional(runFieldsSchema),
});

const syntheticLoadSchema = object<SyntheticLoadStepConfig>({
  step: literal("load"),
  synthetic: syntheticOptionsSchema,
});

const loadSchema: Schema<LoadStep> = oneOf<LoadStep>(
  `a load step with "dataset", "file" or "synthetic"`,
  [
    { when: (v) => isPlainObject(v) && "dataset" in v, schema: catalogLoadSchema },
    { when: (v) => isPlainObject(v) && "file" in v, schema: fileLoadSchema },
    { when: (v) => isPlainObject(v) && "synthetic" in v, schema: syntheticLoadSchema },
  ],
);

const filterStepSchema = object<FilterStep>({
  step: literal("filter"),
  filters: array(filterSchema, { minLength: 1 }),
  metric: optional(string(), "loss"),
});

const bootstrapSchema = object<BootstrapStep>({
  resamples: integer({ min: 1 }),
  seed: optional(integer()),
  by: optional(enumOf(["point", "run"] as const), "point"),
  level: optional(number({ greaterThan: 0, lessThan: 1 }), 0.95),
});

function checkNames(
  names: string[],
  known: readonly string[],
  path: (name: string) => string,
  what: string,
  issues: Issues,
): void {
  for (const n of names) {
    if (!known.includes(n)) {
      issues.add(
        path(n),
        `is not ${what} of the law; expected one of ${
          known.map((k) => JSON.stringify(k)).join(", ")
        }`,
      );
    }
  }
}

const fitStepSchema = object<FitStep>({
  step: literal("fit"),
  id: idSchema(),
  law: lawSchema,
  metric: string(),
  x: optional(record(string())),
  compute: optional(computeMode(), "6ND"),
  options: optional(fitOptionsSchema, {}),
  bootstrap: optional(bootstrapSchema),
}, {
  check(fit, path, issues) {
    if (!lawOrUndefined(fit.law)) return;
    let law: Law;
    try {
      law = fitStepLaw(fit.law, fit.x);
    } catch (e) {
      issues.add(`${path}.x`, (e as Error).message);
      return;
    }
    const inputs = law.inputs.map((s) => s.name);
    const params = law.params.map((s) => s.name);
    checkNames(Object.keys(fit.x ?? {}), inputs, (n) => `${path}.x.${n}`, "an input", issues);
    checkNames(
      Object.keys(fit.options.params ?? {}),
      params,
      (n) => `${path}.options.params.${n}`,
      "a parameter",
      issues,
    );
  },
});

const computeGridSchema = oneOf<ComputeGrid>(
  "a list of budgets or { from, to, perDecade }",
  [
    { when: Array.isArray, schema: array(positive(), { minLength: 1 }) },
    {
      when: isPlainObject,
      schema: object<{ from: number; to: number; perDecade: number }>({
        from: positive(),
        to: positive(),
        perDecade: integer({ min: 1 }),
      }, {
        check(g, path, issues) {
          if (g.to < g.from) {
            issues.add(`${path}.to`, `is ${g.to}; expected a value >= from (${g.from})`);
          }
        },
      }),
    },
  ],
);

/** Default allocation budgets: one per decade from 1e18 to 1e26. */
export const DEFAULT_ALLOCATION_COMPUTE: ComputeGrid = { from: 1e18, to: 1e26, perDecade: 1 };

const allocationStepSchema = object<AllocationStep>({
  step: literal("allocation"),
  id: optional(idSchema(), "allocation"),
  fit: idSchema(),
  compute: optional(computeGridSchema, DEFAULT_ALLOCATION_COMPUTE),
  level: optional(number({ greaterThan: 0, lessThan: 1 }), 0.8),
  references: allocationReferencesSchema,
  models: allocationModelsSchema,
  ratio: allocationRatioSchema,
});

const isoflopStepSchema = object<IsoflopStep>({
  step: literal("isoflop"),
  id: optional(idSchema(), "isoflop"),
  metric: optional(string(), "loss"),
  method: optional(enumOf(["parabola", "akima"] as const), "parabola"),
  budgets: optional(array(positive(), { minLength: 1 })),
  tolerance: optional(number({ min: 0 }), 0.2),
  logLoss: optional(boolean(), false),
  compute: optional(computeMode(), "given"),
  at: optional(array(positive(), { minLength: 1 })),
});

const evaluateStepSchema: Schema<EvaluateStep> = {
  expected: "an evaluate step",
  parse(value, path, issues) {
    const s = object<EvaluateStep>({
      step: literal("evaluate"),
      id: optional(idSchema(), ""),
      fit: idSchema(),
      targets: oneOf<"holdout" | TargetFilters>(`"holdout" or { filters: [...] }`, [
        { when: (v) => typeof v === "string", schema: literal("holdout") },
        {
          when: isPlainObject,
          schema: object<TargetFilters>({ filters: array(filterSchema, { minLength: 1 }) }),
        },
      ]),
    });
    const r = s.parse(value, path, issues);
    if (typeof r === "object" && r.id === "") r.id = `evaluate-${r.fit}`;
    return r;
  },
};

const publishedSchema = object<PublishedValue>({
  quantity: refine(string(), (q) => {
    try {
      parseQuantity(q);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }, "a result path"),
  value: oneOf<number | [number, number]>("a number or an interval [low, high]", [
    { when: (v) => typeof v === "number", schema: number() },
    {
      when: Array.isArray,
      schema: refine(
        array(number(), { minLength: 2, maxLength: 2 }) as Schema<[number, number]>,
        (v) => (v[0] > v[1] ? `is [${v[0]}, ${v[1]}]; expected low <= high` : undefined),
      ),
    },
  ]),
  source: string(),
  tolerance: optional(oneOf<number | "interval">(`a number >= 0 or "interval"`, [
    { when: (v) => typeof v === "number", schema: number({ min: 0 }) },
    { when: (v) => typeof v === "string", schema: literal("interval") },
  ])),
  relativeTolerance: optional(number({ min: 0 })),
});

const compareStepSchema = object<CompareStep>({
  step: literal("compare"),
  published: array(publishedSchema, { minLength: 1 }),
});

const reportStepSchema = object<ReportStep>({
  step: literal("report"),
  figures: optional(array(enumOf(FIGURE_KINDS)), [...FIGURE_KINDS]),
});

/** Schema of one step, discriminated by `step`. */
export const stepSchema: Schema<Step> = union<Step>("step", {
  load: loadSchema,
  filter: filterStepSchema,
  fit: fitStepSchema,
  allocation: allocationStepSchema,
  isoflop: isoflopStepSchema,
  evaluate: evaluateStepSchema,
  compare: compareStepSchema,
  report: reportStepSchema,
  map: lazy(() => mapStepSchema, "a map step"),
  ...backtestStepSchemas(),
} as Record<string, Schema<Step>>);

// ---------------------------------------------------------------------------------------------
// Result paths

/** One segment of a result path: a key, optionally with an `@<number>` selector. */
export interface QuantitySegment {
  key: string;
  /** The number after `@` (a compute budget), when given. */
  at?: number;
}

/**
 * Parse a result path such as `fits.approach3.params.E` or `allocation.tokensPerParam@5.88e23`.
 *
 * @throws {SyntaxError} when the path is malformed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQuantity } from "./spec.ts";
 * assert.deepEqual(parseQuantity("allocation.tokensPerParam@5.88e23"), [
 *   { key: "allocation" },
 *   { key: "tokensPerParam", at: 5.88e23 },
 * ]);
 * assert.throws(() => parseQuantity("fits..E"), /expected a name at character 6/);
 * ```
 */
export function parseQuantity(text: string): QuantitySegment[] {
  const out: QuantitySegment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)(?:@([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))?/y;
  let i = 0;
  while (true) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) {
      throw new SyntaxError(
        `Cannot parse result path ${JSON.stringify(text)}: expected a name at character ${i + 1}`,
      );
    }
    out.push(m[2] === undefined ? { key: m[1] } : { key: m[1], at: Number(m[2]) });
    i = re.lastIndex;
    if (i === text.length) return out;
    if (text[i] !== ".") {
      throw new SyntaxError(
        `Cannot parse result path ${JSON.stringify(text)}: found ${
          JSON.stringify(text[i])
        } at character ${i + 1}; expected "." or the end`,
      );
    }
    i++;
  }
}

/** Result collections a path may start with. */
export const RESULT_COLLECTIONS = [
  "fits",
  "allocations",
  "isoflops",
  "evaluations",
  "data",
  "downstream",
];

/** The id a step defines, if any. */
export function stepId(step: Step): string | undefined {
  switch (step.step) {
    case "fit":
    case "allocation":
    case "isoflop":
    case "evaluate":
    case "map":
      return step.id;
    default:
      return undefined;
  }
}

/**
 * Cross-step checks over the steps that parsed (`undefined` for those that did not; `rawFitIds`
 * holds the raw id of each fit step, parsed or not, so that a broken fit step does not also make
 * every reference to it an error).
 */
function checkPipeline(
  steps: (Step | undefined)[],
  rawFitIds: (string | undefined)[],
  issues: Issues,
): void {
  const ids = new Map<string, string>(); // id → step kind
  const fits: string[] = [];
  let loaded = false;
  steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (step === undefined) {
      const raw = rawFitIds[i];
      if (raw !== undefined) {
        fits.push(raw);
        ids.set(raw, "fit");
      }
      return;
    }
    const needsData = step.step !== "load" && step.step !== "compare" && step.step !== "report";
    if (needsData && !loaded) {
      issues.add(
        `${at}.step`,
        `is "${step.step}" before any load step; expected a load step first`,
      );
    }
    if (step.step === "load") loaded = true;
    if ((step.step === "allocation" || step.step === "evaluate") && !fits.includes(step.fit)) {
      issues.add(
        `${at}.fit`,
        `is ${JSON.stringify(step.fit)}, which no earlier fit step defines; expected ${
          fits.length
            ? `one of ${fits.map((f) => JSON.stringify(f)).join(", ")}`
            : "a fit step first"
        }`,
      );
    }
    const id = stepId(step);
    if (id !== undefined) {
      if (RESULT_COLLECTIONS.includes(id)) {
        issues.add(`${at}.id`, `is ${JSON.stringify(id)}, a reserved name; expected another id`);
      } else if (ids.has(id)) {
        issues.add(
          `${at}.id`,
          `is ${JSON.stringify(id)}, already the id of a ${ids.get(id)} step; expected a unique id`,
        );
      } else ids.set(id, step.step);
    }
    if (step.step === "fit") fits.push(step.id);
    if (step.step === "compare") {
      step.published.forEach((p, j) => {
        const [root, second] = parseQuantity(p.quantity);
        const ok = RESULT_COLLECTIONS.includes(root.key)
          ? root.key === "data" || (second !== undefined && ids.has(second.key))
          : ids.has(root.key);
        if (!ok) {
          const known = [...ids.keys()];
          issues.add(
            `${at}.published[${j}].quantity`,
            `is ${
              JSON.stringify(p.quantity)
            }, which names no result of an earlier step; expected ` +
              `a path starting with ${
                known.length
                  ? known.map((k) => JSON.stringify(k)).join(", ") + " or fits.<id>"
                  : "the id of an earlier step"
              }`,
          );
        }
      });
    }
  });
  if (!loaded && steps.every((s) => s !== undefined)) {
    issues.add("steps", "has no load step; expected at least one");
  }
}

const stepList: Schema<unknown[]> = {
  expected: "a list of steps",
  parse(value, path, issues) {
    if (!Array.isArray(value) || value.length === 0) {
      issues.add(
        path,
        Array.isArray(value)
          ? "has 0 items; expected at least 1"
          : `is ${describeValue(value)}; expected a list of steps`,
      );
      return INVALID;
    }
    return value;
  },
};

/** Schema of a whole pipeline spec: every step, then the cross-step checks. */
export const pipelineSpecSchema: Schema<ParsedPipelineSpec> = {
  expected: "a pipeline spec",
  parse(value, path, issues) {
    const head = object<Omit<ParsedPipelineSpec, "steps"> & { steps: unknown[] }>({
      name: string({
        pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        patternName: `a folder name (letters, digits, ".", "_", "-")`,
      }),
      title: optional(string(), ""),
      description: optional(string()),
      seed: optional(integer(), 0),
      steps: stepList,
    });
    const before = issues.list.length;
    const r = head.parse(value, path, issues);
    const rawSteps = isPlainObject(value) && Array.isArray(value.steps) ? value.steps : [];
    const steps: (Step | undefined)[] = rawSteps.map((raw, i) => {
      const s = stepSchema.parse(raw, indexPath(keyPath(path, "steps"), i), issues);
      return s === INVALID ? undefined : s;
    });
    const rawFitIds = rawSteps.map((raw) =>
      isPlainObject(raw) && raw.step === "fit" && typeof raw.id === "string" ? raw.id : undefined
    );
    if (rawSteps.length > 0) checkPipeline(steps, rawFitIds, issues);
    if (r === INVALID || issues.list.length > before) return INVALID;
    return { ...r, title: r.title || r.name, steps: steps as Step[] };
  },
};

/**
 * Parse a pipeline spec: check every step and every cross-step reference, apply defaults.
 *
 * @param raw The spec (e.g. `JSON.parse` of a file, or a typed constant).
 * @returns The parsed spec.
 * @throws {SpecError} listing every problem with its JSON path.
 * @example Three mistakes, one error
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineSpec } from "./spec.ts";
 * import { SpecError } from "./validate.ts";
 * try {
 *   parsePipelineSpec({
 *     name: "bad",
 *     steps: [
 *       { step: "load", synthetic: {} },
 *       { step: "fit", id: "f", law: "E + A/N^", metric: "loss", boostrap: { resamples: 10 } },
 *       { step: "isoflop", method: "parabol" },
 *     ],
 *   });
 *   assert.fail("expected a SpecError");
 * } catch (e) {
 *   assert.ok(e instanceof SpecError);
 *   assert.deepEqual(e.issues.map((i) => i.path), [
 *     "steps[1].boostrap",
 *     "steps[1].law",
 *     "steps[2].method",
 *   ]);
 * }
 * ```
 */
export function parsePipelineSpec(raw: unknown): ParsedPipelineSpec {
  const name = isPlainObject(raw) && typeof raw.name === "string" ? raw.name : undefined;
  return parseWith(
    pipelineSpecSchema,
    raw,
    name ? `pipeline spec ${JSON.stringify(name)}` : "pipeline spec",
  );
}

function stepParser<T extends Step>(kind: string) {
  return (raw: unknown, at = "step"): T => {
    const issues = new Issues();
    const r = stepSchema.parse(raw, at, issues);
    if (issues.list.length === 0 && typeof r === "object" && r.step !== kind) {
      issues.add(`${at}.step`, `is ${JSON.stringify(r.step)}; expected ${JSON.stringify(kind)}`);
    }
    if (issues.list.length > 0 || typeof r !== "object") {
      throw new SpecError(issues.list, `${kind} step`);
    }
    return r as T;
  };
}

/**
 * Parse a `load` step on its own (paths start at `at`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLoadStep } from "./spec.ts";
 * const s = parseLoadStep({ step: "load", dataset: "chinchilla-epoch" });
 * assert.ok("dataset" in s && s.fallback === "none");
 * ```
 */
export const parseLoadStep: (raw: unknown, at?: string) => LoadStep = stepParser("load");
/** Parse a `filter` step on its own. */
export const parseFilterStep: (raw: unknown, at?: string) => FilterStep = stepParser("filter");
/**
 * Parse a `fit` step on its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFitStep } from "./spec.ts";
 * assert.throws(
 *   () => parseFitStep({ step: "fit", id: "f", law: "chinchila", metric: "loss" }, "steps[3]"),
 *   /steps\[3\]\.law: is "chinchila": .*did you mean "chinchilla"/,
 * );
 * ```
 */
export const parseFitStep: (raw: unknown, at?: string) => FitStep = stepParser("fit");
/** Parse an `allocation` step on its own. */
export const parseAllocationStep: (raw: unknown, at?: string) => AllocationStep = stepParser(
  "allocation",
);
/** Parse an `isoflop` step on its own. */
export const parseIsoflopStep: (raw: unknown, at?: string) => IsoflopStep = stepParser("isoflop");
/** Parse an `evaluate` step on its own. */
export const parseEvaluateStep: (raw: unknown, at?: string) => EvaluateStep = stepParser(
  "evaluate",
);
/** Parse a `compare` step on its own. */
export const parseCompareStep: (raw: unknown, at?: string) => CompareStep = stepParser("compare");
/** Parse a `report` step on its own. */
export const parseReportStep: (raw: unknown, at?: string) => ReportStep = stepParser("report");

/**
 * Expand a compute grid into budgets (ascending, log-spaced for ranges; `from` and `to` both
 * included when `to` lies on the grid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandComputeGrid } from "./spec.ts";
 * assert.deepEqual(expandComputeGrid({ from: 1e18, to: 1e20, perDecade: 1 }), [1e18, 1e19, 1e20]);
 * ```
 */
export function expandComputeGrid(grid: ComputeGrid): number[] {
  if (Array.isArray(grid)) return [...grid];
  const lo = Math.log10(grid.from), hi = Math.log10(grid.to);
  const n = Math.floor((hi - lo) * grid.perDecade + 1e-9);
  const out: number[] = [];
  for (let k = 0; k <= n; k++) {
    out.push(Number(Math.pow(10, lo + k / grid.perDecade).toPrecision(12)));
  }
  return out;
}
