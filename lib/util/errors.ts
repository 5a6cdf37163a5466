/**
 * Error types shared by the whole toolkit.
 *
 * Data errors follow one format so a user can find the problem at once:
 * `Cannot load "data/runs.csv": line 14, column "loss" (3) is "n/a"; expected a finite number`.
 * Parsers (`parseX(text)`) throw a {@link DataError} without a file; loaders (`loadX(path)`)
 * add the file with {@link withFile}.
 *
 * @module
 */

/** Where in a text input a problem was found. All fields are optional. */
export interface DataErrorLocation {
  /** Path of the file, relative to the working directory when possible. */
  file?: string;
  /** 1-based line number in the file. */
  line?: number;
  /** Column name. */
  column?: string;
  /** 1-based column index. */
  columnIndex?: number;
  /** The value received, as text. */
  value?: string;
  /** What was expected instead. */
  expected?: string;
}

/**
 * A problem in user data: it names the file, 1-based line, column, the value received and
 * what was expected. `message` is always rebuilt from the parts, so adding a file later keeps
 * the format.
 *
 * @example Build an error and read its parts
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataError } from "./errors.ts";
 * const err = new DataError("is not a number", {
 *   line: 3, column: "loss", columnIndex: 2, value: "n/a", expected: "a finite number",
 * });
 * assert.equal(err.line, 3);
 * assert.match(err.message, /line 3, column "loss" \(2\) is "n\/a"; expected a finite number/);
 * ```
 */
export class DataError extends SyntaxError {
  /** Path of the file, once known. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** Column name. */
  column?: string;
  /** 1-based column index. */
  columnIndex?: number;
  /** The value received. */
  value?: string;
  /** What was expected. */
  expected?: string;
  /** Short description of the problem without the location (e.g. "has 3 fields"). */
  problem: string;

  /**
   * @param problem What is wrong, without location, e.g. `"is not a number"`.
   * @param where Location and value details.
   */
  constructor(problem: string, where: DataErrorLocation = {}) {
    super(problem);
    this.name = "DataError";
    this.problem = problem;
    Object.assign(this, where);
    this.message = formatDataError(this);
  }
}

/** Quote a value for an error message, shortening very long values. */
export function quote(value: string): string {
  const s = value.length > 80 ? value.slice(0, 77) + "..." : value;
  return JSON.stringify(s);
}

function formatDataError(e: DataError): string {
  const head = e.file ? `Cannot load ${quote(e.file)}: ` : "Cannot parse data: ";
  const parts: string[] = [];
  if (e.line !== undefined) parts.push(`line ${e.line}`);
  if (e.column !== undefined) {
    parts.push(
      `column ${quote(e.column)}` + (e.columnIndex !== undefined ? ` (${e.columnIndex})` : ""),
    );
  } else if (e.columnIndex !== undefined) parts.push(`column ${e.columnIndex}`);
  let msg = head + parts.join(", ");
  if (e.value !== undefined) msg += `${parts.length ? " " : ""}is ${quote(e.value)}`;
  if (e.value === undefined || !/^is\b/.test(e.problem)) {
    msg += (parts.length || e.value !== undefined ? " " : "") + e.problem;
  }
  if (e.expected !== undefined) msg += `; expected ${e.expected}`;
  return msg.replace(/\s+/g, " ").trim();
}

/**
 * Return a copy of a {@link DataError} with its file set; other errors are returned unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataError, withFile } from "./errors.ts";
 * const e = withFile(new DataError("is empty", { expected: "a header row" }), "runs.csv");
 * assert.ok(e instanceof DataError);
 * assert.match(e.message, /^Cannot load "runs.csv"/);
 * ```
 */
export function withFile<E>(err: E, file: string): E {
  if (!(err instanceof DataError) || err.file) return err;
  const copy = new DataError(err.problem, {
    file,
    line: err.line,
    column: err.column,
    columnIndex: err.columnIndex,
    value: err.value,
    expected: err.expected,
  });
  if (err.stack) copy.stack = err.stack;
  return copy as E;
}

/**
 * A problem in a user-written expression or option (law expression, command-line flag,
 * pipeline spec). `position` is the 0-based character offset in `source` when known.
 */
export class InputError extends SyntaxError {
  /** The text that failed. */
  source?: string;
  /** 0-based offset into `source`. */
  position?: number;
  constructor(message: string, source?: string, position?: number) {
    super(message);
    this.name = "InputError";
    this.source = source;
    this.position = position;
  }
}
