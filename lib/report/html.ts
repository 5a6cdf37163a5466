/**
 * Render a report as one self-contained HTML page (`report.html`): inline CSS, no scripts and
 * no external resources; figures are `<img>` elements pointing at `figures/<name>.svg`.
 *
 * @module
 */

import { type Block, reportBlocks } from "./blocks.ts";
import { escapeHtml } from "./format.ts";
import type { ResultsDocument } from "./types.ts";

/** The page's style sheet: readable type, striped tables, a prominent alert box. */
export const REPORT_CSS: string = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e1e4e8; }
th { text-align: left; background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
.alert { border: 2px solid #cf222e; background: #ffebe9; padding: 0.7rem 1rem; margin: 1rem 0;
  border-radius: 6px; }
.alert strong { color: #a40e26; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
figcaption { color: #57606a; font-size: 0.9rem; }
a { color: #0969da; }
`.trim();

/** Render blocks as HTML body content. */
export function blocksToHtml(blocks: readonly Block[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "heading":
        parts.push(`<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`);
        break;
      case "paragraph":
        parts.push(`<p>${escapeHtml(b.text)}</p>`);
        break;
      case "alert":
        parts.push(
          `<div class="alert" role="alert"><strong>${escapeHtml(b.title)}.</strong> ${
            escapeHtml(b.text)
          }</div>`,
        );
        break;
      case "list":
        parts.push(`<ul>\n${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("\n")}\n</ul>`);
        break;
      case "table": {
        const cls = (i: number) => (b.align[i] === "right" ? ' class="num"' : "");
        const head = b.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join("");
        const rows = b.rows.map((r) =>
          `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`
        );
        parts.push(
          `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${
            rows.join("\n")
          }\n</tbody>\n</table>`,
        );
        break;
      }
      case "figure":
        parts.push(
          `<figure id="figure-${escapeHtml(b.name)}"><img src="figures/${
            escapeHtml(encodeURIComponent(b.name))
          }.svg" alt="${escapeHtml(b.alt)}"><figcaption>${
            escapeHtml(b.title)
          }</figcaption></figure>`,
        );
        break;
    }
  }
  return parts.join("\n");
}

/**
 * Wrap body HTML in a complete page with the report style sheet.
 *
 * @param title Page title.
 * @param body Body HTML.
 */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${REPORT_CSS}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * The HTML report: the same content as the Markdown report, as one page.
 *
 * @param results The results document.
 * @returns A complete HTML document.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderHtml } from "./html.ts";
 * const html = renderHtml({
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "p", title: "A <b> report", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {}, comparisons: [],
 *   figures: [{ name: "fit", title: "Fit", alt: "Loss against compute" }], warnings: [], spec: null,
 * });
 * assert.match(html, /<h1>A &lt;b&gt; report<\/h1>/);
 * assert.match(html, /<img src="figures\/fit.svg" alt="Loss against compute">/);
 * assert.doesNotMatch(html, /https?:\/\//);
 * ```
 */
export function renderHtml(results: ResultsDocument): string {
  return htmlPage(results.pipeline.title, blocksToHtml(reportBlocks(results)));
}
