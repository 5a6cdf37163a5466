/**
 * Data overview figure: training compute against model size, coloured by loss.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import { continuousColor, type FigureOptions, rampTicksWithEnds } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { extent, formatNumber, linearTicks, logTicks } from "./_ticks.ts";

/** One training run (or checkpoint) in {@link dataOverview}. */
export interface DataOverviewPoint {
  /** Model size N in parameters. */
  params: number;
  /** Training compute C in FLOPs. */
  flops: number;
  /** Loss at that point. */
  loss: number;
}

/** Data of {@link dataOverview}. */
export interface DataOverviewFigureData {
  points: readonly DataOverviewPoint[];
}

/** Options of {@link dataOverview}. */
export interface DataOverviewFigureOptions extends FigureOptions {
  /** Colour scale of the loss. @default "log" */
  colorType?: "log" | "linear";
  /** @default "Model size N (parameters)" */
  xLabel?: string;
  /** @default "Training compute C (FLOPs)" */
  yLabel?: string;
  /** Title of the colour bar. @default "Loss" */
  colorLabel?: string;
}

/**
 * Draw the data overview (Epoch's figure 1): one dot per run at (N, C) on log-log axes,
 * coloured by loss on a log colour scale, with a colour bar labelled at both ends.
 *
 * @param data The runs.
 * @param options Size, title, caption, labels.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or a size, compute or loss is not positive.
 * @example Three runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataOverview } from "./data_overview.ts";
 * const svg = dataOverview({
 *   points: [
 *     { params: 1e8, flops: 1e19, loss: 3.2 },
 *     { params: 1e9, flops: 1e20, loss: 2.8 },
 *     { params: 1e10, flops: 1e21, loss: 2.4 },
 *   ],
 * });
 * assert.equal(svg.match(/<circle/g)?.length, 3);
 * assert.ok(svg.includes("Training compute C (FLOPs)"));
 * ```
 */
export function dataOverview(
  data: DataOverviewFigureData,
  options: DataOverviewFigureOptions = {},
): string {
  const name = "dataOverview";
  const points = data.points;
  checkNonEmpty(name, "points", points.length);
  points.forEach((p, i) => {
    checkValue(name, "point params at", i, p.params, true);
    checkValue(name, "point flops at", i, p.flops, true);
    checkValue(name, "point loss at", i, p.loss, true);
  });
  const colorType = options.colorType ?? "log";
  const losses = points.map((p) => p.loss);
  const lossDomain: [number, number] = [Math.min(...losses), Math.max(...losses)];
  if (lossDomain[0] === lossDomain[1]) {
    lossDomain[0] *= 0.95;
    lossDomain[1] *= 1.05;
  }
  const color = continuousColor(colorType, lossDomain);
  const rampTicks = colorType === "log" ? logTicks(lossDomain, 6) : linearTicks(lossDomain, 5);
  const base = rampTicks.ticks.length >= 3 ? rampTicks : linearTicks(lossDomain, 5);
  // Label the bar's ends too (the lowest loss is the most interesting value).
  const ticks = rampTicksWithEnds(
    colorType,
    lossDomain,
    base.ticks,
    base.format,
    (v) => formatNumber(v, 3),
  );
  // Draw high losses first so the informative low-loss frontier stays on top.
  const sorted = [...points].sort((a, b) => b.loss - a.loss);
  return renderFigure(name, options, {
    kind: "ramp",
    title: options.colorLabel ?? "Loss",
    type: colorType,
    domain: lossDomain,
    color,
    ticks: ticks.ticks,
    format: ticks.format,
  }, (document, width, height) => [
    panel(document, {
      width,
      height,
      x: {
        type: "log",
        domain: extent(points.map((p) => p.params), "log"),
        label: options.xLabel ?? "Model size N (parameters)",
      },
      y: {
        type: "log",
        domain: extent(points.map((p) => p.flops), "log"),
        label: options.yLabel ?? "Training compute C (FLOPs)",
      },
      color: { type: "identity" },
      marks: [
        Plot.dot(sorted, {
          x: "params",
          y: "flops",
          r: 3.5,
          fill: (p: DataOverviewPoint) => color(p.loss),
          stroke: "white",
          strokeWidth: 0.5,
        }),
      ],
    }),
  ]);
}
