/**
 * Notebook tests: every `notebooks/*.ipynb` is stored without outputs and equals what
 * `_build.ts` generates, and runs top to bottom on the Deno Jupyter kernel through
 * `jupyter nbconvert --execute` without an error output and with at least the number of figures
 * it declares in `metadata.scaling.minFigures`; their code cells, joined into one module,
 * type-check.
 *
 * Needs Jupyter (nbconvert and jupyter_client) and the Deno kernel (`deno jupyter --install`);
 * without them the execution tests fail with instructions. `SCALING_SKIP_NOTEBOOKS=1` skips
 * them visibly (reported as `ignored`). Permissions: `--allow-read --allow-write=/tmp
 * --allow-env --allow-run=jupyter,deno` (deno: `Deno.execPath()`, for `deno check`). The kernel inherits the environment, so `SCALING_DATA_DIR`
 * reaches `loadDataset` inside the notebooks.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildNotebooks } from "./_build.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const NOTEBOOKS = [...Deno.readDirSync(HERE)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();
const SKIP = Deno.env.get("SCALING_SKIP_NOTEBOOKS") === "1";

const INSTALL = "install Jupyter with `sudo apt-get install jupyter-nbconvert jupyter-client` " +
  "(or `pip install nbconvert jupyter_client`), then register the Deno kernel with " +
  "`deno jupyter --install`; set SCALING_SKIP_NOTEBOOKS=1 to skip the notebook tests";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string }; scaling?: { minFigures?: number } };
  cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[];
}

const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);
// deno-lint-ignore no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("jupyter", { args, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

let toolsChecked: Promise<void> | undefined;

/** Fail (never skip) when Jupyter, nbconvert or the Deno kernel is missing. */
function checkTools(): Promise<void> {
  toolsChecked ??= (async () => {
    let nbconvert;
    try {
      nbconvert = await run(["nbconvert", "--version"]);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`Cannot run the notebooks: \`jupyter\` is not on PATH; ${INSTALL}`);
      }
      throw e;
    }
    if (nbconvert.code !== 0) {
      throw new Error(
        `Cannot run the notebooks: \`jupyter nbconvert\` failed (${
          nbconvert.stderr.trim().split("\n").pop()
        }); ${INSTALL}`,
      );
    }
    const specs = await run(["kernelspec", "list", "--json"]);
    const names = specs.code === 0 ? Object.keys(JSON.parse(specs.stdout).kernelspecs ?? {}) : [];
    if (!names.includes("deno")) {
      throw new Error(
        `Cannot run the notebooks: no "deno" Jupyter kernel is registered (found ${
          names.map((n) => JSON.stringify(n)).join(", ") || "none"
        }); run \`deno jupyter --install\` (set SCALING_SKIP_NOTEBOOKS=1 to skip)`,
      );
    }
  })();
  return toolsChecked;
}

function readNotebook(path: string): Notebook {
  return JSON.parse(Deno.readTextFileSync(path)) as Notebook;
}

Deno.test("notebooks/*.ipynb match _build.ts and store no outputs", () => {
  const built = buildNotebooks();
  assert.deepEqual(
    NOTEBOOKS,
    Object.keys(built).sort(),
    "notebooks on disk differ from those _build.ts generates",
  );
  for (const name of NOTEBOOKS) {
    const stored = Deno.readTextFileSync(join(HERE, name));
    assert.equal(
      stored,
      built[name],
      `${name} is out of date: run \`deno run --allow-read --allow-write=notebooks notebooks/_build.ts\``,
    );
    const nb = JSON.parse(stored) as Notebook;
    assert.equal(nb.metadata.kernelspec?.name, "deno");
    const minFigures = nb.metadata.scaling?.minFigures;
    assert.ok(
      Number.isInteger(minFigures) && minFigures! > 0,
      `${name}: metadata.scaling.minFigures is ${minFigures}; expected a positive integer`,
    );
    for (const c of nb.cells) {
      if (c.cell_type === "code") assert.deepEqual(c.outputs, [], `${name} stores outputs`);
    }
  }
});

Deno.test("notebook code cells type-check as one module with deno check", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "notebooks_check_" });
  try {
    const repo = join(HERE, "..");
    const files: string[] = [];
    for (const name of NOTEBOOKS) {
      const nb = readNotebook(join(HERE, name));
      // Relative imports are relative to notebooks/; make them absolute for the temporary copy.
      const source = nb.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source))
        .join("\n\n").replace(
          /from "(\.\.?\/[^"]+)"/g,
          (_, rel: string) => `from "${new URL(rel, new URL(".", import.meta.url)).href}"`,
        );
      const file = join(tmp, name.replace(/\.ipynb$/, ".ts"));
      await Deno.writeTextFile(file, source);
      files.push(file);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", join(repo, "deno.json"), ...files],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = stripAnsi(new TextDecoder().decode(out.stderr));
    assert.equal(out.code, 0, `notebook code does not type-check:\n${err}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

for (const name of NOTEBOOKS) {
  const minFigures = readNotebook(join(HERE, name)).metadata.scaling?.minFigures ?? 1;
  Deno.test({
    name:
      `jupyter nbconvert --execute runs ${name} without errors and shows >= ${minFigures} figures`,
    ignore: SKIP,
    fn: async () => {
      await checkTools();
      const outDir = await Deno.makeTempDir({ prefix: "notebooks_test_" });
      try {
        const result = await run([
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=300",
          "--output-dir",
          outDir,
          join(HERE, name),
        ]);
        if (result.code !== 0) {
          const tail = stripAnsi(result.stderr).trim().split("\n").slice(-40).join("\n");
          assert.fail(`Cannot execute ${name}: nbconvert exited with ${result.code}:\n${tail}`);
        }
        const executed = readNotebook(join(outDir, name));
        const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
        const errors = outputs.filter((o) => o.output_type === "error");
        assert.equal(
          errors.length,
          0,
          `${name} has error outputs:\n${
            errors.map((e) =>
              stripAnsi(`${e.ename}: ${e.evalue}\n${(e.traceback ?? []).join("\n")}`)
            ).join("\n")
          }`,
        );
        const figures = outputs.filter((o) =>
          o.data !== undefined && ("image/svg+xml" in o.data || "image/png" in o.data)
        );
        assert.ok(
          figures.length >= minFigures,
          `${name} shows ${figures.length} figures; expected at least ${minFigures}`,
        );
        for (const f of figures) {
          const svg = f.data!["image/svg+xml"];
          if (svg !== undefined) assert.match(text(svg as string | string[]), /^\s*<svg[\s>]/);
        }
        const sources = executed.cells.filter((c) => c.cell_type === "code").length;
        assert.ok(sources > 0, `${name} has no code cells`);
      } finally {
        await Deno.remove(outDir, { recursive: true });
      }
    },
  });
}
