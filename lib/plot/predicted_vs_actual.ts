/**
 * Prediction-check figure: predicted against actual values at held-out targets.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import type { FigureOptions, Legend } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { formatSeriesKey, seriesColors, type SeriesKey } from "./_series.ts";
import { extent } from "./_ticks.ts";

/** One held-out target. */
export interface PredictionPoint {
  actual: number;
  predicted: number;
  /** Name of the target, printed before the error, e.g. "6.9B, M=20". */
  label?: string;
  /** Lower end of the prediction interval. */
  lower?: number;
  /** Upper end of the prediction interval. */
  upper?: number;
  /** Optional series (colours and legend). */
  series?: SeriesKey;
}

/** Data of {@link predictedVsActual}. */
export interface PredictedVsActualFigureData {
  points: readonly PredictionPoint[];
}

/** Options of {@link predictedVsActual}. */
export interface PredictedVsActualFigureOptions extends FigureOptions {
  /** Axis type of both axes. @default "linear" */
  type?: "linear" | "log";
  /** @default "Actual loss" */
  xLabel?: string;
  /** @default "Predicted loss" */
  yLabel?: string;
  /** Print the relative error (predicted − actual) / actual next to each point. @default true */
  errorLabels?: boolean;
  /** Legend title when points have series. @default "Series" */
  seriesLabel?: string;
}

/** "+2.3%" / "−0.41%". */
function formatError(e: number): string {
  const pct = 100 * e;
  const digits = Math.abs(pct) >= 10 ? 1 : 2;
  const text = Math.abs(pct).toFixed(digits);
  return (pct < 0 && Number(text) !== 0 ? "−" : "+") + text + "%";
}

/**
 * Draw predicted against actual values on equal axes with the y = x line, interval bars
 * when given, and each point's signed relative error (predicted − actual) / actual.
 *
 * @param data Predictions and actual values.
 * @param options Size, title, caption, labels.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or a value is not finite (positive on log
 *   axes).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { predictedVsActual } from "./predicted_vs_actual.ts";
 * const svg = predictedVsActual({
 *   points: [
 *     { actual: 2.0, predicted: 2.05, label: "1.4B" },
 *     { actual: 2.5, predicted: 2.45, label: "400M" },
 *   ],
 * });
 * assert.ok(svg.includes("1.4B: +2.50%"));
 * assert.ok(svg.includes("400M: −2.00%"));
 * ```
 */
export function predictedVsActual(
  data: PredictedVsActualFigureData,
  options: PredictedVsActualFigureOptions = {},
): string {
  const name = "predictedVsActual";
  const points = data.points;
  checkNonEmpty(name, "points", points.length);
  const type = options.type ?? "linear";
  points.forEach((p, i) => {
    checkValue(name, "actual value at", i, p.actual, type === "log");
    checkValue(name, "predicted value at", i, p.predicted, type === "log");
  });
  const hasSeries = points.some((p) => p.series !== undefined);
  const colors = seriesColors(points.map((p) => p.series ?? ""));
  const colorOf = (p: PredictionPoint) => hasSeries ? colors.get(p.series ?? "")! : "#4e79a7";
  const legend: Legend | undefined = hasSeries
    ? {
      kind: "swatch",
      title: options.seriesLabel ?? "Series",
      items: [...colors].map(([k, color]) => ({ label: formatSeriesKey(k), color, mark: "dot" })),
    }
    : undefined;
  const all = points.flatMap((p) => [p.actual, p.predicted, p.lower ?? NaN, p.upper ?? NaN]);
  const domain = extent(all, type, 0.12);
  const labels = points.map((p) => {
    const error = formatError((p.predicted - p.actual) / p.actual);
    return { ...p, text: p.label ? `${p.label}: ${error}` : error };
  });
  // Labels of points in the right half go to their left, so they stay inside the frame.
  const mid = type === "log" ? Math.sqrt(domain[0] * domain[1]) : (domain[0] + domain[1]) / 2;
  const bars = points.filter((p) => p.lower !== undefined && p.upper !== undefined);
  return renderFigure(name, options, legend, (document, width, height) => {
    // Roughly square plotting area (the left margin is wider than the bottom one).
    const side = Math.min(width, height + 20);
    return [
      panel(
        document,
        {
          width: side,
          height,
          x: { type, domain, label: options.xLabel ?? "Actual loss" },
          y: { type, domain, label: options.yLabel ?? "Predicted loss" },
          color: { type: "identity" },
          marks: [
            Plot.line(domain.map((v) => ({ v })), {
              x: "v",
              y: "v",
              stroke: "#777",
              strokeDasharray: "5,3",
            }),
            Plot.ruleX(bars, {
              x: "actual",
              y1: "lower",
              y2: "upper",
              stroke: colorOf,
              strokeWidth: 1.5,
            }),
            Plot.dot(points, {
              x: "actual",
              y: "predicted",
              r: 4.5,
              fill: colorOf,
              stroke: "white",
              strokeWidth: 0.8,
            }),
            ...(options.errorLabels ?? true
              ? [true, false].map((right) =>
                Plot.text(labels.filter((l) => (l.actual > mid) === right), {
                  x: "actual",
                  y: "predicted",
                  text: "text",
                  dx: right ? -9 : 9,
                  textAnchor: right ? "end" : "start",
                  fontSize: 11,
                  stroke: "white",
                  strokeWidth: 3,
                  paintOrder: "stroke",
                  fill: "#222",
                })
              )
              : []),
            Plot.text(["y = x"], {
              frameAnchor: "top-left",
              dx: 8,
              dy: 8,
              fontSize: 11,
              fill: "#777",
            }),
          ],
        },
        (width - side) / 2,
        0,
      ),
    ];
  });
}
