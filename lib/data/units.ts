/**
 * Unit conversions between the ways papers report the same quantity. The toolkit's units are
 * nats per token for losses and a fraction in [0, 1] for accuracies (see `schema.ts`).
 *
 * Scalar functions pass NaN through (a missing value stays missing) and throw a
 * {@link RangeError} for values outside the quantity's domain.
 *
 * @module
 */

import type { MetricKind } from "./schema.ts";

const LN2 = Math.LN2;

function check(name: string, x: number, ok: boolean, expected: string): void {
  if (!ok && !Number.isNaN(x)) {
    throw new RangeError(`Cannot convert ${name}: got ${x}; expected ${expected}`);
  }
}

/**
 * Cross-entropy loss (nats per token) from perplexity: L = ln(PPL).
 *
 * @param perplexity Perplexity (≥ 1).
 * @returns Loss in nats per token.
 * @throws {RangeError} when perplexity < 1 or infinite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perplexityToLoss } from "./units.ts";
 * assert.equal(perplexityToLoss(Math.E), 1);
 * ```
 */
export function perplexityToLoss(perplexity: number): number {
  check("perplexity", perplexity, perplexity >= 1 && perplexity < Infinity, "a number ≥ 1");
  return Math.log(perplexity);
}

/**
 * Perplexity from cross-entropy loss in nats per token: PPL = exp(L).
 *
 * @param loss Loss in nats per token (≥ 0).
 * @returns Perplexity.
 * @throws {RangeError} when the loss is negative or infinite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossToPerplexity } from "./units.ts";
 * assert.equal(lossToPerplexity(0), 1);
 * ```
 */
export function lossToPerplexity(loss: number): number {
  check("loss to perplexity", loss, loss >= 0 && loss < Infinity, "a finite loss ≥ 0 (nats)");
  return Math.exp(loss);
}

/**
 * Loss in nats per token from bits per byte: L = bpb · bytesPerToken · ln 2.
 *
 * @param bitsPerByte Bits per byte (≥ 0).
 * @param bytesPerToken Average UTF-8 bytes per token of the tokenizer on that text (> 0).
 * @returns Loss in nats per token.
 * @throws {RangeError} for a negative value or a non-positive bytes-per-token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bitsPerByteToLoss } from "./units.ts";
 * assert.ok(Math.abs(bitsPerByteToLoss(1, 4) - 4 * Math.LN2) < 1e-15);
 * ```
 */
export function bitsPerByteToLoss(bitsPerByte: number, bytesPerToken: number): number {
  checkBytesPerToken(bytesPerToken);
  check("bits per byte", bitsPerByte, bitsPerByte >= 0 && bitsPerByte < Infinity, "a number ≥ 0");
  return bitsPerByte * bytesPerToken * LN2;
}

/**
 * Bits per byte from loss in nats per token: bpb = L / (bytesPerToken · ln 2).
 *
 * @param loss Loss in nats per token (≥ 0).
 * @param bytesPerToken Average bytes per token (> 0).
 * @returns Bits per byte.
 * @throws {RangeError} for a negative loss or a non-positive bytes-per-token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossToBitsPerByte } from "./units.ts";
 * assert.ok(Math.abs(lossToBitsPerByte(4 * Math.LN2, 4) - 1) < 1e-15);
 * ```
 */
export function lossToBitsPerByte(loss: number, bytesPerToken: number): number {
  checkBytesPerToken(bytesPerToken);
  check("loss to bits per byte", loss, loss >= 0 && loss < Infinity, "a finite loss ≥ 0 (nats)");
  return loss / (bytesPerToken * LN2);
}

function checkBytesPerToken(bytesPerToken: number): void {
  if (!(bytesPerToken > 0 && bytesPerToken < Infinity)) {
    throw new RangeError(
      `Cannot convert bits per byte: bytesPerToken is ${bytesPerToken}; expected a positive number`,
    );
  }
}

/**
 * A percentage (0–100) as a fraction (0–1).
 *
 * @param percent Value in [0, 100].
 * @returns percent / 100.
 * @throws {RangeError} outside [0, 100].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentToFraction } from "./units.ts";
 * assert.equal(percentToFraction(25), 0.25);
 * ```
 */
export function percentToFraction(percent: number): number {
  check("percent", percent, percent >= 0 && percent <= 100, "a number in [0, 100]");
  return percent / 100;
}

/**
 * A fraction (0–1) as a percentage (0–100).
 *
 * @param fraction Value in [0, 1].
 * @returns fraction · 100.
 * @throws {RangeError} outside [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fractionToPercent } from "./units.ts";
 * assert.equal(fractionToPercent(0.25), 25);
 * ```
 */
export function fractionToPercent(fraction: number): number {
  check("fraction", fraction, fraction >= 0 && fraction <= 1, "a number in [0, 1]");
  return fraction * 100;
}

