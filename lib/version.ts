/**
 * The toolkit's name and version, written into every report. Kept equal to the `name` and
 * `version` fields of `deno.json` (a test checks it).
 *
 * @module
 */

/** Package name, as in `deno.json`. */
export const TOOLKIT_NAME = "@scaling/toolkit";

/**
 * Toolkit version, as in `deno.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION = "0.1.0";
