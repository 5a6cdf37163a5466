/**
 * The reports index: `reports/index.html` linking every report, with one table of all
 * comparisons with published values (ours against published, source, difference).
 *
 * @module
 */

import { join } from "node:path";
import { COMPARISON_COLUMNS, comparisonRows } from "./blocks.ts";
import { escapeHtml } from "./format.ts";
import { htmlPage } from "./html.ts";
import type { ComparisonRow, ResultsDocument } from "./types.ts";

/** One report of the index. */
export interface IndexEntry {
  /** Folder of the report, relative to the reports folder (e.g. `"chinchilla"`). */
  dir: string;
  /** Pipeline name. */
  name: string;
  title: string;
  description: string | null;
  /** True when the report ran on the synthetic fallback instead of its dataset. */
  fallback: boolean;
  comparisons: ComparisonRow[];
  /** Number of warnings (summed counts). */
  warnings: number;
}

/**
 * The index entry of a report folder from its results document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexEntry } from "./write_index.ts";
 * const e = indexEntry("q", {
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "q", title: "Q", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {}, comparisons: [],
 *   figures: [], warnings: [{ code: "x", message: "y", count: 3 }], spec: null,
 * });
 * assert.equal(e.warnings, 3);
 * assert.equal(e.fallback, false);
 * ```
 */
export function indexEntry(dir: string, results: ResultsDocument): IndexEntry {
  return {
    dir,
    name: results.pipeline.name,
    title: results.pipeline.title,
    description: results.pipeline.description,
    fallback: results.data?.fallback != null,
    comparisons: results.comparisons,
    warnings: results.warnings.reduce((s, w) => s + w.count, 0),
  };
}

/**
 * Read the `results.json` of every report folder directly under `reportsDir` (hidden folders,
 * such as the temporary folders of a report being written, are skipped), sorted by folder name.
 *
 * @param reportsDir The reports folder.
 * @returns One entry per folder that has a results.json; none when the folder does not exist.
 */
export async function collectReports(reportsDir: string): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  let listing: Deno.DirEntry[];
  try {
    listing = await Array.fromAsync(Deno.readDir(reportsDir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const dirs = listing.filter((d) => d.isDirectory && !d.name.startsWith(".")).map((d) => d.name)
    .sort();
  for (const name of dirs) {
    let text: string;
    try {
      text = await Deno.readTextFile(join(reportsDir, name, "results.json"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    out.push(indexEntry(name, JSON.parse(text) as ResultsDocument));
  }
  return out;
}

/**
 * The index page's HTML.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderIndex } from "./write_index.ts";
 * const html = renderIndex([{
 *   dir: "chinchilla", name: "chinchilla", title: "Chinchilla", description: null,
 *   fallback: false, warnings: 0,
 *   comparisons: [{
 *     quantity: "fits.f.params.E", ours: 1.8172, published: 1.81724, source: "Epoch",
 *     difference: -0.00004, relativeDifference: -2.2e-5, tolerance: null,
 *     interval: null, relativeTolerance: null, withinTolerance: null, note: null,
 *   }],
 * }]);
 * assert.match(html, /<a href="chinchilla\/report.html">Chinchilla<\/a>/);
 * assert.match(html, /<td>fits.f.params.E<\/td>/);
 * ```
 */
export function renderIndex(entries: readonly IndexEntry[]): string {
  const parts: string[] = ["<h1>Scaling-law reports</h1>"];
  if (entries.length === 0) parts.push("<p>No reports yet.</p>");
  else {
    parts.push("<ul>");
    for (const e of entries) {
      const href = `${encodeURIComponent(e.dir)}/report.html`;
      const flags: string[] = [];
      if (e.fallback) flags.push("<strong>synthetic fallback data</strong>");
      if (e.warnings > 0) flags.push(`${e.warnings} warning${e.warnings === 1 ? "" : "s"}`);
      parts.push(
        `<li><a href="${escapeHtml(href)}">${escapeHtml(e.title)}</a>${
          e.description ? ` — ${escapeHtml(e.description)}` : ""
        }${flags.length ? ` (${flags.join(", ")})` : ""}</li>`,
      );
    }
    parts.push("</ul>");
  }
  const all = entries.flatMap((e) => e.comparisons.map((c) => ({ e, c })));
  if (all.length > 0) {
    parts.push("<h2>All comparisons with published values</h2>");
    const columns = ["Report", ...COMPARISON_COLUMNS];
    const right = new Set(["Ours", "Published", "Difference", "Relative"]);
    const cls = (c: string) => (right.has(c) ? ' class="num"' : "");
    parts.push(
      `<table>\n<thead><tr>${
        columns.map((c) => `<th${cls(c)}>${escapeHtml(c)}</th>`).join("")
      }</tr></thead>\n<tbody>`,
    );
    for (const { e, c } of all) {
      const [row] = comparisonRows([c]);
      const report = `<a href="${escapeHtml(`${encodeURIComponent(e.dir)}/report.html`)}">${
        escapeHtml(e.name)
      }</a>${e.fallback ? " (synthetic fallback)" : ""}`;
      parts.push(
        `<tr><td>${report}</td>${
          row.map((v, i) => `<td${cls(COMPARISON_COLUMNS[i])}>${escapeHtml(v)}</td>`).join("")
        }</tr>`,
      );
    }
    parts.push("</tbody>\n</table>");
  }
  return htmlPage("Scaling-law reports", parts.join("\n"));
}

/**
 * Write `<reportsDir>/index.html` (atomically: a temporary file renamed over the old one).
 *
 * @param reportsDir The reports folder (created if needed).
 * @param entries The reports, e.g. from {@link collectReports}.
 * @returns The path written.
 */
export async function writeIndex(
  reportsDir: string,
  entries: readonly IndexEntry[],
): Promise<string> {
  await Deno.mkdir(reportsDir, { recursive: true });
  const path = join(reportsDir, "index.html");
  const tmp = join(reportsDir, `.index.html.tmp-${crypto.randomUUID().slice(0, 8)}`);
  try {
    await Deno.writeTextFile(tmp, renderIndex(entries));
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return path;
}
