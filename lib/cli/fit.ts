/**
 * `deno task fit`: fit a scaling law to a table from the command line.
 *
 * ```
 * deno task fit <data.csv> --law <name|expression> --y <column or glob> [--y ...]
 *   [--x <input>=<column or expression> ...] [--param <name>=<start>[:<min>:<max>] ...]
 *   [--fix <name>=<value> ...]
 *   [--loss huber:<delta>|huber|squared|absolute] [--space log|linear]
 *   [--starts grid|default|<n>] [--drop-highest <k>] [--bootstrap <n>] [--group <column>]
 *   [--seed <s>] [--predict <points.csv>] [--json]
 * ```
 *
 * Law inputs map to columns of the same name, else to the canonical columns (N ← params,
 * D ← tokens, C ← flops, U ← unique_tokens); `--x` overrides, and its value may be an
 * expression over columns (`--x N=params-vocab*width`, `--x U=tokens/epochs`). The `--x` input
 * names also shape laws whose inputs depend on the data: `data-mixing` has one input per mapped
 * domain proportion `r1 … rM` (without `--x`, one per column named r1, r2, …). `--fix k=1`
 * holds a parameter at a value (`q_min` of `direct`, `k` of `data-mixing` when the proportions
 * sum to 1). `--drop-highest k` drops the rows with
 * the k highest targets (keeps y below the k-th largest, as Epoch AI's Chinchilla refit does).
 * `--bootstrap n` adds percentile intervals from n resamples (whole groups with `--group`).
 *
 * Several outputs: `--y` may be given several times, and each value may be a glob (`*` matches
 * any characters, `/` included: `--y 'ce_loss/*'`). The same law is then fitted to each
 * matched column separately (one law per target domain for `data-mixing`), in column order.
 *
 * With `--json`, stdout is exactly one JSON object
 * `{"law", "params", "objective", "converged", "n", "r2", "seconds"}`, plus `"ci"` after
 * `--bootstrap` and `"predictions"` (in the row order of the `--predict` file) after `--predict`.
 * With several `--y` or a glob, it is `{"law", "outputs": {<column>: <that object>, ...},
 * "seconds"}`. Otherwise a readable report (one per output). Progress goes to stderr. Bad input
 * prints one line on stderr and exits with code 2, with nothing on stdout.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadTable } from "../data/load.ts";
import type { RawTable } from "../data/schema.ts";
import { compileDerived } from "../laws/expression.ts";
import { DEFAULT_INPUTS, getLaw, listLaws } from "../laws/registry.ts";
import type { Law } from "../laws/types.ts";
import { fit } from "../fit/fit.ts";
import { bootstrap, type BootstrapResult } from "../fit/bootstrap.ts";
import type { FitData, FitOptions, FitResult, ParamOptions, StartsOption } from "../fit/types.ts";
import { DataError, InputError, quote } from "../util/errors.ts";

/** Canonical column of each conventional law input. */
export const CANONICAL_COLUMNS: Readonly<Record<string, string>> = {
  N: "params",
  D: "tokens",
  C: "flops",
  U: "unique_tokens",
};

const USAGE = "deno task fit <data.csv> --law <name|expression> --y <column or glob> [--y ...] " +
  "[--x <input>=<column or expression>] [--param <name>=<start>[:<min>:<max>]] " +
  "[--fix <name>=<value>] [--loss huber:<delta>|squared|absolute] " +
  "[--space log|linear] [--starts grid|default|<n>] [--drop-highest <k>] [--bootstrap <n>] " +
  "[--group <column>] [--seed <s>] [--predict <points.csv>] [--json]";

