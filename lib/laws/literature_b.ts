/**
 * Second list of laws from the literature, for the registry: precision and quantization,
 * RL post-training, emergence, broken power laws, downstream translation, densing.
 *
 * @module
 */

import type { Law } from "./types.ts";
import { precision } from "./precision.ts";
import { quantizationLoss } from "./quantization_loss.ts";
import { rewardSaturation } from "./reward_saturation.ts";
import { passUntil } from "./passuntil.ts";
import { bnsl, bnsl2 } from "./bnsl.ts";
import { translation, translationCe } from "./translation.ts";
import { densing } from "./densing.ts";
import { overoptimization, overoptimizationBon } from "./overoptimization.ts";

/**
 * Laws to register, in this order: `precision`, `quantization-loss`, `reward-saturation`,
 * `passuntil`, `bnsl`, `bnsl-2`, `translation`, `translation-ce`, `densing`,
 * `overoptimization`, `overoptimization-bon`. More breaks: {@link brokenPowerLaw} in
 * `./bnsl.ts`.
 *
 * @example Names are unique and kebab-case
 * ```ts
 * import assert from "node:assert/strict";
 * import { LITERATURE_LAWS_B } from "./literature_b.ts";
 * const names = LITERATURE_LAWS_B.map((law) => law.name);
 * assert.equal(new Set(names).size, 11);
 * assert.ok(names.every((name) => /^[a-z0-9-]+$/.test(name)));
 * ```
 */
export const LITERATURE_LAWS_B: Law[] = [
  precision,
  quantizationLoss,
  rewardSaturation,
  passUntil,
  bnsl,
  bnsl2,
  translation,
  translationCe,
  densing,
  overoptimization,
  overoptimizationBon,
];
