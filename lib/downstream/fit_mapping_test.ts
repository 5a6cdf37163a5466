import assert from "node:assert/strict";
import { direct } from "./direct.ts";
import { expError } from "./exp_error.ts";
import { fitMapping } from "./fit_mapping.ts";

const x = Float64Array.from({ length: 9 }, (_, i) => 0.6 + 0.2 * i);
const perturbation = [0.01, -0.012, 0.008, -0.004, 0, 0.006, -0.009, 0.011, -0.003];
const y = x.map((v, i) => -0.5 / (1 + Math.exp(-4 * (v - 1.2))) + 0.8 + perturbation[i]);

/**
 * scipy 1.17.1 reference: curve_fit(f, x, y, p0=[0.25 - 1, 0.9, 3, 1], bounds=([-1, 0, 0, 0],
 * [0, inf, inf, 1]), ftol=xtol=gtol=1e-15), without and with the point (0, 1) appended.
 */
const SCIPY_PLAIN = { a: -0.51307772, x0: 1.18665109, k: 3.83270847, b: 0.81170623 };
const SCIPY_ANCHORED = { a: -0.72289652, x0: 0.97548383, k: 2.64907465, b: 1 };

function assertClose(got: Record<string, number>, want: Record<string, number>, rtol: number) {
  for (const [k, v] of Object.entries(want)) {
    assert.ok(Math.abs(got[k] - v) <= rtol * Math.abs(v), `${k}: ${got[k]} vs ${v}`);
  }
}

Deno.test("fitMapping() matches scipy's bounded least squares when the anchor is off (default)", () => {
  const r = fitMapping(x, y, { chance: 0.25, starts: "ladder" });
  assert.equal(r.x.length, 9);
  assert.equal(r.anchor, undefined);
  assertClose(r.params, SCIPY_PLAIN, 1e-6);
  const multi = fitMapping(x, y);
  assertClose(multi.params, SCIPY_PLAIN, 1e-6);
});

Deno.test("fitMapping() appends the ladder's (0, ceiling) point when anchor is true", () => {
  const r = fitMapping(x, y, { chance: 0.25, starts: "ladder", anchor: true });
  assert.deepEqual([r.x[9], r.y[9]], [0, 1]);
  assert.deepEqual(r.anchor, { x: 0, y: 1 });
  assertClose(r.params, SCIPY_ANCHORED, 1e-6);
  assert.ok(r.fit.params.b.atBound);
  const custom = fitMapping(x, y, { anchor: { x: 0.1, y: 0.9 } });
  assert.deepEqual([custom.x[9], custom.y[9]], [0.1, 0.9]);
});

Deno.test("fitMapping() fixes q_min of the direct law to the chance level when given", () => {
  const C = Float64Array.of(1e18, 1e19, 1e20, 1e21, 1e22);
  const acc = C.map((c) => 0.5 + 0.5 * Math.exp(-Math.exp(6 - 0.15 * Math.log(c))));
  const r = fitMapping(C, acc, { law: direct, chance: 0.5 });
  assert.equal(r.params.q_min, 0.5);
  assert.equal(r.fit.params.q_min.fixed, true);
  assert.ok(Math.abs(r.params.w + 0.15) < 1e-6);
  assert.throws(() => fitMapping(C, acc, { law: direct }), /q_min is the task's chance level/);
});

Deno.test("fitMapping() throws when the inputs or options do not fit the law", () => {
  assert.throws(() => fitMapping(x, y.subarray(1)), /x has 9 values and y has 8/);
  assert.throws(() => fitMapping(x, y, { starts: "ladder" }), /no chance level given/);
  assert.throws(
    () => fitMapping(x, y, { law: expError, chance: 0.25, starts: "ladder" }),
    /defined for the sigmoid law/,
  );
});
