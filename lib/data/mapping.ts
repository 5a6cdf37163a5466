/**
 * Build a {@link Ladder} from a parsed table and a {@link ColumnMapping}, and write a ladder
 * back in the toolkit's own long CSV format ({@link CANONICAL_MAPPING}, {@link ladderToCsv}).
 * Pure: no file access.
 *
 * @module
 */

import { DataError, quote } from "../util/errors.ts";
import { nearestName } from "../util/suggest.ts";
import { Warnings } from "../util/warnings.ts";
import type { ColumnMapping, Ladder, MetricKind, Provenance, RawTable, Run } from "./schema.ts";

/** Options of {@link buildLadder}. */
export interface BuildLadderOptions {
  /**
   * Per-run table joined on the mapping's `run` columns (same column names in both tables).
   * Run-level columns missing from the main table are read here.
   */
  runs?: RawTable;
  /** Provenance stored in the ladder. @default { files: [] } */
  provenance?: Provenance;
}

/**
 * The mapping of the toolkit's own long CSV format, as written by {@link ladderToCsv}:
 * columns `run, family, seed, params, params_non_embedding, dataset, step, tokens, flops,
 * metric, value`.
 */
export const CANONICAL_MAPPING: ColumnMapping = Object.freeze({
  run: "run",
  family: "family",
  seed: "seed",
  params: "params",
  paramsNonEmbedding: "params_non_embedding",
  dataset: "dataset",
  step: "step",
  tokens: "tokens",
  flops: "flops",
  metric: "metric",
  value: "value",
});

const CANONICAL_COLUMNS = [
  "run",
  "family",
  "seed",
  "params",
  "params_non_embedding",
  "dataset",
  "step",
  "tokens",
  "flops",
  "metric",
  "value",
];

/** Where a run-level quantity is read: a column (or joined columns) of one of the tables. */
interface Source {
  table: RawTable;
  /** Whether `table` is the per-run table. */
  inRuns: boolean;
  cols: number[];
  /** The mapped name(s) joined with "/" (for messages). */
  name: string;
}

type FieldKind = "family" | "seed" | "dataset" | "paramsNonEmbedding" | "field";

interface FieldSpec {
  kind: FieldKind;
  /** Key in Run.fields for kind "field". */
  key: string;
  source: Source;
}

interface CheckpointState {
  index: number;
  line: number;
  step: number;
  tokens: number;
  flops: number;
}

interface RunState {
  run: Run;
  index: number;
  line: number;
  /** Reason the run is unusable (params empty or not in the runs table), "" if usable. */
  missing: "" | "params" | "no-runs-row";
  runsRow: number;
  params: number;
  paramsRaw: string;
  paramsLine: number;
  /** Tokens/flops read from the runs table (final-only data), NaN when absent. */
  tokens: number;
  flops: number;
  /** Raw text and line of each main-table run-level field, by spec index (first seen). */
  rawFields: (string | undefined)[];
  rawLines: number[];
  byStep: Map<number, CheckpointState>;
  byTokens: Map<number, CheckpointState>;
}

/**
 * Build a ladder from a parsed table following a {@link ColumnMapping}.
 *
 * Semantics, in order:
 * - `where` keeps rows whose cell equals one of the given values (main table, else the joined
 *   runs table).
 * - Each row names a run (`run` columns joined with "/"; without `run`, each row is run
 *   `row-<line>`). Run-level fields come from the main table, or from `options.runs` joined
 *   on the run columns when a column is not in the main table; they must agree across a run's
 *   rows.
 * - Checkpoints are keyed by (run, step), or (run, tokens) where the step is absent. Without a
 *   `tokens` column, D = flops / (6 · params). `scale` factors multiply params, tokens, flops.
 * - Wide form (`metrics`): every listed column (or `*` glob match) is a metric; empty cells are
 *   not observed. Long form (`metric` + `value`): one observation per row.
 * - `drop` turns empty required cells ("missing": run id, params, tokens — or flops when tokens
 *   are derived — and, in long form, metric and value) and tokens = 0 ("zero-tokens") into
 *   counted warnings; `onDuplicate` merges duplicate (run, step, metric) rows. A run absent from
 *   the runs table counts as missing when its params (or tokens) come from there.
 *
 * Runs, checkpoints, metrics and observations keep the order in which they are first observed.
 *
 * @param table The main table.
 * @param mapping Which columns hold what.
 * @param options A per-run table and provenance.
 * @returns The ladder, with warnings for dropped or merged rows.
 * @throws {DataError} naming line, column and value for: a mapped column that does not exist
 *   (with the closest name), a non-numeric or non-finite number, params or tokens ≤ 0, an empty
 *   required cell (unless dropped), run-level values that differ within a run, a checkpoint
 *   with two token counts, duplicate (run, step, metric) rows (unless merged), no rows left.
 * @throws {TypeError} for a mapping that is not usable (no params, no metric columns, …).
 *
 * @example Long form with a per-run table
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildLadder } from "./mapping.ts";
 * import { parseCsv } from "./parse.ts";
 * const obs = parseCsv("model,step,tokens,metric,value\nm1,10,1e9,loss,3.1\nm1,20,2e9,loss,2.9\n");
 * const runs = parseCsv("model,params\nm1,1.2e8\n");
 * const ladder = buildLadder(obs, {
 *   run: "model", params: "params", step: "step", tokens: "tokens", metric: "metric", value: "value",
 * }, { runs });
 * assert.equal(ladder.runs[0].params, 1.2e8);
 * assert.deepEqual([...ladder.checkpoints.tokens], [1e9, 2e9]);
 * assert.deepEqual([...ladder.observations.value], [3.1, 2.9]);
 * ```
 *
 * @example Wide form with a glob and a unit scale
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildLadder } from "./mapping.ts";
 * import { parseCsv } from "./parse.ts";
 * const t = parseCsv("name,size_b,tokens,eval/c4_loss,eval/pile_loss\na,0.1,2e9,3.2,\n");
 * const ladder = buildLadder(t, {
 *   run: "name", params: "size_b", tokens: "tokens", metrics: ["eval/*_loss"], scale: { params: 1e9 },
 * });
 * assert.equal(ladder.runs[0].params, 1e8);
 * assert.deepEqual(ladder.metrics, ["eval/c4_loss"]); // the empty cell is not observed
 * ```
 */
