/**
 * Render figures to deterministic SVG text and rasterise SVG to PNG.
 *
 * @module
 */

import { parseHTML } from "linkedom";
import { fileURLToPath } from "node:url";
import type { DomDocument, DomElement } from "./_dom.ts";

export type { DomDocument, DomElement };

/** Options of {@link renderSvg} and {@link normalizeSvg}. */
export interface RenderSvgOptions {
  /** Figure name; class names and ids are derived from it. @default "figure" */
  name?: string;
  /** Put each element on its own line (text elements stay intact). @default true */
  pretty?: boolean;
}

/** Lowercase letters, digits and dashes only. */
function slug(name: string): string {
  const s = name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase().replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s === "" ? "figure" : s;
}

/** Round decimals longer than 3 places; "-0" becomes "0". */
function roundNumbers(text: string): string {
  return text.replace(/-?\d+\.\d{4,}(?:e[-+]?\d+)?/gi, (m) => {
    const v = Number(Number(m).toFixed(3));
    return Object.is(v, -0) ? "0" : String(v);
  });
}

/** Newline before each element start/end tag that is not inside a `<text>`. */
function prettyPrint(svg: string): string {
  let inText = 0;
  return svg.replace(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g, (tag, close, name, self) => {
    const out = inText === 0 ? "\n" + tag : tag;
    if (name === "text" && !self) inText += close ? -1 : 1;
    return out;
  }).replace(/^\n/, "") + "\n";
}

/**
 * Normalise SVG text so that equal figures give byte-identical output: add the SVG
 * namespace, replace Plot's generated class names (`plot-d6a7b5`) by one derived from the
 * figure name, renumber ids (and their `url(#…)`/`href="#…"` references) in order of
 * appearance, round decimals longer than three places inside attributes, drop empty text
 * elements, and put one element per line.
 *
 * @param svg SVG markup.
 * @param options Figure name and formatting.
 * @returns The normalised markup, ending with a newline.
 * @example Class names and ids become stable
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeSvg } from "./render.ts";
 * const svg = '<svg class="plot-ab12cd"><clipPath id="plot-clip-7"/>' +
 *   '<g clip-path="url(#plot-clip-7)"><path d="M0.123456,1L2,3"/></g></svg>';
 * const out = normalizeSvg(svg, { name: "demo", pretty: false });
 * assert.equal(
 *   out,
 *   '<svg xmlns="http://www.w3.org/2000/svg" class="plot-demo"><clipPath id="demo-1"/>' +
 *     '<g clip-path="url(#demo-1)"><path d="M0.123,1L2,3"/></g></svg>\n',
 * );
 * ```
 */
export function normalizeSvg(svg: string, options: RenderSvgOptions = {}): string {
  const name = slug(options.name ?? "figure");
  let out = svg.trim();
  // The root starts with its namespace (added when missing, moved first when elsewhere).
  out = out.replace(/^<svg([^>]*)>/, (_m, attrs: string) => {
    const rest = attrs.replace(/\s+xmlns="[^"]*"/, "");
    return `<svg xmlns="http://www.w3.org/2000/svg"${rest}>`;
  });
  out = out.replace(/\bplot-[0-9a-f]{6}\b/g, `plot-${name}`);
  // Renumber ids in order of first appearance.
  const ids = new Map<string, string>();
  for (const m of out.matchAll(/\sid="([^"]+)"/g)) {
    if (!ids.has(m[1]!)) ids.set(m[1]!, `${name}-${ids.size + 1}`);
  }
  if (ids.size > 0) {
    out = out.replace(
      /(\sid=")([^"]+)(")|(url\(#)([^)]+)(\))|(href="#)([^"]+)(")/g,
      (m, a, idA, c, d, idB, f, g, idC, i) => {
        const id = idA ?? idB ?? idC;
        const to = ids.get(id);
        if (to === undefined) return m;
        return a !== undefined ? a + to + c : d !== undefined ? d + to + f : g + to + i;
      },
    );
  }
  // Round long decimals, but only inside attribute values (never in visible text).
  out = out.replace(/="([^"]*)"/g, (_m, value: string) => `="${roundNumbers(value)}"`);
  // Plot leaves an empty <text> for each unlabelled tick.
  out = out.replace(/<text(?:\s[^>]*)?\s*\/>/g, "").replace(/<text(?:\s[^>]*)?><\/text>/g, "");
  if (options.pretty ?? true) return prettyPrint(out);
  return out + "\n";
}

