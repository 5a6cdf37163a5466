/**
 * A progress bar for long batches of fits, on stderr: a redrawn bar when stderr is a terminal,
 * periodic plain lines otherwise (CI logs, pipes).
 *
 * @module
 */

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Label before the bar. @default "fits" */
  label?: string;
  /** Draw a bar (true) or print lines (false). @default whether stderr is a terminal */
  tty?: boolean;
  /** Where text goes. @default stderr */
  write?: (text: string) => void;
  /** With lines: at most one line per this many seconds (and at the end). @default 5 */
  every?: number;
  /** Clock in milliseconds (for tests). @default performance.now */
  now?: () => number;
}

/** A progress reporter: call `update(done)` as work completes and `done()` at the end. */
export interface ProgressBar {
  update(done: number): void;
  done(): void;
}

function isTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function defaultWrite(text: string): void {
  try {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  } catch {
    // no stderr (e.g. a worker without it): drop the progress
  }
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Create a progress reporter for `total` items.
 *
 * @param total Number of items.
 * @param options Label, mode, output.
 * @returns The reporter.
 * @example Plain lines, as in a log
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressBar } from "./progress.ts";
 * const lines: string[] = [];
 * let t = 0;
 * const bar = progressBar(4, { tty: false, write: (s) => lines.push(s), every: 1, now: () => t });
 * t = 500; bar.update(1);
 * t = 2000; bar.update(2);
 * t = 2500; bar.update(4);
 * bar.done();
 * assert.equal(lines.length, 2);
 * assert.match(lines[1], /^fits: 4\/4 \(100%\)/);
 * ```
 */
export function progressBar(total: number, options: ProgressBarOptions = {}): ProgressBar {
  const label = options.label ?? "fits";
  const tty = options.tty ?? isTerminal();
  const write = options.write ?? defaultWrite;
  const every = (options.every ?? 5) * 1000;
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  let last = t0, current = 0, finished = false, lastPrinted = -1;
  const text = (done: number) => {
    const elapsed = (now() - t0) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const pct = total ? Math.floor((100 * done) / total) : 100;
    return {
      pct,
      tail: `${done}/${total} (${pct}%) ${rate.toFixed(1)}/s, ${clock(elapsed)} elapsed${
        done < total ? `, ${clock(eta)} left` : ""
      }`,
    };
  };
  const draw = (done: number) => {
    const { pct, tail } = text(done);
    const width = 30;
    const filled = Math.round((width * pct) / 100);
    write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${tail}\x1b[K`);
  };
  return {
    update(done: number) {
      current = done;
      if (tty) {
        const t = now();
        if (t - last >= 100 || done === total) {
          last = t;
          draw(done);
        }
        return;
      }
      const t = now();
      if (t - last >= every || (done === total && lastPrinted !== done)) {
        last = t;
        lastPrinted = done;
        write(`${label}: ${text(done).tail}\n`);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty) {
        draw(current);
        write("\n");
      } else if (lastPrinted !== current) {
        write(`${label}: ${text(current).tail}\n`);
      }
    },
  };
}
