import assert from "node:assert/strict";
import { assertJacobian } from "../laws/_testing.ts";
import { evaluateLaw } from "../laws/types.ts";
import { assertRecovers, paramVector } from "./_testing.ts";
import { direct } from "./direct.ts";

const C = Float64Array.of(1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21);

Deno.test("direct.jacobian() matches finite differences at compute from 1e18 to 1e21", () => {
  for (const p of [{ c: 9, w: -0.22, q_min: 0.25 }, { c: 2, w: -0.05, q_min: 0.5 }]) {
    assertJacobian(direct, [C], paramVector(direct, p));
  }
});

Deno.test("direct gives chance-normalised accuracy q = exp(-e^c C^w) when mapped back", () => {
  const p = { c: 9, w: -0.22, q_min: 0.25 };
  for (const c of C) {
    const acc = evaluateLaw(direct, { C: c }, p);
    const q = (acc - 0.25) / 0.75;
    assert.ok(Math.abs(Math.log(-Math.log(q)) - (9 - 0.22 * Math.log(c))) < 1e-9);
  }
});

Deno.test("direct is recovered from noise-free data to 1e-6 when q_min is fixed from chance", () => {
  assertRecovers(direct, C, { c: 9, w: -0.22, q_min: 0.25 }, {
    params: { q_min: { fixed: 0.25 } },
  });
});
