/**
 * Helpers to write notebook cells as indented template strings (used by `_build.ts` and the
 * `_*_cells.ts` modules).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { code } from "./_cells.ts";
 * assert.deepEqual(code(`
 *     const x = 1;
 *       x;
 * `), { kind: "code", source: "const x = 1;\n  x;" });
 * ```
 *
 * @module
 */

import type { CellSpec } from "./_build.ts";

/** Remove the common indentation and the leading and trailing blank lines of a block. */
export function dedent(text: string): string {
  const lines = text.replace(/^\s*\n/, "").replace(/\s+$/, "").split("\n");
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== "").map((l) => l.match(/^ */)![0].length),
  );
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** A markdown cell of a dedented block. */
export function md(source: string): CellSpec {
  return { kind: "markdown", source: dedent(source) };
}

/** A code cell of a dedented block. */
export function code(source: string): CellSpec {
  return { kind: "code", source: dedent(source) };
}
