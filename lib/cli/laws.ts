/**
 * `deno task laws`: the law catalog from the command line.
 *
 * ```
 * deno task laws                     every law: formula, inputs, parameters, paper
 * deno task laws --law <name|expr>   one law in detail, with a runnable `deno task fit` example
 * deno task laws --json [--law ...]  the same as JSON
 * deno task laws --markdown          the catalog page (docs/laws.md) on stdout
 * deno run --allow-read --allow-write=docs lib/cli/laws.ts --write docs/laws.md
 *                                    write the catalog page atomically
 * ```
 *
 * Laws come from the registry (lib/laws/registry.ts) in three groups: the built-in laws of the
 * fitting engine, the literature catalog, and the downstream mappings (loss or compute to
 * accuracy). Examples come from lib/cli/law_examples.ts, where each is tested through
 * `deno task fit` by lib/cli/fit_laws_test.ts. Bad input prints one line on stderr and exits
 * with code 2.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { basename, dirname, join } from "node:path";
import { getLaw, listLaws } from "../laws/registry.ts";
import { LITERATURE_LAWS_A } from "../laws/literature_a.ts";
import { LITERATURE_LAWS_B } from "../laws/literature_b.ts";
import { DOWNSTREAM_LAWS } from "../downstream/laws.ts";
import type { Law } from "../laws/types.ts";
import { InputError } from "../util/errors.ts";
import { exampleCommand, exampleCsv, exampleFor } from "./law_examples.ts";

/** Group of a law in the catalog. */
export type LawGroup = "built-in" | "literature" | "downstream" | "expression";

const GROUP_TITLES: Record<LawGroup, string> = {
  "built-in": "Built-in laws",
  literature: "Literature catalog",
  downstream: "Downstream mappings",
  expression: "Expression",
};

const GROUP_INTROS: Record<LawGroup, string> = {
  "built-in": "Loss laws of the fitting engine: Chinchilla and its relatives.",
  literature: "Laws from the scaling-law literature, each in the paper's form, with the " +
    "paper's parametrisation, a default start grid and bounds.",
  downstream: "Mappings from loss (or compute) to downstream accuracy or error, for the " +
    "second step of a two-step prediction (lib/downstream/chain.ts).",
  expression: "A law compiled from an expression.",
};

/** Forms of a law reachable by `--law` that the registry builds on demand. */
const VARIANTS: Record<string, string> = {
  "data-mixing": "Any number of training domains: map each proportion with `--x r1=<column> " +
    "--x r2=<column> ... --x rM=<column>` (without `--x`, the columns named r1, r2, ... are " +
    "used); the registered default has two. Fit one law per target domain: give `--y` " +
    "several times or a glob (`--y 'loss/*'`).",
  bnsl: "`bnsl-<k>` is the broken power law with k breaks (`--law bnsl-3`); `bnsl-2` is " +
    "registered.",
  "optimal-hparams": "`optimal-batch` is the batch-size half of the same papers.",
  translation: "`translation-ce` is the cross-entropy form of the same paper.",
  overoptimization: "`overoptimization-bon` is the best-of-n form.",
};

/** One parameter, as listed. */
export interface ParamDescription {
  /** Position in the parameter vector (0-based). */
  index: number;
  name: string;
  doc?: string;
  /** Default start values (natural space). */
  grid: number[];
  /** Lower bound, or null when unbounded. */
  min: number | null;
  /** Upper bound, or null when unbounded. */
  max: number | null;
  /** `"log"` when optimised as its logarithm (positive). */
  scale: "linear" | "log";
  /** The parameter it is tied to by default, if any. */
  tiedTo?: string;
}

/** The runnable example of a law. */
export interface ExampleDescription {
  /** File name used in the command. */
  file: string;
  /** CSV content (noise-free data from `truth`). */
  csv: string;
  /** `deno task fit ...` command line. */
  command: string;
  /** Output column → the true parameters the fit recovers. */
  truth: Record<string, Record<string, number>>;
  note?: string;
}

