import assert from "node:assert/strict";
import { bootstrap, resampleWeights } from "./bootstrap.ts";
import { chinchilla } from "../laws/chinchilla.ts";
import { rng } from "../util/rng.ts";
import { epochData } from "../util/_testdata.ts";
import type { FitData } from "./types.ts";

function near(actual: number, expected: number, tol: number, what = ""): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} ${actual} is not within ${tol} of ${expected}`,
  );
}

Deno.test("bootstrap() reproduces Epoch's 95% intervals on the Chinchilla data", async () => {
  const data = epochData();
  assert.equal(data.y.length, 240);
  // 500 resamples keep the test fast; the 4000-resample check (Epoch's setting) is in
  // bench/bench.ts. Published (4000 resamples, numpy seed 42): E 1.769–1.871,
  // alpha 0.317–0.373, beta 0.331–0.415. Our stream differs from numpy's and 500 resamples add
  // percentile noise (~0.003 here), so each endpoint must be within 0.01.
  const b = await bootstrap(chinchilla, data, { resamples: 500, seed: 42, workers: 1 });
  assert.equal(b.failed, 0);
  assert.equal(b.draws.E.length, 500);
  near(b.fit.objective, 0.0010182740, 1e-9, "full-data objective");
  const published: Record<string, [number, number]> = {
    E: [1.769, 1.871],
    alpha: [0.317, 0.373],
    beta: [0.331, 0.415],
  };
  for (const [name, [lo, hi]] of Object.entries(published)) {
    near(b.intervals[name][0], lo, 0.01, `${name} low`);
    near(b.intervals[name][1], hi, 0.01, `${name} high`);
  }
  // Published bootstrap standard errors: E 0.02566, alpha 0.01540, beta 0.02060.
  near(b.stderr.E, 0.02566, 0.004, "E stderr");
  near(b.stderr.alpha, 0.0154, 0.003, "alpha stderr");
  near(b.stderr.beta, 0.0206, 0.003, "beta stderr");
  // Allocation: the point estimate gives 17.91 tokens per parameter at 5.88e23 (methods.md 4.1)
  // and a = beta/(alpha+beta) = 0.513 with an 80% interval about 0.05 wide.
  const alloc = b.allocation(5.88e23, 0.8);
  near(alloc.estimate.tokensPerParam[0], 17.91, 0.01);
  const t = alloc.tokensPerParam;
  assert.ok(t.low[0] < 17.91 && 17.91 < t.high[0]);
  near(alloc.a.median, 0.513, 0.005);
  near(alloc.a.high - alloc.a.low, 0.051, 0.01, "80% width of a");
});

Deno.test("bootstrap() gives the same draws on one thread and on two workers", async () => {
  const data = epochData();
  const options = { resamples: 24, seed: 7 };
  const one = await bootstrap("chinchilla", data, { ...options, workers: 1 });
  const two = await bootstrap("chinchilla", data, { ...options, workers: 2 });
  for (const name of ["E", "A", "B", "alpha", "beta"]) {
    assert.deepEqual(two.draws[name], one.draws[name]);
  }
  assert.deepEqual(two.intervals, one.intervals);
});

Deno.test("bootstrap() by group widens intervals when a run's points share an error", async () => {
  // 12 runs, 10 checkpoints each; each run has its own offset (correlated errors) plus small
  // independent noise. Point resampling treats the 120 points as independent and understates
  // the uncertainty of E; resampling whole runs does not.
  const g = rng(5);
  const N: number[] = [], D: number[] = [], y: number[] = [], groups: number[] = [];
  for (let run = 0; run < 12; run++) {
    const n = 1e8 * 2 ** run;
    const offset = 0.02 * g.normal();
    for (let c = 0; c < 10; c++) {
      const d = 1e9 * 1.6 ** c;
      N.push(n), D.push(d), groups.push(100 + run);
      y.push((1.8 + 480 / n ** 0.35 + 2000 / d ** 0.37) * Math.exp(offset + 0.002 * g.normal()));
    }
  }
  const data: FitData = {
    inputs: { N: Float64Array.from(N), D: Float64Array.from(D) },
    y: Float64Array.from(y),
    groups: Int32Array.from(groups),
  };
  const options = {
    resamples: 100,
    seed: 3,
    workers: 1,
    fit: { loss: "squared" as const, params: { alpha: { fixed: 0.35 }, beta: { fixed: 0.37 } } },
  };
  const point = await bootstrap(chinchilla, data, options);
  const group = await bootstrap(chinchilla, data, { ...options, by: "group" });
  assert.equal(group.by, "group");
  assert.ok(
    group.stderr.E > 1.5 * point.stderr.E,
    `group stderr ${group.stderr.E} vs point ${point.stderr.E}`,
  );
  await assert.rejects(
    () => bootstrap(chinchilla, { ...data, groups: undefined }, { ...options, by: "group" }),
    /data.groups is missing/,
  );
});

Deno.test("resampleWeights() draws whole groups and multiplies base weights", () => {
  const slot = Int32Array.of(0, 0, 0, 1, 1, 2);
  const w = resampleWeights(6, "group", 1, 3, { slot, count: 3 });
  assert.equal(w[0], w[1]);
  assert.equal(w[1], w[2]);
  assert.equal(w[3], w[4]);
  // Three groups drawn in all: group counts sum to 3.
  assert.equal(w[0] + w[3] + w[5], 3);
  const base = Float64Array.of(1, 2, 3, 4, 5, 6);
  const wb = resampleWeights(6, "point", 9, 0, undefined, base);
  const plain = resampleWeights(6, "point", 9, 0);
  assert.deepEqual(Array.from(wb), Array.from(plain, (v, i) => v * base[i]));
});

Deno.test("bootstrap() counts refits that do not converge and leaves them out", async () => {
  const data = epochData();
  const estimate = await bootstrap(chinchilla, data, { resamples: 1, workers: 1 });
  const b = await bootstrap(chinchilla, data, {
    resamples: 10,
    workers: 1,
    estimate: estimate.fit,
    // Start far from the optimum with a single iteration allowed: no refit can converge.
    fit: { maxIterations: 1, starts: [{ E: 1, A: 10, B: 10, alpha: 1, beta: 1 }] },
  });
  assert.equal(b.failed, 10);
  assert.equal(b.failures[0].status, "max-iterations");
  assert.equal(b.draws.E.length, 0);
  assert.ok(Number.isNaN(b.intervals.E[0]));
});

Deno.test("bootstrap() predict() bands contain the point prediction and follow the input order", async () => {
  const x = Float64Array.from({ length: 30 }, (_, i) => 1.5 ** i);
  const g = rng(11);
  const y = x.map((v) => (1 + 3 * v ** -0.4) * Math.exp(0.01 * g.normal()));
  const b = await bootstrap("E + A*x^(-alpha)", { inputs: { x }, y }, {
    resamples: 200,
    seed: 2,
    workers: 1,
    fit: { loss: "squared" },
  });
  const at = Float64Array.of(1e6, 1, 100);
  const band = b.predict({ x: at });
  const e = b.estimate;
  at.forEach((v, i) => {
    const point = e.E + e.A * v ** -e.alpha;
    assert.ok(band.low[i] <= point && point <= band.high[i], `point ${i}`);
    assert.ok(band.low[i] < band.median[i] && band.median[i] < band.high[i]);
  });
  // The true curve lies inside the 95% band, in and beyond the data (largest x ≈ 1.3e5).
  at.forEach((v, i) => {
    const truth = 1 + 3 * v ** -0.4;
    assert.ok(band.low[i] <= truth && truth <= band.high[i], `truth at ${v}`);
  });
  const narrow = b.predict({ x: at }, 0.5);
  assert.ok(narrow.high[0] - narrow.low[0] < band.high[0] - band.low[0]);
  assert.throws(() => b.predict({ y: at }), /input "x" is missing/);
  assert.throws(() => b.allocation(1e20), /expected a Chinchilla-type law/);
});
