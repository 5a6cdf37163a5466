import assert from "node:assert/strict";
import { WorkerPool, WorkerTaskError } from "./pool.ts";
import { runFitStartsTask } from "./fit_task.ts";

const MODULE = "data:text/javascript," +
  encodeURIComponent(`
export function square(x) { return x * x; }
export async function later(x) { await new Promise((r) => setTimeout(r, 5 * (4 - x))); return x; }
export function fail(x) { throw new RangeError("bad input " + x); }
export function arrays(n) { return { a: Float64Array.from({ length: n }, (_, i) => i) }; }
`);

Deno.test("WorkerPool.run() returns results in task order and is reusable", async () => {
  const pool = new WorkerPool(2);
  try {
    const done: number[] = [];
    const out = await pool.run<number>(
      [0, 1, 2, 3].map((input) => ({ module: MODULE, fn: "later", input })),
      (i) => done.push(i),
    );
    assert.deepEqual(out, [0, 1, 2, 3]);
    assert.deepEqual([...done].sort(), [0, 1, 2, 3]);
    const again = await pool.run<number>(
      [5, 6].map((input) => ({ module: MODULE, fn: "square", input })),
    );
    assert.deepEqual(again, [25, 36]);
    const arrays = await pool.run<{ a: Float64Array }>([{
      module: MODULE,
      fn: "arrays",
      input: 3,
    }]);
    assert.deepEqual(Array.from(arrays[0].a), [0, 1, 2]);
  } finally {
    pool.close();
  }
});

Deno.test("WorkerPool.run() rejects with the worker's error and keeps working", async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(
      pool.run([{ module: MODULE, fn: "fail", input: 3 }]),
      (e: unknown) => {
        assert.ok(e instanceof WorkerTaskError);
        assert.equal(e.originalName, "RangeError");
        assert.match(e.message, /bad input 3/);
        return true;
      },
    );
    await assert.rejects(
      pool.run([{ module: MODULE, fn: "nope", input: 0 }]),
      /has no function "nope"/,
    );
    assert.deepEqual(await pool.run([{ module: MODULE, fn: "square", input: 3 }]), [9]);
  } finally {
    pool.close();
  }
  assert.equal(pool.closed, true);
  await assert.rejects(pool.run([{ module: MODULE, fn: "square", input: 1 }]), /pool is closed/);
});

Deno.test("WorkerPool runs fit chunks that match the calling thread", async () => {
  const N = Float64Array.of(1e8, 3e8, 1e9, 3e9, 1e10, 1e8, 1e10);
  const D = Float64Array.of(2e9, 6e9, 2e10, 6e10, 2e11, 2e11, 2e9);
  const y = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
  const input = {
    law: "chinchilla",
    inputs: ["N", "D"],
    data: { inputs: { N, D }, y },
    objective: { loss: "squared" as const },
    solver: {},
    starts: Float64Array.of(0, 5, 5, 0.5, 0.5, 1, 10, 10, 1, 1),
    count: 2,
  };
  const pool = new WorkerPool(2);
  try {
    const module = new URL("./fit_task.ts", import.meta.url).href;
    const [remote] = await pool.run<ReturnType<typeof runFitStartsTask>>([
      { module, fn: "runFitStartsTask", input },
    ]);
    const local = runFitStartsTask(input);
    assert.deepEqual(Array.from(remote.x), Array.from(local.x));
    assert.deepEqual(Array.from(remote.f), Array.from(local.f));
    assert.deepEqual(Array.from(remote.evaluations), Array.from(local.evaluations));
  } finally {
    pool.close();
  }
});

Deno.test("new WorkerPool() throws RangeError for a bad size", () => {
  assert.throws(() => new WorkerPool(0), RangeError);
  assert.throws(() => new WorkerPool(1.5), RangeError);
});
