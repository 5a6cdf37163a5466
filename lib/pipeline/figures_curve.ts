/**
 * The figure of a one-input law fitted to training curves (`bnsl`, `power-law` on loss
 * against tokens) or across runs against a fraction (`data-mixing` on one domain's proportion):
 * the observed points, the fitted law over the fit range and extrapolated
 * (dashed) to the held-out points of the fit's evaluations, with the bootstrap band when there
 * is one.
 *
 * @module
 */

import { lawFit } from "../plot/mod.ts";
import { Figure } from "../report/figure.ts";
import type { FitEntry, PipelineContext } from "./context.ts";

/** Most held-out points drawn (evenly thinned beyond this; every point is still evaluated). */
export const MAX_CURVE_TARGETS = 40;

/** Columns that put a one-input law on a tokens or compute axis. */
const AXES: Partial<Record<string, "tokens" | "compute">> = {
  D: "tokens",
  tokens: "tokens",
  C: "compute",
  flops: "compute",
  compute: "compute",
};

function logRange(lo: number, hi: number, n: number): number[] {
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

/** Whether `xs` takes one value per run (runs[i] is the run of point i). */
function constantWithinRuns(xs: ArrayLike<number>, runs: readonly string[]): boolean {
  const seen = new Map<string, number>();
  for (let i = 0; i < xs.length; i++) {
    const first = seen.get(runs[i]);
    if (first === undefined) seen.set(runs[i], xs[i]);
    else if (first !== xs[i]) return false;
  }
  return true;
}

/** Every k-th item so that at most `max` remain (the last one always kept). */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const k = Math.ceil(items.length / max);
  return items.filter((_, i) => i % k === 0 || i === items.length - 1);
}

/**
 * The curve figure of a one-input fit: a learning curve when the input is read from tokens (D)
 * or compute (C), on a log axis; the law across runs when the input is a fraction in [0, 1]
 * with one value per run (a mixture proportion), on a linear axis. Undefined for other fits, or when the fit has no
 * finite parameters.
 *
 * @param ctx The pipeline's state (for the fit's evaluations).
 * @param id The fit's id.
 * @param fit The fit.
 * @returns The figure, or undefined.
 */
export function curveFigure(
  ctx: PipelineContext,
  id: string,
  fit: FitEntry,
): Figure | undefined {
  const { law, result } = fit;
  if (law.inputs.length !== 1) return undefined;
  const input = law.inputs[0].name;
  const column = fit.columns[input];
  const xs = fit.x[input];
  // A fraction that is a property of the run (a mixture proportion: in [0, 1] and the same at
  // every point of a run) goes on a linear axis, with the runs as one series: the law is one
  // curve across runs, not one per run.
  const fraction = xs.length > 0 && xs.every((v) => v >= 0 && v <= 1) &&
    constantWithinRuns(xs, fit.runIds);
  const axis = AXES[column] ?? (fraction ? "fraction" as const : undefined);
  if (axis === undefined || fit.y.length === 0) return undefined;
  const p = Float64Array.from(law.params, (s) => result.params[s.name]?.value ?? NaN);
  if (!p.every(Number.isFinite)) return undefined;
  const linear = axis === "fraction";
  const seriesOf = (run: string) => (linear ? fit.step.metric : run);
  const usable = (x: number) => (linear ? Number.isFinite(x) : x > 0);
  const points = Array.from(
    fit.y,
    (y, i) => ({ x: xs[i], loss: y, series: seriesOf(fit.runIds[i]) }),
  )
    .filter((q) => usable(q.x) && Number.isFinite(q.loss));
  const targetRows = [...ctx.evaluations.values()]
    .filter((e) => e.summary.fit === id)
    .flatMap((e) => e.summary.points)
    .filter((r) => usable(r.inputs[input]) && Number.isFinite(r.actual));
  const targets = thin(
    [...targetRows].sort((a, b) => a.inputs[input] - b.inputs[input]),
    MAX_CURVE_TARGETS,
  ).map((r) => ({ series: seriesOf(r.run), x: r.inputs[input], loss: r.actual }));
  if (points.length === 0) return undefined;
  let lo = Infinity, hi = -Infinity;
  for (const x of [...points.map((q) => q.x), ...targets.map((t) => t.x)]) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const grid = linear
    ? Array.from({ length: 100 }, (_, i) => lo + ((hi - lo) * i) / 99)
    : logRange(lo, hi, 100);
  const series = [...new Set(points.map((q) => q.series))];
  const x = Float64Array.from(grid);
  const loss = new Float64Array(grid.length);
  law.predict([x], p, loss);
  const band = fit.bootstrap?.predict({ [input]: x });
  const curves = series.map((s) => ({
    series: s,
    x: grid,
    loss,
    ...(band ? { lower: band.low, upper: band.high } : {}),
  }));
  const nTargets = targetRows.length;
  const shown = nTargets > targets.length ? ` (${targets.length} drawn)` : "";
  const svg = lawFit({ points, curves, targets }, {
    name: `fit-${id}`,
    title: `Fit ${id}: ${law.name}`,
    ...(linear
      ? { xType: "linear" as const, xLabel: `${column} (${input} of the law)` }
      : { xAxis: axis }),
    yLabel: fit.step.metric,
    seriesLabel: linear ? "Metric" : "Run",
    formatSeries: (s) => String(s).split("/").pop() ?? String(s),
    ...(band ? { bandLabel: `${Math.round(100 * fit.bootstrap!.level)}% bootstrap band` } : {}),
    caption: `${law.formula}, fitted to ${fit.y.length} points` +
      (nTargets > 0 ? `; ${nTargets} held-out points${shown} as hollow markers.` : "."),
  });
  return new Figure({
    name: `fit-${id}`,
    title: `Fit ${id}: ${fit.step.metric} against ${
      linear ? column : `training ${axis}`
    }, ${law.name} extrapolated`,
    alt:
      `${fit.step.metric} against ${linear ? column : `training ${axis}`} for ${
        linear ? `${new Set(fit.runIds).size} runs` : `${series.length} run(s)`
      }, with the ` +
      `fitted ${law.name} law solid over the fitted range and dashed beyond it` +
      (nTargets > 0 ? `, and ${nTargets} held-out points.` : "."),
    svg,
  });
}
