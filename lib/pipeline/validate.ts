/**
 * A tiny schema library for data-only specs (pipeline configs, JSON options).
 *
 * A {@link Schema} parses an unknown value into a typed one with defaults applied ("parse, don't
 * validate"). Parsing never stops at the first problem: every problem is collected with its JSON
 * path (`steps[2].law`, `steps[0].mapping.params`) and {@link parseWith} throws one
 * {@link SpecError} listing them all. Unknown object keys are errors with a did-you-mean hint;
 * enumerations list their allowed values.
 *
 * @example Parse a small config, collecting all problems
 * ```ts
 * import assert from "node:assert/strict";
 * import { enumOf, number, object, optional, parseWith, SpecError, string } from "./validate.ts";
 * interface Opts { name: string; loss: "huber" | "squared"; delta: number }
 * const schema = object<Opts>({
 *   name: string(),
 *   loss: optional(enumOf(["huber", "squared"] as const), "huber"),
 *   delta: optional(number({ min: 0 }), 1e-3),
 * });
 * assert.deepEqual(parseWith(schema, { name: "a" }), { name: "a", loss: "huber", delta: 1e-3 });
 * try {
 *   parseWith(schema, { name: 1, los: "huber", delta: -1 });
 *   assert.fail("expected a SpecError");
 * } catch (e) {
 *   assert.ok(e instanceof SpecError);
 *   assert.deepEqual(e.issues.map((i) => i.path), ["los", "name", "delta"]);
 *   assert.match(e.message, /los: is not a known key; did you mean "loss"\?/);
 * }
 * ```
 *
 * @module
 */

import { editDistance } from "../util/suggest.ts";

/** One problem found while parsing: where (JSON path) and what. */
export interface Issue {
  /** JSON path of the offending value, e.g. `steps[2].law`; `""` for the root. */
  path: string;
  /** What is wrong, e.g. `is "parabol"; expected one of "parabola", "akima"`. */
  message: string;
}

/**
 * All problems of a spec, one per line in `message`. Thrown by {@link parseWith}; nothing should
 * run when a spec does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SpecError } from "./validate.ts";
 * const e = new SpecError([{ path: "a", message: "is missing" }, { path: "b", message: "is 1" }]);
 * assert.equal(e.message, "Cannot parse spec: 2 problems\n  a: is missing\n  b: is 1");
 * assert.ok(e instanceof TypeError);
 * ```
 */
export class SpecError extends TypeError {
  /** Every problem, in document order. */
  readonly issues: readonly Issue[];

