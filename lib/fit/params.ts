/**
 * Resolve a law's parameter specs and the user's per-parameter options into one validated
 * description: scale, bounds, start grid, fixed value or tie.
 *
 * @module
 */

import type { Law } from "../laws/types.ts";
import type { ParamOptions } from "./types.ts";
import { didYouMean, listNames } from "./_names.ts";

/** A parameter after merging the law's spec with the user's options. */
export interface ResolvedParam {
  /** Parameter name. */
  name: string;
  /** Index in `law.params`. */
  index: number;
  /** Optimisation scale: `"log"` parameters are optimised as their logarithm. */
  scale: "linear" | "log";
  /** Lower bound, natural space (may be -Infinity). */
  min: number;
  /** Upper bound, natural space (may be +Infinity). */
  max: number;
  /** Start values (natural space): the `start` option, else the grid option, else the law's. */
  grid: number[];
  /** Value when the parameter is held fixed. */
  fixed?: number;
  /**
   * Index (in `law.params`) of the free or fixed parameter this one follows, after resolving
   * chains of ties.
   */
  tie?: number;
}

const KNOWN_OPTIONS = ["start", "grid", "min", "max", "fixed", "tie", "scale"];

function fail(law: Law, what: string, expected: string): never {
  throw new RangeError(`Cannot fit ${JSON.stringify(law.name)}: ${what}; expected ${expected}`);
}

function checkNumber(law: Law, name: string, key: string, v: unknown, finite: boolean): number {
  if (typeof v !== "number" || Number.isNaN(v) || (finite && !Number.isFinite(v))) {
    fail(law, `option ${key} of parameter ${JSON.stringify(name)} is ${String(v)}`, "a number");
  }
  return v;
}

/**
 * Merge `law.params` (and `law.ties`) with per-parameter options and validate them.
 *
 * A user `fixed` or `tie` replaces a tie declared by the law. Ties are resolved to their final
 * target (a tie to a tied parameter follows the chain); the target's bounds become the
 * intersection of both parameters' bounds. Parameters with `scale: "log"` must have positive
 * start values and a positive upper bound.
 *
 * @param law The law.
 * @param options Per-parameter options keyed by name.
 * @returns One entry per law parameter, in the law's order.
 * @throws {RangeError} Unknown parameter or option names (with a did-you-mean hint), min ≥ max,
 * a start, grid value or fixed value outside the bounds, fixed and tie on the same parameter,
 * ties to unknown parameters or in a cycle.
 *
 * @example Fix E and tie beta to alpha
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveParams } from "./params.ts";
 * import { chinchilla } from "../laws/chinchilla.ts";
 * const ps = resolveParams(chinchilla, { E: { fixed: 1.8 }, beta: { tie: "alpha" } });
 * assert.equal(ps[0].fixed, 1.8);
 * assert.equal(ps[4].tie, 3);
 * assert.throws(() => resolveParams(chinchilla, { alpah: { min: 0 } }), /did you mean "alpha"/);
 * ```
 */
