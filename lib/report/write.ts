/**
 * Write a report folder atomically: `results.json`, `report.md`, `report.html`, `figures/<name>.svg`
 * and `.png`, and `timings.json` when timings are given. Everything is written into a temporary
 * sibling folder first, then swapped in by renaming, so a run that fails half-way leaves the
 * previous report as it was.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { svgToPng } from "../plot/render.ts";
import { stableJson } from "./format.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import type { Report } from "./types.ts";

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /**
   * PNG copies of the figures: `true` requires them (a rasteriser failure fails the write),
   * `false` skips them, `"auto"` tries and skips them when the rasteriser cannot run (for
   * example without `--allow-ffi`), saying so in the returned `notes`. @default "auto"
   */
  png?: boolean | "auto";
  /** Rasteriser. @default svgToPng of lib/plot/render.ts (resvg) */
  toPng?: (svg: string) => Promise<Uint8Array> | Uint8Array;
}

/** What {@link writeReport} wrote. */
export interface WriteReportResult {
  /** The report folder. */
  dir: string;
  /** Paths written, relative to `dir`, sorted. */
  files: string[];
  /** Whether PNG figures were written. */
  png: boolean;
  /** Remarks, e.g. why PNG figures were skipped. */
  notes: string[];
}

/** Figure names usable as file names. */
const FIGURE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function suffix(): string {
  return crypto.randomUUID().slice(0, 8);
}

/**
 * Write a report folder atomically.
 *
 * Contents are deterministic: results.json is stable JSON (rounded numbers, fixed key order) and
 * holds no timestamps or durations (those go to `timings.json`); SVGs are written as given.
 *
 * @param dir The report folder, e.g. `reports/chinchilla`; its parent is created if needed.
 * @param report Results, figures and optional timings.
 * @param options PNG handling.
 * @returns The files written.
 * @throws {RangeError} when a figure name is not a plain file name or names repeat; any I/O
 * error. On any error the previous contents of `dir` are left intact and the temporary folder
 * is removed.
 * @example Write a small report into a temporary folder
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeReport } from "./write.ts";
 * const dir = (await Deno.makeTempDir()) + "/report";
 * const results = {
 *   toolkit: { name: "t", version: "0" },
 *   pipeline: { name: "p", title: "P", description: null, seed: 0 },
 *   data: null, fits: {}, allocations: {}, isoflops: {}, evaluations: {}, comparisons: [],
 *   figures: [{ name: "dot", title: "Dot", alt: "A dot" }], warnings: [], spec: null,
 * };
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>';
 * const out = await writeReport(dir, { results, figures: [{ ...results.figures[0], svg }] }, {
 *   png: false,
 * });
 * assert.deepEqual(out.files, ["figures/dot.svg", "report.html", "report.md", "results.json"]);
 * assert.equal(await Deno.readTextFile(dir + "/figures/dot.svg"), svg);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReport(
  dir: string,
  report: Report,
  options: WriteReportOptions = {},
): Promise<WriteReportResult> {
  const { png = "auto", toPng = svgToPng } = options;
  const names = new Set<string>();
  for (const f of report.figures) {
    if (!FIGURE_NAME.test(f.name) || names.has(f.name)) {
      throw new RangeError(
        `Cannot write report: figure name ${JSON.stringify(f.name)} is ${
          names.has(f.name) ? "repeated" : "not a plain file name"
        }; expected unique names of letters, digits, ".", "_" and "-"`,
      );
    }
    names.add(f.name);
  }
  const parent = dirname(dir);
  const base = basename(dir);
  await Deno.mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${base}.tmp-${suffix()}`);
  const files: string[] = [];
  const notes: string[] = [];
  let wrotePng = false;
  try {
    await Deno.mkdir(join(tmp, "figures"), { recursive: true });
    const write = async (rel: string, data: string | Uint8Array) => {
      const path = join(tmp, rel);
      if (typeof data === "string") await Deno.writeTextFile(path, data);
      else await Deno.writeFile(path, data);
      files.push(rel);
    };
    await write("results.json", stableJson(report.results));
    const pngs: Uint8Array[] = [];
    if (png !== false && report.figures.length > 0) {
      try {
        for (const f of report.figures) pngs.push(await toPng(f.svg));
        wrotePng = true;
      } catch (e) {
        if (png === true) throw e;
        pngs.length = 0;
        notes.push(
          `PNG figures skipped: ${(e as Error).message.split("\n")[0]}; the reports link the SVGs`,
        );
      }
    }
    for (let i = 0; i < report.figures.length; i++) {
      const f = report.figures[i];
      await write(`figures/${f.name}.svg`, f.svg);
      if (wrotePng) await write(`figures/${f.name}.png`, pngs[i]);
    }
    await write("report.md", renderMarkdown(report.results, { png: wrotePng }));
    await write("report.html", renderHtml(report.results));
    if (report.timings) await write("timings.json", stableJson(report.timings));
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  // Swap: move the old folder aside, move the new one in, then delete the old one.
  let old: string | undefined;
  if (await exists(dir)) {
    old = join(parent, `.${base}.old-${suffix()}`);
    await Deno.rename(dir, old);
  }
  try {
    await Deno.rename(tmp, dir);
  } catch (e) {
    if (old) await Deno.rename(old, dir).catch(() => {});
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  if (old) await Deno.remove(old, { recursive: true }).catch(() => {});
  return { dir, files: files.sort(), png: wrotePng, notes };
}
