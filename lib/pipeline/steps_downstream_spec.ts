/**
 * Spec of the pipeline's `map` step (what it does: steps_downstream.ts): the step as written
 * ({@link MapStepConfig}), as parsed with defaults applied ({@link MapStep}), and its schema
 * ({@link mapStepSchema}), registered in spec.ts's step union. spec.ts and this module import
 * each other, so the schemas taken from spec.ts resolve lazily.
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

import type { FilterSpec } from "../data/filter.ts";
import type { ComputeMode } from "../data/schema.ts";
import type { StartsOption } from "../fit/types.ts";
import type { Law } from "../laws/types.ts";
import { idSchema, lawOrUndefined } from "./_spec_parts.ts";
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

/** Inputs a step-1 loss law may use (besides a mapping's metric inputs). */
export const STEP1_INPUTS: readonly string[] = ["N", "D", "C", "M"];

const lazyFilter = lazy(() => filterSchema, "a filter");
const lazyFitOptions = lazy(() => fitOptionsSchema, "fit options");
const lazyLaw = lazy(() => lawSchema, "a law name or expression");

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
  id: idSchema(),
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
