/**
 * Checkpoint quality checks to run before fitting: duplicated checkpoints (identical values at
 * different steps, as with Pythia's mislabelled checkpoints, EleutherAI/pythia #108 and #205),
 * loss spikes, tokens that do not increase with step, and runs with too few points. Each check
 * returns counts and a few example runs; {@link checkQuality} also turns them into counted
 * warnings (`lib/util/warnings.ts`) for reports.
 *
 * The checks never change the ladder: they describe it.
 *
 * @module
 */

import type { Ladder, MetricKind } from "./schema.ts";
import { type Warning, Warnings } from "../util/warnings.ts";

/** Options of {@link checkQuality}. */
export interface QualityOptions {
  /**
   * Metrics checked for spikes and counted for "too few points". @default the metrics of kind
   * loss, perplexity or bits_per_byte, else all metrics
   */
  metrics?: string[];
  /**
   * Two checkpoints of a run are duplicates when every metric observed at both has exactly the
   * same value and they share at least this many metrics (one shared metric can repeat by
   * chance, e.g. in digitised curves). @default 2
   */
  minSharedMetrics?: number;
  /**
   * A value is a spike when it exceeds the median of the previous `spikeWindow` values of the
   * same metric in the same run by more than this fraction. @default 0.1
   */
  spikeThreshold?: number;
  /** Trailing window of the spike check. @default 5 */
  spikeWindow?: number;
  /** Runs with fewer checkpoints than this (with a value of a checked metric) are flagged. @default 3 */
  minPoints?: number;
  /** Most example run ids listed per check. @default 5 */
  maxExamples?: number;
}

/** Outcome of one check. */
export interface QualityCheck {
  /** Stable code: `quality.duplicate-checkpoints`, `quality.loss-spikes`, ... */
  code: string;
  /** What the check looks for, as a sentence. */
  description: string;
  /** How many items were flagged (checkpoint pairs, spikes, steps, runs). */
  count: number;
  /** Runs concerned. */
  runs: number;
  /** A few example run ids (with details). */
  examples: string[];
}

/** Result of {@link checkQuality}. */
export interface QualityReport {
  /** Runs and checkpoints examined. */
  checkedRuns: number;
  checkedCheckpoints: number;
  /** Metrics used by the spike and point-count checks. */
  metrics: string[];
  /** One entry per check, in a fixed order (also when nothing was found). */
  checks: QualityCheck[];
  /** The checks that found something, as counted warnings. */
  warnings: Warning[];
}

