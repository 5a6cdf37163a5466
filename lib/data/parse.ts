/**
 * Pure parsers from text to a {@link RawTable}: cell text plus the 1-based line where each row
 * starts, so that later errors can point at the source. No file access here; `load.ts` reads
 * files and adds the path to errors.
 *
 * @module
 */

import { DataError } from "../util/errors.ts";
import type { RawTable } from "./schema.ts";

const LF = 10;
const CR = 13;
const QUOTE = 34;
const BOM = 0xfeff;

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Field delimiter. @default "," */
  delimiter?: "," | "\t";
}

/** Text formats understood by {@link parseTable}. */
export type TableFormat = "csv" | "tsv" | "json" | "jsonl";

/**
 * Parse CSV (RFC 4180) or TSV text. The first record is the header.
 *
 * Quoted fields may hold delimiters, doubled quotes (`""` → `"`) and line breaks. Lines end with
 * LF or CRLF; a trailing newline is optional, blank lines are skipped and a leading byte-order
 * mark is removed. `lines[r]` is the 1-based line where row `r` starts, counting the line breaks
 * inside quoted fields.
 *
 * @param text The whole file as text.
 * @param options The delimiter.
 * @returns The header as `columns` and the cells of every data row as text.
 * @throws {DataError} for an empty text, a header without rows, a duplicate column name, a row
 *   with another number of fields than the header, an unterminated quoted field or text after
 *   a closing quote.
 *
 * @example Quoted fields and line numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./parse.ts";
 * const t = parseCsv('run,note\r\na,"x, ""y"""\r\nb,"two\nlines"\r\nc,\r\n');
 * assert.deepEqual(t.columns, ["run", "note"]);
 * assert.deepEqual(t.rows, [["a", 'x, "y"'], ["b", "two\nlines"], ["c", ""]]);
 * assert.deepEqual([...t.lines], [2, 3, 5]);
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): RawTable {
  const delimiter = options.delimiter ?? ",";
  if (delimiter !== "," && delimiter !== "\t") {
    throw new TypeError(
      `Cannot parse CSV: delimiter is ${JSON.stringify(delimiter)}; expected "," or "\\t"`,
    );
  }
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  let columns: string[] | null = null;
  let width = 0;
  const rows: string[][] = [];
  const lines: number[] = [];

  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF) {
      line++;
      i++;
      continue;
    }
    if (first === CR) {
      line++;
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      continue;
    }
    const rowLine = line;
    const row: string[] = [];
    for (;;) {
      let field: string;
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const fieldLine = line;
        let start = i + 1;
        let j = start;
        field = "";
        for (;;) {
          if (j >= n) {
            throw new DataError("has a quoted field that is never closed", {
              line: fieldLine,
              ...columnAt(columns, row.length),
              expected: 'a closing quote (write a quote inside a quoted field as "")',
            });
          }
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (text.charCodeAt(j + 1) === QUOTE) {
              field += text.slice(start, j + 1);
              j += 2;
              start = j;
              continue;
            }
            field += text.slice(start, j);
            j++;
            break;
          }
          if (c === LF) line++;
          else if (c === CR && text.charCodeAt(j + 1) !== LF) line++;
          j++;
        }
        i = j;
        if (i < n) {
          const c = text.charCodeAt(i);
          if (c !== delim && c !== LF && c !== CR) {
            let end = i;
            while (end < n && end - i < 40) {
              const d = text.charCodeAt(end);
              if (d === delim || d === LF || d === CR) break;
              end++;
            }
            throw new DataError("has text after the closing quote of a quoted field", {
              line,
              ...columnAt(columns, row.length),
              value: text.slice(i, end),
              expected: "a delimiter or a line break right after the closing quote",
            });
          }
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === delim || c === LF || c === CR) break;
          i++;
        }
        field = text.slice(start, i);
      }
      row.push(field);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }

    if (columns === null) {
      columns = row;
      width = row.length;
      checkHeader(columns);
      continue;
    }
    if (row.length !== width) raggedRow(columns, row, rowLine);
    rows.push(row);
    lines.push(rowLine);
  }

  if (columns === null) {
    throw new DataError("is empty", {
      line: 1,
      expected: "a header row and at least one data row",
    });
  }
  if (rows.length === 0) {
    throw new DataError("has a header but no data rows", {
      line: line,
      expected: "at least one data row after the header",
    });
  }
  return { columns, rows, lines: Int32Array.from(lines) };
}

function columnAt(
  columns: string[] | null,
  index: number,
): { column?: string; columnIndex: number } {
  if (columns && index < columns.length) return { column: columns[index], columnIndex: index + 1 };
  return { columnIndex: index + 1 };
}

function checkHeader(columns: string[]): void {
  const seen = new Map<string, number>();
  for (let c = 0; c < columns.length; c++) {
    const name = columns[c];
    if (name === "") continue;
    const before = seen.get(name);
    if (before !== undefined) {
      throw new DataError(`repeats the name of column ${before + 1}`, {
        line: 1,
        column: name,
        columnIndex: c + 1,
        expected: "unique column names in the header",
      });
    }
    seen.set(name, c);
  }
}

function raggedRow(columns: string[], row: string[], line: number): never {
  const width = columns.length;
  if (row.length < width) {
    throw new DataError(`is missing (the row has ${row.length} fields)`, {
      line,
      column: columns[row.length],
      columnIndex: row.length + 1,
      expected: `${width} fields as in the header`,
    });
  }
  throw new DataError(`beyond the last header column (the row has ${row.length} fields)`, {
    line,
    columnIndex: width + 1,
    value: row[width],
    expected: `${width} fields as in the header`,
  });
}

/**
 * Parse a JSON array of flat objects, or an object `{ "rows": [...] }` holding one.
 *
 * Columns are the union of the records' keys in first-seen order. Strings are kept, numbers
 * become their shortest round-trip text (`String(x)`), booleans `"true"`/`"false"`, and `null`
 * or a missing key `""`. `lines[r]` is the line where record `r` starts (its `{`).
 *
 * @param text JSON text.
 * @returns The records as a table of text cells.
 * @throws {DataError} for invalid JSON (with its line), a top level that is not an array of
 *   records, a record that is not an object, a nested value, or no records.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJson } from "./parse.ts";
 * const t = parseJson('[\n {"run": "a", "loss": 3.5},\n {"run": "b", "step": 10}\n]');
 * assert.deepEqual(t.columns, ["run", "loss", "step"]);
 * assert.deepEqual(t.rows, [["a", "3.5", ""], ["b", "", "10"]]);
 * assert.deepEqual([...t.lines], [2, 3]);
 * ```
 */
