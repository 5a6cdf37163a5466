/**
 * IsoFLOP figure: loss against model size, one curve per compute budget.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure, toArray } from "./_common.ts";
import {
  continuousColor,
  type FigureOptions,
  type Legend,
  rampTicksWithEnds,
  sequentialColors,
  type SwatchItem,
} from "./_layout.ts";
import { panel } from "./_panel.ts";
import { fitParabola } from "./_stats.ts";
import { extent, formatSci, logTicks } from "./_ticks.ts";

/** Most budgets listed one by one in the legend; more get a colour bar. */
export const MAX_SWATCH_BUDGETS = 10;

/** One run of an IsoFLOP profile. */
export interface IsoflopPoint {
  /** Compute budget in FLOPs; runs are grouped by this value to 3 significant digits. */
  flops: number;
  /** Model size N in parameters. */
  params: number;
  loss: number;
}

/** A fitted curve of one budget, sampled at `params`. */
export interface IsoflopCurve {
  flops: number;
  params: ArrayLike<number>;
  loss: ArrayLike<number>;
}

/** The optimum of one budget. */
export interface IsoflopMinimum {
  flops: number;
  params: number;
  loss: number;
}

/** Data of {@link isoflopCurves}. */
export interface IsoflopCurvesFigureData {
  points: readonly IsoflopPoint[];
  /** Fitted curves; when absent, a parabola in log N is fitted per budget (see `fit`). */
  curves?: readonly IsoflopCurve[];
  /** Minima; when absent, the vertices of the fitted parabolas. */
  minima?: readonly IsoflopMinimum[];
}

/** Options of {@link isoflopCurves}. */
export interface IsoflopCurvesFigureOptions extends FigureOptions {
  /**
   * Curve fitted when `data.curves` is absent: a parabola of loss in log10 N (Hoffmann's
   * Approach 2), or none. @default "parabola"
   */
  fit?: "parabola" | "none";
  /** @default "Model size N (parameters)" */
  xLabel?: string;
  /** @default "Loss" */
  yLabel?: string;
  /** @default "linear" */
  yType?: "linear" | "log";
  /**
   * Legend of the budgets: one swatch per budget, or a colour bar over log compute (budgets
   * are then coloured by their compute rather than their rank). @default "swatch" for at most
   * {@link MAX_SWATCH_BUDGETS} budgets, "ramp" otherwise
   */
  legend?: "swatch" | "ramp";
}

/** Group key of a budget: 3 significant digits. */
function budgetKey(flops: number): number {
  return Number(flops.toPrecision(3));
}

/**
 * Draw IsoFLOP profiles: loss against model size (log x) for each compute budget, one
 * colour per budget (dark = small, light = large), the fitted curve of each budget and
 * its minimum as a diamond. Up to {@link MAX_SWATCH_BUDGETS} budgets are listed in the legend;
 * more are shown as a colour bar over log compute, so the legend never overflows.
 *
 * @param data Runs, and optionally fitted curves and minima.
 * @param options Size, title, caption, labels, fit.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or a value is not positive.
 * @example Two budgets, parabolas fitted automatically
 * ```ts
 * import assert from "node:assert/strict";
 * import { isoflopCurves } from "./isoflop_curves.ts";
 * const points = [1e8, 2e8, 4e8, 8e8].flatMap((n) => [
 *   { flops: 1e19, params: n, loss: 3 + (Math.log10(n) - 8.3) ** 2 },
 *   { flops: 1e20, params: n * 3, loss: 2.7 + (Math.log10(n * 3) - 8.8) ** 2 },
 * ]);
 * const svg = isoflopCurves({ points });
 * assert.equal(svg.match(/<circle/g)?.length, 8 + 2); // runs + 2 legend swatches
 * assert.ok(svg.includes("10¹⁹"));
 * ```
 */
