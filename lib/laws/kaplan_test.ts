import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { kaplan, kaplanE } from "./kaplan.ts";
import { assertJacobian, logUniform, logUniformColumns, predictAt } from "./_testing.ts";

const random = rng(102);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);
const points = (ranges: [number, number][], n: number) => logUniformColumns(next, ranges, n);

Deno.test("kaplan predict() matches eq. 1.5 and kaplan-e adds E", () => {
  const [N, D] = points([[1e6, 1e10], [1e7, 1e12]], 30);
  const p = Float64Array.of(6.4e13, 1.8e13, 0.076, 0.103);
  const out = predictAt(kaplan, [N, D], p);
  const outE = predictAt(kaplanE, [N, D], Float64Array.of(0.7, ...p));
  for (let i = 0; i < N.length; i++) {
    const direct = ((6.4e13 / N[i]) ** (0.076 / 0.103) + 1.8e13 / D[i]) ** 0.103;
    assert.ok(Math.abs(out[i] - direct) <= 1e-14 * direct);
    assert.ok(Math.abs(outE[i] - 0.7 - direct) <= 1e-14 * direct);
  }
});

Deno.test("kaplan jacobian() matches finite differences at random points", () => {
  const x = points([[1e6, 1e10], [1e7, 1e12]], 20);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(
      logUniform(next, 1e5, 1e14),
      logUniform(next, 1e5, 1e14),
      uniform(0.05, 0.5),
      uniform(0.05, 0.5),
    );
    assertJacobian(kaplan, x, p);
    assertJacobian(kaplanE, x, Float64Array.of(uniform(0.5, 2), ...p));
  }
});
