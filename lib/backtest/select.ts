/**
 * Subset selectors of a backtest, as plain data: which models to fit on (the smallest k, a
 * sliding window of k sizes, given size ranks, all), which part of each run (the first p% of
 * its training), and which checkpoints (final only, or all after a minimum-tokens cut); and
 * which points are the held-out targets (the largest model's checkpoints in the last 30% of its
 * training, as in Choshen et al.).
 *
 * Conventions:
 * - Sizes are the distinct parameter counts of the runs, ascending; a size's rank counts from 0.
 * - Targets are the runs of the `largest` largest sizes; training models are chosen among the
 *   other sizes only, so a target model is never fitted on.
 * - "The first p% of a run's training" keeps checkpoints with tokens ≤ p · (the run's final
 *   tokens). ColPret measures p against the largest final tokens of all training models
 *   together; per run is what the paper describes and differs only when runs end at different
 *   token counts.
 * - `checkpoints: "final"` keeps the last checkpoint of each run within its first p% and
 *   ignores `minTokens`; `"all"` keeps every checkpoint within the first p% with tokens ≥
 *   `minTokens` (Choshen et al. drop checkpoints before 1e10 tokens).
 *
 * @module
 */

import { type BacktestPoints, modelSizes } from "./points.ts";

/** Which training models, among the sizes that are not targets. */
export type ModelSelector =
  /** Every non-target size. */
  | { kind: "all" }
  /** The `k` smallest sizes. */
  | { kind: "smallest"; k: number }
  /** `k` consecutive sizes starting at rank `start` (0 = smallest). */
  | { kind: "window"; k: number; start: number }
  /** The sizes of these ranks. */
  | { kind: "ranks"; ranks: number[] };

/** Which training points. */
export interface SubsetSpec {
  /** Training models. @default { kind: "all" } */
  models?: ModelSelector;
  /** Fraction of each run's training used, in (0, 1]. @default 1 */
  fraction?: number;
  /** Final checkpoint of each run only, or all checkpoints. @default "all" */
  checkpoints?: "final" | "all";
  /** With `checkpoints: "all"`, drop checkpoints with fewer tokens. @default 0 */
  minTokens?: number;
}

/** Which points are held-out targets. */
export interface TargetSpec {
  /** Number of largest sizes whose runs are targets. @default 1 */
  largest?: number;
  /** Last fraction of each target run's training (by tokens) used as targets. @default 0.3 */
  lastFraction?: number;
  /** Drop target checkpoints with fewer tokens. @default 0 */
  minTokens?: number;
}

/** The defaults of the Hitchhiker's Guide targets: the largest model's last 30%. */
export const DEFAULT_TARGETS: Required<TargetSpec> = {
  largest: 1,
  lastFraction: 0.3,
  minTokens: 0,
};

/** Relative slack on token comparisons (so that p = 1 keeps the final checkpoint exactly). */
const SLACK = 1e-12;

function check(cond: boolean, what: string, found: unknown, expected: string): void {
  if (!cond) {
    throw new RangeError(
      `Cannot select backtest points: ${what} is ${JSON.stringify(found)}; expected ${expected}`,
    );
  }
}

/**
 * Sizes (parameters) of the target models and of the candidate training models.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitSizes } from "./select.ts";
 * const p = { runParams: Float64Array.of(1, 2, 3, 4) };
 * assert.deepEqual(splitSizes(p, { largest: 1 }), { targets: [4], candidates: [1, 2, 3] });
 * ```
 */
export function splitSizes(
  points: Pick<BacktestPoints, "runParams">,
  targets: TargetSpec = {},
): { targets: number[]; candidates: number[] } {
  const largest = targets.largest ?? DEFAULT_TARGETS.largest;
  check(Number.isInteger(largest) && largest >= 1, "targets.largest", largest, "an integer >= 1");
  const sizes = modelSizes(points);
  const cut = Math.max(0, sizes.length - largest);
  return { targets: sizes.slice(cut), candidates: sizes.slice(0, cut) };
}

/**
 * The training sizes a model selector picks among the candidate sizes (ascending). Selectors
 * that ask for more sizes than exist return what exists (a window running past the end is
 * cut); callers compare the length with what they asked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectSizes } from "./select.ts";
 * const c = [1, 2, 3, 4, 5];
 * assert.deepEqual(selectSizes(c, { kind: "smallest", k: 2 }), [1, 2]);
 * assert.deepEqual(selectSizes(c, { kind: "window", k: 2, start: 3 }), [4, 5]);
 * assert.deepEqual(selectSizes(c, { kind: "ranks", ranks: [4, 0] }), [1, 5]);
 * ```
 */
