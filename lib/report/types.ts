/**
 * The machine-readable report: the shape of `results.json`, which `report.md` and `report.html`
 * render. Everything in it is plain JSON (numbers, strings, booleans, null, arrays, objects),
 * built in a fixed key order, with no timestamps or durations, so the same inputs and seed give
 * byte-identical files.
 *
 * @module
 */

import type { Provenance } from "../data/schema.ts";
import type { Warning } from "../util/warnings.ts";
import type { DownstreamSummary } from "./downstream.ts";
import type { BacktestResults } from "./backtest_blocks.ts";

/** A closed interval `[low, high]`. */
export type Interval = [number, number];

/** One metric of the data summary. */
export interface MetricSummary {
  name: string;
  /** Kind (loss, accuracy, ...) or "other". */
  kind: string;
  /** Number of observations. */
  count: number;
  min: number | null;
  max: number | null;
}

/** Counts of a ladder. */
export interface LadderCounts {
  runs: number;
  checkpoints: number;
  observations: number;
}

/** What the data was and what the filters did. */
export interface DataSummary {
  /** Where the ladder came from. */
  source: "catalog" | "file" | "synthetic";
  /** Catalog dataset and table, when loaded through the catalog. */
  dataset: string | null;
  table: string | null;
  /**
   * Set when a catalog dataset could not be reached and the synthetic ladder was used instead:
   * the dataset asked for and why it failed. Reports show it prominently.
   */
  fallback: { dataset: string; reason: string } | null;
  provenance: Provenance;
  /** Counts as loaded. */
  loaded: LadderCounts;
  /** Counts after all filters. */
  filtered: LadderCounts;
  /** One entry per filter step: the filters applied and the observations they removed. */
  filters: { filters: unknown[]; dropped: number }[];
  metrics: MetricSummary[];
  /** Range of total parameters N and tokens D over the filtered ladder. */
  params: Interval | null;
  tokens: Interval | null;
  /** Ground truth of a synthetic ladder (its resolved options), when synthetic. */
  truth: Record<string, unknown> | null;
  /** Index of the load step in the spec's steps, when known. */
  step?: number;
  /** Ids of the fits that used this data (fitted between this load and the next). */
  fits?: string[];
}

/** One parameter of a fit. */
export interface ParamSummary {
  value: number | null;
  /** Standard error from the curvature of the objective, when defined. */
  stderr: number | null;
  /** Bootstrap percentile interval at the bootstrap's level, when bootstrapped. */
  ci: Interval | null;
  /** Bootstrap standard deviation of the parameter, when bootstrapped. */
  bootstrapStderr: number | null;
  fixed: boolean;
  tiedTo: string | null;
  atBound: boolean;
}

/** One predicted point against its observed value. */
export interface PredictionRow {
  run: string;
  /** Input values by law input name (N, D, ...). */
  inputs: Record<string, number>;
  actual: number;
  predicted: number;
  /** predicted − actual. */
  error: number;
  /** (predicted − actual) / actual. */
  relativeError: number;
  /** Bootstrap prediction interval, when the fit was bootstrapped. */
  interval?: Interval;
}

/** Error summary of predictions. */
export interface ErrorSummary {
  n: number;
  /** Root mean squared error. */
  rmse: number | null;
  /** Mean absolute error. */
  mae: number | null;
  /** Mean absolute relative error (fraction). */
  mare: number | null;
  /** Largest absolute relative error (fraction). */
  maxAbsRelativeError: number | null;
}

/** Bootstrap settings and outcome of a fit. */
export interface BootstrapSummary {
  resamples: number;
  /** Resamples whose refit succeeded. */
  succeeded: number;
  by: "point" | "run";
  level: number;
  seed: number;
}

/** One fit of a law. */
export interface FitSummary {
  id: string;
  law: string;
  formula: string;
  metric: string;
  /** Law input → data column. */
  inputs: Record<string, string>;
  /** Options given in the spec (before the fitter's defaults). */
  options: Record<string, unknown>;
  n: number;
  nFree: number;
  objective: number | null;
  r2: number | null;
  converged: boolean;
  status: string;
  message: string;
  starts: number;
  params: Record<string, ParamSummary>;
  diagnostics: {
    conditionNumber: number | null;
    paramOrder: string[];
    correlation: number[][] | null;
    atBound: string[];
    atGridEdge: string[];
    /** Best few distinct local optima. */
    localOptima: { params: Record<string, number>; objective: number; count: number }[];
    warnings: string[];
  };
  bootstrap: BootstrapSummary | null;
  /** Fitted values against the data the fit used. */
  predictions: { summary: ErrorSummary; points: PredictionRow[] | null };
}

