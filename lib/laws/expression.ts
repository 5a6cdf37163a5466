/**
 * User-written laws and derived columns from text expressions such as
 * `E + A/N^alpha + B/D^beta` or `vocab_size*embed_dim`.
 *
 * Expressions are tokenized and parsed by hand into a syntax tree, then compiled into a flat
 * instruction list evaluated over Float64Array columns with exact reverse-mode gradients. User
 * text never reaches `eval` or `new Function`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { Columns, InputSpec, Law, LinearStructure, ParamSpec } from "./types.ts";
import { findName, formatExpression, namesOf, type Node, parseExpression } from "./_parser.ts";
import { Tape } from "./_tape.ts";
import { closest } from "./_suggest.ts";

/** Descriptions of the canonical input names, used for {@link InputSpec.doc}. */
export const INPUT_DOCS: Readonly<Record<string, string>> = {
  N: "model parameters (count)",
  D: "training tokens (count)",
  C: "training compute (FLOPs)",
  U: "unique training tokens (count)",
  M: "token multiplier D/N (tokens per parameter)",
  x: "scale variable",
};

/** Names treated as exponents by the default start-grid rule (prefix, case-insensitive). */
const EXPONENT_NAME = /^(alpha|beta|gamma|delta|eta|kappa|nu|α|β|γ|δ|η|κ|ν)/i;

/** Start grid given to exponent-like parameters of expression laws. */
export const EXPONENT_GRID: readonly number[] = [0.1, 0.3, 0.5];
/** Start grid given to every other parameter of expression laws. */
export const DEFAULT_GRID: readonly number[] = [1];

/** Options of {@link compileExpression}. */
export interface CompileExpressionOptions {
  /** Names that are inputs (columns), in the order the law's `inputs` will have. */
  inputs: readonly string[];
  /** Law name. @default the normalised expression text */
  name?: string;
}

/**
 * Default start grid of an expression parameter: {0.1, 0.3, 0.5} when the name starts with
 * alpha, beta, gamma, delta, eta, kappa or nu (any case) or the Greek letter itself, else {1}. Override per parameter with
 * the fit options (`params: { A: { grid: [...] } }`).
 */
export function defaultGrid(name: string): number[] {
  return EXPONENT_NAME.test(name) ? EXPONENT_GRID.slice() : DEFAULT_GRID.slice();
}

/** Split a sum into signed terms. */
function signedTerms(node: Node, sign: number, out: { node: Node; sign: number }[]): void {
  if (node.kind === "bin" && (node.op === "+" || node.op === "-")) {
    signedTerms(node.left, sign, out);
    signedTerms(node.right, node.op === "-" ? -sign : sign, out);
  } else if (node.kind === "neg") {
    signedTerms(node.arg, -sign, out);
  } else {
    out.push({ node, sign });
  }
}

/** Split a product into numerator and denominator factors; returns the sign. */
function factors(node: Node, numerator: Node[], denominator: Node[], sign: number): number {
  if (node.kind === "bin" && node.op === "*") {
    sign = factors(node.left, numerator, denominator, sign);
    return factors(node.right, numerator, denominator, sign);
  }
  if (node.kind === "bin" && node.op === "/") {
    sign = factors(node.left, numerator, denominator, sign);
    denominator.push(node.right);
    return sign;
  }
  if (node.kind === "neg") return factors(node.arg, numerator, denominator, -sign);
  numerator.push(node);
  return sign;
}

function countNames(node: Node, counts: Map<string, number>): void {
  switch (node.kind) {
    case "name":
      counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
      break;
    case "neg":
      countNames(node.arg, counts);
      break;
    case "bin":
      countNames(node.left, counts);
      countNames(node.right, counts);
      break;
    case "call":
      for (const a of node.args) countNames(a, counts);
      break;
  }
}

/**
 * Detect f = Σ_j p_j · basis_j: every top-level term must contain, as a multiplicative factor
 * in its numerator, a parameter that appears nowhere else. Returns the linear parameter names
 * and the basis expressions, or undefined.
 */
