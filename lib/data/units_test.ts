import assert from "node:assert/strict";
import type { MetricKind } from "./schema.ts";
import {
  accuracyToError,
  bitsPerByteToLoss,
  bitsToNats,
  convertMetric,
  errorToAccuracy,
  fractionToPercent,
  lossToBitsPerByte,
  lossToPerplexity,
  natsToBits,
  percentToFraction,
  perplexityToLoss,
} from "./units.ts";

function close(actual: number, expected: number, rel = 1e-14): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${actual} is not within ${rel} of ${expected}`,
  );
}

// Reference values from python3 (math module):
//   math.exp(2.5) = 12.182493960703473
//   0.75 * 4 * math.log(2) = 2.0794415416798357
//   3.0 / (3.7 * math.log(2)) = 1.1697527358559163
Deno.test("perplexityToLoss() and lossToPerplexity() match ln and exp", () => {
  close(lossToPerplexity(2.5), 12.182493960703473);
  close(perplexityToLoss(12.182493960703473), 2.5);
  assert.equal(perplexityToLoss(1), 0);
  assert.ok(Number.isNaN(perplexityToLoss(NaN)));
  assert.throws(() => perplexityToLoss(0.5), RangeError);
  assert.throws(() => lossToPerplexity(-0.1), RangeError);
});

Deno.test("bitsPerByteToLoss() and lossToBitsPerByte() use bytes per token and ln 2", () => {
  close(bitsPerByteToLoss(0.75, 4), 2.0794415416798357);
  close(lossToBitsPerByte(3, 3.7), 1.1697527358559163);
  close(lossToBitsPerByte(bitsPerByteToLoss(0.9, 4.2), 4.2), 0.9);
  assert.throws(() => bitsPerByteToLoss(1, 0), /bytesPerToken is 0/);
  assert.throws(() => bitsPerByteToLoss(-1, 4), RangeError);
});

Deno.test("percentToFraction(), errorToAccuracy() and their inverses", () => {
  assert.equal(percentToFraction(37.5), 0.375);
  assert.equal(fractionToPercent(0.375), 37.5);
  assert.equal(errorToAccuracy(0.25), 0.75);
  assert.equal(accuracyToError(0.75), 0.25);
  assert.throws(() => percentToFraction(101), /expected a number in \[0, 100\]/);
  assert.throws(() => errorToAccuracy(25), /expected a fraction in \[0, 1\]/);
  assert.throws(() => accuracyToError(-0.1), RangeError);
});

Deno.test("bitsToNats() and natsToBits() convert by ln 2", () => {
  assert.equal(bitsToNats(8), 8 * Math.LN2);
  close(natsToBits(bitsToNats(3.3)), 3.3);
});

Deno.test("convertMetric() converts within loss-like and accuracy-like kinds", async (t) => {
  const bpt = 4;
  const loss = 2.0794415416798357; // = 0.75 bpb at 4 bytes per token
  const lossKinds: [MetricKind, number][] = [
    ["loss", loss],
    ["perplexity", Math.exp(loss)],
    ["bits_per_byte", 0.75],
  ];
  await t.step("loss-like", () => {
    for (const [from, x] of lossKinds) {
      for (const [to, y] of lossKinds) {
        close(convertMetric(x, from, to, { bytesPerToken: bpt }), y, 1e-13);
      }
    }
  });
  const accKinds: [MetricKind, number][] = [["accuracy", 0.625], ["error", 0.375], [
    "percent",
    62.5,
  ]];
  await t.step("accuracy-like", () => {
    for (const [from, x] of accKinds) {
      for (const [to, y] of accKinds) assert.equal(convertMetric(x, from, to), y);
    }
  });
});

Deno.test("convertMetric() throws RangeError for impossible conversions", () => {
  assert.throws(() => convertMetric(3, "loss", "accuracy"), /measure different things/);
  assert.throws(() => convertMetric(0.5, "percent", "perplexity"), RangeError);
  assert.throws(() => convertMetric(1, "other", "loss"), RangeError);
  assert.throws(() => convertMetric(1, "loss", "bits_per_byte"), /bytesPerToken is missing/);
  assert.throws(() => convertMetric(150, "percent", "accuracy"), RangeError);
  assert.equal(convertMetric(7, "other", "other"), 7);
});
