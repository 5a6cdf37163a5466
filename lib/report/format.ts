/**
 * Stable formatting for reports: JSON with rounded numbers (so that results files are
 * byte-identical across runs), short numbers for tables, and HTML/Markdown escaping.
 *
 * @module
 */

/** Significant digits kept in results.json. */
export const JSON_DIGITS = 12;

/**
 * Round a number to {@link JSON_DIGITS} significant digits; non-finite numbers become null
 * (JSON has no NaN or Infinity) and -0 becomes 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stableNumber } from "./format.ts";
 * assert.equal(stableNumber(0.1 + 0.2), 0.3);
 * assert.equal(stableNumber(NaN), null);
 * assert.equal(stableNumber(5.88e23), 5.88e23);
 * ```
 */
export function stableNumber(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(JSON_DIGITS));
}

/**
 * Convert a value into plain JSON data: numbers rounded with {@link stableNumber}, typed arrays
 * to arrays, `undefined` object fields dropped, key order kept as built (insertion order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toJsonValue } from "./format.ts";
 * assert.deepEqual(toJsonValue({ a: Float64Array.of(1 / 3), b: undefined, c: [Infinity] }), {
 *   a: [0.333333333333],
 *   c: [null],
 * });
 * ```
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === "number") return stableNumber(value);
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    return null;
  }
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (x) => stableNumber(Number(x)));
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) if (v !== undefined) out[String(k)] = toJsonValue(v);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined && typeof v !== "function") out[k] = toJsonValue(v);
  }
  return out;
}

/**
 * Serialise a value as stable, pretty JSON (2-space indent, trailing newline).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stableJson } from "./format.ts";
 * assert.equal(stableJson({ x: 1 / 3 }), '{\n  "x": 0.333333333333\n}\n');
 * ```
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value), null, 2) + "\n";
}

/**
 * Format a number for a table: `digits` significant digits, trailing zeros removed, and
 * exponent notation (`5.88e23`) for very large or small magnitudes; "—" for null or non-finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./format.ts";
 * assert.equal(formatNumber(477.8412), "477.841");
 * assert.equal(formatNumber(5.88e23), "5.88e23");
 * assert.equal(formatNumber(0.0010182740), "0.00101827");
 * assert.equal(formatNumber(9960000, 4), "9.96e6");
 * assert.equal(formatNumber(null), "—");
 * ```
 */
export function formatNumber(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x === 0) return "0";
  const ax = Math.abs(x);
  const s = ax >= 1e7 || ax < 1e-4 ? x.toExponential(digits - 1) : x.toPrecision(digits);
  if (!s.includes("e")) return trimZeros(s);
  const [m, e] = s.split("e");
  return `${trimZeros(m)}e${e.replace("+", "")}`;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/**
 * Format a number or an interval (`[1.77, 1.87]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./format.ts";
 * assert.equal(formatValue([1.769, 1.871]), "[1.769, 1.871]");
 * ```
 */
export function formatValue(x: number | readonly number[] | null | undefined, digits = 6): string {
  if (Array.isArray(x)) return `[${x.map((v) => formatNumber(v, digits)).join(", ")}]`;
  return formatNumber(x as number | null | undefined, digits);
}

/**
 * Escape text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./format.ts";
 * assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * Escape text for a Markdown table cell (pipes, newlines) and inline use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdown } from "./format.ts";
 * assert.equal(escapeMarkdown("a|b\nc"), "a\\|b c");
 * assert.equal(escapeMarkdown("N_opt [1, 2] _x_ *"), "N_opt [1, 2] \\_x\\_ \\*");
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ")
    .replace(/([*`<>])/g, "\\$1")
    .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9])/g, (m) => m.replace("_", "\\_"));
}
