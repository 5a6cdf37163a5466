import assert from "node:assert/strict";
import { type CliRun, runFitCli } from "./_testing.ts";

/** A known Chinchilla law (Epoch's grid estimate). */
const TRUE = { E: 1.81724, A: 477.84, B: 2143.86, alpha: 0.34731, beta: 0.36718 };
const law = (N: number, D: number) => TRUE.E + TRUE.A / N ** TRUE.alpha + TRUE.B / D ** TRUE.beta;

const run = (...args: string[]): Promise<CliRun> => runFitCli(args);

/** Temp dir with data.csv (noise-free law values + a run column) and points.csv. */
async function fixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "fit_cli_test_" });
  const lines = ["run,params,tokens,flops,loss,vocab,width"];
  let r = 0;
  for (const N of [1e8, 3e8, 1e9, 3e9, 1e10]) {
    for (const D of [2e9, 6e9, 2e10, 6e10, 2e11]) {
      lines.push(`r${r++},${N},${D},${6 * N * D},${law(N, D)},${N / 1e4},1e4`);
    }
  }
  await Deno.writeTextFile(`${dir}/data.csv`, lines.join("\n") + "\n");
  await Deno.writeTextFile(
    `${dir}/points.csv`,
    "tokens,params\n1.4e12,7e10\n2e9,1e8\n3e11,5e9\n",
  );
  return dir;
}

function assertBadInput(r: CliRun, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/); // no stack trace
}

Deno.test("fit CLI prints the JSON contract and predictions in file order", async () => {
  const dir = await fixture();
  try {
    const r = await run(
      `${dir}/data.csv`,
      "--law",
      "chinchilla",
      "--y",
      "loss",
      "--predict",
      `${dir}/points.csv`,
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      Object.keys(out).sort(),
      ["converged", "law", "n", "objective", "params", "predictions", "r2", "seconds"],
    );
    assert.equal(out.law, "chinchilla");
    assert.equal(out.n, 25);
    assert.equal(out.converged, true);
    for (const [name, value] of Object.entries(TRUE)) {
      assert.ok(Math.abs(out.params[name] / value - 1) < 1e-4, `${name} ${out.params[name]}`);
    }
    assert.ok(out.objective < 1e-12 && out.r2 > 0.999999);
    // Rows of points.csv (columns in another order than data.csv): D, N.
    const expected = [law(7e10, 1.4e12), law(1e8, 2e9), law(5e9, 3e11)];
    assert.equal(out.predictions.length, 3);
    out.predictions.forEach((v: number, i: number) => {
      assert.ok(Math.abs(v / expected[i] - 1) < 1e-6, `prediction ${i}`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit CLI takes expressions, derived --x columns, --param bounds and --bootstrap", async () => {
  const dir = await fixture();
  try {
    const r = await run(
      `${dir}/data.csv`,
      "--law",
      "E + A/Nv^alpha + B/D^beta",
      "--x",
      "Nv=vocab*width",
      "--y",
      "loss",
      "--param",
      "alpha=0.3:0:1",
      "--loss",
      "huber:0.001",
      "--starts",
      "grid",
      "--bootstrap",
      "30",
      "--seed",
      "1",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(Math.abs(out.params.alpha - TRUE.alpha) < 1e-5);
    assert.deepEqual(Object.keys(out.ci).sort(), ["A", "B", "E", "alpha", "beta"]);
    // Noise-free data: every resample recovers the truth, so intervals are tight around it.
    const [lo, hi] = out.ci.alpha;
    assert.ok(lo <= TRUE.alpha + 1e-4 && hi >= TRUE.alpha - 1e-4 && hi - lo < 1e-3);
    const text = await run(`${dir}/data.csv`, "--law", "chinchilla", "--y", "loss");
    assert.equal(text.code, 0);
    assert.match(text.stdout, /parameter\s+value\s+stderr/);
    assert.match(text.stdout, /alpha\s+0\.3473/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit CLI --drop-highest drops the rows with the largest targets", async () => {
  const dir = await fixture();
  try {
    const r = await run(
      `${dir}/data.csv`,
      "--law",
      "chinchilla",
      "--y",
      "loss",
      "--drop-highest",
      "5",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).n, 20);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit CLI rejects bad input with one line on stderr and exit code 2", async (t) => {
  const dir = await fixture();
  const data = `${dir}/data.csv`;
  try {
    await Deno.writeTextFile(`${dir}/bad.csv`, "params,tokens,loss\n1e8,2e9,3.1\n1e9,2e10,oops\n");
    await Deno.writeTextFile(`${dir}/nocol.csv`, "params\n1e9\n");
    const cases: [string, string[], RegExp][] = [
      ["expression syntax error", ["--law", "E + A/N^alpha)", "--y", "loss"], /column 14/],
      [
        "unknown function",
        ["--law", "E + A*lg(N)", "--y", "loss"],
        /column 7: unknown function 'lg'/,
      ],
      ["unknown law name", ["--law", "chinchila", "--y", "loss"], /did you mean "chinchilla"/],
      [
        "identifier neither input nor parameter",
        ["--law", "chinchilla", "--y", "loss", "--param", "gamma=1"],
        /"gamma" is not a parameter/,
      ],
      [
        "--x for an unknown input",
        ["--law", "chinchilla", "--y", "loss", "--x", "Q=params"],
        /"Q" is not an input/,
      ],
      [
        "min >= max",
        ["--law", "chinchilla", "--y", "loss", "--param", "alpha=0.3:1:0.5"],
        /min 1 is not below max 0.5/,
      ],
      [
        "--predict file missing an input column",
        ["--law", "chinchilla", "--y", "loss", "--predict", `${dir}/nocol.csv`],
        /nocol\.csv.*input "D"/,
      ],
      [
        "missing --y column",
        ["--law", "chinchilla", "--y", "lossy"],
        /--y "lossy".*no such column/,
      ],
      ["unknown flag", ["--law", "chinchilla", "--y", "loss", "--bogus"], /bogus/],
      ["bad --loss", ["--law", "chinchilla", "--y", "loss", "--loss", "huber:-1"], /--loss/],
    ];
    for (const [name, args, pattern] of cases) {
      await t.step(name, async () => assertBadInput(await run(data, ...args), pattern));
    }
    await t.step("data error with file and line", async () => {
      const r = await run(`${dir}/bad.csv`, "--law", "chinchilla", "--y", "loss");
      assertBadInput(
        r,
        /bad\.csv.*line 3, column "loss" \(3\) is "oops"; expected a finite number/,
      );
    });
    await t.step("missing data file", async () => {
      assertBadInput(
        await run(`${dir}/absent.csv`, "--law", "chinchilla", "--y", "loss"),
        /absent\.csv.*no such file/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
