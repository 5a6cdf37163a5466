/**
 * Entry point of a {@link WorkerPool} worker (Deno Web Worker, `type: "module"`).
 *
 * A task names a module URL and an exported function; the worker imports the module once
 * (cached), calls the function with the task input (awaiting a promise if it returns one) and
 * posts back the result, transferring the buffers of typed arrays found at the top level of
 * the result object. Errors are posted back with their name, message and stack.
 *
 * Messages in: `{ id, module, fn, input }`. Messages out: `{ id, ok: true, result }` or
 * `{ id, ok: false, error: { name, message, stack } }`.
 *
 * @module
 */

/// <reference lib="deno.worker" />

/** A task as posted to the worker. */
export interface WorkerTaskMessage {
  id: number;
  module: string;
  fn: string;
  input: unknown;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

function transferables(result: unknown): Transferable[] {
  if (result === null || typeof result !== "object") return [];
  const out = new Set<ArrayBuffer>();
  const values = ArrayBuffer.isView(result) ? [result] : Object.values(result);
  for (const v of values) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  }
  return [...out];
}

self.onmessage = async (event: MessageEvent<WorkerTaskMessage>) => {
  const { id, module, fn, input } = event.data;
  try {
    let mod = modules.get(module);
    if (!mod) {
      mod = import(module) as Promise<Record<string, unknown>>;
      modules.set(module, mod);
    }
    const f = (await mod)[fn];
    if (typeof f !== "function") {
      throw new TypeError(
        `Cannot run task: module ${JSON.stringify(module)} has no function ${JSON.stringify(fn)}`,
      );
    }
    const result = await (f as (input: unknown) => unknown)(input);
    self.postMessage({ id, ok: true, result }, { transfer: transferables(result) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    self.postMessage({
      id,
      ok: false,
      error: { name: e.name, message: e.message, stack: e.stack },
    });
  }
};
