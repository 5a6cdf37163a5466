/**
 * Fit a law to data: multi-start local optimisation of a summed robust loss, with standard
 * errors, local optima and diagnostics.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";
import { getLaw } from "../laws/registry.ts";
import type {
  FitData,
  FitOptions,
  FitResult,
  FitStatus,
  LawRef,
  LocalOptimum,
  ParamResult,
} from "./types.ts";
import { buildObjective, type Objective, type ObjectiveOptions } from "./objective.ts";
import { buildStarts, freeGrid } from "./starts.ts";
import { runStarts, type SolverOptions, type StartOutcomes, STATUS_CODES } from "./run_starts.ts";
import { parameterCovariance } from "./covariance.ts";
import { defaultWorkerCount, WorkerPool } from "./pool.ts";
import { type FitStartsTask, workerLawRef } from "./fit_task.ts";
import { didYouMean, listNames } from "./_names.ts";

/** Options of {@link fit}: {@link FitOptions} plus a pool to reuse across fits. */
export interface AsyncFitOptions extends FitOptions {
  /**
   * A worker pool to run the starts on (kept open afterwards). Without it, {@link fit} creates
   * a pool of `workers` workers when the work is large enough and closes it when done.
   */
  pool?: WorkerPool;
}

/** Fewer starts than this always run on the calling thread. */
export const MIN_STARTS_FOR_WORKERS = 64;
/** Most local optima listed in the diagnostics. */
export const MAX_LOCAL_OPTIMA = 50;

/** Screening (see {@link FitOptions.screen}): tolerances, and how many end points are refined. */
const SCREEN_MIN_STARTS = 64;
const SCREEN_FTOL = 1e-6;
const SCREEN_GTOL = 1e-5;
const POLISH_COUNT = 10;

const OPTION_KEYS = [
  "loss",
  "huberDelta",
  "space",
  "params",
  "starts",
  "optimizer",
  "maxIterations",
  "screen",
  "ftol",
  "gtol",
  "seed",
  "workers",
  "weights",
  "onProgress",
  "pool",
];

interface Prepared {
  obj: Objective;
  starts: Float64Array;
  count: number;
  /** Solver settings for the final (refined) runs. */
  solver: SolverOptions;
  /** Solver settings every start runs with: `solver`, or looser ones when screening. */
  startSolver: SolverOptions;
  screening: boolean;
  objective: ObjectiveOptions;
  scanEvaluations: number;
  t0: number;
}

function checkOptions(law: Law, options: AsyncFitOptions): void {
  const name = JSON.stringify(law.name);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new RangeError(
        `Cannot fit ${name}: option ${JSON.stringify(key)} is unknown; expected one of ${
          listNames(OPTION_KEYS)
        }${didYouMean(key, OPTION_KEYS)}`,
      );
    }
  }
  const positiveInt = (key: "maxIterations", v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) {
      throw new RangeError(`Cannot fit ${name}: ${key} is ${v}; expected a positive integer`);
    }
  };
  positiveInt("maxIterations", options.maxIterations);
  for (const key of ["ftol", "gtol"] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) {
      throw new RangeError(`Cannot fit ${name}: ${key} is ${v}; expected a non-negative number`);
    }
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new RangeError(`Cannot fit ${name}: seed is ${options.seed}; expected a finite number`);
  }
  const w = options.workers;
  if (w !== undefined && !(Number.isInteger(w) && w >= 0)) {
    throw new RangeError(`Cannot fit ${name}: workers is ${w}; expected a non-negative integer`);
  }
  const opt = options.optimizer;
  if (opt !== undefined && opt !== "lbfgsb" && opt !== "lm") {
    throw new RangeError(
      `Cannot fit ${name}: optimizer is ${JSON.stringify(opt)}; expected "lbfgsb" or "lm"`,
    );
  }
  if (opt === "lm" && (options.loss ?? "huber") !== "squared") {
    throw new RangeError(
      `Cannot fit ${name} with optimizer "lm": loss is ${
        JSON.stringify(options.loss ?? "huber")
      }; expected loss "squared" (or optimizer "lbfgsb")`,
    );
  }
}

