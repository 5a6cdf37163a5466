import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { powerLaw } from "./power_law.ts";
import {
  assertJacobian,
  assertLinearStructure,
  logUniform,
  logUniformColumns,
  predictAt,
} from "./_testing.ts";

const random = rng(103);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);
const points = (ranges: [number, number][], n: number) => logUniformColumns(next, ranges, n);

Deno.test("power-law predict() and jacobian() match the formula and finite differences", () => {
  const [X] = points([[1e15, 1e23]], 30);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(uniform(0.5, 2), logUniform(next, 1, 1e4), uniform(0.02, 0.6));
    const out = predictAt(powerLaw, [X], p);
    for (let i = 0; i < X.length; i++) {
      const direct = p[0] + p[1] * X[i] ** -p[2];
      assert.ok(Math.abs(out[i] - direct) <= 1e-14 * direct);
    }
    assertJacobian(powerLaw, [X], p);
  }
});

Deno.test("power-law linearStructure basis reproduces predict()", () => {
  assertLinearStructure(powerLaw, points([[1e7, 1e11]], 10), Float64Array.of(1.8, 480, 0.35));
});
