/**
 * Running the backtest step kinds (`quality`, `backtest`, `select`, `study`; spec in
 * `steps_backtest_spec.ts`), their part of results.json, and their figures (ARE heatmaps in the
 * style of Choshen et al.'s figures).
 *
 * State lives in a per-context store, so the shared pipeline context needs no new fields.
 *
 * @module
 */

import { applyFilters } from "../data/filter.ts";
import { checkQuality, type QualityReport } from "../data/quality.ts";
import type { Ladder } from "../data/schema.ts";
import { backtest, backtestWithIntervals } from "../backtest/backtest.ts";
import { compareLaws } from "../backtest/compare_laws.ts";
import { type SeedSpread, studyFindings, studySummary } from "../backtest/findings.ts";
import type { BacktestFitOutcome, BacktestFitTask } from "../backtest/fit_task.ts";
import { backtestPoints } from "../backtest/points.ts";
import {
  runStudy,
  STUDY_FIT,
  type StudyCell,
  type StudyFamilyInput,
  type StudyResult,
} from "../backtest/study.ts";
import { defaultWorkerCount, WorkerPool } from "../fit/pool.ts";
import type { FitOptions } from "../fit/types.ts";
import { heatmap, type HeatmapCell } from "../plot/heatmap.ts";
import type {
  BacktestResults,
  BacktestSummary,
  SelectionSummary,
  StudySummary,
} from "../report/backtest_blocks.ts";
import { Figure } from "../report/figure.ts";
import { formatNumber } from "../report/format.ts";
import type { PipelineContext } from "./context.ts";
import type { RunPipelineOptions } from "./run.ts";
import type {
  BacktestFitStepOptions,
  BacktestStepConfig,
  BacktestSteps,
  PointsStepOptions,
  QualityStepConfig,
  SelectStepConfig,
  StudyStepConfig,
} from "./steps_backtest_spec.ts";

interface State {
  quality: Map<string, QualityReport>;
  backtests: Map<string, BacktestSummary>;
  selections: Map<string, SelectionSummary>;
  studies: Map<string, { summary: StudySummary; result: StudyResult }>;
}

const STATES = new WeakMap<PipelineContext, State>();

function state(ctx: PipelineContext): State {
  let s = STATES.get(ctx);
  if (!s) {
    s = { quality: new Map(), backtests: new Map(), selections: new Map(), studies: new Map() };
    STATES.set(ctx, s);
  }
  return s;
}

function ladderOf(ctx: PipelineContext, what: string): Ladder {
  if (!ctx.ladder) throw new Error(`Cannot ${what}: no data; expected a load step before it`);
  return ctx.ladder;
}

function fitOptions(
  o: BacktestFitStepOptions | undefined,
  fallback: FitOptions,
): Omit<FitOptions, "workers" | "onProgress"> {
  return o ? { ...o } : { ...fallback };
}

function pointsOptions(step: PointsStepOptions) {
  return {
    ...(step.transform ? { transform: step.transform } : {}),
    ...(step.uniqueTokens ? { uniqueTokens: step.uniqueTokens } : {}),
  };
}

function familyLadder(ladder: Ladder, families: string[]): Ladder {
  return applyFilters(ladder, [{ kind: "runs", families }]).ladder;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? "–"
    : `${formatNumber(100 * x, 3)}%`;
}

/** A task runner on a pool (or the calling thread), results in task order. */
function taskRunner(
  workers: number,
): { run: (tasks: BacktestFitTask[]) => Promise<BacktestFitOutcome[]>; close: () => void } {
  if (workers <= 1) {
    return {
      run: async (tasks) => {
        const { runBacktestFit } = await import("../backtest/fit_task.ts");
        return tasks.map(runBacktestFit);
      },
      close: () => {},
    };
  }
  let pool: WorkerPool | undefined;
  const module = new URL("../backtest/fit_task.ts", import.meta.url).href;
  return {
    run: (tasks) => {
      pool ??= new WorkerPool(workers);
      return pool.run<BacktestFitOutcome>(
        tasks.map((input) => ({ module, fn: "runBacktestFit", input })),
      );
    },
    close: () => pool?.close(),
  };
}

