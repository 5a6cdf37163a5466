/**
 * Variable-projection starts for laws that are linear in some parameters (for Chinchilla:
 * E, A, B multiply the basis 1, N^-alpha, D^-beta).
 *
 * The free non-linear parameters (the exponents) are scanned on a coarse regular grid spanning
 * their start grid's range (in optimiser space). At each scan point the linear parameters are
 * solved by bounded least squares in linear space (bounds from the parameters; `"log"`
 * parameters are kept ≥ 0), with weights w_i / y_i² in log space so that the linear residual
 * approximates the log residual, and iteratively reweighted (10 rounds) to approximate the Huber
 * or absolute loss. Each scan point is scored with the true objective; the best local minima of
 * the scan (up to 6) and the best 2 other points become starts for the full local optimiser.
 *
 * @module
 */

import type { Objective } from "./objective.ts";
import { boxQp } from "./_linalg.ts";

/** Points per scanned dimension, by number of scanned dimensions. */
function pointsPerDimension(d: number): number {
  if (d <= 1) return 41;
  if (d === 2) return 21;
  if (d === 3) return 9;
  return Math.max(3, Math.floor(Math.pow(2000, 1 / d)));
}

/**
 * Starts from a variable-projection scan, or undefined when the law has no linear structure or
 * the structure cannot be used with the current options (a linear parameter that is tied, or
 * that another parameter is tied to).
 *
 * @param obj The objective.
 * @param maxMinima Number of scan local minima to keep. @default 6
 * @param extra Number of other best scan points to keep. @default 2
 * @returns Flat row-major starts in optimiser space.
 *
 * @example A law linear in c: y = c · x^-k
 * ```ts
 * import assert from "node:assert/strict";
 * import { variableProjectionStarts } from "./variable_projection.ts";
 * import { buildObjective } from "./objective.ts";
 * import { chinchilla } from "../laws/chinchilla.ts";
 * const N = Float64Array.of(1e8, 3e8, 1e9, 3e9, 1e8, 1e9);
 * const D = Float64Array.of(1e9, 3e9, 1e10, 3e10, 1e10, 1e9);
 * const y = N.map((n, i) => 1.7 + 400 / n ** 0.34 + 410 / D[i] ** 0.28);
 * const obj = buildObjective(chinchilla, { inputs: { N, D }, y });
 * const starts = variableProjectionStarts(obj)!;
 * assert.equal(starts.length % 5, 0);
 * assert.ok(obj.value(starts.subarray(0, 5)) < 1e-3);
 * ```
 */