/** Full help of `--help`: the usage and what each option does. */
export const FIT_HELP = `Usage: ${USAGE}

Fit a scaling law to a table (CSV, TSV, JSON or JSONL) and print the parameters.

  --law NAME|EXPR     a registered law (list: deno task laws) or an expression such as
                      "E + A/N^alpha + B/D^beta"
  --y COLUMN|GLOB     the target column; repeat it, or use a glob ('ce_loss/*', '*' matches any
                      characters), to fit the same law to each output column separately
                      (data-mixing: one law per target domain); the report then has one
                      section per output and --json prints {"law", "outputs": {column: {...}}}
  --x INPUT=COLUMN    map a law input to a column or an expression over columns
                      (--x Nv=vocab_size*embed_dim, --x U=tokens/epochs); default: the column
                      named like the input, else params (N), tokens (D), flops (C),
                      unique_tokens (U); data-mixing takes one input per mapped r1 ... rM
  --param P=S[:LO:HI] start value and bounds of a parameter
  --fix P=VALUE       hold a parameter at a value (data-mixing k=1 when proportions sum to 1)
  --loss L            huber:<delta> (default huber:0.001), huber, squared or absolute
  --space S           log (default; residuals of log y, y > 0) or linear
  --starts S          default, grid (the law's full start grid) or a number of random starts
  --drop-highest K    drop the rows with the K largest targets
  --bootstrap N       percentile intervals from N resamples (whole groups with --group COLUMN)
  --seed S            seed of starts and resamples (default 0)
  --predict FILE      predict at the rows of FILE (same input columns)
  --json              one JSON object on stdout:
                      {"law", "params", "objective", "converged", "n", "r2", "seconds"}

Example: deno task fit runs.csv --law chinchilla --y loss --x N=params --x D=tokens --json`;

/** `--help` was given: print {@link FIT_HELP} on stdout and exit 0. */
class HelpRequest extends Error {}

/** A problem with the command line or its inputs: printed as one line, exit code 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parsed command line. */
export interface FitCommand {
  data: string;
  law: string;
  /** The first `--y`. */
  y: string;
  /** Every `--y`, in order: column names or globs (`*` matches any characters). */
  outputs: string[];
  x: Record<string, string>;
  params: Record<string, ParamOptions>;
  loss: "huber" | "squared" | "absolute";
  huberDelta?: number;
  space: "log" | "linear";
  starts: StartsOption;
  dropHighest: number;
  bootstrap: number;
  group?: string;
  seed: number;
  predict?: string;
  json: boolean;
}

function parseNumber(flag: string, text: string, what = "a number"): number {
  const v = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(v)) {
    throw new UsageError(`Cannot use ${flag} ${quote(text)}: not a number; expected ${what}`);
  }
  return v;
}

function parseCount(flag: string, text: string, min: number): number {
  const v = parseNumber(flag, text, `an integer >= ${min}`);
  if (!Number.isInteger(v) || v < min) {
    throw new UsageError(`Cannot use ${flag} ${text}: expected an integer >= ${min}`);
  }
  return v;
}

