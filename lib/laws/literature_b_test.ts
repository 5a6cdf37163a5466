import assert from "node:assert/strict";
import { rng } from "../util/rng.ts";
import { fitSync } from "../fit/fit.ts";
import { bootstrap } from "../fit/bootstrap.ts";
import type { FitOptions } from "../fit/types.ts";
import type { Law } from "./types.ts";
import { assertLinearStructure, finiteDifferenceJacobian, predictAt } from "./_testing.ts";
import { LITERATURE_LAWS_B } from "./literature_b.ts";
import { assertCoverage } from "./_coverage.ts";
import { precision } from "./precision.ts";
import { quantizationLoss } from "./quantization_loss.ts";
import { rewardSaturation } from "./reward_saturation.ts";
import { passUntil } from "./passuntil.ts";
import { bnsl, bnsl2, brokenPowerLaw } from "./bnsl.ts";
import { translation, translationCe } from "./translation.ts";
import { densing } from "./densing.ts";
import { overoptimization, overoptimizationBon } from "./overoptimization.ts";

type Point = Record<string, number>;

/** One law under test: truth, design, a scalar re-statement of its formula, fit settings. */
interface Case {
  law: Law;
  /** The formula written out for one point, independently of the law's code. */
  direct: (x: Point, p: Point) => number;
  /** Ground truth for the recovery tests. */
  truth: Point;
  /** Other parameter points for the Jacobian check. */
  more: Point[];
  /** Design: input columns. */
  design: Record<string, Float64Array>;
  /** Residual space of the fits. */
  space: "log" | "linear";
  /** Extra fit options (starts, grids), documented where used. */
  fit?: FitOptions;
  /** Noise of the bootstrap test: multiplicative (y·e^{σz}) or additive (y + σz). */
  noise: { kind: "multiplicative" | "additive"; sigma: number };
}

const grid = (...axes: number[][]): number[][] =>
  axes.reduce<number[][]>((rows, axis) => rows.flatMap((r) => axis.map((v) => [...r, v])), [[]]);

const columns = (names: string[], rows: number[][]): Record<string, Float64Array> =>
  Object.fromEntries(names.map((name, j) => [name, Float64Array.from(rows, (r) => r[j])]));

const logSpaced = (lo: number, hi: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));

