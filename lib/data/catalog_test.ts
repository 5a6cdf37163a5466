import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CATALOG } from "../../data/catalog.ts";
import { DataError } from "../util/errors.ts";
import { sharedDataDir } from "../util/_testdata.ts";
import {
  catalogTable,
  DatasetNotFoundError,
  type Fetcher,
  listDatasets,
  loadDataset,
  resolveDatasetFile,
} from "./catalog.ts";

/** The shared mirror: $SCALING_DATA_DIR, else ../../../shared/data next to the repository. */
const DATA_DIR = sharedDataDir();

/** Options that never touch the user's cache or the network. */
async function isolated() {
  const cacheDir = await Deno.makeTempDir({ prefix: "catalog_cache_" });
  return { dataDir: DATA_DIR, cacheDir, allowNetwork: false };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A fetcher that records its calls and serves the mirror's copy of one file (or given bytes). */
function recordingFetch(bytes: Uint8Array): { fetch: Fetcher; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (url: string) => {
      calls.push(url);
      return Promise.resolve(bytes);
    },
  };
}

/**
 * Pinned sizes of every catalog table: runs, checkpoints, observations, metrics. Expected
 * values were computed independently with python3's csv module from the mirror files
 * (distinct run keys, distinct (run, step, tokens) checkpoints, distinct (checkpoint, metric)
 * observations, non-empty cells of wide tables, after the table's where/drop rules), and agree
 * with SOURCE.md: e.g. 104 Gadre runs × 8 validation sets = 832; 529 Kempner runs × 61 eval
 * columns = 32,269; Pythia 16 models × 27 checkpoints minus step 0 = 416, 10,752 − 256 rows.
 */
const PINNED: Record<
  string,
  [runs: number, checkpoints: number, observations: number, metrics: number]
> = {
  "chinchilla-epoch/fig4": [245, 245, 245, 1],
  "loss-to-loss-kempner/sweep": [529, 529, 32269, 61],
  "loss-to-loss-kempner/extrapolation": [6, 6, 366, 61],
  "overtrain-gadre/val_losses": [104, 104, 832, 8],
  "overtrain-gadre/downstream": [104, 104, 4784, 46],
  // 499 models − 17 revisiting_*; 76,816 rows, of which gpt3_extracted repeats are averaged.
  "hitchhiker-colpret/observations": [482, 23811, 72206, 171],
  // revisiting_lang models with a parameter count (6 of 11); 1,346 rows → 659 after averaging.
  "hitchhiker-colpret/revisiting": [6, 272, 659, 11],
  "pythia-evals/evals": [16, 416, 10496, 32],
  // ObsScaling: models with size and tokens (148 − 25 have no tokens/FLOPs), non-empty cells.
  "obsscaling/base": [123, 123, 963, 8],
  "obsscaling/base_sub_10b": [82, 82, 653, 8],
  "obsscaling/emergent": [73, 73, 549, 8],
  "obsscaling/leaderboard_v2": [55, 55, 330, 6],
  // 85 models with tokens, of which falcon-180B and bloom have no post-training value at all.
  "obsscaling/post_training": [83, 83, 17158, 234],
  "obsscaling/instruct": [20, 20, 162, 9],
  "obsscaling/agent": [20, 20, 293, 29],
};

/**
 * Pinned warnings (code → rows) of the tables that drop or merge rows; the others have none.
 * Independent python3 counts: Hitchhiker 76,816 rows − 72,206 distinct keys = 4,610 merged;
 * revisiting 20,282 rows − 1,346 with params = 18,936 dropped, 1,346 − 659 = 687 merged;
 * Pythia 16 models × 16 step-0 rows = 256; ObsScaling rows without tokens (or size).
 */
const PINNED_WARNINGS: Record<string, Record<string, number>> = {
  "hitchhiker-colpret/observations": { "load.duplicates": 4610 },
  "hitchhiker-colpret/revisiting": { "load.dropped-missing": 18936, "load.duplicates": 687 },
  "pythia-evals/evals": { "load.dropped-zero-tokens": 256 },
  "obsscaling/base": { "load.dropped-missing": 25 },
  "obsscaling/base_sub_10b": { "load.dropped-missing": 10 },
  "obsscaling/emergent": { "load.dropped-missing": 11 },
  "obsscaling/leaderboard_v2": { "load.dropped-missing": 17 },
  "obsscaling/post_training": { "load.dropped-missing": 11 },
  "obsscaling/instruct": { "load.dropped-missing": 7 },
  "obsscaling/agent": { "load.dropped-missing": 7 },
};

