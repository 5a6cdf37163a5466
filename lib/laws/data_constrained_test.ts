import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { chinchilla } from "./chinchilla.ts";
import { dataConstrained } from "./data_constrained.ts";
import { assertJacobian, logUniform, logUniformColumns, predictAt } from "./_testing.ts";

const random = rng(105);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);
const points = (ranges: [number, number][], n: number) => logUniformColumns(next, ranges, n);

/** Datablations C4 tied fit and repetition fit (README; methods.md 4.2). */
const C4 = Float64Array.of(
  Math.exp(0.6254804),
  Math.exp(6.255414),
  Math.exp(7.3049974),
  0.3526596,
  0.3526596,
  15.387756,
  5.309743,
);

Deno.test("data-constrained reproduces the datablations README values", () => {
  const out = predictAt(dataConstrained, [
    Float64Array.of(6.34e9, 8.67e9),
    Float64Array.of(242e9, 178e9),
    Float64Array.of(25e9, 25e9),
  ], C4);
  assert.ok(Math.abs(out[0] - 2.2256440889984477) < 1e-9);
  assert.ok(Math.abs(out[1] - 2.2269634075087867) < 1e-9);
});

Deno.test("data-constrained equals chinchilla when data is unique and N is below N_opt", () => {
  // N_opt(25e9 tokens) = 1.27e9 for the C4 fit; N = 1e9 < N_opt, D = U: no repetition.
  const x = [Float64Array.of(1e9, 5e8), Float64Array.of(25e9, 20e9), Float64Array.of(25e9, 20e9)];
  const out = predictAt(dataConstrained, x, C4);
  const chin = predictAt(chinchilla, [x[0], x[1]], C4.slice(0, 5));
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(out[i] - chin[i]) < 1e-14);
});

Deno.test("data-constrained jacobian() matches finite differences on both branches of min()", () => {
  // Points with N above and below N_opt(U) (N_opt = 1.27e9 at U = 25e9 and 3.06e9 at U = 60e9 for the C4 fit), with and
  // without repetition.
  const N = Float64Array.of(6.34e9, 8.67e9, 5e8, 2e10, 1e9, 2e9);
  const D = Float64Array.of(242e9, 178e9, 30e9, 400e9, 25e9, 60e9);
  const U = Float64Array.of(25e9, 25e9, 25e9, 10e9, 25e9, 60e9);
  assertJacobian(dataConstrained, [N, D, U], C4);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(
      uniform(1, 3),
      logUniform(next, 100, 3000),
      logUniform(next, 100, 3000),
      uniform(0.2, 0.5),
      uniform(0.2, 0.5),
      uniform(2, 30),
      uniform(2, 30),
    );
    const [n, u] = points([[1e8, 3e10], [1e9, 1e11]], 20);
    const d = u.map((v) => v * logUniform(next, 1, 60));
    assertJacobian(dataConstrained, [n, d, u], p);
  }
});
