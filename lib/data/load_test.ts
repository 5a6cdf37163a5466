import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { loadLadder, loadTable } from "./load.ts";
import type { ColumnMapping } from "./schema.ts";

async function rejectsData(p: Promise<unknown>, ...patterns: RegExp[]): Promise<DataError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${caught}`);
  for (const re of patterns) assert.match(caught.message, re);
  return caught;
}

/** Run `fn` with a fresh temp dir, removed afterwards. */
async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "load_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const MAPPING: ColumnMapping = {
  run: "run",
  params: "params",
  tokens: "tokens",
  metrics: ["loss"],
};
const OBS = "run,params,tokens,loss\na,1e8,1e9,3\na,1e8,2e9,2.9\n";

Deno.test("loadTable() picks the format from the extension", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t.csv`, "a,b\n1,2\n");
    await Deno.writeTextFile(`${dir}/t.tsv`, "a\tb\n1\t2\n");
    await Deno.writeTextFile(`${dir}/t.json`, '[{"a": 1, "b": 2}]');
    await Deno.writeTextFile(`${dir}/t.jsonl`, '{"a": 1, "b": 2}\n');
    for (const ext of ["csv", "tsv", "json", "jsonl"]) {
      const t = await loadTable(`${dir}/t.${ext}`);
      assert.deepEqual(t.columns, ["a", "b"], ext);
      assert.deepEqual(t.rows, [["1", "2"]], ext);
      assert.equal(t.file, `${dir}/t.${ext}`);
    }
    await Deno.writeTextFile(`${dir}/t.txt`, "a;b\n1;2\n");
    await rejectsData(
      loadTable(`${dir}/t.txt`),
      /t\.txt": the extension ".txt" is unknown; expected \.csv, \.tsv, \.json or \.jsonl/,
    );
    await Deno.writeTextFile(`${dir}/t.dat`, "a\tb\n1\t2\n");
    assert.deepEqual((await loadTable(`${dir}/t.dat`, { format: "tsv" })).rows, [["1", "2"]]);
  });
});

Deno.test("loadTable() rejects an empty file naming the file", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/empty.csv`;
    await Deno.writeFile(path, new Uint8Array());
    const err = await rejectsData(loadTable(path), /^Cannot load ".*empty\.csv": line 1 is empty/);
    assert.equal(err.file, path);
    await Deno.writeTextFile(`${dir}/header.csv`, "run,loss\n");
    await rejectsData(
      loadTable(`${dir}/header.csv`),
      /header\.csv": line 2 has a header but no data rows/,
    );
  });
});

Deno.test("loadTable() rejects bytes that are not UTF-8, naming file, line and column", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/latin1.csv`;
    // "café" in Latin-1 on line 3, column "note".
    const head = new TextEncoder().encode("run,note,loss\na,ok,3\nb,caf");
    const bytes = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode(",2\n")]);
    await Deno.writeFile(path, bytes);
    const err = await rejectsData(
      loadTable(path),
      /^Cannot load ".*latin1\.csv": line 3, column "note" \(2\) has byte 0xE9 at offset 26, which is not valid UTF-8; expected UTF-8 text/,
    );
    assert.equal(err.line, 3);
  });
});

Deno.test("loadTable() strips a UTF-8 byte-order mark", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(
      `${dir}/bom.csv`,
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("run,loss\na,1\n")]),
    );
    assert.deepEqual((await loadTable(`${dir}/bom.csv`)).columns, ["run", "loss"]);
  });
});

Deno.test("loadTable() names the file, line and column of a ragged row", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/ragged.csv`;
    await Deno.writeTextFile(path, "run,params,tokens,loss\na,1e8,1e9,3\na,1e8,2e9\n");
    const err = await rejectsData(
      loadTable(path),
      /^Cannot load ".*ragged\.csv": line 3, column "loss" \(4\) is missing \(the row has 3 fields\); expected 4 fields/,
    );
    assert.deepEqual([err.file, err.line, err.column], [path, 3, "loss"]);
  });
});

Deno.test("loadLadder() records provenance with sha256 and row counts", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/obs.csv`, OBS);
    await Deno.writeTextFile(`${dir}/runs.csv`, "run,params\na,1e8\n");
    const ladder = await loadLadder(
      `${dir}/obs.csv`,
      { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] },
      { runsPath: `${dir}/runs.csv` },
    );
    // Hashes from python3: hashlib.sha256(<same bytes>).hexdigest()
    assert.deepEqual(ladder.provenance.files, [
      {
        path: `${dir}/obs.csv`,
        sha256: "f5e9e6a563a992116c1a5864884fc4b881a5b6f00b4049460f78c57849a71d54",
        rows: 2,
      },
      {
        path: `${dir}/runs.csv`,
        sha256: "73a64509cd0d223b2db7dcb0be2ab52a48b1b368a597cae53f83113fba4d8837",
        rows: 1,
      },
    ]);
    assert.deepEqual([...ladder.observations.value], [3, 2.9]);
  });
});

Deno.test("loadLadder() adds the file to a non-numeric value error", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/obs.csv`;
    await Deno.writeTextFile(path, "run,params,tokens,loss\na,1e8,1e9,3\na,1e8,2e9,n/a\n");
    const err = await rejectsData(
      loadLadder(path, MAPPING),
      /^Cannot load ".*obs\.csv": line 3, column "loss" \(4\) is "n\/a"; expected a finite number/,
    );
    assert.equal(err.file, path);
  });
});

Deno.test("loadLadder() adds the file to a missing-column error", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/obs.json`;
    await Deno.writeTextFile(path, '[\n{"run": "a", "N": 1e8, "tokens": 1e9, "loss": 3}\n]');
    await rejectsData(
      loadLadder(path, MAPPING),
      /^Cannot load ".*obs\.json": line 1, column "params" does not exist \(mapping\.params\); expected one of "run", "N", "tokens", "loss" — did you mean/,
    );
  });
});

Deno.test("loadLadder() names the runs file for errors in the runs table", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/obs.csv`, "run,tokens,loss\na,1e9,3\n");
    await Deno.writeTextFile(`${dir}/runs.tsv`, "run\tparams\na\t-1\n");
    await rejectsData(
      loadLadder(`${dir}/obs.csv`, MAPPING, { runsPath: `${dir}/runs.tsv` }),
      /^Cannot load ".*runs\.tsv": line 2, column "params" \(2\) is "-1"; expected a positive number of parameters/,
    );
  });
});

Deno.test("loadLadder() adds the file to zero-params, zero-tokens, NaN and duplicate errors", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["params", "a,0,1e9,3\n", /line 3, column "params" \(2\) is "0"/],
    ["tokens", "a,1e8,0,3\n", /line 3, column "tokens" \(3\) is "0"/],
    ["nan", "a,1e8,3e9,NaN\n", /line 3, column "loss" \(4\) is "NaN"; expected a finite number/],
    ["duplicate", "a,1e8,1e9,3.1\n", /line 3, column "loss" \(4\) is "3\.1" again: line 2/],
  ];
  for (const [name, row, re] of cases) {
    await t.step(name, async () => {
      await withDir(async (dir) => {
        const path = `${dir}/${name}.csv`;
        await Deno.writeTextFile(path, "run,params,tokens,loss\na,1e8,1e9,3\n" + row);
        const err = await rejectsData(loadLadder(path, MAPPING), re);
        assert.equal(err.file, path);
        assert.match(err.message, new RegExp(`^Cannot load ".*${name}\\.csv"`));
      });
    });
  }
});
