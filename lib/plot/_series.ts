/**
 * Private: series keys (model sizes or labels), their colours and legend labels.
 *
 * @module
 */

import { CATEGORICAL, sequentialColors } from "./_layout.ts";
import { formatCount } from "./_ticks.ts";

/** Series key: a model size in parameters (number) or any label (string). */
export type SeriesKey = number | string;

/** Series in legend order (numbers ascending, strings by first appearance) with colours. */
export function seriesColors(keys: Iterable<SeriesKey>): Map<SeriesKey, string> {
  const unique = [...new Set(keys)];
  const numeric = unique.every((k) => typeof k === "number");
  if (numeric) unique.sort((a, b) => (a as number) - (b as number));
  const colors = numeric ? sequentialColors(unique.length) : CATEGORICAL;
  return new Map(unique.map((k, i) => [k, colors[i % colors.length]!]));
}

/** Default label of a series: 70M / 1.4B for numbers, the string otherwise. */
export function formatSeriesKey(key: SeriesKey): string {
  return typeof key === "number" ? formatCount(key) : key;
}