function detectLinear(
  root: Node,
  params: ReadonlySet<string>,
): { linear: string[]; bases: Node[] } | undefined {
  const counts = new Map<string, number>();
  countNames(root, counts);
  const terms: { node: Node; sign: number }[] = [];
  signedTerms(root, 1, terms);
  const linear: string[] = [];
  const bases: Node[] = [];
  for (const term of terms) {
    const numerator: Node[] = [];
    const denominator: Node[] = [];
    const sign = factors(term.node, numerator, denominator, term.sign);
    const at = numerator.findIndex((f) =>
      f.kind === "name" && params.has(f.name) && counts.get(f.name) === 1
    );
    if (at < 0) return undefined;
    const coefficient = numerator[at] as { name: string };
    linear.push(coefficient.name);
    const others = numerator.filter((_, i) => i !== at);
    const pos = term.node.pos;
    let basis: Node = others.length ? others[0] : { kind: "num", value: 1, pos };
    for (let i = 1; i < others.length; i++) {
      basis = { kind: "bin", op: "*", left: basis, right: others[i], pos };
    }
    for (const d of denominator) basis = { kind: "bin", op: "/", left: basis, right: d, pos };
    if (sign < 0) basis = { kind: "neg", arg: basis, pos };
    bases.push(basis);
  }
  return { linear, bases };
}

/**
 * Compile a law written as an expression, e.g. `E + A/N^alpha + B/D^beta`.
 *
 * Grammar: numbers (`2`, `.5`, `1e-3`), names, `+ - * /`, `^` (or `**`; right-associative and
 * tighter than unary minus, so `-x^2` is `-(x^2)`), unary minus, parentheses, and the functions
 * exp, log (natural), log10, sqrt, abs, sigmoid, min and max (min/max take 2 or more arguments).
 * Names listed in `options.inputs` are inputs; every other name is a parameter, in order of
 * first appearance. Names in backticks may contain any character except a backtick.
 *
 * The law evaluates a compiled instruction tape over the columns and gets its Jacobian by
 * reverse-mode differentiation of the same tape (for abs, min, max: the active branch).
 * Parameters get start grid {0.1, 0.3, 0.5} when the name starts with alpha, beta, gamma,
 * delta, eta, kappa or nu (or α, β, γ, δ, η, κ, ν), else {1}; all are linear-scale and unbounded (see
 * {@link defaultGrid}). When every top-level term has its own multiplicative parameter
 * (E + A/N^alpha + ...), the law gets a `linearStructure` for variable projection.
 *
 * @param text The expression.
 * @param options Input names and an optional law name.
 * @returns A {@link Law} whose name is `options.name` or the normalised expression.
 * @throws {InputError} For a syntax error, unknown function (with a suggestion), wrong number of
 *   arguments (message has the 1-based column; `position` is the 0-based offset), or an
 *   expression with no parameter or using no input (no position).
 *
 * @example Chinchilla as an expression
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileExpression } from "./expression.ts";
 * import { evaluateLaw } from "./types.ts";
 * const law = compileExpression("E + A/N^alpha + B/D^beta", { inputs: ["N", "D"] });
 * assert.deepEqual(law.params.map((p) => p.name), ["E", "A", "alpha", "B", "beta"]);
 * const y = evaluateLaw(law, { N: 1e9, D: 2e10 }, { E: 1.7, A: 400, alpha: 0.34, B: 410, beta: 0.28 });
 * assert.ok(Math.abs(y - (1.7 + 400 / 1e9 ** 0.34 + 410 / 2e10 ** 0.28)) < 1e-12);
 * ```
 *
 * @example Errors point at the column
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileExpression } from "./expression.ts";
 * assert.throws(
 *   () => compileExpression("E + A/N^alpha)", { inputs: ["N"] }),
 *   { name: "InputError", position: 13, message: /at column 14: unmatched '\)'/ },
 * );
 * ```
 */
export function compileExpression(text: string, options: CompileExpressionOptions): Law {
  const label = "law expression";
  const root = parseExpression(text, label);
  const normalised = formatExpression(root);
  const inputNames = [...options.inputs];
  const inputSet = new Set(inputNames);
  const names = namesOf(root);
  const paramNames = names.filter((n) => !inputSet.has(n));
  const usedInputs = names.filter((n) => inputSet.has(n));
  if (paramNames.length === 0) {
    throw new InputError(
      `Cannot compile law expression "${normalised}": it has no parameters; expected at least ` +
        `one name that is not an input (inputs: ${inputNames.join(", ") || "none"})`,
      text,
    );
  }
  if (usedInputs.length === 0) {
    throw new InputError(
      `Cannot compile law expression "${normalised}": it uses no input; expected at least one ` +
        `of ${inputNames.join(", ") || "(no inputs were declared)"}`,
      text,
    );
  }
  const inputIndex = new Map(inputNames.map((n, i) => [n, i] as [string, number]));
  const paramIndex = new Map(paramNames.map((n, j) => [n, j] as [string, number]));
  const tape = new Tape(root, inputIndex, paramIndex);

  const inputs: InputSpec[] = inputNames.map((name) => ({
    name,
    doc: INPUT_DOCS[name] ?? `column "${name}"`,
  }));
  const params: ParamSpec[] = paramNames.map((name) => ({
    name,
    doc: "free parameter of the expression",
    grid: defaultGrid(name),
  }));

  let linearStructure: LinearStructure | undefined;
  const detected = detectLinear(root, new Set(paramNames));
  if (detected) {
    const basisTapes = detected.bases.map((b) => new Tape(b, inputIndex, paramIndex));
    linearStructure = {
      linear: detected.linear.map((n) => paramIndex.get(n) as number),
      basis(x: Columns, p: Float64Array, out: Float64Array[]): void {
        for (let j = 0; j < basisTapes.length; j++) basisTapes[j].forward(x, p, out[j]);
      },
    };
  }

  const law: Law = {
    name: options.name ?? normalised,
    formula: `y = ${normalised}`,
    doc: `User law ${normalised} in ${usedInputs.join(", ")}`,
    inputs,
    params,
    predict(x: Columns, p: Float64Array, out: Float64Array): void {
      tape.forward(x, p, out);
    },
    jacobian(x: Columns, p: Float64Array, out: Float64Array, jac: Float64Array): void {
      tape.gradient(x, p, out, jac);
    },
  };
  if (linearStructure) law.linearStructure = linearStructure;
  return law;
}

