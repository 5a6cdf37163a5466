import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { listLaws } from "../laws/registry.ts";
import { describeLaws, lawsMarkdown } from "./laws.ts";

const CLI = fileURLToPath(new URL("./laws.ts", import.meta.url));
const DOC = fileURLToPath(new URL("../../docs/laws.md", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(args: string[], write?: string): Promise<Run> {
  const perms = ["--allow-read", ...(write ? [`--allow-write=${write}`] : [])];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("docs/laws.md equals the generator's output (regenerate: deno task laws --markdown > docs/laws.md)", async () => {
  const page = await Deno.readTextFile(DOC);
  assert.ok(page === lawsMarkdown(), "docs/laws.md is out of date; regenerate it");
});

Deno.test("lawsMarkdown() has one section per registered law, with inputs, parameters and example", () => {
  const page = lawsMarkdown();
  const sections = [...page.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]);
  assert.deepEqual(sections, listLaws().map((l) => l.name));
  for (const law of listLaws()) {
    const start = page.indexOf(`### \`${law.name}\``);
    const end = page.indexOf("\n### ", start + 1);
    const section = page.slice(start, end < 0 ? undefined : end);
    assert.ok(section.includes(law.formula), `${law.name}: formula`);
    for (const s of law.inputs) {
      assert.ok(section.includes(`| \`${s.name}\` |`), `${law.name}: ${s.name}`);
    }
    law.params.forEach((p, i) => {
      assert.ok(
        section.includes(`| ${i + 1} | \`${p.name}\` |`),
        `${law.name}: parameter ${p.name}`,
      );
    });
    if (law.paper) assert.ok(section.includes(law.paper), `${law.name}: paper`);
    assert.match(section, new RegExp(`deno task fit ${law.name}\\.csv --law ${law.name} `));
  }
});

Deno.test("laws CLI lists every law, as text and as JSON", async () => {
  const text = await runCli([]);
  assert.equal(text.code, 0, text.stderr);
  for (const law of listLaws()) {
    assert.match(text.stdout, new RegExp(`^  ${law.name}$`, "m"), law.name);
  }
  assert.match(text.stdout, /^Literature catalog \(21\)$/m);
  const json = await runCli(["--json"]);
  assert.equal(json.code, 0, json.stderr);
  const all = JSON.parse(json.stdout);
  assert.deepEqual(all, JSON.parse(JSON.stringify(describeLaws())));
  const vocab = all.find((d: { name: string }) => d.name === "vocabulary");
  assert.deepEqual(vocab.inputs.map((s: { name: string }) => s.name), ["Nnv", "Nv", "H"]);
  assert.equal(vocab.params[4].name, "alpha1");
  assert.equal(vocab.params[4].min, 0);
  assert.equal(vocab.params[4].max, null);
});

Deno.test("laws CLI --law shows one law in detail, including expressions", async () => {
  const r = await runCli(["--law", "precision"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Formula: L = E \+ A\*Neff\^-alpha/m);
  assert.match(r.stdout, /^ {2}P {8}training precision of the weights, P_w \(bits\)$/m);
  assert.match(r.stdout, /^ {2}6 +gamma +≥ 0 +log +\{/m);
  assert.match(r.stdout, /deno task fit precision\.csv --law precision/);
  const expr = await runCli(["--law", "E + A/C^alpha", "--json"]);
  assert.equal(expr.code, 0, expr.stderr);
  const d = JSON.parse(expr.stdout);
  assert.equal(d.group, "expression");
  assert.deepEqual(d.inputs.map((s: { name: string }) => s.name), ["C"]);
  const mix = JSON.parse((await runCli(["--law", "data-mixing", "--json"])).stdout);
  assert.equal(mix.group, "literature");
  assert.match(mix.variants, /r1 … rM|rM=/);
});

Deno.test("laws CLI --write writes the catalog page atomically", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "laws_cli_test_" });
  try {
    await Deno.writeTextFile(`${dir}/laws.md`, "old");
    const r = await runCli(["--write", `${dir}/laws.md`], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/laws.md`), lawsMarkdown());
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["laws.md"]); // no temporary file left behind
    const md = await runCli(["--markdown"]);
    assert.equal(md.stdout, lawsMarkdown());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("laws CLI rejects bad input with one line on stderr and exit code 2", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ["unknown law", ["--law", "chinchila"], /did you mean "chinchilla"/],
    ["unknown flag", ["--bogus"], /bogus/],
    ["two formats", ["--json", "--markdown"], /exclusive/],
    [
      "--write without permission",
      ["--write", "/tmp/laws_cli_denied.md"],
      /no write permission; expected deno run/,
    ],
  ];
  for (const [name, args, pattern] of cases) {
    await t.step(name, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
    });
  }
});

Deno.test("every literature law says what its formula was checked against, on the catalog page too", () => {
  const literature = describeLaws().filter((d) => d.group === "literature");
  assert.ok(literature.length >= 20, `${literature.length} literature laws`);
  for (const d of literature) {
    assert.ok(d.checked !== null && d.checked.length > 20, `${d.name} has no 'checked'`);
  }
  const page = lawsMarkdown();
  assert.equal(page.match(/\*\*Formula checked against:\*\*/g)?.length, literature.length);
});
