import assert from "node:assert/strict";
import { listLaws } from "../laws/registry.ts";
import { runFitCli as runCli } from "./_testing.ts";
import {
  exampleArgs,
  exampleCsv,
  exampleFor,
  exampleLaw,
  LAW_EXAMPLES,
  type LawExample,
} from "./law_examples.ts";

/** The issue's table (issue 7): every name `deno task fit --law` must accept. */
const ISSUE_TABLE = [
  "data-mixing",
  "d-cpt",
  "vocabulary",
  "moe",
  "rectified-sft",
  "lr-annealing",
  "optimal-hparams",
  "parallel",
  "precision",
  "quantization-loss",
  "reward-saturation",
  "passuntil",
  "bnsl",
  "translation",
  "densing",
  "overoptimization",
];

/** The issue's input names of each law (`--x INPUT=column`). */
const ISSUE_INPUTS: Record<string, string[]> = {
  "data-mixing": ["r1", "r2", "r3"],
  "d-cpt": ["N", "D", "r"],
  vocabulary: ["Nnv", "Nv", "H"],
  moe: ["N", "E"],
  "rectified-sft": ["D"],
  "lr-annealing": ["lr", "step"],
  "optimal-hparams": ["N", "D"],
  parallel: ["N", "P"],
  precision: ["N", "D", "P"],
  "quantization-loss": ["N", "D", "P"],
  "reward-saturation": ["t"],
  passuntil: ["N"],
  bnsl: ["x"],
  translation: ["Dp"],
  densing: ["t"],
  overoptimization: ["d"],
};

/** Relative difference against max(|b|, 1e-3) (parameters near zero compare absolutely). */
function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
}

interface FitJson {
  law: string;
  params: Record<string, number>;
  objective: number;
  converged: boolean;
  n: number;
  r2: number;
}

/** Check one output's fit against the truth: converged, tiny objective, parameters recovered. */
function assertRecovered(name: string, got: FitJson, truth: Record<string, number>, n: number) {
  assert.equal(got.converged, true, `${name}: not converged`);
  assert.equal(got.n, n, `${name}: points`);
  assert.ok(got.objective < 1e-10, `${name}: objective ${got.objective}`);
  assert.ok(got.r2 > 1 - 1e-8, `${name}: r2 ${got.r2}`);
  for (const [p, value] of Object.entries(truth)) {
    assert.ok(
      rel(got.params[p], value) < 1e-4,
      `${name}: ${p} fitted ${got.params[p]}, true ${value}`,
    );
  }
}

/** Write the example's CSV, run its command with --json, and check every output. */
async function runExample(dir: string, example: LawExample): Promise<void> {
  const file = `${dir}/${example.law}.csv`;
  await Deno.writeTextFile(file, exampleCsv(example));
  const r = await runCli([file, ...exampleArgs(example), "--json"]);
  assert.equal(r.code, 0, `${example.law}: exit ${r.code}: ${r.stderr}`);
  const json = JSON.parse(r.stdout);
  const outputs = Object.keys(example.outputs);
  const n = Object.values(example.columns)[0].length;
  const several = outputs.length > 1 || (example.y ?? []).some((y) => y.includes("*"));
  if (several) {
    assert.deepEqual(Object.keys(json.outputs), outputs, `${example.law}: output columns`);
    for (const o of outputs) {
      assertRecovered(`${example.law} ${o}`, json.outputs[o], example.outputs[o], n);
    }
  } else {
    assertRecovered(example.law, json, example.outputs[outputs[0]], n);
  }
}

/** Run `tasks` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  const queue = [...items];
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        try {
          await task(item);
        } catch (e) {
          errors.push(e);
        }
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}

Deno.test("LAW_EXAMPLES has one example per registered law, with the issue's input names", () => {
  const registered = listLaws().map((l) => l.name);
  assert.deepEqual(LAW_EXAMPLES.map((e) => e.law), registered);
  for (const name of ISSUE_TABLE) assert.ok(registered.includes(name), `${name} is registered`);
  for (const [name, inputs] of Object.entries(ISSUE_INPUTS)) {
    const example = exampleFor(name)!;
    assert.deepEqual(exampleLaw(example).inputs.map((s) => s.name), inputs, name);
    assert.deepEqual(Object.keys(example.x), inputs, `${name}: --x names`);
  }
});

Deno.test("fit CLI recovers every law's parameters from its noise-free example", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "fit_laws_test_" });
  try {
    await pool(LAW_EXAMPLES, 4, (example) => runExample(dir, example));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Three target domains of the data-mixing example, with columns r1, r2, r3 and plain names. */
