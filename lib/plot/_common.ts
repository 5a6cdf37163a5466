/**
 * Private helpers shared by the figure builders: defaults, validation, rendering.
 *
 * @module
 */

import { figure, type FigureOptions, type Legend } from "./_layout.ts";
import type { DomDocument, DomElement } from "./_dom.ts";
import { renderSvg } from "./render.ts";

/** Default figure size in px (a full-width paper figure at about 100 dpi). */
export const DEFAULT_WIDTH = 640;
/** Default figure height in px. */
export const DEFAULT_HEIGHT = 420;

/** Render a one-body figure to normalised SVG text. */
export function renderFigure(
  builder: string,
  options: FigureOptions,
  legend: Legend | undefined,
  body: (document: DomDocument, width: number, height: number) => DomElement[],
  legendPosition: "right" | "top" = "right",
): string {
  const name = options.name ?? builder;
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new RangeError(
      `Cannot draw ${builder}: size is ${width}x${height}; expected positive finite numbers`,
    );
  }
  return renderSvg(
    (document) =>
      figure(document, {
        width,
        height,
        title: options.title,
        caption: options.caption,
        name,
        legend,
        legendPosition,
        body: (w, h) => body(document, w, h),
      }),
    { name },
  );
}

/** Throw unless `value` is finite (and positive when `positive`). */
export function checkValue(
  builder: string,
  what: string,
  index: number,
  value: number,
  positive: boolean,
): void {
  const ok = Number.isFinite(value) && (!positive || value > 0);
  if (!ok) {
    throw new RangeError(
      `Cannot draw ${builder}: ${what} ${index} is ${value}; expected a ${
        positive ? "positive number (log axis)" : "finite number"
      }`,
    );
  }
}

/** Throw when a required array is empty. */
export function checkNonEmpty(builder: string, what: string, length: number): void {
  if (length === 0) {
    throw new RangeError(`Cannot draw ${builder}: ${what} is empty; expected at least one`);
  }
}

/** Copy an array-like of numbers into a plain array. */
export function toArray(values: ArrayLike<number>): number[] {
  return Array.from(values);
}
