/**
 * The law registry: built-in laws by name, user laws by expression.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { Law } from "./types.ts";
import { chinchilla, chinchillaTied } from "./chinchilla.ts";
import { kaplan, kaplanE } from "./kaplan.ts";
import { powerLaw } from "./power_law.ts";
import { overtraining } from "./overtraining.ts";
import { dataConstrained } from "./data_constrained.ts";
import { compileExpression } from "./expression.ts";
import { LITERATURE_LAWS_A } from "./literature_a.ts";
import { LITERATURE_LAWS_B } from "./literature_b.ts";
import { dataMixingLawFor } from "./data_mixing.ts";
import { brokenPowerLaw } from "./bnsl.ts";
import { DOWNSTREAM_LAWS } from "../downstream/laws.ts";
import { formatExpression, namesOf, parseExpression } from "./_parser.ts";
import { closest } from "./_suggest.ts";

/**
 * Names that are inputs of an expression law when {@link GetLawOptions.inputs} is not given:
 * N (parameters), D (tokens), C (compute), U (unique tokens), M (tokens per parameter), x.
 */
export const DEFAULT_INPUTS: readonly string[] = ["N", "D", "C", "U", "M", "x"];

const registry = new Map<string, Law>();
for (const law of [chinchilla, chinchillaTied, kaplan, kaplanE, powerLaw, overtraining]) {
  registry.set(law.name, law);
}
registry.set(dataConstrained.name, dataConstrained);
// The catalog of laws from the literature, and the loss -> accuracy mappings.
for (const law of [...LITERATURE_LAWS_A, ...LITERATURE_LAWS_B, ...DOWNSTREAM_LAWS]) {
  registry.set(law.name, law);
}

const NAME_SHAPE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Options of {@link getLaw}. */
export interface GetLawOptions {
  /**
   * Input names of an expression law, in order. Default: those of N, D, C, U, M, x that the
   * expression uses, in that order.
   */
  inputs?: readonly string[];
}

function unknownLaw(text: string): InputError {
  const guess = closest(text, registry.keys());
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  return new InputError(
    `Cannot find law "${text}"${hint}; expected one of ${[...registry.keys()].join(", ")}, ` +
      `or an expression such as "E + A/N^alpha + B/D^beta"`,
    text,
    0,
  );
}

/**
 * Look up a law by registry name, or compile an expression.
 *
 * Rules, in order:
 * 1. A registered name (case-insensitive) returns that law.
 * 2. Text shaped like a name (letters, digits, `_`, `-`) that is not registered is an unknown
 *    law, with a did-you-mean suggestion ("chinchila" → "chinchilla"): a single name cannot be
 *    a law. A hyphenated name that happens to be a valid expression (`N-alpha`) is compiled.
 * 3. Anything else is compiled by {@link compileExpression}: names in `options.inputs` are
 *    inputs; without that option, the canonical names N, D, C, U, M, x that the expression uses
 *    are inputs (in that order) and every other name is a parameter.
 *
 * @param nameOrExpression A law name such as `"chinchilla"` or an expression.
 * @param options Input names for expressions.
 * @returns The law.
 * @throws {InputError} For an unknown name or an invalid expression.
 *
 * @example Names and expressions
 * ```ts
 * import assert from "node:assert/strict";
 * import { getLaw } from "./registry.ts";
 * assert.equal(getLaw("chinchilla").params.length, 5);
 * const law = getLaw("E + A/C^alpha");
 * assert.deepEqual(law.inputs.map((s) => s.name), ["C"]);
 * assert.throws(() => getLaw("chinchila"), /did you mean "chinchilla"/);
 * ```
 */
export function getLaw(nameOrExpression: string, options: GetLawOptions = {}): Law {
  const text = nameOrExpression.trim();
  const lower = text.toLowerCase();
  // Laws whose shape depends on the mapped inputs: data-mixing has one input per domain
  // (r1 ... rM), and "bnsl-<k>" is a broken power law with k breaks.
  if (lower === "data-mixing") return dataMixingLawFor(options.inputs);
  const breaks = /^bnsl-(\d+)$/.exec(lower);
  if (breaks && !registry.has(lower)) return brokenPowerLaw(Number(breaks[1]));
  const exact = registry.get(text) ??
    [...registry.values()].find((law) => law.name.toLowerCase() === text.toLowerCase());
  if (exact) return exact;
  if (NAME_SHAPE.test(text)) {
    if (!text.includes("-")) throw unknownLaw(text);
    try {
      return compileWithDefaults(text, options);
    } catch (err) {
      if (err instanceof InputError) throw unknownLaw(text);
      throw err;
    }
  }
  return compileWithDefaults(text, options);
}

function compileWithDefaults(text: string, options: GetLawOptions): Law {
  if (options.inputs) return compileExpression(text, { inputs: options.inputs });
  const root = parseExpression(text, "law expression");
  const used = new Set(namesOf(root));
  const inputs = DEFAULT_INPUTS.filter((n) => used.has(n));
  if (inputs.length === 0) {
    throw new InputError(
      `Cannot compile law expression "${formatExpression(root)}": it uses none of the default ` +
        `inputs ${DEFAULT_INPUTS.join(", ")}; expected one of them, or the inputs option naming ` +
        `the columns the law reads`,
      text,
    );
  }
  return compileExpression(text, { inputs });
}

/**
 * All registered laws, built-ins first, in registration order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listLaws } from "./registry.ts";
 * assert.ok(listLaws().some((law) => law.name === "data-constrained"));
 * ```
 */
export function listLaws(): Law[] {
  return [...registry.values()];
}

/** Options of {@link registerLaw}. */
export interface RegisterLawOptions {
  /** Replace a law already registered under the same name. @default false */
  replace?: boolean;
}

/**
 * Add a law to the registry so {@link getLaw} finds it by name.
 *
 * @param law The law; its name must look like a name (letters, digits, `_`, `-`).
 * @param options Whether to replace an existing law.
 * @throws {RangeError} When the name is taken (and `replace` is false) or is not name-shaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileExpression } from "./expression.ts";
import { LITERATURE_LAWS_A } from "./literature_a.ts";
import { LITERATURE_LAWS_B } from "./literature_b.ts";
import { dataMixingLawFor } from "./data_mixing.ts";
import { brokenPowerLaw } from "./bnsl.ts";
import { DOWNSTREAM_LAWS } from "../downstream/laws.ts";
 * import { getLaw, registerLaw } from "./registry.ts";
 * registerLaw(compileExpression("E + A/N^alpha", { inputs: ["N"], name: "my-law" }));
 * assert.equal(getLaw("my-law").params.length, 3);
 * ```
 */
export function registerLaw(law: Law, options: RegisterLawOptions = {}): void {
  if (!NAME_SHAPE.test(law.name)) {
    throw new RangeError(
      `Cannot register law "${law.name}": the name has other characters; expected letters, ` +
        `digits, "_" and "-" only`,
    );
  }
  if (registry.has(law.name) && !options.replace) {
    throw new RangeError(
      `Cannot register law "${law.name}": the name is taken; expected a new name or ` +
        `{ replace: true }`,
    );
  }
  registry.set(law.name, law);
}