/** One compute budget of a compute-optimal allocation. */
export interface AllocationPoint {
  /** Training compute C (FLOPs). */
  compute: number;
  /** Optimal parameters N_opt. */
  params: number;
  /** Optimal tokens D_opt. */
  tokens: number;
  /** D_opt / N_opt. */
  tokensPerParam: number;
  /** Predicted loss at the optimum, when the law gives it. */
  loss: number | null;
  /** Bands at the allocation's level, when the fit was bootstrapped. */
  bands: { params: Interval; tokens: Interval; tokensPerParam: Interval } | null;
}

/** Compute-optimal allocation from a fitted law (Approach 3). */
export interface AllocationSummary {
  id: string;
  fit: string;
  /** N_opt ∝ C^a. */
  a: number | null;
  /** D_opt ∝ C^b. */
  b: number | null;
  /** Band level. */
  level: number;
  /** Interval of a at `level`, when bootstrapped. */
  aInterval: Interval | null;
  points: AllocationPoint[];
}

/** One compute budget of an IsoFLOP analysis. */
export interface IsoflopBudget {
  compute: number;
  /** Number of runs at this budget. */
  runs: number;
  /** Parameters and tokens at the minimum of the fitted profile. */
  params: number | null;
  tokens: number | null;
  loss: number | null;
}

/** IsoFLOP analysis (Approach 2). */
export interface IsoflopSummary {
  id: string;
  metric: string;
  method: string;
  budgets: IsoflopBudget[];
  /** N_opt ∝ C^a and D_opt ∝ C^b from the budgets' minima. */
  a: number | null;
  b: number | null;
  /** Extra per-compute values (compute → tokensPerParam etc.). */
  points: AllocationPoint[];
}

/** Predicted against actual values at target points. */
export interface EvaluationSummary {
  id: string;
  fit: string;
  /** "holdout" or a description of the target filters. */
  targets: string;
  summary: ErrorSummary;
  points: PredictionRow[];
}

/** One published value compared with ours. */
export interface ComparisonRow {
  /** Result path, e.g. `fits.approach3.params.E` or `allocation.tokensPerParam@5.88e23`. */
  quantity: string;
  ours: number | Interval | null;
  published: number | Interval;
  source: string;
  /** ours − published (per endpoint for intervals); null when ours is missing. */
  difference: number | Interval | null;
  /** difference / |published| (largest endpoint for intervals). */
  relativeDifference: number | null;
  /** Absolute tolerance, or "interval" (published value inside our interval), when given. */
  tolerance: number | "interval" | null;
  /** Our interval, when the tolerance is "interval". */
  interval: Interval | null;
  /** Relative tolerance, when given. */
  relativeTolerance: number | null;
  /** Whether the difference is within a tolerance; null when no tolerance was given. */
  withinTolerance: boolean | null;
  /** Why `ours` is missing, when it is. */
  note: string | null;
}

/** A figure as listed in results.json (the files are `figures/<name>.svg` and `.png`). */
export interface FigureRef {
  name: string;
  title: string;
  alt: string;
}

/** The whole of `results.json`. */
export interface ResultsDocument {
  toolkit: { name: string; version: string };
  pipeline: { name: string; title: string; description: string | null; seed: number };
  data: DataSummary | null;
  /**
   * One summary per load step, in order, when the pipeline loads more than once (`data` is the
   * last of them).
   */
  loads?: DataSummary[];
  fits: Record<string, FitSummary>;
  allocations: Record<string, AllocationSummary>;
  isoflops: Record<string, IsoflopSummary>;
  evaluations: Record<string, EvaluationSummary>;
  /** Downstream predictions of map steps, by step id (absent without map steps). */
  downstream?: Record<string, DownstreamSummary>;
  /** Quality checks, backtests, model selections and studies (absent without those steps). */
  backtest?: BacktestResults;
  comparisons: ComparisonRow[];
  figures: FigureRef[];
  warnings: Warning[];
  /** The parsed spec with defaults applied, for re-running. */
  spec: unknown;
}

/** A rendered figure: its SVG markup and how reports show it. */
export interface ReportFigure extends FigureRef {
  /** SVG markup (`<svg ...>...</svg>`). */
  svg: string;
}

/** Everything {@link writeReport} writes. */
export interface Report {
  results: ResultsDocument;
  figures: ReportFigure[];
  /**
   * Wall-clock seconds per step, written to `timings.json` only (never into results.json, so
   * that results stay byte-identical between runs).
   */
  timings?: Record<string, number>;
}