export function variableProjectionStarts(
  obj: Objective,
  maxMinima = 6,
  extra = 2,
): Float64Array | undefined {
  const ls = obj.law.linearStructure;
  if (!ls || obj.nFree === 0 || obj.n === 0) return undefined;
  const params = obj.params;
  const linear = ls.linear;
  const isLinear = new Uint8Array(params.length);
  for (const q of linear) isLinear[q] = 1;
  for (const r of params) {
    if (r.tie !== undefined && (isLinear[r.index] || isLinear[r.tie])) return undefined;
  }
  const k = obj.nFree, n = obj.n;
  const freeOf = new Int32Array(params.length).fill(-1);
  obj.free.forEach((q, j) => (freeOf[q] = j));
  const scanDims: number[] = []; // free indices of the non-linear parameters
  for (let j = 0; j < k; j++) if (!isLinear[obj.free[j]]) scanDims.push(j);
  const linFree: number[] = []; // positions in `linear` of free linear parameters
  const linFixed: number[] = [];
  linear.forEach((q, pos) => (freeOf[q] >= 0 ? linFree : linFixed).push(pos));
  const nl = linFree.length;
  if (nl === 0) return undefined;

  // Scan axes (optimiser space).
  const per = pointsPerDimension(scanDims.length);
  const axes = scanDims.map((j) => {
    const grid = params[obj.free[j]].grid.map((v) => obj.toOptimizer(j, v));
    let a = Math.min(...grid), b = Math.max(...grid);
    a = Math.max(a, obj.lower[j]);
    b = Math.min(b, obj.upper[j]);
    if (!(b > a)) return [Math.min(Math.max(grid[0], obj.lower[j]), obj.upper[j])];
    return Array.from({ length: per }, (_, i) => a + ((b - a) * i) / (per - 1));
  });
  const shape = axes.map((a) => a.length);
  const total = shape.reduce((a, b) => a * b, 1);

  const basis = linear.map(() => new Float64Array(n));
  const p = new Float64Array(params.length);
  const theta = new Float64Array(k);
  const rows = new Float64Array(total * k);
  const scores = new Float64Array(total);
  const y = obj.y, w = obj.w, z = obj.z;
  const log = obj.space === "log";
  const yAdj = new Float64Array(n);
  const omega = new Float64Array(n);
  const u = new Float64Array(n);
  const g = new Float64Array(nl * nl), h = new Float64Array(nl);
  const lo = new Float64Array(nl), hi = new Float64Array(nl);
  linFree.forEach((pos, a) => {
    const r = params[linear[pos]];
    lo[a] = r.scale === "log" ? Math.max(0, r.min) : r.min;
    hi[a] = r.max;
  });
  const rounds = obj.loss === "squared" ? 1 : 10;
  let yScale = 0;
  for (let i = 0; i < n; i++) yScale = Math.max(yScale, Math.abs(y[i]));
  for (let i = 0; i < n; i++) omega[i] = log ? w[i] / (y[i] * y[i]) : w[i];

  for (let s = 0; s < total; s++) {
    theta.fill(0);
    let rem = s;
    for (let d = scanDims.length - 1; d >= 0; d--) {
      theta[scanDims[d]] = axes[d][rem % shape[d]];
      rem = Math.floor(rem / shape[d]);
    }
    obj.toNatural(theta, p);
    ls.basis(obj.x, p, basis);
    for (let i = 0; i < n; i++) {
      let v = y[i];
      for (const pos of linFixed) v -= p[linear[pos]] * basis[pos][i];
      yAdj[i] = v;
      u[i] = 1;
    }
    let c: Float64Array = new Float64Array(nl);
    for (let round = 0; round < rounds; round++) {
      g.fill(0);
      h.fill(0);
      for (let i = 0; i < n; i++) {
        const wi = omega[i] * u[i];
        if (wi === 0) continue;
        for (let a = 0; a < nl; a++) {
          const ba = basis[linFree[a]][i];
          h[a] += wi * ba * yAdj[i];
          for (let b = 0; b <= a; b++) g[a * nl + b] += wi * ba * basis[linFree[b]][i];
        }
      }
      for (let a = 0; a < nl; a++) for (let b = 0; b < a; b++) g[b * nl + a] = g[a * nl + b];
      c = boxQp(g, h, lo, hi, nl);
      if (round === rounds - 1) break;
      // Robust weights from the current residuals (in the objective's residual space).
      for (let i = 0; i < n; i++) {
        let f = y[i] - yAdj[i];
        for (let a = 0; a < nl; a++) f += c[a] * basis[linFree[a]][i];
        const r = log ? (f > 0 ? z[i] - Math.log(f) : 1) : z[i] - f;
        const ar = Math.abs(r);
        if (obj.loss === "huber") u[i] = ar <= obj.delta ? 1 : obj.delta / ar;
        else u[i] = 1 / Math.max(ar, 1e-9 * (log ? 1 : yScale));
      }
    }
    // Linear parameters into optimiser space; "log" ones need a positive value.
    for (let a = 0; a < nl; a++) {
      const q = linear[linFree[a]];
      const j = freeOf[q];
      let v = c[a];
      if (params[q].scale === "log") {
        let bMax = 0;
        const col = basis[linFree[a]];
        for (let i = 0; i < n; i++) bMax = Math.max(bMax, Math.abs(col[i]));
        const tiny = bMax > 0 ? 1e-10 * yScale / bMax : 1e-300;
        v = Math.max(v, tiny, params[q].min);
      }
      theta[j] = Math.min(obj.upper[j], Math.max(obj.lower[j], obj.toOptimizer(j, v)));
    }
    rows.set(theta, s * k);
    scores[s] = obj.value(theta);
  }

  // Local minima of the scan (≤ every neighbour), best first; then the best other points.
  const order = Array.from({ length: total }, (_, s) => s).sort((a, b) =>
    scores[a] - scores[b] || a - b
  );
  const chosen: number[] = [];
  const idx = new Int32Array(shape.length);
  const isMinimum = (s: number): boolean => {
    let rem = s;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      for (const step of [-1, 1]) {
        const t = idx[d] + step;
        if (t < 0 || t >= shape[d]) continue;
        if (scores[s + step * stride] < scores[s]) return false;
      }
      stride *= shape[d];
    }
    return true;
  };
  for (const s of order) {
    if (chosen.length >= maxMinima) break;
    if (Number.isFinite(scores[s]) && isMinimum(s)) chosen.push(s);
  }
  let added = 0;
  for (const s of order) {
    if (added >= extra) break;
    if (!Number.isFinite(scores[s]) || chosen.includes(s)) continue;
    chosen.push(s);
    added++;
  }
  if (chosen.length === 0) return undefined;
  const out = new Float64Array(chosen.length * k);
  chosen.forEach((s, i) => out.set(rows.subarray(s * k, s * k + k), i * k));
  return out;
}
