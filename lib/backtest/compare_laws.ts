/**
 * Model selection across functional forms on the same data: each law is fitted to the same
 * training subset, scored by its backtest error at the same held-out targets and by AIC/BIC on
 * the training points (Gaussian likelihood of the residuals, see `metrics.ts`), and ranked.
 *
 * @module
 */

import { getLaw } from "../laws/registry.ts";
import type { BacktestFitOutcome, BacktestFitTask } from "./fit_task.ts";
import { runBacktestFit } from "./fit_task.ts";
import { type BacktestOptions, backtestTask, hasFiniteInputs } from "./backtest.ts";
import type { BacktestPoints } from "./points.ts";

/** Options of {@link compareLaws}. */
export interface CompareLawsOptions extends Omit<BacktestOptions, "law" | "bootstrap" | "workers"> {
  /** Laws (registry names or expressions). */
  laws: string[];
  /**
   * Runs the fit tasks (e.g. on a worker pool); results in task order.
   * @default on the calling thread
   */
  run?: (tasks: BacktestFitTask[]) => Promise<BacktestFitOutcome[]>;
}

/** One law of a comparison. */
export interface LawComparisonRow {
  law: string;
  formula: string;
  /** False when the data lacks one of the law's inputs (e.g. unique tokens U). */
  applicable: boolean;
  /** Why the law was not fitted, when it was not. */
  note: string | null;
  nFree: number | null;
  /** Training points. */
  n: number;
  converged: boolean | null;
  /** ARE and MAE at the held-out targets. */
  are: number | null;
  mae: number | null;
  /** ARE on the training points. */
  trainAre: number | null;
  aic: number | null;
  bic: number | null;
  /** AIC − min AIC, BIC − min BIC over the fitted laws. */
  deltaAic: number | null;
  deltaBic: number | null;
  /** Akaike weight exp(−ΔAIC/2) / Σ exp(−ΔAIC/2). */
  akaikeWeight: number | null;
  /** 1-based ranks (null when not fitted). */
  rankBacktest: number | null;
  rankAic: number | null;
  rankBic: number | null;
  /** Fitted parameters. */
  params: Record<string, number>;
}

/** Result of {@link compareLaws}. */
export interface LawComparison {
  /** Training and target points. */
  trainPoints: number;
  targetPoints: number;
  /** Rows in the order of the laws given. */
  rows: LawComparisonRow[];
  /** Laws ordered by backtest ARE (best first), fitted ones only. */
  byBacktest: string[];
  /** Laws ordered by BIC. */
  byBic: string[];
  /** Whether the best law by backtest is also the best by BIC. */
  agree: boolean | null;
}

function rank(
  rows: LawComparisonRow[],
  key: (r: LawComparisonRow) => number | null,
): Map<string, number> {
  const ok = rows.filter((r) => key(r) !== null && Number.isFinite(key(r)!));
  ok.sort((a, b) => key(a)! - key(b)! || a.law.localeCompare(b.law));
  return new Map(ok.map((r, i) => [r.law, i + 1]));
}

/**
 * Fit each law on the same subset, score the backtest and the information criteria, rank.
 *
 * @param points The points.
 * @param options Laws, subset, targets, fit options (use `loss: "squared"` for criteria that
 * are exact maximum-likelihood values).
 * @returns One row per law and the rankings.
 * @example The true form wins on data generated from it
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareLaws } from "./compare_laws.ts";
 * const law = (n: number, d: number) => 2 + 400 / n ** 0.3 + 900 / d ** 0.35;
 * const sizes = [1e7, 2e7, 5e7, 1e8, 3e8];
 * const run: number[] = [], N: number[] = [], D: number[] = [];
 * sizes.forEach((n, r) => { for (let k = 1; k <= 8; k++) run.push(r), N.push(n), D.push(k * 1e9); });
 * const points = {
 *   metric: "loss", transform: "none" as const, runIds: sizes.map(String),
 *   runParams: Float64Array.from(sizes), runFinalTokens: new Float64Array(5).fill(8e9),
 *   runFamilies: sizes.map(() => ""), run: Int32Array.from(run), N: Float64Array.from(N),
 *   D: Float64Array.from(D), U: new Float64Array(N.length).fill(NaN),
 *   y: Float64Array.from(N, (n, i) => law(n, D[i]) * (1 + 0.002 * Math.sin(7 * i))),
 * };
 * const c = await compareLaws(points, {
 *   laws: ["chinchilla", "kaplan", "data-constrained"], fit: { loss: "squared", space: "log" },
 * });
 * assert.equal(c.byBic[0], "chinchilla");
 * assert.equal(c.rows[2].applicable, false); // no unique tokens U
 * ```
 */