Deno.test("loadDataset() loads every catalog table with the pinned counts", async (t) => {
  const options = await isolated();
  const seen = new Set<string>();
  for (const entry of CATALOG) {
    for (const table of entry.tables) {
      const key = `${entry.name}/${table.name}`;
      seen.add(key);
      await t.step(key, async () => {
        const ladder = await loadDataset(entry.name, table.name, options);
        const expected = PINNED[key];
        assert.ok(expected, `no pinned counts for ${key}`);
        assert.deepEqual(
          [
            ladder.runs.length,
            ladder.checkpoints.run.length,
            ladder.observations.value.length,
            ladder.metrics.length,
          ],
          expected,
        );
        const warned: Record<string, number> = {};
        for (const w of ladder.warnings) warned[w.code] = (warned[w.code] ?? 0) + w.count;
        assert.deepEqual(warned, PINNED_WARNINGS[key] ?? {});
        // Every metric has a kind, and the table's summary lists exactly the kinds present.
        for (const m of ladder.metrics) {
          assert.ok(ladder.metricKinds[m], `${key}: ${m} has no kind`);
        }
        const kinds = new Set(ladder.metrics.map((m) => ladder.metricKinds[m]));
        assert.deepEqual([...kinds].sort(), [...table.metricKinds].sort());
        // Provenance: dataset, each file with its sha256 and row count.
        assert.equal(ladder.provenance.dataset, entry.name);
        const names = [table.file, table.runsFile, table.metricKindsFile?.file].filter((x) =>
          x !== undefined
        );
        // Named relative to the dataset (not the mirror's absolute path), so results.json is
        // the same on every machine.
        assert.deepEqual(
          ladder.provenance.files.map((f) => f.path),
          names.map((n) => `${entry.name}/${n}`),
        );
        for (const f of ladder.provenance.files) {
          assert.ok(f.origin === "mirror" || f.origin === "cache", `${f.path}: ${f.origin}`);
          const spec = entry.files.find((x) => f.path === `${entry.name}/${x.name}`);
          assert.ok(spec);
          assert.equal(f.sha256, spec.sha256);
          assert.equal(f.rows, spec.rows);
        }
        for (const r of ladder.runs) assert.ok(r.params > 0 && Number.isFinite(r.params));
        for (const d of ladder.checkpoints.tokens) assert.ok(d > 0 && Number.isFinite(d));
      });
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(PINNED).sort());
  await Deno.remove(options.cacheDir, { recursive: true });
});

Deno.test("loadDataset() applies units and joins the per-run table when mapped", async () => {
  const options = await isolated();
  // ObsScaling: "Model Size (B)" × 1e9, tokens (T) × 1e12, FLOPs (1E21) × 1e21 (Llama-2-7b row).
  const obs = await loadDataset("obsscaling", "base", options);
  const llama = obs.runs.findIndex((r) => r.id === "meta-llama/Llama-2-7b-hf");
  assert.equal(obs.runs[llama].params, 7e9);
  assert.equal(obs.runs[llama].family, "Llama-2");
  const cp = obs.checkpoints.run.indexOf(llama);
  assert.equal(obs.checkpoints.tokens[cp], 2e12);
  assert.equal(obs.checkpoints.flops[cp], 84e21);
  // Gadre: params and tokens come from runs.csv (first row of runs.csv).
  const gadre = await loadDataset("overtrain-gadre", "val_losses", options);
  const run = gadre.runs.find((r) => r.id === "c4_original-d=96_l=8_h=4-0.25");
  assert.ok(run);
  assert.equal(run.params, 10569312);
  assert.equal(run.paramsNonEmbedding, 5727840);
  assert.equal(run.family, "c4_original");
  // Hitchhiker: metric kinds come from metrics.csv (err_* are errors, moduleformer in percent).
  const hh = await loadDataset("hitchhiker-colpret", "observations", options);
  assert.equal(hh.metricKinds["err_arc_easy"], "error");
  assert.equal(hh.metricKinds["hellaswag acc"], "percent");
  assert.equal(hh.metricKinds["wikitext bpb"], "bits_per_byte");
  await Deno.remove(options.cacheDir, { recursive: true });
});

Deno.test("loadDataset() uses the first table when none is named", async () => {
  const options = await isolated();
  const ladder = await loadDataset("overtrain-gadre", undefined, options);
  assert.deepEqual(ladder.metrics.length, 8);
  assert.equal(catalogTable("overtrain-gadre").name, "val_losses");
  await Deno.remove(options.cacheDir, { recursive: true });
});

/** A temporary mirror and cache, each holding a copy of chinchilla_fig4.csv when asked. */
async function tempDirs(inMirror: boolean, inCache: boolean) {
  const root = await Deno.makeTempDir({ prefix: "catalog_order_" });
  const dataDir = join(root, "mirror");
  const cacheDir = join(root, "cache");
  const bytes = await Deno.readFile(join(DATA_DIR, "chinchilla-epoch", "chinchilla_fig4.csv"));
  for (const [dir, put] of [[dataDir, inMirror], [cacheDir, inCache]] as const) {
    await Deno.mkdir(join(dir, "chinchilla-epoch"), { recursive: true });
    if (put) await Deno.writeFile(join(dir, "chinchilla-epoch", "chinchilla_fig4.csv"), bytes);
  }
  return { root, dataDir, cacheDir, bytes };
}

Deno.test("resolveDatasetFile() looks in the mirror first, then in the cache", async () => {
  const both = await tempDirs(true, true);
  const opts = { dataDir: both.dataDir, cacheDir: both.cacheDir, allowNetwork: false };
  const a = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts);
  assert.equal(a.origin, "mirror");
  assert.equal(a.path, join(both.dataDir, "chinchilla-epoch", "chinchilla_fig4.csv"));
  await Deno.remove(a.path);
  const b = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts);
  assert.equal(b.origin, "cache");
  assert.equal(b.path, join(both.cacheDir, "chinchilla-epoch", "chinchilla_fig4.csv"));
  assert.equal(b.sha256, sha256(both.bytes));
  await Deno.remove(both.root, { recursive: true });
});

