/**
 * Run a declarative pipeline: validate the whole spec first (nothing runs on an invalid spec),
 * execute the steps in order over a shared context, then draw the figures, build the results
 * document and write the report.
 *
 * Whole runs use {@link runPipeline}; notebooks step through with {@link startPipeline}:
 *
 * ```ts ignore
 * const run = await startPipeline(spec);
 * await run.next();      // load: shows a one-line summary in a notebook
 * await run.next();      // fit ...
 * run.result;            // results so far; displays as Markdown/HTML in Deno's Jupyter kernel
 * await run.finish();    // the remaining steps, figures and (with outDir) the report files
 * ```
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import { DatasetNotFoundError, loadDataset } from "../data/catalog.ts";
import type { CatalogOptions } from "../data/catalog.ts";
import { applyFilters } from "../data/filter.ts";
import { loadLadder } from "../data/load.ts";
import { withRunFields } from "../data/run_fields.ts";
import { type ComputeMode, type Ladder, type MetricPoints, metricPoints } from "../data/schema.ts";
import { syntheticLadder, syntheticTruth } from "../data/synthetic.ts";
import { isoflopAnalysis, type IsoflopPoint, optimalAllocation } from "../fit/allocation.ts";
import { bootstrap as runBootstrap } from "../fit/bootstrap.ts";
import { fit as runFit } from "../fit/fit.ts";
import type { FitOptions } from "../fit/types.ts";
import type { Law } from "../laws/types.ts";
import { type Figure, JUPYTER_DISPLAY } from "../report/figure.ts";
import { escapeHtml, toJsonValue } from "../report/format.ts";
import { blocksToHtml } from "../report/html.ts";
import { blocksToMarkdown } from "../report/markdown.ts";
import { allLoads, reportBlocks } from "../report/blocks.ts";
import type {
  AllocationPoint,
  DataSummary,
  Interval,
  IsoflopBudget,
  ResultsDocument,
} from "../report/types.ts";
import { writeReport, type WriteReportResult } from "../report/write.ts";
import { TOOLKIT_NAME, VERSION } from "../version.ts";
import { Warnings } from "../util/warnings.ts";
import type { Warning } from "../util/warnings.ts";
import { type FitEntry, PipelineContext } from "./context.ts";
import { fitStepLaw } from "./_spec_parts.ts";
import { buildFigures } from "./figures.ts";
import { derivedValues, ladderColumnNames } from "./derived_column.ts";
import { downstreamResults, runMapStep } from "./steps_downstream.ts";
import { backtestResults, runBacktestStep } from "./steps_backtest.ts";
import {
  compareWithPublished,
  errorSummary,
  fitSummary,
  ladderCounts,
  metricSummaries,
  predictionRows,
  range,
} from "./results.ts";
import {
  type AllocationStep,
  type EvaluateStep,
  expandComputeGrid,
  type FilterStep,
  type FitStep,
  type IsoflopStep,
  type LoadStep,
  type ParsedPipelineSpec,
  parsePipelineSpec,
  parseQuantity,
  type PipelineSpec,
  type Step,
} from "./spec.ts";

/** Options of {@link runPipeline} and {@link startPipeline}. */
export interface RunPipelineOptions {
  /** Write the report here (results.json, report.md, report.html, figures/). @default no report files */
  outDir?: string;
  /** Called with one line per step and for notable events (a synthetic fallback). */
  onProgress?: (message: string) => void;
  /** Mirror directory of the dataset catalog (`<dataset>/<file>`). @default $SCALING_DATA_DIR */
  dataDir?: string;
  /** Other catalog options (cache directory, network). */
  catalog?: Omit<CatalogOptions, "dataDir">;
  /** Folder that relative `file` paths of load steps are resolved against. @default the working directory */
  baseDir?: string;
  /** Worker threads for fits and bootstraps (0 or 1: the calling thread). @default the fitter's default */
  workers?: number;
  /** PNG copies of the figures (see `writeReport`). @default "auto" */
  png?: boolean | "auto";
}

/** What one step did. */
export class StepOutcome {
  /** 0-based index of the step. */
  readonly index: number;
  /** The parsed step. */
  readonly step: Step;
  /** One-line summary. */
  readonly message: string;

  constructor(index: number, step: Step, message: string) {
    this.index = index;
    this.step = step;
    this.message = message;
  }

  /** Rich display for Deno's Jupyter kernel. */
  [JUPYTER_DISPLAY](): Record<string, string> {
    return { "text/markdown": `**Step ${this.index + 1} (${this.step.step}).** ${this.message}` };
  }
}

/** The outcome of a pipeline: results document, figures, warnings, raw objects. */
export class PipelineResult {
  /** The results document (the content of results.json). */
  readonly results: ResultsDocument;
  /** The figures (empty until the run finishes). */
  readonly figures: Figure[];
  /** All warnings (loading, filters, fits, pipeline). */
  readonly warnings: Warning[];
  /** The state the steps built: ladders, raw fit and bootstrap results. */
  readonly context: PipelineContext;
  /** Set when a synthetic ladder replaced an unreachable catalog dataset. */
  readonly fallback: { dataset: string; reason: string } | null;
  /** The files written, when the run wrote a report. */
  report?: WriteReportResult;

