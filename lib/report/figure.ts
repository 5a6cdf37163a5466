/**
 * A rendered figure that displays itself in Deno's Jupyter kernel.
 *
 * @module
 */

import type { ReportFigure } from "./types.ts";

/**
 * The key of the rich-display method Deno's Jupyter kernel calls on a cell's value,
 * `Symbol.for("Jupyter.display")`; the method returns a MIME bundle such as
 * `{ "text/markdown": md }`.
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/**
 * A figure: name (file name without extension), title, alt text and SVG markup. In a Deno
 * Jupyter notebook, a cell ending with a figure shows the SVG (through
 * `Symbol.for("Jupyter.display")`, so library code never touches `Deno.jupyter`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Figure, JUPYTER_DISPLAY } from "./figure.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>';
 * const f = new Figure({ name: "dot", title: "Dot", alt: "A dot", svg });
 * assert.deepEqual(f[JUPYTER_DISPLAY](), { "image/svg+xml": svg });
 * assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
 * ```
 */
export class Figure implements ReportFigure {
  /** File name without extension. */
  readonly name: string;
  /** Title shown in reports. */
  readonly title: string;
  /** Alternative text describing the figure. */
  readonly alt: string;
  /** SVG markup. */
  readonly svg: string;

  constructor(figure: ReportFigure) {
    this.name = figure.name;
    this.title = figure.title;
    this.alt = figure.alt;
    this.svg = figure.svg;
  }

  /** Rich display for Deno's Jupyter kernel. */
  [JUPYTER_DISPLAY](): Record<string, string> {
    return { "image/svg+xml": this.svg };
  }
}