Deno.test("resolveDatasetFile() rejects a file whose sha256 differs from the catalog", async () => {
  for (const where of ["mirror", "cache"] as const) {
    const dirs = await tempDirs(where === "mirror", where === "cache");
    const dir = where === "mirror" ? dirs.dataDir : dirs.cacheDir;
    const path = join(dir, "chinchilla-epoch", "chinchilla_fig4.csv");
    const changed = dirs.bytes.slice();
    changed[changed.length - 2] = changed[changed.length - 2] === 0x31 ? 0x32 : 0x31;
    await Deno.writeFile(path, changed);
    const opts = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, allowNetwork: false };
    await assert.rejects(
      resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts),
      (err: unknown) => {
        assert.ok(err instanceof DataError);
        assert.equal(err.file, path);
        assert.match(err.message, new RegExp(`^Cannot load "${path.replace(/[.]/g, "\\.")}"`));
        assert.ok(err.message.includes(sha256(changed)), "names the actual sha256");
        assert.ok(err.message.includes(CATALOG[0].files[0].sha256), "names the expected sha256");
        assert.ok(err.message.includes("chinchilla-epoch/chinchilla_fig4.csv"));
        assert.match(err.message, /verify: false/);
        return true;
      },
    );
    // With verification off the file is used as it is.
    const r = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", {
      ...opts,
      verify: false,
    });
    assert.equal(r.verification, "skipped");
    assert.equal(r.origin, where);
    await Deno.remove(dirs.root, { recursive: true });
  }
});

Deno.test("resolveDatasetFile() remembers a verification until the file changes", async () => {
  const dirs = await tempDirs(true, false);
  const opts = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, allowNetwork: false };
  const first = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts);
  assert.equal(first.verification, "hashed");
  const second = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts);
  assert.equal(second.verification, "cached");
  // Rewriting the file with another modification time forces a new check.
  await Deno.utime(first.path, new Date(0), new Date(1_000_000));
  const third = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", opts);
  assert.equal(third.verification, "hashed");
  await Deno.remove(dirs.root, { recursive: true });
});

