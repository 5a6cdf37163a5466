/**
 * The Chinchilla parametric loss law and its tied-exponent variant.
 *
 * @module
 */

import type { Columns, Law, ParamSpec } from "./types.ts";
import { logColumn } from "./_log_cache.ts";

/** Hoffmann's start grid for the exponents alpha and beta. */
const EXPONENT_GRID = [0, 0.5, 1, 1.5, 2];
/** Hoffmann's start grid for e = log E. */
const LOG_E_GRID = [-1, -0.5, 0, 0.5, 1];
/** Hoffmann's start grid for a = log A and b = log B. */
const LOG_AMPLITUDE_GRID = [0, 5, 10, 15, 20, 25];

const PAPER =
  "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556; " +
  "grid and Huber fit as replicated by Besiroglu et al. 2024, arXiv:2404.10102";

const INPUTS = [
  { name: "N", doc: "model parameters (count)" },
  { name: "D", doc: "training tokens (count)" },
] as const;

function chinchillaParams(): ParamSpec[] {
  return [
    {
      name: "E",
      doc: "irreducible loss (loss units); start grid log E in {-1, -0.5, 0, 0.5, 1}",
      grid: LOG_E_GRID.map(Math.exp),
      scale: "log",
    },
    {
      name: "A",
      doc: "parameter-term amplitude; start grid log A in {0, 5, ..., 25}",
      grid: LOG_AMPLITUDE_GRID.map(Math.exp),
      scale: "log",
    },
    {
      name: "B",
      doc: "data-term amplitude; start grid log B in {0, 5, ..., 25}",
      grid: LOG_AMPLITUDE_GRID.map(Math.exp),
      scale: "log",
    },
    {
      name: "alpha",
      doc: "exponent of N (unbounded by default, as in Epoch's replication)",
      grid: EXPONENT_GRID.slice(),
    },
    {
      name: "beta",
      doc: "exponent of D (unbounded by default, as in Epoch's replication)",
      grid: EXPONENT_GRID.slice(),
    },
  ];
}

function predict(x: Columns, p: Float64Array, out: Float64Array): void {
  const n = x[0], d = x[1];
  const e = p[0], a = p[1], b = p[2], alpha = p[3], beta = p[4];
  const ln = logColumn(n), ld = logColumn(d);
  for (let i = 0; i < out.length; i++) {
    out[i] = e + a * Math.exp(-alpha * ln[i]) + b * Math.exp(-beta * ld[i]);
  }
}

function jacobian(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array): void {
  const n = x[0], d = x[1];
  const e = p[0], a = p[1], b = p[2], alpha = p[3], beta = p[4];
  const ln = logColumn(n), ld = logColumn(d);
  for (let i = 0, r = 0; i < out.length; i++, r += 5) {
    const lni = ln[i], ldi = ld[i];
    const pn = Math.exp(-alpha * lni), pd = Math.exp(-beta * ldi);
    const tn = a * pn, td = b * pd;
    out[i] = e + tn + td;
    jac[r] = 1;
    jac[r + 1] = pn;
    jac[r + 2] = pd;
    jac[r + 3] = tn === 0 ? 0 : -tn * lni;
    jac[r + 4] = td === 0 ? 0 : -td * ldi;
  }
}

function basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
  const n = x[0], d = x[1];
  const alpha = p[3], beta = p[4];
  const one = out[0], bn = out[1], bd = out[2];
  for (let i = 0; i < one.length; i++) {
    one[i] = 1;
    bn[i] = Math.pow(n[i], -alpha);
    bd[i] = Math.pow(d[i], -beta);
  }
}

/**
 * Chinchilla law (Hoffmann et al. 2022, arXiv:2203.15556, "Approach 3"):
 *
 *     L(N, D) = E + A / N^alpha + B / D^beta
 *
 * Inputs: `N` model parameters (count), `D` training tokens (count); output: loss (nats per
 * token, or whatever loss the data holds).
 *
 * Parameters, in this order: `E` (irreducible loss), `A`, `B` (amplitudes), `alpha`, `beta`
 * (exponents). `E`, `A`, `B` have `scale: "log"`, so optimisers work on e = log E, a = log A,
 * b = log B, i.e. the log-sum-exp parametrisation log L = LSE(a - alpha log N, b - beta log D, e)
 * used by Hoffmann et al. and Epoch's replication (Besiroglu et al. 2024, arXiv:2404.10102).
 * No bounds by default (Epoch used none).
 *
 * Default start grid (Hoffmann's, 5 × 6 × 6 × 5 × 5 = 4500 points): alpha, beta in
 * {0, 0.5, 1, 1.5, 2}; log E in {-1, -0.5, 0, 0.5, 1}; log A, log B in {0, 5, 10, 15, 20, 25}
 * (stored in natural space, so the grid of E is exp of those values).
 *
 * The law is linear in E, A, B with basis (1, N^-alpha, D^-beta), which `linearStructure`
 * exposes for variable projection.
 *
 * @example Hoffmann's published fit at the Chinchilla model (70B parameters, 1.4T tokens)
 * ```ts
 * import assert from "node:assert/strict";
 * import { chinchilla } from "./chinchilla.ts";
 * import { evaluateLaw } from "./types.ts";
 * const loss = evaluateLaw(chinchilla, { N: 70e9, D: 1.4e12 }, {
 *   E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28,
 * });
 * assert.ok(Math.abs(loss - (1.69 + 406.4 / 70e9 ** 0.34 + 410.7 / 1.4e12 ** 0.28)) < 1e-12);
 * assert.equal(chinchilla.params.map((s) => s.grid.length).reduce((a, b) => a * b), 4500);
 * ```
 */
export const chinchilla: Law = {
  name: "chinchilla",
  formula: "L = E + A/N^alpha + B/D^beta",
  doc: "Chinchilla loss law in model parameters N and training tokens D; output: loss",
  paper: PAPER,
  inputs: INPUTS,
  params: chinchillaParams(),
  predict,
  jacobian,
  linearStructure: { linear: [0, 1, 2], basis },
};

/**
 * Chinchilla law with tied exponents, alpha = beta:
 *
 *     L(N, D) = E + A / N^alpha + B / D^alpha
 *
 * Same inputs, parameters (`E`, `A`, `B`, `alpha`, `beta`), functions and grid as
 * {@link chinchilla}, plus `ties: { beta: "alpha" }`: the fitter holds beta equal to alpha, so
 * only E, A, B, alpha are free and reports keep a `beta` entry (tied to alpha) that downstream
 * code such as compute-optimal allocation can read as usual. The beta grid is ignored under the
 * tie, so the free grid has 5 × 6 × 6 × 5 = 900 points. Muennighoff et al. 2023
 * (arXiv:2305.16264) fit this form to C4.
 *
 * @example The tie is declared on the law
 * ```ts
 * import assert from "node:assert/strict";
 * import { chinchillaTied } from "./chinchilla.ts";
 * assert.deepEqual(chinchillaTied.ties, { beta: "alpha" });
 * ```
 */
export const chinchillaTied: Law = {
  ...chinchilla,
  name: "chinchilla-tied",
  formula: "L = E + A/N^alpha + B/D^alpha (beta tied to alpha)",
  doc: "Chinchilla loss law with one exponent for N and D (beta tied to alpha); output: loss",
  params: chinchillaParams(),
  ties: { beta: "alpha" },
};
