/**
 * Prediction-check figure: predicted against actual values at held-out targets.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import { type FigureOptions, type Legend, textWidth } from "./_layout.ts";
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

/** A label placed by {@link placeLabels}: which side of its point and its vertical offset. */
interface PlacedLabel {
  /** True when the label is left of its point (right-aligned). */
  left: boolean;
  /** Offset in px, positive downwards. */
  dy: number;
}

/**
 * Place point labels so that they do not overlap: each label goes beside its point (left of
 * points in the right half), moved up or down in steps of a line, or to the other side, until
 * its box overlaps no point and no label placed before it. Positions are in px of the plotting area.
 */
function placeLabels(
  anchors: readonly { px: number; py: number; width: number; preferLeft: boolean }[],
  lineHeight: number,
): PlacedLabel[] {
  // The points themselves are obstacles too, so that no label hides another point.
  const boxes = anchors.map((a) => ({ x0: a.px - 5, x1: a.px + 5, y0: a.py - 5, y1: a.py + 5 }));
  const out: PlacedLabel[] = new Array(anchors.length);
  // Top to bottom, so that stacks grow in a stable direction.
  const order = anchors.map((_, i) => i).sort((a, b) => anchors[a]!.py - anchors[b]!.py || a - b);
  const steps = [0, 1, -1, 2, -2, 3, -3, 4, -4];
  for (const i of order) {
    const a = anchors[i]!;
    let chosen: PlacedLabel | undefined;
    let box = { x0: 0, x1: 0, y0: 0, y1: 0 };
    for (const left of [a.preferLeft, !a.preferLeft]) {
      for (const k of steps) {
        const dy = k * lineHeight;
        const x0 = left ? a.px - 9 - a.width : a.px + 9;
        box = {
          x0,
          x1: x0 + a.width,
          y0: a.py + dy - lineHeight / 2,
          y1: a.py + dy + lineHeight / 2,
        };
        const clash = boxes.some((b) =>
          box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1
        );
        if (!clash) {
          chosen = { left, dy };
          break;
        }
      }
      if (chosen) break;
    }
    if (!chosen) {
      chosen = { left: a.preferLeft, dy: 0 };
      const x0 = a.preferLeft ? a.px - 9 - a.width : a.px + 9;
      box = { x0, x1: x0 + a.width, y0: a.py - lineHeight / 2, y1: a.py + lineHeight / 2 };
    }
    boxes.push(box);
    out[i] = chosen;
  }
  return out;
}

/**
 * Draw predicted against actual values on equal axes with the y = x line, interval bars
 * when given, and each point's signed relative error (predicted − actual) / actual, with
 * labels moved apart where they would overlap (e.g. two seeds with the same prediction).
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
  const labelTexts = points.map((p) => {
    const error = formatError((p.predicted - p.actual) / p.actual);
    return p.label ? `${p.label}: ${error}` : error;
  });
  // Labels of points in the right half go to their left, so they stay inside the frame.
  const mid = type === "log" ? Math.sqrt(domain[0] * domain[1]) : (domain[0] + domain[1]) / 2;
  const bars = points.filter((p) => p.lower !== undefined && p.upper !== undefined);
  return renderFigure(name, options, legend, (document, width, height) => {
    // Roughly square plotting area (the left margin is wider than the bottom one).
    const side = Math.min(width, height + 20);
    // Where the labels go, on an estimate of the plotting area (the panel's margins are about
    // 50 px left, 20 right, 10 top and 46 bottom); labels are then drawn at data positions.
    const unit = (v: number) =>
      type === "log"
        ? (Math.log(v) - Math.log(domain[0])) / (Math.log(domain[1]) - Math.log(domain[0]))
        : (v - domain[0]) / (domain[1] - domain[0]);
    const fromUnit = (u: number) =>
      type === "log"
        ? domain[0] * (domain[1] / domain[0]) ** u
        : domain[0] + u * (domain[1] - domain[0]);
    const innerW = Math.max(1, side - 70), innerH = Math.max(1, height - 56);
    const placed = placeLabels(
      points.map((p, i) => ({
        px: innerW * unit(p.actual),
        py: innerH * (1 - unit(p.predicted)),
        width: textWidth(labelTexts[i]!, 11),
        preferLeft: p.actual > mid,
      })),
      13,
    );
    const labels = points.map((p, i) => ({
      ...p,
      text: labelTexts[i]!,
      left: placed[i]!.left,
      labelY: fromUnit(unit(p.predicted) - placed[i]!.dy / innerH),
    }));
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
              ? [true, false].map((left) =>
                Plot.text(labels.filter((l) => l.left === left), {
                  x: "actual",
                  y: "labelY",
                  text: "text",
                  dx: left ? -9 : 9,
                  textAnchor: left ? "end" : "start",
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
