/**
 * "Did you mean" suggestions for misspelled names (private to lib/laws).
 *
 * @module
 */

import { nearestName } from "../util/suggest.ts";

/**
 * The candidate closest to `word` (case-insensitive), or undefined when none is within
 * max(1, floor(length / 3)) edits.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const near = nearestName(word, candidates);
  const limit = Math.max(1, Math.floor(word.length / 3));
  return near !== undefined && near.distance <= limit ? near.name : undefined;
}
