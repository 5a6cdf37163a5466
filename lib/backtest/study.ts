/**
 * The Hitchhiker's Guide study (Choshen, Zhang, Andreas 2025, methods.md 1.9) as a reusable
 * grid of backtests: for each family (scaled set) with enough model sizes, fit a law on
 * (number of models used) × (fraction of each run's training used) × (checkpoint setting:
 * final only, every checkpoint after a minimum-tokens cut, every checkpoint), plus sliding
 * windows of k consecutive sizes, and score each fit by its ARE at the largest model's last
 * 30% of training. Thousands of fits run across a {@link WorkerPool}; results come back in a
 * fixed order, so the study is identical for any number of workers.
 *
 * @module
 */

import { defaultWorkerCount, WorkerPool } from "../fit/pool.ts";
import type { FitOptions } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import { hasFiniteInputs, lawColumns } from "./backtest.ts";
import { type BacktestFitOutcome, type BacktestFitTask, runBacktestFit } from "./fit_task.ts";
import { type BacktestPoints, modelSizes, takePoints } from "./points.ts";
import { progressBar, type ProgressBarOptions } from "./progress.ts";
import {
  selectTargets,
  selectTrain,
  splitSizes,
  type SubsetSpec,
  type TargetSpec,
} from "./select.ts";

/** A checkpoint setting of the study: which checkpoints of each (truncated) run are used. */
export interface CheckpointSetting {
  /** Short id used in results and figures, e.g. `"final"`, `"all≥1e10"`. */
  id: string;
  checkpoints: "final" | "all";
  /** With `"all"`, drop checkpoints with fewer tokens. @default 0 */
  minTokens?: number;
}

/** The settings of Choshen et al.: final only, every checkpoint ≥ 1e10 tokens, every checkpoint. */
export const DEFAULT_SETTINGS: readonly CheckpointSetting[] = [
  { id: "final", checkpoints: "final" },
  { id: "all≥1e10", checkpoints: "all", minTokens: 1e10 },
  { id: "all", checkpoints: "all", minTokens: 0 },
];

/** The fractions of training of the paper: 10%, 20%, ..., 100%. */
export const DEFAULT_FRACTIONS: readonly number[] = [
  0.1,
  0.2,
  0.3,
  0.4,
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  1,
];

/**
 * The study's default fit: ColPret's objective (least squares on the loss in linear space, with
 * alpha, beta ≥ 0) minimised by L-BFGS-B from the engine's "default" starts (variable
 * projection over the exponents, then a few local refinements), instead of ColPret's single
 * curve_fit start at the datablations values.
 */
export const STUDY_FIT: Omit<FitOptions, "workers" | "onProgress"> = {
  loss: "squared",
  space: "linear",
  starts: "default",
  params: { alpha: { min: 0 }, beta: { min: 0 } },
};

/** One family's input to the study. */
export interface StudyFamilyInput {
  family: string;
  points: BacktestPoints;
  /** Seed label of each run of `points` (for the seed-variance check). */
  runSeeds?: string[];
}

/** Options of {@link runStudy}. */
export interface StudyOptions {
  /** Law fitted. @default "chinchilla" */
  law?: string;
  /** Fractions of each run's training. @default 10%, 20%, ..., 100% */
  fractions?: number[];
  /** Checkpoint settings. @default {@link DEFAULT_SETTINGS} */
  settings?: CheckpointSetting[];
  /** Targets. @default the largest model's last 30%, tokens ≥ 1e10 (ColPret) */
  targets?: TargetSpec;
  /** Sizes of the sliding windows of consecutive models. @default [2] */
  windows?: number[];
  /** Setting of the window grid. @default the second setting (all ≥ 1e10) */
  windowSetting?: string;
  /** Smallest number of training models of the models grid. @default 2 */
  minModels?: number;
  /** Fit options. @default {@link STUDY_FIT} */
  fit?: Omit<FitOptions, "workers" | "onProgress">;
  /** Workers (0 or 1: the calling thread). @default min(cores, 8) */
  workers?: number;
  /** A pool to reuse (kept open). */
  pool?: WorkerPool;
  /** Progress on stderr: true, false, or bar options. @default false */
  progress?: boolean | ProgressBarOptions;
  /** Called with (done, total) as fits complete. */
  onProgress?: (done: number, total: number) => void;
  /** Mean heatmaps over families whose name starts with `prefix` (ColPret: GPT2-c4-*). */
  aggregate?: { name: string; prefix: string }[];
}

