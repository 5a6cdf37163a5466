/**
 * `deno task reproduce`: run every pipeline of the published analyses we reproduce, write one
 * report per pipeline under `reports/<name>/`, and `reports/index.html` with links to every
 * report and one table of our numbers next to the published ones.
 *
 * Datasets come from the catalog (a mirror named by `SCALING_DATA_DIR`, the user cache, or a
 * verified download when `SCALING_ALLOW_NETWORK=1`). A pipeline whose dataset cannot be reached
 * runs on the project's synthetic ladder instead and says so in its output and report.
 *
 * Usage: `deno task reproduce [--only name[,name...]] [--out reports]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatasetNotFoundError } from "../lib/data/catalog.ts";
import { type PipelineResult, runPipeline } from "../lib/pipeline/run.ts";
import { summaryLines } from "../lib/pipeline/main.ts";
import { SpecError } from "../lib/pipeline/validate.ts";
import { collectReports, writeIndex } from "../lib/report/write_index.ts";
import type { PipelineSpec } from "../lib/pipeline/spec.ts";
import { spec as quickstart } from "./quickstart.ts";
import { spec as chinchilla } from "./chinchilla.ts";
import { spec as overtrainGadre } from "./overtrain_gadre.ts";
import { spec as lossToLossKempner } from "./loss_to_loss_kempner.ts";
import { spec as obsscaling } from "./obsscaling.ts";
import { spec as pythiaEvals } from "./pythia_evals.ts";
import { spec as hitchhiker } from "./hitchhiker.ts";
import { spec as literature } from "./literature.ts";

/** Every pipeline `reproduce` runs, in order. */
export const PIPELINES: readonly PipelineSpec[] = [
  quickstart,
  chinchilla,
  overtrainGadre,
  lossToLossKempner,
  obsscaling,
  pythiaEvals,
  literature,
  hitchhiker,
];

/** Outcome of one pipeline in a reproduce run. */
export interface ReproduceOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  /** Set when the pipeline ran on synthetic fallback data. */
  fallback: boolean;
  /** Set when the pipeline's dataset could not be reached and it has no synthetic fallback. */
  skipped: boolean;
  /** Comparisons within / outside tolerance / not judged. */
  agree: number;
  disagree: number;
  error?: string;
}

/**
 * The dataset mirror to use: `$SCALING_DATA_DIR`, else the `shared/data` folder beside the
 * repository (the layout of our machines and CI) when it exists, else none (the catalog then
 * tries the user cache and, if allowed, a verified download).
 */
export function defaultDataDir(): string | undefined {
  const fromEnv = Deno.env.get("SCALING_DATA_DIR");
  if (fromEnv) return fromEnv;
  const sibling = new URL("../../shared/data", import.meta.url).pathname;
  return existsSync(sibling) ? sibling : undefined;
}

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Folder of all reports. @default "reports" next to the repository root */
  reportsDir?: string;
  /** Run only these pipelines (by name). */
  only?: string[];
  /**
   * Dataset mirror. @default $SCALING_DATA_DIR, else `../shared/data` beside the repository
   * when that folder exists
   */
  dataDir?: string;
  /** Progress lines (stderr by default). */
  progress?: (line: string) => void;
  /** Summary lines (stdout by default). */
  log?: (line: string) => void;
}

/**
 * Run the pipelines and write the reports and the index. Never throws for a failing pipeline:
 * the failure is reported and the others still run.
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceOutcome[]> {
  const reportsDir = resolve(
    options.reportsDir ?? new URL("../reports", import.meta.url).pathname,
  );
  const progress = options.progress ?? ((line: string) => console.error(line));
  const log = options.log ?? ((line: string) => console.log(line));
  const selected = options.only?.length
    ? PIPELINES.filter((p) => options.only!.includes(p.name))
    : [...PIPELINES];
  const unknown = (options.only ?? []).filter((n) => !PIPELINES.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new RangeError(
      `Cannot run pipeline ${unknown.map((n) => JSON.stringify(n)).join(", ")}: expected one of ${
        PIPELINES.map((p) => p.name).join(", ")
      }`,
    );
  }
  const dataDir = options.dataDir ?? defaultDataDir();
  if (dataDir !== undefined && options.dataDir === undefined && !Deno.env.get("SCALING_DATA_DIR")) {
    progress(`Using the dataset mirror ${dataDir} (set SCALING_DATA_DIR to use another)`);
  }
  const outcomes: ReproduceOutcome[] = [];
  const started = performance.now();
  for (const [i, spec] of selected.entries()) {
    const tag = `[${i + 1}/${selected.length}] ${spec.name}`;
    progress(`${tag}: ${spec.title ?? ""}`);
    const t0 = performance.now();
    let result: PipelineResult | undefined;
    let error: string | undefined;
    let skipped = false;
    try {
      result = await runPipeline(spec, {
        outDir: join(reportsDir, spec.name),
        onProgress: (msg) => progress(`${tag}: ${msg}`),
        ...(dataDir === undefined ? {} : { dataDir }),
      });
    } catch (e) {
      error = e instanceof SpecError || e instanceof Error ? e.message : String(e);
      skipped = e instanceof DatasetNotFoundError;
      progress(`${tag}: ${skipped ? "SKIPPED (dataset not reachable)" : "FAILED"}: ${error}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const comparisons = result?.results.comparisons ?? [];
    outcomes.push({
      name: spec.name,
      ok: result !== undefined || skipped,
      seconds,
      fallback: Boolean(result?.fallback),
      skipped,
      agree: comparisons.filter((c) => c.withinTolerance === true).length,
      disagree: comparisons.filter((c) => c.withinTolerance === false).length,
      ...(error === undefined ? {} : { error }),
    });
    if (result) {
      log(`\n== ${spec.name} (${seconds.toFixed(1)} s)`);
      for (const line of summaryLines(result)) log(line);
    }
  }
  await writeIndex(reportsDir, await collectReports(reportsDir));
  const total = (performance.now() - started) / 1000;
  log(`\nReports: ${join(reportsDir, "index.html")} (${total.toFixed(1)} s in all)`);
  const width = Math.max(...outcomes.map((o) => o.name.length));
  for (const o of outcomes) {
    const state = o.skipped
      ? "SKIPPED: its dataset could not be reached and it has no synthetic fallback"
      : !o.ok
      ? `FAILED: ${o.error}`
      : o.fallback
      ? "ran on SYNTHETIC FALLBACK DATA (the real dataset could not be reached): its " +
        "comparisons with published values do not apply"
      : `${o.agree} agree, ${o.disagree} disagree with published values`;
    log(`  ${o.name.padEnd(width)} ${o.seconds.toFixed(1).padStart(6)} s  ${state}`);
  }
  return outcomes;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { only: { type: "string" }, out: { type: "string" } },
  });
  try {
    const outcomes = await reproduce({
      only: values.only?.split(",").map((s) => s.trim()).filter(Boolean),
      reportsDir: values.out,
    });
    Deno.exit(outcomes.every((o) => o.ok) ? 0 : 1);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }
}
