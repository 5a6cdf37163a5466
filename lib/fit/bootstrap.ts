/**
 * Non-parametric bootstrap of a fit: resample points (or whole runs), refit each resample from
 * the full-data optimum, and summarise the draws as percentile intervals, standard errors,
 * prediction intervals and (for Chinchilla-type laws) allocation bands.
 *
 * Resample i draws its indices from `rng(substream(seed, i))`, so the draws do not depend on
 * the number of workers or on how resamples are split between them. A resample with
 * replacement is encoded as integer weights (how many times each point was drawn) multiplying
 * the point losses, which gives the same objective as duplicating points.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";
import { getLaw } from "../laws/registry.ts";
import { rng, substream } from "../util/rng.ts";
import { fit, fitSync } from "./fit.ts";
import { rebuildLaw, type WorkerLawRef, workerLawRef } from "./fit_task.ts";
import { defaultWorkerCount, WorkerPool } from "./pool.ts";
import type { FitData, FitOptions, FitResult, FitStatus, LawRef } from "./types.ts";
import { type ChinchillaParams, optimalAllocation } from "./allocation.ts";
import { percentileSorted } from "../util/percentile.ts";

/** Options of {@link bootstrap}. */
export interface BootstrapOptions {
  /** Number of resamples. @default 1000 */
  resamples?: number;
  /**
   * Resample single points (`"point"`) or whole groups (`"group"`, using `data.groups`, e.g. all
   * checkpoints of one run, which are correlated). @default "point"
   */
  by?: "point" | "group";
  /** Seed; resample i uses `rng(substream(seed, i))`. @default 0 */
  seed?: number;
  /** Level of the percentile intervals. @default 0.95 */
  level?: number;
  /**
   * Options of every fit (loss, space, parameter overrides, tolerances). The full-data fit uses
   * them as given; each refit starts from the full-data optimum unless `fit.starts` is set.
   * Their `workers` and `onProgress` are ignored (see the options below).
   */
  fit?: Omit<FitOptions, "onProgress" | "workers">;
  /**
   * The full-data fit, when already done (its parameter values are the refits' start and the
   * point estimate). Without it, {@link bootstrap} fits the full data first.
   */
  estimate?: FitResult;
  /** Number of workers; 0 or 1 runs on the calling thread. @default min(cores, 8) */
  workers?: number;
  /** A worker pool to reuse (kept open afterwards). */
  pool?: WorkerPool;
  /** Called with (done, total) as resamples complete. */
  onProgress?: (done: number, total: number) => void;
}

/** Central value and percentile interval of a quantity over the bootstrap draws. */
export interface Band {
  /** Median over draws. */
  median: number;
  low: number;
  high: number;
}

