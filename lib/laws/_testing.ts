/**
 * Test helpers for laws (private to lib/laws tests): finite-difference Jacobian checks.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Columns, Law } from "./types.ts";

/** Evaluate `law` at one parameter vector, returning a fresh array. */
export function predictAt(law: Law, x: Columns, p: Float64Array): Float64Array {
  const out = new Float64Array(x[0].length);
  law.predict(x, p, out);
  return out;
}

/**
 * Central finite differences with one Richardson step (error O(h^4)), step h = 1e-3·|p_j|
 * (or 1e-3 when p_j = 0).
 */
export function finiteDifferenceJacobian(law: Law, x: Columns, p: Float64Array): Float64Array {
  const n = x[0].length, k = p.length;
  const jac = new Float64Array(n * k);
  const q = Float64Array.from(p);
  const diff = (j: number, h: number): Float64Array => {
    q[j] = p[j] + h;
    const plus = predictAt(law, x, q);
    q[j] = p[j] - h;
    const minus = predictAt(law, x, q);
    q[j] = p[j];
    return plus.map((v, i) => (v - minus[i]) / (2 * h));
  };
  for (let j = 0; j < k; j++) {
    const h = 1e-3 * (p[j] === 0 ? 1 : Math.abs(p[j]));
    const d1 = diff(j, h), d2 = diff(j, h / 2);
    for (let i = 0; i < n; i++) jac[i * k + j] = (4 * d2[i] - d1[i]) / 3;
  }
  return jac;
}

/**
 * Assert that `law.jacobian` matches finite differences to a relative `rtol` (relative to the
 * larger of the entry and 1e-6 times the largest entry of its row, so tiny entries next to
 * large ones are compared on the row's scale), and that its `out` equals `predict`.
 */
export function assertJacobian(law: Law, x: Columns, p: Float64Array, rtol = 1e-6): void {
  const n = x[0].length, k = p.length;
  const out = new Float64Array(n);
  const jac = new Float64Array(n * k);
  law.jacobian(x, p, out, jac);
  const predicted = predictAt(law, x, p);
  for (let i = 0; i < n; i++) assert.equal(out[i], predicted[i], `out[${i}] differs from predict`);
  const fd = finiteDifferenceJacobian(law, x, p);
  for (let i = 0; i < n; i++) {
    let rowMax = 0;
    for (let j = 0; j < k; j++) rowMax = Math.max(rowMax, Math.abs(fd[i * k + j]));
    for (let j = 0; j < k; j++) {
      const a = jac[i * k + j], b = fd[i * k + j];
      const scale = Math.max(Math.abs(a), Math.abs(b), 1e-6 * rowMax);
      assert.ok(
        Math.abs(a - b) <= rtol * scale,
        `${law.name}: d/d${law.params[j].name} at point ${i}: analytic ${a}, numeric ${b}`,
      );
    }
  }
}

/** Log-uniform random number in [lo, hi]. */
export function logUniform(next: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo)));
}

/** `n` points per input, each log-uniform in its range. */
export function logUniformColumns(
  next: () => number,
  ranges: [number, number][],
  n: number,
): Float64Array[] {
  return ranges.map(([lo, hi]) => Float64Array.from({ length: n }, () => logUniform(next, lo, hi)));
}

/**
 * Assert that `law.linearStructure` reproduces `predict`: Σ_j p[linear[j]]·basis_j = f.
 */
export function assertLinearStructure(law: Law, x: Columns, p: Float64Array): void {
  const ls = law.linearStructure;
  assert.ok(ls, `${law.name} has no linearStructure`);
  const n = x[0].length;
  const out = ls.linear.map(() => new Float64Array(n));
  ls.basis(x, p, out);
  const y = predictAt(law, x, p);
  for (let i = 0; i < n; i++) {
    const sum = ls.linear.reduce((acc, j, b) => acc + p[j] * out[b][i], 0);
    assert.ok(Math.abs(sum - y[i]) <= 1e-13 * Math.abs(y[i]), `${law.name} basis at point ${i}`);
  }
}
