/**
 * Reports: the results document (`results.json`), its Markdown and HTML renderings, atomic
 * report folders with figures, and the index of all reports.
 *
 * @example Render a results document as Markdown
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMarkdown } from "./mod.ts";
 * const md = renderMarkdown({
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "p", title: "Title", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {}, comparisons: [],
 *   figures: [], warnings: [], spec: null,
 * });
 * assert.match(md, /^# Title/);
 * ```
 *
 * @module
 */

export type * from "./types.ts";
export {
  escapeHtml,
  escapeMarkdown,
  formatNumber,
  formatValue,
  stableJson,
  stableNumber,
  toJsonValue,
} from "./format.ts";
export {
  type Block,
  COMPARISON_COLUMNS,
  comparisonRows,
  fallbackNotice,
  reportBlocks,
} from "./blocks.ts";
export { blocksToMarkdown, renderMarkdown, type RenderMarkdownOptions } from "./markdown.ts";
export { blocksToHtml, htmlPage, renderHtml, REPORT_CSS } from "./html.ts";
export { Figure, JUPYTER_DISPLAY } from "./figure.ts";
export { writeReport, type WriteReportOptions, type WriteReportResult } from "./write.ts";
export {
  collectReports,
  type IndexEntry,
  indexEntry,
  renderIndex,
  writeIndex,
} from "./write_index.ts";
