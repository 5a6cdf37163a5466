/**
 * Spec of the backtest step kinds (see `steps_backtest.ts` for what they do):
 * - `quality`: checkpoint quality checks, reported as counted warnings;
 * - `backtest`: fit on a chosen subset, predict held-out targets (ARE, MAE, coverage);
 * - `select`: model selection across laws by backtest error and AIC/BIC;
 * - `study`: the Hitchhiker's Guide grid of backtests per family, with heatmaps and findings.
 *
 * Spec parsing wires these in through {@link backtestStepSchemas}, a hoisted function whose
 * schemas resolve lazily, so that this module and `spec.ts` can import each other.
 *
 * @module
 */

import type { CheckpointSetting } from "../backtest/study.ts";
import type { ModelSelector, SubsetSpec, TargetSpec } from "../backtest/select.ts";
import type { LossKind } from "../fit/types.ts";
import { filterSchema, lawSchema } from "./spec.ts";
import { idSchema } from "./_spec_parts.ts";
import type { FilterSpec } from "../data/filter.ts";
import {
  array,
  enumOf,
  integer,
  isPlainObject,
  lazy,
  literal,
  number,
  object,
  oneOf,
  optional,
  record,
  type Schema,
  string,
  union,
} from "./validate.ts";

/** Fit options a backtest step may set (subset of the fitter's). */
export interface BacktestFitStepOptions {
  /** @default the step's default (see each step) */
  loss?: LossKind;
  huberDelta?: number;
  space?: "log" | "linear";
  /** "default" (variable projection), "grid", or a number of random starts. */
  starts?: "default" | "grid" | number;
  /** Bounds, fixed values or start values per parameter. */
  params?: Record<string, { min?: number; max?: number; fixed?: number; start?: number }>;
  optimizer?: "lbfgsb" | "lm";
  maxIterations?: number;
}

/** How values and unique tokens are read (see `backtestPoints`). */
export interface PointsStepOptions {
  /** Value transform. @default "auto" (log of perplexity metrics) */
  transform?: "auto" | "log" | "none";
  /** Unique tokens U for data-constrained laws. @default unknown */
  uniqueTokens?: "epochs-in-family" | { field: string };
}

/** Checkpoint quality checks on the current ladder. */
export interface QualityStepConfig {
  step: "quality";
  /** Name of the result. @default "quality" */
  id?: string;
  /** Metrics checked for spikes and point counts. @default loss-like metrics */
  metrics?: string[];
  /** @default 2 */
  minSharedMetrics?: number;
  /** @default 0.1 */
  spikeThreshold?: number;
  /** @default 5 */
  spikeWindow?: number;
  /** @default 3 */
  minPoints?: number;
}

/** Fit on a subset, predict held-out targets. */
export interface BacktestStepConfig extends PointsStepOptions {
  step: "backtest";
  id: string;
  /** @default "chinchilla" */
  law?: string;
  metric: string;
  /** One backtest per family (default: the whole current ladder as one). */
  families?: string[];
  /** Training subset. @default all non-target models, all checkpoints */
  subset?: SubsetSpec;
  /** Targets. @default the largest model's last 30% */
  targets?: TargetSpec;
  /** Fit options. @default the fitter's defaults */
  options?: BacktestFitStepOptions;
  /** Checkpoint filters applied to the current ladder first (e.g. `everyK` to thin curves). */
  filters?: FilterSpec[];
  /** Bootstrap for prediction intervals and their coverage. */
  bootstrap?: { resamples: number; seed?: number; by?: "point" | "run"; level?: number };
}

/** Compare laws on the same data. */
export interface SelectStepConfig extends PointsStepOptions {
  step: "select";
  id: string;
  /** Laws (names or expressions); laws needing inputs the data lacks are reported, not fitted. */
  laws: string[];
  metric: string;
  /** One comparison per family, or one on all (pooled). @default "none" */
  groupBy?: "family" | "none";
  /** Restrict to these families. */
  families?: string[];
  subset?: SubsetSpec;
  /** @default the largest model's last 30% */
  targets?: TargetSpec;
  /** @default { loss: "squared", space: "log" } (so AIC/BIC are maximum-likelihood values) */
  options?: BacktestFitStepOptions;
  /** Checkpoint filters applied to the current ladder first (e.g. `everyK` to thin curves). */
  filters?: FilterSpec[];
}

