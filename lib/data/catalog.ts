/**
 * Find, verify and load the datasets of the catalog (`data/catalog.ts`).
 *
 * A file `<dataset>/<file>` is looked for, in order:
 * 1. in the mirror directory `options.dataDir`, else `$SCALING_DATA_DIR` (layout
 *    `<dataset>/<file>`);
 * 2. in the user cache `options.cacheDir`, else `$SCALING_CACHE_DIR`, else
 *    `$XDG_CACHE_HOME/scaling-toolkit`, else `~/.cache/scaling-toolkit`;
 * 3. only when `options.allowNetwork` is true (or `SCALING_ALLOW_NETWORK=1`): downloaded from
 *    the catalog's raw URL at the fixed commit, checked against the sha256 and written into
 *    the cache atomically (temporary file, then rename).
 *
 * Every file found is checked against the catalog's sha256 (unless `verify: false`); a check is
 * remembered for the process as long as the file's size and modification time do not change,
 * so repeated loads read the file once.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  CATALOG,
  type CatalogEntry,
  type CatalogFile,
  type CatalogTable,
} from "../../data/catalog.ts";
import { DataError } from "../util/errors.ts";
import { editDistance } from "../util/suggest.ts";
import { loadTable } from "./load.ts";
import { buildLadder } from "./mapping.ts";
import type { Ladder, Provenance, RawTable } from "./schema.ts";

export type {
  CatalogEntry,
  CatalogExtra,
  CatalogFile,
  CatalogTable,
  MetricKindsFile,
} from "../../data/catalog.ts";

/** Fetch the bytes at a URL; rejects on any failure (HTTP status included). */
export type Fetcher = (url: string) => Promise<Uint8Array>;

/** Where to look for dataset files and whether to download them. */
export interface CatalogOptions {
  /** Mirror directory with layout `<dataset>/<file>`. @default $SCALING_DATA_DIR */
  dataDir?: string;
  /**
   * User cache directory (same layout); downloads are written here.
   * @default $SCALING_CACHE_DIR, else $XDG_CACHE_HOME/scaling-toolkit, else ~/.cache/scaling-toolkit
   */
  cacheDir?: string;
  /** Download missing files from the catalog URL. @default $SCALING_ALLOW_NETWORK === "1" */
  allowNetwork?: boolean;
  /** Check files found in the mirror or cache against the catalog sha256 (downloads are always
   * checked). @default true */
  verify?: boolean;
  /** Function used to download (for tests or a proxy). @default global `fetch` */
  fetch?: Fetcher;
}

/** A dataset file located on disk. */
export interface ResolvedFile {
  dataset: string;
  /** File name within the dataset. */
  file: string;
  /** Path on disk. */
  path: string;
  /** The catalog's sha256 (equal to the file's unless verification was skipped). */
  sha256: string;
  /** Data rows according to the catalog. */
  rows: number;
  /** Where it was found. */
  origin: "mirror" | "cache" | "download";
  /** How the sha256 was checked: hashed now, remembered from earlier in the process, skipped. */
  verification: "hashed" | "cached" | "skipped";
}

/** No copy of a dataset file was found and none could be downloaded. */
export class DatasetNotFoundError extends Error {
  /** `<dataset>/<file>`. */
  readonly key: string;
  /** Paths looked at, in order. */
  readonly looked: string[];
  constructor(message: string, key: string, looked: string[]) {
    super(message);
    this.name = "DatasetNotFoundError";
    this.key = key;
    this.looked = looked;
  }
}

/** Per-process memory of verified files: path → size, mtime and sha256 at check time. */
const verified = new Map<string, { size: number; mtime: number; sha256: string }>();