Deno.test("resolveDatasetFile() explains where it looked when a file is missing", async () => {
  const dirs = await tempDirs(false, false);
  const { fetch, calls } = recordingFetch(dirs.bytes);
  const opts = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, allowNetwork: false, fetch };
  await assert.rejects(
    resolveDatasetFile("loss-to-loss-kempner", "sweep.csv", opts),
    (err: unknown) => {
      assert.ok(err instanceof DatasetNotFoundError);
      const mirror = join(dirs.dataDir, "loss-to-loss-kempner", "sweep.csv");
      const cache = join(dirs.cacheDir, "loss-to-loss-kempner", "sweep.csv");
      assert.deepEqual(err.looked, [mirror, cache]);
      assert.match(err.message, /^Cannot find dataset file "loss-to-loss-kempner\/sweep\.csv"/);
      assert.ok(err.message.includes(`mirror: ${mirror} (not found)`));
      assert.ok(err.message.includes(`cache: ${cache} (not found)`));
      assert.match(err.message, /1\. set SCALING_DATA_DIR/);
      assert.ok(err.message.includes(`2. put the file in the cache as ${cache}`));
      assert.match(err.message, /3\. allow downloading it with SCALING_ALLOW_NETWORK=1/);
      assert.match(err.message, /not attempted \(network not allowed\)/);
      return true;
    },
  );
  // A converted file has no URL: the message says a download cannot help.
  await assert.rejects(
    resolveDatasetFile("overtrain-gadre", "runs.csv", { ...opts, allowNetwork: true }),
    /3\. downloading is not possible for this file/,
  );
  assert.deepEqual(calls, []);
  await Deno.remove(dirs.root, { recursive: true });
});

Deno.test("resolveDatasetFile() does not download unless the network is allowed", async () => {
  const dirs = await tempDirs(false, false);
  const { fetch, calls } = recordingFetch(dirs.bytes);
  const saved = Deno.env.get("SCALING_ALLOW_NETWORK");
  Deno.env.delete("SCALING_ALLOW_NETWORK");
  try {
    const base = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, fetch };
    for (const opts of [base, { ...base, allowNetwork: false }]) {
      await assert.rejects(
        resolveDatasetFile("obsscaling", "base_llm_benchmark_eval.csv", opts),
        DatasetNotFoundError,
      );
    }
    // The environment variable allows it when the option is not given.
    Deno.env.set("SCALING_ALLOW_NETWORK", "1");
    await assert.rejects(
      resolveDatasetFile("obsscaling", "base_llm_benchmark_eval.csv", base),
      DataError, // the recording fetcher serves Chinchilla's bytes: a hash mismatch
    );
    assert.equal(calls.length, 1);
  } finally {
    if (saved === undefined) Deno.env.delete("SCALING_ALLOW_NETWORK");
    else Deno.env.set("SCALING_ALLOW_NETWORK", saved);
  }
  await Deno.remove(dirs.root, { recursive: true });
});

Deno.test("resolveDatasetFile() downloads into the cache atomically when allowed", async () => {
  const dirs = await tempDirs(false, false);
  const spec = CATALOG.find((e) => e.name === "obsscaling")!.files[0];
  const bytes = await Deno.readFile(join(DATA_DIR, "obsscaling", spec.name));
  const { fetch, calls } = recordingFetch(bytes);
  const opts = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, allowNetwork: true, fetch };
  const got = await resolveDatasetFile("obsscaling", spec.name, opts);
  assert.deepEqual(calls, [
    "https://raw.githubusercontent.com/ryoungj/ObsScaling/" +
    "4d6e1e43fd2635d04654aa77d1df9d5266ea0382/eval_results/base_llm_benchmark_eval.csv",
  ]);
  assert.equal(got.origin, "download");
  assert.equal(got.path, join(dirs.cacheDir, "obsscaling", spec.name));
  assert.equal(sha256(await Deno.readFile(got.path)), spec.sha256);
  const left = [...Deno.readDirSync(join(dirs.cacheDir, "obsscaling"))].map((e) => e.name);
  assert.deepEqual(left, [spec.name], "no temporary file is left behind");
  // The next call finds it in the cache and does not fetch again.
  const again = await resolveDatasetFile("obsscaling", spec.name, opts);
  assert.equal(again.origin, "cache");
  assert.equal(again.verification, "cached");
  assert.equal(calls.length, 1);
  await Deno.remove(dirs.root, { recursive: true });
});

