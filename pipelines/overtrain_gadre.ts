/**
 * Gadre et al. 2024 (arXiv:2403.08540), "Language models scale reliably with over-training and
 * on downstream tasks", reproduced on their released RedPajama runs (docs/methods.md 1.3, 4.4):
 *
 * - step 1: L(N, M) = alpha N^b + beta 6^(b/2) (M N)^b + E on C4 validation loss, plain least
 *   squares in linear space from their 128-start grid, on 5 runs (the four small models at
 *   M = 20 and the 11M model at M = 320);
 * - step 2: 17-task average top-1 error Err(L) = eps − k exp(−gamma L), least squares from
 *   (1, 1, 1), on 6 runs (the same five and the 1.4B model at M = 20);
 * - predict the 1.4B model at M = 640 and the 6.9B model at M = 20, and compare the relative
 *   errors with the notebook's 0.7103% and 0.7320% (loss) and 3.6365% and 0.0464% (error).
 *
 * The intervals come from a bootstrap over whole runs (200 resamples, refitting both steps);
 * with 5 and 6 runs they mostly show how little such a ladder pins down.
 *
 * Run: `deno run --allow-read --allow-env --allow-write=reports pipelines/overtrain_gadre.ts`
 * (add `--allow-ffi --allow-sys` for PNG figures). Writes `reports/overtrain-gadre/`.
 *
 * @module
 */

import type { PipelineSpec, PublishedValue } from "../lib/pipeline/mod.ts";
import { runPipelineMain } from "../lib/pipeline/mod.ts";
import {
  GADRE_ERROR_RUNS as ERROR_RUNS,
  GADRE_LOSS_GRID,
  GADRE_LOSS_LAW,
  GADRE_LOSS_RUNS as LOSS_RUNS,
  GADRE_SUBSET,
  GADRE_TARGETS as TARGETS,
} from "../lib/downstream/gadre.ts";

const SOURCE = "Gadre et al. 2024 (arXiv:2403.08540), scaling_explorer.ipynb output " +
  "(docs/methods.md 4.4), relative error in percent; tolerance ±0.05 percentage points";

/** Result path of a target's check (`loss` or `value`) in the map step. */
function path(target: string, what: "loss" | "value"): string {
  return `downstream.gadre.mappings.err17.targets.${
    target.replace(/\./g, "_")
  }.${what}.absPercentError`;
}

const published: PublishedValue[] = [
  { quantity: path(TARGETS[0], "loss"), value: 0.7103, source: SOURCE, tolerance: 0.05 },
  { quantity: path(TARGETS[1], "loss"), value: 0.7320, source: SOURCE, tolerance: 0.05 },
  { quantity: path(TARGETS[0], "value"), value: 3.6365, source: SOURCE, tolerance: 0.05 },
  { quantity: path(TARGETS[1], "value"), value: 0.0464, source: SOURCE, tolerance: 0.05 },
];

/** The over-training and downstream-error reproduction. */
export const spec: PipelineSpec = {
  name: "overtrain-gadre",
  title: "Over-training and downstream error: Gadre et al. 2024 reproduced on RedPajama",
  description: "C4 validation loss of 5 small RedPajama runs fitted with Gadre et al.'s " +
    "over-training law (128 starts, least squares), 17-task average top-1 error mapped from " +
    "the loss by their exponential on 6 runs, both predicted for the 1.4B model at M = 640 and " +
    "the 6.9B model at M = 20. Intervals: 200 bootstrap resamples of whole runs (kept modest " +
    "for `deno task reproduce`).",
  seed: 0,
  steps: [
    { step: "load", dataset: "overtrain-gadre", table: "val_losses" },
    { step: "filter", filters: [{ kind: "runs", families: ["rpj"] }], metric: "c4_val" },
    {
      step: "map",
      id: "gadre",
      join: ["downstream"],
      loss: {
        metric: "c4_val",
        law: GADRE_LOSS_LAW,
        options: {
          loss: "squared",
          space: "linear",
          optimizer: "lm",
          starts: "grid",
          maxIterations: 10000,
          params: GADRE_LOSS_GRID,
        },
        filters: [{ kind: "runs", ids: LOSS_RUNS }],
      },
      mapping: {
        law: "exp-error",
        metrics: [{ name: "err17", mean: GADRE_SUBSET, transform: "error" }],
        starts: [{ eps: 1, k: 1, gamma: 1 }],
        options: { optimizer: "lm", maxIterations: 10000 },
        filters: [{ kind: "runs", ids: ERROR_RUNS }],
      },
      targets: { filters: [{ kind: "runs", ids: TARGETS }] },
      bootstrap: { resamples: 200, seed: 0, level: 0.95 },
    },
    { step: "compare", published },
    { step: "report", figures: ["downstream"] },
  ],
};

if (import.meta.main) {
  const reportsDir = new URL("../reports", import.meta.url).pathname;
  Deno.exit(await runPipelineMain(spec, { reportsDir }));
}