/**
 * Build a figure with a fresh headless DOM document and return normalised SVG text
 * (see {@link normalizeSvg}). The same inputs give byte-identical output.
 *
 * @param build Receives a document (pass it to Plot's `document` option) and returns the
 *   root SVG element.
 * @param options Figure name and formatting.
 * @returns SVG markup.
 * @throws {TypeError} When `build` does not return an `<svg>` element.
 * @example Render a small Plot chart
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { type DomDocument, type DomElement, renderSvg } from "./render.ts";
 * const build = (document: DomDocument) =>
 *   Plot.plot({ document, width: 200, height: 100, marks: [Plot.dot([1, 2, 3], { x: (d) => d })] }) as unknown as DomElement;
 * const a = renderSvg(build, { name: "tiny" });
 * assert.equal(a, renderSvg(build, { name: "tiny" }));
 * assert.ok(a.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
 * assert.equal(a.match(/<circle/g)?.length, 3);
 * ```
 */
export function renderSvg(
  build: (document: DomDocument) => DomElement,
  options: RenderSvgOptions = {},
): string {
  const window = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
    document: DomDocument;
  };
  const root = build(window.document);
  if (!root || root.tagName?.toLowerCase() !== "svg") {
    throw new TypeError(
      `Cannot render figure: build returned ${
        root ? `<${root.tagName?.toLowerCase()}>` : String(root)
      }; expected an <svg> element (Plot legends, titles and captions make a <figure>)`,
    );
  }
  return normalizeSvg(root.outerHTML, options);
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixels per SVG unit (2 gives a sharp image for slides and papers). @default 2 */
  scale?: number;
  /** Background colour (CSS). @default "white" */
  background?: string;
  /**
   * Font files (TTF/OTF) to load. By default DejaVu Sans from the npm package
   * `dejavu-fonts-ttf` when it is installed, plus the system fonts.
   */
  fontFiles?: string[];
  /** Font directories to load. */
  fontDirs?: string[];
  /** Also load the system fonts (/usr/share/fonts, fontconfig paths). @default true */
  loadSystemFonts?: boolean;
}

/** DejaVu Sans files of the npm package dejavu-fonts-ttf, when the import map has it. */
function packagedFonts(): string[] {
  const out: string[] = [];
  for (const file of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]) {
    try {
      const url = import.meta.resolve(`dejavu-fonts-ttf/ttf/${file}`);
      if (url.startsWith("file:")) out.push(fileURLToPath(url));
    } catch {
      // Not in the import map: fall back to system fonts.
    }
  }
  return out;
}

/**
 * Rasterise SVG to PNG with resvg (native addon, loaded on first use).
 *
 * Needs `--allow-ffi --allow-read --allow-sys=cpus,networkInterfaces,hostname` (the addon
 * probes the C library through `process.report`). Text is drawn with DejaVu Sans: install
 * the Debian package `fonts-dejavu-core` or the npm package `dejavu-fonts-ttf`, or pass
 * `fontFiles`.
 *
 * @param svg SVG markup (for example from {@link renderSvg}).
 * @param options Scale, background and fonts.
 * @returns PNG bytes.
 * @throws {RangeError} When `scale` is not a positive finite number.
 * @throws {Error} When resvg cannot be loaded (missing permissions) or the SVG is invalid.
 * @example Rasterise a square
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { svgToPng } from "./render.ts";
 * const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
 * assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`Cannot rasterise SVG: scale is ${scale}; expected a positive number`);
  }
  let Resvg: typeof import("@resvg/resvg-js").Resvg;
  try {
    ({ Resvg } = await import("@resvg/resvg-js"));
  } catch (err) {
    throw new Error(
      `Cannot rasterise SVG: loading @resvg/resvg-js failed (${
        (err as Error).message
      }); expected permissions --allow-ffi --allow-read --allow-sys=cpus,networkInterfaces,hostname`,
      { cause: err },
    );
  }
  const fontFiles = options.fontFiles ?? packagedFonts();
  const resvg = new Resvg(svg, {
    background: options.background ?? "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: options.loadSystemFonts ?? true,
      fontFiles,
      fontDirs: options.fontDirs ?? [],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
