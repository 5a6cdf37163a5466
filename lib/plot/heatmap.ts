/**
 * Heatmap figure: a grid of cells with values printed inside (e.g. ARE per setting).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { DomElement } from "./_dom.ts";
import { checkNonEmpty, renderFigure } from "./_common.ts";
import { type FigureOptions, FONT_SIZE, placePanel, textWidth } from "./_layout.ts";
import { formatNumber, linearTicks } from "./_ticks.ts";

/** One cell. */
export interface HeatmapCell {
  x: string | number;
  y: string | number;
  /** Value; NaN draws a grey cell with a dash. */
  value: number;
}

/** Data of {@link heatmap}. */
export interface HeatmapFigureData {
  cells: readonly HeatmapCell[];
}

/** Options of {@link heatmap}. */
export interface HeatmapFigureOptions extends FigureOptions {
  /** @default "" */
  xLabel?: string;
  /** @default "" */
  yLabel?: string;
  /** Title of the colour bar. @default "Value" */
  valueLabel?: string;
  /**
   * "sequential" (white–yellow–red, larger is worse, as for errors) or "diverging"
   * (blue–white–red around `center`). @default "sequential"
   */
  scheme?: "sequential" | "diverging";
  /** Middle of the diverging scheme. @default 0 */
  center?: number;
  /** Colour domain. @default the extent of the values (symmetric around center if diverging) */
  domain?: [number, number];
  /** Text in the cells: "percent" (0.034 → "3.4%"), or a function. @default 3 significant digits */
  format?: "percent" | ((value: number) => string);
  /** Order of the columns. @default first appearance */
  xOrder?: readonly (string | number)[];
  /** Order of the rows, top to bottom. @default first appearance */
  yOrder?: readonly (string | number)[];
}

/** Percent with two significant digits, keeping zeros: 0.04 → "4.0", 0.0046 → "0.46". */
function formatPercent(v: number): string {
  const p = 100 * v;
  if (Math.abs(p) >= 99.5) return p.toFixed(0);
  if (p === 0) return "0";
  return p.toPrecision(2).replace("-", "−");
}

/** Relative luminance of "rgb(r, g, b)" or "#rrggbb" in [0, 1]. */
function luminance(color: string): number {
  let rgb: number[];
  const m = color.match(/rgb\((\d+),\s*(\d+),\s*(\d+)\)/);
  if (m) rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (/^#[0-9a-f]{6}$/i.test(color)) {
    rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  } else return 1;
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * Draw a heatmap: columns are x categories, rows y categories, each cell coloured by its
 * value (sequential or diverging) with the value printed in black or white for contrast,
 * and a colour bar.
 *
 * @param data Cells.
 * @param options Size, title, caption, labels, colours, number format, order.
 * @returns SVG markup.
 * @throws {RangeError} When there are no cells.
 * @example Absolute relative errors of two methods on two targets
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmap } from "./heatmap.ts";
 * const svg = heatmap({
 *   cells: [
 *     { x: "1.4B", y: "Chinchilla", value: 0.012 },
 *     { x: "6.9B", y: "Chinchilla", value: 0.031 },
 *     { x: "1.4B", y: "Tied exponents", value: 0.008 },
 *     { x: "6.9B", y: "Tied exponents", value: 0.019 },
 *   ],
 * }, { format: "percent", valueLabel: "ARE" });
 * assert.ok(svg.includes(">3.1%<"));
 * assert.equal(svg.match(/aria-label="cell"/g)?.length, 1);
 * ```
 */
export function heatmap(data: HeatmapFigureData, options: HeatmapFigureOptions = {}): string {
  const name = "heatmap";
  const cells = data.cells;
  checkNonEmpty(name, "cells", cells.length);
  const xs = options.xOrder ? [...options.xOrder] : [...new Set(cells.map((c) => c.x))];
  const ys = options.yOrder ? [...options.yOrder] : [...new Set(cells.map((c) => c.y))];
  const values = cells.map((c) => c.value).filter(Number.isFinite);
  const diverging = (options.scheme ?? "sequential") === "diverging";
  const center = options.center ?? 0;
  let domain: [number, number];
  if (options.domain) domain = options.domain;
  else if (values.length === 0) domain = [0, 1];
  else if (diverging) {
    const r = Math.max(...values.map((v) => Math.abs(v - center))) || 1;
    domain = [center - r, center + r];
  } else {
    domain = [Math.min(...values), Math.max(...values)];
    if (domain[0] === domain[1]) domain = [domain[0] - 1, domain[1] + 1];
  }
  const base = Plot.scale({
    color: diverging
      ? { type: "linear", domain: [0, 1], scheme: "rdbu", reverse: true }
      : { type: "linear", domain: [0, 1], scheme: "ylorrd" },
  });
  const color = (v: number) => {
    if (!Number.isFinite(v)) return "#e6e6e6";
    const t = Math.min(1, Math.max(0, (v - domain[0]) / (domain[1] - domain[0])));
    return String(base.apply(diverging ? t : 0.05 + 0.85 * t));
  };
  const fmt = options.format === "percent"
    ? (v: number) => `${formatPercent(v)}%`
    : options.format ?? ((v: number) => formatNumber(v, 3));
  const rows = cells.map((c) => ({
    ...c,
    fill: color(c.value),
    text: Number.isFinite(c.value) ? fmt(c.value) : "–",
  }));
  const rampTicks = linearTicks(domain, 5);
  const yLabel = options.yLabel ?? "", xLabel = options.xLabel ?? "";
  const widestY = Math.max(...ys.map((y) => textWidth(String(y), FONT_SIZE)));
  return renderFigure(name, options, {
    kind: "ramp",
    title: options.valueLabel ?? "Value",
    type: "linear",
    domain,
    color,
    ticks: rampTicks.ticks,
    format: options.format === "percent" ? (v) => `${formatNumber(100 * v, 2)}%` : rampTicks.format,
  }, (document, width, height) => {
    const marginLeft = Math.ceil(widestY + 12 + (yLabel ? FONT_SIZE + 10 : 0));
    const marginBottom = xLabel ? 46 : 28;
    const plot = Plot.plot({
      document,
      width,
      height,
      marginLeft,
      marginRight: 8,
      marginTop: 10,
      marginBottom,
      className: "plot",
      x: { type: "band", domain: xs, padding: 0.03 },
      y: { type: "band", domain: ys, padding: 0.03 },
      color: { type: "identity" },
      marks: [
        Plot.axisX({
          fontSize: FONT_SIZE,
          tickSize: 0,
          label: xLabel || null,
          labelAnchor: "center",
          labelArrow: "none",
          labelOffset: marginBottom - 8,
        }),
        Plot.axisY({
          fontSize: FONT_SIZE,
          tickSize: 0,
          label: yLabel || null,
          labelAnchor: "center",
          labelArrow: "none",
          labelOffset: marginLeft - 8,
        }),
        Plot.cell(rows, { x: "x", y: "y", fill: "fill" }),
        Plot.text(rows, {
          x: "x",
          y: "y",
          text: "text",
          fontSize: FONT_SIZE,
          fill: (r: { fill: string }) => luminance(r.fill) < 0.35 ? "white" : "#111",
        }),
      ],
    }) as unknown as DomElement;
    return [placePanel(plot, 0, 0)];
  });
}
