/**
 * Gadre et al. 2024 (arXiv:2403.08540), "Language models scale reliably with over-training and
 * on downstream tasks": the constants of their RedPajama reproduction (docs/methods.md 1.3, 4.4),
 * shared by the test of `predictChain` and `pipelines/overtrain_gadre.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GADRE_ERROR_RUNS, GADRE_LOSS_RUNS, GADRE_SUBSET } from "./gadre.ts";
 * assert.equal(GADRE_SUBSET.length, 17);
 * assert.deepEqual(GADRE_ERROR_RUNS.slice(0, 5), GADRE_LOSS_RUNS);
 * ```
 *
 * @module
 */

/** The 17-task subset ("avg_subset"): `SUBSET` in scaling/constants.py of mlfoundations/scaling. */
export const GADRE_SUBSET: string[] = [
  "bigbench_operators",
  "pubmed_qa_labeled",
  "hellaswag_zeroshot",
  "boolq",
  "arc_easy",
  "coqa",
  "bigbench_dyck_languages",
  "lambada_openai",
  "bigbench_novel_concepts",
  "winograd",
  "bigbench_cs_algorithms",
  "commonsense_qa",
  "bigbench_qa_wikidata",
  "hellaswag",
  "copa",
  "squad",
  "piqa",
];

/** Step-1 (loss) runs: the four small models at M = 20 and the 11M model at M = 320. */
export const GADRE_LOSS_RUNS: string[] = [
  "rpj-d=96_l=8_h=4-1.0",
  "rpj-d=512_l=8_h=4-1.0",
  "rpj-d=576_l=24_h=8-1.0",
  "rpj-d=1024_l=24_h=8-1.0",
  "rpj-d=96_l=8_h=4-16.0",
];

/** Step-2 (error) runs: the same five plus the 1.4B model at M = 20. */
export const GADRE_ERROR_RUNS: string[] = [...GADRE_LOSS_RUNS, "rpj-open_lm_1b-1.0"];

/** The held-out targets: the 1.4B model at M = 640 and the 6.9B model at M = 20. */
export const GADRE_TARGETS: string[] = ["rpj-open_lm_1b-32.0", "rpj-open_lm_7b-1.0"];

/** Their loss law L(N, M) in their parametrisation (scaling/laws.py, `powlaw_ours`). */
export const GADRE_LOSS_LAW = "alpha*N^b + beta*6^(b/2)*(M*N)^b + E";

/**
 * Their 128-start grid for the loss law, fitted by plain least squares in linear space
 * (scipy's curve_fit, Levenberg–Marquardt).
 */
export const GADRE_LOSS_GRID: Record<string, { grid: number[] }> = {
  alpha: { grid: [100, 300, 1000, 3000] },
  beta: { grid: [100, 300, 1000, 3000] },
  b: { grid: [-0.1, -0.3] },
  E: { grid: [0, 1, 2, 10] },
};
