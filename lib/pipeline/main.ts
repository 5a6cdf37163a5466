/**
 * The command-line face of a pipeline run, shared by `deno task pipeline <file.json>` and the
 * pipeline modules of `pipelines/` run as main modules: progress on stderr, the report in
 * `<reportsDir>/<name>/`, the index in `<reportsDir>/index.html`, a comparisons summary on
 * stdout, and an exit code.
 *
 * @module
 */

import { join } from "node:path";
import { formatValue } from "../report/format.ts";
import { collectReports, writeIndex } from "../report/write_index.ts";
import { type PipelineResult, runPipeline, type RunPipelineOptions } from "./run.ts";
import { SpecError } from "./validate.ts";

/** Options of {@link runPipelineMain}. */
export interface RunPipelineMainOptions extends Omit<RunPipelineOptions, "outDir" | "onProgress"> {
  /** Folder of all reports; the report goes to `<reportsDir>/<spec name>/`. */
  reportsDir: string;
  /** Where messages go. @default console.error for progress, console.log for the summary */
  log?: (line: string) => void;
  err?: (line: string) => void;
}

/** Exit codes: 0 success, 1 a step failed, 2 the spec is invalid. */
export const EXIT_SPEC_ERROR = 2;

/**
 * Summary lines of a result: the report folder and one line per comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryLines } from "./main.ts";
 * const lines = summaryLines({
 *   results: { comparisons: [{ quantity: "q", ours: 1, published: 1.1, source: "s",
 *     difference: -0.1, relativeDifference: -0.09, tolerance: null, interval: null,
 *     relativeTolerance: 0.2,
 *     withinTolerance: true, note: null }], data: null },
 *   fallback: null,
 *   // deno-lint-ignore no-explicit-any
 * } as any);
 * assert.equal(lines[1], "  ok  q: ours 1, published 1.1 (s)");
 * ```
 */
export function summaryLines(result: PipelineResult): string[] {
  const out: string[] = [];
  if (result.results.comparisons.length > 0) {
    out.push(
      `Comparisons with published values${
        result.fallback ? " (SYNTHETIC FALLBACK DATA: they do not apply)" : ""
      }:`,
    );
  }
  for (const c of result.results.comparisons) {
    const mark = c.withinTolerance === null ? "  -  " : c.withinTolerance ? "  ok " : "  NO ";
    out.push(
      `${mark} ${c.quantity}: ours ${
        c.ours === null ? `missing (${c.note})` : formatValue(c.ours)
      }, published ${formatValue(c.published)} (${c.source})`,
    );
  }
  return out;
}

/**
 * Run a spec from the command line: validate (all problems to stderr, exit code 2), run with
 * progress on stderr, write `<reportsDir>/<name>/` and `<reportsDir>/index.html`, print the
 * comparisons. Never throws: errors become messages and exit code 1.
 *
 * @param spec The spec (parsed JSON or a typed constant).
 * @param options Reports folder, data directory, workers.
 * @returns The exit code.
 */
export async function runPipelineMain(
  spec: unknown,
  options: RunPipelineMainOptions,
): Promise<number> {
  const { reportsDir, log = console.log, err = console.error, ...rest } = options;
  const name = typeof spec === "object" && spec !== null && "name" in spec
    ? String((spec as { name: unknown }).name)
    : "pipeline";
  const outDir = join(reportsDir, name);
  let result: PipelineResult;
  try {
    result = await runPipeline(spec, { ...rest, outDir, onProgress: err });
  } catch (e) {
    if (e instanceof SpecError) {
      err(e.message);
      return EXIT_SPEC_ERROR;
    }
    err(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    return 1;
  }
  try {
    await writeIndex(reportsDir, await collectReports(reportsDir));
  } catch (e) {
    err(`Cannot write the reports index: ${(e as Error).message}`);
  }
  for (const line of summaryLines(result)) log(line);
  log(`Report: ${join(outDir, "report.html")}`);
  return 0;
}
