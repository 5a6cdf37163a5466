/**
 * Downstream figure: accuracy (or error) against loss with a fitted curve.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import type { FigureOptions, SwatchItem } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { formatSeriesKey, seriesColors, type SeriesKey } from "./_series.ts";
import { extent, formatNumber } from "./_ticks.ts";

/** One model's loss and accuracy. */
export interface AccuracyPoint {
  loss: number;
  accuracy: number;
  /** Optional series (colours and legend), e.g. the model size. */
  series?: SeriesKey;
  /** Held out from the fit: drawn hollow. @default false */
  heldOut?: boolean;
}

/** The fitted mapping sampled along loss, with an optional band. */
export interface AccuracyCurve {
  loss: ArrayLike<number>;
  accuracy: ArrayLike<number>;
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

/** Data of {@link lossToAccuracy}. */
export interface LossToAccuracyFigureData {
  points: readonly AccuracyPoint[];
  curve?: AccuracyCurve;
  /** Accuracy of random guessing, drawn as a dashed rule. */
  chance?: number;
}

/** Options of {@link lossToAccuracy}. */
export interface LossToAccuracyFigureOptions extends FigureOptions {
  /** @default "Loss" */
  xLabel?: string;
  /** @default "Accuracy" */
  yLabel?: string;
  /** Legend title when points have series. @default "Model size" */
  seriesLabel?: string;
  /** Label of the fitted curve in the legend. @default "Fit" */
  curveLabel?: string;
}

/**
 * Draw accuracy against loss: points (hollow when held out), the fitted curve with its
 * band, and the chance level as a dashed rule.
 *
 * @param data Points, fitted curve, chance level.
 * @param options Size, title, caption, labels.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or a value is not finite.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossToAccuracy } from "./loss_to_accuracy.ts";
 * const svg = lossToAccuracy({
 *   points: [{ loss: 3, accuracy: 0.3 }, { loss: 2.5, accuracy: 0.45 }, { loss: 2.2, accuracy: 0.6, heldOut: true }],
 *   chance: 0.25,
 * });
 * assert.ok(svg.includes("Chance (0.25)"));
 * assert.equal(svg.match(/<circle/g)?.length, 3 + 2); // points + legend swatches
 * ```
 */
export function lossToAccuracy(
  data: LossToAccuracyFigureData,
  options: LossToAccuracyFigureOptions = {},
): string {
  const name = "lossToAccuracy";
  const points = data.points;
  checkNonEmpty(name, "points", points.length);
  points.forEach((p, i) => {
    checkValue(name, "point loss at", i, p.loss, false);
    checkValue(name, "point accuracy at", i, p.accuracy, false);
  });
  const hasSeries = points.some((p) => p.series !== undefined);
  const colors = seriesColors(points.map((p) => p.series ?? ""));
  const colorOf = (p: AccuracyPoint) => hasSeries ? colors.get(p.series ?? "")! : "#4e79a7";
  const curve: { loss: number; accuracy: number; lower: number; upper: number }[] = [];
  if (data.curve) {
    const c = data.curve;
    for (let i = 0; i < c.loss.length; i++) {
      curve.push({
        loss: c.loss[i]!,
        accuracy: c.accuracy[i]!,
        lower: c.lower?.[i] ?? NaN,
        upper: c.upper?.[i] ?? NaN,
      });
    }
  }
  const band = curve.filter((r) => Number.isFinite(r.lower) && Number.isFinite(r.upper));
  const items: SwatchItem[] = hasSeries
    ? [...colors].map(([k, color]) => ({ label: formatSeriesKey(k), color, mark: "dot" }))
    : [{ label: "Fitted on", color: "#4e79a7", mark: "dot" }];
  if (points.some((p) => p.heldOut)) {
    items.push({ label: "Held out", color: hasSeries ? "#333" : "#4e79a7", mark: "hollow" });
  }
  if (curve.length) {
    items.push({
      label: options.curveLabel ?? "Fit",
      color: "#222",
      mark: band.length ? "band" : "line",
    });
  }
  if (data.chance !== undefined) {
    items.push({ label: `Chance (${formatNumber(data.chance)})`, color: "#999", mark: "dashed" });
  }
  const xs = [...points.map((p) => p.loss)];
  const ys = [
    ...points.map((p) => p.accuracy),
    ...band.flatMap((r) => [r.lower, r.upper]),
    ...(data.chance === undefined ? [] : [data.chance]),
  ];
  const fitted = points.filter((p) => !p.heldOut), held = points.filter((p) => p.heldOut);
  return renderFigure(
    name,
    options,
    { kind: "swatch", title: hasSeries ? options.seriesLabel ?? "Model size" : undefined, items },
    (document, width, height) => [
      panel(document, {
        width,
        height,
        x: { type: "linear", domain: extent(xs, "linear", 0.06), label: options.xLabel ?? "Loss" },
        y: {
          type: "linear",
          domain: extent(ys, "linear", 0.08),
          label: options.yLabel ?? "Accuracy",
        },
        color: { type: "identity" },
        marks: [
          ...(data.chance === undefined ? [] : [
            Plot.ruleY([data.chance], {
              stroke: "#999",
              strokeDasharray: "5,3",
              strokeWidth: 1.5,
            }),
          ]),
          Plot.areaY(band, {
            x: "loss",
            y1: "lower",
            y2: "upper",
            fill: "#222",
            fillOpacity: 0.12,
            clip: true,
          }),
          Plot.line(curve, {
            x: "loss",
            y: "accuracy",
            stroke: "#222",
            strokeWidth: 1.8,
            clip: true,
          }),
          Plot.dot(fitted, {
            x: "loss",
            y: "accuracy",
            r: 4,
            fill: colorOf,
            stroke: "white",
            strokeWidth: 0.6,
          }),
          Plot.dot(held, {
            x: "loss",
            y: "accuracy",
            r: 5,
            fill: "white",
            stroke: colorOf,
            strokeWidth: 2,
          }),
        ],
      }),
    ],
  );
}
