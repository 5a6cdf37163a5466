/**
 * Cached natural logarithms of input columns. Laws evaluate the same columns thousands of times
 * inside optimiser loops; a logarithm costs ~20 ns, a comparison ~1 ns, so each cached column is
 * checked value by value against a private copy before reuse (a caller that mutates its array in
 * place gets fresh logarithms, never stale ones).
 *
 * @module
 */

interface Entry {
  values: Float64Array;
  logs: Float64Array;
}

const cache = new WeakMap<Float64Array, Entry>();

/**
 * Natural logarithms of `column`, computed once per distinct content.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logColumn } from "./_log_cache.ts";
 * const x = Float64Array.of(1, Math.E);
 * assert.deepEqual([...logColumn(x)], [0, 1]);
 * x[1] = 1;
 * assert.deepEqual([...logColumn(x)], [0, 0]);
 * ```
 */
export function logColumn(column: Float64Array): Float64Array {
  const hit = cache.get(column);
  if (hit && hit.values.length === column.length) {
    const v = hit.values;
    let same = true;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== column[i]) {
        same = false;
        break;
      }
    }
    if (same) return hit.logs;
  }
  const values = Float64Array.from(column);
  const logs = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) logs[i] = Math.log(values[i]);
  cache.set(column, { values, logs });
  return logs;
}
