/**
 * Private figure layout: an outer SVG with a white background, a title, a wrapped caption,
 * a legend column on the right and a body (one or more Plot panels) in the rest.
 *
 * Everything is plain SVG (no HTML, no canvas) so that resvg and browsers draw the same
 * figure; text is measured with a width table for DejaVu Sans, the font we ship with.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { DomDocument, DomElement } from "./_dom.ts";

/** Font stack written into every figure: DejaVu Sans first (resvg), Verdana in browsers. */
export const FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif";
/** Base font size of tick labels, axis labels and legends, in px. */
export const FONT_SIZE = 12;
const TITLE_SIZE = 15;
const CAPTION_SIZE = 11;
const SVG_NS = "http://www.w3.org/2000/svg";

/** Shared options of every figure builder. */
export interface FigureOptions {
  /** Figure width in px. @default 640 */
  width?: number;
  /** Figure height in px, including title and caption. @default 420 */
  height?: number;
  /** Title drawn in bold at the top left. */
  title?: string;
  /** Caption drawn below the plot, wrapped to the figure width. */
  caption?: string;
  /** Stable name used for class names and ids. @default the builder's name */
  name?: string;
}

/** A legend entry: a label and how its mark looks. */
export interface SwatchItem {
  label: string;
  color: string;
  /** Mark drawn in the swatch. */
  mark: "dot" | "hollow" | "line" | "dashed" | "dot-line" | "band" | "square" | "diamond";
  /** Dash pattern of a "dashed" swatch. @default "5,3" */
  dash?: string;
}

/** A legend with one swatch per category. */
export interface SwatchLegend {
  kind: "swatch";
  title?: string;
  items: SwatchItem[];
}

/** A continuous colour bar. */
export interface RampLegend {
  kind: "ramp";
  title: string;
  type: "linear" | "log";
  domain: [number, number];
  /** Colour of a value (the same scale the plot uses). */
  color: (value: number) => string;
  ticks: number[];
  format: (value: number) => string;
}

/** Any legend. */
export type Legend = SwatchLegend | RampLegend;

/**
 * Advance widths (em) of DejaVu Sans for ASCII 32..126, read from the font's hmtx table
 * (fonts-dejavu-core 2.37); other characters use 0.64 em, superscripts 0.4 em.
 */
const ASCII_WIDTHS = (
  "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 " +
  "636 636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 " +
  "557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 " +
  "635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 " +
  "592 592 525 636 337 636 838"
).split(" ").map((w) => Number(w) / 1000);

/** Width advance of one character of DejaVu Sans, in em. */
function charWidth(c: string): number {
  const code = c.codePointAt(0)!;
  if (code >= 32 && code <= 126) return ASCII_WIDTHS[code - 32]!;
  if (/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]/.test(c)) return 0.401;
  if (c === "×" || c === "−" || c === "≥" || c === "≤" || c === "±") return 0.838;
  return 0.64;
}

/** Estimated width of `text` in px at `size` px (bold text is about 10% wider). */
export function textWidth(text: string, size: number, bold = false): number {
  let w = 0;
  for (const c of text) w += charWidth(c);
  return w * size * (bold ? 1.1 : 1);
}

