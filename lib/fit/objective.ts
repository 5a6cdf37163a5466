/**
 * The fitting objective over the free parameters, in the optimiser's space.
 *
 * Parameters with `scale: "log"` are optimised as their logarithm (for the Chinchilla law this
 * is Epoch's log-sum-exp form log L̂ = LSE(a − α log N, b − β log D, e)); fixed parameters are
 * removed; tied parameters follow their target; bounds are mapped into the same space.
 *
 * Residuals are r_i = log y_i − log f_i (`space: "log"`, the default) or r_i = y_i − f_i
 * (`"linear"`). The objective is the weighted SUM (never the mean) of ρ(r_i):
 * - `"squared"`: ρ(r) = r²/2 (so the objective is half the residual sum of squares, the
 *   convention of scipy's `least_squares` and the limit of Huber for large δ);
 * - `"huber"`: ρ(r) = r²/2 when |r| ≤ δ, else δ(|r| − δ/2), equal to `scipy.special.huber(δ, r)`;
 * - `"absolute"`: ρ(r) = |r|.
 *
 * The gradient is exact (chain rule through the law's Jacobian). Non-finite predictions, or
 * non-positive predictions in log space, give the objective +Infinity.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";
import type { FitData, LossKind, ParamOptions } from "./types.ts";
import { type ResolvedParam, resolveParams } from "./params.ts";
import { didYouMean, listNames } from "./_names.ts";

/** Options that define an objective (a subset of `FitOptions`). */
export interface ObjectiveOptions {
  /** @default "huber" */
  loss?: LossKind;
  /** @default 1e-3 */
  huberDelta?: number;
  /** @default "log" */
  space?: "log" | "linear";
  /** Per-parameter overrides. */
  params?: Record<string, ParamOptions>;
  /** Per-point weights multiplying each point's loss. */
  weights?: Float64Array;
}

/**
 * Loss ρ(r) of one residual.
 *
 * @param loss Loss kind.
 * @param r Residual.
 * @param delta Huber delta.
 * @returns ρ(r): r²/2, Huber (scipy.special.huber), or |r|.
 *
 * @example Huber is quadratic inside delta and linear outside
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossValue } from "./objective.ts";
 * assert.equal(lossValue("huber", 5e-4, 1e-3), 1.25e-7);
 * assert.ok(Math.abs(lossValue("huber", 0.02, 1e-3) - 1.95e-5) < 1e-20);
 * ```
 */
