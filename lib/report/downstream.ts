/**
 * The downstream part of the results document (`results.json` → `downstream`), written by the
 * pipeline's `map` steps, and the report blocks that render it: per mapping the fitted laws, per
 * held-out target the prediction with its absolute and relative error and intervals, and the
 * coverage of the intervals over all targets of a step.
 *
 * @module
 */

import type { Block } from "./blocks.ts";
import { formatNumber, formatValue } from "./format.ts";
import type { Interval } from "./types.ts";

/** A prediction at one held-out target against the observed value. */
export interface DownstreamCheck {
  /** Observed value at the target (null when the target has none). */
  actual: number | null;
  predicted: number;
  /** predicted − actual, in the metric's unit. */
  error: number | null;
  /** 100 · (predicted − actual): accuracy points, for metrics that are fractions (else null). */
  errorPoints: number | null;
  /** (predicted − actual) / actual. */
  relativeError: number | null;
  /** 100 · |predicted − actual| / actual (the relative error as Gadre et al. report it). */
  absPercentError: number | null;
  /** Percentile interval of the prediction over the run-level bootstrap (parameter uncertainty). */
  interval: Interval | null;
  /**
   * The same with the scatter of the fitted data added (a residual of the full-data fit drawn
   * per resample): an interval for one new run rather than for the law's mean.
   */
  predictionInterval: Interval | null;
  /** Whether `actual` lies in `interval` (null without both). */
  covered: boolean | null;
  /** Whether `actual` lies in `predictionInterval`. */
  predictionCovered: boolean | null;
}

/** One held-out target of a mapping. */
export interface DownstreamTarget {
  run: string;
  /** Parameters N, tokens D and compute C (by the step's compute mode) at the target. */
  N: number;
  D: number;
  C: number | null;
  /** The input of the mapping (task loss, log10 compute, ...) observed at the target. */
  x: number | null;
  /** Step 1's prediction of the loss (chains and loss-only steps). */
  loss: DownstreamCheck | null;
  /** The downstream metric (chains and mappings). */
  value: DownstreamCheck | null;
}

/** A fitted law of a mapping (step 1 or step 2). */
export interface DownstreamFit {
  law: string;
  formula: string;
  /** Fitted parameter values. */
  params: Record<string, number>;
  /** Points fitted (an anchor point included) and runs they come from. */
  n: number;
  runs: number;
  objective: number | null;
  r2: number | null;
  converged: boolean;
  status: string;
  /** Parameters that ended on a bound. */
  atBound: string[];
}

/** Mean squared error and R² of a law on a set of points. */
export interface FitQuality {
  n: number;
  mse: number | null;
  /** 1 − SSE / SST; null with fewer than 3 points (too few to mean much) or no spread. */
  r2: number | null;
}

/** One mapping: a (group, metric) pair of a map step. */
export interface DownstreamMapping {
  /** Run family of this mapping (with `byFamily`), else null. */
  group: string | null;
  /** The metric predicted (the downstream metric, or the loss for loss-only steps). */
  metric: string;
  /** The input of the mapping and its scale (null for loss-only steps). */
  x: string | null;
  xScale: "linear" | "log10";
  /** Chance accuracy of the metric (in the metric's sense: 1 − chance for an error) and origin. */
  chance: number | null;
  chanceOrigin: string | null;
  /** Step 1 (N, D → loss), when the step has one. */
  loss: DownstreamFit | null;
  /** Step 2 (x → metric), when the step has one. */
  mapping: DownstreamFit | null;
  /** The appended anchor point of the mapping, when used. */
  anchor: { x: number; y: number } | null;
  /** Quality of the predicted quantity on the fitted points and on the targets. */
  train: FitQuality;
  test: FitQuality;
  /** Run-level bootstrap: resamples asked, kept (both refits usable) and left out. */
  bootstrap: { resamples: number; succeeded: number; failed: number } | null;
  /** Targets keyed by a path-safe form of the run id (letters, digits, `_`, `-`). */
  targets: Record<string, DownstreamTarget>;
}

/** Fraction of targets whose observed value lies in their interval. */
export interface CoverageSummary {
  /** Nominal level of the intervals. */
  level: number;
  /** Targets with an observed value and an interval. */
  n: number;
  /** Inside the parameter interval. */
  covered: number;
  fraction: number | null;
  /** Inside the prediction interval (residual scatter added). */
  predictionCovered: number;
  predictionFraction: number | null;
}

