/**
 * The pipeline's `map` step: downstream prediction from a ladder, in one of three forms.
 *
 * - **chain** (`loss` and `mapping`): step 1 fits the task loss in (N, D), step 2 maps the loss
 *   to a downstream metric, and a target's metric is step 2 at step 1's predicted loss
 *   ({@link predictChain}: the OLMo ladder, Gadre et al.);
 * - **loss** (`loss` only): step 1 alone, its prediction checked at held-out targets
 *   (Brandfonbrener et al.'s extrapolation runs);
 * - **mapping** (`mapping` only): step 2 alone from an input observed at the targets, e.g. a
 *   validation loss (loss-to-loss) or log10 compute (observational scaling laws).
 *
 * Every form has a bootstrap over whole runs (each resample refits every step) giving
 * percentile intervals at the targets, and "prediction" intervals that add a residual of the
 * full-data fit to each resample. Chance levels come from the dataset's table or the default
 * table (lib/downstream/chance.ts); the OLMo ladder's anchor point is an option. Results go to
 * `results.json` under `downstream.<id>` (see lib/report/downstream.ts).
 *
 * The step's spec and schema are in steps_downstream_spec.ts, its ladder helpers in
 * downstream_ladder.ts, its statistics in downstream_stats.ts.
 *
 * @module
 */

import { catalogEntry, type CatalogOptions, loadDataset } from "../data/catalog.ts";
import { applyFilters, type FilterSpec } from "../data/filter.ts";
import { type ComputeMode, type Ladder, metricPoints } from "../data/schema.ts";
import { chanceLevel, chanceLevels, type ChanceTable } from "../downstream/chance.ts";
import { predictChain, type PredictChainResult } from "../downstream/chain.ts";
import { fitMapping, type FitMappingResult } from "../downstream/fit_mapping.ts";
import { fitSync } from "../fit/fit.ts";
import type { FitOptions, FitResult } from "../fit/types.ts";
import { getLaw } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import {
  type DownstreamCheck,
  type DownstreamMapping,
  type DownstreamSummary,
  type DownstreamTarget,
  type ReferenceSummary,
  resultKey,
} from "../report/downstream.ts";
import { rng, substream } from "../util/rng.ts";
import type { PipelineContext } from "./context.ts";
import {
  addDerived,
  byFamily,
  columnByCheckpoint,
  finalCheckpoints,
  joinLadders,
  metricByCheckpoint,
  requireMetric,
} from "./downstream_ladder.ts";
import {
  addNoise,
  bandOf,
  check,
  clampFraction,
  coverage,
  fitQuality,
  fitSummaryOf,
  intervalOf,
  linspace,
  paramValues,
  predictOne,
  refitOverRuns,
  residuals,
  slotsOf,
} from "./downstream_stats.ts";
import type { FitStepOptions } from "./spec.ts";
import {
  derivedName,
  type DownstreamMetric,
  type MapReferenceConfig,
  type MapStep,
  STEP1_INPUTS,
} from "./steps_downstream_spec.ts";

// ---------------------------------------------------------------------------------------------
// Runtime state kept for figures and notebooks

/** What a mapping's figures need. */
export interface MapFigureData {
  key: string;
  group: string | null;
  metric: string;
  /** Input label and scale. */
  x: string | null;
  xScale: "linear" | "log10";
  chance: number | null;
  /** Points of step 2 (anchor excluded) with their runs. */
  train?: { x: Float64Array; y: Float64Array; runs: string[] };
  /** The fitted mapping sampled along x, with its run-bootstrap band. */
  curve?: { x: Float64Array; y: Float64Array; lower?: Float64Array; upper?: Float64Array };
  /** Step 1: law, fitted values and data. */
  lossFit?: {
    law: Law;
    params: Float64Array;
    N: Float64Array;
    D: Float64Array;
    y: Float64Array;
    metric: string;
  };
  /** Targets: observed input, observed and predicted values with intervals. */
  targets: {
    label: string;
    N: number;
    D: number;
    x: number | null;
    loss: DownstreamCheck | null;
    value: DownstreamCheck | null;
  }[];
}

/** A map step's results and figure data (held by the pipeline context). */
export interface MapEntry {
  step: MapStep;
  summary: DownstreamSummary;
  figures: MapFigureData[];
}

// ---------------------------------------------------------------------------------------------
// The step

interface Targets {
  ladder: Ladder;
  /** Checkpoints of the target ladder, per run family. */
  of(group: string | null): Ladder;
}