const linSpaced = (lo: number, hi: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

const vector = (law: Law, p: Point): Float64Array =>
  Float64Array.from(law.params, (s) => p[s.name]);

const inputColumns = (law: Law, design: Record<string, Float64Array>): Float64Array[] =>
  law.inputs.map((s) => design[s.name]);

/**
 * As `assertJacobian` from `_testing.ts` (out equals predict; entries within `rtol` of
 * Richardson finite differences, relative to the larger entry or 1e-6 of the row's largest),
 * plus a floor at the resolution of those differences: with step h = 1e-3·|p_j| their rounding
 * error is about eps·|y|/h ≈ 2e-13·|y|/|p_j|, so entries are also accepted within
 * 1e-11·max(|y|, 1)/max(|p_j|, 1e-3). BNSL derivatives with respect to a sharp break's f_i
 * far from the break are ~1e-12 of y and below what differences can check.
 */
function assertJacobianResolved(law: Law, x: Float64Array[], p: Float64Array, rtol = 1e-6) {
  const n = x[0].length, k = p.length;
  const out = new Float64Array(n), jac = new Float64Array(n * k);
  law.jacobian(x, p, out, jac);
  assert.deepEqual(out, predictAt(law, x, p), `${law.name}: jacobian() out differs from predict()`);
  const fd = finiteDifferenceJacobian(law, x, p);
  for (let i = 0; i < n; i++) {
    let rowMax = 0;
    for (let j = 0; j < k; j++) rowMax = Math.max(rowMax, Math.abs(fd[i * k + j]));
    for (let j = 0; j < k; j++) {
      const a = jac[i * k + j], b = fd[i * k + j];
      const scale = Math.max(Math.abs(a), Math.abs(b), 1e-6 * rowMax);
      const floor = (1e-11 * Math.max(Math.abs(out[i]), 1)) / Math.max(Math.abs(p[j]), 1e-3);
      assert.ok(
        Math.abs(a - b) <= rtol * scale + floor,
        `${law.name}: d/d${law.params[j].name} at point ${i}: analytic ${a}, numeric ${b}`,
      );
    }
  }
}

const CASES: Case[] = [
  {
    law: precision,
    direct: (x, p) =>
      p.E + p.A * (x.N * (1 - Math.exp(-x.P / p.gamma))) ** -p.alpha + p.B * x.D ** -p.beta,
    truth: { E: 1.8, A: 300, B: 2000, alpha: 0.3, beta: 0.35, gamma: 2.5 },
    more: [
      { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, gamma: 2.67 },
      { E: 0.5, A: 50, B: 5e4, alpha: 0.6, beta: 0.5, gamma: 0.9 },
    ],
    design: columns(
      ["N", "D", "P"],
      grid([3e7, 1e8, 3e8, 1e9], [1e9, 5e9, 2.5e10], [3, 4, 6, 8, 16]),
    ),
    space: "log",
    noise: { kind: "multiplicative", sigma: 0.003 },
  },
  {
    law: quantizationLoss,
    direct: (x, p) => (p.k * x.D ** p.beta) / (x.N ** p.alpha * x.P ** p.gamma),
    truth: { k: 0.02, alpha: 0.23, beta: 0.53, gamma: 5.5 },
    more: [{ k: 1e-3, alpha: 0.5, beta: 0.9, gamma: 2 }, { k: 1, alpha: 0.1, beta: 0.2, gamma: 8 }],
    design: columns(["N", "D", "P"], grid([1e8, 1e9, 1e10], [1e10, 1e11, 1e12], [2, 3, 4, 8])),
    space: "log",
    noise: { kind: "multiplicative", sigma: 0.02 },
  },
  {
    law: rewardSaturation,
    direct: (x, p) => p.Rmax - (p.Rmax - p.R0) * Math.exp(-p.k * x.t),
    truth: { Rmax: 0.75, R0: 0.1, k: 4 },
    more: [{ Rmax: 1, R0: 0.5, k: 0.5 }, { Rmax: -0.2, R0: 0.3, k: 12 }],
    design: columns(["t"], linSpaced(0, 1, 41).map((t) => [t])),
    space: "linear",
    noise: { kind: "multiplicative", sigma: 0.01 },
  },
  {
    law: passUntil,
    direct: (x, p) => p.c * x.N ** -p.alpha + p.d,
    truth: { c: 3000, alpha: 0.4, d: 0.05 },
    more: [{ c: 20, alpha: 0.1, d: 0 }, { c: 1e6, alpha: 0.9, d: 1.5 }],
    design: columns(["N"], logSpaced(1e7, 1e10, 20).map((n) => [n])),
    space: "log",
    noise: { kind: "multiplicative", sigma: 0.01 },
  },
  {
    law: bnsl,
    direct: (x, p) => p.a + p.b * x.x ** -p.c0 * (1 + (x.x / p.d1) ** (1 / p.f1)) ** (-p.c1 * p.f1),
    // Ground truth of the authors' noiseless 4-digit-addition simulation
    // (ethancaballero/broken_neural_scaling_laws, ..._noiseless_simulation.py), on x = 1..4095
    // thinned to 160 log-spaced points.
    truth: {
      a: 0.41388453071629455,
      b: 2.2772722897737556,
      c0: 0.055077348404973955,
      c1: 5.662903816010331,
      d1: 612.5836172918001,
      f1: 0.059193036393742314,
    },
    more: [
      { a: 0, b: 10, c0: 0.3, c1: -0.2, d1: 1e4, f1: 1.5 },
      { a: 1.5, b: 0.5, c0: -0.1, c1: 1, d1: 30, f1: 0.3 },
    ],
    design: columns(["x"], [...new Set(logSpaced(1, 4095, 160).map(Math.round))].map((x) => [x])),
    space: "log",
    // The break lies at x ≈ 600; the default d1 grid (e^2..e^18) is for x up to ~1e8, so pass
    // one spanning this design's x range, as the law's doc advises.
    fit: { params: { d1: { grid: [10, 100, 1000, 4000] } } },
    noise: { kind: "multiplicative", sigma: 0.005 },
  },
  {
    law: bnsl2,
    direct: (x, p) =>
      p.a +
      p.b * x.x ** -p.c0 * (1 + (x.x / p.d1) ** (1 / p.f1)) ** (-p.c1 * p.f1) *
        (1 + (x.x / p.d2) ** (1 / p.f2)) ** (-p.c2 * p.f2),
    truth: { a: 0.05, b: 5, c0: 0.1, c1: 0.6, d1: 1e3, f1: 0.3, c2: -0.4, d2: 1e5, f2: 0.5 },
    more: [
      { a: 0.5, b: 2, c0: 0.3, c1: 1.5, d1: 50, f1: 0.1, c2: 1, d2: 5e3, f2: 1 },
      { a: 0, b: 1, c0: -0.2, c1: 0.5, d1: 1e6, f1: 2, c2: 0.3, d2: 10, f2: 0.05 },
    ],
    design: columns(["x"], logSpaced(1, 1e7, 120).map((x) => [x])),
    space: "log",
    // Break grids spanning the design's x range (1..1e7), one break per decade band.
    fit: {
      params: { d1: { grid: [30, 300, 3000] }, d2: { grid: [3e4, 3e5, 3e6] } },
    },
    noise: { kind: "multiplicative", sigma: 0.003 },
  },
  {
    law: translation,
    direct: (x, p) => Math.log(p.A * x.Dp ** p.alpha) ** p.beta,
    truth: { A: Math.E, alpha: 0.12, beta: 2.2 },
    more: [{ A: 2, alpha: 0.5, beta: 1.2 }, { A: 1e-3, alpha: 0.4, beta: 0.7 }],
    design: columns(["Dp"], logSpaced(1e8, 1e11, 15).map((d) => [d])),
    space: "log",
    noise: { kind: "multiplicative", sigma: 0.002 },
  },
  {
    law: translationCe,
    direct: (x, p) => p.E + p.A / x.Dp ** p.alpha,
    truth: { E: 1.5, A: 80, alpha: 0.25 },
    more: [{ E: 0.2, A: 1e4, alpha: 0.5 }, { E: 3, A: 2, alpha: 0.05 }],
    design: columns(["Dp"], logSpaced(1e8, 1e11, 15).map((d) => [d])),
    space: "log",
    noise: { kind: "multiplicative", sigma: 0.003 },
  },
  {
    law: densing,
    direct: (x, p) => p.A * x.t + p.B,
    truth: { A: 0.21, B: -1.2 },
    more: [{ A: -0.05, B: 3 }, { A: 0.007, B: 0 }],
    design: columns(["t"], linSpaced(0, 36, 20).map((t) => [t])),
    space: "linear",
    // Additive noise on ln rho is multiplicative noise on rho.
    noise: { kind: "additive", sigma: 0.1 },
  },
  {
    law: overoptimization,
    direct: (x, p) => (x.d === 0 ? 0 : x.d * (p.alpha - p.beta * Math.log(x.d))),
    truth: { alpha: 1.2, beta: 0.35 },
    more: [{ alpha: 0.3, beta: 0.02 }, { alpha: -0.5, beta: 1 }],
    design: columns(["d"], linSpaced(0, 8, 33).map((d) => [d])),
    space: "linear",
    noise: { kind: "additive", sigma: 0.02 },
  },
  {
    law: overoptimizationBon,
    direct: (x, p) => x.d * (p.alpha - p.beta * x.d),
    truth: { alpha: 0.9, beta: 0.12 },
    more: [{ alpha: 0.3, beta: 0.02 }, { alpha: -0.5, beta: 1 }],
    design: columns(["d"], linSpaced(0, 6, 25).map((d) => [d])),
    space: "linear",
    noise: { kind: "additive", sigma: 0.02 },
  },
];

Deno.test("LITERATURE_LAWS_B lists every law under test, once, by its registry name", () => {
  assert.deepEqual(
    LITERATURE_LAWS_B.map((law) => law.name),
    CASES.map((c) => c.law.name),
  );
  assert.deepEqual(LITERATURE_LAWS_B.map((law) => law.name), [
    "precision",
    "quantization-loss",
    "reward-saturation",
    "passuntil",
    "bnsl",
    "bnsl-2",
    "translation",
    "translation-ce",
    "densing",
    "overoptimization",
    "overoptimization-bon",
  ]);
  for (const law of LITERATURE_LAWS_B) {
    assert.ok(law.paper && /arXiv:\d{4}\.\d{4,5}/.test(law.paper), `${law.name} cites arXiv`);
    for (const s of law.params) {
      assert.ok(s.grid.length > 0, `${law.name}.${s.name} has a grid`);
      for (const v of s.grid) {
        assert.ok(
          v >= (s.min ?? -Infinity) && v <= (s.max ?? Infinity),
          `${s.name} grid in bounds`,
        );
        if (s.scale === "log") assert.ok(v > 0, `${law.name}.${s.name} log grid positive`);
      }
    }
  }
});

Deno.test("literature-b laws' jacobian() matches finite differences at several points", async (t) => {
  for (const c of CASES) {
    await t.step(c.law.name, () => {
      const x = inputColumns(c.law, c.design);
      for (const p of [c.truth, ...c.more]) assertJacobianResolved(c.law, x, vector(c.law, p));
    });
  }
});

Deno.test("literature-b laws' predict() matches the formula written out", async (t) => {
  for (const c of CASES) {
    await t.step(c.law.name, () => {
      const x = inputColumns(c.law, c.design);
      for (const p of [c.truth, ...c.more]) {
        const out = predictAt(c.law, x, vector(c.law, p));
        for (let i = 0; i < out.length; i++) {
          const at = Object.fromEntries(c.law.inputs.map((s, j) => [s.name, x[j][i]]));
          const want = c.direct(at, p);
          assert.ok(
            Math.abs(out[i] - want) <= 1e-12 * Math.max(1, Math.abs(want)),
            `${c.law.name} at point ${i}: ${out[i]} vs ${want}`,
          );
        }
        if (c.law.linearStructure) assertLinearStructure(c.law, x, vector(c.law, p));
      }
    });
  }
});

Deno.test("literature-b fitSync() recovers every parameter from noise-free data", async (t) => {
  // Stage 1 is the ordinary multi-start fit (default starts, squared loss) with tight
  // tolerances; stage 2 polishes its optimum with Levenberg-Marquardt, which reaches the exact
  // zero-residual optimum to ~1e-9 where L-BFGS-B stops at ~1e-6 on ill-conditioned laws.
  for (const c of CASES) {
    await t.step(c.law.name, () => {
      const x = inputColumns(c.law, c.design);
      const y = predictAt(c.law, x, vector(c.law, c.truth));
      const data = { inputs: c.design, y };
      const base: FitOptions = { loss: "squared", space: c.space, ...c.fit };
      const first = fitSync(c.law, data, { ...base, ftol: 1e-15, gtol: 1e-14 });
      const start = Object.fromEntries(Object.entries(first.params).map(([k, v]) => [k, v.value]));
      const polish: FitOptions = { optimizer: "lm", starts: [start], ftol: 1e-15, gtol: 1e-14 };
      const r = fitSync(c.law, data, { ...base, ...polish });
      assert.ok(r.converged, `${c.law.name}: ${r.message}`);
      for (const [name, want] of Object.entries(c.truth)) {
        const got = r.params[name].value;
        assert.ok(
          Math.abs(got - want) <= 1e-6 * Math.max(Math.abs(want), 1e-3),
          `${c.law.name}.${name}: ${got} vs ${want}`,
        );
      }
    });
  }
});

Deno.test("literature-b bootstrap() intervals cover the truth under small noise", async (t) => {
  // The criterion of `_coverage.ts`: noise seeds 1-3 (y·e^{σz} or y + σz, z from rng(seed);
  // the bootstrap uses the same seed), 100 point resamples, 99% percentile intervals, every
  // parameter inside for at least 2 of the 3 seeds.
  let checked = 0;
  for (const c of CASES) {
    await t.step(c.law.name, async () => {
      const clean = predictAt(c.law, inputColumns(c.law, c.design), vector(c.law, c.truth));
      const inside = await assertCoverage(c.law.name, c.truth, async (seed, level) => {
        const noise = rng(seed);
        const y = clean.map((v) =>
          c.noise.kind === "multiplicative"
            ? v * Math.exp(c.noise.sigma * noise.normal())
            : v + c.noise.sigma * noise.normal()
        );
        const b = await bootstrap(c.law, { inputs: c.design, y }, {
          resamples: 100,
          seed,
          level,
          workers: 1,
          fit: { loss: "squared", space: c.space, ...c.fit },
        });
        assert.ok(b.failed <= 5, `${c.law.name} seed ${seed}: ${b.failed} failed refits`);
        return b.intervals;
      });
      checked += Object.keys(inside).length;
    });
  }
  assert.equal(checked, 43);
});

Deno.test("brokenPowerLaw() names its laws and rejects a non-positive number of breaks", () => {
  assert.equal(brokenPowerLaw(1).name, "bnsl");
  assert.equal(brokenPowerLaw(2).name, "bnsl-2");
  assert.equal(brokenPowerLaw(4).params.length, 15);
  assert.throws(() => brokenPowerLaw(0), /breaks is 0; expected an integer of at least 1/);
  assert.throws(() => brokenPowerLaw(1.5), RangeError);
});

Deno.test("bnsl jacobian() stays finite for very sharp breaks far from x", () => {
  const x = [Float64Array.of(1, 1e3, 1e6, 1e9)];
  const p = vector(bnsl, { a: 0, b: 2, c0: 0.1, c1: 1, d1: 1e3, f1: 0.005 });
  const out = new Float64Array(4), jac = new Float64Array(4 * 6);
  bnsl.jacobian(x, p, out, jac);
  assert.ok([...out, ...jac].every(Number.isFinite));
  // Far past the break, y - a ≈ b · x^-(c0 + c1) · d1^c1.
  assert.ok(Math.abs(out[3] / (2 * 1e9 ** -1.1 * 1e3) - 1) < 1e-12);
});

Deno.test("overoptimization laws are zero at d = 0 with a finite jacobian", () => {
  for (const law of [overoptimization, overoptimizationBon]) {
    const out = new Float64Array(1), jac = new Float64Array(2);
    law.jacobian([Float64Array.of(0)], Float64Array.of(1, 0.5), out, jac);
    assert.equal(out[0], 0);
    assert.deepEqual([...jac].map((v) => v + 0), [0, 0]);
  }
});