/** Everything `deno task laws` shows about one law. */
export interface LawDescription {
  name: string;
  group: LawGroup;
  formula: string;
  doc: string;
  paper: string | null;
  /** What the formula was checked against (the law's `checked`), or null. */
  checked: string | null;
  inputs: { name: string; doc: string }[];
  params: ParamDescription[];
  /** Other forms reachable by `--law`. */
  variants?: string;
  example?: ExampleDescription;
}

/** Group by name: registry laws are rebuilt on demand (data-mixing for M domains, bnsl-k). */
function groupOf(law: Law): LawGroup {
  const named = (list: readonly Law[]) => list.some((l) => l.name === law.name);
  if (named(LITERATURE_LAWS_A) || named(LITERATURE_LAWS_B) || /^bnsl-\d+$/.test(law.name)) {
    return "literature";
  }
  if (named(DOWNSTREAM_LAWS)) return "downstream";
  return named(listLaws()) ? "built-in" : "expression";
}

/**
 * Describe a law: formula, inputs, parameters (order, grid, bounds), paper, variants, example.
 *
 * @param law The law (registered or compiled).
 * @returns Its description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeLaw } from "./laws.ts";
 * import { getLaw } from "../laws/registry.ts";
 * const d = describeLaw(getLaw("vocabulary"));
 * assert.equal(d.group, "literature");
 * assert.deepEqual(d.inputs.map((s) => s.name), ["Nnv", "Nv", "H"]);
 * assert.equal(d.params[0].name, "E");
 * assert.match(d.example!.command, /--x 'Nv=vocab_size\*embed_dim'/);
 * ```
 */
export function describeLaw(law: Law): LawDescription {
  const group = groupOf(law);
  const example = group === "expression" ? undefined : exampleFor(law.name);
  const out: LawDescription = {
    name: law.name,
    group,
    formula: law.formula,
    doc: law.doc,
    paper: law.paper ?? null,
    checked: law.checked ?? null,
    inputs: law.inputs.map((s) => ({ name: s.name, doc: s.doc })),
    params: law.params.map((s, index) => ({
      index,
      name: s.name,
      ...(s.doc !== undefined ? { doc: s.doc } : {}),
      grid: [...s.grid],
      min: s.min !== undefined && Number.isFinite(s.min) ? s.min : null,
      max: s.max !== undefined && Number.isFinite(s.max) ? s.max : null,
      scale: s.scale ?? "linear",
      ...(law.ties?.[s.name] !== undefined ? { tiedTo: law.ties[s.name] } : {}),
    })),
  };
  if (VARIANTS[law.name] !== undefined) out.variants = VARIANTS[law.name];
  if (example) {
    const file = `${law.name}.csv`;
    out.example = {
      file,
      csv: exampleCsv(example),
      command: exampleCommand(example, file),
      truth: example.outputs,
      ...(example.note !== undefined ? { note: example.note } : {}),
    };
  }
  return out;
}

/**
 * Describe every registered law, in registry order.
 *
 * @returns One description per law.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeLaws } from "./laws.ts";
 * const all = describeLaws();
 * assert.ok(all.some((d) => d.name === "data-mixing" && d.group === "literature"));
 * assert.ok(all.some((d) => d.name === "sigmoid" && d.group === "downstream"));
 * ```
 */
export function describeLaws(): LawDescription[] {
  return listLaws().map(describeLaw);
}

