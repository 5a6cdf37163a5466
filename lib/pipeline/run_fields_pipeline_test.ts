import assert from "node:assert/strict";
import { runPipeline } from "./run.ts";

Deno.test("a fit says which input left points out: a run without the joined field", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run-fields-" });
  try {
    const file = `${dir}/runs.csv`;
    await Deno.writeTextFile(
      file,
      "run,params,tokens,loss\nmix-a,1e8,1e9,2.9\nmix-b,1e8,1e9,2.7\nmix-c,1e8,1e9,2.6\n",
    );
    const result = await runPipeline({
      name: "fields",
      seed: 1,
      steps: [
        {
          step: "load",
          file,
          mapping: { run: "run", params: "params", tokens: "tokens", metrics: ["loss"] },
          runFields: { "mix-a": { share: 0.2 }, "mix-b": { share: 0.6 } },
        },
        { step: "fit", id: "f", law: "a + b*x", metric: "loss", x: { x: "share" } },
      ],
    }, { workers: 1 });
    const fit = result.results.fits.f;
    assert.equal(fit.n, 2);
    assert.ok(Math.abs(fit.params.b.value! - -0.5) < 1e-9, String(fit.params.b.value));
    const w = result.results.warnings.find((x) => x.code === "fit.dropped-points")!;
    assert.match(w.message, /Fit "f": points with a missing .* left out \(input x <- share: 1\)/);
    assert.equal(w.count, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
