/**
 * Quickstart: fit the Chinchilla law to a seeded synthetic ladder whose true law is known, and
 * compare the estimates (parameters, allocation at Chinchilla's compute) with that truth.
 *
 * Run: `deno run --allow-read --allow-env --allow-write=reports pipelines/quickstart.ts`
 * (add `--allow-ffi --allow-sys` for PNG figures). Writes `reports/quickstart/`.
 *
 * @module
 */

import type { PipelineSpec, PublishedValue } from "../lib/pipeline/mod.ts";
import { runPipelineMain } from "../lib/pipeline/mod.ts";
import { syntheticTruth } from "../lib/data/synthetic.ts";
import { optimalAllocation } from "../lib/fit/allocation.ts";

/** Options of the synthetic ladder (the generator's defaults otherwise: 0.5% noise). */
const SYNTHETIC = { seed: 1, checkpoints: 10, tasks: [] };

/** The ground truth of the ladder: the law it was drawn from. */
const TRUTH = syntheticTruth(SYNTHETIC).law;

const SOURCE = "synthetic truth (lib/data/synthetic.ts)";

const truthValues: PublishedValue[] = [
  ...(["E", "A", "B", "alpha", "beta"] as const).map((name) => ({
    quantity: `fits.main.params.${name}`,
    value: TRUTH[name],
    source: SOURCE,
    tolerance: "interval" as const,
  })),
  {
    // Chinchilla's training compute, C = 6 · 70e9 · 1.4e12.
    quantity: "allocation.tokensPerParam@5.88e23",
    value: optimalAllocation(TRUTH, 5.88e23).tokensPerParam,
    source: `${SOURCE}, Approach 3 closed form`,
    tolerance: "interval",
  },
];

/** The quickstart pipeline. */
export const spec: PipelineSpec = {
  name: "quickstart",
  title: "Quickstart: a Chinchilla fit on a synthetic ladder with known truth",
  description: "A seeded synthetic ladder (6 sizes from 20M to 1B parameters, 4 token " +
    "multipliers, 2 seeds) drawn from a known Chinchilla law with 0.5% evaluation noise. The " +
    "largest size is held out; the law is fitted to the final checkpoints of the others, " +
    "bootstrapped by run, and the truth is checked against the 95% intervals (80% bands for " +
    "the allocation).",
  seed: 1,
  steps: [
    { step: "load", synthetic: SYNTHETIC },
    { step: "filter", filters: [{ kind: "final" }, { kind: "runs", smallest: 5 }] },
    {
      step: "fit",
      id: "main",
      law: "chinchilla",
      metric: "loss",
      options: { loss: "huber", huberDelta: 1e-3, space: "log" },
      bootstrap: { resamples: 200, by: "run", level: 0.95 },
    },
    { step: "allocation", fit: "main", compute: { from: 1e19, to: 1e25, perDecade: 1 } },
    {
      step: "evaluate",
      id: "largest",
      fit: "main",
      targets: { filters: [{ kind: "final" }, { kind: "runs", largest: 1 }] },
    },
    { step: "compare", published: truthValues },
    { step: "report" },
  ],
};

if (import.meta.main) {
  const reportsDir = new URL("../reports", import.meta.url).pathname;
  Deno.exit(await runPipelineMain(spec, { reportsDir }));
}