/** A number in 4 significant digits, exponent form outside [1e-3, 1e5). */
function num(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

/** Bounds in words: "≥ 0", "[0, 1]", "none". */
function bounds(p: ParamDescription): string {
  if (p.min !== null && p.max !== null) return `[${num(p.min)}, ${num(p.max)}]`;
  if (p.min !== null) return `≥ ${num(p.min)}`;
  if (p.max !== null) return `≤ ${num(p.max)}`;
  return "none";
}

function gridText(p: ParamDescription): string {
  return `{${p.grid.map(num).join(", ")}}`;
}

/** The truth of an example, `E = 1.82, A = 482, ...` per output. */
function truthText(example: ExampleDescription): string[] {
  return Object.entries(example.truth).map(([column, truth]) =>
    `${column}: ${Object.entries(truth).map(([k, v]) => `${k} = ${num(v)}`).join(", ")}`
  );
}

/**
 * The plain-text listing: per group, each law's formula, inputs, parameters (with bounds and
 * number of start values) and paper.
 *
 * @param laws Descriptions, e.g. from {@link describeLaws}.
 * @returns Text.
 */
export function formatLawList(laws: readonly LawDescription[]): string {
  const lines: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as LawGroup[]) {
    const members = laws.filter((d) => d.group === group);
    if (members.length === 0) continue;
    if (lines.length > 0) lines.push("");
    lines.push(`${GROUP_TITLES[group]} (${members.length})`);
    for (const d of members) {
      lines.push("");
      lines.push(`  ${d.name}`);
      lines.push(`    formula  ${d.formula}`);
      lines.push(`    inputs   ${d.inputs.map((s) => `${s.name}: ${s.doc}`).join("; ")}`);
      const params = d.params.map((p) => {
        const notes = [
          ...(p.scale === "log" ? ["log"] : []),
          ...(bounds(p) !== "none" ? [bounds(p)] : []),
          ...(p.tiedTo ? [`tied to ${p.tiedTo}`] : []),
          `${p.grid.length} start${p.grid.length === 1 ? "" : "s"}`,
        ];
        return `${p.name} (${notes.join(", ")})`;
      });
      lines.push(`    params   ${params.join(", ")}`);
      if (d.paper) lines.push(`    paper    ${d.paper}`);
    }
  }
  lines.push("");
  lines.push("One law in detail, with a runnable example: deno task laws --law <name>");
  return lines.join("\n");
}

/**
 * One law in detail: formula, description, paper, inputs, parameter table (order, start grid,
 * bounds, scale), variants and the runnable example.
 *
 * @param d The description.
 * @returns Text.
 */