function prepare(law: Law, data: FitData, options: AsyncFitOptions): Prepared {
  const t0 = performance.now();
  checkOptions(law, options);
  const objective: ObjectiveOptions = {
    loss: options.loss,
    huberDelta: options.huberDelta,
    space: options.space,
    params: options.params,
    weights: options.weights,
  };
  const obj = buildObjective(law, data, objective);
  const solver: SolverOptions = {
    optimizer: options.optimizer,
    maxIterations: options.maxIterations,
    ftol: options.ftol,
    gtol: options.gtol,
  };
  const starts = obj.n === 0
    ? new Float64Array(0)
    : buildStarts(obj, options.starts ?? "default", options.seed ?? 0);
  const scanEvaluations = obj.evaluations;
  const count = obj.nFree > 0 ? starts.length / obj.nFree : 1;
  const screening = (options.screen ?? true) && obj.nFree > 0 && count >= SCREEN_MIN_STARTS;
  const startSolver: SolverOptions = screening
    ? {
      ...solver,
      ftol: Math.max(solver.ftol ?? 1e-12, SCREEN_FTOL),
      gtol: Math.max(solver.gtol ?? 1e-10, SCREEN_GTOL),
    }
    : solver;
  return { obj, starts, count, solver, startSolver, screening, objective, scanEvaluations, t0 };
}

function runInline(
  prep: Prepared,
  onProgress?: (done: number, total: number) => void,
): StartOutcomes {
  const every = Math.max(1, Math.floor(prep.count / 100));
  return runStarts(prep.obj, prep.starts, prep.startSolver, prep.count, (done) => {
    if (onProgress && (done % every === 0 || done === prep.count)) onProgress(done, prep.count);
  });
}

/**
 * Fit a law on the calling thread.
 *
 * Minimises Σ w_i ρ(r_i) over the free parameters (see `objective.ts` for residuals and losses)
 * from each start (see {@link FitOptions.starts}; `"default"` uses variable projection when the
 * law is partly linear), with L-BFGS-B (or Levenberg–Marquardt). The best start (lowest
 * objective, ties broken by start index) gives the estimate; standard errors follow
 * `covariance.ts` (least-squares σ²(JᵀWJ)⁻¹ for squared loss, Huber's M-estimator covariance
 * for Huber loss). End points of converged starts are clustered into local optima: two end
 * points are the same optimum when their objectives agree within a relative 1e-9, or within a
 * relative 1e-6 with every parameter (optimiser space) within 1e-3·max(1, |θ|); objective
 * differences below `ftol`·max(|f|, 1) (what the optimiser resolves) are ignored.
 *
 * @param law The law.
 * @param data Input columns keyed by the law's input names, and targets.
 * @param options Loss, starts, parameter overrides, tolerances.
 * @returns The fit. A fit that does not converge returns `converged: false` with a status and
 * message; it never throws for that.
 * @throws {RangeError} Invalid options or data: unknown option, parameter or input names
 * (with did-you-mean), min ≥ max, starts outside bounds, fixed and tie on the same parameter,
 * length mismatches, non-positive y in log space.
 *
 * @example Recover a Chinchilla law from noise-free data
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSync } from "./fit.ts";
 * import { chinchilla } from "../laws/chinchilla.ts";
 * const N: number[] = [], D: number[] = [];
 * for (const n of [1e8, 3e8, 1e9, 3e9]) for (const d of [2e9, 1e10, 5e10]) N.push(n), D.push(d);
 * const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
 * const r = fitSync(chinchilla, {
 *   inputs: { N: Float64Array.from(N), D: Float64Array.from(D) },
 *   y: Float64Array.from(y),
 * });
 * assert.ok(r.converged);
 * assert.ok(Math.abs(r.params.alpha.value - 0.35) < 1e-6);
 * assert.ok(Math.abs(r.params.E.value - 1.8) < 1e-6);
 * ```
 */
export function fitSync(law: Law, data: FitData, options: FitOptions = {}): FitResult {
  const prep = prepare(law, data, options);
  if (prep.obj.n === 0) return noData(prep);
  const outcomes = runInline(prep, options.onProgress);
  return summarize(prep, outcomes, []);
}

function resolveLaw(law: LawRef): Law {
  return typeof law === "string" ? getLaw(law) : law;
}

