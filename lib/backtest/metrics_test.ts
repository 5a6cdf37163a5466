import assert from "node:assert/strict";
import { informationCriteria, predictionErrors } from "./metrics.ts";

Deno.test("predictionErrors() gives ARE, MAE and coverage of a known case", () => {
  // |2.2-2|/2 = 0.1, |2.7-3|/3 = 0.1, |4-4|/4 = 0 → ARE = 0.2/3.
  const e = predictionErrors([2, 3, 4], [2.2, 2.7, 4], {
    low: [2.1, 2.5, 3.9],
    high: [2.3, 3.1, 4.1],
  });
  assert.ok(Math.abs(e.are - 0.2 / 3) < 1e-15);
  assert.ok(Math.abs(e.mae - 0.5 / 3) < 1e-15);
  assert.ok(Math.abs(e.rmse - Math.sqrt((0.04 + 0.09) / 3)) < 1e-15);
  assert.ok(Math.abs(e.bias - (0.1 - 0.1 + 0) / 3) < 1e-15);
  assert.equal(e.coverage, 2 / 3); // 2 is outside [2.1, 2.3]
});

Deno.test("predictionErrors() skips non-finite pairs and rejects length mismatches", () => {
  const e = predictionErrors([1, NaN, 2], [1.1, 5, NaN]);
  assert.equal(e.n, 1);
  assert.ok(Math.abs(e.are - 0.1) < 1e-12);
  assert.ok(Number.isNaN(predictionErrors([], []).are));
  assert.throws(() => predictionErrors([1], [1, 2]), /1 actual and 2 predicted/);
});

Deno.test("informationCriteria() matches the Gaussian log-likelihood in log space", () => {
  const y = [2, 3, 4, 5], f = [2.1, 2.9, 4.2, 4.9];
  let rss = 0;
  for (let i = 0; i < 4; i++) rss += (Math.log(y[i]) - Math.log(f[i])) ** 2;
  const logL = -2 * (Math.log(2 * Math.PI * rss / 4) + 1);
  const ic = informationCriteria(y, f, 2);
  assert.equal(ic.k, 3);
  assert.ok(Math.abs(ic.logLikelihood - logL) < 1e-12);
  assert.ok(Math.abs(ic.bic - (3 * Math.log(4) - 2 * logL)) < 1e-12);
  assert.ok(Number.isNaN(ic.aicc)); // n - k - 1 = 0
  assert.throws(() => informationCriteria([1], [-1], 1), /expected both > 0/);
});