/** One fit of the study. */
export interface StudyCell {
  /** `"models"`: the k smallest; `"window"`: k consecutive sizes from rank `start`. */
  grid: "models" | "window";
  setting: string;
  k: number;
  start: number;
  fraction: number;
  /** Parameters of the largest training model. */
  largestParams: number;
  trainPoints: number;
  /** `"fitted"`, `"too-few-points"` (fewer points than free parameters) or `"no-points"`. */
  state: "fitted" | "too-few-points" | "no-points";
  converged: boolean;
  /** ARE and MAE at the targets (null when not fitted). */
  are: number | null;
  mae: number | null;
  /** Whether the training points include checkpoints below 1e10 tokens (for the cut finding). */
  belowCut: boolean;
}

/** Study result of one family. */
export interface StudyFamily {
  family: string;
  metric: string;
  transform: "log" | "none";
  /** Model sizes, ascending; the last is the target. */
  sizes: number[];
  runs: number;
  targetRuns: string[];
  targetPoints: number;
  /** Distinct seed labels among the runs. */
  seeds: number;
  cells: StudyCell[];
}

/** Mean ARE of a group of families per cell. */
export interface StudyAggregate {
  name: string;
  families: string[];
  cells: {
    grid: string;
    setting: string;
    k: number;
    start: number;
    fraction: number;
    are: number | null;
    n: number;
  }[];
}

/** Result of {@link runStudy}. */
export interface StudyResult {
  law: string;
  fit: Record<string, unknown>;
  fractions: number[];
  settings: CheckpointSetting[];
  targets: Required<TargetSpec>;
  windows: number[];
  windowSetting: string;
  families: StudyFamily[];
  aggregates: StudyAggregate[];
  /** Fits run (cells with at least as many points as parameters, de-duplicated). */
  fits: number;
  /** Workers used (never written to results.json by the pipeline). */
  workers: number;
  /** Wall-clock seconds (idem). */
  seconds: number;
}

interface Plan {
  family: number;
  cell: StudyCell;
  key: string;
  train: Int32Array;
}

const CUT = 1e10;

/**
 * Plan the cells of one family (no fitting).
 *
 * @param points The family's points.
 * @param options Grid options.
 * @returns Cells with their training indices.
 */
function planFamily(
  points: BacktestPoints,
  o: ResolvedOptions,
): { cell: StudyCell; train: Int32Array }[] {
  const { candidates } = splitSizes(points, o.targets);
  const out: { cell: StudyCell; train: Int32Array }[] = [];
  const add = (
    grid: StudyCell["grid"],
    setting: CheckpointSetting,
    sizes: number[],
    start: number,
    fraction: number,
  ) => {
    const subset: SubsetSpec = {
      models: grid === "models"
        ? { kind: "smallest", k: sizes.length }
        : { kind: "window", k: sizes.length, start },
      fraction,
      checkpoints: setting.checkpoints,
      minTokens: setting.minTokens ?? 0,
    };
    const train = selectTrain(points, subset, o.targets);
    let belowCut = false;
    for (const i of train) if (points.D[i] < CUT) belowCut = true;
    out.push({
      cell: {
        grid,
        setting: setting.id,
        k: sizes.length,
        start,
        fraction,
        largestParams: sizes[sizes.length - 1],
        trainPoints: train.length,
        state: train.length ? "fitted" : "no-points",
        converged: false,
        are: null,
        mae: null,
        belowCut,
      },
      train,
    });
  };
  for (let k = o.minModels; k <= candidates.length; k++) {
    for (const s of o.settings) {
      for (const f of o.fractions) add("models", s, candidates.slice(0, k), 0, f);
    }
  }
  const ws = o.settings.find((s) => s.id === o.windowSetting) ?? o.settings[0];
  for (const w of o.windows) {
    if (candidates.length - w + 1 < 2) continue; // one window is the smallest-k cell
    for (let start = 0; start + w <= candidates.length; start++) {
      for (const f of o.fractions) add("window", ws, candidates.slice(start, start + w), start, f);
    }
  }
  return out;
}

interface ResolvedOptions {
  law: string;
  fractions: number[];
  settings: CheckpointSetting[];
  targets: Required<TargetSpec>;
  windows: number[];
  windowSetting: string;
  minModels: number;
  fit: Omit<FitOptions, "workers" | "onProgress">;
}

function resolve(options: StudyOptions): ResolvedOptions {
  const settings = options.settings ? [...options.settings] : [...DEFAULT_SETTINGS];
  const fractions = options.fractions ? [...options.fractions] : [...DEFAULT_FRACTIONS];
  for (const f of fractions) {
    if (!(f > 0 && f <= 1)) {
      throw new RangeError(`Cannot run the study: fraction ${f} is out of range; expected (0, 1]`);
    }
  }
  if (settings.length === 0) {
    throw new RangeError("Cannot run the study: settings is empty; expected at least one setting");
  }
  return {
    law: options.law ?? "chinchilla",
    fractions,
    settings,
    targets: {
      largest: options.targets?.largest ?? 1,
      lastFraction: options.targets?.lastFraction ?? 0.3,
      minTokens: options.targets?.minTokens ?? CUT,
    },
    windows: options.windows ? [...options.windows] : [2],
    windowSetting: options.windowSetting ?? (settings[1] ?? settings[0]).id,
    minModels: options.minModels ?? 2,
    fit: options.fit ?? STUDY_FIT,
  };
}

