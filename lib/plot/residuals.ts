/**
 * Residuals figure: residuals of a fit against model size (or the prediction).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import type { FigureOptions, Legend } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { extent, formatNumber } from "./_ticks.ts";
import { formatSeriesKey, seriesColors, type SeriesKey } from "./_series.ts";

/** One residual. */
export interface ResidualPoint {
  /** Model size, prediction, or any x. */
  x: number;
  /** Observed minus predicted (in the space the fit used, e.g. log loss). */
  residual: number;
  /** Optional series (colours and legend). */
  series?: SeriesKey;
}

/** Data of {@link residuals}. */
export interface ResidualsFigureData {
  points: readonly ResidualPoint[];
}

/** Options of {@link residuals}. */
export interface ResidualsFigureOptions extends FigureOptions {
  /** @default "log" */
  xType?: "linear" | "log";
  /** @default "Model size N (parameters)" */
  xLabel?: string;
  /** @default "Residual (log loss)" */
  yLabel?: string;
  /** Legend title when points have series. @default "Series" */
  seriesLabel?: string;
  /** Label of a series. @default 70M / 1.4B for numbers, the string otherwise */
  formatSeries?: (series: SeriesKey) => string;
}

/**
 * Draw residuals against x with a zero line, a symmetric y axis, and the RMSE printed in
 * the top-right corner.
 *
 * @param data Residuals.
 * @param options Size, title, caption, labels.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or a value is not finite (or x is not
 *   positive on a log axis).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { residuals } from "./residuals.ts";
 * const svg = residuals({
 *   points: [{ x: 1e8, residual: 0.01 }, { x: 1e9, residual: -0.02 }],
 * });
 * assert.equal(svg.match(/<circle/g)?.length, 2);
 * assert.ok(svg.includes("RMSE = 0.0158"));
 * ```
 */
export function residuals(data: ResidualsFigureData, options: ResidualsFigureOptions = {}): string {
  const name = "residuals";
  const points = data.points;
  checkNonEmpty(name, "points", points.length);
  const xType = options.xType ?? "log";
  points.forEach((p, i) => {
    checkValue(name, "point x at", i, p.x, xType === "log");
    checkValue(name, "point residual at", i, p.residual, false);
  });
  const hasSeries = points.some((p) => p.series !== undefined);
  const colors = seriesColors(points.map((p) => p.series ?? ""));
  const colorOf = (p: ResidualPoint) => hasSeries ? colors.get(p.series ?? "")! : "#4e79a7";
  const format = options.formatSeries ?? formatSeriesKey;
  const legend: Legend | undefined = hasSeries
    ? {
      kind: "swatch",
      title: options.seriesLabel ?? "Series",
      items: [...colors].map(([k, color]) => ({ label: format(k), color, mark: "dot" })),
    }
    : undefined;
  const maxAbs = Math.max(...points.map((p) => Math.abs(p.residual))) * 1.15 || 1;
  const rmse = Math.sqrt(points.reduce((s, p) => s + p.residual ** 2, 0) / points.length);
  return renderFigure(name, options, legend, (document, width, height) => [
    panel(document, {
      width,
      height,
      x: {
        type: xType,
        domain: extent(points.map((p) => p.x), xType),
        label: options.xLabel ?? "Model size N (parameters)",
      },
      y: {
        type: "linear",
        domain: [-maxAbs, maxAbs],
        label: options.yLabel ?? "Residual (log loss)",
      },
      color: { type: "identity" },
      marks: [
        Plot.ruleY([0], { stroke: "#333", strokeWidth: 1 }),
        Plot.dot(points, {
          x: "x",
          y: "residual",
          r: 3.5,
          fill: colorOf,
          fillOpacity: 0.85,
          stroke: "white",
          strokeWidth: 0.5,
        }),
        Plot.text([`RMSE = ${formatNumber(rmse, 3)}`], {
          frameAnchor: "top-right",
          dx: -8,
          dy: 8,
          fontSize: 11,
          fill: "#333",
        }),
      ],
    }),
  ]);
}
