/**
 * The contract every scaling law satisfies, built-in or parsed from an expression.
 *
 * A law maps named inputs (columns such as N, D) and named parameters to a prediction. It is
 * evaluated in batch over typed-array columns and provides its exact Jacobian with respect to
 * the parameters, so optimisers never use finite differences.
 *
 * @module
 */

/** One input of a law. */
export interface InputSpec {
  /** Name used in the formula and on the command line (`--x N=params`). */
  name: string;
  /** What it is, with unit, e.g. "parameters (count)", "training tokens". */
  doc: string;
}

/** One named parameter of a law. */
export interface ParamSpec {
  /** Name, e.g. `"alpha"`. */
  name: string;
  /** What it is. */
  doc?: string;
  /**
   * Default start values for the multi-start grid, in natural (not log) space. The default grid
   * is the cartesian product over all parameters (for `chinchilla`: Hoffmann's 4500 points).
   */
  grid: number[];
  /** Lower bound (natural space). Default -Infinity. */
  min?: number;
  /** Upper bound (natural space). Default +Infinity. */
  max?: number;
  /**
   * `"log"` when the parameter is positive and is optimised as its logarithm (the log-sum-exp
   * parametrisation of sums of positive terms: A = exp(a)). Default `"linear"`.
   */
  scale?: "linear" | "log";
}

/** Columns of inputs, in the order of {@link Law.inputs}. */
export type Columns = readonly Float64Array[];

/**
 * Optional structure for variable projection: the prediction is linear in some parameters,
 * f(x) = Σ_j p[linear[j]] · basis_j(x; other params).
 */
export interface LinearStructure {
  /** Indices (into `params`) of the parameters that enter linearly. */
  linear: number[];
  /**
   * Fill `out[j][i]` with basis function j at point i, given the full parameter vector `p`
   * (only the non-linear entries are read).
   */
  basis(x: Columns, p: Float64Array, out: Float64Array[]): void;
}

/** A scaling law. Implementations are pure and stateless. */
export interface Law {
  /** Registry name (`"chinchilla"`) or, for expressions, the normalised expression text. */
  name: string;
  /** Formula in plain text, e.g. `"L = E + A/N^alpha + B/D^beta"`. */
  formula: string;
  /** Short description, units of the output. */
  doc: string;
  /** Paper reference: authors, year, arXiv id. */
  paper?: string;
  /**
   * What the formula was checked against, in one or two sentences: the paper's own text (which
   * version and equation), the authors' code, or only third-party copies. The law's module doc
   * has the details.
   */
  checked?: string;
  /** Inputs, in the order of the columns passed to `predict` and `jacobian`. */
  inputs: readonly InputSpec[];
  /** Parameters, in the order of the vectors passed to `predict` and `jacobian`. */
  params: readonly ParamSpec[];
  /**
   * Predictions for all points: `out[i] = f(x[.][i]; p)`.
   *
   * @param x Input columns in the order of `inputs`, each of length n.
   * @param p Parameter values (natural space) in the order of `params`.
   * @param out Output, length n.
   */
  predict(x: Columns, p: Float64Array, out: Float64Array): void;
  /**
   * Predictions and the exact Jacobian with respect to the natural-space parameters:
   * `jac[i * k + j] = ∂f(x_i)/∂p_j`, k = params.length.
   */
  jacobian(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array): void;
  /** Present when part of the law is linear in some parameters. */
  linearStructure?: LinearStructure;
  /**
   * Optional constraints between parameters applied by default (e.g. `chinchilla-tied` ties
   * beta to alpha): `{ beta: "alpha" }`.
   */
  ties?: Record<string, string>;
}

/** Evaluate a law at a single point given as a record of inputs and a record of params. */
export function evaluateLaw(
  law: Law,
  inputs: Record<string, number>,
  params: Record<string, number>,
): number {
  const x = law.inputs.map((s) => Float64Array.of(inputs[s.name]));
  const p = Float64Array.from(law.params.map((s) => params[s.name]));
  const out = new Float64Array(1);
  law.predict(x, p, out);
  return out[0];
}
