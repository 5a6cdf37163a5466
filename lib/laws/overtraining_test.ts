import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { chinchillaTied } from "./chinchilla.ts";
import { overtraining } from "./overtraining.ts";
import {
  assertJacobian,
  assertLinearStructure,
  logUniform,
  logUniformColumns,
  predictAt,
} from "./_testing.ts";

const random = rng(104);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);
const points = (ranges: [number, number][], n: number) => logUniformColumns(next, ranges, n);

Deno.test("overtraining predict() matches the paper's form and chinchilla-tied", () => {
  const [N, M] = points([[1e7, 1e10], [5, 640]], 30);
  const [E, a, b, eta] = [1.9, 1200, 2500, 0.14];
  const out = predictAt(overtraining, [N, M], Float64Array.of(E, a, b, eta));
  const D = N.map((n, i) => n * M[i]);
  const chin = predictAt(
    chinchillaTied,
    [N, D],
    Float64Array.of(E, a * 6 ** -eta, b * 6 ** -eta, 2 * eta, 2 * eta),
  );
  for (let i = 0; i < N.length; i++) {
    const C = 6 * N[i] * D[i];
    const paper = E + (a * M[i] ** eta + b * M[i] ** -eta) * C ** -eta;
    assert.ok(Math.abs(out[i] - paper) <= 1e-13 * paper);
    assert.ok(Math.abs(out[i] - chin[i]) <= 1e-13 * paper);
  }
});

Deno.test("overtraining jacobian() matches finite differences at random points", () => {
  const x = points([[1e7, 1e10], [5, 640]], 20);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(
      uniform(1, 3),
      logUniform(next, 100, 3000),
      logUniform(next, 100, 3000),
      uniform(0.03, 0.3),
    );
    assertJacobian(overtraining, x, p);
  }
});

Deno.test("overtraining linearStructure basis reproduces predict()", () => {
  const x = points([[1e7, 1e10], [5, 640]], 10);
  assertLinearStructure(overtraining, x, Float64Array.of(1.8, 900, 2000, 0.15));
});
