import assert from "node:assert/strict";
import { buildObjective, lossValue, type ObjectiveOptions } from "./objective.ts";
import { chinchilla, chinchillaTied } from "../laws/chinchilla.ts";
import { rng } from "../util/rng.ts";
import type { FitData } from "./types.ts";

/** Small noisy Chinchilla-like data set (seeded). */
function data(n = 40, seed = 1): FitData {
  const r = rng(seed);
  const N = new Float64Array(n), D = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    N[i] = 10 ** (7 + 3 * r.next());
    D[i] = 10 ** (9 + 2 * r.next());
    y[i] = (1.8 + 480 / N[i] ** 0.35 + 2000 / D[i] ** 0.37) * Math.exp(0.02 * r.normal());
  }
  return { inputs: { N, D }, y };
}

Deno.test("lossValue() equals scipy.special.huber for Huber loss", () => {
  // python3 -c "from scipy.special import huber; print(repr(float(huber(d, r))))", scipy 1.17.
  const cases: [number, number, number][] = [
    [1e-3, 0.0, 0.0],
    [1e-3, 5e-4, 1.25e-07],
    [1e-3, -1e-3, 5e-07],
    [1e-3, 0.02, 1.95e-05],
    [1e-3, -0.3, 0.0002995],
    [1.0, 2.5, 2.0],
    [0.5, -0.25, 0.03125],
  ];
  for (const [delta, r, expected] of cases) {
    const v = lossValue("huber", r, delta);
    assert.ok(
      Math.abs(v - expected) <= 1e-15 * Math.max(1, expected) + 1e-22,
      `${delta} ${r}: ${v}`,
    );
  }
  assert.equal(lossValue("squared", -3, 1), 4.5);
  assert.equal(lossValue("absolute", -3, 1), 3);
});

Deno.test("Objective.valueAndGradient() matches central finite differences for every loss and space", () => {
  const d = data();
  const weights = Float64Array.from({ length: 40 }, (_, i) => 0.5 + (i % 3));
  const settings: [typeof chinchilla, ObjectiveOptions][] = [
    [chinchilla, { loss: "huber" }],
    [chinchilla, { loss: "squared", weights }],
    [chinchilla, { loss: "absolute", space: "linear" }],
    [chinchilla, { loss: "huber", huberDelta: 0.05, params: { E: { fixed: 1.7 } } }],
    [chinchillaTied, { loss: "squared", space: "linear" }],
    [chinchilla, { loss: "huber", params: { A: { tie: "B" }, alpha: { scale: "log" } } }],
  ];
  for (const [law, options] of settings) {
    const obj = buildObjective(law, d, options);
    const k = obj.nFree;
    const theta = Float64Array.from({ length: k }, (_, j) => {
      const name = obj.freeNames[j];
      const natural = { E: 1.7, A: 300, B: 1500, alpha: 0.3, beta: 0.4 }[name]!;
      return obj.toOptimizer(j, natural);
    });
    const g = new Float64Array(k);
    const f = obj.valueAndGradient(theta, g);
    assert.ok(Math.abs(f - obj.value(theta)) <= 1e-14 * f, "value and valueAndGradient agree");
    for (let j = 0; j < k; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(theta[j]));
      const tp = theta.slice(), tm = theta.slice();
      tp[j] += h;
      tm[j] -= h;
      const fd = (obj.value(tp) - obj.value(tm)) / (2 * h);
      const what = `${JSON.stringify(options)} d/d${obj.freeNames[j]}: ${g[j]} vs ${fd}`;
      assert.ok(Math.abs(g[j] - fd) <= 1e-6 * Math.max(1e-3, Math.abs(fd)), what);
    }
  }
});

Deno.test("Objective sums losses over points and applies weights", () => {
  const d = data(10);
  const base = buildObjective(chinchilla, d, { loss: "squared" });
  const theta = Float64Array.of(Math.log(1.8), Math.log(480), Math.log(2000), 0.35, 0.37);
  const pred = new Float64Array(10);
  base.predict(theta, pred);
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += 0.5 * (Math.log(d.y[i]) - Math.log(pred[i])) ** 2;
  assert.ok(Math.abs(base.value(theta) - sum) <= 1e-15 * sum);
  const twice = buildObjective(chinchilla, d, {
    loss: "squared",
    weights: new Float64Array(10).fill(2),
  });
  assert.ok(Math.abs(twice.value(theta) - 2 * sum) <= 1e-15 * sum);
});

