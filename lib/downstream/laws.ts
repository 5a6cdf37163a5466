/**
 * The downstream mappings, from loss (or compute) to accuracy or error, as one list for the
 * law registry.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";
import { sigmoid } from "./sigmoid.ts";
import { sigmoidFloor } from "./sigmoid_floor.ts";
import { expError } from "./exp_error.ts";
import { lossToLoss } from "./loss_to_loss.ts";
import { direct } from "./direct.ts";

export { direct, expError, lossToLoss, sigmoid, sigmoidFloor };

/**
 * The downstream laws, in this order: `sigmoid` (OLMo ladder step 2, task loss → accuracy),
 * `sigmoid-floor` (observational scaling laws), `exp-error` (Gadre et al., loss → top-1
 * error), `loss-to-loss` (Brandfonbrener et al.), `direct` (Krajewski et al., compute →
 * accuracy).
 *
 * @example Every law has a distinct name
 * ```ts
 * import assert from "node:assert/strict";
 * import { DOWNSTREAM_LAWS } from "./laws.ts";
 * assert.deepEqual(DOWNSTREAM_LAWS.map((l) => l.name),
 *   ["sigmoid", "sigmoid-floor", "exp-error", "loss-to-loss", "direct"]);
 * ```
 */
export const DOWNSTREAM_LAWS: Law[] = [sigmoid, sigmoidFloor, expError, lossToLoss, direct];