export function parseJson(text: string): RawTable {
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  if (text.trim() === "") {
    throw new DataError("is empty", { line: 1, expected: "a JSON array of records" });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(err, text, 0);
  }
  let records: unknown;
  if (Array.isArray(data)) records = data;
  else if (isPlainObject(data) && Array.isArray(data.rows)) records = data.rows;
  else {
    throw new DataError("is not an array of records", {
      line: 1,
      expected: 'a JSON array of flat objects, or an object {"rows": [...]}',
    });
  }
  const list = records as unknown[];
  const lines = Array.isArray(data) ? elementLines(text, null) : elementLines(text, "rows");
  if (lines.length !== list.length) {
    // The scanner should always agree with JSON.parse; fall back to record numbers if not.
    for (let r = 0; r < list.length; r++) lines[r] = r + 1;
  }
  return recordsToRawTable(list, Int32Array.from(lines.slice(0, list.length)));
}

/**
 * Parse JSON Lines: one flat JSON object per non-empty line. Same cell rules as
 * {@link parseJson}.
 *
 * @param text JSONL text.
 * @returns The records as a table of text cells.
 * @throws {DataError} naming the line of invalid JSON, a non-object, a nested value, or when no
 *   line holds a record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonl } from "./parse.ts";
 * const t = parseJsonl('{"run": "a", "loss": 3}\n\n{"run": "b", "loss": 2.5}\n');
 * assert.deepEqual(t.rows, [["a", "3"], ["b", "2.5"]]);
 * assert.deepEqual([...t.lines], [1, 3]);
 * ```
 */
export function parseJsonl(text: string): RawTable {
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  const records: unknown[] = [];
  const lines: number[] = [];
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const s = text.slice(start, end);
    if (s.trim() !== "") {
      try {
        records.push(JSON.parse(s));
      } catch (err) {
        throw jsonSyntaxError(err, s, line - 1);
      }
      lines.push(line);
    }
    start = end + 1;
    line++;
  }
  if (records.length === 0) {
    throw new DataError("is empty", { line: 1, expected: "one JSON object per line" });
  }
  return recordsToRawTable(records, Int32Array.from(lines));
}

/**
 * Parse text in one of the supported formats (`"tsv"` is CSV with a tab delimiter).
 *
 * @param text The text.
 * @param format The format.
 * @returns The table.
 * @throws {DataError} as the format's parser does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTable } from "./parse.ts";
 * assert.deepEqual(parseTable("a\tb\n1\t2\n", "tsv").rows, [["1", "2"]]);
 * ```
 */
export function parseTable(text: string, format: TableFormat): RawTable {
  switch (format) {
    case "csv":
      return parseCsv(text);
    case "tsv":
      return parseCsv(text, { delimiter: "\t" });
    case "json":
      return parseJson(text);
    case "jsonl":
      return parseJsonl(text);
    default:
      throw new TypeError(
        `Cannot parse table: format is ${
          JSON.stringify(format)
        }; expected "csv", "tsv", "json" or "jsonl"`,
      );
  }
}