/** Options the step needs from the run. */
export interface MapStepRunOptions {
  /** Mirror directory of the catalog. */
  dataDir?: string;
  /** Other catalog options (cache directory, network). */
  catalog?: Omit<CatalogOptions, "dataDir">;
}

function seedFor(base: number, group: number, metric: number): number {
  return substream(substream(base, group), metric);
}

/**
 * Run a map step on the pipeline context: join tables, derive metrics, fit per family and
 * metric, predict the targets with bootstrap intervals, and store the results (`ctx.downstream`).
 *
 * @param ctx The pipeline's state (a ladder must be loaded).
 * @param step The parsed step.
 * @param options Where the catalog's files are.
 * @returns A one-line summary.
 * @throws {RangeError} For a missing metric, a join clash, no targets, or a chance level the
 *   mapping needs but the tables lack.
 */
export async function runMapStep(
  ctx: PipelineContext,
  step: MapStep,
  options: MapStepRunOptions = {},
): Promise<string> {
  const what = `run map step ${JSON.stringify(step.id)}`;
  if (!ctx.ladder) throw new Error(`Cannot ${what}: no data; expected a load step before it`);
  const dataset = ctx.source?.dataset ?? null;
  const catalogOptions = {
    ...(options.catalog ?? {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  };
  const needDataset = (kind: string) => {
    if (dataset === null) {
      throw new RangeError(
        `Cannot ${what}: ${kind} needs a catalog dataset; expected a load step with "dataset"`,
      );
    }
    return dataset;
  };
  const prepare = async (base: Ladder): Promise<Ladder> => {
    let l = base;
    for (const table of step.join) {
      const other = await loadDataset(needDataset("join"), table, catalogOptions);
      const j = joinLadders(l, other, `${what} (join ${JSON.stringify(table)})`);
      if (j.unmatchedInBase > 0) {
        ctx.warnings.warn(
          "map.join-unmatched",
          `Map ${JSON.stringify(step.id)}: checkpoints of table ${
            JSON.stringify(table)
          } whose step and tokens match no checkpoint of the same run were left out`,
          j.unmatchedInBase,
        );
      }
      l = j.ladder;
    }
    return step.mapping ? addDerived(l, step.mapping.metrics, what) : l;
  };
  const ladder = await prepare(ctx.ladder);
  let targetBase = ladder;
  if (step.targets !== "holdout" && step.targets.table !== undefined) {
    targetBase = await prepare(
      await loadDataset(needDataset("targets.table"), step.targets.table, catalogOptions),
    );
  }
  const targetSpec = step.targets;
  const targets: Targets = {
    ladder: targetBase,
    of(group) {
      if (targetSpec === "holdout") return byFamily(targetBase, group);
      let l = applyFilters(byFamily(targetBase, group), targetSpec.filters).ladder;
      if (step.conventions !== "none") l = finalCheckpoints(l);
      return l;
    },
  };

  // Chance table.
  let table: ChanceTable | undefined;
  const chanceMode = step.mapping?.chance ?? "none";
  if (chanceMode !== "none") {
    const useDataset = chanceMode === "auto" && dataset !== null &&
      catalogEntry(dataset).extras.chanceLevels?.file !== undefined;
    table = useDataset
      ? await chanceLevels(dataset!, catalogOptions)
      : await chanceLevels("default");
  }

  const groups: (string | null)[] = step.byFamily
    ? [...new Set(ladder.runs.map((r) => r.family ?? ""))].sort()
    : [null];
  const kind: DownstreamSummary["kind"] = step.loss && step.mapping
    ? "chain"
    : step.loss
    ? "loss"
    : "mapping";
  const resamples = step.bootstrap?.resamples ?? 0;
  const level = step.bootstrap?.level ?? 0.95;
  const seed = step.bootstrap?.seed ?? ctx.spec.seed;
  const mappings: Record<string, DownstreamMapping> = {};
  const figures: MapFigureData[] = [];
  const metricList: (DownstreamMetric | null)[] = step.mapping ? step.mapping.metrics : [null];

  for (const [gi, group] of groups.entries()) {
    const gl = byFamily(ladder, group);
    const tl = targets.of(group);
    for (const [mi, d] of metricList.entries()) {
      const s = seedFor(seed, gi, mi);
      const input = {
        ctx,
        step,
        ladder: gl,
        targets: tl,
        group,
        metric: d,
        seed: s,
        resamples,
        level,
        table,
        what,
      };
      const r = kind === "chain"
        ? runChain(input)
        : kind === "loss"
        ? runLossOnly(input)
        : runMappingOnly(input);
      const key = resultKey(group === null ? r.mapping.metric : `${group}_${r.mapping.metric}`);
      mappings[key] = r.mapping;
      figures.push({ ...r.figure, key });
    }
  }

  const all = Object.values(mappings).flatMap((m) => Object.values(m.targets));
  const summary: DownstreamSummary = {
    id: step.id,
    kind,
    conventions: step.conventions,
    level,
    resamples,
    seed,
    mappings,
    coverage: {
      loss: coverage(all.map((t) => t.loss).filter((c): c is DownstreamCheck => c !== null), level),
      value: coverage(
        all.map((t) => t.value).filter((c): c is DownstreamCheck => c !== null),
        level,
      ),
    },
    reference: step.reference
      ? judgeReference(step.reference, kind === "loss" ? "loss" : "value", mappings)
      : null,
  };
  ctx.downstream.set(step.id, { step, summary, figures });

  const checks = all.map((t) => t.value ?? t.loss).filter((c): c is DownstreamCheck =>
    c !== null && c.absPercentError !== null
  );
  const nonFinite =
    all.map((t) => t.value ?? t.loss).filter((c) => c !== null && !Number.isFinite(c.predicted))
      .length;
  if (nonFinite > 0) {
    ctx.warnings.warn(
      "map.non-finite-prediction",
      `Map ${JSON.stringify(step.id)}: predictions that are not finite numbers (a target outside ` +
        `the fitted law's domain) were left out of the errors`,
      nonFinite,
    );
  }
  const mape = checks.length
    ? checks.reduce((a, c) => a + c.absPercentError!, 0) / checks.length
    : null;
  const cov = summary.coverage.value ?? summary.coverage.loss;
  return `${kind}: ${Object.keys(mappings).length} mapping${
    Object.keys(mappings).length === 1 ? "" : "s"
  }, ${checks.length} targets, mean |relative error| ${
    mape === null ? "—" : `${Number(mape.toPrecision(4))}%`
  }` +
    (cov && cov.n > 0 && resamples > 0
      ? `; ${cov.covered}/${cov.n} inside the ${Math.round(100 * level)}% intervals`
      : "");
}

function signedPct(x: number): string {
  return `${x < 0 ? "−" : "+"}${Number((100 * Math.abs(x)).toPrecision(4))}%`;
}

/** Where our relative errors land against a published range. */
export function judgeReference(
  ref: MapReferenceConfig,
  fallback: "loss" | "value",
  mappings: Record<string, DownstreamMapping>,
): ReferenceSummary {
  const of = ref.of ?? fallback;
  const [low, high] = ref.relativeError;
  let inside = 0, closer = 0;
  const out: string[] = [], near: string[] = [];
  for (const m of Object.values(mappings)) {
    for (const t of Object.values(m.targets)) {
      const re = t[of]?.relativeError;
      if (re === null || re === undefined) continue;
      const name = m.group ?? t.run;
      if (re >= low && re <= high) inside++;
      else if (
        (low <= 0 && high >= 0) ? false : Math.abs(re) < Math.min(Math.abs(low), Math.abs(high))
      ) {
        closer++;
        near.push(`${name} ${signedPct(re)}`);
      } else out.push(`${name} ${signedPct(re)}`);
    }
  }
  const n = inside + closer + out.length;
  const range = `[${signedPct(low)}, ${signedPct(high)}]`;
  const verdict = `Against the published range ${range} of relative errors (${ref.source}): ` +
    `${inside} of ${n} of ours inside it` +
    (closer ? `, ${closer} closer to the actual values (${near.join(", ")})` : "") +
    (out.length ? `, ${out.length} outside it (${out.join(", ")})` : "") + ".";
  return { low, high, source: ref.source, of, n, inside, closer, outside: out.length, verdict };
}

interface MappingInput {
  ctx: PipelineContext;
  step: MapStep;
  ladder: Ladder;
  targets: Ladder;
  group: string | null;
  metric: DownstreamMetric | null;
  seed: number;
  resamples: number;
  level: number;
  table: ChanceTable | undefined;
  what: string;
}

interface MappingOutput {
  mapping: DownstreamMapping;
  figure: Omit<MapFigureData, "key">;
}

function label(input: MappingInput): string {
  const parts = [input.group, input.metric ? derivedName(input.metric) : input.step.loss?.metric];
  return parts.filter((p) => p !== null && p !== undefined).join(" / ");
}

function isFraction(ladder: Ladder, metric: string): boolean {
  const k = ladder.metricKinds[metric];
  return k === "accuracy" || k === "error";
}

/** Chance level of a metric in the metric's sense (1 − chance for an error), and its origin. */
function chanceOf(
  d: DownstreamMetric,
  table: ChanceTable | undefined,
): { value: number; origin: string } | undefined {
  const flip = (v: number) => (d.transform === "error" ? 1 - v : v);
  if (d.chance !== undefined) return { value: flip(d.chance), origin: "spec" };
  if (!table) return undefined;
  const lookup = (name: string, task?: string): { value: number; origin: string } | undefined => {
    const candidates = task !== undefined ? [task] : [name, ...name.split("/").reverse()];
    for (const c of candidates) {
      try {
        const v = chanceLevel(table, c);
        return { value: v, origin: table.origin[c] ?? "table" };
      } catch {
        // try the next candidate
      }
    }
    return undefined;
  };
  if (d.mean) {
    const parts = d.mean.map((m) => lookup(m));
    if (parts.some((p) => p === undefined)) return undefined;
    const v = parts.reduce((a, p) => a + p!.value, 0) / parts.length;
    return { value: flip(v), origin: `mean of ${parts.length} tasks (${parts[0]!.origin})` };
  }
  const one = lookup(d.name, d.task);
  return one ? { value: flip(one.value), origin: one.origin } : undefined;
}

function mappingChance(
  input: MappingInput,
  law: Law,
): { value: number; origin: string } | undefined {
  const d = input.metric!;
  const c = chanceOf(d, input.table);
  const needs = law.params.some((p) => p.name === "q_min") ||
    input.step.mapping?.starts === "ladder";
  if (needs && c === undefined) {
    throw new RangeError(
      `Cannot ${input.what}: mapping law ${JSON.stringify(law.name)} needs the chance level of ` +
        `${
          JSON.stringify(d.name)
        } and the chance table has none; expected mapping.metrics[].task ` +
        `naming a task of the table, or mapping.metrics[].chance`,
    );
  }
  return c;
}

function fitOptionsOf(options: FitStepOptions, seed: number): FitOptions {
  return { ...options, seed } as FitOptions;
}

/** Targets of a mapping: checkpoints with an observed value of `metric` (and of x, when given). */
function targetRows(
  tl: Ladder,
  metric: string,
  x: string | null,
  xScale: "linear" | "log10",
  compute: ComputeMode,
  extra: string[] = [],
): {
  run: string[];
  N: Float64Array;
  D: Float64Array;
  C: Float64Array;
  y: Float64Array;
  x: Float64Array;
  extra: Float64Array[];
} {
  if (!tl.metrics.includes(metric)) {
    return {
      run: [],
      N: new Float64Array(),
      D: new Float64Array(),
      C: new Float64Array(),
      y: new Float64Array(),
      x: new Float64Array(),
      extra: extra.map(() => new Float64Array()),
    };
  }
  const p = metricPoints(tl, metric, compute);
  const xc = x === null ? undefined : columnByCheckpoint(tl, x, compute);
  const ec = extra.map((e) => (tl.metrics.includes(e) ? metricByCheckpoint(tl, e) : undefined));
  const keep: number[] = [];
  for (let i = 0; i < p.y.length; i++) {
    if (!Number.isFinite(p.y[i])) continue;
    if (xc && !Number.isFinite(xc[p.checkpoint[i]])) continue;
    keep.push(i);
  }
  const scale = (v: number) => (xScale === "log10" ? Math.log10(v) : v);
  return {
    run: keep.map((i) => tl.runs[p.run[i]].id),
    N: Float64Array.from(keep, (i) => p.N[i]),
    D: Float64Array.from(keep, (i) => p.D[i]),
    C: Float64Array.from(keep, (i) => p.C[i]),
    y: Float64Array.from(keep, (i) => p.y[i]),
    x: Float64Array.from(keep, (i) => (xc ? scale(xc[p.checkpoint[i]]) : NaN)),
    extra: ec.map((col) => Float64Array.from(keep, (i) => (col ? col[p.checkpoint[i]] : NaN))),
  };
}

function holdoutLadder(input: MappingInput, used: Set<string>): Ladder {
  const ids = input.targets.runs.map((r) => r.id).filter((id) => !used.has(id));
  let l = applyFilters(input.targets, [{ kind: "runs", ids }]).ladder;
  if (input.step.conventions !== "none") l = finalCheckpoints(l);
  return l;
}

function targetKey(run: string, taken: Set<string>): string {
  let k = resultKey(run);
  for (let i = 2; taken.has(k); i++) k = resultKey(`${run}_${i}`);
  taken.add(k);
  return k;
}

/**
 * Collects a mapping's targets, in order, as results rows (keyed by run, `_2`, `_3`... on
 * repeats) and as figure data.
 */
function targetRecorder(t: { run: string[]; N: Float64Array; D: Float64Array; C: Float64Array }) {
  const taken = new Set<string>();
  const rows: Record<string, DownstreamTarget> = {};
  const figure: MapFigureData["targets"] = [];
  const add = (
    i: number,
    x: number | null,
    loss: DownstreamCheck | null,
    value: DownstreamCheck | null,
  ) => {
    const run = t.run[i];
    rows[targetKey(run, taken)] = {
      run,
      N: t.N[i],
      D: t.D[i],
      C: Number.isFinite(t.C[i]) ? t.C[i] : null,
      x,
      loss,
      value,
    };
    figure.push({ label: run, N: t.N[i], D: t.D[i], x, loss, value });
  };
  return { rows, figure, add };
}

function warnFailed(ctx: PipelineContext, message: string, failed: number): void {
  if (failed > 0) ctx.warnings.warn("map.bootstrap-failed", message, failed);
}

function warnFit(ctx: PipelineContext, where: string, fit: FitResult): void {
  if (!fit.converged) {
    ctx.warnings.warn(
      "map.not-converged",
      `${where}: the fit did not converge (${fit.status}): ${fit.message}`,
    );
  }
}

// -- chain ------------------------------------------------------------------------------------

function runChain(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const loss = step.loss!, mapping = step.mapping!, d = input.metric!;
  const metric = derivedName(d);
  const lossMetric = (d.x ?? mapping.x ?? loss.metric)!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, lossMetric, input.what);
  requireMetric(input.ladder, metric, input.what);
  const law2 = getLaw(mapping.law);
  const chance = mappingChance(input, law2);
  const step1 = {
    law: loss.law,
    fit: fitOptionsOf(loss.options, input.seed),
    filters: loss.filters,
  };
  const step2 = {
    law: law2,
    ...(chance ? { chance: chance.value } : {}),
    ceiling: mapping.ceiling,
    anchor: mapping.anchor,
    starts: mapping.starts,
    fit: mapping.options as FitOptions,
    filters: mapping.filters,
  };
  let tl = input.targets;
  if (step.targets === "holdout") {
    // Fit once without targets to learn which runs the steps use.
    const r: PredictChainResult = predictChain(input.ladder, [], {
      lossMetric,
      downstreamMetric: metric,
      conventions: step.conventions,
      step1,
      step2,
      resamples: 0,
    });
    tl = holdoutLadder(input, new Set([...r.data.step1.runs, ...r.data.step2.runs]));
  }
  const t = targetRows(tl, metric, null, "linear", step.compute, [lossMetric]);
  const chain = predictChain(
    input.ladder,
    t.run.map((id, i) => ({ N: t.N[i], D: t.D[i], label: id })),
    {
      lossMetric,
      downstreamMetric: metric,
      conventions: step.conventions,
      step1,
      step2,
      resamples: input.resamples,
      seed: input.seed,
      level,
      refitFrom: step.bootstrap?.refitFrom ?? "estimate",
    },
  );
  warnFit(ctx, `${where}, step 1`, chain.step1);
  warnFit(ctx, `${where}, step 2`, chain.step2.fit);
  warnFailed(
    ctx,
    `${where}: bootstrap resamples whose refits failed were left out`,
    chain.bootstrap.failed,
  );
  const law1 = chain.step1Law;
  const p1 = paramValues(law1, chain.step1);
  const p2 = Float64Array.from(law2.params, (s) => chain.step2.params[s.name]);
  const fraction = isFraction(input.ladder, metric);

  // Residuals of both steps for prediction intervals.
  const space1 = loss.options.space ?? "log";
  const space2 = (mapping.options.space ?? "linear") as "log" | "linear";
  const inputs1 = law1.inputs.map((sp) =>
    stepInput(sp.name, chain.data.step1.N, chain.data.step1.D)
  );
  const res1 = residuals(chain.data.step1.loss, predictOne(law1, inputs1, p1), space1);
  const fitted2 = predictOne(law2, [chain.data.step2.loss], p2);
  const res2 = residuals(chain.data.step2.value, fitted2, space2);
  const g = rng(substream(input.seed, 0x51ab));
  const map2 = (L: number) => predictOne(law2, [Float64Array.of(L)], p2)[0];

  const recorded = targetRecorder(t);
  chain.predictions.forEach((pr, i) => {
    const lossDraws = chain.bootstrap.lossDraws[i], valueDraws = chain.bootstrap.valueDraws[i];
    const lossPI = new Float64Array(lossDraws.length), valuePI = new Float64Array(lossDraws.length);
    for (let k = 0; k < lossDraws.length; k++) {
      const L = addNoise(lossDraws[k], res1, space1, g.next());
      lossPI[k] = L;
      valuePI[k] = clampFraction(
        addNoise(valueDraws[k] + map2(L) - map2(lossDraws[k]), res2, space2, g.next()),
        fraction,
      );
    }
    const lossCheck = check(
      t.extra[0][i],
      pr.loss,
      pr.lossInterval ?? null,
      intervalOf(lossPI, level),
      false,
    );
    const valueCheck = check(
      t.y[i],
      pr.value,
      pr.valueInterval ?? null,
      intervalOf(valuePI, level),
      fraction,
    );
    recorded.add(i, Number.isFinite(t.extra[0][i]) ? t.extra[0][i] : null, lossCheck, valueCheck);
  });

  // The mapping's band along the loss (step 2 refitted over runs).
  const anchorCount = chain.step2.anchor ? 1 : 0;
  const { slots, runs } = slotsOf(chain.data.step2.runs, anchorCount);
  const xs = chain.data.step2.loss;
  const allX = [...xs, ...recorded.figure.flatMap((f) => [f.x ?? NaN, f.loss?.predicted ?? NaN])]
    .filter(Number.isFinite);
  const curveX = linspace(Math.min(...allX), Math.max(...allX), 80);
  const curve: NonNullable<MapFigureData["curve"]> = {
    x: curveX,
    y: predictOne(law2, [curveX], p2),
  };
  if (input.resamples > 0) {
    const band = refitOverRuns(
      law2,
      { inputs: { [law2.inputs[0].name]: chain.step2.x }, y: chain.step2.y },
      slots,
      runs,
      {
        fit: { ...chain.step2.options, starts: [chain.step2.params] },
        resamples: input.resamples,
        seed: substream(input.seed, 0xba2d),
        nFree: chain.step2.fit.nFree,
      },
    );
    Object.assign(curve, bandOf(law2, curveX, band.draws, level));
  }
  const trainFit = fitted2;
  const testQ = fitQuality(t.y, chain.predictions.map((p) => p.value));
  return {
    mapping: {
      group: input.group,
      metric,
      x: lossMetric,
      xScale: "linear",
      chance: chance?.value ?? null,
      chanceOrigin: chance?.origin ?? null,
      loss: fitSummaryOf(law1, chain.step1, new Set(chain.data.step1.runs).size),
      mapping: fitSummaryOf(law2, chain.step2.fit, new Set(chain.data.step2.runs).size),
      anchor: chain.step2.anchor ?? null,
      train: fitQuality(chain.data.step2.value, trainFit),
      test: testQ,
      bootstrap: input.resamples > 0
        ? {
          resamples: input.resamples,
          succeeded: chain.bootstrap.succeeded,
          failed: chain.bootstrap.failed,
        }
        : null,
      targets: recorded.rows,
    },
    figure: {
      group: input.group,
      metric,
      x: lossMetric,
      xScale: "linear",
      chance: chance?.value ?? null,
      train: { x: chain.data.step2.loss, y: chain.data.step2.value, runs: chain.data.step2.runs },
      curve,
      lossFit: {
        law: law1,
        params: p1,
        N: chain.data.step1.N,
        D: chain.data.step1.D,
        y: chain.data.step1.loss,
        metric: lossMetric,
      },
      targets: recorded.figure,
    },
  };
}

function stepInput(name: string, N: Float64Array, D: Float64Array): Float64Array {
  if (name === "N") return N;
  if (name === "D") return D;
  if (name === "C") return N.map((n, i) => 6 * n * D[i]);
  return N.map((n, i) => D[i] / n);
}

// -- loss only --------------------------------------------------------------------------------

const CONVENTION_STEP1: Record<MapStep["conventions"], (m: string) => FilterSpec[]> = {
  final: () => [{ kind: "final" }],
  ladder: (m) => [{ kind: "movingAverage", width: 5, metrics: [m] }, { kind: "final" }],
  none: () => [],
};

function runLossOnly(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const loss = step.loss!;
  const metric = loss.metric!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, metric, input.what);
  const law = getLaw(loss.law);
  const f = applyFilters(input.ladder, [
    ...loss.filters,
    ...CONVENTION_STEP1[step.conventions](metric),
  ], {
    metric,
  });
  const p = metricPoints(f.ladder, metric, step.compute);
  const keep: number[] = [];
  for (let i = 0; i < p.y.length; i++) if (Number.isFinite(p.y[i])) keep.push(i);
  if (keep.length === 0) {
    throw new RangeError(
      `Cannot ${input.what}: no finite ${JSON.stringify(metric)} values are left for step 1`,
    );
  }
  const N = Float64Array.from(keep, (i) => p.N[i]), D = Float64Array.from(keep, (i) => p.D[i]);
  const y = Float64Array.from(keep, (i) => p.y[i]);
  const runIds = keep.map((i) => f.ladder.runs[p.run[i]].id);
  const cols: Record<string, Float64Array> = {};
  for (const s of law.inputs) cols[s.name] = stepInput(s.name, N, D);
  const fitOptions = fitOptionsOf(loss.options, input.seed);
  const fit = fitSync(law, { inputs: cols, y }, fitOptions);
  warnFit(ctx, where, fit);
  const params = paramValues(law, fit);
  const fitted = predictOne(law, law.inputs.map((s) => cols[s.name]), params);
  const space = loss.options.space ?? "log";
  const res = residuals(y, fitted, space);

  const tl = step.targets === "holdout" ? holdoutLadder(input, new Set(runIds)) : input.targets;
  const t = targetRows(tl, metric, null, "linear", step.compute);
  const tInputs = law.inputs.map((s) => stepInput(s.name, t.N, t.D));
  const pred = predictOne(law, tInputs, params);
  let draws: Float64Array[] = [], failed = 0;
  if (input.resamples > 0) {
    const { slots, runs } = slotsOf(runIds, 0);
    const start = step.bootstrap?.refitFrom === "starts"
      ? (loss.options.starts ?? "default")
      : [Object.fromEntries(law.params.map((s, i) => [s.name, params[i]]))];
    ({ draws, failed } = refitOverRuns(law, { inputs: cols, y }, slots, runs, {
      fit: { ...fitOptions, starts: start },
      resamples: input.resamples,
      seed: input.seed,
      nFree: fit.nFree,
    }));
    warnFailed(ctx, `${where}: bootstrap refits that failed were left out`, failed);
  }
  const drawPreds = draws.map((d) => predictOne(law, tInputs, d));
  const g = rng(substream(input.seed, 0x51ab));
  const recorded = targetRecorder(t);
  t.run.forEach((_, i) => {
    const col = drawPreds.map((c) => c[i]);
    const noisy = col.map((v) => addNoise(v, res, space, g.next()));
    const c = check(t.y[i], pred[i], intervalOf(col, level), intervalOf(noisy, level), false);
    recorded.add(i, null, c, null);
  });
  return {
    mapping: {
      group: input.group,
      metric,
      x: null,
      xScale: "linear",
      chance: null,
      chanceOrigin: null,
      loss: fitSummaryOf(law, fit, new Set(runIds).size),
      mapping: null,
      anchor: null,
      train: fitQuality(y, fitted),
      test: fitQuality(t.y, pred),
      bootstrap: input.resamples > 0
        ? { resamples: input.resamples, succeeded: draws.length, failed }
        : null,
      targets: recorded.rows,
    },
    figure: {
      group: input.group,
      metric,
      x: null,
      xScale: "linear",
      chance: null,
      lossFit: { law, params, N, D, y, metric },
      targets: recorded.figure,
    },
  };
}

