/**
 * Per-run exponential reward saturation of GRPO training curves, after the later version of
 * Nimmaturi et al. (2025).
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ts = x[0];
  const rMax = p[0], r0 = p[1], k = p[2];
  for (let i = 0; i < out.length; i++) {
    const t = ts[i];
    const decay = Math.exp(-k * t);
    out[i] = rMax - (rMax - r0) * decay;
    if (jac === null) continue;
    const r = 3 * i;
    jac[r] = -Math.expm1(-k * t); // 1 - exp(-k t)
    jac[r + 1] = decay;
    jac[r + 2] = (rMax - r0) * t * decay;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ts = x[0];
  const k = p[2];
  const rise = out[0], start = out[1];
  for (let i = 0; i < rise.length; i++) {
    rise[i] = -Math.expm1(-k * ts[i]);
    start[i] = Math.exp(-k * ts[i]);
  }
}

/**
 * Exponential reward saturation of GRPO fine-tuning, after Nimmaturi et al. 2025 ("Predictive
 * Scaling Laws for Efficient GRPO Training of Large Reasoning Models", arXiv:2507.18014, later
 * version), fitted to one run:
 *
 *     R(t) = Rmax - (Rmax - R0) · exp(-k · t)
 *
 * The mean training reward starts at R0 and approaches the plateau Rmax at rate k. This law
 * fits one run (or one pooled curve) with Rmax, R0, k free.
 *
 * Checked against the paper: only the abstracts were read, not the body of any version, and
 * the paper's equation was not seen. v1 (July 2025) describes sigmoid-shaped reward curves;
 * that form (a logistic in t with an inflection point, known only from third-party notes) is
 * not this law, which has no inflection point and so no slow start. A later version's abstract
 * (read through a third-party copy) describes exponential saturation in normalised training
 * progress, conditioned on model size and initial performance. This law is the per-run
 * single-exponential saturation form matching that abstract; it was not checked against the
 * later version's equation. Whether and how the paper makes the plateau or the rate depend on
 * model size and initial performance, and whether it has an offset like R0, was not verified;
 * R0 = 0 gives the zero-offset form Rmax · (1 - exp(-k · t)).
 *
 * Input: `t` normalised training progress (fraction of an epoch, or steps / total steps).
 * Output: mean reward (the reward's own units).
 *
 * Parameters, in this order: `Rmax` (plateau reward), `R0` (reward at t = 0), `k` (rate per
 * unit of t; lower bound 0, optimised in log space). Rewards may be zero or negative, so fit
 * with residuals in linear space (`space: "linear"`); log space needs positive rewards. The
 * law is linear in Rmax and R0 with basis (1 - exp(-k t), exp(-k t)) (`linearStructure`).
 *
 * Default start grid (2 × 2 × 3 = 12 points): Rmax in {0.5, 1}; R0 in {0, 0.25}; k in
 * {1, 3, 10}.
 *
 * @example 1 - 1/e ≈ 63% of the gap is closed after one time constant 1/k
 * ```ts
 * import assert from "node:assert/strict";
 * import { rewardSaturation } from "./reward_saturation.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { Rmax: 0.8, R0: 0.2, k: 5 };
 * assert.ok(Math.abs(evaluateLaw(rewardSaturation, { t: 0 }, p) - 0.2) < 1e-15);
 * const r = evaluateLaw(rewardSaturation, { t: 0.2 }, p);
 * assert.ok(Math.abs(r - (0.8 - 0.6 * Math.exp(-1))) < 1e-12);
 * ```
 */
export const rewardSaturation: Law = {
  name: "reward-saturation",
  checked:
    "The abstracts only: v1 describes sigmoid curves, a later version exponential saturation, which this law follows; no equation was seen.",
  formula: "R = Rmax - (Rmax - R0)*exp(-k*t)",
  doc: "Per-run exponential saturation of training reward in normalised training progress t; " +
    "output: reward",
  paper: "Nimmaturi et al. 2025, Predictive Scaling Laws for Efficient GRPO Training of Large " +
    "Reasoning Models, arXiv:2507.18014 (later version; v1 used a sigmoid form)",
  inputs: [{ name: "t", doc: "normalised training progress (e.g. fraction of an epoch)" }],
  params: [
    { name: "Rmax", doc: "plateau reward", grid: [0.5, 1] },
    { name: "R0", doc: "reward at t = 0", grid: [0, 0.25] },
    { name: "k", doc: "saturation rate (per unit of t)", grid: [1, 3, 10], min: 0, scale: "log" },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis },
};