export function buildLadder(
  table: RawTable,
  mapping: ColumnMapping,
  options: BuildLadderOptions = {},
): Ladder {
  const runsTable = options.runs;
  const warnings = new Warnings();
  const drop = new Set(mapping.drop ?? []);
  for (const d of drop) {
    if (d !== "missing" && d !== "zero-tokens") {
      throw new TypeError(
        `Cannot map columns: drop contains ${
          JSON.stringify(d)
        }; expected "missing" or "zero-tokens"`,
      );
    }
  }
  const onDuplicate = mapping.onDuplicate ?? "error";
  if (!["error", "mean", "first", "last"].includes(onDuplicate)) {
    throw new TypeError(
      `Cannot map columns: onDuplicate is ${
        JSON.stringify(onDuplicate)
      }; expected "error", "mean", "first" or "last"`,
    );
  }
  if (typeof mapping.params !== "string") {
    throw new TypeError("Cannot map columns: params is missing; expected the name of a column");
  }
  const wide = mapping.metrics !== undefined;
  const long = mapping.metric !== undefined || mapping.value !== undefined;
  if (wide === long) {
    throw new TypeError(
      "Cannot map columns: " + (wide ? "both metrics and metric/value are set" : "no metric") +
        "; expected either metrics (wide form) or metric and value (long form)",
    );
  }
  if (long && (mapping.metric === undefined || mapping.value === undefined)) {
    throw new TypeError(
      "Cannot map columns: long form needs both metric and value; expected two column names",
    );
  }
  if (mapping.tokens === undefined && mapping.flops === undefined) {
    throw new TypeError(
      "Cannot map columns: neither tokens nor flops is mapped; expected a tokens column, or a flops column to derive tokens = flops / (6 · params)",
    );
  }
  if (runsTable && mapping.run === undefined) {
    throw new TypeError(
      "Cannot map columns: a runs table is given but run is not mapped; expected run column(s) to join on",
    );
  }

  const mainIndex = columnIndex(table);
  const runsIndex = runsTable ? columnIndex(runsTable) : undefined;

  const mainCols = (names: string | string[], role: string): number[] =>
    asList(names).map((name) => mustFind(table, mainIndex, name, role, undefined));
  const anyCols = (names: string | string[], role: string): Source => {
    const list = asList(names);
    if (list.every((name) => mainIndex.has(name))) {
      return { table, inRuns: false, cols: list.map((s) => mainIndex.get(s)!), name: joined(list) };
    }
    if (runsTable && runsIndex && list.every((name) => runsIndex.has(name))) {
      return {
        table: runsTable,
        inRuns: true,
        cols: list.map((s) => runsIndex.get(s)!),
        name: joined(list),
      };
    }
    const missing = list.find((name) => !mainIndex.has(name) && !runsIndex?.has(name)) ?? list[0];
    mustFind(table, mainIndex, missing, role, runsTable);
    // Some columns in one table, the rest in the other.
    throw new DataError(`is split over the table and the runs table (mapping.${role})`, {
      line: 1,
      column: joined(list),
      expected: "all columns of one field in the same table",
    });
  };

  // Run key columns (main table), and the runs-table join.
  const runCols = mapping.run === undefined ? null : mainCols(mapping.run, "run");
  let runsByKey: Map<string, number> | undefined;
  if (runsTable && runsIndex && mapping.run !== undefined) {
    const keyCols = asList(mapping.run).map((name) =>
      mustFind(runsTable, runsIndex, name, "run (runs table)", undefined)
    );
    runsByKey = new Map();
    for (let r = 0; r < runsTable.rows.length; r++) {
      const key = keyOf(runsTable.rows[r], keyCols);
      const before = runsByKey.get(key);
      if (before !== undefined) {
        throw new DataError(`again: line ${runsTable.lines[before]} has the same run`, {
          file: runsTable.file,
          line: runsTable.lines[r],
          column: joined(asList(mapping.run)),
          columnIndex: keyCols[0] + 1,
          value: key,
          expected: "one row per run in the runs table",
        });
      }
      runsByKey.set(key, r);
    }
  }

  // Where filter.
  const filters: { source: Source; values: Set<string> }[] = [];
  for (const [name, values] of Object.entries(mapping.where ?? {})) {
    const source = anyCols(name, `where.${name}`);
    if (source.inRuns && !runsByKey) {
      throw new TypeError("Cannot filter rows: where uses a runs-table column without a run key");
    }
    filters.push({ source, values: new Set(asList(values)) });
  }

  // Run-level fields.
  const paramsSource = anyCols(mapping.params, "params");
  const fieldSpecs: FieldSpec[] = [];
  if (mapping.family !== undefined) {
    fieldSpecs.push({ kind: "family", key: "", source: anyCols(mapping.family, "family") });
  }
  if (mapping.seed !== undefined) {
    fieldSpecs.push({ kind: "seed", key: "", source: anyCols(mapping.seed, "seed") });
  }
  if (mapping.dataset !== undefined) {
    fieldSpecs.push({ kind: "dataset", key: "", source: anyCols(mapping.dataset, "dataset") });
  }
  if (mapping.paramsNonEmbedding !== undefined) {
    fieldSpecs.push({
      kind: "paramsNonEmbedding",
      key: "",
      source: anyCols(mapping.paramsNonEmbedding, "paramsNonEmbedding"),
    });
  }
  for (const name of mapping.fields ?? []) {
    fieldSpecs.push({ kind: "field", key: name, source: anyCols(name, `fields`) });
  }
  const tokensSource = mapping.tokens === undefined ? null : anyCols(mapping.tokens, "tokens");
  const flopsSource = mapping.flops === undefined ? null : anyCols(mapping.flops, "flops");
  const stepCol = mapping.step === undefined ? -1 : mainCols(mapping.step, "step")[0];

  // Metric columns.
  let metricCols: number[] = [];
  let valueCol = -1;
  const wideCols: number[] = [];
  if (wide) {
    const used = new Set<number>([
      ...(runCols ?? []),
      ...(stepCol >= 0 ? [stepCol] : []),
      ...[paramsSource, tokensSource, flopsSource, ...fieldSpecs.map((f) => f.source)]
        .flatMap((s) => (s && !s.inRuns ? s.cols : [])),
    ]);
    const chosen = new Set<number>();
    for (const pattern of mapping.metrics!) {
      if (!pattern.includes("*")) {
        const c = mustFind(table, mainIndex, pattern, "metrics", undefined);
        if (!chosen.has(c)) {
          chosen.add(c);
          wideCols.push(c);
        }
        continue;
      }
      let any = false;
      table.columns.forEach((name, c) => {
        if (used.has(c) || !globMatch(pattern, name)) return;
        any = true;
        if (!chosen.has(c)) {
          chosen.add(c);
          wideCols.push(c);
        }
      });
      if (!any) {
        throw new DataError("matches no column (mapping.metrics)", {
          line: 1,
          column: pattern,
          expected: `a pattern matching one of ${listColumns(table.columns)}`,
        });
      }
    }
  } else {
    metricCols = mainCols(mapping.metric!, "metric");
    valueCol = mainCols(mapping.value!, "value")[0];
  }

  const scale = mapping.scale ?? {};
  const paramsScale = scale.params ?? 1;
  const pneScale = scale.paramsNonEmbedding ?? 1;
  const tokensScale = scale.tokens ?? 1;
  const flopsScale = scale.flops ?? 1;
  for (const [k, v] of Object.entries(scale)) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new TypeError(`Cannot map columns: scale.${k} is ${v}; expected a positive number`);
    }
  }

  // State.
  const runStates = new Map<string, RunState>();
  const runs: Run[] = [];
  const cpRun: number[] = [];
  const cpStep: number[] = [];
  const cpTokens: number[] = [];
  const cpFlops: number[] = [];
  const metrics: string[] = [];
  const metricIndex = new Map<string, number>();
  const obsCp: number[] = [];
  const obsMetric: number[] = [];
  const obsValue: number[] = [];
  const obsLine: number[] = [];
  const obsCount: number[] = [];
  /** Per metric: checkpoint index → observation index (for duplicates). */
  const obsByMetric: Map<number, number>[] = [];
  let duplicates = 0;
  let unmatchedOptional = 0;
  const dropped = new Map<string, number>();
  const noteDrop = (what: string) => dropped.set(what, (dropped.get(what) ?? 0) + 1);

  const rows = table.rows;
  const lines = table.lines;
  const scratchMetric: number[] = [];
  const scratchValue: number[] = [];
  const scratchCol: number[] = [];
  let kept = 0;

  const runsRowOf = (row: string[]): number => {
    if (!runsByKey || !runCols) return -1;
    return runsByKey.get(keyOf(row, runCols)) ?? -1;
  };

  let lastRow: string[] | undefined;
  let lastState: RunState | undefined;
  const dropParamsInRuns = `an empty ${quote(paramsSource.name)} cell in the runs table`;
  const dropNoRunsRow = "a run that is not in the runs table";

  rowLoop: for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const line = lines[r];

    // 1. Where filter.
    if (filters.length) {
      let runsRow = -2;
      for (const f of filters) {
        let cellRow: string[] | undefined = row;
        if (f.source.inRuns) {
          if (runsRow === -2) runsRow = runsRowOf(row);
          cellRow = runsRow >= 0 ? runsTable!.rows[runsRow] : undefined;
        }
        if (!cellRow || !f.values.has(keyOf(cellRow, f.source.cols))) continue rowLoop;
      }
    }
    kept++;

    // 2. The run (rows of one run are usually adjacent: reuse the previous row's lookup).
    let st: RunState;
    if (runCols && lastState !== undefined && sameCells(row, lastRow!, runCols)) st = lastState;
    else {
      const id = runCols ? keyOf(row, runCols) : `row-${line}`;
      if (runCols && isBlankKey(row, runCols)) {
        if (drop.has("missing")) {
          noteDrop(`an empty ${quote(joined(asList(mapping.run!)))} cell`);
          continue;
        }
        throw missingError(table, line, runCols[0], "a run id");
      }
      let found = runStates.get(id);
      if (found === undefined) {
        found = newRunState(id, row, line);
        runStates.set(id, found);
      }
      st = found;
      lastRow = row;
      lastState = st;
    }
    const id = st.run.id;
    if (st.missing !== "") {
      if (drop.has("missing")) {
        noteDrop(st.missing === "params" ? dropParamsInRuns : dropNoRunsRow);
        continue;
      }
      if (st.missing === "params") {
        const c = paramsSource.cols[0];
        throw missingError(runsTable!, runsTable!.lines[st.runsRow], c, paramsExpected);
      }
      throw new DataError("names a run that is not in the runs table", {
        file: table.file,
        line,
        column: joined(asList(mapping.run!)),
        columnIndex: runCols![0] + 1,
        value: id,
        expected: `a run listed in the runs table (or drop: ["missing"] to skip such rows)`,
      });
    }

    // 3. Main-table run-level fields: parse on first sight, then check consistency.
    let paramsMissing = false;
    if (!paramsSource.inRuns) {
      const c = paramsSource.cols[0];
      const raw = row[c];
      const value = readNumber(table, r, c, paramsExpected);
      if (Number.isNaN(value)) paramsMissing = true;
      else {
        const params = value * paramsScale;
        if (!(value > 0)) throw notPositive(table, r, c, paramsExpected);
        if (Number.isNaN(st.params)) {
          st.params = params;
          st.run.params = params;
          st.paramsRaw = raw;
          st.paramsLine = line;
        } else if (raw !== st.paramsRaw && params !== st.params) {
          throw inconsistent(table, r, c, st.paramsRaw, st.paramsLine, id);
        }
      }
    }
    for (let k = 0; k < fieldSpecs.length; k++) {
      const spec = fieldSpecs[k];
      if (spec.source.inRuns) continue;
      const raw = keyOf(row, spec.source.cols);
      const before = st.rawFields[k];
      if (before === undefined) {
        setField(st.run, spec, raw, table, r);
        st.rawFields[k] = raw;
        st.rawLines[k] = line;
      } else if (raw !== before && !sameFieldValue(spec, raw, before)) {
        throw inconsistent(table, r, spec.source.cols[0], before, st.rawLines[k], id);
      }
    }

    // 4. Checkpoint values.
    const step = stepCol >= 0 ? readNumber(table, r, stepCol, "a finite step number") : NaN;
    let flops = NaN;
    if (flopsSource) {
      if (flopsSource.inRuns) flops = st.flops;
      else {
        const c = flopsSource.cols[0];
        flops = readNumber(table, r, c, "a number of FLOPs ≥ 0") * flopsScale;
        if (flops < 0) throw notPositive(table, r, c, "a number of FLOPs ≥ 0");
      }
    }
    let tokens = NaN;
    let tokensCol = -1;
    if (tokensSource) {
      if (tokensSource.inRuns) tokens = st.tokens;
      else {
        tokensCol = tokensSource.cols[0];
        tokens = readNumber(table, r, tokensCol, tokensExpected) * tokensScale;
      }
    }

    // 5. Observations of the row (parsed before any drop, so bad text is always reported).
    scratchMetric.length = 0;
    scratchValue.length = 0;
    scratchCol.length = 0;
    let metricMissing = false;
    if (wide) {
      for (const c of wideCols) {
        const v = readNumber(table, r, c, "a finite number (or an empty cell)");
        if (Number.isNaN(v)) continue;
        scratchCol.push(c);
        scratchMetric.push(c);
        scratchValue.push(v);
      }
    } else {
      const v = readNumber(table, r, valueCol, "a finite number");
      if (isBlankKey(row, metricCols) || Number.isNaN(v)) metricMissing = true;
      else {
        scratchCol.push(valueCol);
        scratchMetric.push(-1);
        scratchValue.push(v);
      }
    }

    // A wide row without any metric value observes nothing: skip it quietly.
    if (wide && scratchValue.length === 0) continue;

    // 6. Missing cells and zero tokens: drop or raise.
    if (paramsMissing) {
      if (drop.has("missing")) {
        noteDrop(`an empty ${quote(paramsSource.name)} cell`);
        continue;
      }
      throw missingError(table, line, paramsSource.cols[0], paramsExpected);
    }
    if (!tokensSource) {
      if (Number.isNaN(flops)) {
        if (drop.has("missing")) {
          noteDrop(`an empty ${quote(flopsSource!.name)} cell (needed for tokens)`);
          continue;
        }
        if (flopsSource!.inRuns) {
          throw missingError(
            runsTable!,
            runsTable!.lines[st.runsRow],
            flopsSource!.cols[0],
            "a number of FLOPs",
          );
        }
        throw missingError(
          table,
          line,
          flopsSource!.cols[0],
          "a number of FLOPs (tokens = flops / (6 · params))",
        );
      }
      tokens = flops / (6 * st.params);
    } else if (Number.isNaN(tokens)) {
      if (drop.has("missing")) {
        noteDrop(`an empty ${quote(tokensSource.name)} cell`);
        continue;
      }
      if (tokensSource.inRuns) {
        throw missingError(
          runsTable!,
          runsTable!.lines[st.runsRow],
          tokensSource.cols[0],
          tokensExpected,
        );
      }
      throw missingError(table, line, tokensSource.cols[0], tokensExpected);
    }
    if (!(tokens > 0)) {
      if (tokens === 0 && drop.has("zero-tokens")) {
        noteDrop("tokens = 0 (initial checkpoints)");
        continue;
      }
      const src = tokensSource ?? flopsSource!;
      const srcTable = src.inRuns ? runsTable! : table;
      const srcRow = src.inRuns ? st.runsRow : r;
      throw new DataError(tokens === 0 ? "is zero" : "is negative", {
        file: srcTable.file,
        line: srcTable.lines[srcRow],
        column: srcTable.columns[src.cols[0]],
        columnIndex: src.cols[0] + 1,
        value: srcTable.rows[srcRow][src.cols[0]],
        expected: tokens === 0
          ? `${tokensExpected} (add "zero-tokens" to drop to skip initial checkpoints)`
          : tokensExpected,
      });
    }
    if (metricMissing) {
      if (drop.has("missing")) {
        noteDrop(`an empty metric or value cell`);
        continue;
      }
      const c = isBlankKey(row, metricCols) ? metricCols[0] : valueCol;
      throw missingError(table, line, c, c === valueCol ? "a finite number" : "a metric name");
    }

    // 7. The checkpoint: one per (run, step), or (run, tokens) without a step.
    const byStep = !Number.isNaN(step);
    const cpMap = byStep ? st.byStep : st.byTokens;
    const cpKey = byStep ? step : tokens;
    let cp = cpMap.get(cpKey);
    if (cp === undefined) {
      cp = { index: -1, line, step, tokens, flops };
      cpMap.set(cpKey, cp);
    } else {
      if (byStep && cp.tokens !== tokens) {
        const c = tokensCol >= 0 ? tokensCol : flopsSource!.cols[0];
        throw new DataError(
          `but line ${cp.line} of run ${quote(id)} at step ${step} has ${cp.tokens}`,
          {
            file: table.file,
            line,
            column: table.columns[c],
            columnIndex: c + 1,
            value: row[c],
            expected: "the same tokens on every row of a checkpoint",
          },
        );
      }
      if (!Object.is(cp.flops, flops) && flopsSource && !flopsSource.inRuns) {
        const c = flopsSource.cols[0];
        throw new DataError(
          `but line ${cp.line} of run ${quote(id)} at ${
            byStep ? `step ${step}` : `tokens ${tokens}`
          } has ${Number.isNaN(cp.flops) ? "no flops" : cp.flops}`,
          {
            file: table.file,
            line,
            column: table.columns[c],
            columnIndex: c + 1,
            value: row[c],
            expected: "the same flops on every row of a checkpoint",
          },
        );
      }
    }
    // 8. Materialize run, checkpoint, metrics and observations.
    if (st.index < 0) {
      st.index = runs.length;
      runs.push(st.run);
    }
    if (cp.index < 0) {
      cp.index = cpRun.length;
      cpRun.push(st.index);
      cpStep.push(cp.step);
      cpTokens.push(cp.tokens);
      cpFlops.push(cp.flops);
    }
    for (let k = 0; k < scratchValue.length; k++) {
      const name = wide ? table.columns[scratchMetric[k]] : keyOf(row, metricCols);
      let m = metricIndex.get(name);
      if (m === undefined) {
        m = metrics.length;
        metrics.push(name);
        metricIndex.set(name, m);
      }
      let seen = obsByMetric[m];
      if (seen === undefined) {
        seen = new Map();
        obsByMetric[m] = seen;
      }
      const prev = seen.get(cp.index);
      if (prev === undefined) {
        seen.set(cp.index, obsCp.length);
        obsCp.push(cp.index);
        obsMetric.push(m);
        obsValue.push(scratchValue[k]);
        obsLine.push(line);
        obsCount.push(1);
        continue;
      }
      if (onDuplicate === "error") {
        const c = wide ? scratchCol[k] : metricCols[0];
        const where = byStep ? `step ${step}` : `tokens ${tokens}`;
        throw new DataError(
          `again: line ${obsLine[prev]} has the same run ${quote(id)}, ${where} and metric`,
          {
            file: table.file,
            line,
            column: table.columns[c],
            columnIndex: c + 1,
            value: row[c],
            expected:
              `one row per (run, step, metric) (or set onDuplicate to "mean", "first" or "last")`,
          },
        );
      }
      duplicates++;
      if (onDuplicate === "mean") {
        obsValue[prev] += scratchValue[k];
        obsCount[prev]++;
      } else if (onDuplicate === "last") obsValue[prev] = scratchValue[k];
    }
  }

  if (filters.length && kept === 0) {
    const f = filters[0];
    throw new DataError("matches no row (mapping.where)", {
      file: f.source.table.file,
      line: 1,
      column: f.source.name,
      columnIndex: f.source.cols[0] + 1,
      expected: `one of the values found: ${sampleValues(f.source)}`,
    });
  }
  if (obsCp.length === 0) {
    const detail = [...dropped].map(([what, n]) => `${n} with ${what}`).join(", ");
    throw new DataError(
      `has no observation left${detail ? ` (dropped rows: ${detail})` : ""}`,
      { file: table.file, expected: "at least one row with a metric value" },
    );
  }

  if (onDuplicate === "mean") {
    for (let i = 0; i < obsValue.length; i++) {
      if (obsCount[i] > 1) obsValue[i] /= obsCount[i];
    }
  }
  for (const [what, n] of dropped) {
    warnings.warn(
      what.startsWith("tokens = 0") ? "load.dropped-zero-tokens" : "load.dropped-missing",
      `Dropped ${n} row(s) with ${what}`,
      n,
    );
  }
  if (duplicates > 0) {
    const verb = { mean: "Averaged", first: "Kept the first of", last: "Kept the last of" }[
      onDuplicate as "mean" | "first" | "last"
    ];
    warnings.warn(
      "load.duplicates",
      `${verb} duplicate (run, step, metric) rows (onDuplicate: ${
        quote(onDuplicate)
      }); ${duplicates} extra row(s) merged`,
      duplicates,
    );
  }
  if (unmatchedOptional > 0) {
    warnings.warn(
      "load.runs-unmatched",
      `${unmatchedOptional} run(s) are not in the runs table; their runs-table fields are empty`,
      unmatchedOptional,
    );
  }

  const metricKinds: Record<string, MetricKind> = {};
  const kindPatterns = Object.entries(mapping.metricKinds ?? {});
  for (const name of metrics) {
    const exact = mapping.metricKinds?.[name];
    const kind = exact ?? kindPatterns.find(([p]) => p.includes("*") && globMatch(p, name))?.[1];
    if (kind !== undefined) metricKinds[name] = kind;
  }

  return {
    runs,
    checkpoints: {
      run: Int32Array.from(cpRun),
      step: Float64Array.from(cpStep),
      tokens: Float64Array.from(cpTokens),
      flops: Float64Array.from(cpFlops),
    },
    observations: {
      checkpoint: Int32Array.from(obsCp),
      metric: Int32Array.from(obsMetric),
      value: Float64Array.from(obsValue),
    },
    metrics,
    metricKinds,
    provenance: options.provenance ?? { files: [] },
    warnings: warnings.list,
  };

  // --- helpers closing over the mapping ---

  function newRunState(id: string, row: string[], line: number): RunState {
    const st: RunState = {
      run: { id, params: NaN },
      index: -1,
      line,
      missing: "",
      runsRow: -1,
      params: NaN,
      paramsRaw: "",
      paramsLine: line,
      tokens: NaN,
      flops: NaN,
      rawFields: new Array(fieldSpecs.length),
      rawLines: new Array(fieldSpecs.length).fill(0),
      byStep: new Map(),
      byTokens: new Map(),
    };
    const needsRuns = paramsSource.inRuns || fieldSpecs.some((f) => f.source.inRuns) ||
      !!tokensSource?.inRuns || !!flopsSource?.inRuns;
    if (!needsRuns) return st;
    const rr = runsRowOf(row);
    st.runsRow = rr;
    if (rr < 0) {
      if (paramsSource.inRuns || tokensSource?.inRuns || (!tokensSource && flopsSource?.inRuns)) {
        st.missing = "no-runs-row";
      } else unmatchedOptional++;
      return st;
    }
    const rt = runsTable!;
    if (paramsSource.inRuns) {
      const c = paramsSource.cols[0];
      const v = readNumber(rt, rr, c, paramsExpected);
      if (Number.isNaN(v)) st.missing = "params";
      else if (!(v > 0)) throw notPositive(rt, rr, c, paramsExpected);
      else {
        st.params = v * paramsScale;
        st.run.params = st.params;
      }
    }
    if (tokensSource?.inRuns) {
      st.tokens = readNumber(rt, rr, tokensSource.cols[0], tokensExpected) * tokensScale;
    }
    if (flopsSource?.inRuns) {
      const c = flopsSource.cols[0];
      st.flops = readNumber(rt, rr, c, "a number of FLOPs ≥ 0") * flopsScale;
      if (st.flops < 0) throw notPositive(rt, rr, c, "a number of FLOPs ≥ 0");
    }
    for (const spec of fieldSpecs) {
      if (spec.source.inRuns) setField(st.run, spec, keyOf(rt.rows[rr], spec.source.cols), rt, rr);
    }
    return st;
  }

  function setField(run: Run, spec: FieldSpec, raw: string, t: RawTable, r: number): void {
    if (isBlank(raw)) return;
    switch (spec.kind) {
      case "family":
        run.family = raw;
        break;
      case "seed":
        run.seed = raw;
        break;
      case "dataset":
        run.dataset = raw;
        break;
      case "paramsNonEmbedding": {
        const c = spec.source.cols[0];
        const v = readNumber(t, r, c, "a positive number of parameters");
        if (!(v > 0)) throw notPositive(t, r, c, "a positive number of parameters");
        run.paramsNonEmbedding = v * pneScale;
        break;
      }
      case "field": {
        run.fields ??= {};
        run.fields[spec.key] = numberOrText(raw);
        break;
      }
    }
  }

  function sameFieldValue(spec: FieldSpec, a: string, b: string): boolean {
    if (spec.kind === "paramsNonEmbedding" || spec.kind === "field") {
      if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
      const x = numberOrText(a);
      const y = numberOrText(b);
      return x === y;
    }
    return false;
  }
}

