/**
 * "Did you mean" suggestions for misspelled names, shared by the error messages of every folder.
 *
 * @module
 */

/**
 * Edit distance between two strings (case-sensitive): insertions, deletions, substitutions and
 * transpositions of adjacent characters each count 1 (optimal string alignment), so `"fti"` is 1
 * from `"fit"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editDistance } from "./suggest.ts";
 * assert.equal(editDistance("kitten", "sitting"), 3);
 * assert.equal(editDistance("fti", "fit"), 1);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const n = b.length;
  // Three rolling rows: i - 2, i - 1 and i.
  let before = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      cur[j] = d;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[n];
}

/**
 * The candidate nearest to `word` by case-insensitive edit distance (the first one on ties),
 * with that distance; undefined when there are no candidates. Callers decide how near is near
 * enough to suggest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearestName } from "./suggest.ts";
 * assert.deepEqual(nearestName("Chinchila", ["kaplan", "chinchilla"]), {
 *   name: "chinchilla",
 *   distance: 1,
 * });
 * assert.equal(nearestName("x", []), undefined);
 * ```
 */
export function nearestName(
  word: string,
  candidates: Iterable<string>,
): { name: string; distance: number } | undefined {
  const w = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(w, c.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: c, distance };
  }
  return best;
}
