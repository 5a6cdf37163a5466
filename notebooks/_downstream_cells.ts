/**
 * Cells of `downstream.ipynb`: the overtrain-gadre and obsscaling pipelines run step by step,
 * with their tables and figures inline. `notebooks/_build.ts` turns this spec into the notebook
 * (add {@link DOWNSTREAM_NOTEBOOK} to its list).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DOWNSTREAM_NOTEBOOK } from "./_downstream_cells.ts";
 * assert.equal(DOWNSTREAM_NOTEBOOK.file, "downstream.ipynb");
 * assert.ok(DOWNSTREAM_NOTEBOOK.cells.some((c) => c.kind === "code" && c.source.includes("startPipeline")));
 * ```
 *
 * @module
 */

import type { NotebookSpec } from "./_build.ts";
import { code, md } from "./_cells.ts";

/** The downstream notebook: Gadre et al.'s chained prediction, then observational scaling. */
export const DOWNSTREAM_NOTEBOOK: NotebookSpec = {
  file: "downstream.ipynb",
  minFigures: 6,
  cells: [
    md(`
      # From loss to accuracy: two reproductions, step by step

      What a team wants to know before a big run is its benchmark accuracy, not its loss. This
      notebook runs two published downstream analyses with the pipeline's \`map\` step:

      1. **Gadre et al. 2024** (arXiv:2403.08540): fit an over-training law of C4 loss on five
         small RedPajama runs, map loss to the 17-task average top-1 error with an exponential,
         and predict a 1.4B model trained 640 tokens per parameter and a 6.9B model; their
         notebook reports relative errors of 0.7103% and 0.7320% (loss) and 3.6365% and 0.0464%
         (error).
      2. **Observational scaling laws** (Ruan et al. 2024, arXiv:2405.10938): a floor-aware
         sigmoid of each benchmark against log10 training compute, fitted on public models up
         to Llama-2-7B's compute and tested on every larger model.

      Both read the catalog datasets from \`SCALING_DATA_DIR\` (CI sets it). Uncertainty comes
      from a bootstrap over whole runs that refits every step. It takes a few seconds.
    `),
    code(`
      import { buildFigures, startPipeline } from "../lib/pipeline/mod.ts";
      import { spec as gadreSpec } from "../pipelines/overtrain_gadre.ts";
      import { spec as obsSpec } from "../pipelines/obsscaling.ts";
      // show() displays a markdown table or an SVG figure below the cell (see _display.ts).
      import { markdown, markdownTable, show, sig } from "./_display.ts";

      const dataDir = Deno.env.get("SCALING_DATA_DIR") || undefined;
      const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(4) + "%");
      const iv = (i: readonly number[] | null | undefined) => (i ? "[" + sig(i[0], 4) + ", " + sig(i[1], 4) + "]" : "–");
    `),
    md(`
      ## 1. Gadre et al.: loss, then error

      The spec (\`pipelines/overtrain_gadre.ts\`) loads the validation losses, keeps the
      RedPajama runs, and has one \`map\` step that joins the downstream table, averages the
      17 tasks' top-1 error, fits step 1 on the five runs and step 2 on six, and predicts the
      two held-out models.
    `),
    code(`
      const gadre = await startPipeline(gadreSpec, { dataDir });
      await show(await gadre.next()); // load
      await show(await gadre.next()); // filter: RedPajama runs
    `),
    md(`
      Step 1 uses their law L(N, M) = α N^b + β 6^(b/2) (M N)^b + E with 128 starts and plain
      least squares; step 2 is Err(L) = ε − k exp(−γ L). The bootstrap resamples whole runs
      (200 times) and refits both steps.
    `),
    code(`
      await show(await gadre.next()); // map
      const g = gadre.result.results.downstream!.gadre;
      const m = g.mappings.err17;
      await show(markdownTable(
        ["Step", "Law", "Parameters", "Points"],
        [m.loss!, m.mapping!].map((f, i) => [
          String(i + 1), f.law, Object.entries(f.params).map(([k, v]) => k + " = " + sig(v, 5)).join(", "), String(f.n),
        ]),
      ));
    `),
    md(`
      At the two held-out models: our relative errors against theirs, and the 95% intervals.
    `),
    code(`
      const published: Record<string, [number, number]> = {
        "rpj-open_lm_1b-32_0": [0.7103, 3.6365],
        "rpj-open_lm_7b-1_0": [0.7320, 0.0464],
      };
      await show(markdownTable(
        ["Target", "Quantity", "Actual", "Predicted", "95% interval", "Relative error", "Gadre et al."],
        Object.entries(m.targets).flatMap(([key, t]) => [
          [t.run, "C4 loss", sig(t.loss!.actual, 5), sig(t.loss!.predicted, 5), iv(t.loss!.interval), pct(t.loss!.absPercentError), pct(published[key][0])],
          [t.run, "17-task error", sig(t.value!.actual, 5), sig(t.value!.predicted, 5), iv(t.value!.interval), pct(t.value!.absPercentError), pct(published[key][1])],
        ]),
      ));
      const cov = g.coverage.value!;
      await show(markdown(
        cov.covered + " of " + cov.n + " held-out error values lie inside their " + 100 * cov.level +
          "% interval. With five and six runs, many resamples hold fewer distinct runs than the law has " +
          "parameters and are left out (" + m.bootstrap!.failed + " of " + m.bootstrap!.resamples + "), " +
          "and the intervals are wide: a ladder this small pins the extrapolation down only loosely.",
      ));
    `),
    md(`
      Reducible loss against compute, coloured by tokens per parameter M, with the law
      extrapolated to the targets (their Figure 1, left); the error against loss with the fitted
      exponential and its bootstrap band (right panel); and predicted against actual values.
    `),
    code(`
      for (const f of buildFigures(gadre.context, ["downstream"])) await show(f);
    `),
    code(`
      const gadreDone = await gadre.finish(); // the compare step
      await show(markdownTable(
        ["Quantity", "Ours", "Published", "Within ±0.05 points"],
        gadreDone.results.comparisons.map((c) => [
          c.quantity.split(".").slice(-3).join("."), sig(c.ours as number, 5), sig(c.published as number, 5), c.withinTolerance ? "yes" : "no",
        ]),
      ));
    `),
    md(`
      ## 2. Observational scaling: benchmarks against log compute

      Each benchmark of the ObsScaling table gets y = (1 − f) · sigmoid(w · log10 C + w0) + f
      with the floor f in [0, 0.2], fitted on the models with at most 8.4e22 FLOPs (Llama-2-7B)
      and tested on all larger ones.
    `),
    code(`
      const obs = await startPipeline(obsSpec, { dataDir });
      await show(await obs.next()); // load
      await show(await obs.next()); // map: one mapping per benchmark
      const o = obs.result.results.downstream!.obs;
      await show(markdownTable(
        ["Benchmark", "w", "w0", "Floor f", "Train models", "Train R²", "Test models", "Test MSE", "Test R²"],
        Object.values(o.mappings).map((b) => [
          b.metric, sig(b.mapping!.params.w, 4), sig(b.mapping!.params.w0, 4), sig(b.mapping!.params.f, 3),
          String(b.train.n), sig(b.train.r2, 3), String(b.test.n), sig(b.test.mse, 3), sig(b.test.r2, 3),
        ]),
      ));
    `),
    md(`
      Compute alone is a weak predictor across model families: the paper's point is that a
      low-dimensional capability score does much better. MMLU, with the fitted sigmoid and its
      run-bootstrap band (held-out models hollow), and predicted against actual values for all
      benchmarks:
    `),
    code(`
      const obsFigures = buildFigures(obs.context, ["downstream"]);
      for (const f of obsFigures.filter((f) => f.name.endsWith("-MMLU") || f.name.endsWith("-predictions"))) {
        await show(f);
      }
      const obsCov = o.coverage.value!;
      await show(markdown(
        obsCov.covered + " of " + obsCov.n + " held-out scores lie inside the " + 100 * obsCov.level +
          "% bootstrap interval of the mean curve, " + obsCov.predictionCovered +
          " inside the prediction interval that adds the residual scatter.",
      ));
    `),
  ],
};
