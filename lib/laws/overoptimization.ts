/**
 * Reward-model overoptimization laws (Gao et al. 2022): the gold reward as a function of the
 * square root of the KL divergence from the initial policy.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

/** d · ln d with its limit 0 at d = 0. */
function dLogD(d: number): number {
  return d === 0 ? 0 : d * Math.log(d);
}

function evaluateRl(
  x: Columns,
  p: Float64Array,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const ds = x[0];
  const alpha = p[0], beta = p[1];
  for (let i = 0; i < out.length; i++) {
    const d = ds[i], dl = dLogD(d);
    out[i] = alpha * d - beta * dl;
    if (jac === null) continue;
    jac[2 * i] = d;
    jac[2 * i + 1] = -dl;
  }
}

function basisRl(x: Columns, _p: Float64Array, out: Float64Array[]): void {
  const ds = x[0];
  for (let i = 0; i < ds.length; i++) {
    out[0][i] = ds[i];
    out[1][i] = -dLogD(ds[i]);
  }
}

function evaluateBon(
  x: Columns,
  p: Float64Array,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const ds = x[0];
  const alpha = p[0], beta = p[1];
  for (let i = 0; i < out.length; i++) {
    const d = ds[i];
    out[i] = d * (alpha - beta * d);
    if (jac === null) continue;
    jac[2 * i] = d;
    jac[2 * i + 1] = -d * d;
  }
}

function basisBon(x: Columns, _p: Float64Array, out: Float64Array[]): void {
  const ds = x[0];
  for (let i = 0; i < ds.length; i++) {
    out[0][i] = ds[i];
    out[1][i] = -ds[i] * ds[i];
  }
}

const PAPER =
  "Gao et al. 2022, Scaling Laws for Reward Model Overoptimization, arXiv:2210.10760; " +
  "Rafailov et al. 2024, Scaling Laws for Reward Model Overoptimization in Direct Alignment " +
  "Algorithms, arXiv:2406.02900";

const INPUT_DOC = "square root of KL(policy || initial policy) (nats^(1/2))";

/**
 * Gold-reward law for RL against a proxy reward model (Gao et al. 2022, "Scaling Laws for
 * Reward Model Overoptimization", arXiv:2210.10760; applied to direct alignment algorithms by
 * Rafailov et al. 2024, arXiv:2406.02900):
 *
 *     R(d) = d · (alpha - beta · ln d),   d = sqrt(KL(pi || pi_init))
 *
 * The gold reward first rises with optimisation then falls: it peaks at
 * d* = exp(alpha/beta - 1). R(0) = 0 (the limit of d ln d). Gao et al. note that the form
 * likely does not hold near the origin, where its slope is infinite.
 *
 * Input: `d` square root of the KL divergence of the policy from the initial policy (KL in
 * nats). Output: gold reward relative to the initial policy (reward-model units; zero at d = 0;
 * Gao et al. shift each reward model so the initial policy scores 0 and scale the gold scores
 * to unit variance). ln is the natural logarithm: the paper writes "log" without a base, and
 * natural log is our inference from the KL being in nats (the base only rescales beta).
 *
 * Parameters, in this order: `alpha`, `beta` (unbounded). Gao et al. hold alpha_RL constant
 * across proxy reward-model sizes (they find it nearly independent of the reward model's
 * parameter count), while beta_RL changes smoothly, roughly logarithmically, with it. The law
 * is linear in both (basis d, -d ln d). Rewards are relative, so they can be negative: fit with
 * residuals in linear space (`space: "linear"`).
 *
 * Checked against the paper: Gao et al.'s English text from §1 to the references was read
 * (through a bilingual copy; appendices B and C were not seen). Both forms, which belongs to RL
 * and which to best-of-n, d = sqrt(KL(π ‖ π_init)) and R(0) = 0 are stated in §1. The paper
 * prints no numeric alpha or beta; they appear only in plots against reward-model size
 * (Fig. 3). Rafailov et al.'s scaling-law section was not reached: that they use this RL form,
 * with GPT-4 win rates in place of gold rewards, comes from third-party notes, and whether
 * their fit keeps R(0) = 0 (a win rate at d = 0 is not 0) was not verified.
 *
 * Default start grid (3 × 3 = 9 points; the law is linear, so any start reaches the optimum):
 * alpha in {0, 0.5, 1}; beta in {0, 0.1, 0.5}.
 *
 * @example Peak of the RL curve
 * ```ts
 * import assert from "node:assert/strict";
 * import { overoptimization } from "./overoptimization.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = { alpha: 1, beta: 0.4 };
 * const r = (d: number) => evaluateLaw(overoptimization, { d }, p);
 * const peak = Math.exp(1 / 0.4 - 1);
 * assert.equal(r(0), 0);
 * assert.ok(r(peak) > r(peak * 0.99) && r(peak) > r(peak * 1.01));
 * ```
 */
