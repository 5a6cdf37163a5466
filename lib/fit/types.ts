/**
 * Options and results of fitting a law.
 *
 * Invalid input throws (`RangeError`, `InputError`); a fit that fails to converge never throws:
 * it returns a {@link FitResult} with `converged: false`, `status` and `message`.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";

/** Per-parameter settings that override the law's defaults. */
export interface ParamOptions {
  /** Start value (natural space) used instead of the grid's values for this parameter. */
  start?: number;
  /** Start values for this parameter in the multi-start grid. */
  grid?: number[];
  min?: number;
  max?: number;
  /** Hold the parameter at this value. */
  fixed?: number;
  /** Tie the parameter to another parameter's value (`beta: { tie: "alpha" }`). */
  tie?: string;
  /** Optimise in log space (positive parameters). */
  scale?: "linear" | "log";
}

/** Loss applied to each residual. */
export type LossKind = "squared" | "huber" | "absolute";

/**
 * How starting points are chosen:
 * - `"default"`: the fast strategy (variable projection over the exponents where the law allows
 *   it, then a few local refinements) that reaches the global optimum;
 * - `"grid"`: the cartesian product of each parameter's grid (chinchilla: Hoffmann's 4500);
 * - a number n: n seeded random starts inside the grid's range;
 * - an explicit list of start records.
 */
export type StartsOption = "default" | "grid" | number | Record<string, number>[];

export interface FitOptions {
  /** @default "huber" */
  loss?: LossKind;
  /** Huber delta. @default 1e-3 */
  huberDelta?: number;
  /** Residuals `log y - log f` ("log") or `y - f` ("linear"). @default "log" */
  space?: "log" | "linear";
  /** Per-parameter overrides, by name. */
  params?: Record<string, ParamOptions>;
  /** @default "default" */
  starts?: StartsOption;
  /** Local optimiser. @default "lbfgsb" */
  optimizer?: "lbfgsb" | "lm";
  /** Maximum iterations per start. @default 1000 */
  maxIterations?: number;
  /** Relative objective tolerance. @default 1e-12 */
  ftol?: number;
  /** Projected-gradient tolerance. @default 1e-10 */
  gtol?: number;
  /** Seed for random starts. @default 0 */
  seed?: number;
  /** Number of workers for multi-start work; 0 or 1 runs on the calling thread. */
  workers?: number;
  /** Optional per-point weights multiplying each point's loss. */
  weights?: Float64Array;
  /**
   * Screen large multi-start searches: run every start at scipy's default L-BFGS-B tolerances
   * (ftol 1e-6 relative, gtol 1e-5), then refine the best distinct end points at `ftol`/`gtol`.
   * The estimate is the same optimum (at an equal or lower objective) for a fraction of the
   * work; local optima are then summarised from the screened end points.
   * @default true when there are at least 64 starts
   */
  screen?: boolean;
  /** Called with (done, total) while starts complete. */
  onProgress?: (done: number, total: number) => void;
}

/** Data to fit: named input columns and the target. */
export interface FitData {
  /** Input columns keyed by the law's input names. */
  inputs: Record<string, Float64Array>;
  /** Target values. */
  y: Float64Array;
  /** Optional group (run) index of each point, used by run-level bootstrap. */
  groups?: Int32Array;
}

/** Result for one parameter. */
export interface ParamResult {
  value: number;
  /** Standard error from the inverse Hessian (Gauss–Newton for least squares), when defined. */
  stderr?: number;
  fixed: boolean;
  /** Name of the parameter it is tied to, if any. */
  tiedTo?: string;
  /** True when the value is within a relative 1e-6 of a bound. */
  atBound: boolean;
}

/**
 * Convergence status of a fit. `"stalled"`: the optimiser stopped on slow progress (relative
 * reduction ≤ ftol) at a point that is not stationary (a Gauss–Newton step still predicts a
 * decrease); typical of badly scaled parameters.
 */
export type FitStatus =
  | "converged"
  | "max-iterations"
  | "line-search-failed"
  | "non-finite"
  | "no-data"
  | "stalled";

/** Summary of one local optimum found by the multi-start search. */
export interface LocalOptimum {
  params: Record<string, number>;
  objective: number;
  /** How many starts ended here. */
  count: number;
}

export interface FitDiagnostics {
  /** Correlation matrix of the free parameters (row-major), in `paramOrder`. */
  correlation?: number[][];
  /** Free parameter names in the order of `covariance` and `correlation`. */
  paramOrder: string[];
  /** Covariance of the free parameters (natural space). */
  covariance?: number[][];
  /** Condition number of the Hessian. */
  conditionNumber?: number;
  /** Parameters whose optimum is on a bound. */
  atBound: string[];
  /** Parameters whose optimum is at the edge of the start grid's range. */
  atGridEdge: string[];
  /** Distinct local optima, best first (objective within 1e-9 relative counts as the same). */
  localOptima: LocalOptimum[];
  /** Warnings in plain sentences. */
  warnings: string[];
}

export interface FitResult {
  law: string;
  params: Record<string, ParamResult>;
  objective: number;
  /** Coefficient of determination of the fit in the residual space used. */
  r2: number;
  converged: boolean;
  status: FitStatus;
  message: string;
  /** Number of data points. */
  n: number;
  /** Number of free parameters. */
  nFree: number;
  /** Number of starts run. */
  starts: number;
  /** Total objective evaluations and iterations over all starts. */
  evaluations: number;
  iterations: number;
  /** Wall time in seconds. */
  seconds: number;
  diagnostics: FitDiagnostics;
}

/** A fit request that can cross a worker boundary: laws by name or expression text. */
export interface FitRequest {
  /** Law name from the registry or an expression. */
  law: string;
  data: FitData;
  options: Omit<FitOptions, "onProgress">;
}

/** A law as given by the user: a registry name, an expression, or a Law object. */
export type LawRef = string | Law;
