/**
 * Benchmark of the Hitchhiker study (pipelines/hitchhiker.ts): how long the whole study takes
 * on all cores, how many fits per second the engine sustains, and a scipy baseline on the same
 * fits (bench/scipy_study.py: ColPret's single-start curve_fit) side by side with this engine on
 * one thread. Prints one JSON object.
 *
 * Data: hitchhiker-colpret from the catalog (`SCALING_DATA_DIR`); without it, a synthetic
 * family (and the JSON says so).
 *
 * Usage: `deno run --allow-read --allow-env --allow-run --allow-write=/tmp bench/study_bench.ts
 * [--fractions full|reduced] [--workers N] [--sample 200] [--no-scipy] [--python python3]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadDataset } from "../lib/data/catalog.ts";
import { syntheticLadder } from "../lib/data/synthetic.ts";
import { runBacktestFit } from "../lib/backtest/fit_task.ts";
import {
  DEFAULT_FRACTIONS,
  runStudy,
  type StudyFamilyInput,
  studyFitTasks,
  type StudyOptions,
} from "../lib/backtest/study.ts";
import { defaultWorkerCount } from "../lib/fit/pool.ts";
import { studyFamilies } from "../lib/pipeline/steps_backtest.ts";
import type { Ladder } from "../lib/data/schema.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    fractions: { type: "string", default: "full" },
    workers: { type: "string" },
    sample: { type: "string", default: "200" },
    "no-scipy": { type: "boolean", default: false },
    python: { type: "string", default: "python3" },
  },
});

let ladder: Ladder;
let data = "hitchhiker-colpret";
try {
  ladder = await loadDataset("hitchhiker-colpret", "observations");
} catch (e) {
  data = `synthetic (hitchhiker-colpret not found: ${(e as Error).message.split("\n")[0]})`;
  ladder = syntheticLadder({ seed: 1, checkpoints: 12, tasks: [] });
}
const { inputs } = studyFamilies(ladder, {
  metrics: ["loss", "val_loss", "ppl", "val_perplexity"],
});
const workers = values.workers ? Number(values.workers) : defaultWorkerCount();
const options: StudyOptions = {
  fractions: values.fractions === "reduced" ? [0.2, 0.4, 0.6, 0.8, 1] : [...DEFAULT_FRACTIONS],
  windows: [2],
};

// 1. The whole study on all workers.
const study = await runStudy(inputs, { ...options, workers, progress: true });

// 2. A sample of the same fits, evenly spread, on one thread here and with scipy.
const tasks = studyFitTasks(inputs as StudyFamilyInput[], options);
const want = Math.min(Number(values.sample), tasks.length);
const sample = Array.from({ length: want }, (_, i) => tasks[Math.floor((i * tasks.length) / want)]);
const t0 = performance.now();
const ours = sample.map(runBacktestFit);
const oneThread = (performance.now() - t0) / 1000;
const points = sample.reduce((n, t) => n + t.train.y.length, 0);

let scipy: Record<string, unknown> | null = null;
if (!values["no-scipy"]) {
  const file = "/tmp/study_bench_tasks.json";
  await Deno.writeTextFile(
    file,
    JSON.stringify(sample.map((t) => ({
      N: Array.from(t.train.inputs.N),
      D: Array.from(t.train.inputs.D),
      y: Array.from(t.train.y),
    }))),
  );
  try {
    const script = new URL("./scipy_study.py", import.meta.url).pathname;
    const res = await new Deno.Command(values.python, { args: [script, file] }).output();
    if (res.success) {
      const out = JSON.parse(new TextDecoder().decode(res.stdout));
      // Sum of squared errors of each engine's fit on the same data: lower is a better optimum.
      let better = 0, worse = 0;
      ours.forEach((o, i) => {
        const s = out.sse[i];
        if (!Number.isFinite(s) || o.state !== "fitted") return;
        const mine = o.objective * 2; // the engine's squared loss is 1/2 Σ r²
        if (mine < s * (1 - 1e-6)) better++;
        else if (mine > s * (1 + 1e-6)) worse++;
      });
      scipy = {
        method: "curve_fit trf, single start at ColPret's p0, linear-space least squares",
        fits: out.fits,
        seconds: out.seconds,
        fitsPerSecond: out.fitsPerSecond,
        failures: out.failures,
        oursLowerSse: better,
        scipyLowerSse: worse,
      };
    } else scipy = { error: new TextDecoder().decode(res.stderr).slice(0, 300) };
  } catch (e) {
    scipy = { error: (e as Error).message };
  }
}

console.log(JSON.stringify(
  {
    data,
    families: study.families.length,
    fractions: options.fractions,
    study: {
      fits: study.fits,
      seconds: Number(study.seconds.toFixed(2)),
      workers: study.workers,
      fitsPerSecond: Number((study.fits / study.seconds).toFixed(2)),
    },
    sample: {
      fits: sample.length,
      meanPoints: Math.round(points / Math.max(1, sample.length)),
      fit: "least squares in linear space, alpha, beta >= 0, default (variable projection) starts",
      oneThread: {
        seconds: Number(oneThread.toFixed(2)),
        fitsPerSecond: Number((sample.length / oneThread).toFixed(2)),
      },
      scipy,
    },
  },
  null,
  2,
));
