/**
 * Render a report as Markdown (`report.md`).
 *
 * @module
 */

import { type Block, reportBlocks } from "./blocks.ts";
import { escapeMarkdown } from "./format.ts";
import type { ResultsDocument } from "./types.ts";

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Link figures as `figures/<name>.png` (true) or `.svg` (false). @default true */
  png?: boolean;
}

/** Render blocks as Markdown. */
export function blocksToMarkdown(
  blocks: readonly Block[],
  options: RenderMarkdownOptions = {},
): string {
  const ext = options.png ?? true ? "png" : "svg";
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "heading":
        parts.push(`${"#".repeat(b.level)} ${escapeMarkdown(b.text)}`);
        break;
      case "paragraph":
        parts.push(escapeMarkdown(b.text));
        break;
      case "alert":
        parts.push(`> **${escapeMarkdown(b.title)}.** ${escapeMarkdown(b.text)}`);
        break;
      case "list":
        parts.push(b.items.map((i) => `- ${escapeMarkdown(i)}`).join("\n"));
        break;
      case "table": {
        const head = `| ${b.columns.map(escapeMarkdown).join(" | ")} |`;
        const rule = `|${b.align.map((a) => (a === "right" ? " ---: " : " --- ")).join("|")}|`;
        const rows = b.rows.map((r) => `| ${r.map(escapeMarkdown).join(" | ")} |`);
        parts.push([head, rule, ...rows].join("\n"));
        break;
      }
      case "figure":
        parts.push(
          `### ${escapeMarkdown(b.title)}\n\n![${escapeMarkdown(b.alt)}](figures/${b.name}.${ext})`,
        );
        break;
    }
  }
  return parts.join("\n\n") + "\n";
}

/**
 * The Markdown report: title, data summary, fit tables (parameter, value, standard error, CI),
 * allocations, comparisons, warnings, and figures linked as PNG files.
 *
 * @param results The results document.
 * @param options Whether figures are linked as PNG (default) or SVG.
 * @returns Markdown text ending with a newline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMarkdown } from "./markdown.ts";
 * const md = renderMarkdown({
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "p", title: "My report", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {}, comparisons: [],
 *   figures: [{ name: "fit", title: "Fit", alt: "Loss against compute" }], warnings: [], spec: null,
 * });
 * assert.match(md, /^# My report\n/);
 * assert.match(md, /!\[Loss against compute\]\(figures\/fit\.png\)/);
 * ```
 */
export function renderMarkdown(
  results: ResultsDocument,
  options: RenderMarkdownOptions = {},
): string {
  return blocksToMarkdown(reportBlocks(results), options);
}
