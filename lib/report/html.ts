/**
 * Render a report as one self-contained HTML page (`report.html`): inline CSS, no scripts and
 * no external resources; figures are `<img>` elements pointing at `figures/<name>.svg`.
 *
 * @module
 */

import { type Block, reportBlocks } from "./blocks.ts";
import { escapeHtml } from "./format.ts";
import type { ResultsDocument } from "./types.ts";

/**
 * The page's style sheet: readable type (text at most 48rem wide; tables and figures use the
 * page's 64rem and scroll sideways rather than overflow), striped tables whose numbers never
 * wrap, numbered source notes in small type, a prominent alert box.
 */
export const REPORT_CSS: string = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
  max-width: 64rem; margin: 2rem auto; padding: 0 1.5rem; }
p, ul, ol, .alert { max-width: 48rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; }
.table { overflow-x: auto; margin: 0.8rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e1e4e8; vertical-align: top; }
th { text-align: left; background: #f6f8fa; white-space: nowrap; }
td { overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
  overflow-wrap: normal; }
td.verdict { min-width: 8rem; }
td.quantity { min-width: 14rem; }
td.source { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
ul.notes { font-size: 0.85rem; color: #57606a; list-style: none; padding-left: 0; }
.alert { border: 2px solid #cf222e; background: #ffebe9; padding: 0.7rem 1rem; margin: 1rem 0;
  border-radius: 6px; }
.alert strong { color: #a40e26; }
body.wide { max-width: 76rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
figcaption { color: #57606a; font-size: 0.9rem; }
a { color: #0969da; }
`.trim();

/** Classes of table columns that need their own width rules (see {@link REPORT_CSS}). */
const COLUMN_CLASSES: Record<string, string> = {
  Quantity: "quantity",
  "Within tolerance": "verdict",
  Source: "source",
};

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
      case "list": {
        // A list of numbered notes ("[1] ...") is shown small, without bullets.
        const notes = b.items.length > 0 && b.items.every((i) => /^\[\d+\] /.test(i));
        parts.push(
          `<ul${notes ? ' class="notes"' : ""}>\n${
            b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("\n")
          }\n</ul>`,
        );
        break;
      }
      case "table": {
        const cls = (i: number) =>
          b.align[i] === "right"
            ? ' class="num"'
            : COLUMN_CLASSES[b.columns[i]!]
            ? ` class="${COLUMN_CLASSES[b.columns[i]!]}"`
            : "";
        const head = b.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join("");
        const rows = b.rows.map((r) =>
          `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`
        );
        parts.push(
          `<div class="table"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${
            rows.join("\n")
          }\n</tbody>\n</table></div>`,
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

/** Options of {@link htmlPage}. */
export interface HtmlPageOptions {
  /** A wider page (76rem instead of 64rem) for wide tables; text stays 48rem wide. @default false */
  wide?: boolean;
}

/**
 * Wrap body HTML in a complete page with the report style sheet.
 *
 * @param title Page title.
 * @param body Body HTML.
 * @param options Page width.
 */
export function htmlPage(title: string, body: string, options: HtmlPageOptions = {}): string {
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
<body${options.wide ? ' class="wide"' : ""}>
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
  return htmlPage(results.pipeline.title, blocksToHtml(reportBlocks(results)), { wide: true });
}
