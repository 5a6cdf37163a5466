import assert from "node:assert/strict";
import { buildStarts, gridStarts, randomStarts } from "./starts.ts";
import { variableProjectionStarts } from "./variable_projection.ts";
import { buildObjective } from "./objective.ts";
import { chinchilla } from "../laws/chinchilla.ts";

const N = Float64Array.of(1e8, 3e8, 1e9, 3e9, 1e10, 1e8, 1e10, 3e9);
const D = Float64Array.of(2e9, 6e9, 2e10, 6e10, 2e11, 2e11, 2e9, 2e10);
const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
const data = { inputs: { N, D }, y };

Deno.test("gridStarts() enumerates Hoffmann's grid in log space for log-scale parameters", () => {
  const obj = buildObjective(chinchilla, data);
  const g = gridStarts(obj);
  assert.equal(g.length, 4500 * 5);
  // First start: e = -1, a = 0, b = 0, alpha = 0, beta = 0; last: 1, 25, 25, 2, 2.
  const first = Array.from(g.subarray(0, 5)), last = Array.from(g.subarray(g.length - 5));
  assert.ok(first.every((v, j) => Math.abs(v - [-1, 0, 0, 0, 0][j]) < 1e-15));
  assert.ok(last.every((v, j) => Math.abs(v - [1, 25, 25, 2, 2][j]) < 1e-14));
  // Every start is distinct.
  const keys = new Set<string>();
  for (let s = 0; s < 4500; s++) keys.add(Array.from(g.subarray(s * 5, s * 5 + 5)).join());
  assert.equal(keys.size, 4500);
});

Deno.test("randomStarts() is seeded, inside the grid range and independent of the count", () => {
  const obj = buildObjective(chinchilla, data, { params: { alpha: { min: 0.1 } } });
  const a = randomStarts(obj, 50, 3), b = randomStarts(obj, 10, 3), c = randomStarts(obj, 10, 4);
  assert.deepEqual(Array.from(b), Array.from(a.subarray(0, 50)));
  assert.notDeepEqual(Array.from(c), Array.from(b));
  for (let s = 0; s < 50; s++) {
    const row = a.subarray(s * 5, s * 5 + 5);
    assert.ok(row[0] >= -1 && row[0] <= 1, "log E in [-1, 1]");
    assert.ok(row[1] >= 0 && row[1] <= 25, "log A in [0, 25]");
    assert.ok(row[3] >= 0.1 && row[3] <= 2, "alpha in its bounds and grid range");
  }
});

Deno.test("variableProjectionStarts() puts the best start next to the noise-free optimum", () => {
  const obj = buildObjective(chinchilla, data, { loss: "squared" });
  const starts = variableProjectionStarts(obj)!;
  assert.ok(starts.length >= 5 && starts.length <= 8 * 5);
  // The scan step in alpha and beta is 0.1, so the best scan point is within 0.05 of the truth.
  assert.ok(Math.abs(starts[3] - 0.35) <= 0.05 + 1e-12, `alpha ${starts[3]}`);
  assert.ok(Math.abs(starts[4] - 0.37) <= 0.05 + 1e-12, `beta ${starts[4]}`);
  // A tie between a linear parameter and another one disables variable projection.
  const tied = buildObjective(chinchilla, data, { params: { A: { tie: "B" } } });
  assert.equal(variableProjectionStarts(tied), undefined);
  // "default" then falls back to the grid thinned to 3 values per free parameter (3^4 starts).
  assert.equal(buildStarts(tied, "default", 0).length, 81 * 4);
});