/**
 * Count the fits a study would run (for progress totals and benchmarks), without fitting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countStudyCells } from "./study.ts";
 * assert.equal(countStudyCells([], {}), 0);
 * ```
 */
export function countStudyCells(families: StudyFamilyInput[], options: StudyOptions = {}): number {
  const o = resolve(options);
  return families.reduce((n, f) => n + planFamily(f.points, o).length, 0);
}

/**
 * Run the study.
 *
 * @param families The families' points (each with at least three sizes for a useful grid).
 * @param options Grid, fit, workers, progress.
 * @returns Per-family cells, aggregates, counts.
 * @throws {RangeError} Invalid options.
 * @example A tiny synthetic family on the calling thread
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStudy } from "./study.ts";
 * const law = (n: number, d: number) => 1.7 + 300 / n ** 0.3 + 500 / d ** 0.3;
 * const sizes = [1e8, 2e8, 4e8, 1e9];
 * const run: number[] = [], N: number[] = [], D: number[] = [];
 * sizes.forEach((n, r) => { for (let k = 1; k <= 10; k++) run.push(r), N.push(n), D.push(k * 4e9); });
 * const points = {
 *   metric: "loss", transform: "none" as const, runIds: ["a", "b", "c", "d"],
 *   runParams: Float64Array.from(sizes), runFinalTokens: new Float64Array(4).fill(4e10),
 *   runFamilies: ["f", "f", "f", "f"], run: Int32Array.from(run), N: Float64Array.from(N),
 *   D: Float64Array.from(D), U: new Float64Array(N.length).fill(NaN),
 *   y: Float64Array.from(N, (n, i) => law(n, D[i])),
 * };
 * const r = await runStudy([{ family: "f", points }], { fractions: [0.5, 1], windows: [], workers: 1 });
 * const cell = r.families[0].cells.find((c) => c.k === 3 && c.setting === "all" && c.fraction === 1)!;
 * assert.ok(cell.are !== null && cell.are < 1e-4);
 * ```
 */
interface Prepared {
  results: StudyFamily[];
  plans: Plan[];
  planTask: Int32Array;
  tasks: BacktestFitTask[];
}

/** Plan every cell and build one fit task per distinct training set. */
function prepare(families: StudyFamilyInput[], o: ResolvedOptions): Prepared {
  const law = getLaw(o.law);
  const plans: Plan[] = [];
  const results: StudyFamily[] = families.map((f, fi) => {
    const sizes = modelSizes(f.points);
    const targets = selectTargets(f.points, o.targets);
    const planned = planFamily(f.points, o);
    for (const p of planned) {
      plans.push({
        family: fi,
        cell: p.cell,
        key: `${fi}|${Array.from(p.train).join(",")}`,
        train: p.train,
      });
    }
    return {
      family: f.family,
      metric: f.points.metric,
      transform: f.points.transform,
      sizes,
      runs: f.points.runIds.length,
      targetRuns: [...new Set(Array.from(targets, (i) => f.points.runIds[f.points.run[i]]))],
      targetPoints: targets.length,
      seeds: new Set(f.runSeeds ?? []).size,
      cells: planned.map((p) => p.cell),
    };
  });
  // One task per distinct training set of a family with enough points.
  const targetCols = families.map((f) => {
    const tp = takePoints(f.points, selectTargets(f.points, o.targets));
    return { inputs: lawColumns(law, tp), y: tp.y };
  });
  const nFree =
    law.params.filter((s) =>
      o.fit.params?.[s.name]?.fixed === undefined && o.fit.params?.[s.name]?.tie === undefined &&
      law.ties?.[s.name] === undefined
    ).length;
  const taskOf = new Map<string, number>();
  const tasks: BacktestFitTask[] = [];
  const planTask = new Int32Array(plans.length).fill(-1);
  plans.forEach((p, i) => {
    if (p.cell.state === "no-points") return;
    if (targetCols[p.family].y.length === 0) {
      p.cell.state = "no-points";
      return;
    }
    if (p.train.length < nFree) {
      p.cell.state = "too-few-points";
      return;
    }
    let t = taskOf.get(p.key);
    if (t === undefined) {
      const tp = takePoints(families[p.family].points, p.train);
      const inputs = lawColumns(law, tp);
      if (!hasFiniteInputs(inputs)) return;
      t = tasks.length;
      taskOf.set(p.key, t);
      tasks.push({
        law: o.law,
        inputs: law.inputs.map((s) => s.name),
        train: { inputs, y: tp.y },
        targets: targetCols[p.family],
        options: o.fit,
        keepPredictions: false,
      });
    }
    planTask[i] = t;
  });
  return { results, plans, planTask, tasks };
}