function splitAssignment(flag: string, text: string, form: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`Cannot use ${flag} ${quote(text)}: expected ${form}`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/**
 * Parse the command line (no file access).
 *
 * @param args Command-line arguments.
 * @returns The parsed command.
 * @throws {Error} A one-line message for any invalid flag or value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFitCommand } from "./fit.ts";
 * const cmd = parseFitCommand([
 *   "runs.csv", "--law", "chinchilla", "--y", "loss", "--param", "alpha=0.3:0:1", "--json",
 * ]);
 * assert.deepEqual(cmd.params.alpha, { start: 0.3, min: 0, max: 1 });
 * assert.equal(cmd.loss, "huber");
 * assert.throws(() => parseFitCommand(["runs.csv", "--law", "chinchilla", "--y", "loss",
 *   "--param", "alpha=0.3:1:0"]), /min 1 is not below max 0/);
 * ```
 */
export function parseFitCommand(args: string[]): FitCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        law: { type: "string" },
        y: { type: "string", multiple: true },
        x: { type: "string", multiple: true },
        param: { type: "string", multiple: true },
        fix: { type: "string", multiple: true },
        loss: { type: "string" },
        space: { type: "string" },
        starts: { type: "string" },
        "drop-highest": { type: "string" },
        bootstrap: { type: "string" },
        group: { type: "string" },
        seed: { type: "string" },
        predict: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new UsageError(`Cannot parse the command line: ${msg}; usage: ${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequest(FIT_HELP);
  if (positionals.length !== 1) {
    throw new UsageError(
      `Cannot parse the command line: ${positionals.length} data files given; expected one; usage: ${USAGE}`,
    );
  }
  if (values.law === undefined || values.law.trim() === "") {
    throw new UsageError(`Cannot fit: --law is missing; expected a law name or an expression`);
  }
  const outputs = values.y ?? [];
  if (outputs.length === 0 || outputs.some((y) => y.trim() === "")) {
    throw new UsageError(
      `Cannot fit: --y is ${outputs.length === 0 ? "missing" : "empty"}; expected the target ` +
        `column (or a glob such as 'loss/*')`,
    );
  }
  if (new Set(outputs).size !== outputs.length) {
    throw new UsageError(`Cannot use --y: a column is given twice; expected each --y once`);
  }
  const x: Record<string, string> = {};
  for (const item of values.x ?? []) {
    const [name, column] = splitAssignment("--x", item, "<input>=<column or expression>");
    if (column === "") {
      throw new UsageError(
        `Cannot use --x ${quote(item)}: the column is empty; expected <input>=<column>`,
      );
    }
    if (name in x) {
      throw new UsageError(`Cannot use --x ${quote(item)}: input ${quote(name)} is mapped twice`);
    }
    x[name] = column;
  }
  const params: Record<string, ParamOptions> = {};
  for (const item of values.param ?? []) {
    const form = "<name>=<start>[:<min>:<max>]";
    const [name, spec] = splitAssignment("--param", item, form);
    const parts = spec.split(":");
    if (parts.length !== 1 && parts.length !== 3) {
      throw new UsageError(`Cannot use --param ${quote(item)}: expected ${form}`);
    }
    const opt: ParamOptions = {};
    const flag = `--param ${name}`;
    if (parts[0].trim() !== "") opt.start = parseNumber(flag, parts[0], "a start value");
    if (parts.length === 3) {
      if (parts[1].trim() !== "") opt.min = parseNumber(flag, parts[1], "a lower bound");
      if (parts[2].trim() !== "") opt.max = parseNumber(flag, parts[2], "an upper bound");
      if (opt.min !== undefined && opt.max !== undefined && !(opt.min < opt.max)) {
        throw new UsageError(
          `Cannot use --param ${
            quote(item)
          }: min ${opt.min} is not below max ${opt.max}; expected min < max`,
        );
      }
    }
    if (opt.start === undefined && opt.min === undefined && opt.max === undefined) {
      throw new UsageError(`Cannot use --param ${quote(item)}: nothing given; expected ${form}`);
    }
    if (name in params) {
      throw new UsageError(`Cannot use --param ${quote(item)}: ${quote(name)} is set twice`);
    }
    params[name] = opt;
  }
  for (const item of values.fix ?? []) {
    const [name, text] = splitAssignment("--fix", item, "<name>=<value>");
    if (name in params) {
      throw new UsageError(
        `Cannot use --fix ${quote(item)}: ${quote(name)} is also set by --param or --fix; ` +
          `expected one setting per parameter`,
      );
    }
    params[name] = { fixed: parseNumber(`--fix ${name}`, text, "a value") };
  }
  let loss: FitCommand["loss"] = "huber";
  let huberDelta: number | undefined;
  if (values.loss !== undefined) {
    const m = /^(huber|squared|absolute)(?::(.*))?$/.exec(values.loss);
    if (!m || (m[1] !== "huber" && m[2] !== undefined)) {
      throw new UsageError(
        `Cannot use --loss ${
          quote(values.loss)
        }: expected huber:<delta>, huber, squared or absolute`,
      );
    }
    loss = m[1] as FitCommand["loss"];
    if (m[2] !== undefined) {
      huberDelta = m[2].trim() === "" ? NaN : Number(m[2]);
      if (!(huberDelta > 0) || !Number.isFinite(huberDelta)) {
        throw new UsageError(
          `Cannot use --loss ${
            quote(values.loss)
          }: delta is not a positive number; expected huber:<delta>`,
        );
      }
    }
  }
  const space = values.space ?? "log";
  if (space !== "log" && space !== "linear") {
    throw new UsageError(`Cannot use --space ${quote(space)}: expected log or linear`);
  }
  let starts: StartsOption = "default";
  if (values.starts !== undefined) {
    if (values.starts === "grid" || values.starts === "default") starts = values.starts;
    else if (/^\d+$/.test(values.starts)) starts = parseCount("--starts", values.starts, 1);
    else {
      throw new UsageError(
        `Cannot use --starts ${quote(values.starts)}: expected grid, default or a positive integer`,
      );
    }
  }
  return {
    data: positionals[0],
    law: values.law,
    y: outputs[0],
    outputs,
    x,
    params,
    loss,
    ...(huberDelta !== undefined ? { huberDelta } : {}),
    space,
    starts,
    dropHighest: values["drop-highest"] === undefined
      ? 0
      : parseCount("--drop-highest", values["drop-highest"], 0),
    bootstrap: values.bootstrap === undefined ? 0 : parseCount("--bootstrap", values.bootstrap, 0),
    ...(values.group !== undefined ? { group: values.group } : {}),
    seed: values.seed === undefined ? 0 : parseCount("--seed", values.seed, 0),
    ...(values.predict !== undefined ? { predict: values.predict } : {}),
    json: values.json ?? false,
  };
}

/** Names used in an expression, excluding function names (`log(`) and numbers. */
function expressionNames(text: string): string[] {
  const names: string[] = [];
  const re = /`([^`]*)`|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g;
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? (m[5] === undefined ? m[4] : undefined);
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

const DOMAIN_INPUT = /^r[1-9][0-9]*$/;

/**
 * Input names that shape a registered law: the `--x` names; for `data-mixing` without a mapped
 * domain proportion, the columns named r1, r2, ... of the table.
 */
function registryInputs(cmd: FitCommand, columns: readonly string[]): string[] | undefined {
  const names = Object.keys(cmd.x);
  if (cmd.law.trim().toLowerCase() === "data-mixing" && !names.some((n) => DOMAIN_INPUT.test(n))) {
    names.push(...columns.filter((c) => DOMAIN_INPUT.test(c)));
  }
  return names.length > 0 ? names : undefined;
}

/** Resolve the law: registry name, or expression with the mapped and conventional inputs. */
function resolveLaw(cmd: FitCommand, columns: readonly string[]): Law {
  const text = cmd.law.trim();
  const registered = text.toLowerCase() === "data-mixing" ||
    listLaws().some((l) => l.name.toLowerCase() === text.toLowerCase());
  let law: Law;
  if (registered) {
    const inputs = registryInputs(cmd, columns);
    law = inputs ? getLaw(text, { inputs }) : getLaw(text);
  } else {
    const names = expressionNames(text);
    const inputs = names.filter((n) => DEFAULT_INPUTS.includes(n) || n in cmd.x);
    law = inputs.length > 0 ? getLaw(text, { inputs }) : getLaw(text);
  }
  const inputNames = law.inputs.map((s) => s.name);
  for (const name of Object.keys(cmd.x)) {
    if (!inputNames.includes(name)) {
      throw new UsageError(
        `Cannot use --x ${name}=${cmd.x[name]}: ${quote(name)} is not an input of law ${
          quote(law.name)
        }; expected one of ${inputNames.map((s) => quote(s)).join(", ")}`,
      );
    }
  }
  const paramNames = law.params.map((p) => p.name);
  for (const name of Object.keys(cmd.params)) {
    if (!paramNames.includes(name)) {
      const hint = inputNames.includes(name) ? " (it is an input)" : "";
      throw new UsageError(
        `Cannot use --param ${name}: ${quote(name)} is not a parameter of law ${
          quote(law.name)
        }${hint}; expected one of ${paramNames.map((s) => quote(s)).join(", ")}`,
      );
    }
  }
  return law;
}

/** Parse one column of a table as finite numbers. */
function numericColumn(table: RawTable, column: string): Float64Array {
  const c = table.columns.indexOf(column);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const cell = table.rows[r][c];
    const v = cell.trim() === "" ? NaN : Number(cell);
    if (!Number.isFinite(v)) {
      throw new DataError("is not a number", {
        file: table.file,
        line: table.lines[r],
        column,
        columnIndex: c + 1,
        value: cell,
        expected: "a finite number",
      });
    }
    out[r] = v;
  }
  return out;
}

function tableName(table: RawTable): string {
  return table.file ? quote(table.file) : "the table";
}

/** Input columns of the law read from a table (by --x, same name, or canonical column). */
function inputColumns(law: Law, table: RawTable, cmd: FitCommand): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const cache = new Map<string, Float64Array>();
  const column = (name: string) => {
    let v = cache.get(name);
    if (!v) cache.set(name, v = numericColumn(table, name));
    return v;
  };
  for (const spec of law.inputs) {
    const mapped = cmd.x[spec.name];
    if (mapped !== undefined) {
      if (table.columns.includes(mapped)) out[spec.name] = column(mapped);
      else {
        let derived;
        try {
          derived = compileDerived(mapped, table.columns);
        } catch (err) {
          if (err instanceof InputError) {
            throw new UsageError(
              `Cannot use --x ${spec.name}=${mapped} with ${tableName(table)}: ${err.message}`,
            );
          }
          throw err;
        }
        const values: Record<string, Float64Array> = {};
        for (const c of derived.columns) values[c] = column(c);
        out[spec.name] = derived.evaluate(values);
      }
      continue;
    }
    const canonical = CANONICAL_COLUMNS[spec.name];
    const source = table.columns.includes(spec.name)
      ? spec.name
      : canonical !== undefined && table.columns.includes(canonical)
      ? canonical
      : undefined;
    if (source === undefined) {
      const expected = canonical
        ? `a column ${quote(spec.name)} or ${quote(canonical)}`
        : `a column ${quote(spec.name)}`;
      throw new UsageError(
        `Cannot load ${tableName(table)}: no column for input ${quote(spec.name)} of law ${
          quote(law.name)
        }; expected ${expected}, or --x ${spec.name}=<column>`,
      );
    }
    out[spec.name] = column(source);
  }
  return out;
}

/** Whether any `--y` is a glob (the JSON output is then keyed by column). */
function hasGlob(outputs: readonly string[]): boolean {
  return outputs.some((y) => y.includes("*"));
}

/** Whether `text` matches `pattern`, in which `*` matches any characters (`/` included). */
function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  const first = parts[0], last = parts[parts.length - 1];
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The output columns: every `--y` in order, globs expanded in table column order, each column
 * once.
 */
function outputColumns(cmd: FitCommand, table: RawTable): string[] {
  const out: string[] = [];
  for (const y of cmd.outputs) {
    const matched = y.includes("*")
      ? table.columns.filter((c) => globMatch(y, c))
      : table.columns.includes(y)
      ? [y]
      : [];
    if (matched.length === 0) {
      throw new UsageError(
        `Cannot use --y ${quote(y)}: ${tableName(table)} has no ${
          y.includes("*") ? "column matching it" : "such column"
        }; expected one of ${table.columns.map((c) => quote(c)).join(", ")}`,
      );
    }
    for (const c of matched) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** Build the fit data of one output column from the main table. */
function fitData(law: Law, table: RawTable, cmd: FitCommand, yColumn: string): FitData {
  if (cmd.group !== undefined && !table.columns.includes(cmd.group)) {
    throw new UsageError(
      `Cannot use --group ${quote(cmd.group)}: ${
        tableName(table)
      } has no such column; expected one of ${table.columns.map((c) => quote(c)).join(", ")}`,
    );
  }
  const inputs = inputColumns(law, table, cmd);
  const y = numericColumn(table, yColumn);
  let keep = Array.from(y, (_, i) => i);
  if (cmd.dropHighest > 0) {
    if (cmd.dropHighest >= y.length) {
      throw new UsageError(
        `Cannot use --drop-highest ${cmd.dropHighest}: ${
          tableName(table)
        } has ${y.length} rows; expected fewer to drop`,
      );
    }
    const threshold = Float64Array.from(y).sort().reverse()[cmd.dropHighest - 1];
    keep = keep.filter((i) => y[i] < threshold);
  }
  const pick = (col: Float64Array) => Float64Array.from(keep, (i) => col[i]);
  const data: FitData = {
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, pick(v)])),
    y: pick(y),
  };
  if (cmd.group !== undefined) {
    const c = table.columns.indexOf(cmd.group);
    const ids = new Map<string, number>();
    data.groups = Int32Array.from(keep, (i) => {
      const key = table.rows[i][c];
      let id = ids.get(key);
      if (id === undefined) ids.set(key, id = ids.size);
      return id;
    });
  }
  return data;
}

/** Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise. */
function progressReporter(
  label: string,
): { update: (done: number, total: number) => void; end: () => void } {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  const t0 = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (tty) {
        if (now - last < 100 && done < total) return;
        last = now;
        const width = 30, filled = Math.round((width * done) / total);
        const bar = "#".repeat(filled) + "-".repeat(width - filled);
        const secs = ((now - t0) / 1000).toFixed(1);
        Deno.stderr.writeSync(enc.encode(`\r${label} [${bar}] ${done}/${total} ${secs}s`));
        drawn = true;
      } else if (now - last >= 5000 && done < total) {
        last = now;
        Deno.stderr.writeSync(enc.encode(`${label}: ${done}/${total}\n`));
      }
    },
    end() {
      if (tty && drawn) Deno.stderr.writeSync(enc.encode("\r\x1b[2K"));
    },
  };
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-3 ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join(
    "\n",
  );
}

