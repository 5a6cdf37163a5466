import assert from "node:assert/strict";
import { spec as quickstart } from "../../pipelines/quickstart.ts";
import { optimalAllocation } from "../fit/allocation.ts";
import { DatasetNotFoundError } from "../data/catalog.ts";
import { syntheticTruth } from "../data/synthetic.ts";
import { JUPYTER_DISPLAY } from "../report/figure.ts";
import { runPipeline, startPipeline } from "./run.ts";
import type { PipelineSpec } from "./spec.ts";
import { SpecError } from "./validate.ts";

const DATA_DIR = new URL("../../../shared/data", import.meta.url).pathname;

async function files(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...await files(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

Deno.test("runPipeline() writes byte-identical results.json and SVGs when the quickstart runs twice", async () => {
  const root = await Deno.makeTempDir({ prefix: "h8-determinism-" });
  try {
    const a = await runPipeline(quickstart, { outDir: `${root}/a`, workers: 1, png: false });
    const b = await runPipeline(quickstart, { outDir: `${root}/b`, workers: 2, png: false });
    const listA = await files(`${root}/a`);
    assert.deepEqual(listA, await files(`${root}/b`));
    const compared = listA.filter((f) => f === "results.json" || f.endsWith(".svg"));
    assert.ok(compared.length >= 5, `compared ${compared.join(", ")}`);
    for (const f of [...compared, "report.md", "report.html"]) {
      const x = await Deno.readFile(`${root}/a/${f}`);
      const y = await Deno.readFile(`${root}/b/${f}`);
      assert.deepEqual(x, y, `${f} differs between runs`);
    }
    const text = await Deno.readTextFile(`${root}/a/results.json`);
    assert.doesNotMatch(text, /"seconds"|\d{4}-\d\d-\d\dT/);
    // The comparisons are real: the truth lies in the 95% intervals of the bootstrap.
    assert.equal(a.results.comparisons.length, 6);
    const truth = syntheticTruth({ seed: 1, checkpoints: 10, tasks: [] }).law;
    assert.equal(a.results.comparisons[0].published, truth.E);
    for (const c of a.results.comparisons) {
      const pub = c.published as number;
      assert.ok(c.interval !== null, c.quantity);
      assert.equal(c.withinTolerance, pub >= c.interval[0] && pub <= c.interval[1]);
    }
    assert.deepEqual(a.results, b.results);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runPipeline() recovers the synthetic truth and its allocation when the ladder has no noise", async () => {
  const options = { noise: 0, annealGap: 0, checkpoints: 2, seeds: 1, tasks: [] };
  const truth = syntheticTruth({ seed: 5, ...options }).law;
  const result = await runPipeline({
    name: "noise-free",
    seed: 5,
    steps: [
      { step: "load", synthetic: options },
      { step: "fit", id: "f", law: "chinchilla", metric: "loss" },
      { step: "allocation", fit: "f", compute: [1e21] },
      {
        step: "compare",
        published: [
          ...(["E", "A", "B", "alpha", "beta"] as const).map((k) => ({
            quantity: `fits.f.params.${k}`,
            value: truth[k],
            source: "truth",
            relativeTolerance: 1e-6,
          })),
          {
            quantity: "allocation.tokensPerParam@5.88e23",
            value: optimalAllocation(truth, 5.88e23).tokensPerParam,
            source: "truth",
            relativeTolerance: 1e-5,
          },
        ],
      },
    ],
  }, { workers: 1 });
  assert.deepEqual(result.results.comparisons.map((c) => c.withinTolerance), [
    true,
    true,
    true,
    true,
    true,
    true,
  ]);
  // The budget named by the comparison was added to the allocation table.
  assert.deepEqual(result.results.allocations.allocation.points.map((p) => p.compute), [
    1e21,
    5.88e23,
  ]);
  assert.equal(result.results.fits.f.n, 24 * 2); // 6 sizes × 4 multipliers × 1 seed, 2 checkpoints
});

Deno.test("runPipeline() runs nothing and creates no report when the spec is invalid", async () => {
  const root = await Deno.makeTempDir({ prefix: "h8-invalid-" });
  const progress: string[] = [];
  try {
    await assert.rejects(
      runPipeline({
        name: "bad",
        steps: [
          { step: "load", synthetic: {} },
          { step: "fit", id: "f", law: "chinchila", metric: "loss" },
        ],
      }, { outDir: `${root}/bad`, onProgress: (m) => progress.push(m) }),
      (e: unknown) => e instanceof SpecError && e.issues[0].path === "steps[1].law",
    );
    assert.deepEqual(progress, []);
    assert.deepEqual(await files(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const unreachable: PipelineSpec = {
  name: "fallback",
  seed: 2,
  steps: [
    {
      step: "load",
      dataset: "chinchilla-epoch",
      fallback: "synthetic",
      synthetic: { checkpoints: 2, seeds: 1, tasks: [] },
    },
    { step: "filter", filters: [{ kind: "final" }] },
    { step: "fit", id: "f", law: "chinchilla", metric: "loss" },
    {
      step: "compare",
      published: [{ quantity: "fits.f.params.E", value: 1.81724, source: "Epoch" }],
    },
  ],
};

Deno.test("runPipeline() falls back to the synthetic ladder and says so when the catalog dataset is unreachable", async () => {
  const root = await Deno.makeTempDir({ prefix: "h8-fallback-" });
  const progress: string[] = [];
  try {
    const result = await runPipeline(unreachable, {
      outDir: `${root}/out`,
      dataDir: `${root}/empty-mirror`,
      catalog: { cacheDir: `${root}/empty-cache`, allowNetwork: false },
      onProgress: (m) => progress.push(m),
      workers: 1,
      png: false,
    });
    assert.equal(result.fallback?.dataset, "chinchilla-epoch");
    assert.equal(result.results.data?.source, "synthetic");
    assert.equal(result.results.data?.loaded.runs, 24);
    assert.ok(result.warnings.some((w) => w.code === "data.synthetic-fallback"));
    assert.ok(progress.some((m) => m.includes("SYNTHETIC FALLBACK")));
    // The banner is repeated at the end, after the report is written.
    assert.match(progress[progress.length - 1], /SYNTHETIC FALLBACK/);
    const md = await Deno.readTextFile(`${root}/out/report.md`);
    assert.match(md.split("\n").slice(0, 4).join("\n"), /SYNTHETIC DATA/);
    const html = await Deno.readTextFile(`${root}/out/report.html`);
    assert.match(html, /<div class="alert" role="alert"><strong>Synthetic data\.<\/strong>/);
    // Without the fallback the same spec fails with the catalog's error.
    const strict = structuredClone(unreachable);
    delete (strict.steps[0] as { fallback?: string }).fallback;
    await assert.rejects(
      runPipeline(strict, {
        dataDir: `${root}/empty-mirror`,
        catalog: { cacheDir: `${root}/empty-cache`, allowNetwork: false },
      }),
      DatasetNotFoundError,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runPipeline() loads the catalog dataset and drops Epoch's 5 outliers when the mirror has it", async () => {
  const result = await runPipeline({
    name: "catalog",
    steps: [
      { step: "load", dataset: "chinchilla-epoch", fallback: "synthetic" },
      { step: "filter", filters: [{ kind: "dropHighest", count: 5 }] },
      {
        step: "isoflop",
        budgets: [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21],
        tolerance: 0.15,
      },
    ],
  }, { dataDir: DATA_DIR });
  const data = result.results.data!;
  assert.equal(data.fallback, null);
  assert.equal(data.loaded.observations, 245);
  assert.equal(data.filtered.observations, 240);
  assert.deepEqual(data.filters.map((f) => f.dropped), [5]);
  assert.equal(
    data.provenance.files[0].sha256,
    "44759096826b7a86110a931d287ab6d5fe8e968f321be5404077cefb5584e56e",
  );
  const iso = result.results.isoflops.isoflop;
  assert.deepEqual(iso.budgets.map((b) => b.compute), [
    6e18,
    1e19,
    3e19,
    6e19,
    1e20,
    3e20,
    6e20,
    1e21,
    3e21,
  ]);
  // Every budget's minimum N grows with compute, and the exponent is near Hoffmann's 0.49.
  const n = iso.budgets.map((b) => b.params!);
  assert.ok(n.every((v, i) => i === 0 || v > n[i - 1]));
  assert.ok(iso.a! > 0.45 && iso.a! < 0.55, `a = ${iso.a}`);
});

Deno.test("startPipeline() steps through a pipeline and displays results in Jupyter", async () => {
  const run = await startPipeline({
    name: "steps",
    title: "Step by step",
    steps: [
      { step: "load", synthetic: { sizes: [2e7, 5e7, 1e8, 2e8, 4e8], seeds: 1, tasks: [] } },
      { step: "filter", filters: [{ kind: "lastFraction", fraction: 0.5 }] },
      { step: "fit", id: "f", law: "chinchilla", metric: "loss" },
      { step: "evaluate", fit: "f", targets: "holdout" },
      { step: "report", figures: ["fit", "evaluate"] },
    ],
  }, { workers: 1 });
  const load = await run.next();
  assert.equal(load?.index, 0);
  assert.match(load![JUPYTER_DISPLAY]()["text/markdown"], /^\*\*Step 1 \(load\)\.\*\* 20 runs/);
  await run.next();
  assert.equal(run.result.results.data?.filtered.checkpoints, 20 * 10);
  assert.deepEqual(Object.keys(run.result.results.fits), []);
  const result = await run.finish();
  assert.equal(await run.next(), undefined);
  // Holdout: the first half of every run, which the filter removed.
  const ev = result.results.evaluations["evaluate-f"];
  assert.equal(ev.summary.n, 20 * 10);
  assert.deepEqual(result.figures.map((f) => f.name), ["fit-f", "predictions-evaluate-f"]);
  const display = result[JUPYTER_DISPLAY]();
  assert.match(display["text/markdown"], /^# Step by step/);
  assert.match(display["text/html"], /<figure><svg/);
  assert.deepEqual(result.figures[0][JUPYTER_DISPLAY](), {
    "image/svg+xml": result.figures[0].svg,
  });
});
