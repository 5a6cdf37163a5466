import assert from "node:assert/strict";
import { collectReports, indexEntry, renderIndex, writeIndex } from "./write_index.ts";
import type { ResultsDocument } from "./types.ts";

function doc(name: string, fallback: boolean): ResultsDocument {
  return {
    toolkit: { name: "t", version: "0" },
    pipeline: { name, title: `Title ${name}`, description: null, seed: 0 },
    data: fallback
      ? {
        source: "synthetic",
        dataset: null,
        table: null,
        fallback: { dataset: "chinchilla-epoch", reason: "no mirror" },
        provenance: { files: [] },
        loaded: { runs: 1, checkpoints: 1, observations: 1 },
        filtered: { runs: 1, checkpoints: 1, observations: 1 },
        filters: [],
        metrics: [],
        params: null,
        tokens: null,
        truth: null,
      }
      : null,
    fits: {},
    allocations: {},
    isoflops: {},
    evaluations: {},
    comparisons: [{
      quantity: `fits.${name}.params.E`,
      ours: 1.8,
      published: 1.81724,
      source: "Epoch <2024>",
      difference: -0.01724,
      relativeDifference: -0.0095,
      tolerance: 1e-4,
      interval: null,
      relativeTolerance: null,
      withinTolerance: false,
      note: null,
    }],
    figures: [],
    warnings: [],
    spec: null,
  };
}

Deno.test("writeIndex() links every report and tabulates all comparisons when reports exist", async () => {
  const root = await Deno.makeTempDir({ prefix: "h8-index-" });
  try {
    for (const [name, fb] of [["b", false], ["a", true]] as const) {
      await Deno.mkdir(`${root}/${name}`);
      await Deno.writeTextFile(`${root}/${name}/results.json`, JSON.stringify(doc(name, fb)));
    }
    await Deno.mkdir(`${root}/.b.tmp-1234`); // a report being written: skipped
    await Deno.writeTextFile(`${root}/.b.tmp-1234/results.json`, JSON.stringify(doc("tmp", false)));
    await Deno.mkdir(`${root}/not-a-report`);
    const entries = await collectReports(root);
    assert.deepEqual(entries.map((e) => [e.dir, e.fallback]), [["a", true], ["b", false]]);
    const path = await writeIndex(root, entries);
    const html = await Deno.readTextFile(path);
    assert.match(
      html,
      /<a href="a\/report.html">Title a<\/a> \(<strong>synthetic fallback data<\/strong>\)/,
    );
    assert.match(html, /<a href="b\/report.html">Title b<\/a><\/li>/);
    // One table per report under a heading linking it; no difference column in the index.
    assert.match(html, /<h3><a href="a\/report.html">Title a<\/a> \(<strong>synthetic fallback/);
    assert.match(html, /<h3><a href="b\/report.html">Title b<\/a><\/h3>/);
    assert.equal((html.match(/<table>/g) ?? []).length, 2);
    assert.doesNotMatch(html, /<th[^>]*>Difference</);
    assert.match(
      html,
      /<td class="quantity">fits.a.params.E<\/td><td class="num">1.8<\/td><td class="num">1.81724<\/td><td class="num">-0.95%<\/td><td class="verdict">NO<\/td><td class="source">Epoch &lt;2024&gt; \[1\]<\/td>/,
    );
    assert.match(html, /<li>\[1\] Epoch &lt;2024&gt;<\/li>/);
    assert.match(html, /<body class="wide">/);
    assert.doesNotMatch(html, /<script|https?:/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("collectReports() returns no entries when the folder does not exist", async () => {
  assert.deepEqual(await collectReports("/tmp/h8-no-such-reports-dir"), []);
  assert.match(renderIndex([]), /No reports yet/);
});

Deno.test("renderIndex() counts distinct warnings and filtered observations separately", () => {
  const results = doc("q", false);
  results.data = {
    source: "synthetic",
    dataset: null,
    table: null,
    fallback: null,
    provenance: { files: [] },
    loaded: { runs: 48, checkpoints: 480, observations: 480 },
    filtered: { runs: 40, checkpoints: 40, observations: 40 },
    filters: [{ filters: [{ kind: "final" }, { kind: "runs", smallest: 5 }], dropped: 440 }],
    metrics: [],
    params: null,
    tokens: null,
    truth: null,
  };
  results.warnings = [
    { code: "filter.dropped", message: "dropped checkpoints before the end", count: 432 },
    { code: "filter.dropped", message: "dropped runs not selected", count: 8 },
    { code: "isoflop.outside-budgets", message: "runs were left out", count: 88 },
    { code: "fit.diagnostic", message: "many local optima", count: 1 },
  ];
  const entry = indexEntry("q", results);
  assert.equal(entry.warnings, 2);
  assert.equal(entry.filtered, 440);
  assert.match(renderIndex([entry]), /\(2 warnings; 440 observations filtered out\)<\/li>/);
});

Deno.test("collectReports() names the report whose results.json is not valid JSON", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/broken`);
    await Deno.writeTextFile(`${dir}/broken/results.json`, '{"toolkit": ');
    await assert.rejects(
      () => collectReports(dir),
      /Cannot index report "broken": .*broken\/results\.json is not valid JSON/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
