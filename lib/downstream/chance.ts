/**
 * Chance levels of downstream tasks are data: read from a dataset's own table where it ships
 * one, else from a documented default table. Fits take them as inputs (a fixed parameter, a
 * start value or a floor), never as a constant written inside a fit.
 *
 * @module
 */

import { CATALOG } from "../../data/catalog.ts";
import { catalogEntry, type CatalogOptions, resolveDatasetFile } from "../data/catalog.ts";
import { loadTable } from "../data/load.ts";
import type { RawTable } from "../data/schema.ts";
import { DataError } from "../util/errors.ts";
import { nearestName } from "../util/suggest.ts";

/**
 * Default chance accuracy (fraction) of common tasks, keyed by the task names used by the OLMo
 * ladder (methods.md 1.7) and their usual aliases:
 * - 4-way multiple choice, 0.25: mmlu, hellaswag, arc_challenge, arc_easy, openbookqa
 *   (openbook_qa);
 * - 2-way, 0.5: piqa, boolq, winogrande;
 * - SocialIQA, 3-way, 1/3: socialiqa (siqa, social_iqa);
 * - CommonsenseQA, 5-way, 0.2: csqa (commonsense_qa).
 */
export const DEFAULT_CHANCE_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  mmlu: 0.25,
  hellaswag: 0.25,
  arc_challenge: 0.25,
  arc_easy: 0.25,
  openbookqa: 0.25,
  openbook_qa: 0.25,
  piqa: 0.5,
  boolq: 0.5,
  winogrande: 0.5,
  socialiqa: 1 / 3,
  siqa: 1 / 3,
  social_iqa: 1 / 3,
  csqa: 0.2,
  commonsense_qa: 0.2,
});

/** Chance levels by task, with where each came from. */
export interface ChanceTable {
  /** Chance accuracy (fraction in [0, 1]) by task name. */
  levels: Record<string, number>;
  /** Origin of each level: `"default"` or `"<dataset>/<file>"`. */
  origin: Record<string, string>;
}

/** Options of {@link chanceLevels}: where to find dataset files, and whether to add defaults. */
export interface ChanceLevelsOptions extends CatalogOptions {
  /**
   * Add {@link DEFAULT_CHANCE_LEVELS} for tasks the dataset's table does not list (the dataset's
   * values win where both exist). @default true
   */
  defaults?: boolean;
}

/** Datasets of the catalog whose extras include a `chanceLevels` file. */
function datasetsWithTables(): string[] {
  return CATALOG.filter((e) => e.extras.chanceLevels?.file !== undefined).map((e) => e.name);
}

/**
 * Read a chance table: one row per task, the chance accuracy in `unit` (percent or fraction).
 * Rows with an empty task cell are skipped.
 */
function parseChanceTable(
  table: RawTable,
  columns: { task: string; chance: string },
  unit: string | undefined,
): Record<string, number> {
  const file = table.file;
  const ti = table.columns.indexOf(columns.task);
  const ci = table.columns.indexOf(columns.chance);
  for (const [name, i] of [[columns.task, ti], [columns.chance, ci]] as const) {
    if (i < 0) {
      throw new DataError(`has no column ${JSON.stringify(name)}`, {
        file,
        expected: `columns ${JSON.stringify(columns.task)} and ${JSON.stringify(columns.chance)}`,
      });
    }
  }
  const scale = unit === "percent" ? 0.01 : 1;
  const out: Record<string, number> = {};
  table.rows.forEach((row, r) => {
    const task = row[ti].trim();
    if (task === "") return;
    const text = row[ci].trim();
    const value = Number(text) * scale;
    if (text === "" || !(value >= 0 && value <= 1)) {
      throw new DataError("is not a chance level", {
        file,
        line: table.lines[r],
        column: columns.chance,
        columnIndex: ci + 1,
        value: text,
        expected: unit === "percent" ? "a number in [0, 100] (percent)" : "a number in [0, 1]",
      });
    }
    out[task] = value;
  });
  return out;
}