const paramsExpected = "a positive number of parameters";
const tokensExpected = "a positive number of tokens";

/**
 * Write a ladder in the toolkit's long CSV format (see {@link CANONICAL_MAPPING}): one line per
 * observation, LF line ends, numbers in shortest round-trip form, empty cells for missing
 * values. Reading it back with `buildLadder(parseCsv(text), CANONICAL_MAPPING)` gives the same
 * runs, checkpoints, metrics and observations (bit-identical values) for any ladder built by
 * {@link buildLadder}; `Run.fields`, `metricKinds`, provenance and warnings are not written.
 *
 * @param ladder The ladder.
 * @returns CSV text with a header line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildLadder, CANONICAL_MAPPING, ladderToCsv } from "./mapping.ts";
 * import { parseCsv } from "./parse.ts";
 * import { makeLadder } from "./schema.ts";
 * const ladder = makeLadder({
 *   runs: [{ id: "a", params: 1e8, family: "x" }],
 *   checkpoints: [{ run: 0, step: NaN, tokens: 2e9, flops: NaN }],
 *   observations: [{ checkpoint: 0, metric: "loss", value: 0.1 + 0.2 }],
 * });
 * const csv = ladderToCsv(ladder);
 * assert.equal(csv.split("\n")[1], "a,x,,100000000,,,,2000000000,,loss,0.30000000000000004");
 * const back = buildLadder(parseCsv(csv), CANONICAL_MAPPING);
 * assert.equal(back.observations.value[0], 0.1 + 0.2);
 * ```
 */
