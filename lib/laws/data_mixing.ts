/**
 * The data mixing law of Ye et al. (2024): loss on one validation domain as an exponential
 * function of the training mixture proportions.
 *
 * @module
 */

import type { Columns, InputSpec, Law, ParamSpec } from "./types.ts";

const PAPER = "Ye et al. 2024, Data Mixing Laws: Optimizing Data Mixtures by Predicting " +
  "Language Modeling Performance, arXiv:2403.16952";

/** Largest number of domains {@link dataMixingLaw} accepts. */
export const MAX_DOMAINS = 64;

/** Start grid of each t_j: smaller for more domains so the cartesian grid stays small. */
function interactionGrid(m: number): number[] {
  // With one or two domains the grid can afford to be wide. The code-mixture fits of
  // pipelines/literature.ts end at t = -4.3 and -2.9, outside {-2, 0, 2}: that grid reached
  // the same optima, but each fit then warned that its optimum lay past the grid's edge.
  if (m <= 2) return [-8, -4, -2, 0, 2];
  if (m <= 4) return [-2, 0, 2];
  if (m <= 8) return [-1, 1];
  return [0];
}

/**
 * The data mixing law for one target domain and `m` training domains (Ye et al. 2024, "Data
 * Mixing Laws: Optimizing Data Mixtures by Predicting Language Modeling Performance",
 * arXiv:2403.16952):
 *
 *     L(r1, ..., rM) = c + k · exp(t1·r1 + ... + tM·rM)
 *
 * Inputs: `r1` … `rM`, the proportions of training domains 1 … M in the mixture (fractions in
 * [0, 1], usually summing to 1); output: validation loss on the target domain (loss units; no
 * source seen states the unit, nats per token is our assumption). The law describes mixtures
 * at one model size and one number of training steps. Fit one law per target domain.
 *
 * Aggregating over validation domains. Explicit aggregation, when the validation set's
 * composition is known, is the weighted sum L = Σ_i s_i·L_i of the per-domain laws, with s_i
 * the validation set's share of domain i. Implicit aggregation, when that composition is
 * unknown, writes the total loss as the same kind of sum over K hidden domains, each term with
 * its own c, k and t_j, and learns the weights s_1 … s_K (non-negative, summing to 1) jointly
 * with those terms on the total loss; K is a hyperparameter (30 in the authors' pipeline). This
 * law is one term of either sum; it does not fit the aggregate itself.
 *
 * Parameters, in this order: `c` (loss not affected by the mixture, `scale: "log"`), `k`
 * (amplitude, `scale: "log"`), then `t1` … `tM` (interaction coefficients: t_j < 0 when domain
 * j helps the target domain, unbounded). The law is linear in c and k with basis
 * (1, exp(Σ t_j r_j)), exposed as `linearStructure`.
 *
 * Identifiability (our own derivation, not from the paper): when every mixture sums to 1,
 * k · exp(Σ t_j r_j) = exp(Σ (t_j + log k) r_j), so k and the t_j are not separately
 * identifiable. Fix `k` to 1 in that case (`--fix k=1`): nothing is lost, the t_j then absorb
 * log k. The authors' code instead keeps log k free and relies on several starting points.
 *
 * Two domains: the per-domain form L_i = c_i + k_i · exp(t_ii · r_i), with r_i the target
 * domain's own share, is this law with m = 1 (input r1 = that share; k stays free, since one
 * share does not sum to 1). It is what the authors' released code fits in its two-domain
 * experiment, regressing each domain's loss on that domain's own share. It is also the
 * general law with M = 2 shares summing to 1, by algebra: with r_j = 1 - r_i,
 * exp(t_ii·r_i + t_ij·r_j) = e^(t_ij)·exp((t_ii - t_ij)·r_i), so k absorbs e^(t_ij). It is the
 * form fitted on real data in pipelines/literature.ts.
 *
 * Checked against the paper: the paper's body was not reached in any version (arXiv v1 of
 * March 2024, v2 of March 2025, or the ICLR 2025 copy); only its abstract was read, so no
 * equation number is cited here. The multi-domain form matches the one quoted by two
 * third-party summaries and the authors' released code (github.com/yegcjs/mixinglaws), which
 * also fits c and k through their logarithms and leaves the t_j unbounded. The two-domain form
 * matches that code. The two kinds of aggregation come from a third-party summary and the same
 * code. No fitted constants from the paper were seen.
 *
 * Default start grid: log c in {-1, 0, 1}; log k in {-2, 0, 2}; each t_j in
 * {-8, -4, -2, 0, 2} (M ≤ 2), {-2, 0, 2} (M ≤ 4), {-1, 1} (M ≤ 8) or {0} (M > 8).
 *
 * @param m Number of training domains (inputs r1 … rm), an integer in [1, {@link MAX_DOMAINS}].
 * @returns The law, named `"data-mixing"`.
 * @throws {RangeError} When `m` is not an integer in range.
 *
 * @example Three domains
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataMixingLaw } from "./data_mixing.ts";
 * import { evaluateLaw } from "./types.ts";
 * const law = dataMixingLaw(3);
 * assert.deepEqual(law.inputs.map((s) => s.name), ["r1", "r2", "r3"]);
 * const loss = evaluateLaw(law, { r1: 0.5, r2: 0.3, r3: 0.2 }, {
 *   c: 1.5, k: 1, t1: -1, t2: 0.5, t3: -0.2,
 * });
 * assert.ok(Math.abs(loss - (1.5 + Math.exp(-0.5 + 0.15 - 0.04))) < 1e-12);
 * ```
 */
