import assert from "node:assert/strict";
import { levenbergMarquardt } from "./lm.ts";
import { fitSync } from "./fit.ts";
import { getLaw } from "../laws/registry.ts";

// NIST StRD nonlinear regression "Misra1a": y = b1 (1 − exp(−b2 x)). Certified values:
// b1 = 2.3894212918E+02 (sd 2.7070075241E+00), b2 = 5.5015643181E-04 (sd 7.2668688436E-06),
// residual sum of squares 1.2455138894E-01 (scipy's curve_fit agrees to all printed digits).
const X = [
  77.6,
  114.9,
  141.1,
  190.8,
  239.9,
  289.0,
  332.8,
  378.4,
  434.8,
  477.3,
  536.8,
  593.1,
  689.1,
  760.0,
];
const Y = [
  10.07,
  14.73,
  17.94,
  23.93,
  29.61,
  35.18,
  40.02,
  44.82,
  50.76,
  55.05,
  61.01,
  66.40,
  75.47,
  81.78,
];
const CERTIFIED = {
  b1: 2.3894212918e+02,
  b2: 5.5015643181e-04,
  sd1: 2.7070075241,
  sd2: 7.2668688436e-06,
  rss: 1.2455138894e-01,
};

function misra(x: Float64Array, r: Float64Array, jac: Float64Array): boolean {
  for (let i = 0; i < X.length; i++) {
    const e = Math.exp(-x[1] * X[i]);
    r[i] = Y[i] - x[0] * (1 - e);
    jac[i * 2] = -(1 - e);
    jac[i * 2 + 1] = -x[0] * X[i] * e;
  }
  return true;
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

Deno.test("levenbergMarquardt() reaches the NIST Misra1a certified values from both NIST starts", () => {
  for (const start of [[500, 1e-4], [250, 5e-4]]) {
    const r = levenbergMarquardt(misra, start, X.length);
    assert.equal(r.status, "converged", r.message);
    assert.ok(rel(r.x[0], CERTIFIED.b1) < 1e-8, `b1 ${r.x[0]}`);
    assert.ok(rel(r.x[1], CERTIFIED.b2) < 1e-8, `b2 ${r.x[1]}`);
    assert.ok(rel(2 * r.f, CERTIFIED.rss) < 1e-9, `rss ${2 * r.f}`);
  }
});

Deno.test("levenbergMarquardt() holds a variable on its bound", () => {
  const r = levenbergMarquardt(misra, [500, 1e-4], X.length, { upper: [200, Infinity] });
  assert.equal(r.status, "converged", r.message);
  assert.equal(r.x[0], 200);
  // scipy.optimize.least_squares (trf, bounds b1 ≤ 200, tolerances 1e-15) ends at
  // b2 = 6.79059367e-04 with cost ½RSS = 1.6672229410987178.
  assert.ok(rel(r.x[1], 6.79059367e-4) < 1e-7, `b2 ${r.x[1]}`);
  assert.ok(r.f <= 1.6672229410987178 && rel(r.f, 1.6672229410987178) < 1e-11, `cost ${r.f}`);
});

Deno.test("levenbergMarquardt() reports non-finite starts without throwing", () => {
  const r = levenbergMarquardt((_x, res) => (res.fill(NaN), false), [1, 1], 3);
  assert.equal(r.status, "non-finite");
});

Deno.test("fitSync() with optimizer lm gives the certified Misra1a values and standard errors", () => {
  const law = getLaw("b1*(1-exp(-b2*x))", { inputs: ["x"] });
  const r = fitSync(law, { inputs: { x: Float64Array.from(X) }, y: Float64Array.from(Y) }, {
    loss: "squared",
    space: "linear",
    optimizer: "lm",
    starts: [{ b1: 500, b2: 1e-4 }],
  });
  assert.equal(r.converged, true, r.message);
  assert.ok(rel(r.params.b1.value, CERTIFIED.b1) < 1e-8);
  assert.ok(rel(r.params.b2.value, CERTIFIED.b2) < 1e-8);
  assert.ok(rel(2 * r.objective, CERTIFIED.rss) < 1e-9);
  assert.ok(rel(r.params.b1.stderr!, CERTIFIED.sd1) < 1e-6, `sd1 ${r.params.b1.stderr}`);
  assert.ok(rel(r.params.b2.stderr!, CERTIFIED.sd2) < 1e-6, `sd2 ${r.params.b2.stderr}`);
});
