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
 *   default grid is for x up to ~1e8), and its asymptote a is kept non-negative. BNSL is not
 *   identified on these curves: the break falls past K2's fitted range, and Mamba's fit ends
 *   with a on its bound and huge standard errors; both extrapolate worse than the power law.
 *
 * - `data-mixing` (Ye et al. 2024, arXiv:2403.16952) on Muennighoff et al.'s code-mixture runs
 *   (`datablations_code`): nine 4.2B models trained for 84B tokens on C4 mixed with Python
 *   code in shares 10%, 20%, ..., 90%, with a C4 validation loss (`gen_loss`) and a Python one
 *   (`code_loss`). One law per target domain, in Ye et al.'s two-domain form: the loss on a
 *   domain is L = c + k·exp(t·r) with r that domain's own share of the training mixture. Each
 *   law is fitted on the final checkpoints of the seven runs where that domain's share is 10-70%
 *   (1000 bootstrap resamples of the runs) and predicts the two held-out runs where it is 80%
 *   and 90% (extrapolation in the mixture).
 *
 *   What the result shows: the law over-predicts all four held-out losses (C4 by 0.27% and
 *   0.75%, Python by 1.3% and 2.4%). Its fitted floor c lies above the held-out losses (C4
 *   2.467 against 2.460 at 90%; Python 0.559 against 0.560 and 0.571 at 90% and 80%, with the
 *   law at 0.570 for a share of 1), so the fitted form cannot reach them. A straight line
 *   through the last two fitted shares does about as well (C4 -0.23% and -0.25%, Python -1.5%
 *   and -2.3%), and the errors are of the order of the evaluation noise (one seed per mixture;
 *   neighbouring checkpoints differ by up to 1% in Python loss). bench/scipy_data_mixing.py
 *   computes the fits and these baselines with scipy.
 *
 *   The share of each run is joined from this file (`runFields`). The mirror's conversion names
 *   the runs `c4-<p>%code`, where <p> is the C4 share, not the code share. Muennighoff et al.'s
 *   own names are `4b284b84b<p>c4py`, their notebook (plotstables/python.ipynb) takes 100 - p
 *   as the percentage of Python data, and ColPret's loader writes `c4-<p>%-code-<100-p>%`. The
 *   data agree: the C4 loss falls and the Python loss rises with p at every checkpoint, and the
 *   run with p = 90 has C4 loss 2.4596, next to 2.4565 for a pure-C4 run of the same size and
 *   tokens (`GPT2-4b284b84b` in `datablations_final`, metric `openLM_loss`; a different run and
 *   file, so supporting evidence only).
 *
 * Not here: `data-mixing` on the BiMix rows. The copy of the dataset has the per-domain losses
 * of 6 mixtures per corpus but not the mixture proportions (BiMix's `ratios.pkl` was not
 * converted; the model names give only the mixing method: baseline, DoReMi, CE, JE, SE, VNE).
 * Even with the proportions, 6 mixtures cannot identify one law per target domain with 7
 * (SlimPajama) or 22 (Pile) training domains: it has M + 1 free parameters with k fixed. With
 * the proportions in hand, join them as run fields (`runFields`, or `runsFile` for a file) and
 * fit each domain on its own share, as below.
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

/** C4 shares p (percent) of Muennighoff et al.'s code-mixture runs. */
export const CODE_MIX_SHARES: readonly number[] = [10, 20, 30, 40, 50, 60, 70, 80, 90];
/** Id of the code-mixture run with C4 share p (percent; the name reads "%code", see above). */
export const codeMixRun = (c4Percent: number): string =>
  `datablations_code/GPT2-4.20B-c4-${c4Percent}%code`;
