/**
 * Private helpers for naming things in error messages.
 *
 * @module
 */

import { nearestName } from "../util/suggest.ts";

/**
 * A " (did you mean "x"?)" suffix naming the closest candidate, or "" when none is close.
 *
 * @param name The unknown name.
 * @param candidates Allowed names.
 */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const near = nearestName(name, candidates);
  if (near === undefined) return "";
  const limit = Math.max(1, Math.floor(Math.max(name.length, near.name.length) / 3));
  return near.distance <= limit ? ` (did you mean ${JSON.stringify(near.name)}?)` : "";
}

/** Quote and join names: `"a", "b", "c"`. */
export function listNames(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}
