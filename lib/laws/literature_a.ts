/**
 * Literature laws, list A: data mixing, domain continual pre-training, vocabulary, mixture of
 * experts, fine-tuning, learning-rate annealing, optimal hyperparameters and parallel scaling.
 *
 * @module
 */

import type { Law } from "./types.ts";
import { dataMixing } from "./data_mixing.ts";
import { dCpt } from "./d_cpt.ts";
import { vocabulary } from "./vocabulary.ts";
import { moe } from "./moe.ts";
import { rectifiedSft } from "./rectified_sft.ts";
import { lrAnnealing, lrAnnealingAreas } from "./lr_annealing.ts";
import { optimalHparams } from "./optimal_hparams.ts";
import { optimalBatch } from "./optimal_batch.ts";
import { parallel } from "./parallel.ts";

/**
 * The laws of list A, to register by name: `data-mixing` (two domains; other domain counts come
 * from `dataMixingLawFor(inputs)` in data_mixing.ts), `d-cpt`, `vocabulary`, `moe`,
 * `rectified-sft`, `lr-annealing` (inputs lr and step), `lr-annealing-areas` (inputs S1 and S2),
 * `optimal-hparams`, `optimal-batch`, `parallel`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LITERATURE_LAWS_A } from "./literature_a.ts";
 * assert.deepEqual(LITERATURE_LAWS_A.map((law) => law.name), [
 *   "data-mixing", "d-cpt", "vocabulary", "moe", "rectified-sft", "lr-annealing",
 *   "lr-annealing-areas", "optimal-hparams", "optimal-batch", "parallel",
 * ]);
 * ```
 */
export const LITERATURE_LAWS_A: Law[] = [
  dataMixing,
  dCpt,
  vocabulary,
  moe,
  rectifiedSft,
  lrAnnealing,
  lrAnnealingAreas,
  optimalHparams,
  optimalBatch,
  parallel,
];