export function ladderToCsv(ladder: Ladder): string {
  const out: string[] = [CANONICAL_COLUMNS.join(",")];
  const runCells = ladder.runs.map((r) =>
    [
      csvCell(r.id),
      csvCell(r.family ?? ""),
      csvCell(r.seed ?? ""),
      num(r.params),
      r.paramsNonEmbedding === undefined ? "" : num(r.paramsNonEmbedding),
      csvCell(r.dataset ?? ""),
    ].join(",")
  );
  const metricCells = ladder.metrics.map(csvCell);
  const { checkpoint, metric, value } = ladder.observations;
  const cp = ladder.checkpoints;
  for (let i = 0; i < checkpoint.length; i++) {
    const c = checkpoint[i];
    out.push(
      runCells[cp.run[c]] + "," + num(cp.step[c]) + "," + num(cp.tokens[c]) + "," +
        num(cp.flops[c]) + "," + metricCells[metric[i]] + "," + num(value[i]),
    );
  }
  return out.join("\n") + "\n";
}

function num(x: number): string {
  if (Number.isNaN(x)) return "";
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

function csvCell(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return '"' + s.replaceAll('"', '""') + '"';
  }
  return s;
}

// --- pure helpers ---

function asList(names: string | string[]): string[] {
  return Array.isArray(names) ? names : [names];
}