  constructor(results: ResultsDocument, figures: Figure[], context: PipelineContext) {
    this.results = results;
    this.figures = figures;
    this.warnings = results.warnings;
    this.context = context;
    this.fallback = allLoads(results).find((l) => l.fallback)?.fallback ?? null;
  }

  /** The report as Markdown (figures linked as files). */
  get markdown(): string {
    return blocksToMarkdown(reportBlocks(this.results), { png: this.report?.png ?? false });
  }

  /**
   * Rich display for Deno's Jupyter kernel: the report as Markdown, and as HTML with the
   * figures inlined as SVG (a notebook has no figure files).
   */
  [JUPYTER_DISPLAY](): Record<string, string> {
    const blocks = reportBlocks(this.results);
    const svgs = new Map(this.figures.map((f) => [f.name, f.svg]));
    const html = blocks.map((b) => {
      if (b.type !== "figure") return blocksToHtml([b]);
      const svg = svgs.get(b.name);
      return svg
        ? `<figure>${svg}<figcaption>${escapeHtml(b.title)}</figcaption></figure>`
        : blocksToHtml([b]);
    }).join("\n");
    const md = blocksToMarkdown(blocks.filter((b) => b.type !== "figure"));
    return { "text/markdown": md, "text/html": html };
  }
}

function stepLabel(step: Step): string {
  switch (step.step) {
    case "load":
      return "dataset" in step ? step.dataset : "file" in step ? step.file : "synthetic";
    case "fit":
    case "allocation":
    case "isoflop":
    case "evaluate":
    case "map":
      return step.id;
    default:
      return "";
  }
}

/** A pipeline being run step by step (see {@link startPipeline}). */
export class PipelineRun {
  /** The parsed spec. */
  readonly spec: ParsedPipelineSpec;
  /** The state built so far. */
  readonly context: PipelineContext;
  /** Options of the run. */
  readonly options: RunPipelineOptions;
  #next = 0;
  #finished?: PipelineResult;

  constructor(spec: ParsedPipelineSpec, options: RunPipelineOptions = {}) {
    this.spec = spec;
    this.options = options;
    this.context = new PipelineContext(spec);
  }

  /** Number of steps run so far. */
  get done(): number {
    return this.#next;
  }

  /** True when every step has run. */
  get complete(): boolean {
    return this.#next >= this.spec.steps.length;
  }

  /**
   * Run the next step.
   *
   * @returns What it did, or `undefined` when all steps have run.
   * @throws whatever the step throws (data errors, unknown metrics); the run can be inspected.
   */
  async next(): Promise<StepOutcome | undefined> {
    if (this.complete) return undefined;
    const index = this.#next;
    const step = this.spec.steps[index];
    const t0 = performance.now();
    const message = await runStep(this.context, step, index, this.options);
    const label = stepLabel(step);
    this.context.timings[`${index + 1} ${step.step}${label ? ` ${label}` : ""}`] =
      (performance.now() - t0) / 1000;
    this.#next++;
    this.options.onProgress?.(
      `[${index + 1}/${this.spec.steps.length}] ${step.step}${
        label ? ` ${label}` : ""
      }: ${message}`,
    );
    return new StepOutcome(index, step, message);
  }

  /** The results so far (no figures before {@link PipelineRun.finish}). */
  get result(): PipelineResult {
    return this.#finished ?? new PipelineResult(buildResults(this.context), [], this.context);
  }

