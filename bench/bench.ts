/**
 * `deno task bench`: time the toolkit against numpy + scipy on Epoch AI's Chinchilla refit
 * (methods.md 1.1), in one run:
 *
 * 1. our 4500-start Hoffmann grid fit (on the default number of workers, and on one thread);
 * 2. our `"default"` start strategy (variable projection);
 * 3. our 4000-resample bootstrap (seed 42, refits from the point estimate);
 * 4. `bench/scipy_chinchilla.py` (the same grid and bootstrap with scipy's L-BFGS-B).
 *
 * Prints one JSON object: times, objectives, bootstrap intervals and the speed-ups
 * `grid_speedup = scipy_grid_seconds / ours_grid_seconds`,
 * `default_speedup = scipy_grid_seconds / ours_default_seconds` and
 * `bootstrap_speedup = scipy_bootstrap_seconds / ours_bootstrap_seconds`.
 * Progress goes to stderr. Data: `$SCALING_DATA_DIR/chinchilla-epoch/chinchilla_fig4.csv`,
 * default `../shared/data` next to the repository.
 *
 * Usage: `deno task bench [--resamples 4000] [--no-scipy] [--python python3]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { fit } from "../lib/fit/fit.ts";
import { bootstrap } from "../lib/fit/bootstrap.ts";
import { defaultWorkerCount } from "../lib/fit/pool.ts";
import { epochCsvPath, epochFitData } from "../lib/util/_testdata.ts";

/** Epoch's published 95% bootstrap intervals (methods.md 4.1). */
export const EPOCH_INTERVALS: Readonly<Record<string, [number, number]>> = {
  A: [285.214, 743.626],
  B: [1042.357, 5810.344],
  E: [1.769, 1.871],
  alpha: [0.317, 0.373],
  beta: [0.331, 0.415],
};

/** Epoch's best grid objective (Huber δ = 1e-3 summed, 240 points). */
export const EPOCH_GRID_OBJECTIVE = 0.0010182740;

function progress(label: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done === total || now - last > 2000) {
      last = now;
      console.error(`${label}: ${done}/${total}`);
    }
  };
}

const round = (v: number, digits = 4) => Number(v.toPrecision(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      resamples: { type: "string", default: "4000" },
      "no-scipy": { type: "boolean", default: false },
      python: { type: "string", default: "python3" },
    },
  });
  const resamples = Number(values.resamples);
  const path = epochCsvPath();
  const data = epochFitData(await Deno.readTextFile(path));
  const workers = defaultWorkerCount();
  const out: Record<string, unknown> = { n: data.y.length, workers };

  console.error(`grid fit (4500 starts, ${workers} workers)...`);
  let t = performance.now();
  const grid = await fit("chinchilla", data, {
    starts: "grid",
    workers,
    onProgress: progress("grid"),
  });
  out.ours_grid_seconds = (performance.now() - t) / 1000;
  out.ours_grid_objective = grid.objective;
  out.ours_grid_converged = grid.converged;

  console.error("grid fit (4500 starts, one thread)...");
  t = performance.now();
  const gridOne = await fit("chinchilla", data, { starts: "grid", workers: 0 });
  out.ours_grid_single_thread_seconds = (performance.now() - t) / 1000;
  out.ours_grid_single_thread_objective = gridOne.objective;

  console.error("default fit...");
  t = performance.now();
  const cold = await fit("chinchilla", data, { workers: 0 });
  out.ours_default_cold_seconds = (performance.now() - t) / 1000;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await fit("chinchilla", data, { workers: 0 });
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  out.ours_default_seconds = times[2];
  out.ours_default_objective = cold.objective;
  out.ours_params = Object.fromEntries(
    Object.entries(grid.params).map(([k, v]) => [k, round(v.value, 7)]),
  );

  console.error(`bootstrap (${resamples} resamples, ${workers} workers)...`);
  t = performance.now();
  const boot = await bootstrap("chinchilla", data, {
    resamples,
    seed: 42,
    workers,
    estimate: grid,
    onProgress: progress("bootstrap"),
  });
  out.ours_bootstrap_seconds = (performance.now() - t) / 1000;
  out.ours_bootstrap_failed = boot.failed;
  out.ours_bootstrap_ci95 = Object.fromEntries(
    Object.entries(boot.intervals).map(([k, [lo, hi]]) => [k, [round(lo, 5), round(hi, 5)]]),
  );
  out.epoch_bootstrap_ci95 = EPOCH_INTERVALS;

  if (!values["no-scipy"]) {
    console.error("scipy (grid and bootstrap; takes a few minutes)...");
    const script = fileURLToPath(new URL("./scipy_chinchilla.py", import.meta.url));
    const res = await new Deno.Command(values.python, {
      args: [script, path, "--resamples", String(resamples)],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!res.success) {
      console.error(`Cannot run ${script}: exit code ${res.code}`);
      Deno.exit(1);
    }
    const scipy = JSON.parse(new TextDecoder().decode(res.stdout));
    out.scipy_grid_seconds = scipy.grid_seconds;
    out.scipy_grid_objective = scipy.objective;
    out.scipy_bootstrap_seconds = scipy.bootstrap_seconds;
    out.scipy_bootstrap_failed = scipy.bootstrap_failed;
    out.scipy_bootstrap_ci95 = Object.fromEntries(
      Object.entries(scipy.bootstrap_ci95 as Record<string, [number, number]>).map((
        [k, [lo, hi]],
      ) => [k, [round(lo, 5), round(hi, 5)]]),
    );
    out.grid_speedup = scipy.grid_seconds / (out.ours_grid_seconds as number);
    out.grid_speedup_single_thread = scipy.grid_seconds /
      (out.ours_grid_single_thread_seconds as number);
    out.default_speedup = scipy.grid_seconds / (out.ours_default_seconds as number);
    out.bootstrap_speedup = scipy.bootstrap_seconds / (out.ours_bootstrap_seconds as number);
    out.objective_not_worse = grid.objective <= scipy.objective * (1 + 1e-9) &&
      cold.objective <= scipy.objective * (1 + 1e-9);
  }
  console.log(JSON.stringify(out));
}

if (import.meta.main) await main();