/** The Hitchhiker's Guide study. */
export interface StudyStepConfig extends PointsStepOptions {
  step: "study";
  id: string;
  /** @default "chinchilla" */
  law?: string;
  /** Metrics in order of preference; each family uses the first it has. */
  metrics: string[];
  /** Families studied. @default every family with enough sizes and checkpoints */
  families?: string[];
  /** Fewest model sizes of a family (the largest is the target). @default 3 */
  minSizes?: number;
  /** Fewest checkpoints of every run of a family (intermediate checkpoints). @default 5 */
  minCheckpoints?: number;
  /** @default 0.1, 0.2, ..., 1 */
  fractions?: number[];
  /** @default final; all ≥ 1e10; all */
  settings?: CheckpointSetting[];
  /** @default largest model, last 30%, tokens ≥ 1e10 */
  targets?: TargetSpec;
  /** Sliding-window sizes. @default [2] */
  windows?: number[];
  /** Setting id of the window grid. @default the second setting */
  windowSetting?: string;
  /** @default ColPret's least squares in linear space, alpha, beta ≥ 0, "default" starts */
  options?: BacktestFitStepOptions;
  /** Mean heatmaps of families sharing a name prefix. */
  aggregate?: { name: string; prefix: string }[];
  /** Restrict to families whose runs pass these filters first. */
  filters?: FilterSpec[];
}

/** Any backtest step, as written. */
export type BacktestStepConfigs =
  | QualityStepConfig
  | BacktestStepConfig
  | SelectStepConfig
  | StudyStepConfig;

/** A parsed backtest step (defaults are applied when the step runs). */
export type BacktestSteps = BacktestStepConfigs;

const fraction = () => number({ greaterThan: 0, max: 1 });

const modelSelectorSchema: Schema<ModelSelector> = union<ModelSelector>("kind", {
  all: object<Extract<ModelSelector, { kind: "all" }>>({ kind: literal("all") }),
  smallest: object<Extract<ModelSelector, { kind: "smallest" }>>({
    kind: literal("smallest"),
    k: integer({ min: 1 }),
  }),
  window: object<Extract<ModelSelector, { kind: "window" }>>({
    kind: literal("window"),
    k: integer({ min: 1 }),
    start: integer({ min: 0 }),
  }),
  ranks: object<Extract<ModelSelector, { kind: "ranks" }>>({
    kind: literal("ranks"),
    ranks: array(integer({ min: 0 }), { minLength: 1 }),
  }),
} as Record<string, Schema<ModelSelector>>);

const subsetSchema = object<SubsetSpec>({
  models: optional(modelSelectorSchema),
  fraction: optional(fraction()),
  checkpoints: optional(enumOf(["final", "all"] as const)),
  minTokens: optional(number({ min: 0 })),
});

const targetSchema = object<TargetSpec>({
  largest: optional(integer({ min: 1 })),
  lastFraction: optional(fraction()),
  minTokens: optional(number({ min: 0 })),
});

const fitOptionsSchema = object<BacktestFitStepOptions>({
  loss: optional(enumOf<LossKind>(["huber", "squared", "absolute"])),
  huberDelta: optional(number({ greaterThan: 0 })),
  space: optional(enumOf(["log", "linear"] as const)),
  starts: optional(oneOf<"default" | "grid" | number>(`"default", "grid" or a number`, [
    { when: (v) => typeof v === "string", schema: enumOf(["default", "grid"] as const) },
    { when: (v) => typeof v === "number", schema: integer({ min: 1 }) },
  ])),
  params: optional(record(object<{ min?: number; max?: number; fixed?: number; start?: number }>({
    min: optional(number()),
    max: optional(number()),
    fixed: optional(number()),
    start: optional(number()),
  }))),
  optimizer: optional(enumOf(["lbfgsb", "lm"] as const)),
  maxIterations: optional(integer({ min: 1 })),
});

const uniqueSchema = oneOf<"epochs-in-family" | { field: string }>(
  `"epochs-in-family" or { field }`,
  [
    { when: (v) => typeof v === "string", schema: literal("epochs-in-family") },
    { when: isPlainObject, schema: object<{ field: string }>({ field: string() }) },
  ],
);