function runQuality(ctx: PipelineContext, step: QualityStepConfig): string {
  const ladder = ladderOf(ctx, "check quality");
  const report = checkQuality(ladder, {
    ...(step.metrics ? { metrics: step.metrics } : {}),
    ...(step.minSharedMetrics !== undefined ? { minSharedMetrics: step.minSharedMetrics } : {}),
    ...(step.spikeThreshold !== undefined ? { spikeThreshold: step.spikeThreshold } : {}),
    ...(step.spikeWindow !== undefined ? { spikeWindow: step.spikeWindow } : {}),
    ...(step.minPoints !== undefined ? { minPoints: step.minPoints } : {}),
  });
  state(ctx).quality.set(step.id ?? "quality", report);
  ctx.warnings.addAll(report.warnings);
  return report.checks.map((c) => `${c.code.replace("quality.", "")} ${c.count}`).join(", ");
}

async function runBacktestStepImpl(
  ctx: PipelineContext,
  step: BacktestStepConfig,
  options: RunPipelineOptions,
): Promise<string> {
  let ladder = ladderOf(ctx, `run backtest ${JSON.stringify(step.id)}`);
  if (step.filters) ladder = applyFilters(ladder, step.filters).ladder;
  const groups = step.families
    ? step.families.map((f) => ({ name: f, ladder: familyLadder(ladder, [f]) }))
    : [{ name: "all", ladder }];
  const out: BacktestSummary = {
    id: step.id,
    law: step.law ?? "chinchilla",
    metric: step.metric,
    subset: step.subset ?? {},
    targets: step.targets ?? {},
    groups: [],
  };
  for (const g of groups) {
    const points = backtestPoints(g.ladder, step.metric, pointsOptions(step));
    const common = {
      law: out.law,
      ...(step.subset ? { subset: step.subset } : {}),
      ...(step.targets ? { targets: step.targets } : {}),
      fit: fitOptions(step.options, {}),
    };
    const r = step.bootstrap
      ? await backtestWithIntervals(points, {
        ...common,
        bootstrap: { ...step.bootstrap, seed: step.bootstrap.seed ?? ctx.spec.seed },
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
      })
      : backtest(points, common);
    if (r.outcome.state !== "fitted" || !r.outcome.converged) {
      ctx.warnings.warn(
        "backtest.not-converged",
        `Backtest ${JSON.stringify(step.id)} (${g.name}): ${
          r.outcome.state === "fitted"
            ? `the fit did not converge (${r.outcome.status}); its errors are of the last iterate`
            : `${r.outcome.n} training points for ${r.outcome.nFree} free parameters; not fitted`
        }`,
      );
    }
    if (r.bootstrap && r.bootstrap.failed > 0) {
      ctx.warnings.warn(
        "backtest.failed-refits",
        `Backtest ${JSON.stringify(step.id)} (${g.name}): bootstrap refits that did not ` +
          `converge were left out of the intervals`,
        r.bootstrap.failed,
      );
    }
    out.groups.push({
      group: g.name,
      train: r.train,
      targets: r.targets,
      state: r.outcome.state,
      converged: r.outcome.converged,
      params: r.outcome.params,
      errors: r.errors,
      level: r.level,
      bootstrap: r.bootstrap,
      rows: r.rows.slice(0, 200),
    });
  }
  state(ctx).backtests.set(step.id, out);
  return out.groups.map((g) =>
    `${g.group}: ARE ${
      pct(g.errors.are)
    } at ${g.targets.points} targets from ${g.train.points} points`
  ).join("; ");
}

async function runSelect(
  ctx: PipelineContext,
  step: SelectStepConfig,
  options: RunPipelineOptions,
): Promise<string> {
  let ladder = ladderOf(ctx, `run selection ${JSON.stringify(step.id)}`);
  if (step.filters) ladder = applyFilters(ladder, step.filters).ladder;
  const base = step.families ? familyLadder(ladder, step.families) : ladder;
  const names = step.groupBy === "family"
    ? [...new Set(base.runs.map((r) => r.family ?? ""))].filter((f) => f !== "").sort()
    : ["all"];
  const fit = fitOptions(step.options, { loss: "squared", space: "log" });
  const runner = taskRunner(options.workers ?? defaultWorkerCount());
  const out: SelectionSummary = {
    id: step.id,
    metric: step.metric,
    likelihood:
      `i.i.d. Gaussian errors of the residuals in ${
        fit.space ?? "log"
      } space (ln y − ln f for log), variance at its maximum-likelihood value RSS/n; k = free ` +
      `parameters + 1. ${
        fit.loss === "squared"
          ? "The fits minimise the same squared residuals, so the criteria use maximised likelihoods."
          : "The fits use another loss, so the likelihood is evaluated at the fitted parameters, not maximised."
      }`,
    fit: JSON.parse(JSON.stringify(fit)),
    groups: [],
  };
  try {
    for (const name of names) {
      const l = name === "all" ? base : familyLadder(base, [name]);
      const points = backtestPoints(l, step.metric, pointsOptions(step));
      const c = await compareLaws(points, {
        laws: step.laws,
        ...(step.subset ? { subset: step.subset } : {}),
        ...(step.targets ? { targets: step.targets } : {}),
        fit,
        run: runner.run,
      });
      out.groups.push({ group: name, ...c });
    }
  } finally {
    runner.close();
  }
  state(ctx).selections.set(step.id, out);
  return out.groups.map((g) =>
    `${g.group}: ${g.byBacktest[0] ?? "–"} by backtest, ${g.byBic[0] ?? "–"} by BIC`
  ).join("; ");
}

