import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { chinchilla, chinchillaTied } from "./chinchilla.ts";
import { assertJacobian, assertLinearStructure, logUniformColumns, predictAt } from "./_testing.ts";
import { evaluateLaw } from "./types.ts";

const random = rng(101);
const next = () => random.next();
const uniform = (lo: number, hi: number) => lo + next() * (hi - lo);
const points = (ranges: [number, number][], n: number) => logUniformColumns(next, ranges, n);

Deno.test("chinchilla predict() matches the scalar formula at random points", () => {
  const [N, D] = points([[1e7, 1e11], [1e8, 1e13]], 50);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(
      uniform(1, 3),
      uniform(50, 2000),
      uniform(50, 2000),
      uniform(0.1, 0.6),
      uniform(0.1, 0.6),
    );
    const out = predictAt(chinchilla, [N, D], p);
    for (let i = 0; i < N.length; i++) {
      const direct = p[0] + p[1] / N[i] ** p[3] + p[2] / D[i] ** p[4];
      assert.ok(Math.abs(out[i] - direct) <= 1e-14 * direct);
    }
  }
});

Deno.test("chinchilla jacobian() matches finite differences at random points", () => {
  const x = points([[1e7, 1e11], [1e8, 1e13]], 20);
  for (let t = 0; t < 5; t++) {
    const p = Float64Array.of(
      uniform(1, 3),
      uniform(50, 2000),
      uniform(50, 2000),
      uniform(0.1, 0.6),
      uniform(0.1, 0.6),
    );
    assertJacobian(chinchilla, x, p);
    assertJacobian(chinchillaTied, x, p);
  }
});

Deno.test("chinchilla default grid is Hoffmann's 4500 points", () => {
  const grids = Object.fromEntries(chinchilla.params.map((s) => [s.name, s.grid]));
  assert.deepEqual(chinchilla.params.map((s) => s.name), ["E", "A", "B", "alpha", "beta"]);
  assert.equal(Object.values(grids).reduce((acc, g) => acc * g.length, 1), 4500);
  assert.deepEqual(grids.alpha, [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(grids.beta, [0, 0.5, 1, 1.5, 2]);
  const logs = (g: number[]) => g.map((v) => Math.round(Math.log(v) * 1e12) / 1e12);
  assert.deepEqual(logs(grids.E), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(logs(grids.A), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(logs(grids.B), [0, 5, 10, 15, 20, 25]);
  for (const name of ["E", "A", "B"]) {
    assert.equal(chinchilla.params.find((s) => s.name === name)?.scale, "log");
  }
  for (const s of chinchilla.params) assert.ok(s.min === undefined && s.max === undefined);
});

Deno.test("chinchilla at Hoffmann's fit gives the published loss of Chinchilla 70B", () => {
  // Unrounded log-space values stored in Epoch's notebook (methods.md 1.2). Reference value
  // computed with python3 floats: E + A/70e9**alpha + B/1.4e12**beta = 1.9208460265656064.
  const p = {
    E: Math.exp(0.5267228),
    A: Math.exp(6.0073404),
    B: Math.exp(6.0179186),
    alpha: 0.33917084,
    beta: 0.2849083,
  };
  const loss = evaluateLaw(chinchilla, { N: 70e9, D: 1.4e12 }, p);
  const expected = p.E + p.A / 70e9 ** p.alpha + p.B / 1.4e12 ** p.beta;
  assert.ok(Math.abs(loss - expected) < 1e-13);
  assert.ok(Math.abs(loss - 1.9208460265656064) < 1e-12);
});

Deno.test("chinchilla linearStructure basis reproduces predict()", () => {
  const x = points([[1e7, 1e11], [1e8, 1e13]], 10);
  assertLinearStructure(chinchilla, x, Float64Array.of(1.8, 480, 2100, 0.35, 0.37));
});

Deno.test("chinchilla-tied ties beta to alpha", () => {
  assert.deepEqual(chinchillaTied.ties, { beta: "alpha" });
  assert.deepEqual(chinchillaTied.params.map((s) => s.name), ["E", "A", "B", "alpha", "beta"]);
});
