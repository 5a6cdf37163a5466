/**
 * Brandfonbrener et al.'s loss-to-loss law: a shifted power law between two losses.
 *
 * @module
 */

import type { Columns, Law } from "../laws/types.ts";

function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const lx = x[0];
  const K = p[0], ex = p[1], kappa = p[2], ey = p[3];
  for (let i = 0; i < out.length; i++) {
    const t = lx[i] - ex;
    const pw = Math.pow(t, kappa);
    const term = K * pw;
    out[i] = term + ey;
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = pw;
    jac[r + 1] = -kappa * K * Math.pow(t, kappa - 1);
    jac[r + 2] = term === 0 ? 0 : term * Math.log(t);
    jac[r + 3] = 1;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const lx = x[0];
  const ex = p[1], kappa = p[2];
  const pw = out[0], one = out[1];
  for (let i = 0; i < pw.length; i++) {
    pw[i] = Math.pow(lx[i] - ex, kappa);
    one[i] = 1;
  }
}

/**
 * Loss-to-loss law of Brandfonbrener et al. 2024 ("Loss-to-Loss Prediction: Scaling Laws for
 * All Datasets", arXiv:2411.12925):
 *
 *     L_y = K · (L_x - E_x)^kappa + E_y
 *
 * Input `Lx`: the loss on one distribution (train or validation, nats per token); output: the
 * loss `L_y` on another distribution (or a 0/1 error) of the same models. Parameters, in this
 * order: `K` (>= 0), `E_x` (irreducible loss of x, >= 0; must stay below every Lx, otherwise the
 * prediction is NaN), `kappa` (>= 0), `E_y` (irreducible loss of y, >= 0). The paper takes
 * E_x and E_y from each dataset's own Chinchilla fit: fix them with
 * `{ params: { E_x: { fixed: ... }, E_y: { fixed: ... } } }`.
 *
 * Default start grid (3 × 4 × 3 × 4 = 144 points): K in {0.5, 1, 2}, E_x in {0, 0.5, 1, 1.5},
 * kappa in {0.5, 1, 1.5}, E_y in {0, 0.5, 1, 1.5}. Linear in K and E_y with basis
 * ((Lx − E_x)^kappa, 1).
 *
 * @example With kappa = 1 the law is a line
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossToLoss } from "./loss_to_loss.ts";
 * import { evaluateLaw } from "../laws/types.ts";
 * const p = { K: 1.2, E_x: 1.7, kappa: 1, E_y: 1.9 };
 * assert.ok(Math.abs(evaluateLaw(lossToLoss, { Lx: 2.7 }, p) - 3.1) < 1e-12);
 * ```
 */
export const lossToLoss: Law = {
  name: "loss-to-loss",
  formula: "L_y = K*(Lx - E_x)^kappa + E_y",
  doc: "Shifted power law from a loss Lx to another loss L_y of the same models",
  paper: "Brandfonbrener et al. 2024, Loss-to-Loss Prediction: Scaling Laws for All Datasets, " +
    "arXiv:2411.12925",
  inputs: [{ name: "Lx", doc: "loss on the source distribution (nats per token)" }],
  params: [
    { name: "K", doc: "scale, >= 0", grid: [0.5, 1, 2], min: 0 },
    {
      name: "E_x",
      doc: "irreducible loss of x (nats per token), >= 0",
      grid: [0, 0.5, 1, 1.5],
      min: 0,
    },
    { name: "kappa", doc: "exponent, >= 0", grid: [0.5, 1, 1.5], min: 0 },
    {
      name: "E_y",
      doc: "irreducible loss of y (nats per token), >= 0",
      grid: [0, 0.5, 1, 1.5],
      min: 0,
    },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 3], basis },
};
