/**
 * Start points of the multi-start search, in the optimiser's space (log of `"log"`
 * parameters), as a flat row-major Float64Array (one row of `nFree` values per start).
 *
 * @module
 */

import type { Objective } from "./objective.ts";
import type { StartsOption } from "./types.ts";
import { rng, substream } from "../util/rng.ts";
import { didYouMean, listNames } from "./_names.ts";
import { variableProjectionStarts } from "./variable_projection.ts";

/** Largest grid accepted (number of starts). */
export const MAX_GRID_STARTS = 1_000_000;

/** Grid values of free parameter j in optimiser space, clipped to its bounds, de-duplicated. */
export function freeGrid(obj: Objective, j: number): number[] {
  const r = obj.params[obj.free[j]];
  const vals = r.grid.map((v) => {
    const t = obj.toOptimizer(j, v);
    return Math.min(obj.upper[j], Math.max(obj.lower[j], t));
  });
  return [...new Set(vals)];
}

/**
 * The cartesian product of the free parameters' grids (the first free parameter varies
 * slowest).
 *
 * @throws {RangeError} When the product exceeds {@link MAX_GRID_STARTS}.
 */
export function gridStarts(obj: Objective): Float64Array {
  const k = obj.nFree;
  const grids = Array.from({ length: k }, (_, j) => freeGrid(obj, j));
  const total = grids.reduce((a, g) => a * g.length, 1);
  if (total > MAX_GRID_STARTS) {
    throw new RangeError(
      `Cannot fit ${
        JSON.stringify(obj.law.name)
      }: the start grid has ${total} points; expected at most ${MAX_GRID_STARTS} (set smaller grids or use random starts)`,
    );
  }
  const out = new Float64Array(total * k);
  for (let s = 0; s < total; s++) {
    let rem = s;
    for (let j = k - 1; j >= 0; j--) {
      const g = grids[j];
      out[s * k + j] = g[rem % g.length];
      rem = Math.floor(rem / g.length);
    }
  }
  return out;
}

/**
 * `count` random starts, uniform in the range of each free parameter's grid (in optimiser
 * space, so log-uniform for `"log"` parameters), clipped to the bounds. Start i uses the stream
 * `substream(seed, i)`, so the starts do not depend on how work is split.
 */
export function randomStarts(obj: Objective, count: number, seed: number): Float64Array {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `Cannot fit ${
        JSON.stringify(obj.law.name)
      }: starts is ${count}; expected a positive integer, "grid", "default" or a list`,
    );
  }
  const k = obj.nFree;
  const ranges = Array.from({ length: k }, (_, j) => {
    const g = freeGrid(obj, j);
    return [Math.min(...g), Math.max(...g)];
  });
  const out = new Float64Array(count * k);
  for (let s = 0; s < count; s++) {
    const r = rng(substream(seed, s));
    for (let j = 0; j < k; j++) {
      const [a, b] = ranges[j];
      const v = a + (b - a) * r.next();
      out[s * k + j] = Math.min(obj.upper[j], Math.max(obj.lower[j], v));
    }
  }
  return out;
}

/**
 * Starts from explicit records (natural space). A free parameter missing from a record starts
 * at its `start` option, else at the middle value of its grid; values given for fixed or tied
 * parameters are ignored.
 *
 * @throws {RangeError} Unknown names (with a did-you-mean hint), non-finite values, values
 * outside the bounds or non-positive values of `"log"` parameters.
 */