export function isoflopCurves(
  data: IsoflopCurvesFigureData,
  options: IsoflopCurvesFigureOptions = {},
): string {
  const name = "isoflopCurves";
  checkNonEmpty(name, "points", data.points.length);
  const yType = options.yType ?? "linear";
  data.points.forEach((p, i) => {
    checkValue(name, "point flops at", i, p.flops, true);
    checkValue(name, "point params at", i, p.params, true);
    checkValue(name, "point loss at", i, p.loss, yType === "log");
  });
  const budgets = [...new Set(data.points.map((p) => budgetKey(p.flops)))].sort((a, b) => a - b);
  const ramp = (options.legend ?? (budgets.length > MAX_SWATCH_BUDGETS ? "ramp" : "swatch")) ===
      "ramp" && budgets.length > 1;
  const rampDomain: [number, number] = [budgets[0]!, budgets.at(-1)!];
  const rampColor = continuousColor("log", rampDomain);
  const colors = ramp ? budgets.map(rampColor) : sequentialColors(budgets.length);
  const colorOf = (flops: number) => colors[budgets.indexOf(budgetKey(flops))] ?? "#888";

  let curves: { flops: number; params: number; loss: number }[] = [];
  let minima: IsoflopMinimum[] = [];
  if (data.curves) {
    curves = data.curves.flatMap((c) =>
      toArray(c.params).map((n, i) => ({ flops: c.flops, params: n, loss: c.loss[i]! }))
    );
  }
  if (data.minima) minima = [...data.minima];
  if ((options.fit ?? "parabola") === "parabola" && (!data.curves || !data.minima)) {
    for (const budget of budgets) {
      const group = data.points.filter((p) => budgetKey(p.flops) === budget);
      const x = group.map((p) => Math.log10(p.params));
      const coef = fitParabola(x, group.map((p) => p.loss));
      if (!coef) continue;
      const [c0, c1, c2] = coef;
      const lo = Math.min(...x), hi = Math.max(...x), pad = 0.05 * (hi - lo);
      if (!data.curves) {
        for (let k = 0; k <= 60; k++) {
          const u = lo - pad + (k / 60) * (hi - lo + 2 * pad);
          curves.push({ flops: budget, params: 10 ** u, loss: c0 + c1 * u + c2 * u * u });
        }
      }
      const vertex = -c1 / (2 * c2);
      if (!data.minima && c2 > 0 && vertex >= lo - pad && vertex <= hi + pad) {
        minima.push({
          flops: budget,
          params: 10 ** vertex,
          loss: c0 + c1 * vertex + c2 * vertex ** 2,
        });
      }
    }
  }

  const items: SwatchItem[] = budgets.map((b, i) => ({
    label: formatSci(b, 2),
    color: colors[i]!,
    mark: "dot-line",
  }));
  if (minima.length) items.push({ label: "Minimum", color: "#333", mark: "diamond" });
  let legend: Legend = { kind: "swatch", title: "Compute (FLOPs)", items };
  if (ramp) {
    const t = logTicks(rampDomain, 5);
    const ticks = rampTicksWithEnds("log", rampDomain, t.ticks, t.format, (v) => formatSci(v, 2));
    legend = {
      kind: "ramp",
      title: "Compute (FLOPs)",
      type: "log",
      domain: rampDomain,
      color: rampColor,
      ticks: ticks.ticks,
      format: ticks.format,
    };
  }
  const xs = [...data.points.map((p) => p.params), ...curves.map((c) => c.params)];
  const ys = [...data.points.map((p) => p.loss), ...minima.map((m) => m.loss)];
  return renderFigure(
    name,
    options,
    legend,
    (document, width, height) => [
      panel(document, {
        width,
        height,
        x: {
          type: "log",
          domain: extent(xs, "log"),
          label: options.xLabel ?? "Model size N (parameters)",
        },
        y: {
          type: yType,
          domain: extent(ys, yType, 0.06),
          label: options.yLabel ?? "Loss",
        },
        color: { type: "identity" },
        marks: [
          Plot.line(curves, {
            x: "params",
            y: "loss",
            z: "flops",
            stroke: (c: { flops: number }) => colorOf(c.flops),
            strokeWidth: 1.5,
            clip: true,
          }),
          Plot.dot(data.points, {
            x: "params",
            y: "loss",
            r: 3.5,
            fill: (p: IsoflopPoint) => colorOf(p.flops),
            stroke: "white",
            strokeWidth: 0.5,
          }),
          Plot.dot(minima, {
            x: "params",
            y: "loss",
            symbol: "diamond",
            r: 6,
            fill: (m: IsoflopMinimum) => colorOf(m.flops),
            stroke: "#222",
            strokeWidth: 1.2,
          }),
        ],
      }),
    ],
  );
}
