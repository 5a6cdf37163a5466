/**
 * A small pool of Web Workers running generic tasks: "call exported function `fn` of module
 * `module` with `input`" (see `worker.ts`).
 *
 * Extension point: any module can define task functions (pure, taking and returning
 * structured-cloneable values, ideally typed arrays) and run them through a pool by URL, e.g. a
 * bootstrap runs "refit on resample i" with
 * `pool.run(inputs.map((input) => ({ module: new URL("./my_task.ts", import.meta.url).href,
 * fn: "refit", input })))`. Results come back in task order, whatever the number of workers,
 * so work split across workers stays deterministic.
 *
 * Workers start lazily on the first task and stay alive for reuse (many fits, bootstraps) until
 * {@link WorkerPool.close}; close the pool when done or the process will not exit.
 *
 * @module
 */

/** One task: call `fn` exported by `module` (a URL) with `input`. */
export interface PoolTask {
  /** Module URL (`new URL("./x.ts", import.meta.url).href`). */
  module: string;
  /** Name of the exported function. */
  fn: string;
  /** Structured-cloneable input. */
  input: unknown;
}

/** An error raised inside a worker, re-thrown on the calling side. */
export class WorkerTaskError extends Error {
  /** Name of the original error (e.g. "RangeError", "InputError"). */
  readonly originalName: string;
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = "WorkerTaskError";
    this.originalName = name;
    if (stack) this.stack = stack;
  }
}

interface Pending {
  task: PoolTask;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
}

/**
 * The default number of workers: min(navigator.hardwareConcurrency, 8), at least 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultWorkerCount } from "./pool.ts";
 * assert.ok(defaultWorkerCount() >= 1 && defaultWorkerCount() <= 8);
 * ```
 */
export function defaultWorkerCount(): number {
  const hc = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 1;
  return Math.max(1, Math.min(hc || 1, 8));
}

/**
 * A reusable pool of module workers.
 *
 * @example Run tasks on two workers
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerPool } from "./pool.ts";
 * const pool = new WorkerPool(2);
 * try {
 *   const module = "data:text/javascript,export const twice = (x) => 2 * x;";
 *   const out = await pool.run([1, 2, 3].map((input) => ({ module, fn: "twice", input })));
 *   assert.deepEqual(out, [2, 4, 6]);
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class WorkerPool {
  /** Maximum number of workers. */
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #closed = false;

  /**
   * @param size Number of workers. @default defaultWorkerCount()
   * @throws {RangeError} When size is not a positive integer.
   */
  constructor(size: number = defaultWorkerCount()) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot create a worker pool: size is ${size}; expected a positive integer`,
      );
    }
    this.size = size;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Run tasks; resolves with their results in task order. Rejects with a
   * {@link WorkerTaskError} when any task fails (other tasks still run to completion).
   *
   * @param tasks The tasks.
   * @param onDone Called as each task completes, with its index and result.
   */
  run<R>(tasks: readonly PoolTask[], onDone?: (index: number, result: R) => void): Promise<R[]> {
    if (this.#closed) {
      return Promise.reject(new Error("Cannot run tasks: the worker pool is closed"));
    }
    return Promise.allSettled(tasks.map((task, index) =>
      new Promise<unknown>((resolve, reject) => {
        this.#queue.push({ task, resolve, reject });
        this.#pump();
      }).then((r) => {
        onDone?.(index, r as R);
        return r as R;
      })
    )).then((settled) => {
      const failed = settled.find((s) => s.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
    });
  }

  /** Terminate all workers; pending tasks are rejected. The pool cannot be used afterwards. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.worker.terminate();
      slot.busy?.pending.reject(new Error("Cannot finish task: the worker pool was closed"));
    }
    this.#slots.length = 0;
    for (const p of this.#queue.splice(0)) {
      p.reject(new Error("Cannot run task: the worker pool was closed"));
    }
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
    const slot: Slot = { worker };
    worker.onmessage = (event: MessageEvent) => {
      const msg = event.data as {
        id: number;
        ok: boolean;
        result?: unknown;
        error?: { name: string; message: string; stack?: string };
      };
      const busy = slot.busy;
      if (!busy || busy.id !== msg.id) return;
      slot.busy = undefined;
      if (msg.ok) busy.pending.resolve(msg.result);
      else {
        const e = msg.error!;
        busy.pending.reject(new WorkerTaskError(e.name, e.message, e.stack));
      }
      this.#pump();
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      const busy = slot.busy;
      slot.busy = undefined;
      worker.terminate();
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      busy?.pending.reject(new WorkerTaskError("Error", event.message ?? "worker crashed"));
      this.#pump();
    };
    this.#slots.push(slot);
    return slot;
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => !s.busy);
      if (!slot) {
        if (this.#slots.length >= this.size) return;
        slot = this.#spawn();
      }
      const pending = this.#queue.shift()!;
      const id = this.#nextId++;
      slot.busy = { id, pending };
      const { module, fn, input } = pending.task;
      try {
        slot.worker.postMessage({ id, module, fn, input });
      } catch (err) {
        // An input that cannot be cloned: fail this task instead of leaving the slot busy.
        slot.busy = undefined;
        pending.reject(err);
      }
    }
  }
}
