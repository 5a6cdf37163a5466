/**
 * Test helpers for the downstream laws (private to lib/downstream tests).
 *
 * @module
 */

import assert from "node:assert/strict";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions } from "../fit/types.ts";
import { predictAt } from "../laws/_testing.ts";
import type { Law } from "../laws/types.ts";

/** `n` evenly spaced values from `lo` to `hi`. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Parameter vector of `law` from a record. */
export function paramVector(law: Law, p: Record<string, number>): Float64Array {
  return Float64Array.from(law.params, (s) => p[s.name]);
}

/**
 * Fit `law` by least squares to noise-free values generated from `truth` at `x` (with the
 * law's default starts unless `options.starts` is given) and assert every free parameter is
 * recovered to a relative `rtol`.
 */
export function assertRecovers(
  law: Law,
  x: Float64Array,
  truth: Record<string, number>,
  options: FitOptions = {},
  rtol = 1e-6,
): void {
  const y = predictAt(law, [x], paramVector(law, truth));
  const r = fitSync(law, { inputs: { [law.inputs[0].name]: x }, y }, {
    loss: "squared",
    space: "linear",
    ...options,
  });
  assert.ok(r.converged, `${law.name}: ${r.message}`);
  for (const s of law.params) {
    const got = r.params[s.name].value, want = truth[s.name];
    assert.ok(
      Math.abs(got - want) <= rtol * Math.abs(want),
      `${law.name}: ${s.name} = ${got}, expected ${want}`,
    );
  }
}
