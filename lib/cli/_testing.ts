/**
 * Test helpers for the command-line tools (private to lib/cli tests).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Exit code and decoded output of one command-line run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const FIT_CLI = fileURLToPath(new URL("./fit.ts", import.meta.url));

/** Run `lib/cli/fit.ts` in a subprocess with `--allow-read --allow-env` and the given arguments. */
export async function runFitCli(args: readonly string[]): Promise<CliRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", FIT_CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
