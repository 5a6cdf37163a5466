/**
 * Test and benchmark helpers for the shared dataset mirror (not part of the public API).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/**
 * The dataset mirror (layout `<dataset>/<file>`): `$SCALING_DATA_DIR` when set (and readable),
 * else the `shared/data` folder beside the repository.
 */
export function sharedDataDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("SCALING_DATA_DIR");
  } catch {
    fromEnv = undefined; // no --allow-env: behave as if unset
  }
  return fromEnv || fileURLToPath(new URL("../../../shared/data", import.meta.url));
}

/** Chinchilla fit data: parameters N, tokens D and the final loss y. */
export interface EpochFitData {
  inputs: { N: Float64Array; D: Float64Array };
  y: Float64Array;
}

/**
 * Parse Epoch's Chinchilla CSV (`params,flops,tokens,loss`) and drop the 5 highest losses
 * (keep loss strictly below the 5th-largest), as Epoch's notebook does (240 of 245 rows).
 *
 * @param text The CSV text.
 * @returns Fit data with inputs N and D and the loss as y.
 * @throws {RangeError} when a column is missing.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epochFitData } from "./_testdata.ts";
 * const rows = [5, 4, 3, 2, 1, 0.5].map((l, i) => `${1e8 * (i + 1)},1e18,1e9,${l}`);
 * const data = epochFitData(["params,flops,tokens,loss", ...rows].join("\n"));
 * assert.deepEqual(Array.from(data.y), [0.5]);
 * ```
 */
export function epochFitData(text: string): EpochFitData {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new RangeError(`Cannot read the Chinchilla data: no column "${name}"`);
    return i;
  };
  const iN = col("params"), iD = col("tokens"), iL = col("loss");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const threshold = rows.map((r) => r[iL]).sort((a, b) => b - a)[4];
  const kept = rows.filter((r) => r[iL] < threshold);
  return {
    inputs: {
      N: Float64Array.from(kept, (r) => r[iN]),
      D: Float64Array.from(kept, (r) => r[iD]),
    },
    y: Float64Array.from(kept, (r) => r[iL]),
  };
}

/** The path of Epoch's Chinchilla CSV in the mirror. */
export function epochCsvPath(): string {
  return `${sharedDataDir()}/chinchilla-epoch/chinchilla_fig4.csv`;
}

/** Epoch's Chinchilla data from the mirror, without the 5 highest losses (240 rows). */
export function epochData(): EpochFitData {
  return epochFitData(Deno.readTextFileSync(epochCsvPath()));
}
