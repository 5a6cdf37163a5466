/**
 * Law inputs of a pipeline `fit` step computed from other columns with the safe expression
 * parser (`x: { U: "D/epochs" }`, `x: { Nv: "vocab_size*embed_dim" }`), as `deno task fit --x`
 * does.
 *
 * @module
 */

import { compileDerived } from "../laws/expression.ts";
import { InputError } from "../util/errors.ts";

/**
 * Evaluate an expression over named columns, or return undefined when the text is not an
 * expression over the available names (the caller then reports its usual error).
 *
 * @param text The expression, e.g. `"D/epochs"`.
 * @param available Names that may appear in it.
 * @param valueOf The values of a name (all of one length), or undefined when it has none.
 * @returns The derived values, or undefined.
 *
 * @example Unique tokens from tokens seen and epochs
 * ```ts
 * import assert from "node:assert/strict";
 * import { derivedValues } from "./derived_column.ts";
 * const cols: Record<string, Float64Array> = {
 *   D: Float64Array.of(1e10, 4e10), epochs: Float64Array.of(1, 4),
 * };
 * const u = derivedValues("D/epochs", Object.keys(cols), (n) => cols[n]);
 * assert.deepEqual([...u!], [1e10, 1e10]);
 * assert.equal(derivedValues("D/nothing", Object.keys(cols), (n) => cols[n]), undefined);
 * ```
 */
export function derivedValues(
  text: string,
  available: readonly string[],
  valueOf: (name: string) => Float64Array | undefined,
): Float64Array | undefined {
  let derived;
  try {
    derived = compileDerived(text, available);
  } catch (err) {
    if (err instanceof InputError) return undefined;
    throw err;
  }
  const values: Record<string, Float64Array> = {};
  for (const name of derived.columns) {
    const v = valueOf(name);
    if (v === undefined) return undefined;
    values[name] = v;
  }
  return derived.evaluate(values);
}

/**
 * Names a `fit` step's `x` expression may use on a ladder: N, D, C, M, step, the aliases
 * params, tokens, flops, paramsNonEmbedding, every metric, and every run field.
 *
 * @param ladder Runs (with their fields) and metric names.
 * @returns The names, without duplicates.
 */
export function ladderColumnNames(
  ladder: { runs: readonly { fields?: Record<string, unknown> }[]; metrics: readonly string[] },
): string[] {
  const names = new Set([
    "N",
    "D",
    "C",
    "M",
    "step",
    "params",
    "tokens",
    "flops",
    "paramsNonEmbedding",
    ...ladder.metrics,
  ]);
  for (const run of ladder.runs) for (const key of Object.keys(run.fields ?? {})) names.add(key);
  return [...names];
}
