/**
 * The data mixing fits of the literature pipeline on Muennighoff et al.'s code-mixture runs,
 * against scipy, and the evidence for reading the percentage in the run names as the C4 share.
 *
 * The scipy optima come from bench/scipy_data_mixing.py (`python3 bench/scipy_data_mixing.py`):
 * L-BFGS-B from 720 starts of the same objective, the sum of Huber (delta 1e-3) of
 * log y - log(c + k exp(t r)) over the seven fitted runs. Best objective and parameters:
 *
 * - C4 loss (gen_loss) against the C4 share, shares 0.1-0.7: 6.893881181041616e-06 at
 *   c = 2.46668829, k = 0.52355162, t = -4.272318945.
 * - Python loss (code_loss) against the Python share, shares 0.1-0.7 (the runs named 30-90):
 *   1.6209819088833767e-05 at c = 0.55951477, k = 0.19555186, t = -2.891849478.
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadDataset } from "../lib/data/catalog.ts";
import { metricPoints } from "../lib/data/schema.ts";
import { runPipeline } from "../lib/pipeline/run.ts";
import { sharedDataDir } from "../lib/util/_testdata.ts";
import { CODE_MIX_SHARES, codeMixRun, dataMixingSteps } from "./literature.ts";

const SCIPY = {
  "mixing-c4": { objective: 6.893881181041616e-06, c: 2.46668829, k: 0.52355162, t1: -4.272318945 },
  "mixing-python": {
    objective: 1.6209819088833767e-05,
    c: 0.55951477,
    k: 0.19555186,
    t1: -2.891849478,
  },
};

Deno.test("literature: data mixing on the code-mixture runs reaches scipy's optimum and predicts the held-out shares", async () => {
  const result = await runPipeline(
    { name: "data-mixing", seed: 7, steps: dataMixingSteps },
    { dataDir: sharedDataDir(), workers: 1 },
  );
  for (const [id, want] of Object.entries(SCIPY)) {
    const fit = result.results.fits[id];
    assert.equal(fit.law, "data-mixing");
    assert.equal(fit.status, "converged", id);
    assert.equal(fit.n, 7, id);
    assert.deepEqual(fit.diagnostics.atGridEdge, [], id);
    // At most scipy's objective (plus rounding), at the same parameters.
    assert.ok(fit.objective! <= want.objective * (1 + 1e-9), `${id}: ${fit.objective}`);
    for (const name of ["c", "k", "t1"] as const) {
      const got = fit.params[name].value!;
      assert.ok(Math.abs(got / want[name] - 1) < 1e-6, `${id}.${name}: ${got} vs ${want[name]}`);
    }
  }
  // Held out: shares 0.8 and 0.9 of each domain. The law predicts them within 2.5%, and
  // over-predicts the loss of both (the held-out runs improve faster than the fitted curve).
  for (const id of ["evaluate-mixing-c4", "evaluate-mixing-python"]) {
    const ev = result.results.evaluations[id];
    assert.equal(ev.points.length, 2, id);
    assert.deepEqual(ev.points.map((p) => p.inputs.r1).sort(), [0.8, 0.9], id);
    for (const p of ev.points) {
      assert.ok(
        p.relativeError > 0 && p.relativeError < 0.025,
        `${id} ${p.run}: ${p.relativeError}`,
      );
    }
  }
  // 95% bootstrap intervals (1000 resamples of the 7 runs, seed 7): the C4 loss at a share of
  // 0.9 lies below its interval; the other three held-out losses lie inside theirs.
  const inside = (id: string, r1: number) => {
    const p = result.results.evaluations[id].points.find((q) => q.inputs.r1 === r1)!;
    const [lo, hi] = p.interval!;
    return p.actual < lo ? "below" : p.actual > hi ? "above" : "inside";
  };
  assert.equal(inside("evaluate-mixing-c4", 0.9), "below");
  assert.equal(inside("evaluate-mixing-c4", 0.8), "inside");
  assert.equal(inside("evaluate-mixing-python", 0.9), "inside");
  assert.equal(inside("evaluate-mixing-python", 0.8), "inside");
});

Deno.test("literature: the percentage in the code-mixture run names is the C4 share, not the code share", async () => {
  const ladder = await loadDataset("hitchhiker-colpret", "observations", {
    dataDir: sharedDataDir(),
  });
  const final = (run: string, metric: string): number => {
    const pts = metricPoints(ladder, metric);
    let best = -1;
    for (let i = 0; i < pts.y.length; i++) {
      if (ladder.runs[pts.run[i]].id !== run) continue;
      if (best < 0 || pts.D[i] > pts.D[best]) best = i;
    }
    assert.ok(best >= 0, `${run} has no ${metric}`);
    return pts.y[best];
  };
  const shares = CODE_MIX_SHARES;
  const c4 = shares.map((p) => final(codeMixRun(p), "gen_loss"));
  const python = shares.map((p) => final(codeMixRun(p), "code_loss"));
  // Read as the C4 share: more C4, lower C4 loss and higher Python loss, at every step.
  for (let i = 1; i < shares.length; i++) {
    assert.ok(c4[i] < c4[i - 1], `C4 loss at ${shares[i]}%`);
    assert.ok(python[i] > python[i - 1], `Python loss at ${shares[i]}%`);
  }
  // The run named 90% is next to a pure-C4 run of the same size and tokens (another run, from
  // the final-loss file, metric openLM_loss: supporting evidence only).
  const pureC4 = final("datablations_final/GPT2-4b284b84b", "openLM_loss");
  assert.ok(Math.abs(c4[8] / pureC4 - 1) < 0.002, `${c4[8]} vs ${pureC4}`);
});