export const overoptimization: Law = {
  name: "overoptimization",
  checked: "Gao et al.'s text (the RL form); Rafailov et al.'s section was not reached.",
  formula: "R = d*(alpha - beta*ln(d))",
  doc: "Gold reward under RL against a proxy reward model, in d = sqrt(KL); output: reward " +
    "relative to the initial policy",
  paper: PAPER,
  inputs: [{ name: "d", doc: INPUT_DOC }],
  params: [
    { name: "alpha", doc: "initial slope of the gold reward in d", grid: [0, 0.5, 1] },
    { name: "beta", doc: "overoptimization coefficient (of d ln d)", grid: [0, 0.1, 0.5] },
  ],
  predict(x, p, out) {
    evaluateRl(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluateRl(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis: basisRl },
};

/**
 * Gold-reward law for best-of-n sampling against a proxy reward model (Gao et al. 2022,
 * arXiv:2210.10760):
 *
 *     R(d) = d · (alpha - beta · d),   d = sqrt(KL(pi || pi_init))
 *
 * For best-of-n the paper computes the KL analytically as ln n - (n - 1)/n (citing Stiennon et
 * al.). The gold reward peaks at d* = alpha/(2 beta), with value alpha²/(4 beta).
 *
 * Input and output as in {@link overoptimization}. Parameters, in this order: `alpha`,
 * `beta` (unbounded; Gao et al. find both change smoothly, roughly logarithmically, with the
 * proxy reward model's parameter count); linear in both (basis d, -d²). Fit with residuals in
 * linear space. What was checked against the paper: see {@link overoptimization}.
 *
 * Default start grid (3 × 3 = 9 points): alpha in {0, 0.5, 1}; beta in {0, 0.1, 0.5}.
 *
 * @example Peak of the best-of-n curve
 * ```ts
 * import assert from "node:assert/strict";
 * import { overoptimizationBon } from "./overoptimization.ts";
 * import { evaluateLaw } from "./types.ts";
 * const r = (d: number) => evaluateLaw(overoptimizationBon, { d }, { alpha: 1, beta: 0.25 });
 * assert.equal(r(2), 1); // peak at d = alpha / (2 beta) = 2, value alpha² / (4 beta)
 * assert.ok(r(1.9) < 1 && r(2.1) < 1);
 * ```
 */
export const overoptimizationBon: Law = {
  name: "overoptimization-bon",
  checked: "Gao et al.'s text (the best-of-n form).",
  formula: "R = d*(alpha - beta*d)",
  doc: "Gold reward under best-of-n sampling against a proxy reward model, in d = sqrt(KL); " +
    "output: reward relative to the initial policy",
  paper: "Gao et al. 2022, Scaling Laws for Reward Model Overoptimization, arXiv:2210.10760",
  inputs: [{ name: "d", doc: INPUT_DOC }],
  params: [
    { name: "alpha", doc: "initial slope of the gold reward in d", grid: [0, 0.5, 1] },
    { name: "beta", doc: "overoptimization coefficient (of d²)", grid: [0, 0.1, 0.5] },
  ],
  predict(x, p, out) {
    evaluateBon(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluateBon(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1], basis: basisBon },
};
