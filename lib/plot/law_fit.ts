/**
 * Law-fit figure: the fitted law against the data, extrapolated to held-out targets.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import type { FigureOptions, SwatchItem } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { formatSeriesKey, seriesColors, type SeriesKey } from "./_series.ts";
import { extent } from "./_ticks.ts";

export type { SeriesKey };

/** An observed loss. */
export interface LawFitPoint {
  /** Training tokens or compute (see `xAxis`). */
  x: number;
  loss: number;
  /** Series, usually the model size in parameters. */
  series: SeriesKey;
}

/** The fitted law of one series, sampled along x; optional band. */
export interface LawFitCurve {
  series: SeriesKey;
  x: ArrayLike<number>;
  loss: ArrayLike<number>;
  /** Lower edge of the uncertainty band, same length as `x`. */
  lower?: ArrayLike<number>;
  /** Upper edge of the uncertainty band, same length as `x`. */
  upper?: ArrayLike<number>;
}

/** A held-out target (drawn as a hollow marker). */
export interface LawFitTarget {
  series: SeriesKey;
  x: number;
  /** Actual loss of the held-out run. */
  loss: number;
  /** Text next to the marker. */
  label?: string;
}

/** Data of {@link lawFit}. */
export interface LawFitFigureData {
  points: readonly LawFitPoint[];
  curves: readonly LawFitCurve[];
  targets?: readonly LawFitTarget[];
}

/** Options of {@link lawFit}. */
export interface LawFitFigureOptions extends FigureOptions {
  /** What x is; sets the default x label. @default "tokens" */
  xAxis?: "tokens" | "compute";
  /**
   * Scale of the x axis: "log" for tokens or compute, "linear" for an input such as a mixture
   * proportion (x may then be 0). @default "log"
   */
  xType?: "log" | "linear";
  /** @default "Training tokens D" or "Training compute C (FLOPs)"; "x" on a linear axis */
  xLabel?: string;
  /** @default "Loss" */
  yLabel?: string;
  /** Use "log" when plotting reducible loss. @default "linear" */
  yType?: "linear" | "log";
  /** Legend label of the bands. @default "Uncertainty" */
  bandLabel?: string;
  /** Legend title. @default "Model size" */
  seriesLabel?: string;
  /** Label of a series in the legend. @default 70M / 1.4B for numbers, the string otherwise */
  formatSeries?: (series: SeriesKey) => string;
}

/**
 * Draw the fitted law against the data: loss against tokens (or compute) on a log x axis,
 * one colour per series (model size), the law as a solid line over each series' observed
 * range and dashed outside it (extrapolation to smaller or larger x), an optional band, and
 * held-out targets as hollow markers with labels.
 *
 * @param data Observed points, fitted curves, targets.
 * @param options Size, title, caption, labels.
 * @returns SVG markup.
 * @throws {RangeError} When there are no points or curves, or a value is not positive.
 * @example Two model sizes, one target
 * ```ts
 * import assert from "node:assert/strict";
 * import { lawFit } from "./law_fit.ts";
 * const law = (n: number, d: number) => 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28;
 * const sizes = [1e8, 4e8];
 * const xs = [1e9, 3e9, 1e10, 3e10, 1e11];
 * const svg = lawFit({
 *   points: sizes.flatMap((n) => xs.slice(0, 3).map((x) => ({ x, loss: law(n, x), series: n }))),
 *   curves: sizes.map((n) => ({ series: n, x: xs, loss: xs.map((x) => law(n, x)) })),
 *   targets: [{ series: 4e8, x: 1e11, loss: law(4e8, 1e11) + 0.01, label: "400M" }],
 * });
 * assert.ok(svg.includes("Training tokens D"));
 * assert.equal(svg.match(/stroke-dasharray/g)?.length, 2); // dashed mark + legend swatch
 * ```
 */
