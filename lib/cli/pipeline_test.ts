import assert from "node:assert/strict";
import { main, parsePipelineArgs } from "./pipeline.ts";

async function capture(
  fn: () => Promise<number>,
): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [], out: string[] = [];
  const { error, log } = console;
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  try {
    const code = await fn();
    return { code, err: err.join("\n"), out: out.join("\n") };
  } finally {
    console.error = error;
    console.log = log;
  }
}

Deno.test("main() prints every spec problem on stderr and exits 2 when the spec is invalid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h8-cli-" });
  try {
    await Deno.writeTextFile(
      `${dir}/bad.json`,
      JSON.stringify({
        name: "bad",
        steps: [
          { step: "load", synthetic: { sizes: [1e8] } },
          { step: "fit", id: "f", law: "E + A/N^", metric: "loss", optoins: {} },
          { step: "isoflop", method: "spline" },
        ],
      }),
    );
    const r = await capture(() => main([`${dir}/bad.json`, "--out", `${dir}/reports`]));
    assert.equal(r.code, 2);
    const lines = r.err.split("\n");
    assert.equal(lines[0], 'Cannot parse pipeline spec "bad": 3 problems');
    assert.match(
      lines[1],
      /^ {2}steps\[1\]\.optoins: is not a known key; did you mean "options"\?/,
    );
    assert.match(lines[2], /^ {2}steps\[1\]\.law: is "E \+ A\/N\^": Cannot parse law expression/);
    assert.match(
      lines[3],
      /^ {2}steps\[2\]\.method: is "spline"; expected one of "parabola", "akima"/,
    );
    await assert.rejects(Deno.stat(`${dir}/reports`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() runs a valid spec and writes the report and index when given --out", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h8-cli-ok-" });
  try {
    await Deno.writeTextFile(
      `${dir}/ok.json`,
      JSON.stringify({
        name: "ok",
        steps: [
          { step: "load", synthetic: { checkpoints: 2, seeds: 1, tasks: [] } },
          { step: "fit", id: "f", law: "chinchilla", metric: "loss" },
          {
            step: "compare",
            published: [{ quantity: "f.params.alpha", value: 0.348, source: "truth" }],
          },
          { step: "report", figures: [] },
        ],
      }),
    );
    const r = await capture(() =>
      main([`${dir}/ok.json`, "--out", `${dir}/reports`, "--workers", "1"])
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /\[2\/4\] fit f: chinchilla on loss, 48 points/);
    assert.match(r.out, /f\.params\.alpha: ours 0\.34\d+, published 0\.348 \(truth\)/);
    const results = JSON.parse(await Deno.readTextFile(`${dir}/reports/ok/results.json`));
    assert.equal(results.pipeline.name, "ok");
    assert.match(await Deno.readTextFile(`${dir}/reports/index.html`), /href="ok\/report.html"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() exits 2 when the file is not JSON or arguments are wrong", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h8-cli-json-" });
  try {
    await Deno.writeTextFile(`${dir}/x.json`, "{ name: ");
    const r = await capture(() => main([`${dir}/x.json`]));
    assert.equal(r.code, 2);
    assert.match(r.err, /^Cannot parse ".*x\.json": .*; expected JSON/);
    assert.equal((await capture(() => main(["--bogus"]))).code, 2);
    assert.throws(() => parsePipelineArgs(["a", "b"]), /"b" is not expected/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
