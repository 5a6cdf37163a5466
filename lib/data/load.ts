/**
 * File loading: read a table from disk (CSV, TSV, JSON, JSONL) and build a ladder from it.
 * The only module of `lib/data` that touches the file system; the parsing and mapping it calls
 * are pure. Every {@link DataError} raised here names the file.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { extname, isAbsolute, relative, resolve } from "node:path";
import { DataError, quote, withFile } from "../util/errors.ts";
import { buildLadder } from "./mapping.ts";
import { parseCsv, parseTable, type TableFormat } from "./parse.ts";
import type { ColumnMapping, Ladder, Provenance, RawTable } from "./schema.ts";

/** Options of {@link loadTable}. */
export interface LoadTableOptions {
  /** Format; by default from the extension (.csv, .tsv, .json, .jsonl/.ndjson). */
  format?: TableFormat;
}

/** Options of {@link loadLadder}. */
export interface LoadLadderOptions extends LoadTableOptions {
  /** A per-run table (same formats) joined on the mapping's `run` columns. */
  runsPath?: string;
  /** Format of the runs table; by default from its extension. */
  runsFormat?: TableFormat;
  /** Catalog dataset name for the provenance. */
  dataset?: string;
}

interface ReadTable {
  table: RawTable;
  sha256: string;
}

/**
 * Read a table file. The format comes from the extension unless given; the bytes must be UTF-8
 * (a leading byte-order mark is ignored). The returned table's `file` is the path as shown in
 * messages (relative to the working directory when inside it).
 *
 * @param path Path of the file.
 * @param options The format.
 * @returns The parsed table.
 * @throws {DataError} naming the file for an unknown extension, an empty file, bytes that are
 *   not UTF-8 (with the line of the first bad byte) and any parse error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTable } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/runs.csv`, "run,params\na,1e6\n");
 * const table = await loadTable(`${dir}/runs.csv`);
 * assert.deepEqual(table.rows, [["a", "1e6"]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadTable(path: string, options: LoadTableOptions = {}): Promise<RawTable> {
  return (await readTable(path, options.format)).table;
}

/**
 * Load a ladder from a table file (and optionally a per-run table) with a
 * {@link ColumnMapping}. Errors name the file they come from; the provenance records each
 * file's path, sha256 and row count.
 *
 * @param path Main table (observations).
 * @param mapping Which columns hold what.
 * @param options The runs table and formats.
 * @returns The ladder.
 * @throws {DataError} as {@link loadTable} and `buildLadder` do, with the file name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadLadder } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/obs.csv`, "run,tokens,loss\na,1e9,3.0\na,2e9,2.8\n");
 * await Deno.writeTextFile(`${dir}/runs.csv`, "run,params\na,1e8\n");
 * const ladder = await loadLadder(`${dir}/obs.csv`, {
 *   run: "run", params: "params", tokens: "tokens", metrics: ["loss"],
 * }, { runsPath: `${dir}/runs.csv` });
 * assert.equal(ladder.observations.value.length, 2);
 * assert.equal(ladder.provenance.files.length, 2);
 * assert.match(ladder.provenance.files[0].sha256 ?? "", /^[0-9a-f]{64}$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadLadder(
  path: string,
  mapping: ColumnMapping,
  options: LoadLadderOptions = {},
): Promise<Ladder> {
  const main = await readTable(path, options.format);
  const runs = options.runsPath === undefined
    ? undefined
    : await readTable(options.runsPath, options.runsFormat);
  const provenance: Provenance = {
    files: [main, ...(runs ? [runs] : [])].map((t) => ({
      path: t.table.file!,
      sha256: t.sha256,
      rows: t.table.rows.length,
    })),
  };
  if (options.dataset !== undefined) provenance.dataset = options.dataset;
  try {
    return buildLadder(main.table, mapping, { runs: runs?.table, provenance });
  } catch (err) {
    throw withFile(err, main.table.file!);
  }
}

async function readTable(path: string, format: TableFormat | undefined): Promise<ReadTable> {
  const shown = displayPath(path);
  const fmt = format ?? formatFromExtension(path, shown);
  const bytes = await Deno.readFile(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length === 0) {
    throw new DataError("is empty", {
      file: shown,
      line: 1,
      expected: fmt === "json" ? "a JSON array of records" : "a header row and data rows",
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw notUtf8(bytes, shown, fmt);
  }
  let table: RawTable;
  try {
    table = parseTable(text, fmt);
  } catch (err) {
    throw withFile(err, shown);
  }
  table.file = shown;
  return { table, sha256 };
}

function formatFromExtension(path: string, shown: string): TableFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".tsv") || lower.endsWith(".tab")) return "tsv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".json")) return "json";
  const ext = extname(path);
  throw new DataError(
    ext ? `the extension ${quote(ext)} is unknown` : "the file has no extension",
    {
      file: shown,
      expected: ".csv, .tsv, .json or .jsonl (or pass options.format)",
    },
  );
}

/** The path relative to the working directory when the file is inside it. */
function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  try {
    const rel = relative(Deno.cwd(), resolve(path));
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  } catch {
    return path;
  }
}

/** Build the error for bytes that are not UTF-8: line of the first bad byte, and its column. */
function notUtf8(bytes: Uint8Array, file: string, format: TableFormat): DataError {
  const offset = firstInvalidUtf8(bytes);
  let line = 1;
  for (let k = 0; k < offset; k++) if (bytes[k] === 10) line++;
  const byte = bytes[offset] ?? 0;
  const hex = "0x" + byte.toString(16).toUpperCase().padStart(2, "0");
  let column: string | undefined;
  let columnIndex: number | undefined;
  if (format === "csv" || format === "tsv") {
    // Decode leniently to find the cell holding the replacement character on that line.
    try {
      const text = new TextDecoder("utf-8").decode(bytes);
      const t = parseCsv(text, { delimiter: format === "tsv" ? "\t" : "," });
      const cells = [t.columns, ...t.rows];
      const starts = [1, ...t.lines];
      for (let r = cells.length - 1; r >= 0; r--) {
        if (starts[r] > line) continue;
        const c = cells[r].findIndex((s) => s.includes("\uFFFD"));
        if (c >= 0) {
          column = t.columns[c];
          columnIndex = c + 1;
        }
        break;
      }
    } catch {
      // The location without a column is still useful.
    }
  }
  return new DataError(`has byte ${hex} at offset ${offset}, which is not valid UTF-8`, {
    file,
    line,
    column,
    columnIndex,
    expected: "UTF-8 text (convert the file, e.g. iconv -f latin1 -t utf-8)",
  });
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (bytes.length if none). */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => k < n && b[k] >= lo && b[k] <= hi;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) i++;
    else if (c >= 0xc2 && c <= 0xdf) {
      if (!cont(i + 1)) return i;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return i;
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return i;
      i += 4;
    } else return i;
  }
  return n;
}