export function lawFit(data: LawFitFigureData, options: LawFitFigureOptions = {}): string {
  const name = "lawFit";
  checkNonEmpty(name, "points", data.points.length);
  checkNonEmpty(name, "curves", data.curves.length);
  const yType = options.yType ?? "linear";
  const xLog = (options.xType ?? "log") === "log";
  const targets = data.targets ?? [];
  data.points.forEach((p, i) => {
    checkValue(name, "point x at", i, p.x, xLog);
    checkValue(name, "point loss at", i, p.loss, yType === "log");
  });
  targets.forEach((t, i) => {
    checkValue(name, "target x at", i, t.x, xLog);
    checkValue(name, "target loss at", i, t.loss, yType === "log");
  });
  const colors = seriesColors([
    ...data.points.map((p) => p.series),
    ...data.curves.map((c) => c.series),
  ]);
  const colorOf = (k: SeriesKey) => colors.get(k) ?? "#888";
  // Observed range of each series: the law is solid over it and dashed outside (below the
  // smallest observed x as well as beyond the largest).
  const observed = new Map<SeriesKey, [number, number]>();
  for (const p of data.points) {
    const r = observed.get(p.series);
    observed.set(p.series, r ? [Math.min(r[0], p.x), Math.max(r[1], p.x)] : [p.x, p.x]);
  }
  type Row = { series: SeriesKey; x: number; loss: number; part: string };
  const usable = (x: number) => (xLog ? x > 0 : Number.isFinite(x));
  const fitted: Row[] = [], extrapolated: Row[] = [];
  const bands: { series: SeriesKey; x: number; lower: number; upper: number }[] = [];
  data.curves.forEach((curve, c) => {
    const [min, max] = observed.get(curve.series) ?? [Infinity, -Infinity];
    const region = (x: number) => (x < min ? "below" : x > max ? "above" : "fit");
    const rows: { x: number; loss: number }[] = [];
    for (let i = 0; i < curve.x.length; i++) {
      const x = curve.x[i]!, loss = curve.loss[i]!;
      if (usable(x) && Number.isFinite(loss)) rows.push({ x, loss });
      if (curve.lower && curve.upper && usable(x) && Number.isFinite(loss)) {
        bands.push({ series: curve.series, x, lower: curve.lower[i]!, upper: curve.upper[i]! });
      }
    }
    // Where the observed range starts or ends between two samples, add the curve's point there
    // (interpolated linearly in x on the axis' scale), so that the solid and dashed parts meet.
    const refined: { x: number; loss: number }[] = [];
    rows.forEach((row, i) => {
      refined.push(row);
      const next = rows[i + 1];
      if (!next) return;
      const edges = [min, max].filter((e) => (row.x - e) * (next.x - e) < 0);
      if (next.x < row.x) edges.reverse();
      for (const e of edges) {
        const t = xLog
          ? Math.log(e / row.x) / Math.log(next.x / row.x)
          : (e - row.x) / (next.x - row.x);
        refined.push({ x: e, loss: row.loss + t * (next.loss - row.loss) });
      }
    });
    const parts = new Map<string, Row[]>();
    for (const row of refined) {
      // A point on an edge belongs to the parts on both of its sides.
      const at = new Set([region(row.x)]);
      if (row.x === min) at.add("below");
      if (row.x === max) at.add("above");
      for (const part of at) {
        const key = `${c}:${part}`;
        if (!parts.has(key)) parts.set(key, []);
        parts.get(key)!.push({ series: curve.series, x: row.x, loss: row.loss, part: key });
      }
    }
    for (const [key, part] of parts) {
      if (part.length < 2) continue;
      (key.endsWith(":fit") ? fitted : extrapolated).push(...part);
    }
  });
  const format = options.formatSeries ?? formatSeriesKey;
  const items: SwatchItem[] = [...colors].map(([k, color]) => ({
    label: format(k),
    color,
    mark: "dot-line",
  }));
  if (extrapolated.length) items.push({ label: "Extrapolation", color: "#555", mark: "dashed" });
  if (bands.length) {
    items.push({ label: options.bandLabel ?? "Uncertainty", color: "#555", mark: "band" });
  }
  if (targets.length) items.push({ label: "Held-out target", color: "#333", mark: "hollow" });
  const xs = [...data.points.map((p) => p.x), ...fitted, ...extrapolated].map((r) =>
    typeof r === "number" ? r : r.x
  );
  const ys = [
    ...data.points.map((p) => p.loss),
    ...targets.map((t) => t.loss),
    ...extrapolated.map((r) => r.loss),
    ...fitted.map((r) => r.loss),
  ];
  const xAxis = options.xAxis ?? "tokens";
  const xType = xLog ? "log" : "linear";
  const xDomain = extent([...xs, ...targets.map((t) => t.x)], xType);
  const xMid = xLog ? Math.sqrt(xDomain[0] * xDomain[1]) : (xDomain[0] + xDomain[1]) / 2;
  return renderFigure(
    name,
    options,
    { kind: "swatch", title: options.seriesLabel ?? "Model size", items },
    (document, width, height) => [
      panel(document, {
        width,
        height,
        x: {
          type: xType,
          domain: xDomain,
          label: options.xLabel ??
            (!xLog ? "x" : xAxis === "tokens" ? "Training tokens D" : "Training compute C (FLOPs)"),
        },
        y: { type: yType, domain: extent(ys, yType, 0.05), label: options.yLabel ?? "Loss" },
        color: { type: "identity" },
        marks: [
          Plot.areaY(bands, {
            x: "x",
            y1: "lower",
            y2: "upper",
            z: "series",
            fill: (b: { series: SeriesKey }) => colorOf(b.series),
            fillOpacity: 0.15,
            clip: true,
          }),
          Plot.line(fitted, {
            x: "x",
            y: "loss",
            z: "part",
            stroke: (r: Row) => colorOf(r.series),
            strokeWidth: 1.8,
            clip: true,
          }),
          Plot.line(extrapolated, {
            x: "x",
            y: "loss",
            z: "part",
            stroke: (r: Row) => colorOf(r.series),
            strokeWidth: 1.8,
            strokeDasharray: "5,3",
            clip: true,
          }),
          Plot.dot(data.points, {
            x: "x",
            y: "loss",
            r: 3.5,
            fill: (p: LawFitPoint) => colorOf(p.series),
            stroke: "white",
            strokeWidth: 0.5,
          }),
          Plot.dot(targets, {
            x: "x",
            y: "loss",
            r: 6,
            fill: "white",
            stroke: (t: LawFitTarget) => colorOf(t.series),
            strokeWidth: 2,
          }),
          // Labels right of the middle go to the left of their marker, to stay in the frame.
          ...[false, true].map((right) =>
            Plot.text(targets.filter((t) => t.label && (t.x > xMid) === right), {
              x: "x",
              y: "loss",
              text: "label",
              dx: right ? -10 : 10,
              dy: -10,
              textAnchor: right ? "end" : "start",
              fontSize: 11,
              stroke: "white",
              strokeWidth: 3,
              paintOrder: "stroke",
              fill: "#222",
            })
          ),
        ],
      }),
    ],
  );
}