/**
 * Fit a law, running large multi-start searches on Web Workers.
 *
 * Same method and result as {@link fitSync}; the result does not depend on the number of
 * workers. Work runs on workers when there are at least {@link MIN_STARTS_FOR_WORKERS} starts
 * and `workers` (default min(hardwareConcurrency, 8)) is above 1, or when `pool` is given.
 * Workers rebuild the law from its name or expression text; a law object that the registry
 * does not know by name is fitted on the calling thread (with a warning).
 *
 * @param law A registry name, an expression, or a Law object.
 * @param data Input columns and targets.
 * @param options {@link FitOptions}, plus an optional reusable `pool`.
 * @returns The fit.
 * @throws {RangeError} Invalid options or data (see {@link fitSync}).
 * @throws {InputError} An unknown law name or an invalid expression.
 *
 * @example Grid starts on two workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit } from "./fit.ts";
 * const N: number[] = [], D: number[] = [];
 * for (const n of [1e8, 3e8, 1e9, 3e9]) for (const d of [2e9, 1e10, 5e10]) N.push(n), D.push(d);
 * const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
 * const data = { inputs: { N: Float64Array.from(N), D: Float64Array.from(D) }, y: Float64Array.from(y) };
 * const r = await fit("chinchilla", data, {
 *   starts: 100, workers: 2, params: { E: { fixed: 1.8 } },
 * });
 * assert.equal(r.starts, 100);
 * assert.ok(Math.abs(r.params.beta.value - 0.37) < 1e-6);
 * ```
 */
export async function fit(
  law: LawRef,
  data: FitData,
  options: AsyncFitOptions = {},
): Promise<FitResult> {
  const resolved = resolveLaw(law);
  const prep = prepare(resolved, data, options);
  if (prep.obj.n === 0) return noData(prep);
  const workers = options.pool ? options.pool.size : options.workers ?? defaultWorkerCount();
  const useWorkers = prep.obj.nFree > 0 && prep.count >= MIN_STARTS_FOR_WORKERS &&
    (options.pool !== undefined || workers > 1);
  if (!useWorkers) return summarize(prep, runInline(prep, options.onProgress), []);
  const warnings: string[] = [];
  const pool = options.pool ?? new WorkerPool(workers);
  try {
    const outcomes = await runOnPool(resolved, data, prep, pool, options.onProgress);
    return summarize(prep, outcomes, warnings);
  } catch (err) {
    // A law the workers cannot rebuild (registered only on this thread): fit here instead.
    if (err instanceof Error && /Cannot (find|compile) law/.test(err.message)) {
      warnings.push(
        `The law ${
          JSON.stringify(resolved.name)
        } is not known to worker threads; the fit ran on the calling thread.`,
      );
      return summarize(prep, runInline(prep, options.onProgress), warnings);
    }
    throw err;
  } finally {
    if (!options.pool) pool.close();
  }
}

async function runOnPool(
  law: Law,
  data: FitData,
  prep: Prepared,
  pool: WorkerPool,
  onProgress?: (done: number, total: number) => void,
): Promise<StartOutcomes> {
  const k = prep.obj.nFree, count = prep.count;
  const chunks = Math.min(count, pool.size * 4);
  const bounds = Array.from({ length: chunks + 1 }, (_, c) => Math.round((c * count) / chunks));
  const module = new URL("./fit_task.ts", import.meta.url).href;
  const plainData: FitData = { inputs: data.inputs, y: data.y };
  const tasks = bounds.slice(0, -1).map((from, c) => {
    const to = bounds[c + 1];
    const input: FitStartsTask = {
      ...workerLawRef(law),
      data: plainData,
      objective: prep.objective,
      solver: prep.startSolver,
      starts: prep.starts.slice(from * k, to * k),
      count: to - from,
    };
    return { module, fn: "runFitStartsTask", input };
  });
  let done = 0;
  const results = await pool.run<StartOutcomes>(tasks, (_i, r) => {
    done += r.f.length;
    onProgress?.(done, count);
  });
  const out: StartOutcomes = {
    x: new Float64Array(count * k),
    f: new Float64Array(count),
    status: new Uint8Array(count),
    iterations: new Int32Array(count),
    evaluations: new Int32Array(count),
  };
  results.forEach((r, c) => {
    const from = bounds[c];
    out.x.set(r.x, from * k);
    out.f.set(r.f, from);
    out.status.set(r.status, from);
    out.iterations.set(r.iterations, from);
    out.evaluations.set(r.evaluations, from);
  });
  return out;
}

