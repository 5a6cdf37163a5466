/**
 * Cells of `hitchhiker.ipynb`: the Hitchhiker's Guide study (Choshen, Zhang, Andreas 2025) run
 * step by step on hitchhiker-colpret — checkpoint quality, the (models × fraction × checkpoints)
 * grid with ARE heatmaps, the findings table, and model selection across laws. `_build.ts`
 * turns {@link HITCHHIKER_NOTEBOOK} into the notebook file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HITCHHIKER_NOTEBOOK } from "./_hitchhiker_cells.ts";
 * assert.equal(HITCHHIKER_NOTEBOOK.file, "hitchhiker.ipynb");
 * assert.ok(HITCHHIKER_NOTEBOOK.cells.some((c) => c.kind === "code" && c.source.includes("startPipeline")));
 * ```
 *
 * @module
 */

import type { CellSpec, NotebookSpec } from "./_build.ts";
import { code, md } from "./_cells.ts";

/** The cells, in order. */
export const HITCHHIKER_CELLS: CellSpec[] = [
  md(`
    # Which checkpoints and which models to fit on: the Hitchhiker's Guide study

    Choshen, Zhang and Andreas ("A Hitchhiker's Guide to Scaling Law Estimation", ICML 2025,
    arXiv:2410.11840) fitted more than a thousand scaling laws to published training curves and
    found that **intermediate checkpoints** make predictions more accurate, that checkpoints
    before about **10B tokens** should be dropped, that models of **similar size** to the target
    predict it best, and that **seed variance** puts a floor of a few percent on the error.

    This notebook reruns their grid on the data they released (hitchhiker-colpret; this copy
    lacks their Pythia, OPT/BLOOM-eval and Gadre curves). For each family with at least three
    model sizes and intermediate checkpoints, the Chinchilla law L = E + A/N^α + B/D^β is fitted
    on (number of models, smallest first) × (fraction of each run's training) × (final checkpoint
    only; every checkpoint ≥ 10¹⁰ tokens; every checkpoint), and each fit predicts the largest
    model's checkpoints in the last 30% of its training. The score is the absolute relative
    error ARE = mean |L − L̂| / L.

    The fit is ColPret's objective (least squares of the loss in linear space, α, β ≥ 0),
    minimised from the engine's "default" variable-projection starts; ColPret itself uses one
    curve_fit start. Fits run on all cores. Set \`SCALING_DATA_DIR\` to the datasets mirror.
  `),
  code(`
    import { buildFigures, type PipelineSpec, startPipeline } from "../lib/pipeline/mod.ts";
    // show() displays a markdown table or an SVG figure below the cell (see _display.ts).
    import { markdown, markdownTable, show, sig } from "./_display.ts";

    const dataDir = Deno.env.get("SCALING_DATA_DIR") || undefined;
    const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : sig(100 * x, 3) + "%");
    const spec: PipelineSpec = {
      name: "hitchhiker-notebook",
      steps: [
        { step: "load", dataset: "hitchhiker-colpret", table: "observations", fallback: "none" },
        { step: "quality", id: "checkpoints" },
        {
          step: "study", id: "hh", metrics: ["loss", "val_loss", "ppl", "val_perplexity"],
          fractions: [0.25, 0.5, 0.75, 1], windows: [2],
          aggregate: [{ name: "GPT2-c4", prefix: "GPT2-c4-" }, { name: "GPT2-oscar", prefix: "GPT2-oscar-" }],
        },
        {
          step: "select", id: "forms", metric: "loss",
          laws: ["chinchilla", "chinchilla-tied", "kaplan", "kaplan-e", "data-constrained"],
          families: [1, 2, 3, 4, 5, 7, 14, 44].map((e) => "GPT2-c4-" + e + "ep"),
          uniqueTokens: "epochs-in-family", filters: [{ kind: "everyK", k: 10 }],
          subset: { checkpoints: "all", minTokens: 1e10 }, targets: { minTokens: 1e10 },
        },
        { step: "report", figures: ["backtest"] },
      ],
    };
    const run = await startPipeline(spec, { dataDir });
    await show(await run.next());
  `),
  md(`
    ## Checkpoint quality

    Before fitting: duplicated checkpoints (identical values at different steps, as with
    Pythia's mislabelled checkpoints), loss spikes, tokens that do not increase with step, and
    runs with too few points. Each becomes a counted warning in the report.
  `),
  code(`
    await show(await run.next());
    const q = run.result.results.backtest!.quality.checkpoints;
    await show(markdownTable(["Check", "Found", "Runs", "Example"], q.checks.map((c) => [c.description, c.count, c.runs, c.examples[0] ?? ""])));
  `),
  md(`
    ## The grid

    Hundreds of fits; a progress bar goes to stderr. Each family gets a heatmap: rows are
    the checkpoint setting and the number of training models, columns the fraction of training
    used. "–" marks fits with fewer points than the law's five parameters (final checkpoints of
    fewer than five models).
  `),
  code(`
    await show(await run.next());
    const study = run.result.results.backtest!.studies.hh;
    await show(markdownTable(
      ["Family", "Metric", "Sizes", "Fitted", "Best ARE", "Best cell"],
      study.summary.map((r) => [r.family, r.metric, r.sizes, r.fitted + "/" + r.cells, pct(r.bestAre), r.best ?? "–"]),
    ));
  `),
  code(`
    for (const f of buildFigures(run.context, ["backtest"])) await show(f);
  `),
  md(`
    ## The paper's findings on this data

    Each verdict comes with the numbers that decide it (also in results.json).
  `),
  code(`
    await show(markdownTable(["Finding", "Verdict", "Evidence"], study.findings.map((f) => [f.claim, f.verdict, f.evidence])));
  `),
  md(`
    ## Which law? Model selection on the multi-epoch GPT-2 curves

    The datablations runs repeat their data for 1 to 44 epochs, so the data-constrained law
    (which needs the unique tokens U, read here from the family name) should win. Laws are
    compared by the ARE of their prediction of the 8.7B models and by AIC/BIC under a Gaussian
    likelihood of the log residuals.
  `),
  code(`
    await show(await run.next());
    const sel = run.result.results.backtest!.selections.forms.groups[0];
    await show(markdownTable(
      ["Law", "Backtest ARE", "ΔBIC", "Akaike weight"],
      sel.rows.map((r) => [r.law, pct(r.are), sig(r.deltaBic), sig(r.akaikeWeight, 3)]),
    ));
    await run.finish();
  `),
];

/** The notebook, for `_build.ts`. */
export const HITCHHIKER_NOTEBOOK: NotebookSpec = {
  file: "hitchhiker.ipynb",
  minFigures: 5,
  cells: HITCHHIKER_CELLS,
};