  /**
   * Run the remaining steps, draw the figures, and write the report when `outDir` is set.
   *
   * @returns The final result.
   */
  async finish(): Promise<PipelineResult> {
    if (this.#finished) return this.#finished;
    while (!this.complete) await this.next();
    const ctx = this.context;
    const t0 = performance.now();
    const figures = buildFigures(ctx, ctx.figureKinds);
    ctx.timings["figures"] = (performance.now() - t0) / 1000;
    const results = buildResults(ctx, figures);
    const result = new PipelineResult(results, figures, ctx);
    if (this.options.outDir) {
      result.report = await writeReport(this.options.outDir, {
        results,
        figures,
        timings: ctx.timings,
      }, { png: this.options.png ?? "auto" });
      for (const note of result.report.notes) this.options.onProgress?.(note);
      this.options.onProgress?.(`Report written to ${this.options.outDir}`);
    }
    if (result.fallback) {
      this.options.onProgress?.(fallbackBanner(result.fallback.dataset, result.fallback.reason));
    }
    this.#finished = result;
    return result;
  }
}

/**
 * Parse a spec and prepare a step-by-step run (nothing runs yet).
 *
 * @param spec The spec (a typed constant or parsed JSON).
 * @param options Output folder, progress callback, data directory.
 * @returns A run: call `next()` per step, `finish()` for the rest.
 * @throws {SpecError} listing every problem of an invalid spec.
 * @example Step through a tiny synthetic pipeline
 * ```ts
 * import assert from "node:assert/strict";
 * import { startPipeline } from "./run.ts";
 * const run = await startPipeline({
 *   name: "tiny",
 *   steps: [
 *     { step: "load", synthetic: { sizes: [2e7, 5e7, 1e8, 2e8], seeds: 1, checkpoints: 3, tasks: [] } },
 *     { step: "filter", filters: [{ kind: "final" }] },
 *   ],
 * }, { workers: 1 });
 * const first = await run.next();
 * assert.equal(first?.step.step, "load");
 * assert.equal(run.result.results.data?.loaded.runs, 16);
 * const result = await run.finish();
 * assert.equal(result.results.data?.filtered.checkpoints, 16);
 * ```
 */
export function startPipeline(
  spec: PipelineSpec | unknown,
  options: RunPipelineOptions = {},
): Promise<PipelineRun> {
  const parsed = parsePipelineSpec(spec);
  return Promise.resolve(new PipelineRun(parsed, options));
}

/**
 * Validate and run a pipeline, writing the report to `options.outDir` when given.
 *
 * @param spec The spec.
 * @param options Output folder, progress callback, data directory, workers.
 * @returns The results, figures and warnings.
 * @throws {SpecError} for an invalid spec (before anything runs); errors of the steps.
 * @example Fit a synthetic ladder and compare with its truth
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPipeline } from "./run.ts";
 * const result = await runPipeline({
 *   name: "truth",
 *   seed: 3,
 *   steps: [
 *     { step: "load", synthetic: { noise: 0, annealGap: 0, checkpoints: 2, seeds: 1, tasks: [] } },
 *     { step: "fit", id: "f", law: "chinchilla", metric: "loss" },
 *     { step: "compare", published: [
 *       { quantity: "fits.f.params.alpha", value: 0.348, source: "truth", tolerance: 1e-6 },
 *     ] },
 *   ],
 * }, { workers: 1 });
 * assert.equal(result.results.comparisons[0].withinTolerance, true);
 * ```
 */
export async function runPipeline(
  spec: PipelineSpec | unknown,
  options: RunPipelineOptions = {},
): Promise<PipelineResult> {
  const run = await startPipeline(spec, options);
  return await run.finish();
}

/** The loud message printed and reported when the synthetic fallback replaces a dataset. */
export function fallbackBanner(dataset: string, reason: string): string {
  const line = "!".repeat(78);
  return `${line}\n!! SYNTHETIC FALLBACK: the catalog dataset ${
    JSON.stringify(dataset)
  } could not be loaded\n!! (${reason}).\n!! The results below are computed on the SYNTHETIC ladder, NOT on ${dataset};\n!! comparisons with published values do not apply.\n${line}`;
}

// ---------------------------------------------------------------------------------------------
// Steps

function runStep(
  ctx: PipelineContext,
  step: Step,
  index: number,
  options: RunPipelineOptions,
): Promise<string> {
  switch (step.step) {
    case "load":
      return runLoad(ctx, step, index, options);
    case "filter":
      return Promise.resolve(runFilter(ctx, step));
    case "fit":
      return runFitStep(ctx, step, index, options);
    case "allocation":
      return Promise.resolve(runAllocation(ctx, step));
    case "isoflop":
      return Promise.resolve(runIsoflop(ctx, step));
    case "evaluate":
      return Promise.resolve(runEvaluate(ctx, step));
    case "map":
      return runMapStep(ctx, step, { dataDir: options.dataDir, catalog: options.catalog });
    case "quality":
    case "backtest":
    case "select":
    case "study":
      return runBacktestStep(ctx, step, options);
    case "compare": {
      const rows = compareWithPublished(buildResults(ctx), step.published);
      ctx.comparisons.push(...rows);
      const judged = rows.filter((r) => r.withinTolerance !== null);
      const ok = judged.filter((r) => r.withinTolerance).length;
      const missing = rows.filter((r) => r.ours === null).length;
      return Promise.resolve(
        `${rows.length} comparisons, ${ok} of ${judged.length} judged within tolerance` +
          (missing ? `, ${missing} without a value of ours` : ""),
      );
    }
    case "report":
      ctx.figureKinds = step.figures;
      return Promise.resolve(`figures: ${step.figures.join(", ") || "none"}`);
  }
}

function isUnreachable(e: unknown): boolean {
  return e instanceof DatasetNotFoundError || e instanceof Deno.errors.NotFound ||
    e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.ConnectionRefused ||
    (e instanceof TypeError && /fetch|network|dns/i.test(e.message));
}

async function runLoad(
  ctx: PipelineContext,
  step: LoadStep,
  index: number,
  options: RunPipelineOptions,
): Promise<string> {
  const previous = dataSummary(ctx);
  if (previous) ctx.earlierLoads.push(previous);
  let ladder: Ladder;
  if ("dataset" in step) {
    try {
      ladder = await loadDataset(step.dataset, step.table, {
        ...options.catalog,
        ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      });
      ctx.source = {
        source: "catalog",
        dataset: step.dataset,
        table: step.table ?? null,
        fallback: null,
        truth: null,
      };
    } catch (e) {
      if (step.fallback !== "synthetic" || !isUnreachable(e)) throw e;
      const reason = (e as Error).message.split("\n")[0];
      const synthOptions = { seed: ctx.spec.seed, ...step.synthetic };
      ladder = syntheticLadder(synthOptions);
      ctx.source = {
        source: "synthetic",
        dataset: null,
        table: null,
        fallback: { dataset: step.dataset, reason },
        truth: syntheticTruth(synthOptions) as unknown as Record<string, unknown>,
      };
      ctx.warnings.warn(
        "data.synthetic-fallback",
        `The catalog dataset ${
          JSON.stringify(step.dataset)
        } could not be loaded (${reason}); the synthetic ladder was used instead`,
      );
      const banner = fallbackBanner(step.dataset, reason);
      if (options.onProgress) options.onProgress(banner);
      else console.warn(banner);
    }
  } else if ("file" in step) {
    const base = options.baseDir;
    const at = (p: string) => (base && !isAbsolute(p) ? join(base, p) : p);
    ladder = await loadLadder(
      at(step.file),
      step.mapping,
      step.runsFile ? { runsPath: at(step.runsFile) } : {},
    );
    // Provenance names the files as the spec does (relative to its folder), not by the
    // on-disk path, so that results.json is the same on every machine.
    const given = [step.file, step.runsFile];
    ladder.provenance.files.forEach((f, i) => (f.path = given[i] ?? f.path));
    ctx.source = { source: "file", dataset: null, table: null, fallback: null, truth: null };
  } else {
    const synthOptions = { seed: ctx.spec.seed, ...step.synthetic };
    ladder = syntheticLadder(synthOptions);
    ctx.source = {
      source: "synthetic",
      dataset: null,
      table: null,
      fallback: null,
      truth: syntheticTruth(synthOptions) as unknown as Record<string, unknown>,
    };
  }
  // Spec validation rejects runFields together with a synthetic fallback.
  if ("runFields" in step && step.runFields) {
    ladder = withRunFields(ladder, step.runFields, `steps[${index}].runFields`);
  }
  ctx.loaded = ladder;
  ctx.ladder = ladder;
  ctx.filterSteps = [];
  ctx.loadStep = index;
  ctx.loadFits = [];
  const c = ladderCounts(ladder);
  return `${c.runs} runs, ${c.checkpoints} checkpoints, ${c.observations} observations` +
    (ctx.source.fallback ? " (SYNTHETIC FALLBACK)" : "");
}

function requireLadder(ctx: PipelineContext, what: string): Ladder {
  if (!ctx.ladder) throw new Error(`Cannot ${what}: no data; expected a load step before it`);
  return ctx.ladder;
}

function runFilter(ctx: PipelineContext, step: FilterStep): string {
  const ladder = requireLadder(ctx, "filter");
  const before = ladder.observations.value.length;
  const { ladder: out, report } = applyFilters(ladder, step.filters, { metric: step.metric });
  ctx.ladder = out;
  const dropped = before - out.observations.value.length;
  ctx.filterSteps.push({ filters: step.filters, dropped, reports: report });
  return report.map((r) => `${r.filter}: kept ${r.kept}, dropped ${r.dropped} ${r.unit}`).join(
    "; ",
  );
}

/** Columns a law input can take, for messages. */
const COLUMN_HELP =
  `"N" (parameters), "D" (tokens), "C" (compute), "M" (tokens per parameter), "step", ` +
  `"paramsNonEmbedding", a numeric run field, or another metric`;

/**
 * The values of a data column at the given points: N, D, C, M, step, paramsNonEmbedding, a run
 * field, or another metric observed at the same checkpoints (NaN where missing).
 */
function columnValues(ladder: Ladder, pts: MetricPoints, column: string): Float64Array | undefined {
  const n = pts.y.length;
  switch (column) {
    case "N":
    case "params":
      return pts.N;
    case "D":
    case "tokens":
      return pts.D;
    case "C":
    case "flops":
    case "compute":
      return pts.C;
    case "M":
      return Float64Array.from(pts.D, (d, i) => d / pts.N[i]);
    case "step":
      return pts.step;
    case "paramsNonEmbedding":
      return Float64Array.from(pts.run, (r) => ladder.runs[r].paramsNonEmbedding ?? NaN);
  }
  const m = ladder.metrics.indexOf(column);
  if (m >= 0) {
    const byCheckpoint = new Float64Array(ladder.checkpoints.run.length).fill(NaN);
    const { checkpoint, metric, value } = ladder.observations;
    for (let i = 0; i < metric.length; i++) {
      if (metric[i] === m) byCheckpoint[checkpoint[i]] = value[i];
    }
    return Float64Array.from(pts.checkpoint, (c) => byCheckpoint[c]);
  }
  if (ladder.runs.some((r) => r.fields && column in r.fields)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = ladder.runs[pts.run[i]].fields?.[column];
      out[i] = typeof v === "number"
        ? v
        : typeof v === "string" && v.trim() !== ""
        ? Number(v)
        : NaN;
    }
    return out;
  }
  return undefined;
}

