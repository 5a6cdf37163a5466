/**
 * Rich-display helpers for the notebooks: values whose `Symbol.for("Jupyter.display")` method
 * returns a MIME bundle (markdown, an inline SVG figure), and {@link show}, which sends such a
 * value to the notebook as a `display_data` output.
 *
 * Why `await show(x)` rather than ending a cell with `x`: under `jupyter nbconvert --execute`,
 * Deno 2.9's kernel sometimes publishes a cell's `execute_result` (and, less often, a
 * `display_data`) after its `idle` status, and nbconvert then drops the output (measured here:
 * 1 to 6 of 20 cells per run). {@link show} displays explicitly and then yields to the event loop
 * so the output leaves before the cell ends; with it, no output was lost in 300 cells.
 * Outside the kernel (a script, a test), {@link show} prints the markdown or a one-line note.
 *
 * @example A markdown table and a figure
 * ```ts
 * import assert from "node:assert/strict";
 * import { figure, markdownTable } from "./_display.ts";
 * const t = markdownTable(["Name", "Value", "Share"], [["E", 1.82, "1e+3"], ["A", 482, "12%"]]);
 * assert.deepEqual(t[Symbol.for("Jupyter.display")](), {
 *   "text/markdown": "| Name | Value | Share |\n|---|---:|---:|\n| E | 1.82 | 1e+3 |\n| A | 482 | 12% |",
 * });
 * const f = figure("<svg/>");
 * assert.equal(f[Symbol.for("Jupyter.display")]()["image/svg+xml"], "<svg/>");
 * ```
 *
 * @module
 */

/** A value the Deno Jupyter kernel displays through its MIME bundle. */
export interface Displayable {
  [key: symbol]: () => Record<string, string>;
}

const DISPLAY = Symbol.for("Jupyter.display");

function displayable(bundle: Record<string, string>): Displayable {
  return { [DISPLAY]: () => bundle };
}

/**
 * Show markdown text.
 *
 * @param text Markdown.
 * @returns A value the kernel renders as markdown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markdown } from "./_display.ts";
 * assert.deepEqual(markdown("**hi**")[Symbol.for("Jupyter.display")](), { "text/markdown": "**hi**" });
 * ```
 */
export function markdown(text: string): Displayable {
  return displayable({ "text/markdown": text });
}

/**
 * Show an SVG figure inline (the SVG strings of lib/plot).
 *
 * @param svg SVG markup.
 * @returns A value the kernel renders as an `image/svg+xml` output.
 * @throws {TypeError} when the text is not SVG markup.
 */
export function figure(svg: string): Displayable {
  if (!/^\s*<svg[\s>/]/.test(svg)) {
    throw new TypeError(
      `Cannot show figure: the text starts with ${
        JSON.stringify(svg.slice(0, 20))
      }; expected "<svg"`,
    );
  }
  return displayable({ "image/svg+xml": svg });
}

/** Milliseconds {@link show} waits after displaying, so the output is sent before `idle`. */
export const SHOW_FLUSH_MS = 10;

interface JupyterNamespace {
  display(value: unknown, options?: { raw?: boolean }): Promise<void>;
}

/**
 * Display a value in the notebook: anything the Deno kernel can display (a {@link Displayable},
 * a toolkit result with a `Symbol.for("Jupyter.display")` method, a string). Outside the kernel,
 * print its markdown or plain text, or a note for a figure.
 *
 * @param value What to show.
 * @example Outside the kernel it prints
 * ```ts
 * import { markdown, show } from "./_display.ts";
 * await show(markdown("**shown**")); // prints "**shown**"
 * ```
 */
export async function show(value: unknown): Promise<void> {
  let jupyter: JupyterNamespace | undefined;
  try {
    jupyter = (Deno as unknown as { jupyter?: JupyterNamespace }).jupyter;
  } catch {
    jupyter = undefined; // outside `deno jupyter` the getter throws
  }
  if (jupyter !== undefined) {
    await jupyter.display(value);
    await new Promise((resolve) => setTimeout(resolve, SHOW_FLUSH_MS));
    return;
  }
  const method = (value as Record<symbol, unknown> | null)?.[DISPLAY];
  const bundle = typeof method === "function"
    ? await (method as () => Record<string, string> | Promise<Record<string, string>>).call(value)
    : { "text/plain": String(value) };
  const svg = bundle["image/svg+xml"];
  console.log(
    bundle["text/markdown"] ?? bundle["text/plain"] ??
      (svg !== undefined ? `[figure: ${svg.length} characters of SVG]` : Object.keys(bundle)),
  );
}

/** Escape the characters that would break a markdown table cell. */
function cell(value: unknown): string {
  return String(value).replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A number, or text that reads as one (`-1.5e+3`, `12%`). */
function isNumeric(value: string | number): boolean {
  return typeof value === "number" || /^[-+−]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i.test(value);
}

/**
 * Show a markdown table. Columns whose every cell is a number, or text that reads as one, are
 * right-aligned.
 *
 * @param header Column titles.
 * @param rows Cells, one array per row; numbers are shown as given (format them beforehand).
 * @returns A value the kernel renders as a markdown table.
 * @throws {RangeError} when a row has a different length than the header.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): Displayable {
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new RangeError(
        `Cannot build table: row ${i} has ${row.length} cells; expected ${header.length}`,
      );
    }
  });
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => isNumeric(r[j])));
  const lines = [
    `| ${header.map(cell).join(" | ")} |`,
    `|${numeric.map((n) => (n ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
  return markdown(lines.join("\n"));
}

/**
 * Format a number with `digits` significant digits (trailing zeros dropped): plain for
 * magnitudes in [1e-3, 1e6), `1.23e+22` style otherwise; a missing value (null, undefined) is
 * shown as "–".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sig } from "./_display.ts";
 * assert.equal(sig(0.347310495), "0.3473");
 * assert.equal(sig(5.88e23), "5.88e+23");
 * assert.equal(sig(2143.4179), "2143");
 * assert.equal(sig(null), "–");
 * ```
 */
export function sig(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return "–";
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) {
    const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
    return `${Number(mantissa)}e${exponent}`;
  }
  return String(Number(x.toPrecision(digits)));
}
