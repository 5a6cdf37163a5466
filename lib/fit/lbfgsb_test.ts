import assert from "node:assert/strict";
import { lbfgsb, LbfgsbSolver } from "./lbfgsb.ts";

/** The n-dimensional Rosenbrock function (sum of 100(x_{i+1} − x_i²)² + (1 − x_i)²). */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
    f += a * a + 100 * b * b;
    g[i] += -2 * a - 400 * x[i] * b;
    g[i + 1] += 200 * b;
  }
  return f;
}

const start10 = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1.2));

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} differs from ${expected} by more than ${tol}`,
  );
}

Deno.test("lbfgsb() finds the Rosenbrock minimum when unbounded", () => {
  const r2 = lbfgsb(rosenbrock, [-1.2, 1]);
  assert.equal(r2.status, "converged");
  close(r2.x[0], 1, 1e-8, "x0");
  close(r2.x[1], 1, 1e-8, "x1");
  assert.ok(r2.f < 1e-18);
  // scipy 1.17 L-BFGS-B (ftol=1e-12, gtol=1e-10) needs 38 iterations and 46 evaluations.
  assert.ok(r2.iterations <= 60 && r2.evaluations <= 80, `${r2.iterations}/${r2.evaluations}`);
  const r10 = lbfgsb(rosenbrock, start10);
  assert.equal(r10.status, "converged");
  for (let i = 0; i < 10; i++) close(r10.x[i], 1, 1e-6, `x${i}`);
});

Deno.test("lbfgsb() stops on an active bound with the known constrained minimum", () => {
  // min over x0 ≤ 0.5 is at (0.5, 0.25) with f = 0.25 (scipy gives the same point).
  const r = lbfgsb(rosenbrock, [-1.2, 1], { upper: [0.5, Infinity] });
  assert.equal(r.status, "converged");
  assert.equal(r.x[0], 0.5);
  close(r.x[1], 0.25, 1e-9, "x1");
  close(r.f, 0.25, 1e-15, "f");
  // Bound on x1 ≥ 1.5 from (-1.2, 1): scipy L-BFGS-B ends at (-1.22102624, 1.5),
  // f = 4.941229317989185 (python3, scipy 1.17, ftol=1e-12, gtol=1e-10).
  const b = lbfgsb(rosenbrock, [-1.2, 1], { lower: [-Infinity, 1.5] });
  assert.equal(b.status, "converged");
  assert.equal(b.x[1], 1.5);
  close(b.x[0], -1.22102624, 1e-8, "x0");
  close(b.f, 4.941229317989185, 1e-12, "f");
  // 10-d with x3 ≥ 1.5: scipy ends at f = 249.5755541198261 with x9 = 7.03320192.
  const lower = start10.map((_, i) => (i === 3 ? 1.5 : -Infinity));
  const c = lbfgsb(rosenbrock, start10, { lower });
  assert.equal(c.status, "converged");
  assert.equal(c.x[3], 1.5);
  close(c.f, 249.5755541198261, 1e-7, "f");
  close(c.x[9], 7.03320192, 1e-5, "x9");
});

Deno.test("lbfgsb() steps back from regions where the objective is not finite", () => {
  // f = x − log x, minimum at x = 1; the first step from x = 10 lands at x < 0 (f = NaN).
  const fg = (x: Float64Array, g: Float64Array) => {
    g[0] = 1 - 1 / x[0];
    return x[0] > 0 ? x[0] - Math.log(x[0]) : NaN;
  };
  const r = lbfgsb(fg, [10], { gtol: 1e-12 });
  assert.equal(r.status, "converged");
  close(r.x[0], 1, 1e-6, "x");
});

Deno.test("lbfgsb() reports non-finite starts and iteration limits without throwing", () => {
  const bad = lbfgsb((_x, g) => (g.fill(0), Infinity), [1, 2]);
  assert.equal(bad.status, "non-finite");
  assert.equal(bad.iterations, 0);
  const short = lbfgsb(rosenbrock, [-1.2, 1], { maxIterations: 3 });
  assert.equal(short.status, "max-iterations");
  assert.equal(short.iterations, 3);
  assert.match(short.message, /maxIterations \(3\)/);
});

Deno.test("LbfgsbSolver.minimize() gives identical results when reused", () => {
  const solver = new LbfgsbSolver(2);
  const a = solver.minimize(rosenbrock, Float64Array.of(-1.2, 1));
  const xa = a.x.slice();
  solver.minimize(rosenbrock, Float64Array.of(3, -2), { upper: [0.5, 4] });
  const b = solver.minimize(rosenbrock, Float64Array.of(-1.2, 1));
  assert.deepEqual(Array.from(b.x), Array.from(xa));
  assert.equal(b.evaluations, a.evaluations);
  assert.throws(
    () => solver.minimize(rosenbrock, Float64Array.of(0, 0), { lower: [1, 0], upper: [0, 1] }),
    RangeError,
  );
});

Deno.test("lbfgsb() reaches the same minimum whatever the objective's scale", () => {
  // The reduction test is relative to the objective: Rosenbrock times 1e-14 (an objective far
  // below 1, like a good fit's summed loss) must not stop on "slow progress" at once, as it
  // does when the reduction is divided by max(|f|, 1) (scipy's factr semantics).
  const tiny = (x: Float64Array, g: Float64Array) => {
    const f = rosenbrock(x, g);
    for (let i = 0; i < g.length; i++) g[i] *= 1e-14;
    return f * 1e-14;
  };
  const r = lbfgsb(tiny, [-1.2, 1], { gtol: 0 });
  assert.equal(r.status, "converged");
  assert.equal(r.stop, "ftol");
  close(r.x[0], 1, 1e-6, "x0");
  close(r.x[1], 1, 1e-6, "x1");
  const g = lbfgsb(rosenbrock, [-1.2, 1]);
  assert.equal(g.stop, "gtol");
});