export function dataMixingLaw(m: number): Law {
  if (!Number.isInteger(m) || m < 1 || m > MAX_DOMAINS) {
    throw new RangeError(
      `Cannot build the data-mixing law: the number of domains is ${m}; expected an integer ` +
        `from 1 to ${MAX_DOMAINS}`,
    );
  }
  const inputs: InputSpec[] = Array.from({ length: m }, (_, j) => ({
    name: `r${j + 1}`,
    doc: `proportion of training domain ${j + 1} in the mixture (fraction in [0, 1])`,
  }));
  const tGrid = interactionGrid(m);
  const params: ParamSpec[] = [
    {
      name: "c",
      doc: "loss not affected by the mixture (loss units); start grid log c in {-1, 0, 1}",
      grid: [-1, 0, 1].map(Math.exp),
      scale: "log",
    },
    {
      name: "k",
      doc: "amplitude of the mixture-dependent term; start grid log k in {-2, 0, 2} " +
        "(fix to 1 when the proportions sum to 1)",
      grid: [-2, 0, 2].map(Math.exp),
      scale: "log",
    },
    ...inputs.map((_s, j): ParamSpec => ({
      name: `t${j + 1}`,
      doc: `interaction coefficient of training domain ${j + 1} (< 0: the domain helps)`,
      grid: tGrid.slice(),
    })),
  ];
  const k = m + 2;
  const exponent = (x: Columns, p: Float64Array, i: number): number => {
    let z = 0;
    for (let j = 0; j < m; j++) z += p[j + 2] * x[j][i];
    return z;
  };
  return {
    name: "data-mixing",
    checked:
      "The authors' code (yegcjs/mixinglaws) and third-party quotes of the multi-domain form; the paper's body was not reached.",
    formula: `L = c + k*exp(${inputs.map((s, j) => `t${j + 1}*${s.name}`).join(" + ")})`,
    doc: `Data mixing law: loss on one target domain from the proportions of ${m} training ` +
      "domains; output: loss",
    paper: PAPER,
    inputs,
    params,
    predict(x, p, out) {
      const c = p[0], amp = p[1];
      for (let i = 0; i < out.length; i++) out[i] = c + amp * Math.exp(exponent(x, p, i));
    },
    jacobian(x, p, out, jac) {
      const c = p[0], amp = p[1];
      for (let i = 0, r = 0; i < out.length; i++, r += k) {
        const e = Math.exp(exponent(x, p, i));
        const t = amp * e;
        out[i] = c + t;
        jac[r] = 1;
        jac[r + 1] = e;
        for (let j = 0; j < m; j++) jac[r + 2 + j] = t * x[j][i];
      }
    },
    linearStructure: {
      linear: [0, 1],
      basis(x, p, out) {
        const one = out[0], e = out[1];
        for (let i = 0; i < one.length; i++) {
          one[i] = 1;
          e[i] = Math.exp(exponent(x, p, i));
        }
      },
    },
  };
}

const INPUT_NAME = /^r([1-9][0-9]*)$/;

/**
 * The data-mixing law for the inputs a user mapped (`--x r1=web --x r2=code --x r3=books`):
 * the registry hook. Without `inputs`, the two-domain law.
 *
 * The names must be exactly r1 … rM in any order (each once, none missing); the law's inputs are
 * then r1 … rM in numeric order.
 *
 * @param inputs Mapped input names, or undefined for the default M = 2.
 * @returns `dataMixingLaw(M)`.
 * @throws {RangeError} When a name is not of the form rJ, is repeated, or one is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataMixingLawFor } from "./data_mixing.ts";
 * assert.equal(dataMixingLawFor(["r2", "r1", "r3"]).inputs.length, 3);
 * assert.equal(dataMixingLawFor(undefined).inputs.length, 2);
 * assert.throws(() => dataMixingLawFor(["r1", "r3"]), /r2 is missing/);
 * ```
 */
export function dataMixingLawFor(inputs: readonly string[] | undefined): Law {
  if (inputs === undefined) return dataMixingLaw(2);
  const seen = new Set<number>();
  for (const name of inputs) {
    const match = INPUT_NAME.exec(name);
    if (!match) {
      throw new RangeError(
        `Cannot build the data-mixing law: input ${JSON.stringify(name)} is not a domain ` +
          `proportion; expected names r1, r2, ..., rM`,
      );
    }
    const j = Number(match[1]);
    if (seen.has(j)) {
      throw new RangeError(
        `Cannot build the data-mixing law: input ${JSON.stringify(name)} is given twice; ` +
          `expected each of r1, ..., rM once`,
      );
    }
    seen.add(j);
  }
  const largest = Math.max(...seen);
  for (let j = 1; j <= largest; j++) {
    if (!seen.has(j)) {
      throw new RangeError(
        `Cannot build the data-mixing law: r${j} is missing among ${inputs.join(", ")}; ` +
          `expected r1, ..., r${largest} with no gaps`,
      );
    }
  }
  return dataMixingLaw(seen.size);
}

/** The registered default: two training domains (inputs r1, r2). */
export const dataMixing: Law = dataMixingLaw(2);