const LOSS_KINDS: MetricKind[] = ["loss", "perplexity", "bits_per_byte"];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function short(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/**
 * Run the checkpoint quality checks on a ladder.
 *
 * - **duplicate checkpoints**: pairs of checkpoints of one run at different steps (or tokens)
 *   whose values of every shared metric are identical, with at least `minSharedMetrics` shared;
 * - **loss spikes**: values of a checked metric more than `spikeThreshold` above the median of
 *   the previous `spikeWindow` values of the run (in token order);
 * - **tokens not increasing with step**: consecutive checkpoints of a run (by step, where steps
 *   are known) whose tokens do not increase;
 * - **too few points**: runs with fewer than `minPoints` checkpoints carrying a checked metric.
 *
 * @param ladder The ladder (not changed).
 * @param options Thresholds and metrics.
 * @returns Counts, examples and counted warnings.
 * @throws {RangeError} When a metric named in `options.metrics` is not in the ladder.
 * @example A planted duplicate and a spike
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLadder } from "./schema.ts";
 * import { checkQuality } from "./quality.ts";
 * const loss = [4, 3.5, 3.2, 3.0, 2.9, 3.6, 2.8];
 * const ladder = makeLadder({
 *   runs: [{ id: "a", params: 1e8 }],
 *   checkpoints: loss.map((_, i) => ({ run: 0, step: i + 1, tokens: (i + 1) * 1e9, flops: NaN })),
 *   observations: loss.flatMap((v, c) => [
 *     { checkpoint: c, metric: "loss", value: v },
 *     { checkpoint: c, metric: "acc", value: c === 6 ? 0.3 : 0.1 * c },
 *   ]).map((o) => o.checkpoint === 6 ? { ...o, value: o.metric === "loss" ? 2.9 : 0.4 } : o),
 *   metricKinds: { loss: "loss", acc: "accuracy" },
 * });
 * const report = checkQuality(ladder);
 * const count = (code: string) => report.checks.find((c) => c.code === code)!.count;
 * assert.equal(count("quality.duplicate-checkpoints"), 1); // checkpoints 5 and 7
 * assert.equal(count("quality.loss-spikes"), 1); // 3.6 after 3.2, 3.0, 2.9
 * assert.equal(report.warnings.length, 2);
 * ```
 */
export function checkQuality(ladder: Ladder, options: QualityOptions = {}): QualityReport {
  const minShared = options.minSharedMetrics ?? 2;
  const threshold = options.spikeThreshold ?? 0.1;
  const window = options.spikeWindow ?? 5;
  const minPoints = options.minPoints ?? 3;
  const maxExamples = options.maxExamples ?? 5;
  let metrics = options.metrics;
  if (metrics) {
    for (const m of metrics) {
      if (!ladder.metrics.includes(m)) {
        throw new RangeError(
          `Cannot check quality: metric ${
            JSON.stringify(m)
          } is not in the ladder; expected one of ${
            ladder.metrics.map((s) => JSON.stringify(s)).join(", ")
          }`,
        );
      }
    }
  } else {
    metrics = ladder.metrics.filter((m) => LOSS_KINDS.includes(ladder.metricKinds[m]));
    if (metrics.length === 0) metrics = [...ladder.metrics];
  }
  const checked = new Set(metrics.map((m) => ladder.metrics.indexOf(m)));

  const cp = ladder.checkpoints;
  const nc = cp.run.length;
  const nm = ladder.metrics.length;
  // Values by checkpoint: a dense row per checkpoint (NaN when not observed).
  const values = new Float64Array(nc * nm).fill(NaN);
  const obs = ladder.observations;
  for (let i = 0; i < obs.value.length; i++) {
    values[obs.checkpoint[i] * nm + obs.metric[i]] = obs.value[i];
  }
  const byRun: number[][] = ladder.runs.map(() => []);
  for (let c = 0; c < nc; c++) byRun[cp.run[c]].push(c);
  const stepKey = (c: number) => (Number.isNaN(cp.step[c]) ? -Infinity : cp.step[c]);
  for (const list of byRun) {
    list.sort((a, b) => cp.tokens[a] - cp.tokens[b] || stepKey(a) - stepKey(b) || a - b);
  }

  const dup = { count: 0, runs: new Set<number>(), examples: [] as string[] };
  const spikes = { count: 0, runs: new Set<number>(), examples: [] as string[] };
  const order = { count: 0, runs: new Set<number>(), examples: [] as string[] };
  const few = { count: 0, runs: new Set<number>(), examples: [] as string[] };
  const note = (
    target: { count: number; runs: Set<number>; examples: string[] },
    r: number,
    text: string,
  ) => {
    target.count++;
    if (!target.runs.has(r) && target.examples.length < maxExamples) {
      target.examples.push(`${ladder.runs[r].id}: ${text}`);
    }
    target.runs.add(r);
  };
  const where = (c: number) =>
    Number.isNaN(cp.step[c]) ? `tokens ${short(cp.tokens[c])}` : `step ${cp.step[c]}`;

  byRun.forEach((list, r) => {
    // Duplicates: hash the value rows, compare rows with equal hashes exactly.
    const groups = new Map<string, number[]>();
    for (const c of list) {
      const row = values.subarray(c * nm, c * nm + nm);
      let shared = 0;
      const parts: string[] = [];
      for (let m = 0; m < nm; m++) {
        if (!Number.isNaN(row[m])) {
          shared++;
          parts.push(`${m}:${row[m]}`);
        }
      }
      if (shared < minShared) continue;
      const key = parts.join("|");
      const g = groups.get(key);
      if (g) g.push(c);
      else groups.set(key, [c]);
    }
    for (const g of groups.values()) {
      for (let j = 1; j < g.length; j++) {
        const a = g[0], b = g[j];
        if (cp.step[a] === cp.step[b] && cp.tokens[a] === cp.tokens[b]) continue;
        note(dup, r, `${where(a)} and ${where(b)} have identical values`);
      }
    }
    // Tokens must increase with step.
    const withStep = list.filter((c) => !Number.isNaN(cp.step[c]));
    withStep.sort((a, b) => cp.step[a] - cp.step[b] || a - b);
    for (let j = 1; j < withStep.length; j++) {
      const a = withStep[j - 1], b = withStep[j];
      if (cp.step[b] > cp.step[a] && !(cp.tokens[b] > cp.tokens[a])) {
        note(
          order,
          r,
          `tokens ${short(cp.tokens[b])} at step ${cp.step[b]} after ${
            short(cp.tokens[a])
          } at step ${cp.step[a]}`,
        );
      }
    }
    // Spikes and point counts, per checked metric.
    let most = 0;
    for (const m of checked) {
      const series: { c: number; v: number }[] = [];
      for (const c of list) {
        const v = values[c * nm + m];
        if (Number.isFinite(v)) series.push({ c, v });
      }
      most = Math.max(most, series.length);
      for (let j = 1; j < series.length; j++) {
        const prev = series.slice(Math.max(0, j - window), j).map((s) => s.v);
        const ref = median(prev);
        if (ref > 0 && series[j].v > ref * (1 + threshold)) {
          note(
            spikes,
            r,
            `${ladder.metrics[m]} ${short(series[j].v)} at ${where(series[j].c)} ` +
              `vs trailing median ${short(ref)}`,
          );
        }
      }
    }
    if (most < minPoints) note(few, r, `${most} checkpoint${most === 1 ? "" : "s"}`);
  });

  const checks: QualityCheck[] = [
    {
      code: "quality.duplicate-checkpoints",
      description: `checkpoint pairs of one run at different steps with identical values of ` +
        `every shared metric (at least ${minShared} shared)`,
      ...pack(dup),
    },
    {
      code: "quality.loss-spikes",
      description: `values more than ${short(100 * threshold)}% above the median of the ` +
        `previous ${window} values of the run`,
      ...pack(spikes),
    },
    {
      code: "quality.tokens-not-increasing",
      description: "consecutive steps of a run whose tokens do not increase",
      ...pack(order),
    },
    {
      code: "quality.too-few-points",
      description: `runs with fewer than ${minPoints} checkpoints carrying ${
        metrics.length === 1 ? "the metric" : "any of the metrics"
      } ${metrics.slice(0, 3).map((m) => JSON.stringify(m)).join(", ")}${
        metrics.length > 3 ? ` (and ${metrics.length - 3} more)` : ""
      }`,
      ...pack(few),
    },
  ];
  const w = new Warnings();
  for (const c of checks) {
    if (c.count > 0) {
      w.warn(
        c.code,
        `Quality check: ${c.description} (${c.runs} runs; e.g. ${
          c.examples.slice(0, 2).join("; ")
        })`,
        c.count,
      );
    }
  }
  return {
    checkedRuns: ladder.runs.length,
    checkedCheckpoints: nc,
    metrics,
    checks,
    warnings: w.list,
  };
}

function pack(t: { count: number; runs: Set<number>; examples: string[] }) {
  return { count: t.count, runs: t.runs.size, examples: t.examples };
}