/**
 * Chance levels of downstream tasks.
 *
 * With `source` `"default"`, the documented {@link DEFAULT_CHANCE_LEVELS}. With a catalog dataset
 * name, the dataset's own chance table (its catalog extra `chanceLevels`: for `overtrain-gadre`,
 * `eval_metadata.csv`, column "Random baseline" in percent, converted to a fraction), located
 * like any dataset file (mirror, cache, download; see `lib/data/catalog.ts`), plus the defaults
 * for tasks it does not list.
 *
 * @param source `"default"` or a catalog dataset name that ships a chance table.
 * @param options Where to find the files; `defaults: false` to use only the dataset's table.
 * @returns Levels (fractions) and the origin of each.
 * @throws {RangeError} For an unknown dataset or a dataset without a chance table.
 * @throws {DataError} When the table lacks the columns or a value is not a chance level.
 *
 * @example The default table
 * ```ts
 * import assert from "node:assert/strict";
 * import { chanceLevels } from "./chance.ts";
 * const table = await chanceLevels("default");
 * assert.equal(table.levels.csqa, 0.2);
 * assert.equal(table.origin.piqa, "default");
 * ```
 *
 * @example Gadre et al.'s table, in percent in the file
 * ```ts
 * import assert from "node:assert/strict";
 * import { chanceLevels } from "./chance.ts";
 * const dataDir = new URL("../../../shared/data", import.meta.url).pathname;
 * const table = await chanceLevels("overtrain-gadre", { dataDir });
 * assert.equal(table.levels.hellaswag_zeroshot, 0.25);
 * assert.equal(table.origin.boolq, "overtrain-gadre/eval_metadata.csv");
 * ```
 */
export async function chanceLevels(
  source = "default",
  options: ChanceLevelsOptions = {},
): Promise<ChanceTable> {
  const levels: Record<string, number> = {};
  const origin: Record<string, string> = {};
  if (source === "default" || (options.defaults ?? true)) {
    for (const [task, v] of Object.entries(DEFAULT_CHANCE_LEVELS)) {
      levels[task] = v;
      origin[task] = "default";
    }
  }
  if (source === "default") return { levels, origin };
  const entry = catalogEntry(source);
  const extra = entry.extras.chanceLevels;
  const task = extra?.columns?.task, chance = extra?.columns?.chance;
  if (extra?.file === undefined || task === undefined || chance === undefined) {
    throw new RangeError(
      `Cannot read chance levels of dataset ${JSON.stringify(source)}: the catalog lists no ` +
        `chance table for it; expected "default" or one of ${
          datasetsWithTables().map((n) => JSON.stringify(n)).join(", ")
        }`,
    );
  }
  const { dataDir, cacheDir, allowNetwork, verify, fetch } = options;
  const resolved = await resolveDatasetFile(source, extra.file, {
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(allowNetwork !== undefined ? { allowNetwork } : {}),
    ...(verify !== undefined ? { verify } : {}),
    ...(fetch !== undefined ? { fetch } : {}),
  });
  const table = await loadTable(resolved.path);
  const parsed = parseChanceTable(table, { task, chance }, extra.unit);
  for (const [t, v] of Object.entries(parsed)) {
    levels[t] = v;
    origin[t] = `${source}/${extra.file}`;
  }
  return { levels, origin };
}

/**
 * The chance level of one task, looked up exactly, then case-insensitively.
 *
 * @param table A table from {@link chanceLevels}.
 * @param task Task name.
 * @returns The chance accuracy (fraction).
 * @throws {RangeError} When the task is not in the table (the message names the closest ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chanceLevel, chanceLevels } from "./chance.ts";
 * const table = await chanceLevels();
 * assert.equal(chanceLevel(table, "SocialIQA"), 1 / 3);
 * assert.throws(() => chanceLevel(table, "hellaswagg"), /did you mean "hellaswag"/);
 * ```
 */
export function chanceLevel(table: ChanceTable, task: string): number {
  const exact = table.levels[task];
  if (exact !== undefined) return exact;
  const lower = task.toLowerCase();
  for (const [t, v] of Object.entries(table.levels)) if (t.toLowerCase() === lower) return v;
  const names = Object.keys(table.levels);
  const guess = nearestName(task, names);
  const hint = guess && guess.distance <= Math.max(2, Math.floor(task.length / 3))
    ? `; did you mean ${JSON.stringify(guess.name)}?`
    : "";
  throw new RangeError(
    `Cannot find the chance level of task ${JSON.stringify(task)}: the table has ${names.length} ` +
      `tasks; expected one of them, or a dataset chance table that lists it${hint}`,
  );
}