async function mixingFixture(dir: string): Promise<string> {
  const example = exampleFor("data-mixing")!;
  const csv = exampleCsv(example).replace(/^web,code,books,/, "r1,r2,r3,");
  const file = `${dir}/mix.csv`;
  await Deno.writeTextFile(file, csv);
  return file;
}

Deno.test("fit CLI fits each --y output separately and reports each", async (t) => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "fit_laws_test_" });
  const truth = exampleFor("data-mixing")!.outputs;
  try {
    const file = await mixingFixture(dir);
    await t.step("two --y flags, domains from the r1..r3 columns without --x", async () => {
      const r = await runCli([
        file,
        "--law",
        "data-mixing",
        "--y",
        "loss/books",
        "--y",
        "loss/web",
        "--fix",
        "k=1",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(json).sort(), ["law", "outputs", "seconds"]);
      assert.deepEqual(Object.keys(json.outputs), ["loss/books", "loss/web"]);
      for (const o of ["loss/books", "loss/web"]) {
        assert.deepEqual(Object.keys(json.outputs[o].params), ["c", "k", "t1", "t2", "t3"]);
        assertRecovered(o, json.outputs[o], truth[o], 10);
      }
    });
    await t.step("a glob gives the keyed form even when it matches one column", async () => {
      const r = await runCli([
        file,
        "--law",
        "data-mixing",
        "--y",
        "*/code",
        "--fix",
        "k=1",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(json.outputs), ["loss/code"]);
      assertRecovered("loss/code", json.outputs["loss/code"], truth["loss/code"], 10);
    });
    await t.step("the text report has one section per output", async () => {
      const r = await runCli([file, "--law", "data-mixing", "--y", "loss/*", "--fix", "k=1"]);
      assert.equal(r.code, 0, r.stderr);
      const sections = [...r.stdout.matchAll(/^== Output: (.+)$/gm)].map((m) => m[1]);
      assert.deepEqual(sections, ["loss/web", "loss/code", "loss/books"]);
      assert.match(r.stdout, /k\s+1\s+-\s+fixed/);
    });
    await t.step("a single --y keeps the plain JSON object", async () => {
      const r = await runCli([
        file,
        "--law",
        "data-mixing",
        "--y",
        "loss/web",
        "--fix",
        "k=1",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.equal(json.outputs, undefined);
      assertRecovered("loss/web", json, truth["loss/web"], 10);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit CLI rejects bad --y, --fix and data-mixing inputs with one line", async (t) => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "fit_laws_test_" });
  try {
    const file = await mixingFixture(dir);
    const cases: [string, string[], RegExp][] = [
      [
        "glob matching nothing",
        ["--law", "data-mixing", "--y", "acc/*"],
        /--y "acc\/\*".*no column matching it/,
      ],
      [
        "same --y twice",
        ["--law", "data-mixing", "--y", "loss/web", "--y", "loss/web"],
        /given twice/,
      ],
      ["--fix and --param on one parameter", [
        "--law",
        "data-mixing",
        "--y",
        "loss/web",
        "--param",
        "k=1",
        "--fix",
        "k=1",
      ], /"k" is also set/],
      [
        "--fix without a number",
        ["--law", "data-mixing", "--y", "loss/web", "--fix", "k=one"],
        /--fix k "one": not a number/,
      ],
      [
        "--fix of an unknown parameter",
        ["--law", "data-mixing", "--y", "loss/web", "--fix", "q=1"],
        /"q" is not a parameter/,
      ],
      ["data-mixing input with a gap", [
        "--law",
        "data-mixing",
        "--y",
        "loss/web",
        "--x",
        "r1=r1",
        "--x",
        "r3=r3",
      ], /r2 is missing/],
      ["data-mixing input not named rJ", [
        "--law",
        "data-mixing",
        "--y",
        "loss/web",
        "--x",
        "web=r1",
      ], /"web" is not a domain proportion/],
    ];
    for (const [name, args, pattern] of cases) {
      await t.step(name, async () => {
        const r = await runCli([file, ...args]);
        assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, pattern);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit CLI --help prints the options on stdout and exits 0", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0);
  for (const flag of ["--law", "--y", "--x", "--fix", "--param", "--json"]) {
    assert.match(r.stdout, new RegExp(`^  ${flag} `, "m"), flag);
  }
  assert.match(r.stdout, /glob/);
});