/** Bands over many points (arrays parallel to the inputs). */
export interface BandColumns {
  median: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

/** Allocation bands of a Chinchilla-type law at given budgets (methods.md 1.1). */
export interface AllocationBands {
  compute: Float64Array;
  /** Point-estimate values at each budget. */
  estimate: { params: Float64Array; tokens: Float64Array; tokensPerParam: Float64Array };
  /** Percentile bands over the draws. */
  params: BandColumns;
  tokens: BandColumns;
  tokensPerParam: BandColumns;
  /** Band of the allocation exponent a = beta/(alpha+beta). */
  a: Band;
  level: number;
}

/** Result of {@link bootstrap}. */
export interface BootstrapResult {
  law: string;
  /** Point estimate from the full data, by parameter name. */
  estimate: Record<string, number>;
  /** The full-data fit. */
  fit: FitResult;
  /** Requested resamples. */
  resamples: number;
  by: "point" | "group";
  seed: number;
  level: number;
  /**
   * Parameter values of the successful refits, by parameter name, aligned across parameters
   * (draw j of every parameter comes from the same resample).
   */
  draws: Record<string, Float64Array>;
  /** Index of the resample each draw comes from. */
  resampleIndex: Int32Array;
  /** Number of refits that did not converge (left out of `draws`). */
  failed: number;
  /** Indices and statuses of the failed refits. */
  failures: { resample: number; status: FitStatus }[];
  /** Percentile interval per parameter at `level`. */
  intervals: Record<string, [number, number]>;
  /** Standard deviation of the draws per parameter (bootstrap standard error). */
  stderr: Record<string, number>;
  /** Wall time in seconds, including the full-data fit. */
  seconds: number;
  /**
   * Prediction bands: the law evaluated at each draw, summarised per point.
   *
   * @param inputs Values of the law's inputs (numbers or columns of equal length).
   * @param level Band level. @default the bootstrap's level
   * @throws {RangeError} when an input is missing or lengths differ.
   */
  predict(inputs: Record<string, number | Float64Array>, level?: number): BandColumns;
  /**
   * Compute-optimal allocation with bands (Approach 3 closed form applied to every draw).
   *
   * @param compute Budgets (FLOPs).
   * @param level Band level. @default the bootstrap's level
   * @throws {RangeError} when the law does not have parameters E, A, B, alpha and beta.
   */
  allocation(compute: number | Float64Array, level?: number): AllocationBands;
}

/** Input of {@link refitResamplesTask} (structured-cloneable). */
export interface RefitResamplesTask extends WorkerLawRef {
  data: FitData;
  /** Fit options of every refit (starts already set). */
  options: Omit<FitOptions, "onProgress" | "workers">;
  by: "point" | "group";
  seed: number;
  /** Resample indices [from, to). */
  from: number;
  to: number;
}

/** Output of {@link refitResamplesTask}: natural-space values row-major, one row per resample. */
export interface RefitResamplesOutput {
  values: Float64Array;
  /** Index into {@link FIT_STATUSES} per resample. */
  status: Uint8Array;
}

/** Status codes of {@link RefitResamplesOutput.status}. */
export const FIT_STATUSES: readonly FitStatus[] = [
  "converged",
  "max-iterations",
  "line-search-failed",
  "non-finite",
  "no-data",
  "stalled",
];

/** Group structure: the group slot of each point and the number of groups. */
function groupSlots(groups: Int32Array): { slot: Int32Array; count: number } {
  const ids = new Map<number, number>();
  const slot = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    let s = ids.get(groups[i]);
    if (s === undefined) {
      s = ids.size;
      ids.set(groups[i], s);
    }
    slot[i] = s;
  }
  return { slot, count: ids.size };
}

/**
 * Weights of resample `index`: how many times each point (or its group) was drawn, times the
 * base weights.
 *
 * @param n Number of points.
 * @param by Resampling unit.
 * @param seed Bootstrap seed.
 * @param index Resample index.
 * @param groups Group structure (for `by: "group"`).
 * @param base Base weights, if any.
 * @returns Weights of length n.
 * @example Point resampling draws n points in all
 * ```ts
 * import assert from "node:assert/strict";
 * import { resampleWeights } from "./bootstrap.ts";
 * const w = resampleWeights(10, "point", 42, 0);
 * assert.equal(w.reduce((a, b) => a + b, 0), 10);
 * assert.deepEqual(resampleWeights(10, "point", 42, 0), w);
 * ```
 */
export function resampleWeights(
  n: number,
  by: "point" | "group",
  seed: number,
  index: number,
  groups?: { slot: Int32Array; count: number },
  base?: Float64Array,
): Float64Array {
  const g = rng(substream(seed, index));
  const w = new Float64Array(n);
  if (by === "point") {
    for (let i = 0; i < n; i++) w[g.int(n)]++;
  } else {
    const { slot, count } = groups!;
    const c = new Float64Array(count);
    for (let i = 0; i < count; i++) c[g.int(count)]++;
    for (let i = 0; i < n; i++) w[i] = c[slot[i]];
  }
  if (base) { for (let i = 0; i < n; i++) w[i] *= base[i]; }
  return w;
}

function refitRange(
  law: Law,
  task: Omit<RefitResamplesTask, "law" | "inputs">,
): RefitResamplesOutput {
  const k = law.params.length;
  const m = task.to - task.from;
  const values = new Float64Array(m * k);
  const status = new Uint8Array(m);
  const n = task.data.y.length;
  const groups = task.by === "group" ? groupSlots(task.data.groups!) : undefined;
  const plain: FitData = { inputs: task.data.inputs, y: task.data.y };
  for (let r = 0; r < m; r++) {
    const weights = resampleWeights(
      n,
      task.by,
      task.seed,
      task.from + r,
      groups,
      task.options.weights,
    );
    const res = fitSync(law, plain, { ...task.options, weights });
    law.params.forEach((p, j) => (values[r * k + j] = res.params[p.name].value));
    status[r] = FIT_STATUSES.indexOf(res.converged ? "converged" : res.status);
  }
  return { values, status };
}