/** A derived input column compiled from an expression over other columns. */
export interface DerivedColumn {
  /** The normalised expression. */
  text: string;
  /** Columns the expression reads, in order of first appearance. */
  columns: string[];
  /**
   * Compute the derived values.
   *
   * @param values Columns by name; every name in {@link DerivedColumn.columns} must be present
   *   and all must have the same length.
   * @throws {TypeError} When a column is missing. {@link RangeError} When lengths differ.
   */
  evaluate(values: Readonly<Record<string, ArrayLike<number>>>): Float64Array;
}

/**
 * Compile an expression over column names only, such as `vocab_size*embed_dim` or
 * `6*N*D`, into a derived column. Same grammar as {@link compileExpression}; names in
 * backticks may hold spaces (`` `embed dim` ``).
 *
 * @param text The expression.
 * @param columns The available column names.
 * @returns A {@link DerivedColumn}.
 * @throws {InputError} For a syntax error, or a name that is not a column (with a suggestion
 *   and the name's position), or an expression that uses no column.
 *
 * @example Non-embedding parameters
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileDerived } from "./expression.ts";
 * const derived = compileDerived("params - vocab*width", ["params", "vocab", "width"]);
 * const out = derived.evaluate({
 *   params: Float64Array.of(1e6, 2e6), vocab: Float64Array.of(1000, 1000), width: Float64Array.of(64, 128),
 * });
 * assert.deepEqual([...out], [936000, 1872000]);
 * ```
 */
export function compileDerived(text: string, columns: readonly string[]): DerivedColumn {
  const label = "derived column expression";
  const root = parseExpression(text, label);
  const normalised = formatExpression(root);
  const available = new Set(columns);
  const names = namesOf(root);
  for (const name of names) {
    if (available.has(name)) continue;
    const node = findName(root, name);
    const pos = node?.pos ?? 0;
    const guess = closest(name, columns);
    const hint = guess ? ` (did you mean "${guess}"?)` : "";
    throw new InputError(
      `Cannot parse ${label} at column ${pos + 1}: unknown column "${name}"${hint}; expected ` +
        `one of ${columns.map((c) => JSON.stringify(c)).join(", ") || "(no columns)"}`,
      text,
      pos,
    );
  }
  if (names.length === 0) {
    throw new InputError(
      `Cannot compile ${label} "${normalised}": it uses no column; expected at least one of ` +
        `${columns.map((c) => JSON.stringify(c)).join(", ") || "(no columns)"}`,
      text,
    );
  }
  const index = new Map(names.map((n, i) => [n, i] as [string, number]));
  const tape = new Tape(root, index, new Map());
  const noParams = new Float64Array(0);
  return {
    text: normalised,
    columns: names,
    evaluate(values: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
      const cols: Float64Array[] = [];
      for (const name of names) {
        const v = values[name];
        if (v === undefined) {
          throw new TypeError(
            `Cannot evaluate derived column "${normalised}": column "${name}" is missing`,
          );
        }
        cols.push(v instanceof Float64Array ? v : Float64Array.from(v));
      }
      const n = cols[0].length;
      for (let i = 1; i < cols.length; i++) {
        if (cols[i].length !== n) {
          throw new RangeError(
            `Cannot evaluate derived column "${normalised}": column "${names[i]}" has ` +
              `${cols[i].length} values; expected ${n} like "${names[0]}"`,
          );
        }
      }
      const out = new Float64Array(n);
      tape.forward(cols, noParams, out);
      return out;
    },
  };
}
