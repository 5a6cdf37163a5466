/**
 * Declarative pipelines: a data-only spec (load → filter → fit → allocation / IsoFLOP /
 * evaluate → compare → report), validated all at once with JSON paths, then run step by step
 * into a deterministic report.
 *
 * @example Validate a spec without running it
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineSpec, SpecError } from "./mod.ts";
 * assert.throws(
 *   () => parsePipelineSpec({ name: "x", steps: [{ step: "lod", synthetic: {} }] }),
 *   (e: unknown) => e instanceof SpecError && /did you mean "load"/.test(e.message),
 * );
 * ```
 *
 * @module
 */

export * from "./spec.ts";
export {
  array,
  boolean,
  didYouMean,
  editDistance,
  enumOf,
  type Infer,
  integer,
  type Issue,
  literal,
  number,
  object,
  oneOf,
  optional,
  parseWith,
  record,
  refine,
  safeParse,
  type Schema,
  SpecError,
  string,
  union,
} from "./validate.ts";
export {
  buildResults,
  fallbackBanner,
  PipelineResult,
  PipelineRun,
  runPipeline,
  type RunPipelineOptions,
  startPipeline,
  StepOutcome,
} from "./run.ts";
export { PipelineContext } from "./context.ts";
export {
  type DownstreamMetricConfig,
  type MapBootstrapConfig,
  type MapLossConfig,
  type MapMappingConfig,
  type MapReferenceConfig,
  type MapStep,
  type MapStepConfig,
  type MapTargetsConfig,
} from "./steps_downstream_spec.ts";
export { type MapEntry, runMapStep } from "./steps_downstream.ts";
export { buildFigures } from "./figures.ts";
export { compareWithPublished, resolveQuantity } from "./results.ts";
export { runPipelineMain, type RunPipelineMainOptions } from "./main.ts";
