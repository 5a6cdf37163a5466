import assert from "node:assert/strict";
import { assertJacobian } from "../laws/_testing.ts";
import { evaluateLaw } from "../laws/types.ts";
import { assertRecovers, linspace, paramVector } from "./_testing.ts";
import { sigmoidFloor } from "./sigmoid_floor.ts";

Deno.test("sigmoidFloor.jacobian() matches finite differences for rising and falling curves", () => {
  const x = Float64Array.of(-4, -1, -0.2, 0.3, 1, 2.5, 5);
  for (
    const p of [
      { w: 1.3, w0: -0.4, f: 0.15 },
      { w: -2, w0: 5, f: 0.05 },
      { w: 0.03, w0: 0.1, f: 0.2 },
    ]
  ) {
    assertJacobian(sigmoidFloor, [x], paramVector(sigmoidFloor, p));
  }
});

Deno.test("sigmoidFloor runs from the floor f up to 1 when x sweeps the line w·x + w0", () => {
  const p = { w: 2, w0: 0, f: 0.2 };
  assert.equal(evaluateLaw(sigmoidFloor, { x: -1e3 }, p), 0.2);
  assert.equal(evaluateLaw(sigmoidFloor, { x: 1e3 }, p), 1);
  assert.deepEqual(sigmoidFloor.params.find((s) => s.name === "f"), {
    name: "f",
    doc: "floor (fraction), in [0, 0.2]",
    grid: [0, 0.1, 0.2],
    min: 0,
    max: 0.2,
  });
});

Deno.test("sigmoidFloor is recovered from noise-free data to 1e-6 when fitted with default starts", () => {
  assertRecovers(sigmoidFloor, linspace(-3, 3, 12), { w: 1.3, w0: -0.4, f: 0.15 });
  assertRecovers(sigmoidFloor, linspace(2, 5, 12), { w: -2.5, w0: 8, f: 0.05 });
});
