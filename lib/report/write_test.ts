import assert from "node:assert/strict";
import { writeReport } from "./write.ts";
import type { ReportFigure, ResultsDocument } from "./types.ts";

function results(title: string, figures: string[] = []): ResultsDocument {
  return {
    toolkit: { name: "t", version: "0" },
    pipeline: { name: "p", title, description: null, seed: 0 },
    data: null,
    fits: {},
    allocations: {},
    isoflops: {},
    evaluations: {},
    comparisons: [],
    figures: figures.map((name) => ({ name, title: name, alt: `Figure ${name}` })),
    warnings: [],
    spec: null,
  };
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle r="1"/></svg>';

function figure(name: string, svg = SVG): ReportFigure {
  return { name, title: name, alt: `Figure ${name}`, svg };
}

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...await listTree(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

Deno.test("writeReport() leaves the previous report intact when writing fails half-way", async () => {
  const parent = await Deno.makeTempDir({ prefix: "h8-atomic-" });
  const dir = `${parent}/report`;
  try {
    await writeReport(dir, { results: results("Old", ["a"]), figures: [figure("a")] }, {
      png: false,
    });
    const before = await listTree(dir);
    const oldJson = await Deno.readTextFile(`${dir}/results.json`);
    // The second figure's markup fails while the new report is being written (after
    // results.json and the first figure are already in the temporary folder).
    const failing = {
      name: "b",
      title: "b",
      alt: "b",
      get svg(): string {
        throw new Error("disk full (simulated)");
      },
    };
    await assert.rejects(
      writeReport(dir, {
        results: results("New", ["a", "b"]),
        figures: [figure("a", SVG.replace('r="1"', 'r="2"')), failing],
      }, { png: false }),
      /disk full \(simulated\)/,
    );
    assert.deepEqual(await listTree(dir), before);
    assert.equal(await Deno.readTextFile(`${dir}/results.json`), oldJson);
    assert.match(await Deno.readTextFile(`${dir}/report.md`), /^# Old/);
    assert.equal(await Deno.readTextFile(`${dir}/figures/a.svg`), SVG);
    // No temporary folder is left next to the report.
    const siblings = [];
    for await (const e of Deno.readDir(parent)) siblings.push(e.name);
    assert.deepEqual(siblings, ["report"]);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("writeReport() replaces the previous report completely when writing succeeds", async () => {
  const parent = await Deno.makeTempDir({ prefix: "h8-replace-" });
  const dir = `${parent}/report`;
  try {
    await writeReport(dir, { results: results("Old", ["a"]), figures: [figure("a")] }, {
      png: false,
    });
    const out = await writeReport(dir, {
      results: results("New", ["b"]),
      figures: [figure("b")],
      timings: { fit: 1.5 },
    }, { png: false });
    assert.deepEqual(await listTree(dir), [
      "figures/b.svg",
      "report.html",
      "report.md",
      "results.json",
      "timings.json",
    ]);
    assert.deepEqual(out.files, await listTree(dir));
    assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/results.json`)).pipeline.title, "New");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/timings.json`)), { fit: 1.5 });
    const siblings = [];
    for await (const e of Deno.readDir(parent)) siblings.push(e.name);
    assert.deepEqual(siblings, ["report"]);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("writeReport() writes PNGs and links them from Markdown when the rasteriser works", async () => {
  const parent = await Deno.makeTempDir({ prefix: "h8-png-" });
  const dir = `${parent}/report`;
  try {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47);
    const seen: string[] = [];
    const out = await writeReport(dir, { results: results("P", ["a"]), figures: [figure("a")] }, {
      toPng: (svg) => {
        seen.push(svg);
        return png;
      },
    });
    assert.equal(out.png, true);
    assert.deepEqual(seen, [SVG]);
    assert.deepEqual(await Deno.readFile(`${dir}/figures/a.png`), png);
    const md = await Deno.readTextFile(`${dir}/report.md`);
    assert.match(md, /!\[Figure a\]\(figures\/a\.png\)/);
    const html = await Deno.readTextFile(`${dir}/report.html`);
    assert.match(html, /<img src="figures\/a\.svg" alt="Figure a">/);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("writeReport() skips PNGs with a note when the rasteriser fails in auto mode", async () => {
  const parent = await Deno.makeTempDir({ prefix: "h8-nopng-" });
  const dir = `${parent}/report`;
  try {
    const toPng = () => {
      throw new Error("no --allow-ffi");
    };
    const out = await writeReport(dir, { results: results("P", ["a"]), figures: [figure("a")] }, {
      toPng,
    });
    assert.equal(out.png, false);
    assert.match(out.notes[0], /PNG figures skipped: no --allow-ffi/);
    assert.match(await Deno.readTextFile(`${dir}/report.md`), /\(figures\/a\.svg\)/);
    await assert.rejects(
      writeReport(dir, { results: results("Q", ["a"]), figures: [figure("a")] }, {
        png: true,
        toPng,
      }),
      /no --allow-ffi/,
    );
    assert.match(await Deno.readTextFile(`${dir}/report.md`), /^# P/);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("writeReport() rejects figure names that are not plain file names", async () => {
  await assert.rejects(
    writeReport("/tmp/h8-never-written", {
      results: results("x"),
      figures: [figure("../escape")],
    }, { png: false }),
    /figure name "..\/escape" is not a plain file name/,
  );
  await assert.rejects(Deno.stat("/tmp/h8-never-written"), Deno.errors.NotFound);
});
