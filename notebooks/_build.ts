/**
 * Generate the notebooks of this folder from the cells written below (markdown and TypeScript
 * as strings), as nbformat 4.5 JSON without outputs, so that notebooks are reviewed as code and
 * regenerated rather than edited in Jupyter:
 *
 *     deno run --allow-read --allow-write=notebooks notebooks/_build.ts
 *
 * Outputs are produced by executing the notebooks (CI does it in notebooks_test.ts). Each
 * notebook declares in `metadata.scaling.minFigures` how many figures it must show.
 *
 * @example Build without writing
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildNotebooks } from "./_build.ts";
 * const nbs = buildNotebooks();
 * const quickstart = JSON.parse(nbs["quickstart.ipynb"]);
 * assert.equal(quickstart.metadata.kernelspec.name, "deno");
 * assert.ok(quickstart.metadata.scaling.minFigures >= 5);
 * ```
 *
 * @module
 */

import { DOWNSTREAM_NOTEBOOK } from "./_downstream_cells.ts";
import { HITCHHIKER_NOTEBOOK } from "./_hitchhiker_cells.ts";
import { code, md } from "./_cells.ts";

/** One cell, as written. */
export interface CellSpec {
  kind: "markdown" | "code";
  source: string;
}

/** One notebook, as written. */
export interface NotebookSpec {
  /** File name, e.g. `"quickstart.ipynb"`. */
  file: string;
  /** Fewest figures (image outputs) the executed notebook must show. */
  minFigures: number;
  cells: CellSpec[];
}

// -------------------------------------------------------------------------------------------
// quickstart.ipynb

