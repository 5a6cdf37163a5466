import assert from "node:assert/strict";
import { reportBlocks } from "./blocks.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import type { FitSummary, ResultsDocument } from "./types.ts";

const fit: FitSummary = {
  id: "approach3",
  law: "chinchilla",
  formula: "L = E + A/N^alpha + B/D^beta",
  metric: "loss",
  inputs: { N: "N", D: "D" },
  options: {},
  n: 240,
  nFree: 5,
  objective: 0.001018274,
  r2: 0.98,
  converged: true,
  status: "converged",
  message: "ok",
  starts: 4500,
  params: {
    E: {
      value: 1.81724,
      stderr: 0.0256,
      ci: [1.769, 1.871],
      bootstrapStderr: 0.026,
      fixed: false,
      tiedTo: null,
      atBound: false,
    },
    alpha: {
      value: 0.34731,
      stderr: null,
      ci: null,
      bootstrapStderr: null,
      fixed: true,
      tiedTo: null,
      atBound: false,
    },
  },
  diagnostics: {
    conditionNumber: 1e7,
    paramOrder: ["E"],
    correlation: null,
    atBound: [],
    atGridEdge: ["E"],
    localOptima: [],
    warnings: ["E is near the edge of the start grid"],
  },
  bootstrap: { resamples: 4000, succeeded: 3999, by: "point", level: 0.95, seed: 42 },
  predictions: {
    summary: { n: 240, rmse: 0.01, mae: 0.008, mare: 0.003, maxAbsRelativeError: 0.02 },
    points: null,
  },
};

const doc: ResultsDocument = {
  toolkit: { name: "@scaling/toolkit", version: "0.1.0" },
  pipeline: { name: "c", title: "Chinchilla", description: "Epoch | refit", seed: 42 },
  data: null,
  fits: { approach3: fit },
  allocations: {},
  isoflops: {},
  evaluations: {},
  comparisons: [],
  figures: [],
  warnings: [{ code: "filter.dropped", message: "dropped 5 rows", count: 5 }],
  spec: null,
};

