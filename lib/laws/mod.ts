/**
 * Scaling laws: the {@link Law} contract, built-in laws (chinchilla, chinchilla-tied, kaplan,
 * kaplan-e, power-law, overtraining, data-constrained), user laws from expressions, derived
 * columns, and the registry that resolves a name or an expression to a law.
 *
 * Every law evaluates over Float64Array columns and gives its exact Jacobian.
 *
 * @example Look up a law and evaluate it
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateLaw, getLaw } from "./mod.ts";
 * const builtIn = getLaw("chinchilla");
 * const typed = getLaw("E + A/N^alpha + B/D^beta");
 * const p = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
 * const at = { N: 70e9, D: 1.4e12 };
 * assert.ok(Math.abs(evaluateLaw(builtIn, at, p) - evaluateLaw(typed, at, p)) < 1e-12);
 * ```
 *
 * @module
 */

export type { Columns, InputSpec, Law, LinearStructure, ParamSpec } from "./types.ts";
export { evaluateLaw } from "./types.ts";
export { chinchilla, chinchillaTied } from "./chinchilla.ts";
export { kaplan, kaplanE } from "./kaplan.ts";
export { powerLaw } from "./power_law.ts";
export { overtraining } from "./overtraining.ts";
export { dataConstrained } from "./data_constrained.ts";
export {
  compileDerived,
  compileExpression,
  type CompileExpressionOptions,
  defaultGrid,
  type DerivedColumn,
} from "./expression.ts";
export {
  DEFAULT_INPUTS,
  getLaw,
  type GetLawOptions,
  listLaws,
  registerLaw,
  type RegisterLawOptions,
} from "./registry.ts";