const pointsShape = {
  transform: optional(enumOf(["auto", "log", "none"] as const)),
  uniqueTokens: optional(uniqueSchema),
};

const lazyLaw: Schema<string> = lazy(() => lawSchema, "a law name or expression");
const lazyFilter: Schema<FilterSpec> = lazy(() => filterSchema, "a filter");

const settingSchema = object<CheckpointSetting>({
  id: string(),
  checkpoints: enumOf(["final", "all"] as const),
  minTokens: optional(number({ min: 0 })),
});

const SCHEMAS = {
  quality: object<QualityStepConfig>({
    step: literal("quality"),
    id: optional(idSchema()),
    metrics: optional(array(string(), { minLength: 1 })),
    minSharedMetrics: optional(integer({ min: 1 })),
    spikeThreshold: optional(number({ greaterThan: 0 })),
    spikeWindow: optional(integer({ min: 1 })),
    minPoints: optional(integer({ min: 1 })),
  }),
  backtest: object<BacktestStepConfig>({
    step: literal("backtest"),
    id: idSchema(),
    law: optional(lazyLaw),
    metric: string(),
    families: optional(array(string(), { minLength: 1 })),
    subset: optional(subsetSchema),
    targets: optional(targetSchema),
    options: optional(fitOptionsSchema),
    bootstrap: optional(object<NonNullable<BacktestStepConfig["bootstrap"]>>({
      resamples: integer({ min: 1 }),
      seed: optional(integer()),
      by: optional(enumOf(["point", "run"] as const)),
      level: optional(number({ greaterThan: 0, lessThan: 1 })),
    })),
    filters: optional(array(lazyFilter, { minLength: 1 })),
    ...pointsShape,
  }),
  select: object<SelectStepConfig>({
    step: literal("select"),
    id: idSchema(),
    laws: array(lazyLaw, { minLength: 1 }),
    metric: string(),
    groupBy: optional(enumOf(["family", "none"] as const)),
    families: optional(array(string(), { minLength: 1 })),
    subset: optional(subsetSchema),
    targets: optional(targetSchema),
    options: optional(fitOptionsSchema),
    filters: optional(array(lazyFilter, { minLength: 1 })),
    ...pointsShape,
  }),
  study: object<StudyStepConfig>({
    step: literal("study"),
    id: idSchema(),
    law: optional(lazyLaw),
    metrics: array(string(), { minLength: 1 }),
    families: optional(array(string(), { minLength: 1 })),
    minSizes: optional(integer({ min: 2 })),
    minCheckpoints: optional(integer({ min: 1 })),
    fractions: optional(array(fraction(), { minLength: 1 })),
    settings: optional(array(settingSchema, { minLength: 1 })),
    targets: optional(targetSchema),
    windows: optional(array(integer({ min: 1 }))),
    windowSetting: optional(string()),
    options: optional(fitOptionsSchema),
    aggregate: optional(array(object<{ name: string; prefix: string }>({
      name: string(),
      prefix: string(),
    }))),
    filters: optional(array(lazyFilter, { minLength: 1 })),
    ...pointsShape,
  }),
};

/**
 * The schemas of the backtest steps, keyed by step kind, for `spec.ts`'s step union. A hoisted
 * function returning lazy schemas, so it can be called while the modules that import each
 * other are still initialising.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineSpec } from "./spec.ts";
 * const spec = parsePipelineSpec({
 *   name: "bt",
 *   steps: [
 *     { step: "load", synthetic: { sizes: [1e7, 2e7, 4e7], seeds: 1, tasks: [] } },
 *     { step: "backtest", id: "b", metric: "loss", subset: { models: { kind: "smallest", k: 2 } } },
 *   ],
 * });
 * assert.equal(spec.steps[1].step, "backtest");
 * ```
 */
export function backtestStepSchemas(): Record<string, Schema<BacktestSteps>> {
  const out: Record<string, Schema<BacktestSteps>> = {};
  for (const kind of ["quality", "backtest", "select", "study"] as const) {
    out[kind] = lazy(() => SCHEMAS[kind] as Schema<BacktestSteps>, `a ${kind} step`);
  }
  return out;
}