function report(
  law: Law,
  result: FitResult,
  boot: BootstrapResult | undefined,
  predictions: { inputs: Record<string, Float64Array>; values: number[] } | undefined,
): string {
  const lines: string[] = [];
  lines.push(`Law: ${law.name}`);
  lines.push(`Formula: ${law.formula}`);
  lines.push("");
  const head = ["parameter", "value", "stderr"];
  if (boot) head.push(`${Math.round(boot.level * 100)}% CI (bootstrap)`);
  head.push("note");
  const rows = [head];
  for (const p of law.params) {
    const r = result.params[p.name];
    const row = [p.name, fmt(r.value), fmt(r.stderr)];
    if (boot) {
      const ci = boot.intervals[p.name];
      row.push(r.fixed ? "-" : `[${fmt(ci[0])}, ${fmt(ci[1])}]`);
    }
    row.push(r.fixed ? "fixed" : r.tiedTo ? `tied to ${r.tiedTo}` : r.atBound ? "at bound" : "");
    rows.push(row);
  }
  lines.push(table(rows));
  lines.push("");
  const d = result.diagnostics;
  lines.push(`Points: ${result.n}   free parameters: ${result.nFree}   starts: ${result.starts}`);
  lines.push(
    `Objective: ${result.objective.toPrecision(10)}   R²: ${
      fmt(result.r2)
    }   status: ${result.status}`,
  );
  lines.push(
    `Distinct local optima: ${d.localOptima.length}   condition number: ${fmt(d.conditionNumber)}`,
  );
  if (boot) {
    lines.push(
      `Bootstrap: ${boot.resamples} resamples by ${boot.by}, seed ${boot.seed}, ${boot.failed} failed refits`,
    );
  }
  lines.push(
    `Time: fit ${result.seconds.toFixed(2)} s` +
      (boot ? `, bootstrap ${boot.seconds.toFixed(2)} s` : ""),
  );
  if (predictions) {
    lines.push("");
    const names = law.inputs.map((s) => s.name);
    const band = boot?.predict(predictions.inputs);
    const prow = [[...names, "prediction", ...(band ? ["low", "high"] : [])]];
    predictions.values.forEach((v, i) => {
      prow.push([
        ...names.map((n) => fmt(predictions.inputs[n][i])),
        fmt(v),
        ...(band ? [fmt(band.low[i]), fmt(band.high[i])] : []),
      ]);
    });
    lines.push(table(prow));
  }
  const warnings = [...d.warnings];
  if (boot && boot.failed > 0) {
    warnings.push(
      `${boot.failed} of ${boot.resamples} bootstrap refits did not converge; they are left out.`,
    );
  }
  if (warnings.length > 0) {
    lines.push("");
    lines.push("Warnings:");
    for (const w of warnings) lines.push(`- ${w}`);
  }
  return lines.join("\n");
}

