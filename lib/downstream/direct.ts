/**
 * Krajewski et al.'s direct law from compute to chance-normalised accuracy.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const cs = x[0];
  const c = p[0], w = p[1], qMin = p[2];
  const h = 1 - qMin;
  for (let i = 0; i < out.length; i++) {
    const logC = Math.log(cs[i]);
    const u = Math.exp(c + w * logC); // e^c · C^w
    const q = Math.exp(-u);
    out[i] = qMin + h * q;
    if (jac === null) continue;
    const dz = -h * q * u; // ∂acc/∂(c + w log C)
    const r = 3 * i;
    jac[r] = dz;
    jac[r + 1] = dz * logC;
    jac[r + 2] = 1 - q;
  }
}

/**
 * Direct law from training compute to accuracy of Krajewski et al. 2025 ("Revisiting the
 * Scaling Properties of Downstream Metrics in Large Language Model Training", arXiv:2512.08894,
 * eq. 2; code: apple/ml-scaling-downstream-metrics). With the chance-normalised
 * accuracy q = (acc − q_min) / (1 − q_min):
 *
 *     q = exp(-e^c · C^w),   i.e.   acc = q_min + (1 - q_min) · exp(-e^c · C^w)
 *
 * Input `C`: training compute (FLOPs); output: accuracy (fraction). Parameters, in this order:
 * `c` (log-scale), `w` (compute exponent, negative when accuracy improves with compute),
 * `q_min` (chance accuracy, in [0, 1]). `q_min` is data, not something to fit: fix it from the
 * task's chance level (`lib/downstream/chance.ts`), e.g.
 * `{ params: { q_min: { fixed: 0.25 } } }`; its one-value grid is only a placeholder.
 * The paper fits log(−log q) = w log C + c by linear least squares; fitting acc directly gives
 * the same optimum on noise-free data.
 *
 * Default start grid (4 × 4 = 16 points for c and w): c in {0, 5, 10, 20}, w in
 * {-0.05, -0.1, -0.2, -0.4}; q_min grid {0.25}.
 *
 * @example Halfway between chance and 1 where e^c C^w = ln 2
 * ```ts
 * import assert from "node:assert/strict";
 * import { direct } from "./direct.ts";
 * import { evaluateLaw } from "../laws/types.ts";
 * const C = 1e21, w = -0.2, c = Math.log(Math.LN2) - w * Math.log(C);
 * const acc = evaluateLaw(direct, { C }, { c, w, q_min: 0.25 });
 * assert.ok(Math.abs(acc - 0.625) < 1e-12);
 * ```
 */
export const direct: Law = {
  name: "direct",
  formula: "acc = q_min + (1 - q_min)*exp(-exp(c)*C^w)",
  doc: "Compute C (FLOPs) to accuracy (fraction) through chance-normalised accuracy",
  paper: "Krajewski et al. 2025, Revisiting the Scaling Properties of Downstream Metrics in " +
    "Large Language Model Training, arXiv:2512.08894",
  inputs: [{ name: "C", doc: "training compute (FLOPs)" }],
  params: [
    { name: "c", doc: "log-scale of the compute term", grid: [0, 5, 10, 20] },
    {
      name: "w",
      doc: "compute exponent (negative: accuracy grows)",
      grid: [-0.05, -0.1, -0.2, -0.4],
    },
    {
      name: "q_min",
      doc: "chance accuracy (fraction); fix it from the chance table",
      grid: [0.25],
      min: 0,
      max: 1,
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
};