function joined(list: string[]): string {
  return list.join("/");
}

function keyOf(row: string[], cols: number[]): string {
  if (cols.length === 1) return row[cols[0]];
  let key = row[cols[0]];
  for (let j = 1; j < cols.length; j++) key += "/" + row[cols[j]];
  return key;
}

function sameCells(a: string[], b: string[], cols: number[]): boolean {
  for (const c of cols) if (a[c] !== b[c]) return false;
  return true;
}

function isBlank(s: string): boolean {
  return s === "" || s.trim() === "";
}

function isBlankKey(row: string[], cols: number[]): boolean {
  for (const c of cols) if (!isBlank(row[c])) return false;
  return true;
}

function columnIndex(table: RawTable): Map<string, number> {
  const m = new Map<string, number>();
  table.columns.forEach((name, c) => {
    if (!m.has(name)) m.set(name, c);
  });
  return m;
}

function numberOrText(raw: string): string | number {
  const x = Number(raw);
  return Number.isFinite(x) && !isBlank(raw) && !isRadixLiteral(raw) ? x : raw;
}

function isRadixLiteral(s: string): boolean {
  const t = s.trimStart();
  let k = t.charCodeAt(0) === 43 || t.charCodeAt(0) === 45 ? 1 : 0;
  if (t.charCodeAt(k) !== 48) return false;
  k++;
  const c = t.charCodeAt(k) | 32;
  return c === 120 || c === 98 || c === 111; // x, b, o
}