export function listStarts(obj: Objective, list: Record<string, number>[]): Float64Array {
  const k = obj.nFree;
  const names = obj.params.map((r) => r.name);
  const law = JSON.stringify(obj.law.name);
  if (list.length === 0) {
    throw new RangeError(
      `Cannot fit ${law}: the list of starts is empty; expected at least one start`,
    );
  }
  const out = new Float64Array(list.length * k);
  list.forEach((rec, s) => {
    for (const key of Object.keys(rec)) {
      if (!names.includes(key)) {
        throw new RangeError(
          `Cannot fit ${law}: start ${s} names unknown parameter ${
            JSON.stringify(key)
          }; expected one of ${listNames(names)}${didYouMean(key, names)}`,
        );
      }
    }
    for (let j = 0; j < k; j++) {
      const r = obj.params[obj.free[j]];
      let v = rec[r.name];
      if (v === undefined) {
        const g = [...r.grid].sort((a, b) => a - b);
        v = g[(g.length - 1) >> 1];
      } else if (
        typeof v !== "number" || !Number.isFinite(v) || v < r.min || v > r.max ||
        (r.scale === "log" && !(v > 0))
      ) {
        throw new RangeError(
          `Cannot fit ${law}: start ${s} has ${r.name} = ${v}; expected a finite value in [${r.min}, ${r.max}]${
            r.scale === "log" ? ' and positive (scale "log")' : ""
          }`,
        );
      }
      out[s * k + j] = obj.toOptimizer(j, v);
    }
  });
  return out;
}

/**
 * The "default" strategy: variable projection when the law has a usable linear structure
 * (see {@link variableProjectionStarts}); otherwise the grid thinned to at most 3 values per
 * parameter (first, middle, last) when that has at most 256 points, plus random starts up to
 * 64 in all.
 */
export function defaultStarts(obj: Objective, seed: number): Float64Array {
  const vp = variableProjectionStarts(obj);
  if (vp) return vp;
  const k = obj.nFree;
  const thin = Array.from({ length: k }, (_, j) => {
    const g = freeGrid(obj, j).sort((a, b) => a - b);
    return g.length <= 3 ? g : [g[0], g[(g.length - 1) >> 1], g[g.length - 1]];
  });
  const total = thin.reduce((a, g) => a * g.length, 1);
  const rows: number[] = [];
  if (total <= 256) {
    for (let s = 0; s < total; s++) {
      let rem = s;
      const row = new Array<number>(k);
      for (let j = k - 1; j >= 0; j--) {
        row[j] = thin[j][rem % thin[j].length];
        rem = Math.floor(rem / thin[j].length);
      }
      rows.push(...row);
    }
  }
  const extra = Math.max(0, 64 - rows.length / Math.max(k, 1));
  const random = extra > 0 ? randomStarts(obj, extra, seed) : new Float64Array(0);
  const out = new Float64Array(rows.length + random.length);
  out.set(rows);
  out.set(random, rows.length);
  return out;
}

/**
 * Start points for a {@link StartsOption}.
 *
 * @param obj The objective (gives the free parameters, grids and bounds).
 * @param starts The option.
 * @param seed Seed for random starts.
 * @returns Flat row-major starts, `nFree` values per start.
 *
 * @example Hoffmann's grid for the Chinchilla law has 4500 starts
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildStarts } from "./starts.ts";
 * import { buildObjective } from "./objective.ts";
 * import { chinchilla } from "../laws/chinchilla.ts";
 * const data = { inputs: { N: Float64Array.of(1e8), D: Float64Array.of(1e9) }, y: Float64Array.of(3) };
 * const obj = buildObjective(chinchilla, data);
 * assert.equal(buildStarts(obj, "grid", 0).length, 4500 * 5);
 * assert.equal(buildStarts(obj, 7, 0).length, 7 * 5);
 * ```
 */
export function buildStarts(obj: Objective, starts: StartsOption, seed: number): Float64Array {
  if (obj.nFree === 0) return new Float64Array(0);
  if (starts === "grid") return gridStarts(obj);
  if (starts === "default") return defaultStarts(obj, seed);
  if (typeof starts === "number") return randomStarts(obj, starts, seed);
  if (Array.isArray(starts)) return listStarts(obj, starts);
  throw new RangeError(
    `Cannot fit ${JSON.stringify(obj.law.name)}: starts is ${
      JSON.stringify(starts)
    }; expected "default", "grid", a number or a list of records`,
  );
}