const QUICKSTART: NotebookSpec = {
  file: "quickstart.ipynb",
  minFigures: 5,
  cells: [
    md(`
      # Quickstart: fit a scaling law to a synthetic ladder

      This notebook walks through a whole scaling-law study on data whose answer we know: a
      **synthetic ladder** of training runs drawn from a Chinchilla law
      L(N, D) = E + A/N^α + B/D^β (loss in nats per token, N parameters, D training tokens).
      Because the true parameters are known, every estimate below can be checked.

      Steps: build the ladder → look at it → keep the final checkpoints → fit the law →
      compare with the truth → bootstrap intervals → predict a larger run → compute-optimal
      allocation at a budget.

      Run it with the Deno kernel (\`deno jupyter --install\` once, then pick "Deno" in Jupyter or
      VS Code). It takes a few seconds.
    `),
    code(`
      import { syntheticLadder, syntheticTruth, chinchillaLoss } from "../lib/data/synthetic.ts";
      import { applyFilters } from "../lib/data/filter.ts";
      import { ladderToRecords, metricPoints } from "../lib/data/schema.ts";
      import { fit } from "../lib/fit/fit.ts";
      import { bootstrap } from "../lib/fit/bootstrap.ts";
      import { optimalAllocation } from "../lib/fit/allocation.ts";
      import { evaluateLaw, getLaw } from "../lib/laws/mod.ts";
      import { allocation, bootstrapHistograms, dataOverview, lawFit, residuals } from "../lib/plot/mod.ts";
      // show() displays a markdown table or an SVG figure below the cell (see _display.ts).
      import { figure, markdown, markdownTable, show, sig } from "./_display.ts";
    `),
    md(`
      ## 1. Build the synthetic ladder

      \`syntheticLadder\` trains (on paper) 6 model sizes from 20M to 1B parameters, each for
      5, 10, 20 and 40 tokens per parameter, with 2 seeds: 48 runs. Each run logs 20
      checkpoints under a cosine learning-rate schedule, plus three downstream accuracies. The
      observed loss carries 0.5% multiplicative noise. Everything is seeded, so this notebook
      gives the same numbers every time.
    `),
    code(`
      const SEED = 1;
      const truth = syntheticTruth({ seed: SEED });
      const ladder = syntheticLadder({ seed: SEED });
      await show(markdown(
        "**" + ladder.runs.length + " runs**, " + ladder.checkpoints.run.length + " checkpoints, metrics " +
          ladder.metrics.map((m) => "\`" + m + "\`").join(", ") + ".\\n\\n" +
          "True law: " + Object.entries(truth.law).map(([k, v]) => k + " = " + v).join(", ") + ".",
      ));
    `),
    md(`
      ## 2. Look at the data

      One row per (size, tokens per parameter): the run's training tokens and the loss at its
      final checkpoint for each seed.
    `),
    code(`
      // Final loss of each run: the observation of "loss" at the run's largest token count.
      const finalLoss = new Map<string, { tokens: number; loss: number }>();
      for (const r of ladderToRecords(ladder)) {
        if (r.metric !== "loss") continue;
        const seen = finalLoss.get(r.run);
        if (!seen || r.tokens > seen.tokens) finalLoss.set(r.run, { tokens: r.tokens, loss: r.value });
      }
      const rows: (string | number)[][] = [];
      for (const run of ladder.runs.filter((r) => r.seed === "0")) {
        const twin = ladder.runs.find((r) =>
          r.seed === "1" && r.params === run.params && r.fields?.tokenMultiplier === run.fields?.tokenMultiplier
        )!;
        const a = finalLoss.get(run.id)!, b = finalLoss.get(twin.id)!;
        rows.push([sig(run.params, 3), run.fields!.tokenMultiplier, sig(a.tokens, 3), a.loss.toFixed(4), b.loss.toFixed(4)]);
      }
      await show(markdownTable(["N (params)", "D/N", "D (tokens)", "final loss, seed 0", "final loss, seed 1"], rows));
    `),
    md(`
      Every checkpoint of every run, placed by model size and training compute C = 6ND and
      coloured by loss:
    `),
    code(`
      const all = metricPoints(ladder, "loss");
      await show(figure(dataOverview(
        { points: Array.from(all.y, (loss, i) => ({ params: all.N[i], flops: all.C[i], loss })) },
        { title: "Synthetic ladder", caption: "Every checkpoint of the 48 runs; compute C = 6ND." },
      )));
    `),
    md(`
      ## 3. Keep the final checkpoints

      A checkpoint taken in the middle of a cosine schedule sits *above* the loss of a run
      trained to that token count: its learning rate has not been annealed yet. The law
      describes fully trained runs, so we keep only each run's final checkpoint. Filters are
      plain data; \`applyFilters\` reports what each one kept and dropped.
    `),
    code(`
      const filtered = applyFilters(ladder, [{ kind: "final" }]);
      await show(markdownTable(
        ["Filter", "Kept", "Dropped", "Why"],
        filtered.report.map((r) => [r.filter, r.kept, r.dropped, r.reason]),
      ));
    `),
    md(`
      ## 4. Fit the Chinchilla law

      \`fit\` minimises the Huber loss (δ = 10⁻³) of the residuals log L − log L̂, summed over
      points, as Epoch AI's replication of Chinchilla does. The \`"default"\` start strategy
      solves for the linear coefficients exactly at each exponent pair (variable projection)
      and then refines: it finds the global optimum in a fraction of a second.
    `),
    code(`
      const points = metricPoints(filtered.ladder, "loss");
      const data = { inputs: { N: points.N, D: points.D }, y: points.y, groups: points.run };
      const result = await fit("chinchilla", data, { starts: "default" });
      await show(markdown(
        "Converged: **" + result.converged + "** (" + result.message + "), " + result.n + " points, " +
          "objective " + sig(result.objective) + ", R² " + result.r2.toFixed(5) + ", " +
          (result.seconds * 1000).toFixed(0) + " ms.",
      ));
    `),
    md(`
      ## 5. Fitted against true parameters

      Standard errors come from the inverse Hessian of the objective at the optimum.
    `),
    code(`
      const NAMES = ["E", "A", "B", "alpha", "beta"] as const;
      await show(markdownTable(
        ["Parameter", "True", "Fitted", "Std. error", "Fitted − true", "In units of SE"],
        NAMES.map((k) => {
          const p = result.params[k], t = truth.law[k];
          const se = p.stderr ?? NaN;
          return [k, sig(t), sig(p.value), sig(se, 2), sig(p.value - t, 2), ((p.value - t) / se).toFixed(2)];
        }),
      ));
    `),
    md(`
      The fitted law against the data, one colour per model size. Solid lines cover the
      observed token range; dashed lines extrapolate. The hollow marker is a held-out 7B run
      trained for 20 tokens per parameter (drawn from the same generator with another seed),
      far beyond the largest run of the ladder.
    `),
    code(`
      const law = getLaw("chinchilla");
      const fitted = {
        E: result.params.E.value, A: result.params.A.value, B: result.params.B.value,
        alpha: result.params.alpha.value, beta: result.params.beta.value,
      };
      const bigN = 7e9, bigD = 20 * bigN;
      const heldOut = syntheticLadder({ seed: 101, sizes: [bigN], tokenMultipliers: [20], seeds: 1, checkpoints: 2 });
      const bigActual = metricPoints(applyFilters(heldOut, [{ kind: "final" }]).ladder, "loss").y[0];
      // Each size's curve starts at its smallest token count and runs to 1e12 tokens.
      const sizes = [...new Set(points.N)].sort((a, b) => a - b);
      const tokenGrid = (from: number) => Array.from({ length: 50 }, (_, i) => from * (1e12 / from) ** (i / 49));
      const curveOf = (n: number, x: number[]) => ({ series: n, x, loss: x.map((d) => evaluateLaw(law, { N: n, D: d }, fitted)) });
      await show(figure(lawFit(
        {
          points: Array.from(points.y, (loss, i) => ({ x: points.D[i], loss, series: points.N[i] })),
          curves: [
            ...sizes.map((n) => curveOf(n, tokenGrid(Math.min(...points.D.filter((_, i) => points.N[i] === n))))),
            curveOf(bigN, tokenGrid(1e10)),
          ],
          targets: [{ series: bigN, x: bigD, loss: bigActual, label: "7B held out" }],
        },
        { title: "Chinchilla law fitted to the final checkpoints" },
      )));
    `),
    md(`
      Residuals in the space of the fit (log loss). With the right law they scatter around
      zero at about the generator's noise level (σ = 0.005) and show no trend in N or in tokens
      per parameter.
    `),
    code(`
      const predicted = new Float64Array(points.y.length);
      law.predict([points.N, points.D], Float64Array.from(law.params, (p) => fitted[p.name as keyof typeof fitted]), predicted);
      await show(figure(residuals(
        {
          points: Array.from(points.y, (y, i) => ({
            x: points.N[i],
            residual: Math.log(y) - Math.log(predicted[i]),
            series: "D/N = " + filtered.ladder.runs[points.run[i]].fields!.tokenMultiplier,
          })),
        },
        { title: "Residuals", seriesLabel: "Tokens per parameter" },
      )));
    `),
    md(`
      ## 6. Bootstrap intervals

      Resample the 48 points with replacement, refit each resample (from the full-data
      optimum), and read 95% percentile intervals off the draws. 200 resamples keep this
      notebook fast; use 1000 or more for published numbers.
    `),
    code(`
      const boot = await bootstrap("chinchilla", data, { resamples: 200, seed: SEED, estimate: result });
      await show(markdownTable(
        ["Parameter", "True", "Fitted", "95% interval", "Bootstrap SE", "Truth inside"],
        NAMES.map((k) => {
          const [lo, hi] = boot.intervals[k];
          const t = truth.law[k];
          return [k, sig(t), sig(boot.estimate[k]), "[" + sig(lo) + ", " + sig(hi) + "]", sig(boot.stderr[k], 2), lo <= t && t <= hi ? "yes" : "no"];
        }),
      ));
    `),
    code(`
      await show(figure(bootstrapHistograms(
        {
          parameters: NAMES.map((k) => ({
            name: k, draws: boot.draws[k], estimate: boot.estimate[k],
            lower: boot.intervals[k][0], upper: boot.intervals[k][1],
          })),
        },
        { title: "Bootstrap distributions (" + (boot.resamples - boot.failed) + " refits)" },
      )));
    `),
    md(`
      ## 7. Predict a larger run

      The prediction for the held-out 7B run at 140B tokens (7× the largest model of the
      ladder, 3.5× its largest token count), with the 95% band of the law over the bootstrap draws. The band
      covers the uncertainty of the parameters, not the run-to-run noise of a single run.
    `),
    code(`
      const band = boot.predict({ N: bigN, D: bigD });
      const trueBig = chinchillaLoss(truth.law, bigN, bigD);
      await show(markdownTable(
        ["Quantity", "Loss"],
        [
          ["Predicted (fitted law)", evaluateLaw(law, { N: bigN, D: bigD }, fitted).toFixed(4)],
          ["95% band", "[" + band.low[0].toFixed(4) + ", " + band.high[0].toFixed(4) + "]"],
          ["True law", trueBig.toFixed(4)],
          ["Observed (held-out run, with noise)", bigActual.toFixed(4)],
        ],
      ));
    `),
    md(`
      ## 8. Compute-optimal allocation

      For a budget C = 6ND, the Chinchilla closed form gives the model size N_opt and the
      tokens D_opt that minimise the fitted loss (Hoffmann et al.'s Approach 3). At
      C = 10²² FLOPs:
    `),
    code(`
      const BUDGET = 1e22;
      const ours = optimalAllocation(fitted, BUDGET);
      const exact = optimalAllocation(truth.law, BUDGET);
      const bands = boot.allocation(Float64Array.of(BUDGET));
      await show(markdownTable(
        ["", "N_opt (params)", "D_opt (tokens)", "Tokens per parameter"],
        [
          ["Fitted", sig(ours.params, 3), sig(ours.tokens, 3), ours.tokensPerParam.toFixed(1)],
          ["95% band", "[" + sig(bands.params.low[0], 3) + ", " + sig(bands.params.high[0], 3) + "]",
            "[" + sig(bands.tokens.low[0], 3) + ", " + sig(bands.tokens.high[0], 3) + "]",
            "[" + bands.tokensPerParam.low[0].toFixed(1) + ", " + bands.tokensPerParam.high[0].toFixed(1) + "]"],
          ["True law", sig(exact.params, 3), sig(exact.tokens, 3), exact.tokensPerParam.toFixed(1)],
        ],
      ));
    `),
    md(`
      The allocation is far less certain than the loss prediction of section 7: the split of a
      budget between N and D turns on the exponents' ratio β/(α+β), which 48 small runs pin down
      only loosely. Across budgets, with the true allocation for reference:
    `),
    code(`
      const compute = Float64Array.from({ length: 41 }, (_, i) => 10 ** (18 + i * 0.2)); // 1e18 .. 1e26
      const alloc = boot.allocation(compute);
      const trueAlloc = optimalAllocation(truth.law, compute);
      await show(figure(allocation(
        {
          series: [
            {
              label: "Fitted (95% bootstrap band)",
              compute,
              params: alloc.estimate.params,
              paramsLower: alloc.params.low,
              paramsUpper: alloc.params.high,
              tokensPerParam: alloc.estimate.tokensPerParam,
              tokensPerParamLower: alloc.tokensPerParam.low,
              tokensPerParamUpper: alloc.tokensPerParam.high,
            },
            { label: "True law", compute, params: trueAlloc.params, tokensPerParam: trueAlloc.tokensPerParam },
          ],
          models: [{ label: "7B held out", compute: 6 * bigN * bigD, params: bigN }],
        },
        { width: 860, title: "Compute-optimal allocation", bandLabel: "95% interval" },
      )));
    `),
    md(`
      ## Next

      - \`chinchilla.ipynb\` replicates Epoch AI's refit of Chinchilla on the published data.
      - \`pipelines/quickstart.ts\` runs a similar study as a declarative pipeline spec (plain
        data, also writable as JSON) and writes a report with these figures.
    `),
  ],
};

