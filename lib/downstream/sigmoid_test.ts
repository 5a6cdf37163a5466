import assert from "node:assert/strict";
import { assertJacobian, assertLinearStructure } from "../laws/_testing.ts";
import { evaluateLaw } from "../laws/types.ts";
import { assertRecovers, linspace, paramVector } from "./_testing.ts";
import { sigmoid } from "./sigmoid.ts";

const x = Float64Array.of(0.05, 0.4, 0.9, 1.2, 1.5, 2.5, 6);

Deno.test("sigmoid.jacobian() matches finite differences when the curve is flat or steep", () => {
  for (
    const p of [
      { a: -0.6, x0: 1.2, k: 4, b: 0.85 },
      { a: -0.75, x0: 0.9, k: 3, b: 1 },
      { a: -0.1, x0: 2, k: 0.3, b: 0.4 },
      { a: -0.9, x0: 0.5, k: 25, b: 0.95 },
    ]
  ) {
    assertJacobian(sigmoid, [x], paramVector(sigmoid, p));
    assertLinearStructure(sigmoid, [x], paramVector(sigmoid, p));
  }
});

Deno.test("sigmoid is finite and tends to its floor and ceiling when |k (x - x0)| is huge", () => {
  const p = { a: -0.7, x0: 1, k: 1e4, b: 0.95 };
  assert.equal(evaluateLaw(sigmoid, { x: 0 }, p), 0.95);
  assert.ok(Math.abs(evaluateLaw(sigmoid, { x: 2 }, p) - 0.25) < 1e-15);
});

Deno.test("sigmoid is recovered from noise-free data to 1e-6 when fitted with default starts", () => {
  assertRecovers(sigmoid, linspace(0.4, 2.5, 12), { a: -0.6, x0: 1.2, k: 4, b: 0.85 });
});

Deno.test("sigmoid keeps the ladder's bounds when its parameters are declared", () => {
  const bounds = Object.fromEntries(sigmoid.params.map((s) => [s.name, [s.min, s.max]]));
  assert.deepEqual(bounds, { a: [-1, 0], x0: [0, undefined], k: [0, undefined], b: [0, 1] });
});
