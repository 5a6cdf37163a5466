/**
 * Laws of the literature catalog fitted on real data (issue 7), from the Hitchhiker's Guide
 * dataset (Choshen et al. 2024, arXiv:2410.11840; `hitchhiker-colpret` in the catalog):
 *
 * - `data-constrained` (Muennighoff et al. 2023, arXiv:2305.16264) on the 229 final losses of
 *   their data-constrained grid (`datablations_final`, metric `openLM_loss`), with unique
 *   tokens U = D/epochs from the run field `epochs`. All seven parameters are fitted at once
 *   with the toolkit's defaults (Huber δ = 1e-3 on log loss). The paper fits in two stages
 *   (the Chinchilla part on 54 single-epoch C4 points, then R_D*, R_N* on 182 runs), so its
 *   numbers are shown for context but not judged.
 * - `power-law` and `bnsl` (Caballero et al. 2022, arXiv:2210.14891) on two training-loss
 *   curves against tokens, fitted on the early part of the curve and extrapolated to the rest:
 *   LLM360 K2-65B (fit on 1e10-3.5e11 tokens, evaluated on 3.5e11-1.33e12) and LLM360
 *   Mamba-3B (a 25-point moving average of its noisy per-step loss; fit on 1e10-1.5e11 tokens,
 *   evaluated on 1.5e11-5e11). Checkpoints before 1e10 tokens are dropped, as the Hitchhiker's
 *   Guide recommends. The BNSL break gets a start grid and bounds in the tokens range (its
 *   default grid is for x up to ~1e8).
 *
 * Not here: `data-mixing` on the BiMix rows. The copy of the dataset has the per-domain losses
 * of 6 mixtures per corpus but not the mixture proportions (BiMix's `ratios.pkl` was not
 * converted; the model names give only the mixing method: baseline, DoReMi, CE, JE, SE, VNE).
 * Even with the proportions, 6 mixtures cannot identify one law per target domain with 7
 * (SlimPajama) or 22 (Pile) training domains: it has M + 1 free parameters with k fixed.
 *
 * The dataset is mirror-only: set `SCALING_DATA_DIR` to a folder holding
 * `hitchhiker-colpret/`. Without it the pipeline fails (there is no synthetic stand-in for
 * these curves).
 *
 * Run: `deno run --allow-read --allow-env --allow-write=reports --allow-ffi --allow-sys
 * pipelines/literature.ts`. Writes `reports/literature/`.
 *
 * @module
 */

import type { PipelineSpec, PublishedValue } from "../lib/pipeline/mod.ts";
import { runPipelineMain } from "../lib/pipeline/mod.ts";

const K2 = "llm360_k2/K2";
const K2_LOSS = "k2 training - lm loss";
const MAMBA = "llm360_mamba3b/LLM360Mamba3B";
/** Last token count of the fitted part of each curve. */
const K2_CUT = 3.5e11;
const MAMBA_CUT = 1.5e11;
/** Width of the trailing moving average of Mamba's per-step loss (logged points). */
const MAMBA_SMOOTHING = 25;
/** Choshen et al.'s rule: drop checkpoints before 1e10 tokens. */
const MIN_TOKENS = 1e10;

const MUENNIGHOFF = "Muennighoff et al. 2023 (arXiv:2305.16264), datablations README and " +
  "notebook (docs/methods.md 4.2): two stages, the Chinchilla part on 54 single-epoch C4 " +
  "points, then R_D* and R_N* on 182 runs; for context, not judged (this is one joint fit of " +
  "all 229 final losses)";

/** BNSL on training curves: the break's start grid and bounds in the tokens range. */
const BNSL_OPTIONS = { params: { d1: { grid: [3e10, 1e11, 3e11], min: 1e10, max: 1e13 } } };

const published: PublishedValue[] = [
  { quantity: "fits.datablations.params.RDstar", value: 15.387756, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.RNstar", value: 5.309743, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.alpha", value: 0.3526596, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.beta", value: 0.3526596, source: MUENNIGHOFF },
];

/** The literature-catalog pipeline. */
export const spec: PipelineSpec = {
  name: "literature",
  title: "Literature laws on real data: data-constrained, broken power laws on training curves",
  description: "Muennighoff et al.'s data-constrained law on the 229 final losses of their " +
    "repetition grid, and power-law / BNSL learning curves of LLM360 K2-65B and Mamba-3B fitted " +
    "on the early part of training and extrapolated to the rest (Hitchhiker's Guide data).",
  seed: 7,
  steps: [
    { step: "load", dataset: "hitchhiker-colpret", table: "observations" },
    {
      step: "fit",
      id: "datablations",
      law: "data-constrained",
      metric: "openLM_loss",
      x: { N: "N", D: "D", U: "D/epochs" },
    },
    { step: "compare", published },
    // K2: early part of the curve.
    {
      step: "filter",
      filters: [
        { kind: "runs", ids: [K2] },
        { kind: "minTokens", tokens: MIN_TOKENS },
        { kind: "maxTokens", tokens: K2_CUT },
      ],
    },
    { step: "fit", id: "k2-power-law", law: "power-law", metric: K2_LOSS, x: { x: "D" } },
    {
      step: "fit",
      id: "k2-bnsl",
      law: "bnsl",
      metric: K2_LOSS,
      x: { x: "D" },
      options: BNSL_OPTIONS,
    },
    {
      step: "evaluate",
      fit: "k2-power-law",
      targets: { filters: [{ kind: "runs", ids: [K2] }, { kind: "minTokens", tokens: K2_CUT }] },
    },
    {
      step: "evaluate",
      fit: "k2-bnsl",
      targets: { filters: [{ kind: "runs", ids: [K2] }, { kind: "minTokens", tokens: K2_CUT }] },
    },
    // Mamba-3B: a fresh copy of the data, smoothed, early part.
    { step: "load", dataset: "hitchhiker-colpret", table: "observations" },
    {
      step: "filter",
      filters: [
        { kind: "runs", ids: [MAMBA] },
        { kind: "movingAverage", width: MAMBA_SMOOTHING, metrics: ["loss"] },
        { kind: "minTokens", tokens: MIN_TOKENS },
        { kind: "maxTokens", tokens: MAMBA_CUT },
      ],
    },
    { step: "fit", id: "mamba-power-law", law: "power-law", metric: "loss", x: { x: "D" } },
    {
      step: "fit",
      id: "mamba-bnsl",
      law: "bnsl",
      metric: "loss",
      x: { x: "D" },
      options: BNSL_OPTIONS,
    },
    {
      step: "evaluate",
      fit: "mamba-power-law",
      targets: {
        filters: [
          { kind: "runs", ids: [MAMBA] },
          { kind: "movingAverage", width: MAMBA_SMOOTHING, metrics: ["loss"] },
          { kind: "minTokens", tokens: MAMBA_CUT },
        ],
      },
    },
    {
      step: "evaluate",
      fit: "mamba-bnsl",
      targets: {
        filters: [
          { kind: "runs", ids: [MAMBA] },
          { kind: "movingAverage", width: MAMBA_SMOOTHING, metrics: ["loss"] },
          { kind: "minTokens", tokens: MAMBA_CUT },
        ],
      },
    },
    // The learning-curve figures already draw the held-out tail against the extrapolation;
    // residuals against model size say nothing for single-run curves, and a predicted-vs-actual
    // scatter of 1,500 points of one run is unreadable. The evaluation tables carry the errors.
    { step: "report", figures: ["fit"] },
  ],
};

if (import.meta.main) {
  const reportsDir = new URL("../reports", import.meta.url).pathname;
  Deno.exit(await runPipelineMain(spec, { reportsDir }));
}
