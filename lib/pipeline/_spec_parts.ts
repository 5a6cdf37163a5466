/**
 * Schema pieces shared by the step specs (spec.ts, steps_backtest_spec.ts,
 * steps_downstream_spec.ts). This module imports none of them, so that the step specs, which
 * import each other, can use it while they initialise.
 *
 * @module
 */

import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import { type Schema, string } from "./validate.ts";

/** Result and step ids: a letter or `_`, then letters, digits, `_` or `-`. */
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Schema of a step or result id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idSchema } from "./_spec_parts.ts";
 * import { safeParse } from "./validate.ts";
 * assert.equal(safeParse(idSchema(), "fit_1").ok, true);
 * assert.equal(safeParse(idSchema(), "1fit").ok, false);
 * ```
 */
export function idSchema(): Schema<string> {
  return string({
    pattern: ID,
    patternName: "an id (a letter or _, then letters, digits, _ or -)",
  });
}

/** The law of a name or expression, or `undefined` when it does not compile. */
export function lawOrUndefined(text: string): Law | undefined {
  try {
    return getLaw(text);
  } catch {
    return undefined;
  }
}

/**
 * The law of a fit step. `data-mixing` takes its shape from the mapped inputs (one proportion
 * r1 ... rM per training domain), as `deno task fit` does with `--x` (the command line also
 * picks up table columns named r1 ... rM when none is mapped; a pipeline does not); other
 * names ignore the mapping.
 *
 * @throws {RangeError} When data-mixing's mapped inputs are not r1 ... rM.
 * @throws {InputError} An unknown law name or an invalid expression.
 */
export function fitStepLaw(text: string, x: Record<string, string> | undefined): Law {
  const dataMixing = text.trim().toLowerCase() === "data-mixing";
  return dataMixing && x ? getLaw(text, { inputs: Object.keys(x) }) : getLaw(text);
}