/** Fit, bootstrap and predict one output column; its JSON object and its text report. */
async function fitOutput(
  law: Law,
  main: RawTable,
  cmd: FitCommand,
  column: string,
  predictInputs: Record<string, Float64Array> | undefined,
  labelled: boolean,
): Promise<{ json: Record<string, unknown>; text: string }> {
  const t0 = performance.now();
  const data = fitData(law, main, cmd, column);
  const options: FitOptions = {
    loss: cmd.loss,
    space: cmd.space,
    starts: cmd.starts,
    seed: cmd.seed,
    params: cmd.params,
    ...(cmd.huberDelta !== undefined ? { huberDelta: cmd.huberDelta } : {}),
  };
  const suffix = labelled ? ` ${column}` : "";
  const long = cmd.starts === "grid" || (typeof cmd.starts === "number" && cmd.starts >= 64);
  const fitProgress = long ? progressReporter(`fit${suffix}`) : undefined;
  let result: FitResult;
  try {
    result = await fit(law, data, { ...options, onProgress: fitProgress?.update });
  } finally {
    fitProgress?.end();
  }
  let boot: BootstrapResult | undefined;
  if (cmd.bootstrap > 0) {
    const bar = progressReporter(`bootstrap${suffix}`);
    const { seed: _seed, starts: _starts, ...refit } = options;
    try {
      boot = await bootstrap(law, data, {
        resamples: cmd.bootstrap,
        seed: cmd.seed,
        by: cmd.group !== undefined ? "group" : "point",
        fit: refit,
        estimate: result,
        onProgress: bar.update,
      });
    } finally {
      bar.end();
    }
  }
  let predictions: number[] | undefined;
  if (predictInputs) {
    const m = Object.values(predictInputs)[0]?.length ?? 0;
    const out = new Float64Array(m);
    const p = Float64Array.from(law.params, (s) => result.params[s.name].value);
    law.predict(law.inputs.map((s) => predictInputs[s.name]), p, out);
    predictions = Array.from(out);
  }
  const json: Record<string, unknown> = {
    law: law.name,
    params: Object.fromEntries(law.params.map((s) => [s.name, result.params[s.name].value])),
    objective: result.objective,
    converged: result.converged,
    n: result.n,
    r2: result.r2,
    seconds: (performance.now() - t0) / 1000,
  };
  if (boot) json.ci = boot.intervals;
  if (predictions) json.predictions = predictions;
  const text = report(
    law,
    result,
    boot,
    predictions && { inputs: predictInputs!, values: predictions },
  );
  return { json, text };
}

