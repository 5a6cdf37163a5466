import assert from "node:assert/strict";
import { runPipeline } from "./run.ts";

/**
 * Seven runs of one size at two checkpoints, with a per-run mixture share joined as a run field
 * and an accuracy that changes within each run; loss = 2.4 + 0.5·exp(-4·share) at the end.
 */
async function mixtureFile(dir: string): Promise<string> {
  const lines = ["run,params,tokens,loss,acc"];
  for (let i = 1; i <= 7; i++) {
    const share = i / 10;
    const final = 2.4 + 0.5 * Math.exp(-4 * share);
    lines.push(`mix-${i},1e8,1e9,${final + 0.3},${0.2 + share / 4}`);
    lines.push(`mix-${i},1e8,2e9,${final},${0.3 + share / 4}`);
  }
  const path = `${dir}/mix.csv`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

Deno.test("fit figure: a per-run share gets the curve across runs on a linear axis; a within-run fraction does not; each load is summarised", async () => {
  const dir = await Deno.makeTempDir({ prefix: "curve-fraction-" });
  try {
    const file = await mixtureFile(dir);
    const runFields = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [`mix-${i + 1}`, { share: (i + 1) / 10 }]),
    );
    const mapping = { run: "run", params: "params", tokens: "tokens", metrics: ["loss", "acc"] };
    const result = await runPipeline({
      name: "fraction",
      seed: 1,
      steps: [
        { step: "load", file, mapping, runFields },
        { step: "filter", filters: [{ kind: "final" }] },
        { step: "fit", id: "mix", law: "data-mixing", metric: "loss", x: { r1: "share" } },
        { step: "load", file, mapping },
        { step: "fit", id: "acc", law: "E + A*x^alpha", metric: "loss", x: { x: "acc" } },
        { step: "report", figures: ["fit"] },
      ],
    }, { workers: 1 });
    const [mix, acc] = result.figures;
    assert.equal(mix.name, "fit-mix");
    assert.equal(mix.title, "Fit mix: loss against share, data-mixing extrapolated");
    assert.match(mix.svg, /share \(r1 of the law\)/);
    assert.match(mix.alt, /for 7 runs/);
    // acc lies in [0, 1] but changes within each run: not a per-run share, so no curve across
    // runs; the fit is shown as fitted against observed values.
    assert.equal(acc.name, "fit-acc");
    assert.match(acc.title, /fitted against observed loss/);
    // Two loads: results.loads has one summary each, with the step and the fits that used it.
    const loads = result.results.loads!;
    assert.deepEqual(loads.map((l) => [l.step, l.fits, l.filtered.checkpoints]), [
      [0, ["mix"], 7],
      [3, ["acc"], 14],
    ]);
    assert.deepEqual(result.results.data, loads[1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
