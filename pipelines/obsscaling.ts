/**
 * Observational scaling laws (Ruan, Maddison, Hashimoto 2024, arXiv:2405.10938; docs/methods.md
 * 1.4) with compute as the predictor: for each of the 8 base benchmarks of the released table, a
 * floor-aware sigmoid y = (1 − f) · sigmoid(w · log10 C + w0) + f (floor f in [0, 0.2]) fitted by
 * least squares on the models trained with at most Llama-2-7B's compute (8.4e22 FLOPs, the
 * paper's cutoff; Llama-2-7B itself is in the training set), and checked on every model above
 * it: train and test MSE and R² per benchmark, errors in accuracy points per held-out model.
 *
 * The paper's headline predictor is a capability score (principal components of the
 * benchmarks); this pipeline uses log10 FLOPs, the paper's compute-based baseline. Intervals:
 * 100 bootstrap resamples of whole models (kept modest for `deno task reproduce`).
 *
 * Run: `deno run --allow-read --allow-env --allow-write=reports pipelines/obsscaling.ts`
 * (add `--allow-ffi --allow-sys` for PNG figures). Writes `reports/obsscaling/`.
 *
 * @module
 */

import { catalogTable } from "../lib/data/catalog.ts";
import type { PipelineSpec } from "../lib/pipeline/mod.ts";
import { runPipelineMain } from "../lib/pipeline/mod.ts";

/** The 8 base benchmarks of base_llm_benchmark_eval.csv (the catalog's `base` table). */
export const OBS_BENCHMARKS: string[] = [...catalogTable("obsscaling", "base").mapping.metrics!];

/** Llama-2-7B's training compute (FLOPs): 84 × 1e21 in the table. */
export const OBS_CUTOFF = 8.4e22;

/** The compute-cutoff backtest. */
export const spec: PipelineSpec = {
  name: "obsscaling",
  title: "Observational scaling laws: benchmarks against log compute, held out above Llama-2-7B",
  description: "A floor-aware sigmoid of each base benchmark against log10 training FLOPs, " +
    "fitted on the public base models with at most 8.4e22 FLOPs (Llama-2-7B) and tested on all " +
    "larger ones. Intervals: 100 bootstrap resamples of whole models.",
  seed: 0,
  steps: [
    { step: "load", dataset: "obsscaling", table: "base" },
    {
      step: "map",
      id: "obs",
      mapping: {
        law: "sigmoid-floor",
        x: "C",
        xScale: "log10",
        metrics: OBS_BENCHMARKS,
        chance: "none",
        filters: [{ kind: "runs", maxCompute: OBS_CUTOFF, compute: "given" }],
      },
      compute: "given",
      targets: "holdout",
      bootstrap: { resamples: 100, seed: 0, level: 0.95 },
    },
    { step: "report", figures: ["downstream"] },
  ],
};

if (import.meta.main) {
  const reportsDir = new URL("../reports", import.meta.url).pathname;
  Deno.exit(await runPipelineMain(spec, { reportsDir }));
}
