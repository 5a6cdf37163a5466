/**
 * The OLMo ladder's step-2 mapping from task loss to accuracy: a decreasing sigmoid.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";
import { logistic } from "./_logistic.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const xs = x[0];
  const a = p[0], x0 = p[1], k = p[2], b = p[3];
  for (let i = 0; i < out.length; i++) {
    const d = xs[i] - x0;
    const s = logistic(k * d);
    out[i] = a * s + b;
    if (jac === null) continue;
    const ds = a * s * (1 - s); // ∂(a·σ)/∂z
    const r = 4 * i;
    jac[r] = s;
    jac[r + 1] = -k * ds;
    jac[r + 2] = d * ds;
    jac[r + 3] = 1;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const xs = x[0];
  const x0 = p[1], k = p[2];
  const s = out[0], one = out[1];
  for (let i = 0; i < s.length; i++) {
    s[i] = logistic(k * (xs[i] - x0));
    one[i] = 1;
  }
}

/**
 * Sigmoid from task loss to accuracy, the OLMo model ladder's step 2 (Bhagia et al. 2024,
 * "Establishing Task Scaling Laws via Compute-Efficient Model Ladders", arXiv:2412.04403):
 *
 *     acc = a / (1 + exp(-k (x - x0))) + b
 *
 * Input `x`: task loss (e.g. bits per byte of the correct answer, or nats per token); output:
 * accuracy as a fraction. Parameters, in this order, with the ladder's bounds: `a` in [-1, 0]
 * (height, negative so accuracy falls as loss grows), `x0` >= 0 (midpoint), `k` >= 0
 * (steepness), `b` in [0, 1]. Far below x0 the accuracy tends to `b` (the ceiling); far above
 * it tends to `a + b` (the floor, ideally the task's chance level).
 *
 * Default start grid (2 × 4 × 3 × 2 = 48 points): a in {-0.75, -0.5} (the ladder starts at
 * a = chance − 1), x0 in {0.5, 0.9, 2, 4}, k in {1, 3, 10}, b in {0.5, 1}. Linear in a and b
 * with basis (σ(k (x − x0)), 1).
 *
 * @example Accuracy falls from b towards a + b as the loss grows
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigmoid } from "./sigmoid.ts";
 * import { evaluateLaw } from "../laws/types.ts";
 * const p = { a: -0.75, x0: 1, k: 3, b: 1 };
 * assert.equal(evaluateLaw(sigmoid, { x: 1 }, p), 0.625);
 * assert.ok(Math.abs(evaluateLaw(sigmoid, { x: 100 }, p) - 0.25) < 1e-12);
 * ```
 */
export const sigmoid: Law = {
  name: "sigmoid",
  formula: "acc = a / (1 + exp(-k*(x - x0))) + b",
  doc: "Decreasing sigmoid from task loss x to accuracy (fraction); OLMo ladder step 2",
  paper: "Bhagia et al. 2024, Establishing Task Scaling Laws via Compute-Efficient Model " +
    "Ladders, arXiv:2412.04403",
  inputs: [{ name: "x", doc: "task loss (bits per byte or nats per token)" }],
  params: [
    {
      name: "a",
      doc: "height, in [-1, 0]: accuracy drops by |a| from low to high loss",
      grid: [-0.75, -0.5],
      min: -1,
      max: 0,
    },
    { name: "x0", doc: "midpoint of the drop (loss units), >= 0", grid: [0.5, 0.9, 2, 4], min: 0 },
    { name: "k", doc: "steepness (1/loss units), >= 0", grid: [1, 3, 10], min: 0 },
    { name: "b", doc: "accuracy at low loss (ceiling), in [0, 1]", grid: [0.5, 1], min: 0, max: 1 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 3], basis },
};