function emptyDiagnostics(obj: Objective): FitResult["diagnostics"] {
  return {
    paramOrder: obj.freeNames,
    atBound: [],
    atGridEdge: [],
    localOptima: [],
    warnings: [],
  };
}

function noData(prep: Prepared): FitResult {
  const { obj } = prep;
  const params: Record<string, ParamResult> = {};
  for (const r of obj.params) {
    const tiedTo = r.tie !== undefined ? obj.params[r.tie].name : undefined;
    const fixed = r.tie !== undefined ? obj.params[r.tie].fixed : r.fixed;
    params[r.name] = {
      value: fixed ?? NaN,
      fixed: r.fixed !== undefined,
      atBound: false,
      ...(tiedTo !== undefined ? { tiedTo } : {}),
    };
  }
  const diagnostics = emptyDiagnostics(obj);
  diagnostics.warnings.push("No data points: nothing was fitted.");
  return {
    law: obj.law.name,
    params,
    objective: NaN,
    r2: NaN,
    converged: false,
    status: "no-data",
    message: "Cannot fit: the data has no points",
    n: 0,
    nFree: obj.nFree,
    starts: 0,
    evaluations: 0,
    iterations: 0,
    seconds: (performance.now() - prep.t0) / 1000,
    diagnostics,
  };
}

/**
 * Refine the best distinct screened end points at the requested tolerances, in place. Returns
 * which starts were refined. Runs on the calling thread: it is a handful of short runs.
 */
function polish(prep: Prepared, out: StartOutcomes): Uint8Array {
  const { obj, count } = prep;
  const k = obj.nFree;
  const refined = new Uint8Array(count);
  const order = Array.from({ length: count }, (_, s) => s)
    .filter((s) => Number.isFinite(out.f[s]))
    .sort((a, b) => out.f[a] - out.f[b] || a - b);
  const chosen: number[] = [];
  for (const s of order) {
    if (chosen.length >= POLISH_COUNT) break;
    const same = chosen.some((c) => {
      for (let j = 0; j < k; j++) {
        const a = out.x[s * k + j], b = out.x[c * k + j];
        if (Math.abs(a - b) > 1e-3 * Math.max(1, Math.abs(b))) return false;
      }
      return true;
    });
    if (!same) chosen.push(s);
  }
  for (const s of chosen) {
    const again = runStarts(obj, out.x.slice(s * k, s * k + k), prep.solver, 1);
    out.x.set(again.x, s * k);
    out.f[s] = again.f[0];
    out.status[s] = again.status[0];
    out.iterations[s] += again.iterations[0];
    out.evaluations[s] += again.evaluations[0];
    refined[s] = 1;
  }
  return refined;
}

