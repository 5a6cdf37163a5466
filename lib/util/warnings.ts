/**
 * Counted warnings for suspicious but valid situations (rows dropped by a filter, a parameter
 * ending on a bound). They never stop a run; reports show them and tests can assert them.
 *
 * @module
 */

/** One warning. `count` says how many rows or items it concerns. */
export interface Warning {
  /** Stable machine-readable code, e.g. `"filter.dropped"`, `"fit.at-bound"`. */
  code: string;
  /** Human-readable sentence: what happened and why. */
  message: string;
  /** How many rows/items it concerns (1 when not meaningful). */
  count: number;
}

/**
 * Collects warnings, merging those with the same code and message by adding their counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Warnings } from "./warnings.ts";
 * const w = new Warnings();
 * w.warn("filter.dropped", "dropped rows before 1e10 tokens", 3);
 * w.warn("filter.dropped", "dropped rows before 1e10 tokens", 2);
 * assert.equal(w.list[0].count, 5);
 * ```
 */
export class Warnings {
  /** The warnings, in first-seen order. */
  readonly list: Warning[] = [];

  /** Record a warning (merging with an identical code and message). */
  warn(code: string, message: string, count = 1): void {
    const same = this.list.find((w) => w.code === code && w.message === message);
    if (same) same.count += count;
    else this.list.push({ code, message, count });
  }

  /** Append all warnings of another list. */
  addAll(list: readonly Warning[]): void {
    for (const w of list) this.warn(w.code, w.message, w.count);
  }
}
