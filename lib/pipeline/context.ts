/**
 * The state a pipeline run accumulates, step by step: the ladder as loaded and as filtered,
 * fits by id (with their data and bootstrap), allocations, IsoFLOP analyses, evaluations,
 * comparisons, warnings and timings.
 *
 * @module
 */

import type { FilterReport, FilterSpec } from "../data/filter.ts";
import type { Ladder } from "../data/schema.ts";
import type { IsoflopPoint, IsoflopResult } from "../fit/allocation.ts";
import type { BootstrapResult } from "../fit/bootstrap.ts";
import type { FitResult } from "../fit/types.ts";
import type { Law } from "../laws/types.ts";
import type {
  AllocationSummary,
  ComparisonRow,
  DataSummary,
  EvaluationSummary,
  IsoflopSummary,
} from "../report/types.ts";
import { Warnings } from "../util/warnings.ts";
import type {
  AllocationStep,
  EvaluateStep,
  FigureKind,
  FitStep,
  IsoflopStep,
  ParsedPipelineSpec,
} from "./spec.ts";
import type { MapEntry } from "./steps_downstream.ts";

/** A fit with the data it used. */
export interface FitEntry {
  step: FitStep;
  law: Law;
  /** Law input → data column, as used. */
  columns: Record<string, string>;
  /** Input columns by law input name. */
  x: Record<string, Float64Array>;
  /** Observed metric. */
  y: Float64Array;
  /** Run index (into the ladder's runs) and run id of each point. */
  run: Int32Array;
  runIds: string[];
  /** Parameters N, tokens D and compute C of each point (for figures). */
  N: Float64Array;
  D: Float64Array;
  C: Float64Array;
  result: FitResult;
  /** Fitted values at the points. */
  fitted: Float64Array;
  bootstrap?: BootstrapResult;
  /** Seed used by the bootstrap. */
  bootstrapSeed?: number;
}

/** An allocation with a dense curve for its figure. */
export interface AllocationEntry {
  step: AllocationStep;
  summary: AllocationSummary;
  /** Dense budgets and values (with bands when bootstrapped). */
  curve: {
    compute: Float64Array;
    params: Float64Array;
    tokensPerParam: Float64Array;
    paramsLower?: Float64Array;
    paramsUpper?: Float64Array;
    tokensPerParamLower?: Float64Array;
    tokensPerParamUpper?: Float64Array;
  };
}

/** An IsoFLOP analysis with its input points. */
export interface IsoflopEntry {
  step: IsoflopStep;
  points: IsoflopPoint[];
  result: IsoflopResult;
  summary: IsoflopSummary;
}

/** An evaluation. */
export interface EvaluationEntry {
  step: EvaluateStep;
  summary: EvaluationSummary;
}

/** Where the data came from. */
export interface DataSource {
  source: "catalog" | "file" | "synthetic";
  dataset: string | null;
  table: string | null;
  fallback: { dataset: string; reason: string } | null;
  truth: Record<string, unknown> | null;
}

/** The mutable state of a run. */
export class PipelineContext {
  /** The parsed spec. */
  readonly spec: ParsedPipelineSpec;
  /** The ladder as loaded by the last load step. */
  loaded?: Ladder;
  /** The current ladder (after the filter steps since the last load). */
  ladder?: Ladder;
  /** Where the data came from. */
  source?: DataSource;
  /** The filter steps since the last load. */
  filterSteps: { filters: FilterSpec[]; dropped: number; reports: FilterReport[] }[] = [];
  /** Index of the last load step in the spec's steps. */
  loadStep?: number;
  /** Ids of the fits since the last load. */
  loadFits: string[] = [];
  /** Summaries of the earlier loads, each as it stood when the next load replaced it. */
  earlierLoads: DataSummary[] = [];
  fits: Map<string, FitEntry> = new Map();
  allocations: Map<string, AllocationEntry> = new Map();
  isoflops: Map<string, IsoflopEntry> = new Map();
  evaluations: Map<string, EvaluationEntry> = new Map();
  /** Results of map steps (downstream predictions), by step id. */
  downstream: Map<string, MapEntry> = new Map();
  comparisons: ComparisonRow[] = [];
  /** Figure kinds to draw (set by a report step). */
  figureKinds?: FigureKind[];
  /** Warnings of the pipeline itself (the ladder carries its own). */
  warnings: Warnings = new Warnings();
  /** Wall-clock seconds per step (never written to results.json). */
  timings: Record<string, number> = {};

  constructor(spec: ParsedPipelineSpec) {
    this.spec = spec;
  }
}