/** C4 and Python shares of each code-mixture run, joined as run fields. */
const CODE_MIX_FIELDS = Object.fromEntries(
  CODE_MIX_SHARES.map((p) => [codeMixRun(p), { c4_share: p / 100, python_share: 1 - p / 100 }]),
);
/** Runs whose C4 share is at most 70% (fit) or above (held out), and the same for Python. */
const C4_FIT = CODE_MIX_SHARES.filter((p) => p <= 70).map(codeMixRun);
const C4_HELD_OUT = CODE_MIX_SHARES.filter((p) => p > 70).map(codeMixRun);
const PYTHON_FIT = CODE_MIX_SHARES.filter((p) => p >= 30).map(codeMixRun);
const PYTHON_HELD_OUT = CODE_MIX_SHARES.filter((p) => p < 30).map(codeMixRun);

/**
 * BNSL on training curves: the break's start grid and bounds in the tokens range; the asymptote
 * a (the loss as tokens grow) bounded below by 0, since a loss cannot be negative (unbounded,
 * Mamba's fit wandered to a = -7 and stopped at the iteration limit); 5000 iterations. This
 * rules out a negative loss; it does not make BNSL identified on these curves (module doc).
 */
const BNSL_OPTIONS = {
  maxIterations: 5000,
  params: {
    a: { min: 0, grid: [0, 0.5, 1] },
    d1: { grid: [3e10, 1e11, 3e11], min: 1e10, max: 1e13 },
  },
};

const published: PublishedValue[] = [
  { quantity: "fits.datablations.params.RDstar", value: 15.387756, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.RNstar", value: 5.309743, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.alpha", value: 0.3526596, source: MUENNIGHOFF },
  { quantity: "fits.datablations.params.beta", value: 0.3526596, source: MUENNIGHOFF },
];

/**
 * Steps of one target domain: fresh code-mixture runs with their shares, the fitted runs' final
 * checkpoints, the law of `metric` against the domain's own `share` (fit `mixing-<domain>`),
 * and its predictions of the held-out runs.
 */
function mixingSteps(
  domain: string,
  metric: string,
  share: string,
  fitted: string[],
  heldOut: string[],
): PipelineSpec["steps"] {
  const id = `mixing-${domain}`;
  return [
    {
      step: "load",
      dataset: "hitchhiker-colpret",
      table: "observations",
      runFields: CODE_MIX_FIELDS,
    },
    { step: "filter", filters: [{ kind: "runs", ids: fitted }, { kind: "final" }] },
    {
      step: "fit",
      id,
      law: "data-mixing",
      metric,
      x: { r1: share },
      bootstrap: { resamples: 1000, by: "run" },
    },
    {
      step: "evaluate",
      fit: id,
      targets: { filters: [{ kind: "runs", ids: heldOut }, { kind: "final" }] },
    },
  ];
}

/**
 * Data mixing on the code-mixture runs: one law per target domain, each on its own share (see
 * the module doc). Exported for the test that pins these fits against scipy.
 */
export const dataMixingSteps: PipelineSpec["steps"] = [
  ...mixingSteps("c4", "gen_loss", "c4_share", C4_FIT, C4_HELD_OUT),
  ...mixingSteps("python", "code_loss", "python_share", PYTHON_FIT, PYTHON_HELD_OUT),
];

/** The literature-catalog pipeline. */
export const spec: PipelineSpec = {
  name: "literature",
  title: "Literature laws on real data: data-constrained, data mixing, broken power laws",
  description: "Muennighoff et al.'s data-constrained law on the 229 final losses of their " +
    "repetition grid; Ye et al.'s data mixing law on their nine C4/Python code-mixture runs " +
    "(one law per validation domain against that domain's share, fitted on shares 10-70% and " +
    "predicting 80% and 90%; the percentage in the runs' names is the C4 share, see " +
    "pipelines/literature.ts). The mixing law over-predicts all four held-out losses, its " +
    "fitted floor lies above them, and a straight line through the last two fitted shares does " +
    "about as well: read these fits as a demonstration, not as evidence for the law. Also " +
    "power-law / BNSL learning curves of LLM360 K2-65B and Mamba-3B fitted on the early part " +
    "of training and extrapolated to the rest (Hitchhiker's Guide data); BNSL is not " +
    "identified on these curves. Not fitted: data mixing on the BiMix rows, whose mixture " +
    "proportions are not in the data.",
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
    ...dataMixingSteps,
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