  /**
   * @param issues The problems (at least one).
   * @param what What was parsed, used in the message ("spec", "pipeline spec \"x\"").
   */
  constructor(issues: readonly Issue[], what = "spec") {
    const n = issues.length;
    const head = `Cannot parse ${what}: ${n} problem${n === 1 ? "" : "s"}`;
    super([head, ...issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`)].join("\n"));
    this.name = "SpecError";
    this.issues = issues;
  }
}

/** Marker returned by a schema when the value is invalid (the problems are in `issues`). */
export const INVALID: unique symbol = Symbol("invalid");

/** Collected problems plus helpers to build paths. */
export class Issues {
  /** The problems so far. */
  readonly list: Issue[] = [];
  /** Record a problem at a path. */
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

/**
 * A parser of unknown values into `T`. `parse` returns {@link INVALID} (after recording at least
 * one problem) when the value cannot be used.
 */
export interface Schema<T> {
  /** Short description of what is expected, used in messages ("a string", "one of ..."). */
  readonly expected: string;
  /** Parse `value` found at `path`, recording problems in `issues`. */
  parse(value: unknown, path: string, issues: Issues): T | typeof INVALID;
  /** Present on {@link optional} schemas: the key may be absent. */
  readonly optional?: boolean;
}

/** The output type of a schema. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Join a path and an object key (`a.b`, or `a["x y"]` for keys that are not identifiers). */
export function keyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Join a path and an array index (`a[2]`). */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Describe a received value for a message: `"abc"`, `3`, `null`, `an array`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  }
  return String(value);
}

/**
 * Edit distance between two strings: insertions, deletions, substitutions and transpositions of
 * adjacent characters each count 1 (optimal string alignment), so `"fti"` is 1 from `"fit"`.
 */
export { editDistance };

/**
 * The closest candidate to `word` by edit distance (case-insensitive), when it is close enough
 * to be a likely typo (distance at most max(1, ⌊length/3⌋), or a case-only difference).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { didYouMean } from "./validate.ts";
 * assert.equal(didYouMean("metirc", ["metric", "law", "id"]), "metric");
 * assert.equal(didYouMean("zzz", ["metric", "law"]), undefined);
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}

function quoteList(values: readonly (string | number | boolean)[]): string {
  return values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ");
}

function typeProblem(value: unknown, expected: string): string {
  return value === undefined
    ? `is missing; expected ${expected}`
    : `is ${describeValue(value)}; expected ${expected}`;
}

/** Options of {@link string}. */
export interface StringOptions {
  /** Minimum length. @default 1 (empty strings are rejected) */
  minLength?: number;
  /** A pattern the whole string must match. */
  pattern?: RegExp;
  /** Description of the pattern for messages, e.g. "a lowercase name". */
  patternName?: string;
}

/**
 * A string (non-empty unless `minLength: 0`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWith, string } from "./validate.ts";
 * assert.equal(parseWith(string(), "x"), "x");
 * assert.throws(() => parseWith(string(), ""), /is ""; expected a non-empty string/);
 * ```
 */
export function string(options: StringOptions = {}): Schema<string> {
  const { minLength = 1, pattern, patternName } = options;
  const expected = patternName ?? (minLength > 0 ? "a non-empty string" : "a string");
  return {
    expected,
    parse(value, path, issues) {
      if (typeof value !== "string" || value.length < minLength) {
        issues.add(path, typeProblem(value, expected));
        return INVALID;
      }
      if (pattern && !pattern.test(value)) {
        issues.add(path, typeProblem(value, expected));
        return INVALID;
      }
      return value;
    },
  };
}

/** Options of {@link number} and {@link integer}. */
export interface NumberOptions {
  /** Inclusive minimum. */
  min?: number;
  /** Inclusive maximum. */
  max?: number;
  /** Exclusive minimum (e.g. `0` for "a positive number"). */
  greaterThan?: number;
  /** Exclusive maximum. */
  lessThan?: number;
}

function numberSchema(options: NumberOptions, integer: boolean): Schema<number> {
  const { min, max, greaterThan, lessThan } = options;
  const parts: string[] = [];
  if (greaterThan !== undefined) parts.push(`> ${greaterThan}`);
  if (min !== undefined) parts.push(`>= ${min}`);
  if (lessThan !== undefined) parts.push(`< ${lessThan}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  const base = integer ? "an integer" : "a finite number";
  const expected = parts.length ? `${base} ${parts.join(" and ")}` : base;
  return {
    expected,
    parse(value, path, issues) {
      const ok = typeof value === "number" && Number.isFinite(value) &&
        (!integer || Number.isInteger(value)) &&
        (min === undefined || value >= min) && (max === undefined || value <= max) &&
        (greaterThan === undefined || value > greaterThan) &&
        (lessThan === undefined || value < lessThan);
      if (!ok) {
        issues.add(path, typeProblem(value, expected));
        return INVALID;
      }
      return value as number;
    },
  };
}

/**
 * A finite number, optionally bounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { number, parseWith } from "./validate.ts";
 * assert.equal(parseWith(number({ min: 0 }), 2.5), 2.5);
 * assert.throws(() => parseWith(number({ min: 0 }), -1), /is -1; expected a finite number >= 0/);
 * ```
 */
export function number(options: NumberOptions = {}): Schema<number> {
  return numberSchema(options, false);
}

/**
 * An integer, optionally bounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integer, parseWith } from "./validate.ts";
 * assert.equal(parseWith(integer({ min: 1 }), 4000), 4000);
 * assert.throws(() => parseWith(integer(), 1.5), /expected an integer/);
 * ```
 */
export function integer(options: NumberOptions = {}): Schema<number> {
  return numberSchema(options, true);
}

/**
 * A boolean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { boolean, parseWith } from "./validate.ts";
 * assert.equal(parseWith(boolean(), false), false);
 * assert.throws(() => parseWith(boolean(), "yes"), /expected true or false/);
 * ```
 */
export function boolean(): Schema<boolean> {
  return {
    expected: "true or false",
    parse(value, path, issues) {
      if (typeof value !== "boolean") {
        issues.add(path, typeProblem(value, "true or false"));
        return INVALID;
      }
      return value;
    },
  };
}

/**
 * One of a fixed list of strings; the message lists them and suggests the closest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enumOf, parseWith } from "./validate.ts";
 * const method = enumOf(["parabola", "akima"] as const);
 * assert.equal(parseWith(method, "akima"), "akima");
 * assert.throws(
 *   () => parseWith(method, "parabol"),
 *   /is "parabol"; expected one of "parabola", "akima" \(did you mean "parabola"\?\)/,
 * );
 * ```
 */
export function enumOf<const V extends string>(values: readonly V[]): Schema<V> {
  const expected = values.length === 1 ? JSON.stringify(values[0]) : `one of ${quoteList(values)}`;
  return {
    expected,
    parse(value, path, issues) {
      if (typeof value === "string" && (values as readonly string[]).includes(value)) {
        return value as V;
      }
      let msg = typeProblem(value, expected);
      if (typeof value === "string") {
        const near = didYouMean(value, values);
        if (near) msg += ` (did you mean ${JSON.stringify(near)}?)`;
      }
      issues.add(path, msg);
      return INVALID;
    },
  };
}

/** A single allowed string value (used for discriminators). */
export function literal<const V extends string>(value: V): Schema<V> {
  return enumOf([value]);
}

/** Options of {@link array}. */
export interface ArrayOptions {
  /** Minimum number of items. @default 0 */
  minLength?: number;
  /** Maximum number of items. */
  maxLength?: number;
}

/**
 * An array whose items all parse with `item`; problems in several items are all reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { array, number, parseWith } from "./validate.ts";
 * assert.deepEqual(parseWith(array(number()), [1, 2]), [1, 2]);
 * assert.throws(() => parseWith(array(number()), [1, "x", null]), /\[1\]: is "x".*\n.*\[2\]: is null/);
 * ```
 */
export function array<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
  const { minLength = 0, maxLength } = options;
  let expected = `an array of ${item.expected}`;
  if (minLength > 0) {
    expected = `an array of at least ${minLength} item${minLength === 1 ? "" : "s"}`;
  }
  return {
    expected,
    parse(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.add(path, typeProblem(value, expected));
        return INVALID;
      }
      let bad = false;
      if (value.length < minLength || (maxLength !== undefined && value.length > maxLength)) {
        const range = maxLength === undefined
          ? `at least ${minLength}`
          : minLength === maxLength
          ? `exactly ${minLength}`
          : `${minLength} to ${maxLength}`;
        issues.add(
          path,
          `has ${value.length} item${value.length === 1 ? "" : "s"}; expected ${range}`,
        );
        bad = true;
      }
      const out: T[] = [];
      value.forEach((v, i) => {
        const r = item.parse(v, indexPath(path, i), issues);
        if (r === INVALID) bad = true;
        else out.push(r);
      });
      return bad ? INVALID : out;
    },
  };
}

/**
 * An object whose values all parse with `value` (free keys, e.g. a column mapping).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWith, record, string } from "./validate.ts";
 * assert.deepEqual(parseWith(record(string()), { N: "params" }), { N: "params" });
 * ```
 */
export function record<T>(value: Schema<T>, keys?: Schema<string>): Schema<Record<string, T>> {
  const expected = `an object of ${value.expected}`;
  return {
    expected,
    parse(raw, path, issues) {
      if (!isPlainObject(raw)) {
        issues.add(path, typeProblem(raw, expected));
        return INVALID;
      }
      let bad = false;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (keys && keys.parse(k, keyPath(path, k), issues) === INVALID) bad = true;
        const r = value.parse(v, keyPath(path, k), issues);
        if (r === INVALID) bad = true;
        else out[k] = r;
      }
      return bad ? INVALID : out;
    },
  };
}

/** True for `{...}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An optional schema: absent (or `undefined`) values give the default. */
export interface OptionalSchema<T> extends Schema<T> {
  readonly optional: true;
}

/**
 * Mark a field optional; with a default, an absent field takes the default (deep-copied, so
 * defaults are never shared between parses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { integer, object, optional, parseWith } from "./validate.ts";
 * const s = object<{ starts: number; seed?: number }>({
 *   starts: optional(integer(), 1),
 *   seed: optional(integer()),
 * });
 * assert.deepEqual(parseWith(s, {}), { starts: 1 });
 * ```
 */
export function optional<T>(schema: Schema<T>): OptionalSchema<T | undefined>;
export function optional<T>(schema: Schema<T>, fallback: T): OptionalSchema<T>;
export function optional<T>(schema: Schema<T>, ...fallback: [T?]): OptionalSchema<T | undefined> {
  const hasDefault = fallback.length > 0;
  return {
    expected: schema.expected,
    optional: true,
    parse(value, path, issues) {
      if (value === undefined) return hasDefault ? structuredClone(fallback[0]) : undefined;
      return schema.parse(value, path, issues);
    },
  };
}

/** The schemas of an object's fields, keyed like `T`. */
export type Shape<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Schema<T[K] | undefined> : Schema<T[K]>;
};

/** Options of {@link object}. */
export interface ObjectOptions<T> {
  /** Extra checks across fields, run only when every field parsed. */
  check?: (value: T, path: string, issues: Issues) => void;
}

/**
 * An object with known keys. Missing required keys and unknown keys are errors (unknown keys get
 * a did-you-mean from the known keys); absent optional keys take their defaults and keys with no
 * default and no value are left out of the result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { object, parseWith, string } from "./validate.ts";
 * const s = object<{ metric: string }>({ metric: string() });
 * assert.throws(() => parseWith(s, { metirc: "loss" }), (e: Error) => {
 *   assert.match(e.message, /metirc: is not a known key; did you mean "metric"\?/);
 *   assert.match(e.message, /metric: is missing; expected a non-empty string/);
 *   return true;
 * });
 * ```
 */
export function object<T>(shape: Shape<T>, options: ObjectOptions<T> = {}): Schema<T> {
  const keys = Object.keys(shape) as (keyof T & string)[];
  return {
    expected: "an object",
    parse(value, path, issues) {
      if (!isPlainObject(value)) {
        issues.add(path, typeProblem(value, `an object with keys ${keys.join(", ")}`));
        return INVALID;
      }
      let bad = false;
      for (const k of Object.keys(value)) {
        if (!(keys as string[]).includes(k)) {
          const near = didYouMean(k, keys);
          issues.add(
            keyPath(path, k),
            near
              ? `is not a known key; did you mean ${JSON.stringify(near)}?`
              : `is not a known key; expected one of ${quoteList(keys)}`,
          );
          bad = true;
        }
      }
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const s = shape[k] as Schema<unknown>;
        const r = s.parse(value[k], keyPath(path, k), issues);
        if (r === INVALID) bad = true;
        else if (r !== undefined) out[k] = r;
      }
      if (bad) return INVALID;
      if (options.check) {
        const before = issues.list.length;
        options.check(out as T, path, issues);
        if (issues.list.length > before) return INVALID;
      }
      return out as T;
    },
  };
}

/**
 * A union of object schemas discriminated by the value of one key (`step`, `kind`). An unknown
 * discriminator lists the allowed ones (with a did-you-mean); a known one parses the whole object
 * with that member's schema, which should include the discriminator key itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal, number, object, parseWith, union } from "./validate.ts";
 * type S = { kind: "a"; x: number } | { kind: "b"; y: number };
 * const s = union<S>("kind", {
 *   a: object<{ kind: "a"; x: number }>({ kind: literal("a"), x: number() }),
 *   b: object<{ kind: "b"; y: number }>({ kind: literal("b"), y: number() }),
 * });
 * assert.deepEqual(parseWith(s, { kind: "b", y: 1 }), { kind: "b", y: 1 });
 * assert.throws(() => parseWith(s, { kind: "c" }), /kind: is "c"; expected one of "a", "b"/);
 * ```
 */
export function union<T extends object>(
  key: string,
  members: Record<string, Schema<T>>,
): Schema<T> {
  const names = Object.keys(members);
  const tag = enumOf(names);
  return {
    expected: `an object with ${JSON.stringify(key)} one of ${quoteList(names)}`,
    parse(value, path, issues) {
      if (!isPlainObject(value)) {
        issues.add(path, typeProblem(value, `an object with a ${JSON.stringify(key)} key`));
        return INVALID;
      }
      const t = tag.parse(value[key], keyPath(path, key), issues);
      if (t === INVALID) return INVALID;
      return members[t].parse(value, path, issues);
    },
  };
}

/** One alternative of {@link oneOf}: taken when `when` matches the raw value. */
export interface Alternative<T> {
  /** Whether this alternative applies to the raw value (a cheap shape test). */
  when: (value: unknown) => boolean;
  schema: Schema<T>;
}

/**
 * A union of differently shaped values (a number list or a range object; a name or a record),
 * chosen by the first alternative whose `when` test matches; when none does, the message uses
 * `expected`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { array, number, oneOf, parseWith, string } from "./validate.ts";
 * const s = oneOf<number[] | string>("a list of numbers or a name", [
 *   { when: Array.isArray, schema: array(number()) },
 *   { when: (v) => typeof v === "string", schema: string() },
 * ]);
 * assert.deepEqual(parseWith(s, [1]), [1]);
 * assert.throws(() => parseWith(s, 3), /is 3; expected a list of numbers or a name/);
 * ```
 */
export function oneOf<T>(expected: string, alternatives: Alternative<T>[]): Schema<T> {
  return {
    expected,
    parse(value, path, issues) {
      for (const a of alternatives) if (a.when(value)) return a.schema.parse(value, path, issues);
      issues.add(path, typeProblem(value, expected));
      return INVALID;
    },
  };
}

/**
 * Add a check to a schema: `check` returns a problem message (or undefined when the value is
 * fine) and may transform nothing; it runs only when the base schema accepted the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWith, refine, string } from "./validate.ts";
 * const even = refine(string(), (s) => s.length % 2 ? `has odd length ${s.length}` : undefined);
 * assert.equal(parseWith(even, "ab"), "ab");
 * assert.throws(() => parseWith(even, "abc"), /\(root\): has odd length 3/);
 * ```
 */
export function refine<T>(
  schema: Schema<T>,
  check: (value: T) => string | undefined,
  expected = schema.expected,
): Schema<T> {
  return {
    expected,
    optional: schema.optional,
    parse(value, path, issues) {
      const r = schema.parse(value, path, issues);
      if (r === INVALID || r === undefined) return r;
      const problem = check(r);
      if (problem) {
        issues.add(path, problem);
        return INVALID;
      }
      return r;
    },
  };
}

/**
 * A schema defined later (for recursive shapes) or chosen at parse time.
 */
export function lazy<T>(get: () => Schema<T>, expected = "a value"): Schema<T> {
  return { expected, parse: (v, p, i) => get().parse(v, p, i) };
}

/**
 * Parse a value; throw one {@link SpecError} listing every problem.
 *
 * @param schema The schema.
 * @param value The raw value (e.g. from `JSON.parse`).
 * @param what What is parsed, for the error's first line. @default "spec"
 * @returns The typed value with defaults applied.
 * @throws {SpecError} when there is any problem.
 */
export function parseWith<T>(schema: Schema<T>, value: unknown, what = "spec"): T {
  const issues = new Issues();
  const r = schema.parse(value, "", issues);
  if (issues.list.length > 0 || r === INVALID) {
    if (issues.list.length === 0) issues.add("", `is invalid; expected ${schema.expected}`);
    throw new SpecError(issues.list, what);
  }
  return r;
}

/**
 * Parse a value without throwing: `{ ok: true, value }` or `{ ok: false, issues }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { number, safeParse } from "./validate.ts";
 * assert.deepEqual(safeParse(number(), "x"), {
 *   ok: false,
 *   issues: [{ path: "", message: 'is "x"; expected a finite number' }],
 * });
 * ```
 */
export function safeParse<T>(
  schema: Schema<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const issues = new Issues();
  const r = schema.parse(value, "", issues);
  if (issues.list.length > 0 || r === INVALID) return { ok: false, issues: issues.list };
  return { ok: true, value: r };
}