function env(name: string): string | undefined {
  try {
    const v = Deno.env.get(name);
    return v === "" ? undefined : v;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

function defaultCacheDir(): string | undefined {
  const explicit = env("SCALING_CACHE_DIR");
  if (explicit) return explicit;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return join(xdg, "scaling-toolkit");
  const home = env("HOME") ?? env("USERPROFILE");
  return home ? join(home, ".cache", "scaling-toolkit") : undefined;
}

/** The closest known name, if it is close enough to be a likely typo. */
function didYouMean(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const kl = k.toLowerCase();
    const d = lower.length > 0 && (kl.includes(lower) || lower.includes(kl))
      ? 0.5
      : editDistance(lower, kl);
    if (d < bestScore) {
      bestScore = d;
      best = k;
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function unknownName(
  what: string,
  name: string,
  known: readonly string[],
  dataset?: string,
): RangeError {
  const guess = didYouMean(name, known);
  const of = dataset === undefined ? "" : ` of dataset ${JSON.stringify(dataset)}`;
  return new RangeError(
    `Cannot find ${what} ${JSON.stringify(name)}${of}: expected one of ${
      known.map((k) => JSON.stringify(k)).join(", ")
    }` + (guess ? `; did you mean ${JSON.stringify(guess)}?` : ""),
  );
}

/**
 * The catalog entry of a dataset.
 *
 * @throws {RangeError} when the name is unknown (the message lists the known names and the
 * closest one).
 */
export function catalogEntry(dataset: string): CatalogEntry {
  const entry = CATALOG.find((e) => e.name === dataset);
  if (!entry) throw unknownName("dataset", dataset, CATALOG.map((e) => e.name));
  return entry;
}

/**
 * A table of a dataset (the first when `table` is omitted).
 *
 * @throws {RangeError} when the dataset or table is unknown.
 */
export function catalogTable(dataset: string, table?: string): CatalogTable {
  const entry = catalogEntry(dataset);
  if (table === undefined) return entry.tables[0];
  const t = entry.tables.find((x) => x.name === table);
  if (!t) {
    throw unknownName("table", table, entry.tables.map((x) => x.name), dataset);
  }
  return t;
}

function catalogFile(entry: CatalogEntry, file: string): CatalogFile {
  const f = entry.files.find((x) => x.name === file);
  if (!f) {
    throw unknownName("file", file, entry.files.map((x) => x.name), entry.name);
  }
  return f;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function mismatch(path: string, key: string, expected: string, actual: string, fix: string) {
  return new DataError(
    `has sha256 ${actual}, but the catalog records ${expected} for ${key}`,
    { file: path, expected: `an unmodified copy of the file: ${fix}` },
  );
}

async function statFile(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info : undefined;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Check a file on disk against the catalog sha256, remembering the result. */
async function verifyOnDisk(
  path: string,
  info: Deno.FileInfo,
  key: string,
  expected: string,
  fix: string,
): Promise<"hashed" | "cached"> {
  const mtime = info.mtime?.getTime() ?? NaN;
  const seen = verified.get(path);
  if (seen && seen.size === info.size && seen.mtime === mtime && seen.sha256 === expected) {
    return "cached";
  }
  const actual = sha256Hex(await Deno.readFile(path));
  if (actual !== expected) {
    verified.delete(path);
    throw mismatch(path, key, expected, actual, fix);
  }
  verified.set(path, { size: info.size, mtime, sha256: actual });
  return "hashed";
}

async function defaultFetch(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} ${res.statusText}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** Write bytes to `dest` atomically: a temporary file in the same directory, then rename. */
async function writeAtomic(dest: string, dir: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${dest}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, dest);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Locate one file of a catalog dataset: mirror, then cache, then (only when allowed) download
 * into the cache. See the module documentation for the order and the environment variables.
 *
 * @param dataset Catalog dataset name, e.g. `"overtrain-gadre"`.
 * @param file File name within the dataset, e.g. `"runs.csv"`.
 * @param options Directories, network permission, verification, fetcher.
 * @returns The path and how it was found and checked.
 * @throws {RangeError} for an unknown dataset or file (with a did-you-mean).
 * @throws {DataError} when the file's sha256 differs from the catalog's.
 * @throws {DatasetNotFoundError} when no copy is found and none can be downloaded; the message
 * lists where it looked and the three ways to fix it.
 *
 * @example Find a file in a mirror
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveDatasetFile } from "./catalog.ts";
 * const dataDir = new URL("../../../shared/data", import.meta.url).pathname;
 * const f = await resolveDatasetFile("chinchilla-epoch", "chinchilla_fig4.csv", { dataDir });
 * assert.equal(f.origin, "mirror");
 * assert.equal(f.rows, 245);
 * ```
 */
export async function resolveDatasetFile(
  dataset: string,
  file: string,
  options: CatalogOptions = {},
): Promise<ResolvedFile> {
  const entry = catalogEntry(dataset);
  const spec = catalogFile(entry, file);
  const key = `${dataset}/${file}`;
  const verify = options.verify ?? true;
  const found = (path: string, origin: ResolvedFile["origin"], v: ResolvedFile["verification"]) =>
    ({
      dataset,
      file,
      path,
      sha256: spec.sha256,
      rows: spec.rows,
      origin,
      verification: v,
    }) satisfies ResolvedFile;

  const looked: string[] = [];
  const lines: string[] = [];
  const dataDir = options.dataDir ?? env("SCALING_DATA_DIR");
  if (dataDir !== undefined) {
    const path = join(dataDir, dataset, file);
    looked.push(path);
    const info = await statFile(path);
    if (info) {
      if (!verify) return found(path, "mirror", "skipped");
      const v = await verifyOnDisk(
        path,
        info,
        key,
        spec.sha256,
        "the mirror holds a different version; restore it from the source named in the " +
          "dataset's SOURCE.md, or pass verify: false to use it as it is",
      );
      return found(path, "mirror", v);
    }
    lines.push(`  - mirror: ${path} (not found)`);
  } else {
    lines.push("  - mirror: none (SCALING_DATA_DIR is not set and no dataDir option was given)");
  }

  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cachePath = cacheDir === undefined ? undefined : join(cacheDir, dataset, file);
  if (cachePath !== undefined) {
    looked.push(cachePath);
    const info = await statFile(cachePath);
    if (info) {
      if (!verify) return found(cachePath, "cache", "skipped");
      const v = await verifyOnDisk(
        cachePath,
        info,
        key,
        spec.sha256,
        `delete ${cachePath} and fetch it again (SCALING_ALLOW_NETWORK=1), or pass verify: false ` +
          "to use it as it is",
      );
      return found(cachePath, "cache", v);
    }
    lines.push(`  - cache: ${cachePath} (not found)`);
  } else {
    lines.push("  - cache: none (no SCALING_CACHE_DIR, XDG_CACHE_HOME or HOME)");
  }

  const allowNetwork = options.allowNetwork ?? env("SCALING_ALLOW_NETWORK") === "1";
  if (allowNetwork && spec.url !== null && cachePath !== undefined && cacheDir !== undefined) {
    const fetcher = options.fetch ?? defaultFetch;
    let bytes: Uint8Array;
    try {
      bytes = await fetcher(spec.url);
    } catch (err) {
      lines.push(
        `  - download: ${spec.url} failed (${err instanceof Error ? err.message : String(err)})`,
      );
      throw notFound(key, looked, lines, spec, cachePath);
    }
    const actual = sha256Hex(bytes);
    if (actual !== spec.sha256) {
      throw mismatch(
        spec.url,
        key,
        spec.sha256,
        actual,
        "the download was corrupted or the upstream file changed; nothing was written to the " +
          "cache; get the file from a mirror (SCALING_DATA_DIR) instead",
      );
    }
    await writeAtomic(cachePath, join(cacheDir, dataset), bytes);
    const info = await Deno.stat(cachePath);
    verified.set(cachePath, {
      size: info.size,
      mtime: info.mtime?.getTime() ?? NaN,
      sha256: actual,
    });
    return found(cachePath, "download", "hashed");
  }
  if (spec.url === null) {
    lines.push("  - download: impossible (converted file with no upstream URL)");
  } else if (!allowNetwork) {
    lines.push(`  - download: not attempted (network not allowed) from ${spec.url}`);
  } else {
    lines.push("  - download: not attempted (no cache directory to write to)");
  }
  throw notFound(key, looked, lines, spec, cachePath);
}

function notFound(
  key: string,
  looked: string[],
  lines: string[],
  spec: CatalogFile,
  cachePath: string | undefined,
): DatasetNotFoundError {
  const third = spec.url === null
    ? "  3. downloading is not possible for this file: it was converted from upstream data, " +
      "so only a mirror (1) or a copy in the cache (2) can provide it"
    : "  3. allow downloading it with SCALING_ALLOW_NETWORK=1 (or the allowNetwork option); " +
      "it is checked against the catalog sha256 and saved in the cache";
  const message = [
    `Cannot find dataset file ${JSON.stringify(key)}: no copy in the places looked at`,
    ...lines,
    "Fix it in one of three ways:",
    "  1. set SCALING_DATA_DIR (or the dataDir option) to a mirror of the datasets, laid out " +
    "as <dataset>/<file>",
    `  2. put the file in the cache as ${
      cachePath ?? "<cache>/" + key
    } (SCALING_CACHE_DIR or the cacheDir option choose the cache directory)`,
    third,
  ].join("\n");
  return new DatasetNotFoundError(message, key, looked);
}

async function loadResolved(
  dataset: string,
  file: string,
  resolved: ResolvedFile,
): Promise<{ table: RawTable; prov: Provenance["files"][number] }> {
  const table = await loadTable(resolved.path);
  // The dataset-relative name, not the on-disk path, so that provenance (and results.json) is
  // the same on every machine; `origin` records where this copy came from.
  const prov: Provenance["files"][number] = { path: `${dataset}/${file}` };
  if (resolved.verification !== "skipped") prov.sha256 = resolved.sha256;
  prov.rows = table.rows.length;
  prov.origin = resolved.origin;
  return { table, prov };
}

/**
 * Load a table of a catalog dataset as a {@link Ladder}, with its provenance (dataset, files with
 * their dataset-relative name `<dataset>/<file>`, sha256, row count and origin: mirror, cache
 * or download).
 *
 * @param dataset Catalog dataset name.
 * @param table Table name; the dataset's first table when omitted.
 * @param options Where to find the files; see {@link resolveDatasetFile}.
 * @throws {RangeError} for unknown names, {@link DataError} for a hash mismatch or bad data,
 * {@link DatasetNotFoundError} when a file is missing.
 *
 * @example Load Chinchilla's Figure 4 points
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "./catalog.ts";
 * const dataDir = new URL("../../../shared/data", import.meta.url).pathname;
 * const ladder = await loadDataset("chinchilla-epoch", "fig4", { dataDir });
 * assert.equal(ladder.runs.length, 245);
 * assert.deepEqual(ladder.metrics, ["loss"]);
 * assert.equal(ladder.provenance.dataset, "chinchilla-epoch");
 * assert.equal(ladder.provenance.files[0].path, "chinchilla-epoch/chinchilla_fig4.csv");
 * assert.equal(ladder.provenance.files[0].origin, "mirror");
 * ```
 */
export async function loadDataset(
  dataset: string,
  table?: string,
  options: CatalogOptions = {},
): Promise<Ladder> {
  const spec = catalogTable(dataset, table);
  const main = await loadResolved(
    dataset,
    spec.file,
    await resolveDatasetFile(dataset, spec.file, options),
  );
  const files: Provenance["files"] = [main.prov];
  let runs: RawTable | undefined;
  if (spec.runsFile !== undefined) {
    const r = await loadResolved(
      dataset,
      spec.runsFile,
      await resolveDatasetFile(dataset, spec.runsFile, options),
    );
    runs = r.table;
    files.push(r.prov);
  }
  let kindsTable: RawTable | undefined;
  if (spec.metricKindsFile !== undefined) {
    const k = await loadResolved(
      dataset,
      spec.metricKindsFile.file,
      await resolveDatasetFile(dataset, spec.metricKindsFile.file, options),
    );
    kindsTable = k.table;
    files.push(k.prov);
  }
  const provenance: Provenance = {
    dataset,
    files,
    note: `catalog table ${dataset}/${spec.name}: ${spec.description}`,
  };
  const ladder = buildLadder(
    main.table,
    spec.mapping,
    runs ? { runs, provenance } : { provenance },
  );
  ladder.provenance = provenance;
  if (kindsTable !== undefined && spec.metricKindsFile !== undefined) {
    const { metricColumn, kindColumn, kinds } = spec.metricKindsFile;
    const mi = kindsTable.columns.indexOf(metricColumn);
    const ki = kindsTable.columns.indexOf(kindColumn);
    if (mi < 0 || ki < 0) {
      throw new DataError(`has no column ${JSON.stringify(mi < 0 ? metricColumn : kindColumn)}`, {
        file: kindsTable.file ?? spec.metricKindsFile.file,
        expected: `columns ${JSON.stringify(metricColumn)} and ${JSON.stringify(kindColumn)}`,
      });
    }
    const present = new Set(ladder.metrics);
    for (let r = 0; r < kindsTable.rows.length; r++) {
      const row = kindsTable.rows[r];
      const kind = kinds[row[ki]];
      if (present.has(row[mi]) && kind !== undefined && !(row[mi] in ladder.metricKinds)) {
        ladder.metricKinds[row[mi]] = kind;
      }
    }
  }
  return ladder;
}

/**
 * One line per catalog table, `dataset/table`, its metric kinds and description, for a
 * command-line listing; the default table of each dataset is marked with `*`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listDatasets } from "./catalog.ts";
 * const lines = listDatasets();
 * assert.ok(lines.some((l) => l.startsWith("* overtrain-gadre/val_losses ")));
 * ```
 */
export function listDatasets(): string[] {
  const rows = CATALOG.flatMap((e) =>
    e.tables.map((t, i) => ({
      head: `${i === 0 ? "*" : " "} ${e.name}/${t.name}`,
      kinds: t.metricKinds.join(","),
      description: t.description,
    }))
  );
  const w1 = Math.max(...rows.map((r) => r.head.length));
  const w2 = Math.max(...rows.map((r) => r.kinds.length));
  return rows.map((r) => `${r.head.padEnd(w1)}  ${r.kinds.padEnd(w2)}  ${r.description}`);
}
