/**
 * Bootstrap figure: one histogram per fitted parameter with its estimate and interval.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import type { FigureOptions } from "./_layout.ts";
import { panel } from "./_panel.ts";
import { quantile } from "./_stats.ts";
import { extent, linearTicks } from "./_ticks.ts";

/** Decimals that show an interval's width with two significant digits. */
function decimalsFor(lower: number, upper: number, estimate: number): number {
  const width = upper - lower || Math.abs(estimate) || 1;
  return Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(width))));
}

/** Bootstrap draws of one parameter. */
export interface BootstrapParameter {
  /** Parameter name, used in the panel title (e.g. "alpha" or "α"). */
  name: string;
  /** Bootstrap draws (non-finite draws are ignored). */
  draws: ArrayLike<number>;
  /** Point estimate from the full data. */
  estimate: number;
  /** Lower end of the interval. @default the 2.5% quantile of the draws */
  lower?: number;
  /** Upper end of the interval. @default the 97.5% quantile of the draws */
  upper?: number;
  /**
   * X axis of this panel: "log" for parameters optimised in log space (amplitudes such as A
   * and B, whose draws have long right tails); bins are then equal in log x and the subtitle
   * says "(log axis)". Drawn linear when a draw, the estimate or the interval is not positive,
   * or when they span less than a factor of 2 (where a log axis looks linear). @default "linear"
   */
  scale?: "linear" | "log";
}

/** Data of {@link bootstrapHistograms}. */
export interface BootstrapHistogramsFigureData {
  parameters: readonly BootstrapParameter[];
}

/** Options of {@link bootstrapHistograms}. */
export interface BootstrapHistogramsFigureOptions extends FigureOptions {
  /** Panels per row. @default min(number of parameters, 3) */
  columns?: number;
  /** Bins per histogram. @default 30 */
  bins?: number;
  /** Name of the interval in the legend. @default "95% interval" */
  intervalLabel?: string;
}

/**
 * Draw one histogram per parameter (each with its own x scale, linear or log), the point
 * estimate as a solid red line, the interval shaded between dashed lines, and "name = estimate [lower,
 * upper]" as the panel title.
 *
 * @param data Draws per parameter.
 * @param options Size, title, caption, layout.
 * @returns SVG markup.
 * @throws {RangeError} When there are no parameters, a parameter has no finite draw, or
 *   `columns`/`bins` is not a positive integer.
 * @example Two parameters
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapHistograms } from "./bootstrap_histograms.ts";
 * const draws = (m: number) => Array.from({ length: 200 }, (_, i) => m + 0.01 * Math.sin(i));
 * const svg = bootstrapHistograms({
 *   parameters: [
 *     { name: "α", draws: draws(0.34), estimate: 0.34 },
 *     { name: "β", draws: draws(0.28), estimate: 0.28 },
 *   ],
 * }, { bins: 10 });
 * assert.ok(svg.includes("α = 0.340"));
 * assert.equal(svg.match(/aria-label="rect"/g)?.length, 2 * 2); // bars + interval, per panel
 * ```
 */
export function bootstrapHistograms(
  data: BootstrapHistogramsFigureData,
  options: BootstrapHistogramsFigureOptions = {},
): string {
  const name = "bootstrapHistograms";
  const params = data.parameters;
  checkNonEmpty(name, "parameters", params.length);
  const columns = options.columns ?? Math.min(params.length, 3);
  const bins = options.bins ?? 30;
  for (const [what, v] of [["columns", columns], ["bins", bins]] as const) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`Cannot draw ${name}: ${what} is ${v}; expected a positive integer`);
    }
  }
  const panels = params.map((p, i) => {
    const draws = Float64Array.from(p.draws).filter(Number.isFinite).sort();
    checkNonEmpty(name, `draws of "${p.name}"`, draws.length);
    checkValue(name, "estimate of parameter", i, p.estimate, false);
    const lower = p.lower ?? quantile(draws, 0.025);
    const upper = p.upper ?? quantile(draws, 0.975);
    const lo = Math.min(draws[0]!, p.estimate, lower),
      hi = Math.max(draws.at(-1)!, p.estimate, upper);
    // A log axis only where it shows something: over less than a factor of 2 it looks linear.
    const log = p.scale === "log" && lo > 0 && hi / lo >= 2;
    // Bin edges equally spaced in x, or in log x on a log axis.
    const t = log ? Math.log : (v: number) => v;
    const width = (t(hi) - t(lo)) / bins || 1;
    const edge = (k: number) => (log ? lo * Math.exp(k * width) : lo + k * width);
    const counts = new Array<number>(bins).fill(0);
    for (const d of draws) {
      counts[Math.max(0, Math.min(bins - 1, Math.floor((t(d) - t(lo)) / width)))]! += 1;
    }
    const bars = counts.map((count, k) => ({ x1: edge(k), x2: edge(k + 1), count }));
    // Same decimals for estimate and interval: two significant digits of the width.
    const decimals = decimalsFor(lower, upper, p.estimate);
    const f = (v: number) => {
      const text = v.toFixed(decimals);
      return text.startsWith("-") ? "−" + text.slice(1) : text;
    };
    return {
      p,
      bars,
      lower,
      upper,
      type: (log ? "log" : "linear") as "log" | "linear",
      top: Math.max(...counts) * 1.08,
      title: `${p.name} = ${f(p.estimate)}`,
      subtitle: `[${f(lower)}, ${f(upper)}]${log ? " (log axis)" : ""}`,
      domain: extent([lo, hi], log ? "log" : "linear", 0.03),
    };
  });
  const rows = Math.ceil(panels.length / columns);
  return renderFigure(name, options, {
    kind: "swatch",
    items: [
      { label: "Estimate", color: "#d62728", mark: "line" },
      { label: options.intervalLabel ?? "95% interval", color: "#4e79a7", mark: "band" },
    ],
  }, (document, width, height) => {
    const w = width / columns, h = height / rows;
    return panels.map((q, i) => {
      const yTicks = linearTicks([0, q.top], 4);
      return panel(
        document,
        {
          width: w,
          height: h,
          title: q.title,
          subtitle: q.subtitle,
          x: { type: q.type, domain: q.domain, label: "" },
          y: {
            type: "linear",
            domain: [0, q.top],
            label: i % columns === 0 ? "Count" : "",
            ticks: yTicks,
          },
          marks: [
            Plot.rect([q], {
              x1: "lower",
              x2: "upper",
              y1: 0,
              y2: q.top,
              fill: "#4e79a7",
              fillOpacity: 0.12,
            }),
            Plot.rect(q.bars, {
              x1: "x1",
              x2: "x2",
              y1: 0,
              y2: "count",
              fill: "#8c8c8c",
              inset: 0.3,
            }),
            Plot.ruleX([q.lower, q.upper], { stroke: "#4e79a7", strokeDasharray: "4,3" }),
            Plot.ruleX([q.p.estimate], { stroke: "#d62728", strokeWidth: 2 }),
          ],
        },
        (i % columns) * w,
        Math.floor(i / columns) * h,
      );
    });
  }, "top");
}