/**
 * Read a number cell: NaN for an empty cell, the value for finite numeric text, and a
 * DataError for anything else (including "NaN", "inf", "Infinity").
 */
function readNumber(t: RawTable, r: number, c: number, expected: string): number {
  const s = t.rows[r][c];
  if (s === "") return NaN;
  const x = Number(s);
  if (Number.isFinite(x)) {
    if (x === 0 && isBlank(s)) return NaN;
    if (!isRadixLiteral(s)) return x;
  }
  const nonFinite = !Number.isNaN(x) || /^\s*[+-]?(nan|inf|infinity)\s*$/i.test(s);
  throw new DataError(nonFinite ? "is not finite" : "is not a number", {
    file: t.file,
    line: t.lines[r],
    column: t.columns[c],
    columnIndex: c + 1,
    value: s,
    expected: nonFinite ? `${expected} (finite; leave the cell empty if missing)` : expected,
  });
}

function notPositive(t: RawTable, r: number, c: number, expected: string): DataError {
  const v = Number(t.rows[r][c]);
  return new DataError(v === 0 ? "is zero" : "is negative", {
    file: t.file,
    line: t.lines[r],
    column: t.columns[c],
    columnIndex: c + 1,
    value: t.rows[r][c],
    expected,
  });
}

function missingError(t: RawTable, line: number, c: number, expected: string): DataError {
  return new DataError("is empty", {
    file: t.file,
    line,
    column: t.columns[c],
    columnIndex: c + 1,
    value: "",
    expected: `${expected} (or add "missing" to drop to skip such rows)`,
  });
}