/**
 * Turn flat records (objects) into a {@link RawTable}, with the cell rules of
 * {@link parseJson}. Used for JSON input and for records held in memory (arquero's
 * `objects()`, danfojs' `toJSON()`).
 *
 * @param records The records.
 * @param lines Line of each record; defaults to the 1-based record number.
 * @returns The table.
 * @throws {DataError} for a record that is not an object, a nested object or array value, or
 *   no records.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordsToRawTable } from "./parse.ts";
 * const t = recordsToRawTable([{ a: 1, b: null }, { c: true }]);
 * assert.deepEqual(t.columns, ["a", "b", "c"]);
 * assert.deepEqual(t.rows, [["1", "", ""], ["", "", "true"]]);
 * ```
 */
export function recordsToRawTable(records: readonly unknown[], lines?: Int32Array): RawTable {
  const lineOf = (r: number) => (lines ? lines[r] : r + 1);
  if (records.length === 0) {
    throw new DataError("has no records", { line: 1, expected: "at least one record" });
  }
  const index = new Map<string, number>();
  const columns: string[] = [];
  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    if (!isPlainObject(rec)) {
      throw new DataError(`has a record that is ${describe(rec)}`, {
        line: lineOf(r),
        expected: "a flat object per record",
      });
    }
    for (const key in rec) {
      if (!index.has(key)) {
        index.set(key, columns.length);
        columns.push(key);
      }
    }
  }
  const width = columns.length;
  const rows: string[][] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    const rec = records[r] as Record<string, unknown>;
    const row: string[] = new Array(width).fill("");
    for (const key in rec) {
      const c = index.get(key)!;
      const v = rec[key];
      if (v === null || v === undefined) continue;
      if (typeof v === "string") row[c] = v;
      else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") {
        row[c] = String(v);
      } else if (v instanceof Date) row[c] = v.toISOString();
      else {
        throw new DataError(`is ${describe(v)}`, {
          line: lineOf(r),
          column: key,
          columnIndex: c + 1,
          value: truncatedJson(v),
          expected: "a string, number, boolean or null (records must be flat)",
        });
      }
    }
    rows[r] = row;
  }
  return { columns, rows, lines: lines ?? Int32Array.from(records, (_, r) => r + 1) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

function truncatedJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Convert a JSON.parse SyntaxError into a DataError with the line of the problem. */
function jsonSyntaxError(err: unknown, text: string, lineOffset: number): DataError {
  const msg = err instanceof Error ? err.message : String(err);
  let line = 1;
  const lineMatch = /line (\d+)/.exec(msg);
  const posMatch = /position (\d+)/.exec(msg);
  if (lineMatch) line = Number(lineMatch[1]);
  else if (posMatch) {
    const pos = Math.min(Number(posMatch[1]), text.length);
    for (let k = 0; k < pos; k++) if (text.charCodeAt(k) === LF) line++;
  } else if (/end of JSON input/i.test(msg)) {
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === LF) line++;
  }
  const detail = msg.replace(/^JSON\.parse: /, "").replace(/\s*\(line \d+ column \d+.*\)$/, "");
  return new DataError(`is not valid JSON (${detail})`, {
    line: line + lineOffset,
    expected: "valid JSON",
  });
}

/**
 * Lines where the elements of the records array start. `key` null: the top-level array;
 * otherwise the array under that key of the top-level object. The text is valid JSON.
 */
function elementLines(text: string, key: string | null): number[] {
  const out: number[] = [];
  const stack: number[] = []; // 0 = object, 1 = array, 2 = the records array
  let line = 1;
  let expectElement = false;
  let lastKey: string | null = null;
  let pendingRecords = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === CR) continue;
    const top = stack.length ? stack[stack.length - 1] : -1;
    if (expectElement && top === 2 && c !== 93 /* ] */) {
      out.push(line);
      expectElement = false;
    }
    if (c === QUOTE) {
      const start = i + 1;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === QUOTE) break;
        else i++;
      }
      if (stack.length === 1 && top === 0) lastKey = text.slice(start, i);
    } else if (c === 123 /* { */) {
      stack.push(0);
    } else if (c === 91 /* [ */) {
      const isRecords = (key === null && stack.length === 0) || (pendingRecords && top === 0 &&
        stack.length === 1);
      stack.push(isRecords ? 2 : 1);
      if (isRecords) expectElement = true;
      pendingRecords = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 58 /* : */) {
      pendingRecords = key !== null && stack.length === 1 && lastKey === key;
    } else if (c === 44 /* , */) {
      if (top === 2) expectElement = true;
      pendingRecords = false;
    }
  }
  return out;
}