/** Mean |value − seed mean| / seed mean over (size, tokens) points logged by ≥ 2 seeds. */
function seedSpread(inputs: StudyFamilyInput[]): SeedSpread {
  let families = 0, sum = 0, count = 0;
  for (const f of inputs) {
    const seeds = f.runSeeds ?? [];
    const p = f.points;
    const bySize = new Map<number, Set<string>>();
    p.runParams.forEach((n, r) => {
      if (!bySize.has(n)) bySize.set(n, new Set());
      bySize.get(n)!.add(seeds[r] ?? "");
    });
    if (![...bySize.values()].some((s) => s.size > 1)) continue;
    families++;
    const groups = new Map<string, number[]>();
    for (let i = 0; i < p.y.length; i++) {
      const key = `${p.N[i]}|${p.D[i]}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(p.y[i]);
    }
    for (const ys of groups.values()) {
      if (ys.length < 2) continue;
      const m = ys.reduce((a, b) => a + b, 0) / ys.length;
      for (const y of ys) {
        sum += Math.abs(y - m) / Math.abs(m);
        count++;
      }
    }
  }
  return { families, relativeSpread: count ? sum / count : null };
}

/**
 * The families a study step fits: each family of the ladder (or of `config.families`) with a
 * metric of `config.metrics`, at least `minSizes` sizes, and at least `minCheckpoints`
 * checkpoints in every run; the others are listed with the reason they were left out.
 *
 * @param ladder The ladder (after the step's filters).
 * @param config The study step's family options.
 * @returns The study inputs and the families left out.
 */
export function studyFamilies(
  ladder: Ladder,
  config: Pick<
    StudyStepConfig,
    "metrics" | "families" | "minSizes" | "minCheckpoints" | "transform" | "uniqueTokens"
  >,
): { inputs: StudyFamilyInput[]; excluded: { family: string; reason: string }[] } {
  const step = config;
  const minSizes = step.minSizes ?? 3, minCheckpoints = step.minCheckpoints ?? 5;
  const all = [...new Set(ladder.runs.map((r) => r.family ?? ""))].filter((f) => f !== "").sort();
  const wanted = step.families ?? all;
  const inputs: StudyFamilyInput[] = [];
  const excluded: { family: string; reason: string }[] = [];
  for (const family of wanted) {
    if (!all.includes(family)) {
      excluded.push({ family, reason: "not in the data" });
      continue;
    }
    const l = familyLadder(ladder, [family]);
    const observed = new Set(Array.from(l.observations.metric, (m) => l.metrics[m]));
    const metric = step.metrics.find((m) => observed.has(m));
    if (!metric) {
      if (step.families) {
        excluded.push({ family, reason: `none of the metrics ${step.metrics.join(", ")}` });
      }
      continue;
    }
    const points = backtestPoints(l, metric, pointsOptions(step));
    const sizes = new Set(points.runParams).size;
    if (sizes < minSizes) {
      if (step.families || sizes > 1) {
        excluded.push({ family, reason: `${sizes} model sizes with ${metric}` });
      }
      continue;
    }
    const perRun = new Int32Array(points.runIds.length);
    for (const r of points.run) perRun[r]++;
    const fewest = Math.min(...perRun);
    if (fewest < minCheckpoints) {
      excluded.push({
        family,
        reason: `a run has ${fewest} checkpoint${
          fewest === 1 ? "" : "s"
        } of ${metric} (fewer than ${minCheckpoints}: no intermediate checkpoints)`,
      });
      continue;
    }
    const byId = new Map(l.runs.map((r) => [r.id, r]));
    inputs.push({ family, points, runSeeds: points.runIds.map((id) => byId.get(id)?.seed ?? "") });
  }
  return { inputs, excluded };
}

async function runStudyStep(
  ctx: PipelineContext,
  step: StudyStepConfig,
  options: RunPipelineOptions,
): Promise<string> {
  let ladder = ladderOf(ctx, `run study ${JSON.stringify(step.id)}`);
  if (step.filters) ladder = applyFilters(ladder, step.filters).ladder;
  const { inputs, excluded } = studyFamilies(ladder, step);
  const workers = options.workers ?? defaultWorkerCount();
  let lastLine = 0;
  const result = await runStudy(inputs, {
    ...(step.law ? { law: step.law } : {}),
    ...(step.fractions ? { fractions: step.fractions } : {}),
    ...(step.settings ? { settings: step.settings } : {}),
    ...(step.targets ? { targets: step.targets } : {}),
    ...(step.windows ? { windows: step.windows } : {}),
    ...(step.windowSetting ? { windowSetting: step.windowSetting } : {}),
    ...(step.aggregate ? { aggregate: step.aggregate } : {}),
    fit: fitOptions(step.options, STUDY_FIT),
    workers,
    progress: { label: `study ${step.id}` },
    onProgress: (done, total) => {
      const t = performance.now();
      if (done === total || t - lastLine > 20000) {
        lastLine = t;
        options.onProgress?.(`study ${step.id}: ${done}/${total} fits`);
      }
    },
  });
  ctx.timings[`study ${step.id} fits`] = result.seconds;
  ctx.timings[`study ${step.id} fits per second (${result.workers} workers)`] = result.fits /
    result.seconds;
  const findings = studyFindings(result, seedSpread(inputs));
  const summary: StudySummary = {
    id: step.id,
    law: result.law,
    fit: result.fit,
    fractions: result.fractions,
    settings: result.settings,
    targets: result.targets,
    windows: result.windows,
    windowSetting: result.windowSetting,
    fits: result.fits,
    families: result.families,
    aggregates: result.aggregates,
    excluded,
    summary: studySummary(result),
    findings,
  };
  state(ctx).studies.set(step.id, { summary, result });
  const unfit = result.families.reduce(
    (n, f) => n + f.cells.filter((c) => c.state === "fitted" && !c.converged).length,
    0,
  );
  if (unfit > 0) {
    ctx.warnings.warn(
      "study.not-converged",
      `Study ${JSON.stringify(step.id)}: fits that did not converge (their ARE is kept)`,
      unfit,
    );
  }
  return `${inputs.length} families, ${result.fits} fits in ${
    result.seconds.toFixed(1)
  } s on ${result.workers} worker${result.workers === 1 ? "" : "s"}; ${
    findings.map((f) => `${f.id}: ${f.verdict}`).join(", ")
  }`;
}

/**
 * Run one backtest step.
 *
 * @param ctx The pipeline's state.
 * @param step The parsed step.
 * @param options Run options (workers, progress).
 * @returns A one-line summary.
 */
export function runBacktestStep(
  ctx: PipelineContext,
  step: BacktestSteps,
  options: RunPipelineOptions,
): Promise<string> {
  switch (step.step) {
    case "quality":
      return Promise.resolve(runQuality(ctx, step));
    case "backtest":
      return runBacktestStepImpl(ctx, step, options);
    case "select":
      return runSelect(ctx, step, options);
    case "study":
      return runStudyStep(ctx, step, options);
  }
}

/**
 * The backtest section of results.json, or undefined when no backtest step ran.
 *
 * @param ctx The pipeline's state.
 */
export function backtestResults(ctx: PipelineContext): BacktestResults | undefined {
  const s = STATES.get(ctx);
  if (!s) return undefined;
  return {
    quality: Object.fromEntries(s.quality),
    backtests: Object.fromEntries(s.backtests),
    selections: Object.fromEntries(s.selections),
    studies: Object.fromEntries([...s.studies].map(([k, v]) => [k, v.summary])),
  };
}

function sizeLabel(n: number): string {
  if (n >= 1e9) return `${formatNumber(n / 1e9, 3)}B`;
  if (n >= 1e6) return `${formatNumber(n / 1e6, 3)}M`;
  return formatNumber(n, 3);
}

function fractionLabel(f: number): string {
  return `${Math.round(100 * f)}%`;
}

const SLUG = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");

/** ARE heatmaps of a study: per aggregate and per family not in an aggregate; window grids. */
function studyFigures(id: string, s: StudySummary): Figure[] {
  const out: Figure[] = [];
  const domain: [number, number] = [0, 0.3];
  const xOrder = s.fractions.map(fractionLabel);
  const grouped = new Set(s.aggregates.flatMap((a) => a.families));
  type C = Pick<StudyCell, "setting" | "k" | "start" | "fraction" | "are"> & { grid: string };
  const draw = (name: string, label: string, target: string, cells: C[], n: number | null) => {
    const models = cells.filter((c) => c.grid === "models");
    if (models.length === 0) return;
    const ks = [...new Set(models.map((c) => c.k))].sort((a, b) => b - a);
    const yOrder: string[] = [];
    for (const st of s.settings) for (const k of ks) yOrder.push(`${st.id} · ${k} models`);
    const hm: HeatmapCell[] = models.map((c) => ({
      x: fractionLabel(c.fraction),
      y: `${c.setting} · ${c.k} models`,
      value: c.are ?? NaN,
    }));
    const svg = heatmap({ cells: hm }, {
      name: `study-${id}-${SLUG(name)}`,
      title: `${label}: ARE predicting the ${target} model`,
      xLabel: "Fraction of each run's training used",
      yLabel: "Checkpoints · models",
      valueLabel: "ARE",
      format: "percent",
      domain,
      xOrder,
      yOrder,
      height: Math.max(340, 90 + 26 * yOrder.length),
      caption:
        `${s.law}; target: last ${fractionLabel(s.targets.lastFraction)} of the largest model. ` +
        `Training models are the smallest first. – : not fitted (final only needs at least as many models as parameters). Colours clipped at 30%.` +
        (n !== null ? ` Mean over ${n} families.` : ""),
    });
    out.push(
      new Figure({
        name: `study-${id}-${SLUG(name)}`,
        title:
          `${label}: ARE by number of training models, fraction of training and checkpoints used`,
        alt:
          `Heatmap of the absolute relative error of ${s.law} predictions for ${label}: rows are ` +
          `checkpoint settings and numbers of training models, columns the fraction of training used.`,
        svg,
      }),
    );
    const win = cells.filter((c) => c.grid === "window");
    if (new Set(win.map((c) => c.start)).size >= 2) {
      const starts = [...new Set(win.map((c) => c.start))].sort((a, b) => b - a);
      const fam = s.families.find((f) => f.family === name);
      const lab = (c: C) => {
        const sizes = fam ? fam.sizes.slice(c.start, c.start + c.k) : [];
        return sizes.length
          ? `${sizes.map(sizeLabel).join(" + ")}`
          : `ranks ${c.start}–${c.start + c.k - 1}`;
      };
      const byStart = new Map(win.map((c) => [c.start, lab(c)]));
      const wsvg = heatmap({
        cells: win.map((c) => ({
          x: fractionLabel(c.fraction),
          y: byStart.get(c.start)!,
          value: c.are ?? NaN,
        })),
      }, {
        name: `study-${id}-${SLUG(name)}-windows`,
        title: `${label}: ARE of windows of ${s.windows.join("/")} consecutive sizes`,
        xLabel: "Fraction of each run's training used",
        yLabel: "Training models",
        valueLabel: "ARE",
        format: "percent",
        domain,
        xOrder,
        yOrder: starts.map((st) => byStart.get(st)!),
        height: Math.max(340, 100 + 30 * starts.length),
        caption:
          `Checkpoints ${s.windowSetting}; windows closest in size to the target (the ${target} model) on top. Colours clipped at 30%.`,
      });
      out.push(
        new Figure({
          name: `study-${id}-${SLUG(name)}-windows`,
          title:
            `${label}: ARE of sliding windows of model sizes (similar size to the target on top)`,
          alt: `Heatmap of the ARE of fits on windows of consecutive model sizes for ${label}.`,
          svg: wsvg,
        }),
      );
    }
  };
  for (const a of s.aggregates) {
    if (a.families.length === 0) continue;
    const fam = s.families.find((f) => f.family === a.families[0])!;
    draw(
      a.name,
      `${a.name} (mean of ${a.families.length})`,
      sizeLabel(fam.sizes[fam.sizes.length - 1]),
      a.cells,
      a.families.length,
    );
  }
  for (const f of s.families) {
    if (grouped.has(f.family)) continue;
    draw(f.family, f.family, sizeLabel(f.sizes[f.sizes.length - 1]), f.cells, null);
  }
  return out;
}

/**
 * Figures of the backtest steps: the ARE heatmaps of each study.
 *
 * @param ctx The pipeline's state.
 * @returns The figures.
 */
export function backtestFigures(ctx: PipelineContext): Figure[] {
  const s = STATES.get(ctx);
  if (!s) return [];
  return [...s.studies].flatMap(([id, v]) => studyFigures(id, v.summary));
}
