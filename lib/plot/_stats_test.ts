import assert from "node:assert/strict";
import { fitParabola, quantile } from "./_stats.ts";

Deno.test("fitParabola() recovers exact coefficients from noiseless points", () => {
  // y = 5 - 2x + 0.5x² at x = 8..10 (log10 N values): vertex at x = 2 is outside, fine.
  const x = [8, 8.5, 9, 9.5, 10];
  const [c0, c1, c2] = fitParabola(x, x.map((v) => 5 - 2 * v + 0.5 * v * v))!;
  assert.ok(Math.abs(c0 - 5) < 1e-8 && Math.abs(c1 + 2) < 1e-9 && Math.abs(c2 - 0.5) < 1e-10);
});

Deno.test("fitParabola() matches numpy.polyfit on noisy points", () => {
  // numpy.polyfit([1,2,3,4,5], [2.1,0.9,0.6,1.2,2.3], 2)[::-1] =
  // [3.96, -2.28714286, 0.39285714] (python3, numpy 2.4.6)
  const [c0, c1, c2] = fitParabola([1, 2, 3, 4, 5], [2.1, 0.9, 0.6, 1.2, 2.3])!;
  assert.ok(Math.abs(c0 - 3.96) < 1e-8);
  assert.ok(Math.abs(c1 + 2.28714286) < 1e-8);
  assert.ok(Math.abs(c2 - 0.39285714) < 1e-8);
});

Deno.test("fitParabola() returns undefined for fewer than 3 distinct x", () => {
  assert.equal(fitParabola([1, 2], [1, 2]), undefined);
  assert.equal(fitParabola([1, 1, 1], [1, 2, 3]), undefined);
});

Deno.test("quantile() interpolates like numpy's default", () => {
  // numpy.quantile([1, 2, 3, 4, 10], [0.025, 0.5, 0.975]) = [1.1, 3.0, 9.4]
  const s = [1, 2, 3, 4, 10];
  assert.ok(Math.abs(quantile(s, 0.025) - 1.1) < 1e-12);
  assert.equal(quantile(s, 0.5), 3);
  assert.ok(Math.abs(quantile(s, 0.975) - 9.4) < 1e-12);
});
