/**
 * The backtest part of a report: quality checks, backtests, model selection (with the
 * likelihood used and why laws rank as they do), and Hitchhiker-style studies (summary table
 * and findings table). Also the shape of that part of results.json.
 *
 * @module
 */

import type { QualityReport } from "../data/quality.ts";
import type { LawComparison } from "../backtest/compare_laws.ts";
import type { Finding, StudySummaryRow } from "../backtest/findings.ts";
import type { BacktestResult, BacktestRow } from "../backtest/backtest.ts";
import type { StudyResult } from "../backtest/study.ts";
import type { Block } from "./blocks.ts";
import { formatNumber } from "./format.ts";

/** One backtest group (a family, or all data). */
export interface BacktestGroupSummary
  extends Pick<BacktestResult, "train" | "targets" | "errors" | "level" | "bootstrap"> {
  group: string;
  state: string;
  converged: boolean;
  params: Record<string, number>;
  /** Target rows (at most 200). */
  rows: BacktestRow[];
}

/** A backtest step's results. */
export interface BacktestSummary {
  id: string;
  law: string;
  metric: string;
  subset: unknown;
  targets: unknown;
  groups: BacktestGroupSummary[];
}

/** A select step's results. */
export interface SelectionSummary {
  id: string;
  metric: string;
  /** The likelihood behind AIC/BIC, in words. */
  likelihood: string;
  fit: Record<string, unknown>;
  groups: ({ group: string } & LawComparison)[];
}

/** A study step's results: the study's (without workers and timing), and what was left out. */
export interface StudySummary extends Omit<StudyResult, "workers" | "seconds"> {
  id: string;
  excluded: { family: string; reason: string }[];
  summary: StudySummaryRow[];
  findings: Finding[];
}

/** The backtest section of results.json. */
export interface BacktestResults {
  quality: Record<string, QualityReport>;
  backtests: Record<string, BacktestSummary>;
  selections: Record<string, SelectionSummary>;
  studies: Record<string, StudySummary>;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? "–"
    : `${formatNumber(100 * x, 3)}%`;
}

function num(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "–" : formatNumber(x, digits);
}

function qualityBlocks(id: string, q: QualityReport): Block[] {
  return [
    { type: "heading", level: 2, text: `Checkpoint quality (${id})` },
    {
      type: "paragraph",
      text: `${q.checkedRuns} runs and ${q.checkedCheckpoints} checkpoints checked; spikes and ` +
        `point counts on ${q.metrics.slice(0, 6).join(", ")}${
          q.metrics.length > 6 ? ", ..." : ""
        }.`,
    },
    {
      type: "table",
      columns: ["Check", "Found", "Runs", "Examples"],
      align: ["left", "right", "right", "left"],
      rows: q.checks.map((
        c,
      ) => [c.description, String(c.count), String(c.runs), c.examples.slice(0, 3).join("; ")]),
    },
  ];
}

function backtestSectionBlocks(b: BacktestSummary): Block[] {
  const out: Block[] = [
    { type: "heading", level: 2, text: `Backtest ${b.id}` },
    {
      type: "paragraph",
      text: `${b.law} fitted to ${b.metric} on the subset ${JSON.stringify(b.subset ?? {})}; ` +
        `targets ${JSON.stringify(b.targets ?? {})}.`,
    },
  ];
  const interval = b.groups.some((g) => g.level !== null);
  out.push({
    type: "table",
    columns: [
      "Group",
      "Train points",
      "Target points",
      "ARE",
      "MAE",
      ...(interval ? ["Coverage"] : []),
    ],
    align: ["left", "right", "right", "right", "right", ...(interval ? ["right" as const] : [])],
    rows: b.groups.map((g) => [
      g.group,
      String(g.train.points),
      String(g.targets.points),
      pct(g.errors.are),
      num(g.errors.mae),
      ...(interval
        ? [
          g.level === null
            ? "–"
            : `${pct(g.errors.coverage)} (${pct(g.level)} intervals${
              g.bootstrap
                ? `, ${g.bootstrap.resamples - g.bootstrap.failed}/${g.bootstrap.resamples} refits`
                : ""
            })`,
        ]
        : []),
    ]),
  });
  return out;
}

/** Sentences explaining a law ranking. */
export function explainRanking(c: LawComparison): string {
  const fitted = c.rows.filter((r) => r.rankBacktest !== null || r.rankBic !== null);
  if (fitted.length === 0) return "No law could be fitted.";
  const byName = new Map(c.rows.map((r) => [r.law, r]));
  const parts: string[] = [];
  const [b0, b1] = c.byBacktest;
  if (b0) {
    parts.push(
      `By backtest error the best law is ${b0} (ARE ${pct(byName.get(b0)!.are)}${
        b1 ? `, against ${pct(byName.get(b1)!.are)} for ${b1}` : ""
      }).`,
    );
  }
  const [i0, i1] = c.byBic;
  if (i0) {
    const gap = i1 ? byName.get(i1)!.deltaBic : null;
    parts.push(
      `By BIC the best is ${i0}${
        i1 && gap !== null
          ? ` by ${num(gap, 3)} over ${i1} (${
            gap > 10 ? "strong" : gap > 2 ? "positive" : "weak"
          } evidence on the usual scale; overstated when the points include several checkpoints of one run, which are not independent)`
          : ""
      }; its Akaike weight is ${num(byName.get(i0)!.akaikeWeight, 3)}.`,
    );
  }
  if (c.agree !== null) {
    parts.push(
      c.agree
        ? "The in-sample criteria and the out-of-sample backtest agree on the best law."
        : "The criteria and the backtest disagree: a law can fit the training points better " +
          "yet extrapolate worse to larger models; the backtest is the test that matches the " +
          "use of a scaling law.",
    );
  }
  const skipped = c.rows.filter((r) => !r.applicable || r.note);
  if (skipped.length) {
    parts.push(`Not fitted: ${skipped.map((r) => `${r.law} (${r.note})`).join("; ")}.`);
  }
  return parts.join(" ");
}