// -------------------------------------------------------------------------------------------
// chinchilla.ipynb

const CHINCHILLA: NotebookSpec = {
  file: "chinchilla.ipynb",
  minFigures: 6,
  cells: [
    md(`
      # Chinchilla's Approach 3, replicated on Epoch AI's data

      Hoffmann et al. (2022, arXiv:2203.15556) fitted L(N, D) = E + A/N^α + B/D^β to their
      training runs and concluded that parameters and tokens should grow about equally with
      compute. Besiroglu, Erdil, Barnett and You at Epoch AI (2024, arXiv:2404.10102) recovered
      245 (N, C, loss) points from the vector graphics of Chinchilla's Figure 4, refitted the law
      and found estimates that differ from the published ones, with much wider intervals. This
      notebook redoes Epoch's refit with this toolkit, one pipeline step at a time, and puts our
      numbers next to theirs.

      **Data.** The catalog dataset \`chinchilla-epoch\` (table \`fig4\`): 245 points with
      D = C/(6N). It is read from the mirror folder in the environment variable
      \`SCALING_DATA_DIR\` (layout \`chinchilla-epoch/chinchilla_fig4.csv\`; CI sets it) and checked
      against the catalog's sha256. Without a mirror the catalog looks in the user cache
      (\`~/.cache/scaling-toolkit\`); the file cannot be downloaded (it was converted from Epoch's
      CSV). This notebook never substitutes synthetic data: without the file, step 1 fails and
      says where it looked.

      **Time.** About half a minute: most of it is Hoffmann's 4500-start grid and 400 bootstrap
      refits. \`deno task reproduce\` runs the same study with Epoch's full 4000 resamples and
      writes the report to \`reports/chinchilla/\`.
    `),
    code(`
      import { buildFigures, type PipelineSpec, startPipeline } from "../lib/pipeline/mod.ts";
      import { metricPoints } from "../lib/data/schema.ts";
      import { optimalAllocation } from "../lib/fit/allocation.ts";
      import { allocation } from "../lib/plot/mod.ts";
      // show() displays a markdown table or an SVG figure below the cell (see _display.ts).
      import { figure, markdown, markdownTable, show, sig } from "./_display.ts";

      const dataDir = Deno.env.get("SCALING_DATA_DIR") || undefined;
      await show(markdown(
        dataDir
          ? "Datasets are read from \`" + dataDir + "\` (SCALING_DATA_DIR)."
          : "SCALING_DATA_DIR is not set: the catalog looks in the user cache only.",
      ));
    `),
    md(`
      ## The pipeline

      The study is a declarative pipeline spec, plain data that could equally live in a JSON
      file:

      1. **load** the 245 points;
      2. **filter**: drop the 5 highest losses, Epoch's outlier rule (keep the points strictly
         below the 5th-largest loss), leaving 240;
      3. **fit** the Chinchilla law with Epoch's objective: the Huber loss (δ = 10⁻³) of the
         residuals log L − log L̂, **summed** over points (averaging makes L-BFGS-B stop early),
         from Hoffmann's grid of 5 × 5 × 5 × 6 × 6 = 4500 starts; then **bootstrap** the fit:
         resample the 240 points with replacement, refit each resample from the estimate, and
         take 95% percentile intervals (400 resamples here, 4000 in \`deno task reproduce\`);
      4. **allocation**: the compute-optimal N and D of the fitted law (Approach 3 closed form)
         with 80% bootstrap bands, as Epoch plots them;
      5. **isoflop**: Hoffmann's Approach 2 on the same points, grouped by compute budget;
      6. **compare** with Epoch's published numbers (docs/methods.md 4.1);
      7. **report**: the figures to draw.
    `),
    code(`
      const GRID = "Epoch AI notebook: 4500-start grid, Huber-sum objective";
      const CI = "Epoch AI notebook: 95% bootstrap percentile CI, 4000 resamples";
      const spec: PipelineSpec = {
        name: "chinchilla-notebook",
        title: "Chinchilla Approach 3 on Epoch AI's extracted data",
        seed: 42,
        steps: [
          { step: "load", dataset: "chinchilla-epoch", table: "fig4", fallback: "none" },
          { step: "filter", filters: [{ kind: "dropHighest", count: 5, metric: "loss" }] },
          {
            step: "fit", id: "approach3", law: "chinchilla", metric: "loss",
            options: { loss: "huber", huberDelta: 1e-3, space: "log", starts: "grid" },
            bootstrap: { resamples: 400, seed: 42, by: "point", level: 0.95 },
          },
          { step: "allocation", fit: "approach3", compute: { from: 1e18, to: 1e28, perDecade: 1 }, level: 0.8 },
          { step: "isoflop", metric: "loss", method: "parabola", compute: "given" },
          {
            step: "compare",
            published: [
              { quantity: "fits.approach3.objective", value: 0.0010182740, source: GRID, relativeTolerance: 1e-4 },
              { quantity: "fits.approach3.params.E", value: 1.81724, source: GRID, tolerance: 1e-4 },
              { quantity: "fits.approach3.params.A", value: 477.84, source: GRID, relativeTolerance: 2e-3 },
              { quantity: "fits.approach3.params.B", value: 2143.86, source: GRID, relativeTolerance: 2e-3 },
              { quantity: "fits.approach3.params.alpha", value: 0.34731, source: GRID, tolerance: 1e-4 },
              { quantity: "fits.approach3.params.beta", value: 0.36718, source: GRID, tolerance: 1e-4 },
              { quantity: "fits.approach3.params.E.ci", value: [1.769, 1.871], source: CI, tolerance: 0.01 },
              { quantity: "fits.approach3.params.A.ci", value: [285.214, 743.626], source: CI, relativeTolerance: 0.15 },
              { quantity: "fits.approach3.params.B.ci", value: [1042.357, 5810.344], source: CI, relativeTolerance: 0.15 },
              { quantity: "fits.approach3.params.alpha.ci", value: [0.317, 0.373], source: CI, tolerance: 0.01 },
              { quantity: "fits.approach3.params.beta.ci", value: [0.331, 0.415], source: CI, tolerance: 0.01 },
              {
                quantity: "allocation.tokensPerParam@5.88e23", value: 17.91, tolerance: 0.01,
                source: "closed form of Epoch's grid estimate at C = 6 · 70e9 · 1.4e12 (docs/methods.md 4.1)",
              },
            ],
          },
          { step: "report", figures: ["data", "fit", "residuals", "bootstrap", "allocation", "isoflop"] },
        ],
      };
      const run = await startPipeline(spec, { dataDir });
      await show(markdown("Spec parsed: " + run.spec.steps.length + " steps, nothing run yet."));
    `),
    md(`
      ## Step 1: load

      Each point is a final training loss at (N, C); colour shows the loss.
    `),
    code(`
      await show(await run.next());
      for (const f of buildFigures(run.context, ["data"])) await show(f);
    `),
    md(`
      ## Step 2: drop the 5 highest losses

      The six highest losses of the data, and which of them the rule drops: all five dropped
      points sit at the smallest budgets (about 10¹⁹ FLOPs) with model sizes of 2B to 7B
      parameters, that is, big models that saw under a billion tokens.
    `),
    code(`
      await show(await run.next());
      const loaded = metricPoints(run.context.loaded!, "loss", "given");
      const highest = Array.from(loaded.y.keys()).sort((i, j) => loaded.y[j] - loaded.y[i]).slice(0, 6);
      await show(markdownTable(
        ["N (params)", "D (tokens)", "C (FLOPs)", "Loss", "Kept"],
        highest.map((i, k) => [sig(loaded.N[i], 3), sig(loaded.D[i], 3), sig(loaded.C[i], 3), loaded.y[i].toFixed(4), k < 5 ? "no" : "yes"]),
      ));
    `),
    md(`
      ## Step 3: fit and bootstrap

      The fit runs all 4500 starts of Hoffmann's grid (on worker threads) and keeps the best
      optimum; then the bootstrap refits 400 resamples.
    `),
    code(`
      await show(await run.next());
      const fitted = run.result.results.fits.approach3;
      const EPOCH_GRID: Record<string, number> = { E: 1.81724, A: 477.84, B: 2143.86, alpha: 0.34731, beta: 0.36718 };
      const EPOCH_CI: Record<string, [number, number]> = {
        E: [1.769, 1.871], A: [285.214, 743.626], B: [1042.357, 5810.344], alpha: [0.317, 0.373], beta: [0.331, 0.415],
      };
      const interval = (ci: readonly number[] | null | undefined) => ci ? "[" + sig(ci[0]) + ", " + sig(ci[1]) + "]" : "–";
      await show(markdownTable(
        ["Parameter", "Ours", "Epoch (grid)", "SE (Hessian)", "SE (bootstrap)", "95% CI, ours (400)", "95% CI, Epoch (4000)"],
        ["E", "A", "B", "alpha", "beta"].map((k) => {
          const p = fitted.params[k];
          return [k, sig(p.value, 6), sig(EPOCH_GRID[k], 6), sig(p.stderr, 3), sig(p.bootstrapStderr, 3), interval(p.ci), interval(EPOCH_CI[k])];
        }),
      ));
    `),
    md(`
      The fitted law against the data, the residuals (in log loss, the space of the fit), and
      the bootstrap distribution of each parameter:
    `),
    code(`
      for (const f of buildFigures(run.context, ["fit", "residuals", "bootstrap"])) await show(f);
    `),
    md(`
      ## Step 4: compute-optimal allocation

      With C = 6ND, the fitted law gives N_opt(C) = G (C/6)^a and D_opt(C) = G⁻¹ (C/6)^b with
      a = β/(α+β). At Chinchilla's own budget, C = 6 × 70e9 × 1.4e12 = 5.88e23 FLOPs, the
      refit calls for about 18 tokens per parameter; Hoffmann's published parameters give far
      more (the paper itself trained Chinchilla with 20).
    `),
    code(`
      await show(await run.next());
      const CHINCHILLA_C = 5.88e23;
      const at = run.result.results.allocations.allocation.points.find((p) => Math.abs(p.compute / CHINCHILLA_C - 1) < 1e-9)!;
      const hoffmann = optimalAllocation({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }, CHINCHILLA_C);
      const hoffmannUnrounded = optimalAllocation({
        E: Math.exp(0.5267228), A: Math.exp(6.0073404), B: Math.exp(6.0179186), alpha: 0.33917084, beta: 0.2849083,
      }, CHINCHILLA_C);
      await show(markdownTable(
        ["Law at C = 5.88e23", "N_opt (params)", "D_opt (tokens)", "Tokens per parameter"],
        [
          ["Ours (grid estimate)", sig(at.params, 3), sig(at.tokens, 3), at.tokensPerParam.toFixed(2)],
          ["Ours, 80% bootstrap band", interval(at.bands?.params), interval(at.bands?.tokens), interval(at.bands?.tokensPerParam)],
          ["Epoch (grid estimate, closed form)", "", "", "17.91"],
          ["Hoffmann et al., published (rounded) parameters", sig(hoffmann.params, 3), sig(hoffmann.tokens, 3), hoffmann.tokensPerParam.toFixed(1)],
          ["Hoffmann et al., unrounded parameters", sig(hoffmannUnrounded.params, 3), sig(hoffmannUnrounded.tokens, 3), hoffmannUnrounded.tokensPerParam.toFixed(1)],
          ["Chinchilla as trained", "7e+10", "1.4e+12", "20"],
        ],
      ));
    `),
    md(`
      The same closed form across budgets, as in Epoch's figure: the refit with its 80%
      bootstrap band against Hoffmann et al.'s published parameters, with the 20 tokens per
      parameter rule of thumb and the Chinchilla model itself. (The pipeline's own figure, in
      the report, shows the refit alone.)
    `),
    code(`
      const compute = Float64Array.from({ length: 51 }, (_, i) => 10 ** (18 + i * 0.2)); // 1e18 .. 1e28
      const refit = run.context.fits.get("approach3")!.bootstrap!.allocation(compute, 0.8);
      const published = optimalAllocation({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }, compute);
      await show(figure(allocation(
        {
          series: [
            {
              label: "Epoch's refit (ours, 80% band)", compute, params: refit.estimate.params,
              paramsLower: refit.params.low, paramsUpper: refit.params.high,
              tokensPerParam: refit.estimate.tokensPerParam,
              tokensPerParamLower: refit.tokensPerParam.low, tokensPerParamUpper: refit.tokensPerParam.high,
            },
            { label: "Hoffmann et al. (published)", compute, params: published.params, tokensPerParam: published.tokensPerParam },
          ],
          models: [{ label: "Chinchilla 70B", compute: CHINCHILLA_C, params: 70e9 }],
        },
        { width: 860, title: "Compute-optimal allocation: refit against Hoffmann et al.", bandLabel: "80% interval" },
      )));
    `),
    md(`
      ## Step 5: IsoFLOP profiles (Approach 2)

      The points fall on a few dozen compute budgets. For each budget with enough points, a
      parabola of loss against log N gives the loss-minimising size; a power law through these
      minima gives N_opt ∝ C^a. Hoffmann et al. report a = 0.49 from their full data.
    `),
    code(`
      await show(await run.next());
      for (const f of buildFigures(run.context, ["isoflop"])) await show(f);
    `),
    md(`
      ## Step 6: our numbers next to Epoch's

      Differences are ours − published. Intervals are compared endpoint by endpoint; they differ
      by Monte Carlo error (400 resamples against 4000, another random stream) and because Epoch
      resampled around their likelihood estimate rather than the grid estimate.
    `),
    code(`
      await show(await run.next());
      const fmt = (v: number | readonly number[] | null) =>
        v === null ? "–" : Array.isArray(v) ? interval(v) : sig(v as number, 5);
      await show(markdownTable(
        ["Quantity", "Ours", "Epoch", "Difference", "Relative", "Within tolerance"],
        run.result.results.comparisons.map((c) => [
          c.quantity.replace("fits.approach3.", ""),
          fmt(c.ours),
          fmt(c.published),
          Array.isArray(c.difference) ? "[" + sig(c.difference[0], 2) + ", " + sig(c.difference[1], 2) + "]" : fmt(c.difference),
          c.relativeDifference === null ? "–" : (100 * c.relativeDifference).toFixed(3) + "%",
          c.withinTolerance === null ? "–" : c.withinTolerance ? "yes" : "**no**",
        ]),
      ));
    `),
    md(`
      ## Step 7: finish

      The report step only chooses figures. \`finish()\` draws them and, given an \`outDir\`,
      writes results.json, report.md, report.html and the figures; here we only list the
      warnings and the time each step took.
    `),
    code(`
      const result = await run.finish();
      await show(markdownTable(
        ["Step", "Seconds"],
        Object.entries(run.context.timings).map(([step, s]) => [step, Number(s.toFixed(2))]),
      ));
      await show(markdown(
        result.warnings.length === 0
          ? "No warnings."
          : result.warnings.map((w) => "- " + w.message + (w.count > 1 ? " (" + w.count + ")" : "")).join("\\n"),
      ));
    `),
  ],
};