Deno.test("Objective.value() is +Infinity when a prediction is not positive in log space", () => {
  const obj = buildObjective(chinchilla, data(5), {
    params: { E: { scale: "linear" } },
  });
  // E = -10 makes every prediction negative.
  assert.equal(obj.value(Float64Array.of(-10, 0, 0, 1, 1)), Infinity);
  const g = new Float64Array(5);
  assert.equal(obj.valueAndGradient(Float64Array.of(-10, 0, 0, 1, 1), g), Infinity);
  assert.deepEqual(Array.from(g), [0, 0, 0, 0, 0]);
});

Deno.test("Objective maps bounds, fixed and tied parameters into the optimiser space", () => {
  const obj = buildObjective(chinchilla, data(5), {
    params: { E: { min: 1, max: 3 }, alpha: { min: 0, max: 1 }, beta: { tie: "alpha" } },
  });
  assert.deepEqual(obj.freeNames, ["E", "A", "B", "alpha"]);
  assert.equal(obj.lower[0], 0);
  assert.ok(Math.abs(obj.upper[0] - Math.log(3)) < 1e-15);
  assert.equal(obj.lower[1], -Infinity);
  assert.deepEqual([obj.lower[3], obj.upper[3]], [0, 1]);
  const p = obj.toNatural(Float64Array.of(0, 1, 2, 0.3), new Float64Array(5));
  assert.deepEqual(Array.from(p), [1, Math.E, Math.exp(2), 0.3, 0.3]);
});

Deno.test("buildObjective() throws RangeError for invalid options and data", () => {
  const d = data(5);
  const cases: [FitData, ObjectiveOptions, RegExp][] = [
    [d, { params: { alpah: { min: 0 } } }, /parameter "alpah" is unknown.*did you mean "alpha"/],
    [d, { params: { alpha: { min: 1, max: 1 } } }, /min 1 and max 1; expected min < max/],
    [d, { params: { alpha: { fixed: 0.3, tie: "beta" } } }, /both fixed and tied/],
    [d, { params: { alpha: { start: 3, max: 2 } } }, /start 3 of parameter "alpha" is outside/],
    [d, { params: { beta: { tie: "gamma" } } }, /unknown parameter "gamma"/],
    [d, { params: { alpha: { tie: "beta" }, beta: { tie: "alpha" } } }, /cycle/],
    [d, { params: { E: { grid: [-1, 1] } } }, /not positive/],
    [d, { params: { alpha: { strat: 1 } as never } }, /option "strat".*did you mean "start"/],
    [d, { loss: "hubr" as never }, /loss is "hubr".*did you mean "huber"/],
    [d, { huberDelta: 0 }, /huberDelta is 0/],
    [d, { weights: new Float64Array(3) }, /weights has 3 values and y has 5/],
    [{ inputs: { N: d.inputs.N }, y: d.y }, {}, /input "D" is missing/],
    [{ inputs: { ...d.inputs, T: d.y }, y: d.y }, {}, /input "T" is unknown/],
    [{ inputs: { N: d.inputs.N, D: new Float64Array(4) }, y: d.y }, {}, /"D" has 4 values/],
    [{ inputs: d.inputs, y: Float64Array.of(1, 2, 0, 4, 5) }, {}, /y\[2\] is 0 with space "log"/],
    [
      { inputs: d.inputs, y: Float64Array.of(1, 2, NaN, 4, 5) },
      { space: "linear" },
      /y\[2\] is NaN/,
    ],
  ];
  for (const [dd, options, re] of cases) {
    assert.throws(() => buildObjective(chinchilla, dd, options), (e: unknown) => {
      assert.ok(e instanceof RangeError, `${re}: ${e}`);
      assert.match((e as Error).message, re);
      assert.match((e as Error).message, /^Cannot fit "chinchilla": /);
      return true;
    });
  }
  // Non-positive y is fine in linear space.
  buildObjective(chinchilla, { inputs: d.inputs, y: Float64Array.of(1, 2, 0, 4, 5) }, {
    space: "linear",
  });
});