/**
 * The distinct fit tasks a study runs, in order (e.g. to time them with another engine).
 *
 * @param families The families.
 * @param options Grid and fit options.
 * @returns The tasks (law, training and target columns, fit options).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studyFitTasks } from "./study.ts";
 * assert.deepEqual(studyFitTasks([]), []);
 * ```
 */
export function studyFitTasks(
  families: StudyFamilyInput[],
  options: StudyOptions = {},
): BacktestFitTask[] {
  return prepare(families, resolve(options)).tasks;
}

export async function runStudy(
  families: StudyFamilyInput[],
  options: StudyOptions = {},
): Promise<StudyResult> {
  const t0 = performance.now();
  const o = resolve(options);
  const { results, plans, planTask, tasks } = prepare(families, o);
  const outcomes = await runTasks(tasks, options);
  plans.forEach((p, i) => {
    const t = planTask[i];
    if (t < 0) return;
    const out = outcomes[t];
    p.cell.state = out.state === "fitted" ? "fitted" : "too-few-points";
    p.cell.converged = out.converged;
    p.cell.are = Number.isFinite(out.targets.are) ? out.targets.are : null;
    p.cell.mae = Number.isFinite(out.targets.mae) ? out.targets.mae : null;
  });
  const aggregates: StudyAggregate[] = (options.aggregate ?? []).map((g) => {
    const members = results.filter((f) => f.family.startsWith(g.prefix));
    const sums = new Map<string, { cell: StudyAggregate["cells"][number]; sum: number }>();
    for (const f of members) {
      for (const c of f.cells) {
        const key = `${c.grid}|${c.setting}|${c.k}|${c.start}|${c.fraction}`;
        let e = sums.get(key);
        if (!e) {
          e = {
            cell: {
              grid: c.grid,
              setting: c.setting,
              k: c.k,
              start: c.start,
              fraction: c.fraction,
              are: null,
              n: 0,
            },
            sum: 0,
          };
          sums.set(key, e);
        }
        if (c.are !== null) {
          e.sum += c.are;
          e.cell.n++;
        }
      }
    }
    const cells = [...sums.values()].map((e) => ({
      ...e.cell,
      are: e.cell.n ? e.sum / e.cell.n : null,
    }));
    return { name: g.name, families: members.map((f) => f.family), cells };
  });
  return {
    law: o.law,
    fit: JSON.parse(JSON.stringify(o.fit)),
    fractions: o.fractions,
    settings: o.settings,
    targets: o.targets,
    windows: o.windows,
    windowSetting: o.windowSetting,
    families: results,
    aggregates,
    fits: tasks.length,
    workers: workerCount(options, tasks.length),
    seconds: (performance.now() - t0) / 1000,
  };
}

function workerCount(options: StudyOptions, tasks: number): number {
  if (options.pool) return options.pool.size;
  const w = options.workers ?? defaultWorkerCount();
  return tasks > 1 && w > 1 ? w : 1;
}

async function runTasks(
  tasks: BacktestFitTask[],
  options: StudyOptions,
): Promise<BacktestFitOutcome[]> {
  const total = tasks.length;
  const bar = options.progress
    ? progressBar(total, options.progress === true ? { label: "study fits" } : options.progress)
    : undefined;
  const report = (done: number) => {
    bar?.update(done);
    options.onProgress?.(done, total);
  };
  const workers = workerCount(options, total);
  try {
    if (workers <= 1) {
      const out: BacktestFitOutcome[] = [];
      for (const t of tasks) {
        out.push(runBacktestFit(t));
        report(out.length);
      }
      return out;
    }
    const pool = options.pool ?? new WorkerPool(workers);
    try {
      // Largest fits first, so that no long fit starts last; results return in task order.
      const order = tasks.map((_, i) => i).sort((a, b) =>
        tasks[b].train.y.length - tasks[a].train.y.length || a - b
      );
      const module = new URL("./fit_task.ts", import.meta.url).href;
      let done = 0;
      const outs = await pool.run<BacktestFitOutcome>(
        order.map((i) => ({ module, fn: "runBacktestFit", input: tasks[i] })),
        () => report(++done),
      );
      const out: BacktestFitOutcome[] = new Array(total);
      order.forEach((i, j) => (out[i] = outs[j]));
      return out;
    } finally {
      if (!options.pool) pool.close();
    }
  } finally {
    bar?.done();
  }
}
