/**
 * `deno task pipeline <file.json> [--out <reports dir>] [--data <mirror dir>] [--workers <n>]`:
 * run a JSON pipeline spec. An invalid spec prints every problem (with its JSON path) on stderr
 * and exits with code 2; nothing runs. A failing step exits with code 1.
 *
 * @module
 */

import { dirname } from "node:path";
import { runPipelineMain } from "../pipeline/main.ts";

/** Usage text. */
export const USAGE =
  "Usage: deno task pipeline <spec.json> [--out <reports dir>] [--data <mirror dir>] [--workers <n>]";

/** Parsed command-line arguments. */
export interface PipelineArgs {
  file: string;
  out: string;
  data?: string;
  workers?: number;
}

/**
 * Parse the command line.
 *
 * @throws {TypeError} with the usage when arguments are missing or unknown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePipelineArgs } from "./pipeline.ts";
 * assert.deepEqual(parsePipelineArgs(["a.json", "--workers", "2"]), {
 *   file: "a.json", out: "reports", workers: 2,
 * });
 * assert.throws(() => parsePipelineArgs([]), /Usage/);
 * ```
 */
export function parsePipelineArgs(args: readonly string[]): PipelineArgs {
  let file: string | undefined;
  const out: PipelineArgs = { file: "", out: "reports" };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) {
        throw new TypeError(`Cannot parse arguments: ${a} needs a value\n${USAGE}`);
      }
      return v;
    };
    if (a === "--out") out.out = value();
    else if (a === "--data") out.data = value();
    else if (a === "--workers") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) {
        throw new TypeError(
          `Cannot parse arguments: --workers is ${args[i]}; expected an integer >= 0`,
        );
      }
      out.workers = n;
    } else if (a.startsWith("-") || file !== undefined) {
      throw new TypeError(`Cannot parse arguments: ${JSON.stringify(a)} is not expected\n${USAGE}`);
    } else file = a;
  }
  if (file === undefined) throw new TypeError(`Cannot parse arguments: no spec file\n${USAGE}`);
  out.file = file;
  return out;
}

/** Run the command line; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let parsed: PipelineArgs;
  try {
    parsed = parsePipelineArgs(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  let spec: unknown;
  try {
    spec = JSON.parse(await Deno.readTextFile(parsed.file));
  } catch (e) {
    console.error(
      e instanceof SyntaxError
        ? `Cannot parse ${JSON.stringify(parsed.file)}: ${e.message}; expected JSON`
        : `Cannot read ${JSON.stringify(parsed.file)}: ${(e as Error).message}`,
    );
    return 2;
  }
  return await runPipelineMain(spec, {
    reportsDir: parsed.out,
    baseDir: dirname(parsed.file),
    ...(parsed.data !== undefined ? { dataDir: parsed.data } : {}),
    ...(parsed.workers !== undefined ? { workers: parsed.workers } : {}),
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
