/**
 * The content of a report as a list of format-neutral blocks (headings, paragraphs, alerts,
 * tables, lists, figures), built once from a {@link ResultsDocument}, so that `report.md` and
 * `report.html` always say the same thing.
 *
 * @module
 */

import { formatNumber, formatValue } from "./format.ts";
import { downstreamBlocks } from "./downstream.ts";
import { backtestBlocks } from "./backtest_blocks.ts";
import type { Warning } from "../util/warnings.ts";
import type {
  AllocationSummary,
  ComparisonRow,
  DataSummary,
  EvaluationSummary,
  FitSummary,
  IsoflopSummary,
  ResultsDocument,
} from "./types.ts";

/** One block of report content. Text is plain (renderers escape it). */
export type Block =
  | { type: "heading"; level: 1 | 2 | 3; text: string }
  | { type: "paragraph"; text: string }
  | { type: "alert"; title: string; text: string }
  | { type: "list"; items: string[] }
  | {
    type: "table";
    columns: string[];
    /** Right-align numeric columns. */
    align: ("left" | "right")[];
    rows: string[][];
  }
  | { type: "figure"; name: string; title: string; alt: string };

/** Most prediction rows shown in a report table (all are in results.json). */
export const MAX_TABLE_ROWS = 40;

function pct(x: number): string {
  return `${formatNumber(100 * x, 4)}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The alert shown at the top of a report whose catalog dataset could not be loaded and was
 * replaced by the synthetic ladder; `undefined` when the data is what was asked for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fallbackNotice } from "./blocks.ts";
 * const text = fallbackNotice({ dataset: "chinchilla-epoch", reason: "no mirror" });
 * assert.match(text ?? "", /SYNTHETIC DATA/);
 * assert.equal(fallbackNotice(null), undefined);
 * ```
 */
export function fallbackNotice(
  fallback: { dataset: string; reason: string } | null,
): string | undefined {
  if (!fallback) return undefined;
  return `SYNTHETIC DATA: the catalog dataset ${
    JSON.stringify(fallback.dataset)
  } could not be loaded (${fallback.reason}), so this report was computed on the synthetic ` +
    `ladder instead. Its numbers describe the synthetic ground truth, not the dataset, and the ` +
    `comparisons with published values do not apply.`;
}

/** Every load of a results document: `loads`, or the one `data` (none without data). */
export function allLoads(results: ResultsDocument): DataSummary[] {
  return results.loads ?? (results.data ? [results.data] : []);
}

/** Code of the warnings that filters emit (one per filter that dropped something). */
export const FILTER_WARNING = "filter.dropped";

/**
 * The Data section: the one load, or with several loads one subsection per load (as it stood
 * when the next load replaced it) naming the fits that used it, then the filters' notes.
 */
function dataSection(
  data: DataSummary,
  loads: readonly DataSummary[] | undefined,
  filterNotes: readonly Warning[],
): Block[] {
  const out: Block[] = [{ type: "heading", level: 2, text: "Data" }];
  if (!loads || loads.length < 2) return [...out, ...dataBlocks(data, filterNotes)];
  out.push({
    type: "paragraph",
    text: `The pipeline loads data ${loads.length} times. Each load is described as it stood ` +
      `after all the filter steps that followed it, with the fits made between it and the ` +
      `next load (a fit made before some of those filters used more data: its own section ` +
      `gives its points).`,
  });
  loads.forEach((load, k) => {
    const at = load.step !== undefined ? ` (steps[${load.step}])` : "";
    const fits = load.fits && load.fits.length > 0 ? `, fits ${load.fits.join(", ")}` : "";
    out.push({ type: "heading", level: 3, text: `Load ${k + 1}${at}${fits}` });
    // Files already listed for an earlier load are named once.
    const same = loads.slice(0, k).findIndex((l) =>
      JSON.stringify(l.provenance) === JSON.stringify(load.provenance)
    );
    out.push(...dataBlocks(load, [], same >= 0 ? same + 1 : undefined));
  });
  if (filterNotes.length > 0) {
    out.push({ type: "heading", level: 3, text: "What the filters dropped (all loads)" });
    out.push({ type: "list", items: filterNotes.map((w) => `${w.message} (${w.count})`) });
  }
  return out;
}

function dataBlocks(
  data: DataSummary,
  filterNotes: readonly Warning[] = [],
  sameFilesAs?: number,
): Block[] {
  const out: Block[] = [];
  const items: string[] = [];
  if (data.source === "catalog") {
    items.push(
      `Source: catalog dataset ${data.dataset}${data.table ? ` (table ${data.table})` : ""}`,
    );
  } else if (data.source === "file") items.push("Source: files");
  else {
    items.push(
      data.fallback
        ? `Source: synthetic ladder (fallback for the catalog dataset ${data.fallback.dataset})`
        : "Source: synthetic ladder",
    );
  }
  if (sameFilesAs !== undefined) items.push(`Files: the same as load ${sameFilesAs}`);
  else if (data.provenance.note) items.push(`Note: ${data.provenance.note}`);
  for (const f of sameFilesAs !== undefined ? [] : data.provenance.files) {
    items.push(
      `File ${f.path}${f.origin ? ` (${f.origin})` : ""}${
        f.rows !== undefined ? `, ${f.rows} rows` : ""
      }${f.sha256 ? `, sha256 ${f.sha256}` : ""}`,
    );
  }
  const c = data.loaded, d = data.filtered;
  items.push(
    `Loaded: ${plural(c.runs, "run")}, ${plural(c.checkpoints, "checkpoint")}, ${
      plural(c.observations, "observation")
    }`,
  );
  data.filters.forEach((f, i) => {
    items.push(
      `Filter step ${i + 1}: ${f.filters.length} filter${
        f.filters.length === 1 ? "" : "s"
      }, removed ${plural(f.dropped, "observation")}`,
    );
  });
  for (const w of filterNotes) items.push(`Filter: ${w.message} (${w.count})`);
  if (data.filters.length > 0) {
    items.push(
      `After filters: ${plural(d.runs, "run")}, ${plural(d.checkpoints, "checkpoint")}, ${
        plural(d.observations, "observation")
      }`,
    );
  }
  if (data.params) items.push(`Parameters N: ${formatValue(data.params, 4)}`);
  if (data.tokens) items.push(`Tokens D: ${formatValue(data.tokens, 4)}`);
  if (data.truth && typeof data.truth.law === "object" && data.truth.law !== null) {
    const law = data.truth.law as Record<string, number>;
    items.push(
      `Synthetic truth: ${
        Object.entries(law).map(([k, v]) => `${k} = ${formatNumber(v)}`).join(", ")
      }`,
    );
  }
  // Metrics the filters left without observations are counted, not listed.
  const observed = data.metrics.filter((m) => m.count > 0);
  const empty = data.metrics.length - observed.length;
  if (empty > 0) {
    const which = observed.length > 0 ? plural(empty, "other metric") : plural(empty, "metric");
    const when = data.filters.length > 0 ? "after the filters" : "in the data";
    items.push(
      `${which} of the table ${empty === 1 ? "has" : "have"} no observations ${when} ` +
        `(not listed)`,
    );
  }
  out.push({ type: "list", items });
  if (observed.length > 0) {
    out.push({
      type: "table",
      columns: ["Metric", "Kind", "Observations", "Min", "Max"],
      align: ["left", "left", "right", "right", "right"],
      rows: observed.map((m) => [
        m.name,
        m.kind,
        String(m.count),
        formatNumber(m.min, 4),
        formatNumber(m.max, 4),
      ]),
    });
  }
  return out;
}

function fitBlocks(fit: FitSummary): Block[] {
  const out: Block[] = [{
    type: "heading",
    level: 2,
    text: `Fit ${fit.id}: ${fit.law} on ${fit.metric}`,
  }];
  const inputs = Object.entries(fit.inputs).map(([k, v]) => (k === v ? k : `${k} = ${v}`));
  out.push({
    type: "paragraph",
    text: `${fit.formula}. Inputs: ${inputs.join(", ")}. ${plural(fit.n, "point")}, ${
      plural(fit.nFree, "free parameter")
    }, ${plural(fit.starts, "start")}; objective ${formatNumber(fit.objective, 8)}, R² ${
      formatNumber(fit.r2, 5)
    }; ${fit.converged ? "converged" : `did not converge (${fit.status}: ${fit.message})`}.`,
  });
  const level = fit.bootstrap ? `${formatNumber(100 * fit.bootstrap.level, 3)}% CI` : "CI";
  out.push({
    type: "table",
    columns: ["Parameter", "Value", "Std. error", level, "Notes"],
    align: ["left", "right", "right", "right", "left"],
    rows: Object.entries(fit.params).map(([name, p]) => {
      const notes: string[] = [];
      if (p.fixed) notes.push("fixed");
      if (p.tiedTo) notes.push(`tied to ${p.tiedTo}`);
      if (p.atBound) notes.push("at a bound");
      if (fit.diagnostics.atGridEdge.includes(name)) notes.push("at the start grid's edge");
      return [
        name,
        formatNumber(p.value),
        formatNumber(p.bootstrapStderr ?? p.stderr, 4),
        p.ci ? formatValue(p.ci, 4) : "—",
        notes.join(", "),
      ];
    }),
  });
  const items: string[] = [];
  if (fit.bootstrap) {
    const b = fit.bootstrap;
    items.push(
      `Bootstrap: ${b.resamples} resamples by ${b.by} (seed ${b.seed}), ${b.succeeded} refits ` +
        `succeeded; standard errors are the bootstrap standard deviations`,
    );
  }
  const dg = fit.diagnostics;
  if (dg.conditionNumber !== null) {
    items.push(`Condition number of the Hessian: ${formatNumber(dg.conditionNumber, 3)}`);
  }
  if (dg.localOptima.length > 1) {
    items.push(
      `Distinct local optima: ${dg.localOptima.length} shown; best objectives ${
        dg.localOptima.slice(0, 3).map((o) => `${formatNumber(o.objective, 6)} (${o.count} starts)`)
          .join(", ")
      }`,
    );
  }
  const s = fit.predictions.summary;
  if (s.n > 0) {
    items.push(
      `Fitted vs observed: RMSE ${formatNumber(s.rmse, 4)}, mean |relative error| ${
        s.mare === null ? "—" : pct(s.mare)
      }, largest ${s.maxAbsRelativeError === null ? "—" : pct(s.maxAbsRelativeError)}`,
    );
  }
  for (const w of dg.warnings) items.push(`Warning: ${w}`);
  if (items.length > 0) out.push({ type: "list", items });
  return out;
}

function allocationBlocks(a: AllocationSummary): Block[] {
  const level = `${formatNumber(100 * a.level, 3)}%`;
  const out: Block[] = [
    {
      type: "heading",
      level: 2,
      text: `Compute-optimal allocation${a.id === "allocation" ? "" : ` ${a.id}`} (fit ${a.fit})`,
    },
    {
      type: "paragraph",
      text: `N_opt ∝ C^a and D_opt ∝ C^b with a = ${formatNumber(a.a, 4)}${
        a.aInterval ? ` (${level} interval ${formatValue(a.aInterval, 4)})` : ""
      }, b = ${formatNumber(a.b, 4)}.`,
    },
  ];
  const banded = a.points.some((p) => p.bands);
  out.push({
    type: "table",
    columns: [
      "Compute (FLOPs)",
      "N_opt",
      "D_opt",
      "Tokens/param",
      ...(banded ? [`${level} band tokens/param`] : []),
      "Loss",
    ],
    align: ["right", "right", "right", "right", ...(banded ? ["right" as const] : []), "right"],
    rows: a.points.map((p) => [
      formatNumber(p.compute, 4),
      formatNumber(p.params, 4),
      formatNumber(p.tokens, 4),
      formatNumber(p.tokensPerParam, 4),
      ...(banded ? [p.bands ? formatValue(p.bands.tokensPerParam, 4) : "—"] : []),
      formatNumber(p.loss, 5),
    ]),
  });
  return out;
}

function isoflopBlocks(s: IsoflopSummary): Block[] {
  const out: Block[] = [
    {
      type: "heading",
      level: 2,
      text: `IsoFLOP analysis${s.id === "isoflop" ? "" : ` ${s.id}`} (${s.method}, ${s.metric})`,
    },
    {
      type: "paragraph",
      text: `Minima of the per-budget profiles: N_opt ∝ C^a with a = ${
        formatNumber(s.a, 4)
      }, D_opt ∝ C^b with b = ${formatNumber(s.b, 4)}.`,
    },
    {
      type: "table",
      columns: ["Budget (FLOPs)", "Runs", "N_opt", "D_opt", "Loss at optimum"],
      align: ["right", "right", "right", "right", "right"],
      rows: s.budgets.map((b) => [
        formatNumber(b.compute, 4),
        String(b.runs),
        formatNumber(b.params, 4),
        formatNumber(b.tokens, 4),
        formatNumber(b.loss, 5),
      ]),
    },
  ];
  if (s.points.length > 0) {
    out.push({
      type: "table",
      columns: ["Compute (FLOPs)", "N_opt", "D_opt", "Tokens/param"],
      align: ["right", "right", "right", "right"],
      rows: s.points.map((p) => [
        formatNumber(p.compute, 4),
        formatNumber(p.params, 4),
        formatNumber(p.tokens, 4),
        formatNumber(p.tokensPerParam, 4),
      ]),
    });
  }
  return out;
}

function evaluationBlocks(e: EvaluationSummary): Block[] {
  const s = e.summary;
  const out: Block[] = [
    { type: "heading", level: 2, text: `Evaluation ${e.id}: fit ${e.fit} on ${e.targets}` },
    {
      type: "paragraph",
      text: `${plural(s.n, "target point")}; RMSE ${
        formatNumber(s.rmse, 4)
      }, mean |relative error| ${s.mare === null ? "—" : pct(s.mare)}, largest ${
        s.maxAbsRelativeError === null ? "—" : pct(s.maxAbsRelativeError)
      }.`,
    },
  ];
  if (e.points.length > 0) {
    const names = Object.keys(e.points[0].inputs);
    const shown = e.points.slice(0, MAX_TABLE_ROWS);
    out.push({
      type: "table",
      columns: ["Run", ...names, "Actual", "Predicted", "Error", "Relative error"],
      align: ["left", ...names.map(() => "right" as const), "right", "right", "right", "right"],
      rows: shown.map((p) => [
        p.run,
        ...names.map((n) => formatNumber(p.inputs[n], 4)),
        formatNumber(p.actual, 5),
        formatNumber(p.predicted, 5),
        formatNumber(p.error, 3),
        pct(p.relativeError),
      ]),
    });
    if (e.points.length > shown.length) {
      out.push({
        type: "paragraph",
        text: `First ${shown.length} of ${e.points.length} points; all are in results.json.`,
      });
    }
  }
  return out;
}

/**
 * Rows of a comparisons table: quantity, ours, published, difference, relative difference,
 * verdict, source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonRows } from "./blocks.ts";
 * const rows = comparisonRows([{
 *   quantity: "fits.f.params.E", ours: 1.8172, published: 1.81724, source: "Epoch",
 *   difference: -0.00004, relativeDifference: -2.2e-5, tolerance: 0.001,
 *   interval: null, relativeTolerance: null, withinTolerance: true, note: null,
 * }]);
 * assert.deepEqual(rows[0], ["fits.f.params.E", "1.8172", "1.81724", "-4e-5", "-0.0022%", "yes", "Epoch"]);
 * ```
 */
export function comparisonRows(rows: readonly ComparisonRow[]): string[][] {
  return rows.map((c) => [
    c.quantity,
    c.ours === null ? `— (${c.note ?? "missing"})` : formatValue(c.ours),
    formatValue(c.published),
    formatValue(c.difference, 3),
    c.relativeDifference === null ? "—" : pct(c.relativeDifference),
    (c.withinTolerance === null ? "not judged" : c.withinTolerance ? "yes" : "NO") +
    (c.tolerance === "interval" && c.interval
      ? `, ${c.withinTolerance ? "inside" : "outside"} our interval ${formatValue(c.interval, 4)}`
      : ""),
    c.source,
  ]);
}

/**
 * A short label of a free-form source: the text before its first ", ", " (" or ": "
 * ("Besiroglu et al. 2024 (arXiv:2404.10102), notebook: ..." → "Besiroglu et al. 2024"),
 * shortened at a word to about 40 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shortSource } from "./blocks.ts";
 * assert.equal(shortSource("Hoffmann et al. 2022 (arXiv:2203.15556), Approach 2"), "Hoffmann et al. 2022");
 * assert.equal(shortSource("docs/methods.md 4.1: closed form"), "docs/methods.md 4.1");
 * assert.equal(shortSource("Epoch"), "Epoch");
 * ```
 */
export function shortSource(source: string): string {
  const cut = source.search(/, | \(|: /);
  let head = (cut > 0 ? source.slice(0, cut) : source).trim();
  if (head.length > 40) {
    const space = head.lastIndexOf(" ", 39);
    head = `${head.slice(0, space > 10 ? space : 39)}…`;
  }
  return head;
}

/**
 * Number the distinct sources of comparisons in order of first use: the label shown in a table
 * cell (`"Besiroglu et al. 2024 [1]"`) and the numbered notes giving each full source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceNotes } from "./blocks.ts";
 * const s = sourceNotes(["Epoch, notebook", "Hoffmann et al. 2022 (arXiv)", "Epoch, notebook"]);
 * assert.deepEqual(s.labels, ["Epoch [1]", "Hoffmann et al. 2022 [2]", "Epoch [1]"]);
 * assert.deepEqual(s.notes, ["[1] Epoch, notebook", "[2] Hoffmann et al. 2022 (arXiv)"]);
 * ```
 */
export function sourceNotes(sources: readonly string[]): { labels: string[]; notes: string[] } {
  const numbers = new Map<string, number>();
  const labels = sources.map((src) => {
    if (!numbers.has(src)) numbers.set(src, numbers.size + 1);
    return `${shortSource(src)} [${numbers.get(src)}]`;
  });
  return { labels, notes: [...numbers].map(([src, n]) => `[${n}] ${src}`) };
}

/**
 * The comparisons table with short source labels, followed by the numbered list of full
 * sources (so rows stay one line high).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonBlocks } from "./blocks.ts";
 * const [table, notes] = comparisonBlocks([{
 *   quantity: "fits.f.params.E", ours: 1.8172, published: 1.81724,
 *   source: "Besiroglu et al. 2024 (arXiv:2404.10102), notebook", difference: -0.00004,
 *   relativeDifference: -2.2e-5, tolerance: 0.001, interval: null, relativeTolerance: null,
 *   withinTolerance: true, note: null,
 * }]);
 * assert.ok(table.type === "table" && table.rows[0].at(-1) === "Besiroglu et al. 2024 [1]");
 * assert.deepEqual(notes, {
 *   type: "list",
 *   items: ["[1] Besiroglu et al. 2024 (arXiv:2404.10102), notebook"],
 * });
 * ```
 */
export function comparisonBlocks(rows: readonly ComparisonRow[]): Block[] {
  const { labels, notes } = sourceNotes(rows.map((c) => c.source));
  return [
    {
      type: "table",
      columns: COMPARISON_COLUMNS,
      align: ["left", "right", "right", "right", "right", "left", "left"],
      rows: comparisonRows(rows).map((r, i) => [...r.slice(0, -1), labels[i]!]),
    },
    { type: "list", items: notes },
  ];
}

/**
 * Warnings in reader-facing form: the message, then how many times it happened and its code
 * (`"... were left out (88 cases; isoflop.outside-budgets)"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { warningText } from "./blocks.ts";
 * assert.equal(warningText({ code: "fit.at-bound", message: "E is at a bound", count: 1 }),
 *   "E is at a bound (fit.at-bound)");
 * assert.equal(warningText({ code: "x.y", message: "Left out", count: 88 }), "Left out (88 cases; x.y)");
 * ```
 */
export function warningText(w: Warning): string {
  return `${w.message} (${w.count > 1 ? `${w.count} cases; ` : ""}${w.code})`;
}

/** Column names of {@link comparisonRows}. */
export const COMPARISON_COLUMNS = [
  "Quantity",
  "Ours",
  "Published",
  "Difference",
  "Relative",
  "Within tolerance",
  "Source",
];

/**
 * The blocks of a report, in order: title, fallback alert, data (with what each filter
 * dropped), fits, allocations, IsoFLOP analyses, evaluations, comparisons (short sources and
 * numbered notes), warnings (other than filter drops), figures.
 *
 * @param results The results document.
 * @returns Blocks to render with `renderMarkdown` or `renderHtml`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportBlocks } from "./blocks.ts";
 * const blocks = reportBlocks({
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "p", title: "P", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {},
 *   comparisons: [], figures: [], warnings: [], spec: null,
 * });
 * assert.deepEqual(blocks[0], { type: "heading", level: 1, text: "P" });
 * ```
 */
export function reportBlocks(results: ResultsDocument): Block[] {
  const out: Block[] = [{ type: "heading", level: 1, text: results.pipeline.title }];
  const notice = fallbackNotice(allLoads(results).find((l) => l.fallback)?.fallback ?? null);
  if (notice) out.push({ type: "alert", title: "Synthetic data", text: notice });
  if (results.pipeline.description) {
    out.push({ type: "paragraph", text: results.pipeline.description });
  }
  out.push({
    type: "paragraph",
    text:
      `Pipeline ${results.pipeline.name}, seed ${results.pipeline.seed}, ${results.toolkit.name} ${results.toolkit.version}.`,
  });
  const filterNotes = results.warnings.filter((w) => w.code === FILTER_WARNING);
  const warnings = results.warnings.filter((w) => w.code !== FILTER_WARNING);
  if (results.data) out.push(...dataSection(results.data, results.loads, filterNotes));
  for (const f of Object.values(results.fits)) out.push(...fitBlocks(f));
  for (const a of Object.values(results.allocations)) out.push(...allocationBlocks(a));
  for (const s of Object.values(results.isoflops)) out.push(...isoflopBlocks(s));
  for (const e of Object.values(results.evaluations)) out.push(...evaluationBlocks(e));
  for (const d of Object.values(results.downstream ?? {})) out.push(...downstreamBlocks(d));
  if (results.backtest) out.push(...backtestBlocks(results.backtest));
  if (results.comparisons.length > 0) {
    out.push({ type: "heading", level: 2, text: "Comparison with published values" });
    if (notice) {
      out.push({
        type: "alert",
        title: "Synthetic data",
        text: "These comparisons were computed on the synthetic fallback ladder, not the dataset.",
      });
    }
    out.push(...comparisonBlocks(results.comparisons));
  }
  if (warnings.length > 0 || (!results.data && filterNotes.length > 0)) {
    out.push({ type: "heading", level: 2, text: "Warnings" });
    out.push({
      type: "list",
      items: (results.data ? warnings : results.warnings).map(warningText),
    });
  }
  if (results.figures.length > 0) {
    out.push({ type: "heading", level: 2, text: "Figures" });
    for (const f of results.figures) {
      out.push({ type: "figure", name: f.name, title: f.title, alt: f.alt });
    }
  }
  return out;
}
