/**
 * Checkpoint-aware estimation: the study of Choshen, Zhang and Andreas, "A Hitchhiker's Guide to
 * Scaling Law Estimation" (ICML 2025, arXiv:2410.11840; docs/methods.md 1.9), on the data they
 * released (hitchhiker-colpret, a partial copy: no Pythia, OPT/BLOOM evals or Gadre curves).
 *
 * For each family (scaled set) with at least 3 model sizes and intermediate checkpoints, the
 * Chinchilla law is fitted on (number of models, smallest first) × (fraction of each run's
 * training: 10%, ..., 100%) × (final checkpoint only; every checkpoint ≥ 1e10 tokens; every
 * checkpoint), and on sliding windows of two consecutive sizes; each fit predicts the largest
 * model's checkpoints in the last 30% of its training and is scored by ARE. The fit is ColPret's
 * objective (least squares on the loss in linear space, alpha, beta ≥ 0) minimised from the
 * engine's "default" variable-projection starts rather than ColPret's single curve_fit start.
 *
 * Also: checkpoint quality checks, and model selection across forms (chinchilla,
 * chinchilla-tied, kaplan, kaplan-e, data-constrained, a user expression) by backtest error and
 * AIC/BIC on chinchilla-epoch, loss-to-loss-kempner (per corpus) and hitchhiker-colpret.
 *
 * `deno task reproduce` runs the paper's full grid (fractions 10%, 20%, ..., 100%).
 *
 * @module
 */

import type { PipelineSpec } from "../lib/pipeline/mod.ts";
import { runPipelineMain } from "../lib/pipeline/mod.ts";

/** Laws compared by the select steps (the last is a user expression). */
export const FORMS: string[] = [
  "chinchilla",
  "chinchilla-tied",
  "kaplan",
  "kaplan-e",
  "data-constrained",
  "E + A * N^(-alpha) * D^(-beta)",
];

/** The GPT-2 families of the datablations curves (one per corpus and number of epochs). */
const EPOCHS = [1, 2, 3, 4, 5, 7, 14, 44];

function study(fractions: number[]): PipelineSpec["steps"][number] {
  return {
    step: "study",
    id: "hitchhiker",
    metrics: ["loss", "val_loss", "ppl", "val_perplexity"],
    minSizes: 3,
    minCheckpoints: 5,
    fractions,
    windows: [2],
    aggregate: [
      { name: "GPT2-c4", prefix: "GPT2-c4-" },
      { name: "GPT2-oscar", prefix: "GPT2-oscar-" },
    ],
  };
}

function steps(fractions: number[]): PipelineSpec["steps"] {
  return [
    // Model selection on Epoch's Chinchilla points: fit on all but the 15 largest sizes.
    { step: "load", dataset: "chinchilla-epoch", table: "fig4" },
    { step: "filter", filters: [{ kind: "dropHighest", count: 5, metric: "loss" }] },
    {
      step: "select",
      id: "forms_chinchilla",
      laws: FORMS,
      metric: "loss",
      targets: { largest: 15 },
    },
    // Per corpus on the Kempner IsoFLOP sweeps: predict the 3 largest sizes' C4 loss.
    { step: "load", dataset: "loss-to-loss-kempner", table: "sweep" },
    {
      step: "select",
      id: "forms_kempner",
      laws: FORMS,
      metric: "eval/c4_val/CrossEntropyLoss",
      groupBy: "family",
      targets: { largest: 3 },
    },
    // The study's data.
    { step: "load", dataset: "hitchhiker-colpret", table: "observations" },
    { step: "quality", id: "checkpoints" },
    study(fractions),
    {
      step: "select",
      id: "forms_datablations",
      laws: FORMS,
      metric: "loss",
      families: EPOCHS.map((e) => `GPT2-c4-${e}ep`),
      uniqueTokens: "epochs-in-family",
      // Every 10th logged checkpoint: the curves are dense, and the data-constrained law's
      // 7-parameter fit on all 3,360 points takes 25 s.
      filters: [{ kind: "everyK", k: 10 }],
      subset: { checkpoints: "all", minTokens: 1e10 },
      targets: { minTokens: 1e10 },
    },
    {
      step: "select",
      id: "forms_curves",
      laws: FORMS,
      metric: "val_loss",
      families: ["gpt3"],
      filters: [{ kind: "everyK", k: 10 }],
      subset: { checkpoints: "all", minTokens: 1e10 },
      targets: { minTokens: 1e10 },
    },
    {
      // Prediction intervals of GPT-3 175B from the 7 smaller models (every 10th checkpoint),
      // resampling whole runs, and how often they cover the actual losses.
      step: "backtest",
      id: "gpt3_intervals",
      metric: "val_loss",
      families: ["gpt3"],
      filters: [{ kind: "everyK", k: 10 }],
      subset: { checkpoints: "all", minTokens: 1e10 },
      targets: { minTokens: 1e10 },
      options: { loss: "squared", space: "log" },
      bootstrap: { resamples: 200, by: "run", level: 0.9 },
    },
    { step: "report", figures: ["backtest"] },
  ];
}

const DESCRIPTION = "Which checkpoints and which models to fit on, after Choshen, Zhang and " +
  "Andreas (arXiv:2410.11840), on the partial copy of their data: Chinchilla fits per family " +
  "on (number of models) × (fraction of training) × (final checkpoint only, every checkpoint " +
  "from 1e10 tokens, every checkpoint) and sliding windows of sizes, each scored by ARE at the " +
  "largest model's last 30% of training; checkpoint quality checks; and model selection across " +
  "laws by backtest error and AIC/BIC on chinchilla-epoch, loss-to-loss-kempner and " +
  "hitchhiker-colpret.";

/** The paper's full grid: fractions 10%, 20%, ..., 100% (about 600 fits, ~20 s on 2 cores). */
export const spec: PipelineSpec = {
  name: "hitchhiker",
  title: "Checkpoint-aware estimation: the Hitchhiker's Guide study",
  description: DESCRIPTION,
  seed: 0,
  steps: steps([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]),
};

if (import.meta.main) {
  const reportsDir = new URL("../reports", import.meta.url).pathname;
  Deno.exit(await runPipelineMain(spec, { reportsDir }));
}