function inconsistent(
  t: RawTable,
  r: number,
  c: number,
  before: string,
  beforeLine: number,
  run: string,
): DataError {
  return new DataError(`but line ${beforeLine} of run ${quote(run)} has ${quote(before)}`, {
    file: t.file,
    line: t.lines[r],
    column: t.columns[c],
    columnIndex: c + 1,
    value: t.rows[r][c],
    expected: "the same value on every row of a run",
  });
}

function mustFind(
  table: RawTable,
  index: Map<string, number>,
  name: string,
  role: string,
  runs: RawTable | undefined,
): number {
  const c = index.get(name);
  if (c !== undefined) return c;
  if (runs && runs.columns.includes(name)) return -1;
  const candidates = runs ? [...table.columns, ...runs.columns] : table.columns;
  const suggestion = closest(name, candidates);
  const where = runs
    ? `one of the table's columns ${listColumns(table.columns)} or the runs table's ${
      listColumns(runs.columns)
    }`
    : `one of ${listColumns(table.columns)}`;
  throw new DataError(`does not exist (mapping.${role})`, {
    file: table.file,
    line: 1,
    column: name,
    expected: where + (suggestion ? ` — did you mean ${quote(suggestion)}?` : ""),
  });
}

function listColumns(columns: string[]): string {
  const shown = columns.slice(0, 30).map((c) => quote(c)).join(", ");
  return columns.length > 30 ? `${shown} and ${columns.length - 30} more` : shown;
}

function sampleValues(source: Source): string {
  const seen = new Set<string>();
  for (const row of source.table.rows) {
    seen.add(keyOf(row, source.cols));
    if (seen.size > 10) break;
  }
  const list = [...seen].slice(0, 10).map((v) => quote(v)).join(", ");
  return seen.size > 10 ? list + ", …" : list;
}

/** The candidate with the smallest case-insensitive edit distance to `name`. */
function closest(name: string, candidates: string[]): string | undefined {
  return nearestName(name, candidates)?.name;
}

/**
 * Whether `name` matches a glob where `*` stands for any run of characters (no other special
 * characters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globMatch } from "./mapping.ts";
 * assert.ok(globMatch("eval/*_acc", "eval/arc_easy_acc"));
 * assert.ok(!globMatch("eval/*_acc", "eval/arc_easy_loss"));
 * ```
 */
export function globMatch(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === name;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (name.length < first.length + last.length) return false;
  if (!name.startsWith(first) || !name.endsWith(last)) return false;
  let pos = first.length;
  const end = name.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const p = parts[k];
    const at = name.indexOf(p, pos);
    if (at < 0 || at + p.length > end) return false;
    pos = at + p.length;
  }
  return true;
}
