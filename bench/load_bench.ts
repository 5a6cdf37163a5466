/**
 * Load benchmark: the 97,098-row hitchhiker-colpret observations (with models.csv joined for
 * params and family) through the dataset catalog (`loadDataset`), against a Python baseline that reads the same file
 * into columns with the `csv` module and converts the numeric columns to float.
 *
 * Prints one JSON object `{ rows, seconds, baseline_seconds, ratio }` to stdout (ratio =
 * seconds / baseline_seconds); details go to stderr. The data directory is `SCALING_DATA_DIR`,
 * default `../shared/data` relative to the repository root.
 *
 * Run: `deno run --allow-read --allow-env --allow-run bench/load_bench.ts`
 *
 * @module
 */

import { join } from "node:path";
import { loadDataset } from "../lib/data/catalog.ts";
import { sharedDataDir } from "../lib/util/_testdata.ts";

const PYTHON_BASELINE = `
import csv, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    cols = [[] for _ in header]
    for row in reader:
        for c, cell in enumerate(row):
            cols[c].append(cell)
numeric = {"step", "tokens", "flops", "epochs", "value"}
for name, col in zip(header, cols):
    if name in numeric:
        col[:] = [float(x) if x else float("nan") for x in col]
print(len(cols[0]), time.perf_counter() - t0)
`;

async function pythonBaseline(path: string): Promise<{ rows: number; seconds: number }> {
  const out = await new Deno.Command("python3", {
    args: ["-c", PYTHON_BASELINE, path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot run the python3 baseline: ${new TextDecoder().decode(out.stderr)}`);
  }
  const [rows, seconds] = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(Number);
  return { rows, seconds };
}

if (import.meta.main) {
  const dir = join(sharedDataDir(), "hitchhiker-colpret");
  const obsPath = join(dir, "observations.csv");
  const t0 = performance.now();
  // Through the catalog, as a user loads it: mirror lookup, sha256 check, parse, map, join.
  const ladder = await loadDataset("hitchhiker-colpret", "observations", {
    dataDir: sharedDataDir(),
  });
  const seconds = (performance.now() - t0) / 1000;
  const baseline = await pythonBaseline(obsPath);
  const rows = ladder.provenance.files[0].rows ?? 0;
  console.error(
    `hitchhiker-colpret: ${ladder.runs.length} runs, ${ladder.checkpoints.run.length} checkpoints, ` +
      `${ladder.observations.value.length} observations, ${ladder.metrics.length} metrics; ` +
      `python read ${baseline.rows} rows`,
  );
  for (const w of ladder.warnings) console.error(`warning ${w.code}: ${w.message}`);
  console.log(JSON.stringify({
    rows,
    seconds: Number(seconds.toFixed(4)),
    baseline_seconds: Number(baseline.seconds.toFixed(4)),
    ratio: Number((seconds / baseline.seconds).toFixed(3)),
  }));
}