export function selectSizes(candidates: readonly number[], selector: ModelSelector): number[] {
  switch (selector.kind) {
    case "all":
      return [...candidates];
    case "smallest":
      check(
        Number.isInteger(selector.k) && selector.k >= 1,
        "models.k",
        selector.k,
        "an integer >= 1",
      );
      return candidates.slice(0, selector.k);
    case "window":
      check(
        Number.isInteger(selector.k) && selector.k >= 1,
        "models.k",
        selector.k,
        "an integer >= 1",
      );
      check(
        Number.isInteger(selector.start) && selector.start >= 0,
        "models.start",
        selector.start,
        "an integer >= 0",
      );
      return candidates.slice(selector.start, selector.start + selector.k);
    case "ranks": {
      const set = new Set(selector.ranks);
      return candidates.filter((_, i) => set.has(i));
    }
    default:
      throw new TypeError(
        `Cannot select backtest points: models.kind is ${
          JSON.stringify((selector as { kind?: unknown }).kind)
        }; expected "all", "smallest", "window" or "ranks"`,
      );
  }
}

/**
 * Indices of the training points of a subset, in point order.
 *
 * @param points The points.
 * @param subset Models, fraction, checkpoints, minimum tokens.
 * @param targets The targets (their sizes are never trained on).
 * @returns Point indices.
 * @throws {RangeError} When a field is out of range.
 * @example The smallest 2 models, first half of training, final checkpoints
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectTrain } from "./select.ts";
 * // Three runs of sizes 1, 2, 3 with checkpoints at tokens 1..4.
 * const run = Int32Array.from({ length: 12 }, (_, i) => Math.floor(i / 4));
 * const p = {
 *   runParams: Float64Array.of(1, 2, 3), runFinalTokens: Float64Array.of(4, 4, 4), run,
 *   D: Float64Array.from({ length: 12 }, (_, i) => (i % 4) + 1),
 * };
 * const idx = selectTrain(p, { models: { kind: "smallest", k: 2 }, fraction: 0.5, checkpoints: "final" });
 * assert.deepEqual([...idx], [1, 5]);
 * ```
 */
export function selectTrain(
  points: Pick<BacktestPoints, "runParams" | "runFinalTokens" | "run" | "D">,
  subset: SubsetSpec = {},
  targets: TargetSpec = {},
): Int32Array {
  const fraction = subset.fraction ?? 1;
  check(fraction > 0 && fraction <= 1, "fraction", fraction, "a number in (0, 1]");
  const minTokens = subset.minTokens ?? 0;
  check(minTokens >= 0, "minTokens", minTokens, "a number >= 0");
  const mode = subset.checkpoints ?? "all";
  check(mode === "all" || mode === "final", "checkpoints", mode, `"all" or "final"`);
  const { candidates } = splitSizes(points, targets);
  const sizes = new Set(selectSizes(candidates, subset.models ?? { kind: "all" }));
  const nRuns = points.runParams.length;
  const useRun = Uint8Array.from(
    { length: nRuns },
    (_, r) => (sizes.has(points.runParams[r]) ? 1 : 0),
  );
  const limit = Float64Array.from(points.runFinalTokens, (t) => fraction * t * (1 + SLACK));
  const out: number[] = [];
  if (mode === "all") {
    for (let i = 0; i < points.run.length; i++) {
      const r = points.run[i];
      if (useRun[r] && points.D[i] <= limit[r] && points.D[i] >= minTokens) out.push(i);
    }
  } else {
    const best = new Int32Array(nRuns).fill(-1);
    for (let i = 0; i < points.run.length; i++) {
      const r = points.run[i];
      if (!useRun[r] || points.D[i] > limit[r]) continue;
      if (best[r] < 0 || points.D[i] > points.D[best[r]]) best[r] = i;
    }
    for (const i of best) if (i >= 0) out.push(i);
    out.sort((a, b) => a - b);
  }
  return Int32Array.from(out);
}

/**
 * Indices of the target points: the checkpoints of the largest size(s) in the last
 * `lastFraction` of each run's training (tokens ≥ (1 − lastFraction) · final tokens) with
 * tokens ≥ `minTokens`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectTargets } from "./select.ts";
 * const p = {
 *   runParams: Float64Array.of(1, 2), runFinalTokens: Float64Array.of(10, 10),
 *   run: Int32Array.of(0, 0, 1, 1, 1, 1), D: Float64Array.of(5, 10, 2, 6, 7, 10),
 * };
 * assert.deepEqual([...selectTargets(p)], [4, 5]); // 7 and 10 are in the last 30% of 10
 * ```
 */
export function selectTargets(
  points: Pick<BacktestPoints, "runParams" | "runFinalTokens" | "run" | "D">,
  targets: TargetSpec = {},
): Int32Array {
  const last = targets.lastFraction ?? DEFAULT_TARGETS.lastFraction;
  check(last > 0 && last <= 1, "targets.lastFraction", last, "a number in (0, 1]");
  const minTokens = targets.minTokens ?? 0;
  check(minTokens >= 0, "targets.minTokens", minTokens, "a number >= 0");
  const sizes = new Set(splitSizes(points, targets).targets);
  const out: number[] = [];
  for (let i = 0; i < points.run.length; i++) {
    const r = points.run[i];
    if (!sizes.has(points.runParams[r])) continue;
    const from = (1 - last) * points.runFinalTokens[r] * (1 - SLACK);
    if (points.D[i] >= from && points.D[i] >= minTokens) out.push(i);
  }
  return Int32Array.from(out);
}