Deno.test("resolveDatasetFile() writes nothing when a download is corrupt or fails", async () => {
  const dirs = await tempDirs(false, false);
  const bad = recordingFetch(new TextEncoder().encode("Model\nnot the file\n"));
  const opts = { dataDir: dirs.dataDir, cacheDir: dirs.cacheDir, allowNetwork: true };
  await assert.rejects(
    resolveDatasetFile("obsscaling", "base_llm_benchmark_eval.csv", { ...opts, fetch: bad.fetch }),
    (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.match(err.message, /^Cannot load "https:\/\/raw\.githubusercontent\.com\//);
      assert.match(err.message, /nothing was written to the cache/);
      return true;
    },
  );
  const failing: Fetcher = () => Promise.reject(new Error("connection refused"));
  await assert.rejects(
    resolveDatasetFile("obsscaling", "base_llm_benchmark_eval.csv", { ...opts, fetch: failing }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetNotFoundError);
      assert.match(err.message, /failed \(connection refused\)/);
      return true;
    },
  );
  // The dataset's cache folder was never created (or is empty).
  const folder = join(dirs.cacheDir, "obsscaling");
  const cacheFiles = await Deno.stat(folder).then(() => [...Deno.readDirSync(folder)], () => []);
  assert.deepEqual(cacheFiles, []);
  await Deno.remove(dirs.root, { recursive: true });
});

Deno.test("loadDataset() names the known datasets and the closest one for a typo", async () => {
  await assert.rejects(loadDataset("overtrain"), (err: unknown) => {
    assert.ok(err instanceof RangeError);
    assert.match(err.message, /^Cannot find dataset "overtrain": expected one of /);
    for (const e of CATALOG) assert.ok(err.message.includes(JSON.stringify(e.name)));
    assert.match(err.message, /did you mean "overtrain-gadre"\?$/);
    return true;
  });
  await assert.rejects(
    loadDataset("pythia-evals", "eval"),
    /^RangeError: Cannot find table "eval" of dataset "pythia-evals": expected one of "evals"; did you mean "evals"\?$/,
  );
  await assert.rejects(loadDataset("obsscaling", "val_losses"), (err: unknown) => {
    assert.ok(err instanceof RangeError);
    assert.ok(!err.message.includes("did you mean"), "no suggestion when nothing is close");
    return true;
  });
  await assert.rejects(
    resolveDatasetFile("overtrain-gadre", "run.csv"),
    /did you mean "runs\.csv"\?/,
  );
});

Deno.test("listDatasets() gives one line per table, default tables first and marked", () => {
  const lines = listDatasets();
  assert.equal(lines.length, CATALOG.reduce((n, e) => n + e.tables.length, 0));
  assert.equal(lines.filter((l) => l.startsWith("* ")).length, CATALOG.length);
  assert.match(lines[0], /^\* chinchilla-epoch\/fig4 +loss +245 final/);
  assert.match(lines[1], /^\* loss-to-loss-kempner\/sweep +loss,perplexity,accuracy +529 runs/);
});

Deno.test("CATALOG files match the mirror and name consistent URLs", async () => {
  for (const entry of CATALOG) {
    const repo = entry.source.repository.replace("https://github.com/", "");
    assert.match(entry.source.commit, /^[0-9a-f]{40}$/);
    for (const f of entry.files) {
      const bytes = await Deno.readFile(join(DATA_DIR, entry.name, f.name));
      assert.equal(sha256(bytes), f.sha256, `${entry.name}/${f.name}`);
      assert.equal(bytes.length, f.bytes, `${entry.name}/${f.name}`);
      if (f.url === null) {
        assert.match(f.note ?? "", /only available from a mirror/);
      } else {
        assert.equal(
          f.url,
          `https://raw.githubusercontent.com/${repo}/${entry.source.commit}/${f.upstreamPath}`,
        );
      }
    }
    const names = new Set(entry.files.map((f) => f.name));
    for (const t of entry.tables) {
      for (const f of [t.file, t.runsFile, t.metricKindsFile?.file]) {
        if (f !== undefined) assert.ok(names.has(f), `${entry.name}/${t.name}: ${f}`);
      }
    }
    for (const x of Object.values(entry.extras)) {
      if (x.file !== undefined) assert.ok(names.has(x.file), `${entry.name}: extra ${x.file}`);
    }
  }
});