const DEFAULT_COLUMNS = ["N", "D", "C", "M"];

/** Points of a metric with the law's input columns; rows with a non-finite value are dropped. */
function lawData(
  ladder: Ladder,
  law: Law,
  metric: string,
  compute: ComputeMode,
  x: Record<string, string> | undefined,
  what: string,
  select?: (pts: MetricPoints) => Uint8Array,
): {
  columns: Record<string, string>;
  x: Record<string, Float64Array>;
  y: Float64Array;
  run: Int32Array;
  N: Float64Array;
  D: Float64Array;
  C: Float64Array;
  dropped: number;
  /** Points left out, by reason: `value of <metric>` or `input <name> <- <column>`. */
  droppedBy: Record<string, number>;
} {
  const pts = metricPoints(ladder, metric, compute);
  const columns: Record<string, string> = {};
  const raw: Record<string, Float64Array> = {};
  for (const input of law.inputs) {
    const column = x?.[input.name] ??
      (DEFAULT_COLUMNS.includes(input.name) ? input.name : undefined);
    if (column === undefined) {
      throw new RangeError(
        `Cannot ${what}: law input ${
          JSON.stringify(input.name)
        } has no column; expected x.${input.name} to name one of ${COLUMN_HELP}`,
      );
    }
    const values = columnValues(ladder, pts, column) ??
      derivedValues(column, ladderColumnNames(ladder), (name) => columnValues(ladder, pts, name));
    if (!values) {
      throw new RangeError(
        `Cannot ${what}: column ${JSON.stringify(column)} for input ${
          JSON.stringify(input.name)
        } is not in the data; expected ${COLUMN_HELP} (metrics: ${
          ladder.metrics.map((m) => JSON.stringify(m)).join(", ")
        })`,
      );
    }
    columns[input.name] = column;
    raw[input.name] = values;
  }
  const chosen = select ? select(pts) : new Uint8Array(pts.y.length).fill(1);
  const keep: number[] = [];
  let dropped = 0;
  // Why points were left out: the metric's value, or an input (named by its column).
  const droppedBy: Record<string, number> = {};
  const count = (why: string) => (droppedBy[why] = (droppedBy[why] ?? 0) + 1);
  for (let i = 0; i < pts.y.length; i++) {
    if (!chosen[i]) continue;
    const bad = law.inputs.filter((s) => !Number.isFinite(raw[s.name][i]));
    if (!Number.isFinite(pts.y[i])) count(`value of ${metric}`);
    for (const s of bad) count(`input ${s.name} <- ${columns[s.name]}`);
    if (Number.isFinite(pts.y[i]) && bad.length === 0) keep.push(i);
    else dropped++;
  }
  const take = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const xOut: Record<string, Float64Array> = {};
  for (const s of law.inputs) xOut[s.name] = take(raw[s.name]);
  return {
    columns,
    x: xOut,
    y: take(pts.y),
    run: Int32Array.from(keep, (i) => pts.run[i]),
    N: take(pts.N),
    D: take(pts.D),
    C: take(pts.C),
    dropped,
    droppedBy,
  };
}