export function resolveParams(
  law: Law,
  options: Record<string, ParamOptions> = {},
): ResolvedParam[] {
  const names = law.params.map((s) => s.name);
  for (const key of Object.keys(options)) {
    if (!names.includes(key)) {
      fail(
        law,
        `parameter ${JSON.stringify(key)} is unknown`,
        `one of ${listNames(names)}${didYouMean(key, names)}`,
      );
    }
    const o = options[key] as Record<string, unknown>;
    for (const k of Object.keys(o ?? {})) {
      if (!KNOWN_OPTIONS.includes(k)) {
        fail(
          law,
          `option ${JSON.stringify(k)} of parameter ${JSON.stringify(key)} is unknown`,
          `one of ${listNames(KNOWN_OPTIONS)}${didYouMean(k, KNOWN_OPTIONS)}`,
        );
      }
    }
  }
  const tieName: (string | undefined)[] = [];
  const out: ResolvedParam[] = law.params.map((spec, index) => {
    const o: ParamOptions = options[spec.name] ?? {};
    const name = spec.name;
    const q = JSON.stringify(name);
    const scale = o.scale ?? spec.scale ?? "linear";
    if (scale !== "linear" && scale !== "log") {
      fail(law, `scale of parameter ${q} is ${JSON.stringify(scale)}`, `"linear" or "log"`);
    }
    const min = o.min !== undefined
      ? checkNumber(law, name, "min", o.min, false)
      : spec.min ?? -Infinity;
    const max = o.max !== undefined
      ? checkNumber(law, name, "max", o.max, false)
      : spec.max ?? Infinity;
    if (!(min < max)) fail(law, `parameter ${q} has min ${min} and max ${max}`, "min < max");
    if (scale === "log" && !(max > 0)) {
      fail(law, `parameter ${q} has scale "log" and max ${max}`, "a positive upper bound");
    }
    const inBounds = (v: number, what: string) => {
      if (v < min || v > max) {
        fail(
          law,
          `${what} ${v} of parameter ${q} is outside [${min}, ${max}]`,
          "a value within the bounds",
        );
      }
      if (scale === "log" && !(v > 0)) {
        fail(
          law,
          `${what} ${v} of parameter ${q} is not positive`,
          `a positive value for scale "log"`,
        );
      }
    };
    if (o.fixed !== undefined && o.tie !== undefined) {
      fail(law, `parameter ${q} is both fixed and tied`, "at most one of fixed and tie");
    }
    let grid: number[];
    if (o.start !== undefined) {
      inBounds(checkNumber(law, name, "start", o.start, true), "start");
      grid = [o.start];
    } else if (o.grid !== undefined) {
      if (!Array.isArray(o.grid) || o.grid.length === 0) {
        fail(law, `grid of parameter ${q} is empty`, "a non-empty list of numbers");
      }
      for (const v of o.grid) inBounds(checkNumber(law, name, "grid", v, true), "grid value");
      grid = o.grid.slice();
    } else {
      // The law's own grid is clipped into the user's bounds (and de-duplicated).
      grid = [...new Set(spec.grid.map((v) => Math.min(max, Math.max(min, v))))];
      if (scale === "log") grid = grid.filter((v) => v > 0);
      if (grid.length === 0) {
        fail(law, `parameter ${q} has no usable start value`, "a grid or a start");
      }
    }
    const r: ResolvedParam = { name, index, scale, min, max, grid };
    if (o.fixed !== undefined) {
      const v = checkNumber(law, name, "fixed", o.fixed, true);
      inBounds(v, "fixed value");
      r.fixed = v;
    }
    let t = o.tie;
    if (t === undefined && o.fixed === undefined) t = law.ties?.[name];
    if (t !== undefined) {
      if (!names.includes(t)) {
        fail(
          law,
          `parameter ${q} is tied to unknown parameter ${JSON.stringify(t)}`,
          `one of ${listNames(names)}${didYouMean(t, names)}`,
        );
      }
      if (t === name) fail(law, `parameter ${q} is tied to itself`, "a tie to another parameter");
    }
    tieName[index] = t;
    return r;
  });
  // Resolve chains of ties to their final target and detect cycles.
  for (const r of out) {
    if (tieName[r.index] === undefined) continue;
    const seen = new Set<number>([r.index]);
    let j = names.indexOf(tieName[r.index]!);
    while (tieName[j] !== undefined) {
      if (seen.has(j)) {
        fail(
          law,
          `ties starting at parameter ${JSON.stringify(r.name)} form a cycle`,
          "ties without cycles",
        );
      }
      seen.add(j);
      j = names.indexOf(tieName[j]!);
    }
    r.tie = j;
  }
  // A tie target must satisfy the bounds (and scale) of the parameters that follow it.
  for (const r of out) {
    if (r.tie === undefined) continue;
    const target = out[r.tie];
    if (target.fixed !== undefined) {
      if (target.fixed < r.min || target.fixed > r.max) {
        fail(
          law,
          `parameter ${
            JSON.stringify(r.name)
          } is tied to fixed ${target.name} = ${target.fixed} outside its bounds [${r.min}, ${r.max}]`,
          "a fixed value within the bounds of tied parameters",
        );
      }
      continue;
    }
    target.min = Math.max(target.min, r.min);
    target.max = Math.min(target.max, r.max);
    if (!(target.min < target.max)) {
      fail(
        law,
        `parameters ${JSON.stringify(r.name)} and ${
          JSON.stringify(target.name)
        } are tied but their bounds do not overlap`,
        "overlapping bounds",
      );
    }
    target.grid = [
      ...new Set(target.grid.map((v) => Math.min(target.max, Math.max(target.min, v)))),
    ];
  }
  return out;
}