/**
 * Worker task of {@link bootstrap}: refit resamples [from, to). A pure function of its input
 * (the law is rebuilt from its name or expression).
 *
 * @param task The chunk.
 * @returns Parameter values (natural space, law order) and statuses.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refitResamplesTask } from "./bootstrap.ts";
 * const x = Float64Array.of(1, 2, 4, 8, 16, 32), y = x.map((v) => 2 * v ** -0.5);
 * const out = refitResamplesTask({
 *   law: "A * x^(-alpha)", inputs: ["x"], data: { inputs: { x }, y },
 *   options: { starts: [{ A: 1, alpha: 0.3 }] }, by: "point", seed: 1, from: 0, to: 2,
 * });
 * assert.equal(out.status.length, 2);
 * assert.ok(Math.abs(out.values[0] - 2) < 1e-6 && Math.abs(out.values[1] - 0.5) < 1e-6);
 * ```
 */
export function refitResamplesTask(task: RefitResamplesTask): RefitResamplesOutput {
  return refitRange(rebuildLaw(task), task);
}

function band(values: Float64Array, level: number): Band {
  const s = Float64Array.from(values).sort();
  return {
    median: percentileSorted(s, 0.5),
    low: percentileSorted(s, (1 - level) / 2),
    high: percentileSorted(s, (1 + level) / 2),
  };
}

function checkLevel(level: number, action: string): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`Cannot ${action}: level is ${level}; expected a number in (0, 1)`);
  }
}

/**
 * Bootstrap a fit: refit the law on `resamples` resamples of the data (points, or whole groups
 * with `by: "group"`), each from the full-data optimum, as Epoch AI did for Chinchilla
 * (methods.md 1.1). Refits run in parallel on a worker pool when `workers` > 1 (the law must
 * then be a registry name or expression, or a law whose name the registry resolves; otherwise
 * the work runs on the calling thread). Refits that do not converge are counted in `failed` and
 * left out of the draws.
 *
 * @param law Registry name, expression, or Law object.
 * @param data The data (with `groups` for `by: "group"`).
 * @param options See {@link BootstrapOptions}.
 * @returns Draws, percentile intervals, standard errors, and band helpers.
 * @throws {RangeError} for invalid options or data (as {@link fitSync}), `by: "group"` without
 *   groups, or a non-positive number of resamples.
 * @throws {InputError} for an unknown law name or an invalid expression.
 * @example Interval of an exponent from noisy power-law data
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrap } from "./bootstrap.ts";
 * const x = Float64Array.from({ length: 20 }, (_, i) => 2 ** i);
 * const y = x.map((v, i) => 2 * v ** -0.5 * (1 + 0.02 * Math.sin(7 * i)));
 * const b = await bootstrap("A * x^(-alpha)", { inputs: { x }, y }, {
 *   resamples: 200, seed: 1, workers: 1, fit: { loss: "squared" },
 * });
 * const [lo, hi] = b.intervals.alpha;
 * assert.ok(lo < 0.5 && 0.5 < hi && hi - lo < 0.01);
 * assert.equal(b.draws.alpha.length + b.failed, 200);
 * const band = b.predict({ x: Float64Array.of(1e6) });
 * assert.ok(band.low[0] < band.median[0] && band.median[0] < band.high[0]);
 * ```
 */