export async function compareLaws(
  points: BacktestPoints,
  options: CompareLawsOptions,
): Promise<LawComparison> {
  const prepared = options.laws.map((name) => {
    const law = getLaw(name);
    const { task, train, targets } = backtestTask(points, { ...options, law: name });
    const finite = hasFiniteInputs(task.train.inputs) && hasFiniteInputs(task.targets.inputs);
    return { name, law, task, train, targets, finite };
  });
  const runnable = prepared.filter((p) => p.finite);
  const run = options.run ??
    ((tasks: BacktestFitTask[]) => Promise.resolve(tasks.map(runBacktestFit)));
  const outcomes = await run(runnable.map((p) => ({ ...p.task, keepPredictions: false })));
  const byName = new Map(runnable.map((p, i) => [p.name, outcomes[i]]));
  const rows: LawComparisonRow[] = prepared.map((p) => {
    const o = byName.get(p.name);
    const fitted = o?.state === "fitted";
    const missing = p.law.inputs.filter((s) => {
      const col = p.task.train.inputs[s.name];
      return !col || !col.every(Number.isFinite);
    }).map((s) => s.name);
    return {
      law: p.name,
      formula: p.law.formula,
      applicable: p.finite,
      note: !p.finite
        ? `input ${missing.join(", ")} is unknown for some points`
        : o?.state === "too-few-points"
        ? `${o.n} training points for ${o.nFree} free parameters`
        : null,
      nFree: o ? o.nFree : null,
      n: p.train.length,
      converged: fitted ? o!.converged : null,
      are: fitted && Number.isFinite(o!.targets.are) ? o!.targets.are : null,
      mae: fitted && Number.isFinite(o!.targets.mae) ? o!.targets.mae : null,
      trainAre: fitted && Number.isFinite(o!.trainAre) ? o!.trainAre : null,
      aic: fitted && o!.criteria ? o!.criteria.aic : null,
      bic: fitted && o!.criteria ? o!.criteria.bic : null,
      deltaAic: null,
      deltaBic: null,
      akaikeWeight: null,
      rankBacktest: null,
      rankAic: null,
      rankBic: null,
      params: fitted ? o!.params : {},
    };
  });
  const aics = rows.filter((r) => r.aic !== null && Number.isFinite(r.aic));
  const minAic = Math.min(...aics.map((r) => r.aic!));
  const minBic = Math.min(...aics.map((r) => r.bic!));
  let total = 0;
  for (const r of aics) {
    r.deltaAic = r.aic! - minAic;
    r.deltaBic = r.bic! - minBic;
    total += Math.exp(-r.deltaAic / 2);
  }
  for (const r of aics) r.akaikeWeight = Math.exp(-r.deltaAic! / 2) / total;
  const rb = rank(rows, (r) => r.are),
    ra = rank(rows, (r) => r.aic),
    rbic = rank(rows, (r) => r.bic);
  for (const r of rows) {
    r.rankBacktest = rb.get(r.law) ?? null;
    r.rankAic = ra.get(r.law) ?? null;
    r.rankBic = rbic.get(r.law) ?? null;
  }
  const order = (m: Map<string, number>) => [...m].sort((a, b) => a[1] - b[1]).map(([l]) => l);
  const byBacktest = order(rb), byBic = order(rbic);
  return {
    trainPoints: prepared[0]?.train.length ?? 0,
    targetPoints: prepared[0]?.targets.length ?? 0,
    rows,
    byBacktest,
    byBic,
    agree: byBacktest.length && byBic.length ? byBacktest[0] === byBic[0] : null,
  };
}
