/**
 * Key numbers of the downstream pipelines (overtrain-gadre, loss-to-loss-kempner, obsscaling,
 * pythia-evals), run on the real datasets with few or no bootstrap resamples so that the file
 * stays fast. Reference values:
 * - Gadre et al.: the notebook's published relative errors (docs/methods.md 4.4);
 * - Kempner and ObsScaling: scipy 1.17.1 / numpy 2.4.6 runs on this machine of the same fits
 *   (Kempner: `minimize(method="L-BFGS-B", ftol=1e-15, gtol=1e-12)` of the summed Huber
 *   (delta 1e-3) on log loss from the 16 starts; ObsScaling: bounded `curve_fit` of the
 *   floor-aware sigmoid from the sigmoid-floor law's 105-point start grid, best SSE kept).
 */

import assert from "node:assert/strict";
import { parsePipelineSpec, type PipelineSpec, runPipeline } from "../lib/pipeline/mod.ts";
import type { MapStepConfig } from "../lib/pipeline/mod.ts";
import { spec as gadre } from "./overtrain_gadre.ts";
import { spec as kempner } from "./loss_to_loss_kempner.ts";
import { spec as obsscaling } from "./obsscaling.ts";
import { spec as pythia } from "./pythia_evals.ts";

function dataDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("SCALING_DATA_DIR");
  } catch {
    fromEnv = undefined;
  }
  return fromEnv || new URL("../../shared/data", import.meta.url).pathname;
}

/** The spec with map steps' bootstraps set to `resamples` and only the steps kept by `keep`. */
function lighter(
  spec: PipelineSpec,
  resamples: number,
  keep: (step: PipelineSpec["steps"][number]) => boolean = () => true,
): PipelineSpec {
  return {
    ...spec,
    steps: spec.steps.filter(keep).map((s) =>
      s.step === "map" && (s as MapStepConfig).bootstrap
        ? { ...s, bootstrap: { ...(s as MapStepConfig).bootstrap!, resamples } }
        : s
    ),
  };
}

Deno.test("pipeline specs of the downstream reproductions parse", () => {
  for (const s of [gadre, kempner, obsscaling, pythia]) {
    const parsed = parsePipelineSpec(s);
    assert.ok(parsed.steps.some((x) => x.step === "map"), s.name);
  }
});

Deno.test("overtrain-gadre reproduces the four published relative errors within 0.05 points", async () => {
  const r = await runPipeline(lighter(gadre, 20), { dataDir: dataDir(), workers: 1 });
  const rows = r.results.comparisons;
  assert.equal(rows.length, 4);
  for (const c of rows) assert.equal(c.withinTolerance, true, `${c.quantity}: ${c.ours}`);
  const m = r.results.downstream!.gadre.mappings.err17;
  const t = m.targets["rpj-open_lm_1b-32_0"];
  assert.equal(t.loss!.absPercentError!.toFixed(4), "0.7103");
  assert.equal(t.value!.absPercentError!.toFixed(4), "3.6365");
  assert.equal(r.results.downstream!.gadre.coverage.value?.n, 2);
});

Deno.test("loss-to-loss-kempner Chinchilla fits match scipy's predictions of the 3.3B runs", async () => {
  const r = await runPipeline(
    lighter(kempner, 0, (s) => s.step === "load" || (s as MapStepConfig).id === "chinchilla"),
    { dataDir: dataDir(), workers: 1 },
  );
  const s = r.results.downstream!.chinchilla;
  const scipy: Record<string, [string, number]> = {
    "fineweb-100b": ["_0x0kz5wt", 0.035452435601076866],
    "slimpajama-chunk1": ["rrf8t16z", 0.009828681386056935],
    "starcoder": ["_7hklkke5", 0.03373477122137439],
  };
  for (const [corpus, [target, re]] of Object.entries(scipy)) {
    const ours = s.mappings[`${corpus}_eval_c4_val_CrossEntropyLoss`].targets[target].loss!;
    assert.ok(
      Math.abs(ours.relativeError! - re) < 5e-5,
      `${corpus}: ${ours.relativeError} vs ${re}`,
    );
  }
  assert.deepEqual([s.reference?.n, s.reference?.inside], [6, 4]);
});

Deno.test("obsscaling sigmoid-floor fits match scipy's test MSE and R² above the cutoff", async () => {
  const r = await runPipeline(lighter(obsscaling, 0), { dataDir: dataDir(), workers: 1 });
  const m = r.results.downstream!.obs.mappings;
  const scipy = {
    MMLU: { n: 77, w: 0.78821383, mse: 0.03705551524010523, r2: -0.49668029763023025 },
    HellaSwag: { n: 77, w: 0.72404016, mse: 0.007185203367793887, r2: 0.20543549884191037 },
  };
  for (const [bench, ref] of Object.entries(scipy)) {
    const got = m[bench];
    assert.equal(got.mapping!.n, ref.n);
    assert.ok(Math.abs(got.mapping!.params.w / ref.w - 1) < 1e-4, `${bench} w`);
    assert.ok(Math.abs(got.test.mse! / ref.mse - 1) < 1e-4, `${bench} mse ${got.test.mse}`);
    assert.ok(Math.abs(got.test.r2! - ref.r2) < 1e-4, `${bench} r2 ${got.test.r2}`);
    assert.equal(got.test.n, 46);
  }
});

Deno.test("pythia-evals predicts both 12B models' final checkpoints for every task", async () => {
  const r = await runPipeline(
    lighter(pythia, 0, (s) => s.step !== "map" || (s as MapStepConfig).id === "pythia"),
    { dataDir: dataDir(), workers: 1 },
  );
  const m = r.results.downstream!.pythia.mappings;
  assert.equal(Object.keys(m).length, 9);
  for (const mapping of Object.values(m)) {
    const runs = Object.values(mapping.targets).map((t) => t.run).sort();
    assert.deepEqual(runs, ["pythia-12b", "pythia-12b-deduped"]);
    assert.equal(mapping.mapping!.runs, 14);
  }
});