// -- mapping only -----------------------------------------------------------------------------

function runMappingOnly(input: MappingInput): MappingOutput {
  const { step, ctx, level } = input;
  const mapping = step.mapping!, d = input.metric!;
  const metric = derivedName(d);
  const xName = (d.x ?? mapping.x)!;
  const where = `Map ${JSON.stringify(step.id)} (${label(input)})`;
  requireMetric(input.ladder, metric, input.what);
  const law = getLaw(mapping.law);
  const chance = mappingChance(input, law);
  const conv: FilterSpec[] = step.conventions === "final"
    ? [{ kind: "final" }]
    : step.conventions === "ladder"
    ? [
      { kind: "skipFraction", fraction: 0.1 },
      {
        kind: "movingAverage",
        width: 5,
        metrics: STEP1_INPUTS.includes(xName) ? [metric] : [xName, metric],
      },
    ]
    : [];
  const f = applyFilters(input.ladder, [...mapping.filters, ...conv], { metric });
  const train = targetRows(f.ladder, metric, xName, mapping.xScale, step.compute);
  if (train.y.length === 0) {
    throw new RangeError(
      `Cannot ${input.what}: no checkpoint has both ${JSON.stringify(xName)} and ` +
        `${JSON.stringify(metric)} after the mapping's filters; expected paired values`,
    );
  }
  const fm: FitMappingResult = fitMapping(train.x, train.y, {
    law,
    ...(chance ? { chance: chance.value } : {}),
    ceiling: mapping.ceiling,
    anchor: mapping.anchor,
    starts: mapping.starts,
    fit: { ...(mapping.options as FitOptions), seed: input.seed },
  });
  warnFit(ctx, where, fm.fit);
  const p = Float64Array.from(law.params, (s) => fm.params[s.name]);
  const fitted = predictOne(law, [train.x], p);
  const space = (mapping.options.space ?? "linear") as "log" | "linear";
  const res = residuals(train.y, fitted, space);

  const tl = step.targets === "holdout" ? holdoutLadder(input, new Set(train.run)) : input.targets;
  const t = targetRows(tl, metric, xName, mapping.xScale, step.compute);
  const pred = predictOne(law, [t.x], p);
  const anchorCount = fm.anchor ? 1 : 0;
  const { slots, runs } = slotsOf(train.run, anchorCount);
  let draws: Float64Array[] = [], failed = 0;
  if (input.resamples > 0) {
    const start = step.bootstrap?.refitFrom === "starts" ? fm.options.starts : [fm.params];
    ({ draws, failed } = refitOverRuns(
      law,
      { inputs: { [law.inputs[0].name]: fm.x }, y: fm.y },
      slots,
      runs,
      {
        fit: { ...fm.options, starts: start },
        resamples: input.resamples,
        seed: input.seed,
        nFree: fm.fit.nFree,
      },
    ));
    warnFailed(ctx, `${where}: bootstrap refits that failed were left out`, failed);
  }
  const drawPreds = draws.map((dp) => predictOne(law, [t.x], dp));
  const fraction = isFraction(input.ladder, metric);
  const g = rng(substream(input.seed, 0x51ab));
  const recorded = targetRecorder(t);
  t.run.forEach((_, i) => {
    const col = drawPreds.map((c) => c[i]);
    const noisy = col.map((v) => clampFraction(addNoise(v, res, space, g.next()), fraction));
    const c = check(t.y[i], pred[i], intervalOf(col, level), intervalOf(noisy, level), fraction);
    recorded.add(i, t.x[i], null, c);
  });
  const allX = [...train.x, ...t.x].filter(Number.isFinite);
  const curveX = linspace(Math.min(...allX), Math.max(...allX), 80);
  const curve: NonNullable<MapFigureData["curve"]> = {
    x: curveX,
    y: predictOne(law, [curveX], p),
    ...bandOf(law, curveX, draws, level),
  };
  return {
    mapping: {
      group: input.group,
      metric,
      x: xName,
      xScale: mapping.xScale,
      chance: chance?.value ?? null,
      chanceOrigin: chance?.origin ?? null,
      loss: null,
      mapping: fitSummaryOf(law, fm.fit, runs),
      anchor: fm.anchor ?? null,
      train: fitQuality(train.y, fitted),
      test: fitQuality(t.y, pred),
      bootstrap: input.resamples > 0
        ? { resamples: input.resamples, succeeded: draws.length, failed }
        : null,
      targets: recorded.rows,
    },
    figure: {
      group: input.group,
      metric,
      x: xName,
      xScale: mapping.xScale,
      chance: chance?.value ?? null,
      train: { x: train.x, y: train.y, runs: train.run },
      curve,
      targets: recorded.figure,
    },
  };
}

/**
 * The `downstream` section of the results document: each map step's summary, by id.
 *
 * @param ctx The pipeline's state.
 * @returns Summaries by step id (empty without map steps).
 */
export function downstreamResults(ctx: PipelineContext): Record<string, DownstreamSummary> {
  return Object.fromEntries([...ctx.downstream].map(([k, v]) => [k, v.summary]));
}
