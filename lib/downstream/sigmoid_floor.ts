/**
 * The observational-scaling-laws mapping: a sigmoid between a floor f and 1.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";
import { logistic } from "./_logistic.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const xs = x[0];
  const w = p[0], w0 = p[1], f = p[2];
  const h = 1 - f;
  for (let i = 0; i < out.length; i++) {
    const s = logistic(w * xs[i] + w0);
    out[i] = h * s + f;
    if (jac === null) continue;
    const ds = h * s * (1 - s); // ∂y/∂z
    const r = 3 * i;
    jac[r] = ds * xs[i];
    jac[r + 1] = ds;
    jac[r + 2] = 1 - s;
  }
}

/**
 * Sigmoid with a floor, the downstream mapping of observational scaling laws (Ruan et al. 2024,
 * "Observational Scaling Laws and the Predictability of Language Model Performance",
 * arXiv:2405.10938):
 *
 *     y = (1 - f) · σ(w·x + w0) + f,   σ(z) = 1 / (1 + e^-z)
 *
 * The height is tied to 1 − f, so the curve runs from the floor f (chance-like accuracy) up to 1.
 * Input `x`: any predictor (a capability score, log-compute, or a task loss, for which w < 0);
 * output: accuracy as a fraction. Parameters, in this order: `w` (slope), `w0` (intercept), `f`
 * (floor, bounded to [0, 0.2] as in the paper's code).
 *
 * Default start grid (7 × 5 × 3 = 105 points; the paper starts at w = 0.03, w0 = 0, f = 0):
 * w in {-10, -1, -0.1, 0.03, 0.1, 1, 10}, w0 in {-10, -1, 0, 1, 10}, f in {0, 0.1, 0.2}.
 *
 * @example Halfway between the floor and 1 where w·x + w0 = 0
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigmoidFloor } from "./sigmoid_floor.ts";
 * import { evaluateLaw } from "../laws/types.ts";
 * const y = evaluateLaw(sigmoidFloor, { x: 2 }, { w: 1.5, w0: -3, f: 0.2 });
 * assert.ok(Math.abs(y - 0.6) < 1e-15);
 * ```
 */
export const sigmoidFloor: Law = {
  name: "sigmoid-floor",
  formula: "y = (1 - f) / (1 + exp(-(w*x + w0))) + f",
  doc: "Sigmoid from a floor f (chance) up to 1 in a predictor x; output: accuracy (fraction)",
  paper: "Ruan, Maddison, Hashimoto 2024, Observational Scaling Laws and the Predictability " +
    "of Language Model Performance, arXiv:2405.10938",
  inputs: [{ name: "x", doc: "predictor: capability score, log-compute or task loss" }],
  params: [
    { name: "w", doc: "slope (1/x units)", grid: [-10, -1, -0.1, 0.03, 0.1, 1, 10] },
    { name: "w0", doc: "intercept", grid: [-10, -1, 0, 1, 10] },
    { name: "f", doc: "floor (fraction), in [0, 0.2]", grid: [0, 0.1, 0.2], min: 0, max: 0.2 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
