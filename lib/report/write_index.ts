/**
 * The reports index: `reports/index.html` linking every report, with the comparisons with
 * published values of each report (ours against published, relative difference, verdict, short
 * source with the full citation as a numbered note).
 *
 * @module
 */

import { join } from "node:path";
import {
  allLoads,
  COMPARISON_COLUMNS,
  comparisonRows,
  FILTER_WARNING,
  sourceNotes,
} from "./blocks.ts";
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
  /**
   * Number of distinct warnings, other than the rows filters dropped (those are counted in
   * `filtered`): a warning met 88 times counts once.
   */
  warnings: number;
  /** Observations removed by the report's filter steps. */
  filtered: number;
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
 *   figures: [], spec: null, warnings: [
 *     { code: "fit.at-bound", message: "y", count: 3 },
 *     { code: "filter.dropped", message: "dropped checkpoints before the end", count: 440 },
 *   ],
 * });
 * assert.equal(e.warnings, 1);
 * assert.equal(e.filtered, 0); // counted from the data summary's filter steps (none here)
 * assert.equal(e.fallback, false);
 * ```
 */
export function indexEntry(dir: string, results: ResultsDocument): IndexEntry {
  // Every load of the pipeline: a fallback in any of them, and the filters of all of them.
  const loads = allLoads(results);
  return {
    dir,
    name: results.pipeline.name,
    title: results.pipeline.title,
    description: results.pipeline.description,
    fallback: loads.some((l) => l.fallback != null),
    comparisons: results.comparisons,
    warnings: results.warnings.filter((w) => w.code !== FILTER_WARNING).length,
    filtered: loads.reduce((s, l) => s + l.filters.reduce((t, f) => t + f.dropped, 0), 0),
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
    let doc: ResultsDocument;
    try {
      doc = JSON.parse(text) as ResultsDocument;
    } catch (e) {
      throw new SyntaxError(
        `Cannot index report ${JSON.stringify(name)}: ${
          join(reportsDir, name, "results.json")
        } is not valid JSON (${
          (e as Error).message
        }); expected a results.json written by a pipeline`,
        { cause: e },
      );
    }
    out.push(indexEntry(name, doc));
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
 *   fallback: false, warnings: 0, filtered: 0,
 *   comparisons: [{
 *     quantity: "fits.f.params.E", ours: 1.8172, published: 1.81724, source: "Epoch",
 *     difference: -0.00004, relativeDifference: -2.2e-5, tolerance: null,
 *     interval: null, relativeTolerance: null, withinTolerance: null, note: null,
 *   }],
 * }]);
 * assert.match(html, /<a href="chinchilla\/report.html">Chinchilla<\/a>/);
 * assert.match(html, /<td class="quantity">fits.f.params.E<\/td>/);
 * assert.match(html, /<td class="source">Epoch \[1\]<\/td>/);
 * assert.match(html, /<li>\[1\] Epoch<\/li>/);
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
      if (e.filtered > 0) {
        flags.push(`${e.filtered} observation${e.filtered === 1 ? "" : "s"} filtered out`);
      }
      parts.push(
        `<li><a href="${escapeHtml(href)}">${escapeHtml(e.title)}</a>${
          e.description ? ` — ${escapeHtml(e.description)}` : ""
        }${flags.length ? ` (${flags.join("; ")})` : ""}</li>`,
      );
    }
    parts.push("</ul>");
  }
  const withComparisons = entries.filter((e) => e.comparisons.length > 0);
  if (withComparisons.length > 0) {
    parts.push("<h2>All comparisons with published values</h2>");
    // One table per report, with short source labels ("Besiroglu et al. 2024 [1]") so rows
    // stay one line high, and the full sources as numbered notes under it. The difference
    // column is left out here (each report has it): the relative difference and the verdict
    // read at a glance.
    const columns = COMPARISON_COLUMNS.filter((c) => c !== "Difference");
    const keep = COMPARISON_COLUMNS.map((c) => c !== "Difference");
    const right = new Set(["Ours", "Published", "Relative"]);
    const cls = (c: string) =>
      right.has(c)
        ? ' class="num"'
        : c === "Quantity"
        ? ' class="quantity"'
        : c === "Within tolerance"
        ? ' class="verdict"'
        : c === "Source"
        ? ' class="source"'
        : "";
    for (const e of withComparisons) {
      const href = escapeHtml(`${encodeURIComponent(e.dir)}/report.html`);
      parts.push(
        `<h3><a href="${href}">${escapeHtml(e.title)}</a>${
          e.fallback ? " (<strong>synthetic fallback data</strong>)" : ""
        }</h3>`,
      );
      parts.push(
        `<div class="table"><table>\n<thead><tr>${
          columns.map((c) => `<th${cls(c)}>${escapeHtml(c)}</th>`).join("")
        }</tr></thead>\n<tbody>`,
      );
      const sources = sourceNotes(e.comparisons.map((c) => c.source));
      comparisonRows(e.comparisons).forEach((row, k) => {
        row[row.length - 1] = sources.labels[k]!;
        const cells = row.filter((_, i) => keep[i]);
        parts.push(
          `<tr>${
            cells.map((v, i) => `<td${cls(columns[i]!)}>${escapeHtml(v)}</td>`).join("")
          }</tr>`,
        );
      });
      parts.push("</tbody>\n</table></div>");
      parts.push(
        `<ul class="notes">\n${
          sources.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")
        }\n</ul>`,
      );
    }
  }
  return htmlPage("Scaling-law reports", parts.join("\n"), { wide: true });
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
