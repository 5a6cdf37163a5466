import assert from "node:assert/strict";
import { assertJacobian, assertLinearStructure } from "../laws/_testing.ts";
import { evaluateLaw } from "../laws/types.ts";
import { assertRecovers, linspace, paramVector } from "./_testing.ts";
import { lossToLoss } from "./loss_to_loss.ts";

Deno.test("lossToLoss.jacobian() matches finite differences for kappa below and above 1", () => {
  const Lx = Float64Array.of(2.2, 2.6, 3.1, 3.5, 4);
  for (
    const p of [
      { K: 1.3, E_x: 1.7, kappa: 0.8, E_y: 1.2 },
      { K: 0.4, E_x: 0.5, kappa: 1.6, E_y: 2 },
    ]
  ) {
    assertJacobian(lossToLoss, [Lx], paramVector(lossToLoss, p));
    assertLinearStructure(lossToLoss, [Lx], paramVector(lossToLoss, p));
  }
});

Deno.test("lossToLoss predicts NaN when Lx is not above E_x", () => {
  const p = { K: 1, E_x: 2, kappa: 0.5, E_y: 1 };
  assert.ok(Number.isNaN(evaluateLaw(lossToLoss, { Lx: 1.5 }, p)));
});

Deno.test("lossToLoss is recovered from noise-free data to 1e-6, free or with E_x, E_y fixed", () => {
  const truth = { K: 1.3, E_x: 1.7, kappa: 0.8, E_y: 1.2 };
  const Lx = linspace(2.2, 4, 10);
  assertRecovers(lossToLoss, Lx, truth);
  assertRecovers(lossToLoss, Lx, truth, {
    params: { E_x: { fixed: 1.7 }, E_y: { fixed: 1.2 } },
  });
});
