/**
 * Broken neural scaling laws (Caballero et al. 2022): smoothly broken power laws with one or
 * more breaks.
 *
 * @module
 */

import type { Columns, Law, ParamSpec } from "./types.ts";

/** softplus(z) = ln(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Evaluate a BNSL with `breaks` breaks. Parameter layout: a, b, c0, then (c_i, d_i, f_i) for
 * each break. Per break, with lu = ln(x/d_i)/f_i (= ln u_i), the factor is
 * (1 + u_i)^(-c_i f_i) = exp(-c_i f_i softplus(lu)).
 */
function evaluate(
  breaks: number,
  x: Columns,
  p: Float64Array,
  out: Float64Array,
  jac: Float64Array | null,
): void {
  const xs = x[0];
  const k = 3 + 3 * breaks;
  const a = p[0], b = p[1], c0 = p[2];
  const lus = new Float64Array(breaks), sps = new Float64Array(breaks);
  for (let i = 0; i < out.length; i++) {
    const logX = Math.log(xs[i]);
    let logShape = -c0 * logX;
    for (let j = 0; j < breaks; j++) {
      const c = p[3 + 3 * j], d = p[4 + 3 * j], f = p[5 + 3 * j];
      const lu = (logX - Math.log(d)) / f;
      const sp = softplus(lu);
      lus[j] = lu;
      sps[j] = sp;
      logShape -= c * f * sp;
    }
    const shape = Math.exp(logShape);
    const t = b * shape;
    out[i] = a + t;
    if (jac === null) continue;
    const r = k * i;
    jac[r] = 1;
    jac[r + 1] = shape;
    jac[r + 2] = t === 0 ? 0 : -t * logX;
    for (let j = 0; j < breaks; j++) {
      const c = p[3 + 3 * j], d = p[4 + 3 * j], f = p[5 + 3 * j];
      const lu = lus[j], sp = sps[j];
      const w = 1 / (1 + Math.exp(-lu)); // u / (1 + u)
      const q = r + 3 + 3 * j;
      if (t === 0) {
        jac[q] = 0;
        jac[q + 1] = 0;
        jac[q + 2] = 0;
        continue;
      }
      jac[q] = -t * f * sp;
      jac[q + 1] = t * c * w / d;
      jac[q + 2] = t * c * (w * lu - sp);
    }
  }
}

function basisFor(breaks: number) {
  return (x: Columns, p: Float64Array, out: Float64Array[]): void => {
    const xs = x[0];
    const c0 = p[2];
    const one = out[0], shape = out[1];
    for (let i = 0; i < one.length; i++) {
      const logX = Math.log(xs[i]);
      let logShape = -c0 * logX;
      for (let j = 0; j < breaks; j++) {
        const c = p[3 + 3 * j], d = p[4 + 3 * j], f = p[5 + 3 * j];
        logShape -= c * f * softplus((logX - Math.log(d)) / f);
      }
      one[i] = 1;
      shape[i] = Math.exp(logShape);
    }
  };
}

function bnslParams(breaks: number): ParamSpec[] {
  const params: ParamSpec[] = [
    { name: "a", doc: "limit of y as x grows (when the last slope is positive)", grid: [0, 0.5] },
    {
      name: "b",
      doc: "amplitude; start grid log b in {0, 2, 5}",
      grid: [0, 2, 5].map(Math.exp),
      scale: "log",
    },
    { name: "c0", doc: "slope (exponent) of the first segment", grid: [0, 0.25, 0.5] },
  ];
  for (let j = 1; j <= breaks; j++) {
    params.push(
      {
        name: `c${j}`,
        doc: `change of slope at break ${j}: the exponent after it is c0 + ... + c${j}`,
        grid: [0.25, 1, 4],
      },
      {
        name: `d${j}`,
        doc: `location of break ${j} (units of x); start grid log d${j} in {2, 6, 10, 14, 18}`,
        grid: [2, 6, 10, 14, 18].map(Math.exp),
        min: 0,
        scale: "log",
      },
      {
        name: `f${j}`,
        doc: `sharpness of break ${j} (smaller is sharper)`,
        grid: [0.05, 0.3, 1],
        min: 0,
        scale: "log",
      },
    );
  }
  return params;
}

function formulaFor(breaks: number): string {
  const factors = Array.from(
    { length: breaks },
    (_, i) => `(1 + (x/d${i + 1})^(1/f${i + 1}))^(-c${i + 1}*f${i + 1})`,
  );
  return `y = a + b*x^-c0 * ${factors.join(" * ")}`;
}