function predictAt(law: Law, params: Float64Array, x: Record<string, Float64Array>, n: number) {
  const out = new Float64Array(n);
  law.predict(law.inputs.map((s) => x[s.name]), params, out);
  return out;
}

function paramVector(law: Law, entry: { result: FitEntry["result"] }): Float64Array {
  return Float64Array.from(law.params, (s) => entry.result.params[s.name]?.value ?? NaN);
}

async function runFitStep(
  ctx: PipelineContext,
  step: FitStep,
  index: number,
  options: RunPipelineOptions,
): Promise<string> {
  const ladder = requireLadder(ctx, `fit ${JSON.stringify(step.id)}`);
  const law = fitStepLaw(step.law, step.x);
  const data = lawData(
    ladder,
    law,
    step.metric,
    step.compute,
    step.x,
    `fit ${JSON.stringify(step.id)} (steps[${index}])`,
  );
  if (data.dropped > 0) {
    ctx.warnings.warn(
      "fit.dropped-points",
      `Fit ${JSON.stringify(step.id)}: points with a missing or non-finite input or value ` +
        `were left out (${
          Object.entries(data.droppedBy).map(([why, n]) => `${why}: ${n}`).join("; ")
        })`,
      data.dropped,
    );
  }
  const fitOptions: FitOptions = { ...step.options, seed: ctx.spec.seed };
  if (options.workers !== undefined) fitOptions.workers = options.workers;
  const fitData = { inputs: data.x, y: data.y, groups: data.run };
  ctx.loadFits.push(step.id);
  const result = await runFit(law, fitData, fitOptions);
  const entry: FitEntry = {
    step,
    law,
    columns: data.columns,
    x: data.x,
    y: data.y,
    run: data.run,
    runIds: Array.from(data.run, (r) => ladder.runs[r].id),
    N: data.N,
    D: data.D,
    C: data.C,
    result,
    fitted: new Float64Array(data.y.length),
  };
  entry.fitted = predictAt(law, paramVector(law, entry), data.x, data.y.length);
  for (const w of result.diagnostics.warnings) {
    ctx.warnings.warn("fit.diagnostic", `Fit ${JSON.stringify(step.id)}: ${w}`);
  }
  if (!result.converged) {
    ctx.warnings.warn(
      "fit.not-converged",
      `Fit ${JSON.stringify(step.id)} did not converge (${result.status}): ${result.message}`,
    );
  }
  if (result.diagnostics.atBound.length > 0) {
    ctx.warnings.warn(
      "fit.at-bound",
      `Fit ${JSON.stringify(step.id)}: ${result.diagnostics.atBound.join(", ")} ended on a bound`,
      result.diagnostics.atBound.length,
    );
  }
  let extra = "";
  if (step.bootstrap && result.status !== "no-data") {
    const b = step.bootstrap;
    const seed = b.seed ?? ctx.spec.seed;
    const { workers: _w, ...refitOptions } = fitOptions;
    const boot = await runBootstrap(law, fitData, {
      resamples: b.resamples,
      by: b.by === "run" ? "group" : "point",
      seed,
      level: b.level,
      fit: { ...refitOptions, starts: undefined },
      estimate: result,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    entry.bootstrap = boot;
    entry.bootstrapSeed = seed;
    if (boot.failed > 0) {
      ctx.warnings.warn(
        "bootstrap.failed-refits",
        `Fit ${JSON.stringify(step.id)}: bootstrap refits that did not converge were left out`,
        boot.failed,
      );
    }
    extra = `; bootstrap ${boot.resamples - boot.failed}/${boot.resamples} refits`;
  }
  ctx.fits.set(step.id, entry);
  const params = law.params.map((s) => `${s.name}=${fmt(result.params[s.name]?.value)}`).join(
    ", ",
  );
  return `${law.name} on ${step.metric}, ${result.n} points, objective ${fmt(result.objective)}, ${
    result.converged ? "converged" : result.status
  }: ${params}${extra}`;
}

function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? String(x) : Number(x.toPrecision(6)).toString();
}

/** Budgets named with `@C` by compare steps for a result id. */
function referencedBudgets(spec: ParsedPipelineSpec, id: string, collection: string): number[] {
  const out: number[] = [];
  for (const s of spec.steps) {
    if (s.step !== "compare") continue;
    for (const p of s.published) {
      const segs = parseQuantity(p.quantity);
      const named = segs[0].key === id || (segs[0].key === collection && segs[1]?.key === id);
      if (!named) continue;
      for (const seg of segs) if (seg.at !== undefined) out.push(seg.at);
    }
  }
  return out;
}

function sortedUnique(values: number[]): number[] {
  const s = [...values].sort((a, b) => a - b);
  return s.filter((v, i) => i === 0 || Math.abs(v - s[i - 1]) > 1e-12 * Math.abs(v));
}

const CHINCHILLA_PARAMS = ["E", "A", "B", "alpha", "beta"] as const;

function chinchillaParams(fit: FitEntry, what: string) {
  const names = fit.law.params.map((s) => s.name);
  const inputs = fit.law.inputs.map((s) => s.name);
  const missing = CHINCHILLA_PARAMS.filter((n) => !names.includes(n));
  if (missing.length > 0 || !inputs.includes("N") || !inputs.includes("D")) {
    throw new RangeError(
      `Cannot ${what}: law ${JSON.stringify(fit.law.name)} has parameters ${
        names.join(", ")
      } and inputs ${
        inputs.join(", ")
      }; expected a Chinchilla-form law with E, A, B, alpha, beta over N and D`,
    );
  }
  const v = (n: string) => fit.result.params[n].value;
  return { E: v("E"), A: v("A"), B: v("B"), alpha: v("alpha"), beta: v("beta") };
}

/** Dense budgets of allocation figures: 1e18 to 1e28, 20 per decade (Epoch's grid). */
const DENSE_COMPUTE = expandComputeGrid({ from: 1e18, to: 1e28, perDecade: 20 });

function runAllocation(ctx: PipelineContext, step: AllocationStep): string {
  const fit = ctx.fits.get(step.fit)!;
  const what = `compute the allocation ${JSON.stringify(step.id)}`;
  const params = chinchillaParams(fit, what);
  const budgets = sortedUnique([
    ...expandComputeGrid(step.compute),
    ...referencedBudgets(ctx.spec, step.id, "allocations"),
  ]);
  const compute = Float64Array.from(budgets);
  const cols = optimalAllocation(params, compute);
  const bands = fit.bootstrap?.allocation(compute, step.level);
  const exps = fit.bootstrap?.allocation(Float64Array.of(1e24), step.level);
  const points: AllocationPoint[] = budgets.map((c, i) => ({
    compute: c,
    params: cols.params[i],
    tokens: cols.tokens[i],
    tokensPerParam: cols.tokensPerParam[i],
    loss: cols.loss[i],
    bands: bands
      ? {
        params: [bands.params.low[i], bands.params.high[i]],
        tokens: [bands.tokens.low[i], bands.tokens.high[i]],
        tokensPerParam: [bands.tokensPerParam.low[i], bands.tokensPerParam.high[i]],
      }
      : null,
  }));
  const s = params.alpha + params.beta;
  const dense = Float64Array.from(DENSE_COMPUTE);
  const denseCols = optimalAllocation(params, dense);
  const denseBands = fit.bootstrap?.allocation(dense, step.level);
  ctx.allocations.set(step.id, {
    step,
    summary: {
      id: step.id,
      fit: step.fit,
      a: params.beta / s,
      b: params.alpha / s,
      level: step.level,
      aInterval: exps ? [exps.a.low, exps.a.high] : null,
      points,
    },
    curve: {
      compute: dense,
      params: denseCols.params,
      tokensPerParam: denseCols.tokensPerParam,
      ...(denseBands
        ? {
          paramsLower: denseBands.params.low,
          paramsUpper: denseBands.params.high,
          tokensPerParamLower: denseBands.tokensPerParam.low,
          tokensPerParamUpper: denseBands.tokensPerParam.high,
        }
        : {}),
    },
  });
  const last = points[points.length - 1];
  return `a = ${fmt(params.beta / s)}, b = ${fmt(params.alpha / s)}; ${points.length} budgets` +
    (last ? `, ${fmt(last.tokensPerParam)} tokens/param at ${fmt(last.compute)}` : "") +
    (bands ? `, ${Math.round(step.level * 100)}% bands` : "");
}

function runIsoflop(ctx: PipelineContext, step: IsoflopStep): string {
  const ladder = requireLadder(ctx, `run the IsoFLOP analysis ${JSON.stringify(step.id)}`);
  const pts = metricPoints(ladder, step.metric, step.compute);
  // Final checkpoint (most tokens) of each run.
  const last = new Map<number, number>();
  for (let i = 0; i < pts.y.length; i++) {
    const r = pts.run[i];
    const j = last.get(r);
    if (j === undefined || pts.D[i] > pts.D[j]) last.set(r, i);
  }
  let missingCompute = 0, outside = 0;
  const points: IsoflopPoint[] = [];
  for (const i of [...last.values()].sort((a, b) => a - b)) {
    let C = pts.C[i];
    if (!Number.isFinite(C)) {
      C = 6 * pts.N[i] * pts.D[i];
      missingCompute++;
    }
    if (step.budgets) {
      let best: number | undefined;
      for (const b of step.budgets) {
        if (
          Math.abs(C - b) <= step.tolerance * b &&
          (best === undefined || Math.abs(C - b) < Math.abs(C - best))
        ) {
          best = b;
        }
      }
      if (best === undefined) {
        outside++;
        continue;
      }
      C = best;
    }
    if (Number.isFinite(pts.y[i]) && pts.N[i] > 0 && C > 0) {
      points.push({ C, N: pts.N[i], loss: pts.y[i] });
    }
  }
  if (missingCompute > 0) {
    ctx.warnings.warn(
      "isoflop.compute-6nd",
      `IsoFLOP ${JSON.stringify(step.id)}: runs without a given compute used C = 6ND`,
      missingCompute,
    );
  }
  if (outside > 0) {
    ctx.warnings.warn(
      "isoflop.outside-budgets",
      `IsoFLOP ${
        JSON.stringify(step.id)
      }: runs farther than ${step.tolerance} (relative) from every budget were left out`,
      outside,
    );
  }
  const result = isoflopAnalysis(points, {
    method: step.method,
    logLoss: step.logLoss,
    tolerance: step.tolerance,
  });
  const budgets: IsoflopBudget[] = result.budgets.map((b) =>
    b.status === "ok"
      ? { compute: b.budget, runs: b.n, params: b.N, tokens: b.D, loss: b.loss }
      : { compute: b.budget, runs: b.n, params: null, tokens: null, loss: null }
  );
  for (const b of result.budgets) {
    if (b.status !== "ok") {
      ctx.warnings.warn("isoflop.refused", `IsoFLOP ${JSON.stringify(step.id)}: ${b.message}`);
    }
  }
  const at = sortedUnique([
    ...(step.at ?? []),
    ...referencedBudgets(ctx.spec, step.id, "isoflops"),
  ]);
  const pl = result.params, tl = result.tokens;
  const atPoints: AllocationPoint[] = pl && tl
    ? at.map((c) => {
      const n = pl.k * Math.pow(c, pl.exponent), d = tl.k * Math.pow(c, tl.exponent);
      return { compute: c, params: n, tokens: d, tokensPerParam: d / n, loss: null, bands: null };
    })
    : [];
  ctx.isoflops.set(step.id, {
    step,
    points,
    result,
    summary: {
      id: step.id,
      metric: step.metric,
      method: step.method,
      budgets,
      a: pl?.exponent ?? null,
      b: tl?.exponent ?? null,
      points: atPoints,
    },
  });
  const ok = result.budgets.filter((b) => b.status === "ok").length;
  return `${points.length} runs in ${result.budgets.length} budgets (${ok} with a minimum); a = ${
    fmt(pl?.exponent)
  }, b = ${fmt(tl?.exponent)}`;
}

function runEvaluate(ctx: PipelineContext, step: EvaluateStep): string {
  const fit = ctx.fits.get(step.fit)!;
  const loaded = ctx.loaded!;
  const what = `evaluate ${JSON.stringify(step.id)}`;
  let target: Ladder = loaded;
  let select: ((pts: MetricPoints) => Uint8Array) | undefined;
  let description: string;
  if (step.targets === "holdout") {
    const current = ctx.ladder!;
    const key = (l: Ladder, p: MetricPoints, i: number) =>
      `${l.runs[p.run[i]].id}\u0000${p.step[i]}\u0000${p.D[i]}`;
    const kept = new Set<string>();
    if (current.metrics.includes(fit.step.metric)) {
      const cur = metricPoints(current, fit.step.metric, fit.step.compute);
      for (let i = 0; i < cur.y.length; i++) kept.add(key(current, cur, i));
    }
    select = (p) => Uint8Array.from(p.y, (_, i) => (kept.has(key(loaded, p, i)) ? 0 : 1));
    description = "held-out points (removed by the filters)";
  } else {
    target = applyFilters(loaded, step.targets.filters, { metric: fit.step.metric }).ladder;
    description = `targets selected by ${step.targets.filters.length} filter${
      step.targets.filters.length === 1 ? "" : "s"
    }`;
  }
  const data = target.metrics.includes(fit.step.metric)
    ? lawData(target, fit.law, fit.step.metric, fit.step.compute, fit.step.x, what, select)
    : undefined;
  const n = data?.y.length ?? 0;
  const predicted = data
    ? predictAt(fit.law, paramVector(fit.law, fit), data.x, n)
    : new Float64Array();
  const rows = data
    ? predictionRows(Array.from(data.run, (r) => target.runs[r].id), data.x, data.y, predicted)
    : [];
  if (data && fit.bootstrap && n > 0) {
    const band = fit.bootstrap.predict(data.x);
    rows.forEach((row, i) => {
      row.interval = [band.low[i], band.high[i]] as Interval;
    });
  }
  if (n === 0) {
    ctx.warnings.warn(
      "evaluate.empty",
      `Evaluation ${JSON.stringify(step.id)} has no target points`,
    );
  }
  const summary = errorSummary(data?.y ?? [], predicted);
  ctx.evaluations.set(step.id, {
    step,
    summary: { id: step.id, fit: step.fit, targets: description, summary, points: rows },
  });
  return `${n} ${description}; mean |relative error| ${
    summary.mare === null ? "—" : `${fmt(100 * summary.mare)}%`
  }`;
}

// ---------------------------------------------------------------------------------------------
// Results document

function dataSummary(ctx: PipelineContext): DataSummary | null {
  const { loaded, ladder, source } = ctx;
  if (!loaded || !ladder || !source) return null;
  return {
    source: source.source,
    dataset: source.dataset,
    table: source.table,
    fallback: source.fallback,
    provenance: loaded.provenance,
    loaded: ladderCounts(loaded),
    filtered: ladderCounts(ladder),
    filters: ctx.filterSteps.map((f) => ({ filters: f.filters, dropped: f.dropped })),
    metrics: metricSummaries(ladder),
    params: range(ladder.runs.map((r) => r.params)),
    tokens: range(ladder.checkpoints.tokens),
    truth: source.truth,
    ...(ctx.loadStep !== undefined ? { step: ctx.loadStep } : {}),
    fits: [...ctx.loadFits],
  };
}

/**
 * The results document of a context (plain JSON data, stable key order, no wall-clock times).
 *
 * @param ctx The pipeline's state.
 * @param figures The figures drawn, if any.
 */
export function buildResults(
  ctx: PipelineContext,
  figures: readonly Figure[] = [],
): ResultsDocument {
  const spec = ctx.spec;
  const warnings = new Warnings();
  if (ctx.ladder) warnings.addAll(ctx.ladder.warnings);
  warnings.addAll(ctx.warnings.list);
  const fits: ResultsDocument["fits"] = {};
  for (const [id, f] of ctx.fits) {
    fits[id] = fitSummary({
      id,
      law: f.law.name,
      formula: f.law.formula,
      metric: f.step.metric,
      inputs: f.columns,
      options: f.step.options as Record<string, unknown>,
      result: f.result,
      bootstrap: f.bootstrap,
      bootstrapSeed: f.bootstrapSeed,
      bootstrapBy: f.step.bootstrap?.by,
      runIds: f.runIds,
      x: f.x,
      y: f.y,
      fitted: f.fitted,
    });
  }
  const doc: ResultsDocument = {
    toolkit: { name: TOOLKIT_NAME, version: VERSION },
    pipeline: {
      name: spec.name,
      title: spec.title,
      description: spec.description ?? null,
      seed: spec.seed,
    },
    data: dataSummary(ctx),
    ...(ctx.earlierLoads.length > 0 ? { loads: [...ctx.earlierLoads, dataSummary(ctx)!] } : {}),
    fits,
    allocations: Object.fromEntries([...ctx.allocations].map(([k, v]) => [k, v.summary])),
    isoflops: Object.fromEntries([...ctx.isoflops].map(([k, v]) => [k, v.summary])),
    evaluations: Object.fromEntries([...ctx.evaluations].map(([k, v]) => [k, v.summary])),
    ...(ctx.downstream.size > 0 ? { downstream: downstreamResults(ctx) } : {}),
    ...(backtestResults(ctx) ? { backtest: backtestResults(ctx) } : {}),
    comparisons: ctx.comparisons,
    figures: figures.map((f) => ({ name: f.name, title: f.title, alt: f.alt })),
    warnings: warnings.list,
    spec: null,
  };
  doc.spec = toJsonValue(spec);
  return toJsonValue(doc) as ResultsDocument;
}