export async function bootstrap(
  law: LawRef,
  data: FitData,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  const t0 = performance.now();
  const {
    resamples = 1000,
    by = "point",
    seed = 0,
    level = 0.95,
    fit: fitOptions = {},
    onProgress,
  } = options;
  const action = "bootstrap the fit";
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(
      `Cannot ${action}: resamples is ${resamples}; expected a positive integer`,
    );
  }
  if (by !== "point" && by !== "group") {
    throw new RangeError(
      `Cannot ${action}: by is ${JSON.stringify(by)}; expected "point" or "group"`,
    );
  }
  if (!Number.isFinite(seed)) {
    throw new RangeError(`Cannot ${action}: seed is ${seed}; expected a finite number`);
  }
  checkLevel(level, action);
  if (by === "group") {
    const groups = data.groups;
    if (!(groups instanceof Int32Array) || groups.length !== data.y.length) {
      throw new RangeError(
        `Cannot ${action} by group: data.groups is ${
          groups === undefined ? "missing" : `of length ${groups.length}`
        }; expected an Int32Array with one group per point (${data.y.length})`,
      );
    }
  }
  const workers = options.pool ? options.pool.size : options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(`Cannot ${action}: workers is ${workers}; expected an integer >= 0`);
  }
  const resolved = typeof law === "string" ? getLaw(law) : law;
  const names = resolved.params.map((p) => p.name);
  const k = names.length;

  const full = options.estimate ??
    await fit(resolved, data, {
      ...fitOptions,
      workers,
      ...(options.pool ? { pool: options.pool } : {}),
    });
  const estimate: Record<string, number> = {};
  for (const name of names) estimate[name] = full.params[name].value;
  const refitOptions = { ...fitOptions, starts: fitOptions.starts ?? [estimate] };

  // Refit all resamples, in chunks (on workers when asked).
  const values = new Float64Array(resamples * k);
  const status = new Uint8Array(resamples);
  const base = { data, options: refitOptions, by, seed } as const;
  let done = 0;
  const useWorkers = workers > 1 && resamples >= 2;
  let ranInline = !useWorkers;
  if (useWorkers) {
    const pool = options.pool ?? new WorkerPool(workers);
    const chunks = Math.min(resamples, pool.size * 8);
    const bounds = Array.from(
      { length: chunks + 1 },
      (_, c) => Math.round((c * resamples) / chunks),
    );
    const module = new URL("./bootstrap.ts", import.meta.url).href;
    const plainData: FitData = { inputs: data.inputs, y: data.y, groups: data.groups };
    const tasks = bounds.slice(0, -1).map((from, c) => ({
      module,
      fn: "refitResamplesTask",
      input: {
        ...base,
        data: plainData,
        ...workerLawRef(resolved),
        from,
        to: bounds[c + 1],
      } satisfies RefitResamplesTask,
    }));
    try {
      await pool.run<RefitResamplesOutput>(tasks, (c, out) => {
        values.set(out.values, bounds[c] * k);
        status.set(out.status, bounds[c]);
        done += out.status.length;
        onProgress?.(done, resamples);
      });
    } catch (err) {
      // A law the workers cannot rebuild by name: run on this thread instead.
      if (err instanceof Error && /Cannot (find|compile) law/.test(err.message)) {
        ranInline = true;
        done = 0;
      } else throw err;
    } finally {
      if (!options.pool) pool.close();
    }
  }
  if (ranInline) {
    const step = Math.max(1, Math.min(50, Math.floor(resamples / 100)));
    for (let from = 0; from < resamples; from += step) {
      const to = Math.min(resamples, from + step);
      const out = refitRange(resolved, { ...base, from, to });
      values.set(out.values, from * k);
      status.set(out.status, from);
      onProgress?.(to, resamples);
      // Let progress callbacks and timers run between chunks.
      if (onProgress) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  // Keep converged refits.
  const keep: number[] = [];
  const failures: { resample: number; status: FitStatus }[] = [];
  for (let r = 0; r < resamples; r++) {
    if (status[r] === 0) keep.push(r);
    else failures.push({ resample: r, status: FIT_STATUSES[status[r]] });
  }
  const draws: Record<string, Float64Array> = {};
  const intervals: Record<string, [number, number]> = {};
  const stderr: Record<string, number> = {};
  names.forEach((name, j) => {
    const d = Float64Array.from(keep, (r) => values[r * k + j]);
    draws[name] = d;
    const b = band(d, level);
    intervals[name] = [b.low, b.high];
    let mean = 0;
    for (const v of d) mean += v;
    mean /= d.length;
    let ss = 0;
    for (const v of d) ss += (v - mean) ** 2;
    stderr[name] = d.length > 1 ? Math.sqrt(ss / (d.length - 1)) : NaN;
  });
  const nDraws = keep.length;

  const predict = (inputs: Record<string, number | Float64Array>, lv = level): BandColumns => {
    checkLevel(lv, "predict with bootstrap bands");
    let m = 1;
    for (const s of resolved.inputs) {
      const v = inputs[s.name];
      if (v === undefined) {
        throw new RangeError(
          `Cannot predict with bootstrap bands: input ${
            JSON.stringify(s.name)
          } is missing; expected ${resolved.inputs.map((i) => JSON.stringify(i.name)).join(", ")}`,
        );
      }
      if (typeof v !== "number") {
        if (m !== 1 && v.length !== m) {
          throw new RangeError(
            `Cannot predict with bootstrap bands: input ${
              JSON.stringify(s.name)
            } has ${v.length} values; expected ${m}`,
          );
        }
        m = v.length;
      }
    }
    const x = resolved.inputs.map((s) => {
      const v = inputs[s.name];
      return typeof v === "number" ? new Float64Array(m).fill(v) : v;
    });
    const all = new Float64Array(nDraws * m);
    const p = new Float64Array(k), out = new Float64Array(m);
    for (let d = 0; d < nDraws; d++) {
      for (let j = 0; j < k; j++) p[j] = draws[names[j]][d];
      resolved.predict(x, p, out);
      all.set(out, d * m);
    }
    const res: BandColumns = {
      median: new Float64Array(m),
      low: new Float64Array(m),
      high: new Float64Array(m),
    };
    const col = new Float64Array(nDraws);
    for (let i = 0; i < m; i++) {
      for (let d = 0; d < nDraws; d++) col[d] = all[d * m + i];
      const b = band(col, lv);
      res.median[i] = b.median;
      res.low[i] = b.low;
      res.high[i] = b.high;
    }
    return res;
  };

  const allocation = (compute: number | Float64Array, lv = level): AllocationBands => {
    checkLevel(lv, "compute allocation bands");
    const needed = ["E", "A", "B", "alpha", "beta"];
    const missing = needed.filter((name) => !names.includes(name));
    if (missing.length > 0) {
      throw new RangeError(
        `Cannot compute allocation bands for law ${
          JSON.stringify(resolved.name)
        }: it has no parameter ${
          missing.map((s) => JSON.stringify(s)).join(", ")
        }; expected a Chinchilla-type law with E, A, B, alpha and beta`,
      );
    }
    const c = typeof compute === "number" ? Float64Array.of(compute) : Float64Array.from(compute);
    const m = c.length;
    const pick = (src: (name: string) => number): ChinchillaParams => ({
      E: src("E"),
      A: src("A"),
      B: src("B"),
      alpha: src("alpha"),
      beta: src("beta"),
    });
    const point = optimalAllocation(pick((name) => estimate[name]), c);
    const cols = {
      params: new Float64Array(nDraws * m),
      tokens: new Float64Array(nDraws * m),
      tokensPerParam: new Float64Array(nDraws * m),
    };
    const aDraws = new Float64Array(nDraws);
    let usable = 0;
    for (let d = 0; d < nDraws; d++) {
      const p = pick((name) => draws[name][d]);
      if (!(p.A > 0 && p.B > 0 && p.alpha > 0 && p.beta > 0)) continue;
      const at = optimalAllocation(p, c);
      cols.params.set(at.params, usable * m);
      cols.tokens.set(at.tokens, usable * m);
      cols.tokensPerParam.set(at.tokensPerParam, usable * m);
      aDraws[usable] = p.beta / (p.alpha + p.beta);
      usable++;
    }
    const summarise = (all: Float64Array): BandColumns => {
      const out: BandColumns = {
        median: new Float64Array(m),
        low: new Float64Array(m),
        high: new Float64Array(m),
      };
      const col = new Float64Array(usable);
      for (let i = 0; i < m; i++) {
        for (let d = 0; d < usable; d++) col[d] = all[d * m + i];
        const b = band(col, lv);
        out.median[i] = b.median;
        out.low[i] = b.low;
        out.high[i] = b.high;
      }
      return out;
    };
    return {
      compute: c,
      estimate: {
        params: point.params,
        tokens: point.tokens,
        tokensPerParam: point.tokensPerParam,
      },
      params: summarise(cols.params),
      tokens: summarise(cols.tokens),
      tokensPerParam: summarise(cols.tokensPerParam),
      a: band(aDraws.subarray(0, usable), lv),
      level: lv,
    };
  };

  return {
    law: resolved.name,
    estimate,
    fit: full,
    resamples,
    by,
    seed,
    level,
    draws,
    resampleIndex: Int32Array.from(keep),
    failed: failures.length,
    failures,
    intervals,
    stderr,
    seconds: (performance.now() - t0) / 1000,
    predict,
    allocation,
  };
}