/**
 * Run the command. Returns the exit code (0 success, 2 bad input, 1 unexpected failure).
 *
 * @param args Command-line arguments.
 */
export async function runFitCommand(args: string[]): Promise<number> {
  const t0 = performance.now();
  try {
    const cmd = parseFitCommand(args);
    const main = await readTable(cmd.data);
    const law = resolveLaw(cmd, main.columns);
    const columns = outputColumns(cmd, main);
    let predictInputs: Record<string, Float64Array> | undefined;
    if (cmd.predict !== undefined) {
      predictInputs = inputColumns(law, await readTable(cmd.predict), cmd);
    }
    const several = cmd.outputs.length > 1 || hasGlob(cmd.outputs);
    const results: Record<string, Record<string, unknown>> = {};
    const reports: string[] = [];
    for (const column of columns) {
      const out = await fitOutput(law, main, cmd, column, predictInputs, several);
      results[column] = out.json;
      reports.push(several ? `== Output: ${column}\n\n${out.text}` : out.text);
    }
    const seconds = (performance.now() - t0) / 1000;
    if (cmd.json) {
      const json = several
        ? { law: law.name, outputs: results, seconds }
        : { ...results[columns[0]], seconds };
      console.log(JSON.stringify(json));
    } else {
      console.log(reports.join("\n\n"));
    }
    return 0;
  } catch (err) {
    if (err instanceof HelpRequest) {
      console.log(err.message);
      return 0;
    }
    if (
      err instanceof UsageError || err instanceof InputError || err instanceof DataError ||
      err instanceof RangeError || err instanceof TypeError
    ) {
      console.error(err.message.split("\n")[0]);
      return 2;
    }
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(`Cannot fit: unexpected error: ${msg.split("\n")[0]}`);
    return 1;
  }
}

async function readTable(path: string): Promise<RawTable> {
  try {
    return await loadTable(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `Cannot load ${quote(path)}: no such file; expected a CSV, TSV, JSON or JSONL file`,
      );
    }
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`Cannot load ${quote(path)}: ${err.message.split("\n")[0]}`);
    }
    throw err;
  }
}

if (import.meta.main) Deno.exit(await runFitCommand(Deno.args));