function selectionBlocks(s: SelectionSummary): Block[] {
  const out: Block[] = [
    { type: "heading", level: 2, text: `Model selection ${s.id}` },
    {
      type: "paragraph",
      text: `Each law is fitted to the same training points of ${s.metric} and predicts the same ` +
        `held-out targets. Likelihood of AIC/BIC: ${s.likelihood}`,
    },
  ];
  for (const g of s.groups) {
    out.push({
      type: "heading",
      level: 3,
      text: `${g.group} (${g.trainPoints} training, ${g.targetPoints} target points)`,
    });
    out.push({
      type: "table",
      columns: [
        "Law",
        "Params",
        "Backtest ARE",
        "Rank",
        "Train ARE",
        "ΔAIC",
        "ΔBIC",
        "Akaike weight",
        "Rank (BIC)",
      ],
      align: ["left", "right", "right", "right", "right", "right", "right", "right", "right"],
      rows: g.rows.map((r) => [
        r.law,
        r.nFree === null ? "–" : String(r.nFree),
        r.applicable ? pct(r.are) : "n/a",
        r.rankBacktest === null ? "–" : String(r.rankBacktest),
        pct(r.trainAre),
        num(r.deltaAic, 3),
        num(r.deltaBic, 3),
        num(r.akaikeWeight, 3),
        r.rankBic === null ? "–" : String(r.rankBic),
      ]),
    });
    out.push({ type: "paragraph", text: explainRanking(g) });
  }
  return out;
}

function studyBlocks(s: StudySummary): Block[] {
  const settings = s.settings.map((x) => x.id);
  const out: Block[] = [
    {
      type: "heading",
      level: 2,
      text: `Study ${s.id}: which checkpoints and which models to fit on`,
    },
    {
      type: "paragraph",
      text: `${s.law} fitted on (number of training models, smallest first) × (fraction of ` +
        `each run's training: ${s.fractions.map((f) => `${Math.round(100 * f)}%`).join(", ")}) × ` +
        `(${settings.join(", ")}), and on sliding windows of ${s.windows.join("/")} consecutive ` +
        `sizes (${s.windowSetting}); target: the largest model's checkpoints in the last ` +
        `${pct(s.targets.lastFraction)} of its training (tokens ≥ ${
          num(s.targets.minTokens, 3)
        }). ` +
        `Fit: ${JSON.stringify(s.fit)}. ${s.fits} distinct fits.`,
    },
    {
      type: "table",
      columns: [
        "Family",
        "Metric",
        "Sizes",
        "Target N",
        "Target points",
        "Fitted cells",
        "Best ARE",
        "Best cell",
        ...settings.map((id) => `All models, 100%, ${id}`),
      ],
      align: [
        "left",
        "left",
        "right",
        "right",
        "right",
        "right",
        "right",
        "left",
        ...settings.map(() => "right" as const),
      ],
      rows: s.summary.map((r) => [
        r.family,
        r.metric,
        String(r.sizes),
        num(r.targetParams, 3),
        String(r.targetPoints),
        `${r.fitted}/${r.cells}`,
        pct(r.bestAre),
        r.best ?? "–",
        ...settings.map((id) => pct(r.fullAre[id])),
      ]),
    },
    { type: "heading", level: 3, text: "Findings of the paper on this data" },
    {
      type: "table",
      columns: ["Finding (Choshen et al.)", "On this data", "Evidence"],
      align: ["left", "left", "left"],
      rows: s.findings.map((f) => [f.claim, f.verdict, f.evidence]),
    },
  ];
  if (s.excluded.length) {
    out.push({
      type: "paragraph",
      text: `Families left out: ${s.excluded.map((e) => `${e.family} (${e.reason})`).join("; ")}.`,
    });
  }
  return out;
}

/**
 * Report blocks of the backtest section.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backtestBlocks } from "./backtest_blocks.ts";
 * assert.deepEqual(backtestBlocks({ quality: {}, backtests: {}, selections: {}, studies: {} }), []);
 * ```
 */
export function backtestBlocks(results: BacktestResults): Block[] {
  const out: Block[] = [];
  for (const [id, q] of Object.entries(results.quality)) out.push(...qualityBlocks(id, q));
  for (const b of Object.values(results.backtests)) out.push(...backtestSectionBlocks(b));
  for (const s of Object.values(results.selections)) out.push(...selectionBlocks(s));
  for (const s of Object.values(results.studies)) out.push(...studyBlocks(s));
  return out;
}
