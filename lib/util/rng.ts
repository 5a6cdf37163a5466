/**
 * Seeded pseudo-random numbers. The same seed gives the same stream on every machine and
 * every number of workers: parallel work derives one stream per task with {@link substream}.
 *
 * @module
 */

/** A seeded generator of uniform numbers in [0, 1), plus helpers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** Mix a 32-bit integer (splitmix32-style finaliser). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A small-state generator (sfc32) seeded through a mixing function.
 *
 * @param seed Any integer (or float, which is truncated).
 * @example Same seed, same numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { rng } from "./rng.ts";
 * const a = rng(42), b = rng(42);
 * assert.equal(a.next(), b.next());
 * assert.ok(a.int(10) < 10);
 * ```
 */
export function rng(seed: number): Rng {
  let a = mix32((seed | 0) ^ 0x9e3779b9);
  let b = mix32(a ^ 0x85ebca6b);
  let c = mix32(b ^ 0xc2b2ae35);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    normal(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * Derive the seed of task `index` from a base seed, independent of how tasks are split
 * across workers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { substream } from "./rng.ts";
 * assert.equal(substream(42, 7), substream(42, 7));
 * assert.notEqual(substream(42, 7), substream(42, 8));
 * ```
 */
export function substream(seed: number, index: number): number {
  return mix32(mix32(seed | 0) ^ mix32((index + 0x632be5ab) | 0));
}