/** Our relative errors judged against a published range (e.g. the authors' own fits). */
export interface ReferenceSummary {
  /** The published range of relative errors (fractions, signed: + over-predicts). */
  low: number;
  high: number;
  source: string;
  /** Which predictions are judged: step 1's loss or the downstream value. */
  of: "loss" | "value";
  /** Targets judged, inside the range, closer to the actual value than the range, outside. */
  n: number;
  inside: number;
  closer: number;
  outside: number;
  /** One sentence saying where ours land, naming the targets outside the range. */
  verdict: string;
}

/** The results of one `map` step. */
export interface DownstreamSummary {
  id: string;
  /** Which steps ran: step 1 then step 2 (`chain`), step 1 only (`loss`), step 2 only (`mapping`). */
  kind: "chain" | "loss" | "mapping";
  /** Checkpoint convention. */
  conventions: string;
  /** Level of the intervals. */
  level: number;
  /** Bootstrap resamples over runs (0: point predictions only) and seed. */
  resamples: number;
  seed: number;
  /** Mappings keyed by a path-safe form of `<group>_<metric>` (or `<metric>`). */
  mappings: Record<string, DownstreamMapping>;
  /** Coverage of the loss predictions (step 1) and of the downstream predictions, over all targets. */
  coverage: { loss: CoverageSummary | null; value: CoverageSummary | null };
  /** Our relative errors against a published range, when the step gives one. */
  reference: ReferenceSummary | null;
}

/**
 * A path-safe key for result paths (`downstream.<id>.mappings.<key>`): characters other than
 * letters, digits, `_` and `-` become `_`, and a leading digit or `-` gets a `_` prefix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultKey } from "./downstream.ts";
 * assert.equal(resultKey("rpj-open_lm_1b-32.0"), "rpj-open_lm_1b-32_0");
 * assert.equal(resultKey("0/piqa/acc"), "_0_piqa_acc");
 * ```
 */
export function resultKey(text: string): string {
  const k = text.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(k) ? k : `_${k}`;
}

function pct(x: number | null, digits = 4): string {
  return x === null ? "—" : `${formatNumber(x, digits)}%`;
}

function coverageText(name: string, c: CoverageSummary | null): string | undefined {
  if (!c || c.n === 0) return undefined;
  const level = `${formatNumber(100 * c.level, 3)}%`;
  return `${name}: ${c.covered} of ${c.n} held-out targets inside their ${level} bootstrap ` +
    `interval (${pct(c.fraction === null ? null : 100 * c.fraction, 3)}), ${c.predictionCovered} ` +
    `of ${c.n} inside the ${level} prediction interval (${
      pct(c.predictionFraction === null ? null : 100 * c.predictionFraction, 3)
    }); nominal ${level}`;
}

function fitCell(f: DownstreamFit | null): string {
  if (!f) return "—";
  const p = Object.entries(f.params).map(([k, v]) => `${k}=${formatNumber(v, 4)}`).join(", ");
  return `${f.law} (${p})${f.converged ? "" : ` [${f.status}]`}`;
}

const KIND_TEXT: Record<DownstreamSummary["kind"], string> = {
  chain: "two-step prediction: step 1 fits the loss in (N, D), step 2 maps the loss to the " +
    "metric, and a target's metric is step 2 at step 1's predicted loss",
  loss: "loss law only: step 1 fits the loss in (N, D) and predicts it at the targets",
  mapping: "mapping only: step 2 maps an observed input to the metric, evaluated at the " +
    "targets' observed input",
};

/**
 * The report blocks of one map step: a description, a table of the mappings (laws, fit and
 * held-out quality), a table of the held-out targets (prediction, interval, absolute error in
 * points and relative error, coverage) and the coverage of the intervals.
 *
 * @param s The step's summary.
 * @param maxRows Most target rows shown (all are in results.json). @default 40
 * @returns Blocks for `report.md` and `report.html`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downstreamBlocks } from "./downstream.ts";
 * const blocks = downstreamBlocks({
 *   id: "m", kind: "mapping", conventions: "final", level: 0.9, resamples: 0, seed: 0,
 *   mappings: {}, coverage: { loss: null, value: null }, reference: null,
 * });
 * assert.deepEqual(blocks[0], { type: "heading", level: 2, text: "Downstream m (mapping)" });
 * ```
 */