export function lossValue(loss: LossKind, r: number, delta: number): number {
  if (loss === "squared") return 0.5 * r * r;
  const a = Math.abs(r);
  if (loss === "absolute") return a;
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** ψ(r) = ρ'(r), the derivative of the loss. */
export function lossDerivative(loss: LossKind, r: number, delta: number): number {
  if (loss === "squared") return r;
  if (loss === "absolute") return r > 0 ? 1 : r < 0 ? -1 : 0;
  return r > delta ? delta : r < -delta ? -delta : r;
}

const LOSSES: readonly LossKind[] = ["squared", "huber", "absolute"];

/**
 * An objective over the free parameters θ in optimiser space (log of `"log"` parameters).
 * Built by {@link buildObjective}; methods reuse internal buffers, so one instance must not be
 * used from two places at once.
 */
export class Objective {
  /** The law. */
  readonly law: Law;
  /** Resolved parameters, in the law's order. */
  readonly params: readonly ResolvedParam[];
  /** Number of points. */
  readonly n: number;
  /** Number of free parameters. */
  readonly nFree: number;
  /** Law indices of the free parameters, in optimiser order. */
  readonly free: Int32Array;
  /** 1 when free parameter j is optimised as its log. */
  readonly logScale: Uint8Array;
  /** Lower bounds of θ (optimiser space). */
  readonly lower: Float64Array;
  /** Upper bounds of θ (optimiser space). */
  readonly upper: Float64Array;
  /** Loss kind. */
  readonly loss: LossKind;
  /** Huber delta. */
  readonly delta: number;
  /** Residual space. */
  readonly space: "log" | "linear";
  /** Input columns in the law's order. */
  readonly x: Columns;
  /** Targets. */
  readonly y: Float64Array;
  /** Targets in residual space (log y or y). */
  readonly z: Float64Array;
  /** Weights (all ones when none were given). */
  readonly w: Float64Array;
  /** Number of objective evaluations so far (value or value-and-gradient). */
  evaluations = 0;

  /** For each law parameter: free index it follows, or -1 when fixed. */
  readonly #mapTo: Int32Array;
  readonly #p: Float64Array;
  readonly #f: Float64Array;
  readonly #jac: Float64Array;
  readonly #gnat: Float64Array;

  /** @internal Use {@link buildObjective}. */
  constructor(
    law: Law,
    params: ResolvedParam[],
    x: Columns,
    y: Float64Array,
    w: Float64Array,
    loss: LossKind,
    delta: number,
    space: "log" | "linear",
  ) {
    this.law = law;
    this.params = params;
    this.x = x;
    this.y = y;
    this.w = w;
    this.n = y.length;
    this.loss = loss;
    this.delta = delta;
    this.space = space;
    this.z = space === "log" ? y.map(Math.log) : y.slice();
    const k = params.length;
    const free: number[] = [];
    for (const r of params) if (r.fixed === undefined && r.tie === undefined) free.push(r.index);
    this.free = Int32Array.from(free);
    this.nFree = free.length;
    this.logScale = Uint8Array.from(free, (i) => (params[i].scale === "log" ? 1 : 0));
    this.lower = Float64Array.from(free, (i) => toOpt(params[i], params[i].min));
    this.upper = Float64Array.from(free, (i) => toOpt(params[i], params[i].max));
    this.#mapTo = new Int32Array(k).fill(-1);
    free.forEach((i, j) => (this.#mapTo[i] = j));
    this.#p = new Float64Array(k);
    for (const r of params) {
      if (r.tie !== undefined) this.#mapTo[r.index] = this.#mapTo[r.tie];
      const fixed = r.tie !== undefined ? params[r.tie].fixed : r.fixed;
      if (fixed !== undefined) this.#p[r.index] = fixed;
    }
    this.#f = new Float64Array(this.n);
    this.#jac = new Float64Array(this.n * k);
    this.#gnat = new Float64Array(k);
  }

  /** Free parameter names in optimiser order. */
  get freeNames(): string[] {
    return Array.from(this.free, (i) => this.params[i].name);
  }

  /**
   * Write the full natural-space parameter vector for θ into `p` (length `law.params.length`).
   */
  toNatural(theta: ArrayLike<number>, p: Float64Array): Float64Array {
    p.set(this.#p);
    const map = this.#mapTo;
    for (let i = 0; i < map.length; i++) {
      const j = map[i];
      if (j >= 0) p[i] = this.logScale[j] ? Math.exp(theta[j]) : theta[j];
    }
    return p;
  }

  /** Map a natural-space value of free parameter j into optimiser space. */
  toOptimizer(j: number, value: number): number {
    return this.logScale[j] ? Math.log(value) : value;
  }

  /** Map an optimiser-space value of free parameter j back to natural space. */
  fromOptimizer(j: number, value: number): number {
    return this.logScale[j] ? Math.exp(value) : value;
  }

  /** Predictions at θ into `out` (length n). */
  predict(theta: ArrayLike<number>, out: Float64Array): void {
    this.law.predict(this.x, this.toNatural(theta, this.#p0()), out);
  }

  #pBuf?: Float64Array;
  #p0(): Float64Array {
    return (this.#pBuf ??= new Float64Array(this.params.length));
  }

  /** The objective at θ (+Infinity when a prediction is not usable). */
  value(theta: ArrayLike<number>): number {
    this.evaluations++;
    const f = this.#f;
    this.law.predict(this.x, this.toNatural(theta, this.#p0()), f);
    const { z, w, loss, delta, n } = this;
    const log = this.space === "log";
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const fi = f[i];
      const r = z[i] - (log ? Math.log(fi) : fi);
      sum += w[i] * lossValue(loss, r, delta);
    }
    return Number.isFinite(sum) ? sum : Infinity;
  }

  /**
   * The objective at θ and its exact gradient with respect to θ, written into `grad`.
   * When the objective is not finite, returns +Infinity and fills `grad` with zeros.
   */
  valueAndGradient(theta: ArrayLike<number>, grad: Float64Array): number {
    this.evaluations++;
    const p = this.toNatural(theta, this.#p0());
    const f = this.#f, jac = this.#jac, gnat = this.#gnat;
    const k = p.length;
    this.law.jacobian(this.x, p, f, jac);
    const { z, w, loss, delta, n } = this;
    const log = this.space === "log";
    gnat.fill(0);
    let sum = 0;
    for (let i = 0, row = 0; i < n; i++, row += k) {
      const fi = f[i];
      const r = z[i] - (log ? Math.log(fi) : fi);
      const wi = w[i];
      let c: number;
      if (loss === "huber") {
        if (r > delta) {
          sum += wi * delta * (r - 0.5 * delta);
          c = wi * delta;
        } else if (r < -delta) {
          sum += wi * delta * (-r - 0.5 * delta);
          c = -wi * delta;
        } else {
          sum += wi * 0.5 * r * r;
          c = wi * r;
        }
      } else {
        sum += wi * lossValue(loss, r, delta);
        c = wi * lossDerivative(loss, r, delta);
      }
      if (log) c /= fi;
      for (let q = 0; q < k; q++) gnat[q] += c * jac[row + q];
    }
    if (!Number.isFinite(sum)) {
      grad.fill(0);
      return Infinity;
    }
    this.#naturalToFree(gnat, p, grad, -1);
    return sum;
  }

  /** Sum natural-space derivatives into free derivatives (ties, log scale), times `sign`. */
  #naturalToFree(gnat: Float64Array, p: Float64Array, out: Float64Array, sign: number): void {
    const map = this.#mapTo;
    out.fill(0);
    for (let q = 0; q < map.length; q++) if (map[q] >= 0) out[map[q]] += gnat[q];
    for (let j = 0; j < this.nFree; j++) {
      out[j] *= sign * (this.logScale[j] ? p[this.free[j]] : 1);
    }
  }

  /**
   * Residuals r_i = z_i − ẑ_i at θ and their Jacobian ∂r_i/∂θ_j (row-major n × nFree).
   * Residuals are not weighted. Returns false when a prediction is not usable.
   */
  residualJacobian(theta: ArrayLike<number>, r: Float64Array, jr?: Float64Array): boolean {
    this.evaluations++;
    const p = this.toNatural(theta, this.#p0());
    const f = this.#f, jac = this.#jac;
    const k = p.length, m = this.nFree;
    if (jr) this.law.jacobian(this.x, p, f, jac);
    else this.law.predict(this.x, p, f);
    const log = this.space === "log";
    const map = this.#mapTo;
    let ok = true;
    for (let i = 0; i < this.n; i++) {
      const fi = f[i];
      r[i] = this.z[i] - (log ? Math.log(fi) : fi);
      if (!Number.isFinite(r[i])) ok = false;
      if (!jr) continue;
      const s = log ? -1 / fi : -1;
      const row = i * m;
      for (let j = 0; j < m; j++) jr[row + j] = 0;
      for (let q = 0; q < k; q++) if (map[q] >= 0) jr[row + map[q]] += jac[i * k + q];
      for (let j = 0; j < m; j++) {
        jr[row + j] *= s * (this.logScale[j] ? p[this.free[j]] : 1);
        if (!Number.isFinite(jr[row + j])) ok = false;
      }
    }
    return ok;
  }
}

function toOpt(r: ResolvedParam, v: number): number {
  if (r.scale !== "log") return v;
  return v > 0 ? Math.log(v) : -Infinity;
}

/**
 * Build the objective of fitting `law` to `data`.
 *
 * @param law The law.
 * @param data Inputs keyed by the law's input names, and targets.
 * @param options Loss, residual space, parameter overrides, weights.
 * @returns The objective over the free parameters.
 * @throws {RangeError} Missing or unknown input columns, length mismatches, non-finite data,
 * non-positive targets in log space, bad weights, bad loss options, or invalid parameter
 * options (see {@link resolveParams}).
 *
 * @example Value and gradient of a one-parameter law in log space
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildObjective } from "./objective.ts";
 * import type { Law } from "../laws/types.ts";
 * const scale: Law = {
 *   name: "scale", formula: "y = c * x", doc: "", inputs: [{ name: "x", doc: "" }],
 *   params: [{ name: "c", grid: [1], scale: "log" }],
 *   predict: (x, p, out) => out.forEach((_, i) => (out[i] = p[0] * x[0][i])),
 *   jacobian: (x, p, out, jac) =>
 *     out.forEach((_, i) => ((out[i] = p[0] * x[0][i]), (jac[i] = x[0][i]))),
 * };
 * const obj = buildObjective(scale, { inputs: { x: Float64Array.of(1, 2) }, y: Float64Array.of(2, 4) }, {
 *   loss: "squared",
 * });
 * const g = new Float64Array(1);
 * // theta = log c = 0: residuals log 2 at both points, objective 2 · (log 2)²/2
 * assert.ok(Math.abs(obj.valueAndGradient([0], g) - Math.LN2 ** 2) < 1e-15);
 * assert.ok(Math.abs(g[0] + 2 * Math.LN2) < 1e-15);
 * ```
 */
export function buildObjective(law: Law, data: FitData, options: ObjectiveOptions = {}): Objective {
  const name = JSON.stringify(law.name);
  const loss = options.loss ?? "huber";
  if (!LOSSES.includes(loss)) {
    throw new RangeError(
      `Cannot fit ${name}: loss is ${JSON.stringify(loss)}; expected one of ${listNames(LOSSES)}${
        didYouMean(String(loss), LOSSES)
      }`,
    );
  }
  const delta = options.huberDelta ?? 1e-3;
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new RangeError(`Cannot fit ${name}: huberDelta is ${delta}; expected a positive number`);
  }
  const space = options.space ?? "log";
  if (space !== "log" && space !== "linear") {
    throw new RangeError(
      `Cannot fit ${name}: space is ${JSON.stringify(space)}; expected "log" or "linear"`,
    );
  }
  const params = resolveParams(law, options.params);
  const y = data.y;
  if (!(y instanceof Float64Array)) {
    throw new RangeError(`Cannot fit ${name}: y is not a Float64Array; expected a Float64Array`);
  }
  const n = y.length;
  const given = Object.keys(data.inputs);
  const inputNames = law.inputs.map((s) => s.name);
  for (const key of given) {
    if (!inputNames.includes(key)) {
      throw new RangeError(
        `Cannot fit ${name}: input ${JSON.stringify(key)} is unknown; expected one of ${
          listNames(inputNames)
        }${didYouMean(key, inputNames)}`,
      );
    }
  }
  const x = law.inputs.map((s) => {
    const col = data.inputs[s.name];
    if (col === undefined) {
      throw new RangeError(
        `Cannot fit ${name}: input ${JSON.stringify(s.name)} is missing; expected columns ${
          listNames(inputNames)
        }`,
      );
    }
    if (col.length !== n) {
      throw new RangeError(
        `Cannot fit ${name}: input ${
          JSON.stringify(s.name)
        } has ${col.length} values and y has ${n}; expected equal lengths`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) {
        throw new RangeError(
          `Cannot fit ${name}: input ${JSON.stringify(s.name)}[${i}] is ${
            col[i]
          }; expected a finite number`,
        );
      }
    }
    return col;
  });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) {
      throw new RangeError(`Cannot fit ${name}: y[${i}] is ${y[i]}; expected a finite number`);
    }
    if (space === "log" && !(y[i] > 0)) {
      throw new RangeError(
        `Cannot fit ${name}: y[${i}] is ${
          y[i]
        } with space "log"; expected positive targets (or space "linear")`,
      );
    }
  }
  let w: Float64Array;
  if (options.weights !== undefined) {
    w = options.weights;
    if (w.length !== n) {
      throw new RangeError(
        `Cannot fit ${name}: weights has ${w.length} values and y has ${n}; expected equal lengths`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!(w[i] >= 0) || !Number.isFinite(w[i])) {
        throw new RangeError(
          `Cannot fit ${name}: weights[${i}] is ${w[i]}; expected a finite non-negative number`,
        );
      }
    }
  } else w = new Float64Array(n).fill(1);
  return new Objective(law, params, x, y, w, loss, delta, space);
}