function summarize(prep: Prepared, out: StartOutcomes, extraWarnings: string[]): FitResult {
  const { obj, count } = prep;
  const k = obj.nFree;
  const refined = prep.screening ? polish(prep, out) : undefined;
  // A screened start stopped on purpose at loose tolerances: "stalled" there is not a failure.
  const stalled = STATUS_CODES.indexOf("stalled");
  const stoppedEarly = (s: number) =>
    refined !== undefined && refined[s] === 0 && out.status[s] === stalled;
  const order = Array.from({ length: count }, (_, s) => s).sort((a, b) => {
    const fa = out.f[a], fb = out.f[b];
    return fa < fb ? -1 : fa > fb ? 1 : a - b;
  });
  const best = order[0];
  const theta = out.x.slice(best * k, best * k + k);
  const fBest = out.f[best];
  const status: FitStatus = STATUS_CODES[out.status[best]];
  const p = obj.toNatural(theta, new Float64Array(obj.params.length));
  const warnings: string[] = [...extraWarnings];
  const finite = Number.isFinite(fBest);
  if (refined) {
    const n = refined.reduce((a, b) => a + b, 0);
    warnings.push(
      `Screened ${count} starts at scipy's default L-BFGS-B tolerances (ftol ${SCREEN_FTOL}, ` +
        `gtol ${SCREEN_GTOL}) and refined the ${n} best distinct end points at ftol ` +
        `${prep.solver.ftol ?? 1e-12}, gtol ${prep.solver.gtol ?? 1e-10}; ${
          Array.from({ length: count }, (_, s) => s).filter(stoppedEarly).length
        } screened starts stopped on slow progress and are not counted as local optima ` +
        `(screen: false runs every start to the end).`,
    );
  }

  // Bounds and grid edges (optimiser space).
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const atBoundFree = Array.from(
    theta,
    (v, j) =>
      (Number.isFinite(obj.lower[j]) && near(v, obj.lower[j])) ||
      (Number.isFinite(obj.upper[j]) && near(v, obj.upper[j])),
  );
  const atGridEdge: string[] = [];
  for (let j = 0; j < k; j++) {
    const g = freeGrid(obj, j);
    if (g.length < 2) continue;
    const lo = Math.min(...g), hi = Math.max(...g);
    if (theta[j] <= lo || near(theta[j], lo) || theta[j] >= hi || near(theta[j], hi)) {
      atGridEdge.push(obj.params[obj.free[j]].name);
    }
  }

  // Covariance over free parameters not on a bound.
  const included: number[] = [];
  for (let j = 0; j < k; j++) if (!atBoundFree[j]) included.push(j);
  const cov = finite ? parameterCovariance(obj, theta, included) : undefined;
  if (cov) warnings.push(...cov.warnings);
  const stderrFree = new Float64Array(k).fill(NaN);
  if (cov?.covariance) {
    const m = included.length;
    included.forEach((j, a) => (stderrFree[j] = Math.sqrt(cov.covariance![a * m + a])));
  }

  // Parameters.
  const freeIndex = new Int32Array(obj.params.length).fill(-1);
  obj.free.forEach((q, j) => (freeIndex[q] = j));
  const params: Record<string, ParamResult> = {};
  for (const r of obj.params) {
    const root = r.tie ?? r.index;
    const j = freeIndex[root];
    const res: ParamResult = {
      value: p[r.index],
      fixed: r.fixed !== undefined || (r.tie !== undefined && j < 0),
      atBound: j >= 0 ? atBoundFree[j] : false,
    };
    if (j >= 0 && Number.isFinite(stderrFree[j])) res.stderr = stderrFree[j];
    if (r.tie !== undefined) res.tiedTo = obj.params[r.tie].name;
    params[r.name] = res;
  }
  const atBound = obj.params.filter((r) => params[r.name].atBound && r.tie === undefined).map((r) =>
    r.name
  );
  if (atBound.length > 0) {
    warnings.push(
      `Parameters on a bound (no standard error, left out of the covariance): ${
        atBound.join(", ")
      }.`,
    );
  }
  if (atGridEdge.length > 0) {
    warnings.push(
      `Optimum on or outside the edge of the start grid for: ${
        atGridEdge.join(", ")
      }; widen the grid to check no better optimum lies beyond.`,
    );
  }

  // Local optima from converged starts.
  const optima: { s: number; f: number; count: number }[] = [];
  const floor = prep.startSolver.ftol ?? 1e-12;
  let notConverged = 0;
  for (const s of order) {
    // A screened start that stopped early may join an optimum found by a converged start, but
    // never founds one (plateau stalls would split the list into hundreds of "optima").
    const early = stoppedEarly(s) && Number.isFinite(out.f[s]);
    if ((out.status[s] !== 0 && !early) || !Number.isFinite(out.f[s])) {
      notConverged++;
      continue;
    }
    const f = out.f[s];
    let found = false;
    for (let c = optima.length - 1; c >= 0; c--) {
      const o = optima[c];
      // Differences below the optimiser's resolution (ftol, scipy's factr semantics) count
      // as equal, so exact fits (objective ≈ 0) do not split into many optima.
      const big = Math.max(Math.abs(f), Math.abs(o.f));
      const df = Math.abs(f - o.f) - floor * Math.max(big, 1);
      if (df > 1e-6 * big) break;
      let same = df <= 1e-9 * big;
      for (let j = 0; j < k && !same; j++) {
        const a = out.x[s * k + j], b = out.x[o.s * k + j];
        if (Math.abs(a - b) > 1e-3 * Math.max(1, Math.abs(b))) break;
        if (j === k - 1) same = true;
      }
      if (same) {
        o.count++;
        found = true;
        break;
      }
    }
    if (!found && !early) optima.push({ s, f, count: 1 });
  }
  if (notConverged > 0) {
    const byStatus = new Map<string, number>();
    for (let s = 0; s < count; s++) {
      if (out.status[s] !== 0 && !stoppedEarly(s)) {
        const st = STATUS_CODES[out.status[s]];
        byStatus.set(st, (byStatus.get(st) ?? 0) + 1);
      }
    }
    warnings.push(
      `${notConverged} of ${count} starts did not converge (${
        [...byStatus].map(([s, c]) => `${c} ${s}`).join(", ")
      }); they are not counted as local optima.`,
    );
  }
  const pn = new Float64Array(obj.params.length);
  const localOptima: LocalOptimum[] = optima.slice(0, MAX_LOCAL_OPTIMA).map((o) => {
    obj.toNatural(out.x.subarray(o.s * k, o.s * k + k), pn);
    const rec: Record<string, number> = {};
    obj.params.forEach((r, i) => (rec[r.name] = pn[i]));
    return { params: rec, objective: o.f, count: o.count };
  });
  if (optima.length > MAX_LOCAL_OPTIMA) {
    warnings.push(
      `${optima.length} distinct local optima; only the best ${MAX_LOCAL_OPTIMA} are listed.`,
    );
  }

  // R² in the residual space.
  let r2 = NaN;
  if (finite) {
    const fit = new Float64Array(obj.n);
    obj.predict(theta, fit);
    let sw = 0, mean = 0;
    for (let i = 0; i < obj.n; i++) (sw += obj.w[i]), (mean += obj.w[i] * obj.z[i]);
    mean /= sw;
    let ssr = 0, sst = 0;
    for (let i = 0; i < obj.n; i++) {
      const zh = obj.space === "log" ? Math.log(fit[i]) : fit[i];
      ssr += obj.w[i] * (obj.z[i] - zh) ** 2;
      sst += obj.w[i] * (obj.z[i] - mean) ** 2;
    }
    r2 = 1 - ssr / sst;
  }

  let iterations = 0, evaluations = prep.scanEvaluations;
  for (let s = 0; s < count; s++) {
    (iterations += out.iterations[s]), (evaluations += out.evaluations[s]);
  }
  const converged = finite && status === "converged";
  const message = !finite
    ? `No start reached a finite objective (${count} starts); check the data, bounds and starts.`
    : converged
    ? `Converged: best of ${count} starts, objective ${fBest.toPrecision(10)}.`
    : status === "stalled"
    ? `Best of ${count} starts stalled (objective ${
      fBest.toPrecision(10)
    }): the optimiser stopped on slow progress where a Gauss–Newton step still predicts a decrease; give badly scaled parameters scale "log" or starts near the solution, or lower ftol.`
    : `Best of ${count} starts ended with status "${status}" (objective ${
      fBest.toPrecision(10)
    }); raise maxIterations or loosen ftol/gtol.`;
  if (!converged && finite) warnings.push(message);

  const paramOrder = included.map((j) => obj.params[obj.free[j]].name);
  let covariance: number[][] | undefined, correlation: number[][] | undefined;
  if (cov?.covariance) {
    const m = included.length, c = cov.covariance;
    covariance = Array.from(
      { length: m },
      (_, a) => Array.from({ length: m }, (_, b) => c[a * m + b]),
    );
    correlation = covariance.map((row, a) =>
      row.map((v, b) => v / Math.sqrt(covariance![a][a] * covariance![b][b]))
    );
  }
  return {
    law: obj.law.name,
    params,
    objective: fBest,
    r2,
    converged,
    status: finite ? status : "non-finite",
    message,
    n: obj.n,
    nFree: k,
    starts: count,
    evaluations,
    iterations,
    seconds: (performance.now() - prep.t0) / 1000,
    diagnostics: {
      paramOrder,
      ...(covariance ? { covariance, correlation } : {}),
      ...(cov?.conditionNumber !== undefined ? { conditionNumber: cov.conditionNumber } : {}),
      atBound,
      atGridEdge,
      localOptima,
      warnings,
    },
  };
}