// -------------------------------------------------------------------------------------------

/** The notebooks, in file order. */
export const NOTEBOOKS: NotebookSpec[] = [
  QUICKSTART,
  CHINCHILLA,
  DOWNSTREAM_NOTEBOOK,
  HITCHHIKER_NOTEBOOK,
];

/** Split a source into nbformat's list of lines (every line but the last ends with "\n"). */
function sourceLines(source: string): string[] {
  const lines = source.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l));
}

/**
 * The nbformat 4.5 JSON of a notebook (no outputs, no execution counts).
 *
 * @param spec The notebook.
 * @returns JSON text with a final newline.
 */
export function notebookJson(spec: NotebookSpec): string {
  const stem = spec.file.replace(/\.ipynb$/, "");
  const cells = spec.cells.map((c, i) => {
    const id = `${stem}-${String(i + 1).padStart(2, "0")}`;
    return c.kind === "markdown"
      ? { cell_type: "markdown", id, metadata: {}, source: sourceLines(c.source) }
      : {
        cell_type: "code",
        execution_count: null,
        id,
        metadata: {},
        outputs: [],
        source: sourceLines(c.source),
      };
  });
  const nb = {
    cells,
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: {
        codemirror_mode: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        name: "typescript",
        pygments_lexer: "typescript",
      },
      scaling: { minFigures: spec.minFigures },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

/**
 * Every notebook's JSON, by file name.
 *
 * @returns File name → nbformat JSON text.
 */
export function buildNotebooks(): Record<string, string> {
  return Object.fromEntries(NOTEBOOKS.map((nb) => [nb.file, notebookJson(nb)]));
}

if (import.meta.main) {
  const dir = new URL(".", import.meta.url);
  for (const [file, json] of Object.entries(buildNotebooks())) {
    const path = new URL(file, dir);
    let old: string | undefined;
    try {
      old = await Deno.readTextFile(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (old === json) console.log(`${file}: unchanged`);
    else {
      // Write beside it, then rename: an interrupted build leaves the old notebook whole.
      const tmp = new URL(`.${file}.tmp`, dir);
      await Deno.writeTextFile(tmp, json);
      await Deno.rename(tmp, path);
      console.log(`${file}: written`);
    }
  }
}