/**
 * Build a broken neural scaling law (BNSL) with `breaks` breaks (Caballero et al. 2022,
 * "Broken Neural Scaling Laws", arXiv:2210.14891, Eq. 1 by third-party copies; form as in the
 * authors' code, github.com/ethancaballero/broken_neural_scaling_laws):
 *
 *     y = a + b · x^-c0 · Π_{i=1..n} (1 + (x / d_i)^(1/f_i))^(-c_i · f_i)
 *
 * A smoothly broken power law: on log-log axes y - a is a sequence of n + 1 straight segments
 * of slopes -c0, -(c0 + c1), ..., joined at x ≈ d_i with sharpness f_i (f → 0 gives a sharp
 * corner). Breaks can model emergence, double descent (negative c_i) and saturation.
 *
 * Input: `x` the scale variable (parameters, tokens, compute, steps; positive). Output: the
 * metric (loss, error; must be positive for log-space residuals).
 *
 * Parameters, in this order: `a`, `b`, `c0`, then `c1`, `d1`, `f1`, `c2`, `d2`, `f2`, ...
 * `b`, `d_i`, `f_i` are positive and optimised in log space (lower bound 0); `a`, `c0`, `c_i`
 * are unbounded. Linear in a and b with basis (1, x^-c0 · Π ...) (`linearStructure`).
 *
 * Default start grid: a in {0, 0.5}; log b in {0, 2, 5}; c0 in {0, 0.25, 0.5}; per break
 * c_i in {0.25, 1, 4}, log d_i in {2, 6, 10, 14, 18}, f_i in {0.05, 0.3, 1} (1 break: 810
 * points; 2 breaks: 36 450). The break locations d_i are in units of x, so pass a d grid that
 * spans your x range (`params: { d1: { grid: [...] } }`): the default one covers x from
 * about 10 to 1e8.
 *
 * Checked against the paper: Eq. 1 was not reached in the paper's own text; two stored copies
 * (the ICLR 2023 text and an extraction of arXiv v17) showed only the abstract and the
 * introduction. The form matches the authors' code (the Figure 1 script and the
 * 4-digit-addition fitting script of the repository above), including the signs (the exponent
 * -c_i·f_i, and (x/d_i)^(1/f_i) inside), the parameter order and the slopes after each break;
 * several third-party renderings of Eq. 1 agree with it. The authors' Figure 1 script uses a
 * negative change of slope (c2 = -0.811). Their code does not constrain b to be positive; ours
 * does (`scale: "log"`), which is harmless when y > a.
 *
 * @param breaks Number of breaks, an integer ≥ 1.
 * @returns The law, named `"bnsl"` for one break and `"bnsl-<n>"` otherwise.
 * @throws {RangeError} When `breaks` is not an integer ≥ 1.
 *
 * @example Three breaks
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokenPowerLaw } from "./bnsl.ts";
 * const law = brokenPowerLaw(3);
 * assert.equal(law.name, "bnsl-3");
 * assert.equal(law.params.length, 12);
 * assert.throws(() => brokenPowerLaw(0), RangeError);
 * ```
 */
export function brokenPowerLaw(breaks: number): Law {
  if (!Number.isInteger(breaks) || breaks < 1) {
    throw new RangeError(
      `Cannot build a broken power law: breaks is ${breaks}; expected an integer of at least 1`,
    );
  }
  return {
    name: breaks === 1 ? "bnsl" : `bnsl-${breaks}`,
    checked: "The authors' code (ethancaballero/broken_neural_scaling_laws): same form, signs " +
      "and parameter order; the paper's Eq. 1 was not reached.",
    formula: formulaFor(breaks),
    doc: `Smoothly broken power law with ${breaks} break${breaks === 1 ? "" : "s"} in one ` +
      "input x; output: metric",
    paper: "Caballero et al. 2022, Broken Neural Scaling Laws, arXiv:2210.14891",
    inputs: [{ name: "x", doc: "scale variable: parameters, tokens, compute or steps" }],
    params: bnslParams(breaks),
    predict(x, p, out) {
      evaluate(breaks, x, p, out, null);
    },
    jacobian(x, p, out, jac) {
      evaluate(breaks, x, p, out, jac);
    },
    linearStructure: { linear: [0, 1], basis: basisFor(breaks) },
  };
}

/**
 * BNSL with one break (registry name `"bnsl"`): y = a + b·x^-c0·(1 + (x/d1)^(1/f1))^(-c1·f1).
 * Parameters `a`, `b`, `c0`, `c1`, `d1`, `f1`; see {@link brokenPowerLaw}.
 *
 * @example The authors' 4-digit-addition ground truth (noiseless simulation script)
 * ```ts
 * import assert from "node:assert/strict";
 * import { bnsl } from "./bnsl.ts";
 * import { evaluateLaw } from "./types.ts";
 * const p = {
 *   a: 0.41388453071629455, b: 2.2772722897737556, c0: 0.055077348404973955,
 *   c1: 5.662903816010331, d1: 612.5836172918001, f1: 0.059193036393742314,
 * };
 * const y = (x: number) => evaluateLaw(bnsl, { x }, p);
 * const direct = (x: number) =>
 *   p.a + p.b * x ** -p.c0 * (1 + (x / p.d1) ** (1 / p.f1)) ** (-p.c1 * p.f1);
 * for (const x of [1, 100, 612, 1000, 4095]) assert.ok(Math.abs(y(x) - direct(x)) < 1e-12);
 * ```
 */
export const bnsl: Law = brokenPowerLaw(1);

/**
 * BNSL with two breaks (registry name `"bnsl-2"`): parameters `a`, `b`, `c0`, `c1`, `d1`,
 * `f1`, `c2`, `d2`, `f2`; see {@link brokenPowerLaw}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bnsl2 } from "./bnsl.ts";
 * assert.deepEqual(bnsl2.params.map((s) => s.name), [
 *   "a", "b", "c0", "c1", "d1", "f1", "c2", "d2", "f2",
 * ]);
 * ```
 */
export const bnsl2: Law = brokenPowerLaw(2);