export function downstreamBlocks(s: DownstreamSummary, maxRows = 40): Block[] {
  const level = `${formatNumber(100 * s.level, 3)}%`;
  const out: Block[] = [
    { type: "heading", level: 2, text: `Downstream ${s.id} (${s.kind})` },
    {
      type: "paragraph",
      text: `${KIND_TEXT[s.kind]}. Checkpoints: ${s.conventions}. ` +
        (s.resamples > 0
          ? `Intervals: ${level} percentiles over ${s.resamples} bootstrap resamples of whole ` +
            `runs (seed ${s.seed}), refitting every step; "prediction" intervals add a residual ` +
            `of the full-data fit to each resample.`
          : "No bootstrap: point predictions only."),
    },
  ];
  const mappings = Object.values(s.mappings);
  if (mappings.length === 0) return out;
  const grouped = mappings.some((m) => m.group !== null);
  out.push({
    type: "table",
    columns: [
      ...(grouped ? ["Group"] : []),
      "Metric",
      ...(s.kind === "loss" ? [] : ["Input"]),
      ...(s.kind === "mapping" ? [] : ["Loss law"]),
      ...(s.kind === "loss" ? [] : ["Mapping"]),
      "Fitted points",
      "Train R²",
      "Test MSE",
      "Test R²",
      "Chance",
    ],
    align: [
      ...(grouped ? ["left" as const] : []),
      "left",
      ...(s.kind === "loss" ? [] : ["left" as const]),
      ...(s.kind === "mapping" ? [] : ["left" as const]),
      ...(s.kind === "loss" ? [] : ["left" as const]),
      "right",
      "right",
      "right",
      "right",
      "right",
    ],
    rows: mappings.map((m) => [
      ...(grouped ? [m.group ?? "—"] : []),
      m.metric,
      ...(s.kind === "loss" ? [] : [m.xScale === "log10" ? `log10 ${m.x}` : m.x ?? "—"]),
      ...(s.kind === "mapping" ? [] : [fitCell(m.loss)]),
      ...(s.kind === "loss" ? [] : [fitCell(m.mapping)]),
      String((m.mapping ?? m.loss)?.n ?? 0),
      formatNumber(m.train.r2, 4),
      formatNumber(m.test.mse, 4),
      formatNumber(m.test.r2, 4),
      formatNumber(m.chance, 4),
    ]),
  });
  const rows: string[][] = [];
  let total = 0;
  for (const m of mappings) {
    for (const t of Object.values(m.targets)) {
      for (const [what, c] of [["loss", t.loss], ["value", t.value]] as const) {
        if (!c) continue;
        total++;
        if (rows.length >= maxRows) continue;
        rows.push([
          ...(grouped ? [m.group ?? "—"] : []),
          t.run,
          what === "loss" && s.kind === "chain" ? `loss (step 1)` : m.metric,
          formatNumber(c.actual, 5),
          formatNumber(c.predicted, 5),
          c.interval ? formatValue(c.interval, 4) : "—",
          c.predictionInterval ? formatValue(c.predictionInterval, 4) : "—",
          c.errorPoints !== null
            ? `${formatNumber(c.errorPoints, 3)} pts`
            : formatNumber(c.error, 3),
          pct(c.relativeError === null ? null : 100 * c.relativeError),
          c.covered === null
            ? "—"
            : `${c.covered ? "yes" : "no"} / ${c.predictionCovered ? "yes" : "no"}`,
        ]);
      }
    }
  }
  if (rows.length > 0) {
    out.push({
      type: "table",
      columns: [
        ...(grouped ? ["Group"] : []),
        "Target",
        "Quantity",
        "Actual",
        "Predicted",
        `${level} interval`,
        `${level} prediction interval`,
        "Error",
        "Relative error",
        "Inside (interval / prediction)",
      ],
      align: [
        ...(grouped ? ["left" as const] : []),
        "left",
        "left",
        "right",
        "right",
        "right",
        "right",
        "right",
        "right",
        "left",
      ],
      rows,
    });
    if (total > rows.length) {
      out.push({
        type: "paragraph",
        text: `First ${rows.length} of ${total} target rows; all are in results.json.`,
      });
    }
  }
  const items = [
    coverageText("Coverage of the loss predictions", s.coverage.loss),
    coverageText("Coverage of the downstream predictions", s.coverage.value),
  ].filter((t): t is string => t !== undefined);
  if (s.reference) items.push(s.reference.verdict);
  if (items.length > 0) out.push({ type: "list", items });
  return out;
}
