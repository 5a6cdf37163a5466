/**
 * The over-training law of Gadre et al. (2024): loss in compute and token multiplier.
 *
 * @module
 */

import type { Columns, Law } from "./types.ts";

const LOG_6 = Math.log(6);

/**
 * Fill `out` and optionally `jac`. With C = 6·N·D = 6·N²·M the two terms are
 * a·M^eta·C^-eta = a·(6N²)^-eta and b·M^-eta·C^-eta = b·(6D²)^-eta, which is how they are
 * computed (no overflow of C, and the eta-derivative is -t1·log(6N²) - t2·log(6D²)).
 */
function evaluate(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array | null): void {
  const ns = x[0], ms = x[1];
  const e = p[0], a = p[1], b = p[2], eta = p[3];
  for (let i = 0; i < out.length; i++) {
    const logN = Math.log(ns[i]);
    const logM = Math.log(ms[i]);
    const log6N2 = LOG_6 + 2 * logN;
    const log6D2 = log6N2 + 2 * logM;
    const c1 = Math.exp(-eta * log6N2), c2 = Math.exp(-eta * log6D2);
    const t1 = a * c1, t2 = b * c2;
    out[i] = e + t1 + t2;
    if (jac === null) continue;
    const r = 4 * i;
    jac[r] = 1;
    jac[r + 1] = c1;
    jac[r + 2] = c2;
    jac[r + 3] = -t1 * log6N2 - t2 * log6D2;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const ns = x[0], ms = x[1];
  const eta = p[3];
  const one = out[0], b1 = out[1], b2 = out[2];
  for (let i = 0; i < one.length; i++) {
    const log6N2 = LOG_6 + 2 * Math.log(ns[i]);
    one[i] = 1;
    b1[i] = Math.exp(-eta * log6N2);
    b2[i] = Math.exp(-eta * (log6N2 + 2 * Math.log(ms[i])));
  }
}

/**
 * Over-training law of Gadre et al. 2024 ("Language models scale reliably with over-training
 * and on downstream tasks", arXiv:2403.08540, eq. 4), written with inputs N and M:
 *
 *     L(N, M) = E + (a·M^eta + b·M^-eta) · C^-eta,   C = 6·N·D = 6·N²·M
 *
 * Inputs: `N` model parameters (count), `M` token multiplier D/N (tokens per parameter);
 * output: loss.
 *
 * Parameters, in this order: `E` (irreducible loss), `a`, `b` (amplitudes), `eta` (compute
 * exponent). `E`, `a`, `b` are optimised in log space; eta has lower bound 0.
 *
 * Relation to `chinchilla-tied`: substituting C = 6N²M gives
 * L = E + a·6^-eta·N^-2eta + b·6^-eta·D^-2eta, i.e. the Chinchilla law with one exponent
 * alpha = beta = 2·eta and A = a·6^-eta, B = b·6^-eta. Only the parametrisation differs (and
 * so the start grid and what "eta" means in reports).
 *
 * Default start grid (Gadre et al.'s code, 4 × 4 × 4 × 2 = 128 points): a, b in
 * {100, 300, 1000, 3000}, eta in {0.05, 0.15} (their exponent b = -2·eta in {-0.1, -0.3}),
 * E in {0.5, 1, 2, 10} (their E = 0 replaced by 0.5 because E is optimised as log E).
 * Linear in E, a, b with basis (1, (6N²)^-eta, (6D²)^-eta).
 *
 * @example Equals chinchilla-tied with alpha = 2 eta, A = a 6^-eta, B = b 6^-eta
 * ```ts
 * import assert from "node:assert/strict";
 * import { overtraining } from "./overtraining.ts";
 * import { evaluateLaw } from "./types.ts";
 * const [N, M, eta, a, b] = [1.4e9, 640, 0.12, 1000, 3000];
 * const loss = evaluateLaw(overtraining, { N, M }, { E: 1.9, a, b, eta });
 * const D = M * N;
 * const chin = 1.9 + a * 6 ** -eta * N ** (-2 * eta) + b * 6 ** -eta * D ** (-2 * eta);
 * assert.ok(Math.abs(loss - chin) < 1e-12);
 * ```
 */
export const overtraining: Law = {
  name: "overtraining",
  formula: "L = E + (a*M^eta + b*M^-eta) * C^-eta, C = 6*N^2*M",
  doc: "Over-training law in model parameters N and token multiplier M = D/N; output: loss",
  paper: "Gadre et al. 2024, Language models scale reliably with over-training and on " +
    "downstream tasks, arXiv:2403.08540",
  inputs: [
    { name: "N", doc: "model parameters (count)" },
    { name: "M", doc: "token multiplier D/N (training tokens per parameter)" },
  ],
  params: [
    {
      name: "E",
      doc: "irreducible loss (loss units); start grid {0.5, 1, 2, 10}",
      grid: [0.5, 1, 2, 10],
      scale: "log",
    },
    {
      name: "a",
      doc: "amplitude of the M^eta term; start grid {100, 300, 1000, 3000}",
      grid: [100, 300, 1000, 3000],
      scale: "log",
    },
    {
      name: "b",
      doc: "amplitude of the M^-eta term; start grid {100, 300, 1000, 3000}",
      grid: [100, 300, 1000, 3000],
      scale: "log",
    },
    { name: "eta", doc: "compute exponent (alpha = beta = 2 eta)", grid: [0.05, 0.15], min: 0 },
  ],
  predict(x, p, out) {
    evaluate(x, p, out, null);
  },
  jacobian(x, p, out, jac) {
    evaluate(x, p, out, jac);
  },
  linearStructure: { linear: [0, 1, 2], basis },
};
