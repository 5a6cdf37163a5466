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
