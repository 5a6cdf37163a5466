/**
 * Private: one Plot panel with our axes (explicit ticks, 10ⁿ labels, centred axis labels,
 * minor ticks, light grid, a thin frame) sized to fit its tick labels.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { DomDocument, DomElement } from "./_dom.ts";
import { FONT_SIZE, placePanel, textWidth } from "./_layout.ts";
import { type AxisTicks, type AxisType, linearTicks, logTicks } from "./_ticks.ts";

/** One axis of a panel. */
export interface PanelAxis {
  type: AxisType;
  domain: [number, number];
  label: string;
  /** Override the automatic ticks. */
  ticks?: AxisTicks;
}

/** A panel to draw. */
export interface PanelSpec {
  width: number;
  height: number;
  x: PanelAxis;
  y: PanelAxis;
  marks: Plot.Markish[];
  /** Small bold title above the panel (for facets). */
  title?: string;
  /** A regular-weight line under the title. */
  subtitle?: string;
  /** Extra Plot options for the colour scale. */
  color?: Plot.ScaleOptions;
  /** Minimum left margin, so that panels in a row align. */
  minMarginLeft?: number;
}

/**
 * Ticks whose labels fit in `length` px (`along`: labels side by side, else stacked): the most
 * ticks whose labels fit in total, then labels that would still overlap a neighbour (unevenly
 * spaced ticks on a log axis) left blank, their ticks kept.
 */
export function fittingTicks(axis: PanelAxis, length: number, along: boolean): AxisTicks {
  if (axis.ticks) return axis.ticks;
  let ticks: AxisTicks | undefined;
  for (const count of [8, 7, 6, 5, 4, 3, 2]) {
    ticks = axis.type === "log" ? logTicks(axis.domain, count) : linearTicks(axis.domain, count);
    const need = along
      ? ticks.ticks.reduce((s, t) => s + textWidth(ticks!.format(t), FONT_SIZE) + 10, 0)
      : ticks.ticks.length * (FONT_SIZE + 14);
    if (need <= length) break;
  }
  return thinLabels(ticks!, axis, length, along);
}

/** Blank the labels that would overlap the previous label kept. */
function thinLabels(ticks: AxisTicks, axis: PanelAxis, length: number, along: boolean): AxisTicks {
  const [lo, hi] = axis.domain;
  const at = (v: number) =>
    length *
    (axis.type === "log"
      ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (v - lo) / (hi - lo));
  const size = (v: number) => (along ? textWidth(ticks.format(v), FONT_SIZE) : FONT_SIZE);
  const shown = new Set<number>();
  let last: number | undefined;
  for (const t of ticks.ticks) {
    if (last === undefined || at(t) - at(last) >= (size(t) + size(last)) / 2 + 6) {
      shown.add(t);
      last = t;
    }
  }
  if (shown.size === ticks.ticks.length) return ticks;
  return { ...ticks, format: (v) => (shown.has(v) ? ticks.format(v) : "") };
}

/** Left margin a y axis needs for its tick labels and label. */
export function marginLeftFor(axis: PanelAxis): number {
  const ticks = axis.ticks ?? logOrLinear(axis);
  const widest = Math.max(0, ...ticks.ticks.map((t) => textWidth(ticks.format(t), FONT_SIZE)));
  return Math.ceil(widest + 5 + 4 + (axis.label ? FONT_SIZE + 10 : 4));
}

function logOrLinear(axis: PanelAxis): AxisTicks {
  return axis.type === "log" ? logTicks(axis.domain) : linearTicks(axis.domain);
}

/** Draw the panel at (x, y) inside the figure body. */
export function panel(document: DomDocument, spec: PanelSpec, x = 0, y = 0): DomElement {
  const titleLines = (spec.title ? 1 : 0) + (spec.subtitle ? 1 : 0);
  const marginTop = titleLines ? 10 + 15 * titleLines : 10;
  const marginBottom = spec.x.label ? 46 : 28;
  const yt = fittingTicks(spec.y, spec.height - marginTop - marginBottom, false);
  const marginLeft = Math.max(marginLeftFor({ ...spec.y, ticks: yt }), spec.minMarginLeft ?? 0);
  const xt = fittingTicks(spec.x, spec.width - marginLeft - 20, true);
  const lastX = xt.ticks.length ? textWidth(xt.format(xt.ticks[xt.ticks.length - 1]!), 12) : 0;
  const marginRight = Math.ceil(Math.max(12, lastX / 2 + 4));
  const axisStyle = { fontSize: FONT_SIZE, tickSize: 5, tickPadding: 3 };
  const marks: Plot.Markish[] = [
    Plot.gridX(xt.ticks, { stroke: "#000", strokeOpacity: 0.07 }),
    Plot.gridY(yt.ticks, { stroke: "#000", strokeOpacity: 0.07 }),
    // Labels go through `text`, not `tickFormat`: on log scales Plot hands `tickFormat` to d3's
    // log tick format, which blanks some labels (5×10⁷ on a 2×10⁷–5×10⁸ axis).
    Plot.axisX(xt.ticks, {
      ...axisStyle,
      text: (d: number) => xt.format(d),
      label: spec.x.label,
      labelAnchor: "center",
      labelArrow: "none",
      labelOffset: marginBottom - 8,
    }),
    Plot.axisY(yt.ticks, {
      ...axisStyle,
      text: (d: number) => yt.format(d),
      label: spec.y.label,
      labelAnchor: "center",
      labelArrow: "none",
      labelOffset: marginLeft - 8,
    }),
  ];
  if (xt.minor.length) {
    marks.push(Plot.axisX(xt.minor, { tickSize: 3, tickFormat: () => "", label: null }));
  }
  if (yt.minor.length) {
    marks.push(Plot.axisY(yt.minor, { tickSize: 3, tickFormat: () => "", label: null }));
  }
  marks.push(...spec.marks);
  marks.push(Plot.frame({ stroke: "#333", strokeWidth: 0.8 }));
  const header = [
    { text: spec.title, weight: "bold" },
    { text: spec.subtitle, weight: "normal" },
  ].filter((h) => h.text);
  header.forEach((h, i) => {
    marks.push(Plot.text([h.text], {
      frameAnchor: "top-left",
      lineAnchor: "bottom",
      dy: -6 - 15 * (header.length - 1 - i),
      fontSize: FONT_SIZE,
      fontWeight: h.weight,
    }));
  });
  const options: Plot.PlotOptions = {
    document,
    width: spec.width,
    height: spec.height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    className: "plot",
    x: { type: spec.x.type, domain: spec.x.domain },
    y: { type: spec.y.type, domain: spec.y.domain },
    marks,
  };
  if (spec.color) options.color = spec.color;
  const plot = Plot.plot(options) as unknown as DomElement;
  return placePanel(plot, x, y);
}