/**
 * Accuracy from error rate, both fractions: acc = 1 − err.
 *
 * @param error Error rate in [0, 1].
 * @returns Accuracy in [0, 1].
 * @throws {RangeError} outside [0, 1] (convert percentages first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorToAccuracy } from "./units.ts";
 * assert.equal(errorToAccuracy(0.25), 0.75);
 * ```
 */
export function errorToAccuracy(error: number): number {
  check("error to accuracy", error, error >= 0 && error <= 1, "a fraction in [0, 1]");
  return 1 - error;
}

/**
 * Error rate from accuracy, both fractions: err = 1 − acc.
 *
 * @param accuracy Accuracy in [0, 1].
 * @returns Error rate in [0, 1].
 * @throws {RangeError} outside [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracyToError } from "./units.ts";
 * assert.equal(accuracyToError(0.75), 0.25);
 * ```
 */
export function accuracyToError(accuracy: number): number {
  check("accuracy to error", accuracy, accuracy >= 0 && accuracy <= 1, "a fraction in [0, 1]");
  return 1 - accuracy;
}

/**
 * Information in nats from bits: nats = bits · ln 2.
 *
 * @param bits Value in bits.
 * @returns Value in nats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bitsToNats } from "./units.ts";
 * assert.equal(bitsToNats(1), Math.LN2);
 * ```
 */
export function bitsToNats(bits: number): number {
  return bits * LN2;
}

/**
 * Information in bits from nats: bits = nats / ln 2.
 *
 * @param nats Value in nats.
 * @returns Value in bits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { natsToBits } from "./units.ts";
 * assert.equal(natsToBits(Math.LN2), 1);
 * ```
 */
export function natsToBits(nats: number): number {
  return nats / LN2;
}

/** Options of {@link convertMetric}. */
export interface ConvertMetricOptions {
  /** Bytes per token, needed to convert to or from `"bits_per_byte"`. */
  bytesPerToken?: number;
}

const LOSS_LIKE = new Set<MetricKind>(["loss", "perplexity", "bits_per_byte"]);
const ACCURACY_LIKE = new Set<MetricKind>(["accuracy", "error", "percent"]);

/**
 * Convert a value between metric kinds of the same family: loss-like (`loss`, `perplexity`,
 * `bits_per_byte`) or accuracy-like (`accuracy`, `error`, `percent`, where `percent` is
 * accuracy in percent). Converting a kind to itself returns the value unchanged.
 *
 * @param value The value in the `from` kind.
 * @param from Its kind.
 * @param to The wanted kind.
 * @param options `bytesPerToken` for bits per byte.
 * @returns The value in the `to` kind.
 * @throws {RangeError} for conversions across families or involving `"other"`, a missing
 *   `bytesPerToken`, or a value outside its kind's domain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { convertMetric } from "./units.ts";
 * assert.equal(convertMetric(20, "percent", "error"), 0.8);
 * assert.equal(convertMetric(1, "loss", "perplexity"), Math.E);
 * assert.throws(() => convertMetric(3, "loss", "accuracy"), RangeError);
 * ```
 */
export function convertMetric(
  value: number,
  from: MetricKind,
  to: MetricKind,
  options: ConvertMetricOptions = {},
): number {
  if (from === to) return value;
  if (LOSS_LIKE.has(from) && LOSS_LIKE.has(to)) {
    const needsBpt = from === "bits_per_byte" || to === "bits_per_byte";
    if (needsBpt && options.bytesPerToken === undefined) {
      throw new RangeError(
        `Cannot convert ${from} to ${to}: bytesPerToken is missing; expected the tokenizer's average bytes per token`,
      );
    }
    const loss = from === "loss"
      ? value
      : from === "perplexity"
      ? perplexityToLoss(value)
      : bitsPerByteToLoss(value, options.bytesPerToken!);
    if (to === "loss") {
      check("loss", loss, loss >= 0 && loss < Infinity, "a finite loss ≥ 0 (nats)");
      return loss;
    }
    return to === "perplexity"
      ? lossToPerplexity(loss)
      : lossToBitsPerByte(loss, options.bytesPerToken!);
  }
  if (ACCURACY_LIKE.has(from) && ACCURACY_LIKE.has(to)) {
    const accuracy = from === "accuracy"
      ? value
      : from === "error"
      ? errorToAccuracy(value)
      : percentToFraction(value);
    check("accuracy", accuracy, accuracy >= 0 && accuracy <= 1, "a fraction in [0, 1]");
    return to === "accuracy"
      ? accuracy
      : to === "error"
      ? accuracyToError(accuracy)
      : fractionToPercent(accuracy);
  }
  throw new RangeError(
    `Cannot convert ${from} to ${to}: they measure different things; expected two loss-like kinds (loss, perplexity, bits_per_byte) or two accuracy-like kinds (accuracy, error, percent)`,
  );
}
