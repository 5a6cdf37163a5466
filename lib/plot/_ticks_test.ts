import assert from "node:assert/strict";
import { extent, formatCount, formatSci, linearTicks, logTicks, pow10Label } from "./_ticks.ts";

Deno.test("pow10Label() writes exponents as superscripts", () => {
  assert.equal(pow10Label(20), "10²⁰");
  assert.equal(pow10Label(-3), "10⁻³");
});

Deno.test("formatSci() and formatCount() give paper-style labels", () => {
  assert.equal(formatSci(5.88e23), "5.88×10²³");
  assert.equal(formatSci(1e20), "10²⁰");
  assert.equal(formatSci(6e18, 2), "6×10¹⁸");
  assert.equal(formatCount(7e7), "70M");
  assert.equal(formatCount(1.4e9), "1.4B");
  assert.equal(formatCount(999.6e6), "1B");
});

Deno.test("logTicks() labels whole decades when the domain spans several", () => {
  const t = logTicks([3e17, 2e21]);
  assert.deepEqual(t.ticks, [1e18, 1e19, 1e20, 1e21]);
  assert.deepEqual(t.ticks.map(t.format), ["10¹⁸", "10¹⁹", "10²⁰", "10²¹"]);
  assert.equal(t.minor.length, 7 + 3 * 8 + 1); // 3..9e17, 2..9 × 10¹⁸..10²⁰, 2e21
});

Deno.test("logTicks() adds 2 and 5 multiples when only two or three powers of ten fit", () => {
  const t = logTicks([4, 250], 8);
  assert.deepEqual(t.ticks, [5, 10, 20, 50, 100, 200]);
  assert.deepEqual(t.ticks.map(t.format), ["5", "10", "20", "50", "100", "200"]);
  const big = logTicks([3e8, 3e10], 8);
  assert.deepEqual(big.ticks.map(big.format), ["5×10⁸", "10⁹", "2×10⁹", "5×10⁹", "10¹⁰", "2×10¹⁰"]);
  // Too many multiples for maxTicks: powers of ten only.
  assert.deepEqual(logTicks([4, 250], 4).ticks, [10, 100]);
});

Deno.test("logTicks() thins decades to at most maxTicks labels", () => {
  const t = logTicks([1e18, 1e28], 6);
  assert.deepEqual(t.ticks, [1e18, 1e20, 1e22, 1e24, 1e26, 1e28]);
});

Deno.test("logTicks() falls back to 1-2-5 multiples on a narrow domain", () => {
  const t = logTicks([1.8, 6]);
  assert.deepEqual(t.ticks, [2, 3, 5]);
});

Deno.test("logTicks() uses evenly spaced ticks when multiples would give fewer than three", () => {
  const t = logTicks([2.05, 3.45], 6); // only 2 and 3 are 1-2-3-5-7 multiples
  assert.deepEqual(t.ticks.map(t.format), ["2.2", "2.4", "2.6", "2.8", "3.0", "3.2", "3.4"]);
});

Deno.test("linearTicks() uses 1-2-5 steps and the decimals they need", () => {
  const t = linearTicks([1.77, 2.63], 5);
  assert.deepEqual(t.ticks.map(t.format), ["1.8", "2.0", "2.2", "2.4", "2.6"]);
  const n = linearTicks([-0.011, 0.011], 4);
  assert.deepEqual(n.ticks.map(n.format), ["−0.010", "−0.005", "0.000", "0.005", "0.010"]);
});

Deno.test("extent() pads in log space and ignores non-positive values on log axes", () => {
  const [lo, hi] = extent([0, 1e2, 1e4, NaN], "log", 0.05);
  assert.ok(Math.abs(Math.log10(lo) - 1.9) < 1e-12 && Math.abs(Math.log10(hi) - 4.1) < 1e-12);
  assert.deepEqual(extent([2, 2], "linear"), [1.8, 2.2]);
});