Deno.test("renderMarkdown() shows each parameter with value, error, interval and notes", () => {
  const md = renderMarkdown(doc);
  assert.match(md, /^# Chinchilla\n\nEpoch \\\| refit\n/);
  assert.match(md, /\| Parameter \| Value \| Std\. error \| 95% CI \| Notes \|/);
  assert.match(
    md,
    /\| E \| 1\.81724 \| 0\.026 \| \[1\.769, 1\.871\] \| at the start grid's edge \|/,
  );
  assert.match(md, /\| alpha \| 0\.34731 \| — \| — \| fixed \|/);
  assert.match(md, /Bootstrap: 4000 resamples by point \(seed 42\), 3999 refits succeeded/);
  assert.match(md, /- dropped 5 rows \(5 cases; filter\.dropped\)/); // no data section here
  assert.match(md, /- Warning: E is near the edge of the start grid/);
});

Deno.test("renderHtml() shows the same tables as Markdown when given the same results", () => {
  const html = renderHtml(doc);
  const cells = (html.match(/<td[^>]*>[^<]*<\/td>/g) ?? []).map((c) =>
    c.replace(/<[^>]+>/g, "").replace(/&#39;/g, "'").replace(/&amp;/g, "&")
  );
  const table = reportBlocks(doc).find((b) => b.type === "table");
  assert.ok(table && table.type === "table");
  assert.deepEqual(cells, table.rows.flat());
  assert.match(html, /<title>Chinchilla<\/title>/);
});

const data: NonNullable<ResultsDocument["data"]> = {
  source: "catalog",
  dataset: "chinchilla-epoch",
  table: "fig4",
  fallback: null,
  provenance: {
    dataset: "chinchilla-epoch",
    files: [{ path: "chinchilla-epoch/fig4.csv", sha256: "ab", rows: 245, origin: "mirror" }],
  },
  loaded: { runs: 245, checkpoints: 245, observations: 245 },
  filtered: { runs: 240, checkpoints: 240, observations: 240 },
  filters: [{ filters: [{ kind: "dropHighest", count: 5 }], dropped: 5 }],
  metrics: [],
  params: null,
  tokens: null,
  truth: null,
};

Deno.test("reportBlocks() lists filter drops under Data and other warnings under Warnings", () => {
  const md = renderMarkdown({
    ...doc,
    data,
    warnings: [
      { code: "filter.dropped", message: "drop the 5 highest losses", count: 5 },
      { code: "isoflop.outside-budgets", message: "runs were left out", count: 88 },
    ],
  });
  const [dataPart, rest] = md.split("## Fit");
  assert.match(dataPart!, /- Filter: drop the 5 highest losses \(5\)/);
  assert.match(dataPart!, /- File chinchilla-epoch\/fig4\.csv \(mirror\), 245 rows, sha256 ab/);
  assert.match(
    rest!,
    /## Warnings\n\n- runs were left out \(88 cases; isoflop\.outside-budgets\)\n/,
  );
  assert.doesNotMatch(rest!, /highest losses/);
});

Deno.test("reportBlocks() shows short sources in the comparisons and the full ones as notes", () => {
  const row = {
    ours: 1.8172,
    published: 1.81724,
    difference: -0.00004,
    relativeDifference: -2.2e-5,
    tolerance: 0.001,
    interval: null,
    relativeTolerance: null,
    withinTolerance: true,
    note: null,
  };
  const long = "Besiroglu et al. 2024 (arXiv:2404.10102), notebook: 4500-start grid";
  const html = renderHtml({
    ...doc,
    comparisons: [
      { ...row, quantity: "fits.a.params.E", source: long },
      { ...row, quantity: "fits.a.params.A", source: "Hoffmann et al. 2022, Table A9" },
      { ...row, quantity: "fits.a.params.B", source: long },
    ],
  });
  const cells = [...html.matchAll(/<td class="source">([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells, [
    "Besiroglu et al. 2024 [1]",
    "Hoffmann et al. 2022 [2]",
    "Besiroglu et al. 2024 [1]",
  ]);
  assert.match(
    html,
    /<ul class="notes">\n<li>\[1\] Besiroglu et al\. 2024 \(arXiv:2404\.10102\), notebook: 4500-start grid<\/li>\n<li>\[2\] Hoffmann et al\. 2022, Table A9<\/li>/,
  );
});

Deno.test("reportBlocks() lists only observed metrics, and one subsection per load with its fits", () => {
  const observed = {
    ...data,
    metrics: [
      { name: "loss", kind: "loss", count: 240, min: 1.9, max: 3.1 },
      { name: "code_loss", kind: "loss", count: 0, min: null, max: null },
      { name: "acc", kind: "accuracy", count: 0, min: null, max: null },
    ],
  };
  const single = renderMarkdown({ ...doc, data: observed }).split("## Fit")[0]!;
  assert.match(single, /- 2 other metrics of the table have no observations after the filters/);
  assert.match(single, /\| loss \| loss \| 240 \|/);
  assert.doesNotMatch(single, /code_loss|\| acc \||Load 1/);
  const second = {
    ...data,
    table: "code",
    filters: [],
    metrics: [{ name: "code_loss", kind: "loss", count: 0, min: null, max: null }],
    step: 3,
    fits: ["mix-a", "mix-b"],
  };
  const md = renderMarkdown({
    ...doc,
    data: second,
    loads: [{ ...observed, step: 0, fits: ["approach3"] }, second],
  });
  const dataPart = md.split("## Fit")[0]!;
  assert.match(dataPart, /The pipeline loads data 2 times/);
  assert.match(dataPart, /### Load 1 \(steps\[0\]\), fits approach3\n/);
  assert.match(
    dataPart,
    /### Load 2 \(steps\[3\]\), fits mix-a, mix-b\n\n- Source: [^\n]+\n- Files: the same as load 1\n/,
  );
  assert.equal(dataPart.match(/- File chinchilla-epoch\/fig4\.csv/g)?.length, 1);
  // Load 2 has no observed metric and no filters: said as such, no table.
  assert.match(dataPart, /- 1 metric of the table has no observations in the data/);
  assert.match(dataPart, /### What the filters dropped \(all loads\)\n\n- dropped 5 rows \(5\)/);
});