/** Break `text` into lines no wider than `width` px at `size` px. */
export function wrapText(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      const next = line === "" ? word : line + " " + word;
      if (line !== "" && textWidth(next, size) > width) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Create an SVG element with attributes and children. */
export function svgElement(
  document: DomDocument,
  tag: string,
  attributes: Record<string, string | number>,
  children: (DomElement | string)[] = [],
): DomElement {
  const node = document.createElementNS(SVG_NS, tag);
  // linkedom serialises attributes in reverse order of setting; set them backwards so the
  // markup reads in the order written here.
  for (const [key, value] of Object.entries(attributes).reverse()) {
    node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (typeof child === "string") node.appendChild(document.createTextNode(child));
    else node.appendChild(child);
  }
  return node;
}

/** Turn a Plot root into a nested SVG panel placed at (x, y) that inherits our fonts. */
export function placePanel(plot: DomElement, x: number, y: number): DomElement {
  for (const style of Array.from(plot.querySelectorAll("style"))) style.remove();
  plot.removeAttribute("font-family");
  plot.removeAttribute("class");
  plot.setAttribute("font-size", String(FONT_SIZE));
  plot.setAttribute("x", String(x));
  plot.setAttribute("y", String(y));
  return plot;
}

/** Width the legend column needs. */
function legendWidth(legend: Legend): number {
  const size = FONT_SIZE;
  if (legend.kind === "swatch") {
    const labels = legend.items.map((item) => textWidth(item.label, size) + 30);
    return Math.ceil(Math.max(textWidth(legend.title ?? "", size, true), ...labels)) + 16;
  }
  const labels = legend.ticks.map((t) => textWidth(legend.format(t), size) + 28);
  return Math.ceil(Math.max(textWidth(legend.title, size, true), ...labels)) + 16;
}

/** Draw one swatch mark centred at (x, y). */
function swatchMark(document: DomDocument, item: SwatchItem, x: number, y: number): DomElement[] {
  const c = item.color;
  const line = (dash?: string) =>
    svgElement(document, "line", {
      x1: x - 10,
      x2: x + 10,
      y1: y,
      y2: y,
      stroke: c,
      "stroke-width": 2,
      ...(dash ? { "stroke-dasharray": dash } : {}),
    });
  switch (item.mark) {
    case "dot":
      return [svgElement(document, "circle", { cx: x, cy: y, r: 4, fill: c })];
    case "hollow":
      return [svgElement(document, "circle", {
        cx: x,
        cy: y,
        r: 4.5,
        fill: "white",
        stroke: c,
        "stroke-width": 1.5,
      })];
    case "line":
      return [line()];
    case "dashed":
      return [line(item.dash ?? "5,3")];
    case "dot-line":
      return [line(), svgElement(document, "circle", { cx: x, cy: y, r: 3.5, fill: c })];
    case "band":
      return [
        svgElement(document, "rect", {
          x: x - 10,
          y: y - 6,
          width: 20,
          height: 12,
          fill: c,
          "fill-opacity": 0.2,
        }),
        line(),
      ];
    case "square":
      return [svgElement(document, "rect", { x: x - 6, y: y - 6, width: 12, height: 12, fill: c })];
    case "diamond":
      return [svgElement(document, "path", {
        d: `M${x},${y - 5.5}L${x + 5.5},${y}L${x},${y + 5.5}L${x - 5.5},${y}Z`,
        fill: c,
        stroke: "white",
        "stroke-width": 0.8,
      })];
  }
}

/** Draw a swatch legend as one row (wrapping when needed) starting at (x, y); returns its height. */
function drawLegendRow(
  document: DomDocument,
  legend: SwatchLegend,
  x: number,
  y: number,
  width: number,
): { element: DomElement; height: number } {
  const children: DomElement[] = [];
  let left = x, top = y;
  if (legend.title) {
    children.push(
      svgElement(document, "text", { x: left, y: top + 11, "font-weight": "bold" }, [legend.title]),
    );
    left += textWidth(legend.title, FONT_SIZE, true) + 12;
  }
  for (const item of legend.items) {
    const w = 26 + textWidth(item.label, FONT_SIZE) + 16;
    if (left + w > x + width && left > x) {
      left = x;
      top += 19;
    }
    children.push(...swatchMark(document, item, left + 10, top + 7));
    children.push(svgElement(document, "text", { x: left + 26, y: top + 11 }, [item.label]));
    left += w;
  }
  return {
    element: svgElement(document, "g", { "aria-label": "legend" }, children),
    height: top - y + 19,
  };
}

/** Draw a legend with its top-left corner at (x, y). */
function drawLegend(
  document: DomDocument,
  legend: Legend,
  x: number,
  y: number,
  idPrefix: string,
): DomElement {
  const children: DomElement[] = [];
  let top = y;
  const title = legend.title;
  if (title) {
    children.push(svgElement(document, "text", { x, y: top + 12, "font-weight": "bold" }, [title]));
    top += 22;
  }
  if (legend.kind === "swatch") {
    for (const item of legend.items) {
      children.push(...swatchMark(document, item, x + 10, top + 7));
      children.push(svgElement(document, "text", { x: x + 26, y: top + 11 }, [item.label]));
      top += 19;
    }
  } else {
    const barHeight = RAMP_HEIGHT, barWidth = 14;
    const [lo, hi] = legend.domain;
    const toT = legend.type === "log"
      ? (v: number) => (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (v: number) => (v - lo) / (hi - lo);
    const stops: DomElement[] = [];
    const n = 16;
    for (let k = 0; k <= n; k++) {
      const t = k / n;
      const v = legend.type === "log" ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
      stops.push(svgElement(document, "stop", { offset: t, "stop-color": legend.color(v) }));
    }
    const id = `${idPrefix}-ramp`;
    children.push(svgElement(document, "defs", {}, [
      svgElement(document, "linearGradient", { id, x1: 0, y1: 1, x2: 0, y2: 0 }, stops),
    ]));
    children.push(svgElement(document, "rect", {
      x,
      y: top,
      width: barWidth,
      height: barHeight,
      fill: `url(#${id})`,
    }));
    for (const tick of legend.ticks) {
      const t = toT(tick);
      if (!(t >= -1e-9 && t <= 1 + 1e-9)) continue;
      const ty = top + barHeight * (1 - t);
      children.push(svgElement(document, "line", {
        x1: x + barWidth,
        x2: x + barWidth + 4,
        y1: ty,
        y2: ty,
        stroke: "#333",
      }));
      children.push(
        svgElement(document, "text", { x: x + barWidth + 7, y: ty + 4 }, [legend.format(tick)]),
      );
    }
  }
  return svgElement(document, "g", { "aria-label": "legend" }, children);
}

/** Height of a colour bar in px. */
export const RAMP_HEIGHT = 150;

/**
 * Ticks of a colour bar with both ends labelled: the domain's ends are added (formatted with
 * `endFormat`) unless a regular tick already lies within `minGap` px of them, and regular ticks
 * closer than `minGap` px to an added end are dropped, so that the bar says where it starts and
 * stops without overlapping labels.
 */
export function rampTicksWithEnds(
  type: "linear" | "log",
  domain: [number, number],
  ticks: readonly number[],
  format: (value: number) => string,
  endFormat: (value: number) => string,
  minGap = 15,
): { ticks: number[]; format: (value: number) => string } {
  const [lo, hi] = domain;
  const px = (v: number) =>
    RAMP_HEIGHT *
    (type === "log"
      ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (v - lo) / (hi - lo));
  const inside = ticks.filter((t) => px(t) >= -1e-9 && px(t) <= RAMP_HEIGHT + 1e-9);
  const ends = [lo, hi].filter((end) => inside.every((t) => Math.abs(px(t) - px(end)) >= minGap));
  const kept = inside.filter((t) => ends.every((end) => Math.abs(px(t) - px(end)) >= minGap));
  const all = [...kept, ...ends].sort((a, b) => a - b);
  return { ticks: all, format: (v) => (ends.includes(v) ? endFormat(v) : format(v)) };
}

/** Inputs to {@link figure}. */
export interface FigureLayout {
  width: number;
  height: number;
  title?: string | undefined;
  caption?: string | undefined;
  name: string;
  legend?: Legend | undefined;
  /** Where the legend goes; "top" (a row under the title) needs a swatch legend. */
  legendPosition?: "right" | "top";
  /** Draws the body into a box of the given size; returns elements placed from (0, 0). */
  body: (width: number, height: number) => DomElement[];
}

/** Compose a complete figure as an outer SVG element. */
export function figure(document: DomDocument, layout: FigureLayout): DomElement {
  const { width, height, name } = layout;
  const pad = 10;
  const children: DomElement[] = [
    svgElement(document, "rect", { width, height, fill: "white" }),
  ];
  let top = 4;
  if (layout.title) {
    const lines = wrapText(layout.title, width - 2 * pad, TITLE_SIZE * 1.1);
    for (const line of lines) {
      top += TITLE_SIZE + 5;
      children.push(svgElement(document, "text", {
        x: pad,
        y: top,
        "font-size": TITLE_SIZE,
        "font-weight": "bold",
      }, [line]));
    }
    top += 4;
  }
  let bottom = height;
  if (layout.caption) {
    const lines = wrapText(layout.caption, width - 2 * pad, CAPTION_SIZE);
    bottom -= lines.length * (CAPTION_SIZE + 4) + 8;
    lines.forEach((line, i) => {
      children.push(svgElement(document, "text", {
        x: pad,
        y: bottom + 4 + (i + 1) * (CAPTION_SIZE + 4) - 3,
        "font-size": CAPTION_SIZE,
        fill: "#444",
      }, [line]));
    });
  }
  let legend = layout.legend;
  if (legend && legend.kind === "swatch" && layout.legendPosition === "top") {
    const row = drawLegendRow(document, legend, pad, top + 2, width - 2 * pad);
    children.push(row.element);
    top += row.height + 6;
    legend = undefined;
  }
  const legendW = legend ? legendWidth(legend) : 0;
  const bodyW = width - legendW, bodyH = bottom - top;
  if (bodyH < 80 || bodyW < 120) {
    throw new RangeError(
      `Cannot lay out figure "${name}": ${Math.round(bodyW)}x${
        Math.round(bodyH)
      } px left for the plot; expected at least 120x80 (enlarge width/height or shorten the caption)`,
    );
  }
  const body = svgElement(
    document,
    "g",
    { transform: `translate(0,${top})`, "aria-label": "body" },
    layout.body(bodyW, bodyH),
  );
  children.push(body);
  if (legend) children.push(drawLegend(document, legend, bodyW + 4, top + 12, name));
  return svgElement(document, "svg", {
    xmlns: SVG_NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    "font-family": FONT_FAMILY,
    "font-size": FONT_SIZE,
    fill: "black",
    class: `figure-${name}`,
  }, children);
}

/** Categorical colours (Tableau 10), distinguishable in print. */
export const CATEGORICAL = [
  "#4e79a7",
  "#f28e2c",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc949",
  "#af7aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ab",
];

/** `n` ordered colours from viridis, stopping before its pale yellow end. */
export function sequentialColors(n: number): string[] {
  const scale = Plot.scale({ color: { type: "linear", domain: [0, 1], scheme: "viridis" } });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(String(scale.apply(n === 1 ? 0.4 : (i / (n - 1)) * 0.88)));
  }
  return out;
}

/** Colour of a value on a continuous viridis scale over `domain` (log or linear). */
export function continuousColor(
  type: "linear" | "log",
  domain: [number, number],
  scheme: Plot.ColorScheme = "viridis",
): (value: number) => string {
  const base = Plot.scale({ color: { type: "linear", domain: [0, 1], scheme } });
  const [lo, hi] = domain;
  const top = scheme === "viridis" ? 0.88 : 1;
  return (value: number) => {
    let t = type === "log"
      ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : (value - lo) / (hi - lo);
    if (!Number.isFinite(t)) t = 0.5;
    return String(base.apply(Math.min(1, Math.max(0, t)) * top));
  };
}
