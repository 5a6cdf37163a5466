import { assertJacobian, assertLinearStructure } from "../laws/_testing.ts";
import { assertRecovers, linspace, paramVector } from "./_testing.ts";
import { expError } from "./exp_error.ts";

Deno.test("expError.jacobian() matches finite differences over a range of losses", () => {
  const L = Float64Array.of(0.5, 2.4, 3, 3.7, 4.5, 9);
  for (const p of [{ eps: 0.86, k: 2.2, gamma: 0.71 }, { eps: 1, k: 10, gamma: 2 }]) {
    assertJacobian(expError, [L], paramVector(expError, p));
    assertLinearStructure(expError, [L], paramVector(expError, p));
  }
});

Deno.test("expError is recovered from noise-free data to 1e-6 from default and Gadre's starts", () => {
  const truth = { eps: 0.86, k: 2.2, gamma: 0.71 };
  const L = linspace(2.4, 4.5, 8);
  assertRecovers(expError, L, truth);
  assertRecovers(expError, L, truth, { starts: [{ eps: 1, k: 1, gamma: 1 }], optimizer: "lm" });
});