export function formatLawDetail(d: LawDescription): string {
  const lines = [`${d.name} (${GROUP_TITLES[d.group].toLowerCase()})`, ""];
  lines.push(`Formula: ${d.formula}`);
  lines.push(d.doc);
  if (d.paper) lines.push(`Paper: ${d.paper}`);
  if (d.checked) lines.push(`Checked against: ${d.checked}`);
  lines.push("", "Inputs (--x INPUT=column):");
  for (const s of d.inputs) lines.push(`  ${s.name.padEnd(8)} ${s.doc}`);
  lines.push("", "Parameters, in order (start grid in natural space):");
  const rows = [["#", "name", "bounds", "scale", "start grid"]];
  for (const p of d.params) {
    rows.push([
      String(p.index + 1),
      p.name,
      bounds(p),
      p.tiedTo ? `tied to ${p.tiedTo}` : p.scale,
      gridText(p),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) {
    lines.push("  " + r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  }
  const documented = d.params.filter((p) => p.doc);
  if (documented.length > 0) {
    lines.push("");
    for (const p of documented) lines.push(`  ${p.name}: ${p.doc}`);
  }
  if (d.variants) lines.push("", `Variants: ${d.variants}`);
  if (d.example) {
    lines.push(
      "",
      `Example (noise-free data in ${d.example.file}: the CSV is in docs/laws.md and in --json):`,
    );
    if (d.example.note) lines.push(`  ${d.example.note}`);
    lines.push(`  ${d.example.command}`);
    lines.push("  recovers " + truthText(d.example).join("; "));
  }
  return lines.join("\n");
}

/** Escape text for a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** GitHub's heading anchor of a law section (`### \`d-cpt\`` → `d-cpt`). */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
}

/**
 * The catalog page (docs/laws.md): one section per law, grouped, with formula, inputs,
 * parameters, paper, variants and a runnable `deno task fit` example. Deterministic: a test
 * checks the checked-in page equals this output.
 *
 * @param laws Descriptions. @default every registered law
 * @returns Markdown, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lawsMarkdown } from "./laws.ts";
 * const page = lawsMarkdown();
 * assert.ok(page.startsWith("# Law catalog"));
 * assert.ok(page.includes("### `data-constrained`"));
 * ```
 */
export function lawsMarkdown(laws: readonly LawDescription[] = describeLaws()): string {
  const out: string[] = [];
  out.push("# Law catalog", "");
  out.push(
    "<!-- Generated by `deno task laws --markdown > docs/laws.md` from the law registry. " +
      "Do not edit: lib/cli/laws_test.ts checks that this file equals the generator's output. -->",
    "",
  );
  out.push(
    `Every law \`deno task fit --law NAME\` and pipeline \`fit\` steps (\`law: "NAME"\`) ` +
      `accept by name: ${laws.length} laws. Inputs map to columns with \`--x INPUT=column\` ` +
      "(or an expression over columns, e.g. `--x Nv=vocab_size*embed_dim`); any other law " +
      'can be given as an expression (`--law "E + A/N^alpha"`). Each section ends with a ' +
      "runnable example: noise-free data generated from the listed parameters, which the fit " +
      "recovers (lib/cli/fit_laws_test.ts runs every example). The same information is " +
      "available from `deno task laws` (all laws), `deno task laws --law NAME` and " +
      "`deno task laws --json`.",
    "",
  );
  out.push(
    "Parameters are listed in the order of the law's parameter vector. The start grid is in " +
      "natural space; `log` parameters are positive and optimised as their logarithm. The " +
      "default fit (`--starts default`) does not try the whole grid; `--starts grid` does.",
    "",
  );
  const groups = (Object.keys(GROUP_TITLES) as LawGroup[]).filter((g) =>
    laws.some((d) => d.group === g)
  );
  for (const group of groups) {
    const names = laws.filter((d) => d.group === group).map((d) =>
      `[\`${d.name}\`](#${anchor(d.name)})`
    );
    out.push(`- **${GROUP_TITLES[group]}**: ${names.join(", ")}`);
  }
  out.push("");
  for (const group of groups) {
    out.push(`## ${GROUP_TITLES[group]}`, "", GROUP_INTROS[group], "");
    for (const d of laws.filter((x) => x.group === group)) out.push(...lawSection(d));
  }
  return out.join("\n").replace(/\n+$/, "") + "\n";
}

function lawSection(d: LawDescription): string[] {
  const out: string[] = [`### \`${d.name}\``, ""];
  out.push("```", d.formula, "```", "");
  out.push(`${d.doc}.`.replace(/\.\.$/, "."), "");
  if (d.paper) out.push(`**Paper:** ${d.paper}.`.replace(/\.\.$/, "."), "");
  if (d.checked) out.push(`**Formula checked against:** ${d.checked}`, "");
  out.push("**Inputs** (`--x INPUT=column`):", "");
  out.push("| input | meaning and unit |", "|---|---|");
  for (const s of d.inputs) out.push(`| \`${s.name}\` | ${cell(s.doc)} |`);
  out.push("", "**Parameters**, in order:", "");
  out.push(
    "| # | parameter | bounds | scale | start grid | meaning |",
    "|---|---|---|---|---|---|",
  );
  for (const p of d.params) {
    out.push(
      `| ${p.index + 1} | \`${p.name}\` | ${bounds(p)} | ${
        p.tiedTo ? `tied to \`${p.tiedTo}\`` : p.scale
      } | ${gridText(p)} | ${cell(p.doc ?? "")} |`,
    );
  }
  out.push("");
  if (d.variants) out.push(`**Variants:** ${d.variants}`, "");
  if (d.example) {
    const rows = d.example.csv.trimEnd().split("\n").length - 1;
    out.push("**Example:**" + (d.example.note ? ` ${d.example.note}` : ""), "");
    out.push(
      `<details><summary>Data (${rows} rows) and command, to run from the repository root` +
        "</summary>",
      "",
    );
    out.push("```sh");
    out.push(`cat > ${d.example.file} <<'CSV'`);
    out.push(d.example.csv.trimEnd());
    out.push("CSV");
    out.push(d.example.command);
    out.push("```", "", "</details>", "");
    out.push(
      `The fit recovers the parameters that generated the data: ${
        truthText(d.example).map((t) => `\`${t}\``).join("; ")
      }.`,
    );
    out.push("");
  }
  return out;
}

const USAGE = "deno task laws [--law <name|expression>] [--json | --markdown] " +
  "[--write <file.md>]";

/** A problem with the command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

/** Write a file atomically: a temporary file in the same folder, then a rename. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(
        `Cannot write ${JSON.stringify(path)}: no write permission; expected ` +
          `deno run --allow-read --allow-write=${dirname(path)} lib/cli/laws.ts --write ${path}`,
      );
    }
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `Cannot write ${JSON.stringify(path)}: the folder ${
          JSON.stringify(dirname(path))
        } does not exist; expected an existing folder`,
      );
    }
    throw err;
  }
}

/**
 * Run the command. Returns the exit code (0 success, 2 bad input, 1 unexpected failure).
 *
 * @param args Command-line arguments.
 * @param print Where the output goes. @default console.log
 * @returns The exit code.
 */
export async function runLawsCommand(
  args: string[],
  print: (text: string) => void = console.log,
): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          law: { type: "string" },
          json: { type: "boolean" },
          markdown: { type: "boolean" },
          write: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      });
    } catch (err) {
      const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw new UsageError(`Cannot parse the command line: ${msg}; usage: ${USAGE}`);
    }
    const { values } = parsed;
    if (values.help) {
      print(
        `Usage: ${USAGE}\n\nLists every law with its formula, inputs, parameters and ` +
          `paper.\n  --law NAME   one law in detail (a registered name, bnsl-<k>, or an ` +
          `expression)\n  --json       machine-readable output\n  --markdown   the catalog page ` +
          `(docs/laws.md)\n  --write FILE write the catalog page to FILE atomically (needs ` +
          `--allow-write)`,
      );
      return 0;
    }
    const formats = [values.json, values.markdown, values.write !== undefined].filter(Boolean);
    if (formats.length > 1) {
      throw new UsageError(
        `Cannot list laws: --json, --markdown and --write are exclusive; expected one of them`,
      );
    }
    if (values.law !== undefined && (values.markdown || values.write !== undefined)) {
      throw new UsageError(
        `Cannot list laws: --law with --markdown or --write; expected the whole catalog page`,
      );
    }
    if (values.law !== undefined) {
      const d = describeLaw(getLaw(values.law));
      print(values.json ? JSON.stringify(d, null, 2) : formatLawDetail(d));
      return 0;
    }
    if (values.write !== undefined) {
      await writeAtomic(values.write, lawsMarkdown());
      console.error(`Wrote ${values.write} (${listLaws().length} laws)`);
      return 0;
    }
    const all = describeLaws();
    if (values.json) print(JSON.stringify(all, null, 2));
    else if (values.markdown) print(lawsMarkdown(all).trimEnd());
    else print(formatLawList(all));
    return 0;
  } catch (err) {
    if (
      err instanceof UsageError || err instanceof InputError || err instanceof RangeError
    ) {
      console.error(err.message.split("\n")[0]);
      return 2;
    }
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(`Cannot list laws: unexpected error: ${msg.split("\n")[0]}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await runLawsCommand(Deno.args));
