/**
 * The report's figures, drawn from a pipeline's results with the builders of lib/plot: the data
 * overview, each fit against its data, residuals, bootstrap histograms, allocations with their
 * bands, IsoFLOP profiles, and predicted against actual values of evaluations.
 *
 * @module
 */

import {
  allocation as allocationFigure,
  bootstrapHistograms,
  dataOverview,
  isoflopCurves,
  lawFit,
  predictedVsActual,
  residuals as residualsFigure,
} from "../plot/mod.ts";
import { metricPoints } from "../data/schema.ts";
import { Figure } from "../report/figure.ts";
import { formatNumber } from "../report/format.ts";
import type { FitEntry, PipelineContext } from "./context.ts";
import { FIGURE_KINDS, type FigureKind } from "./spec.ts";
import { downstreamFigures } from "./downstream_figures.ts";
import { backtestFigures } from "./steps_backtest.ts";
import { dataLabel, fitCaption, fitTitle, lawLabel, metricLabel } from "./figure_text.ts";
import { optimalAllocation } from "../fit/allocation.ts";
import { curveFigure } from "./figures_curve.ts";

/** Most distinct model sizes drawn as separate curves in a law-fit figure. */
export const MAX_FIT_SERIES = 12;

function logRange(lo: number, hi: number, n: number): number[] {
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

function dataFigure(ctx: PipelineContext): Figure | undefined {
  const ladder = ctx.ladder;
  if (!ladder) return undefined;
  const firstFit = [...ctx.fits.values()][0];
  const metric = firstFit?.step.metric ??
    (ladder.metrics.includes("loss") ? "loss" : ladder.metrics[0]);
  if (metric === undefined) return undefined;
  const mode = firstFit?.step.compute ?? "6ND";
  const pts = metricPoints(ladder, metric, mode);
  const points = [];
  for (let i = 0; i < pts.y.length; i++) {
    if (pts.N[i] > 0 && pts.C[i] > 0 && pts.y[i] > 0) {
      points.push({ params: pts.N[i], flops: pts.C[i], loss: pts.y[i] });
    }
  }
  if (points.length === 0) return undefined;
  const source = dataLabel(ctx);
  const svg = dataOverview({ points }, {
    name: "data",
    title: source ? `${source[0].toUpperCase()}${source.slice(1)}` : "Data",
    colorLabel: metricLabel(metric),
    caption: `${points.length} observations of ${metric}; training compute ${
      mode === "given" ? "as given by the data" : `C = ${mode === "6ND" ? "6ND" : "6·N_non-emb·D"}`
    }.`,
  });
  return new Figure({
    name: "data",
    title: "Data: model size against training compute",
    alt: `Scatter plot of model size against training compute for ${points.length} ` +
      `observations, coloured by ${metric}.`,
    svg,
  });
}

function hasInputs(fit: FitEntry, names: string[]): boolean {
  return names.every((n) => n in fit.x);
}

function fitFigure(id: string, fit: FitEntry, ctx: PipelineContext): Figure | undefined {
  const { law, result } = fit;
  const title = fitTitle(ctx, id, fit), caption = fitCaption(ctx, id, fit);
  const p = Float64Array.from(law.params, (s) => result.params[s.name]?.value ?? NaN);
  if (!p.every(Number.isFinite)) return undefined;
  const sizes = [...new Set(fit.N)].sort((a, b) => a - b);
  const onlyND = law.inputs.every((s) => s.name === "N" || s.name === "D");
  const positive = fit.y.every((v) => v > 0);
  if (onlyND && hasInputs(fit, ["N", "D"]) && sizes.length <= MAX_FIT_SERIES && positive) {
    const points = Array.from(fit.y, (y, i) => ({ x: fit.D[i], loss: y, series: fit.N[i] }));
    let lo = Infinity, hi = -Infinity;
    for (const d of fit.D) {
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    const xs = logRange(lo, hi, 60);
    const curves = sizes.map((n) => {
      const x = law.inputs.map((s) =>
        s.name === "N" ? new Float64Array(xs.length).fill(n) : Float64Array.from(xs)
      );
      const out = new Float64Array(xs.length);
      law.predict(x, p, out);
      return { series: n, x: xs, loss: out };
    });
    const svg = lawFit({ points, curves }, {
      name: `fit-${id}`,
      title,
      yLabel: metricLabel(fit.step.metric),
      caption,
    });
    return new Figure({
      name: `fit-${id}`,
      title: `${title}: ${fit.step.metric} against training tokens`,
      alt: `${fit.step.metric} against training tokens for ${sizes.length} model sizes, ` +
        `with the fitted ${law.name} law as one line per size.`,
      svg,
    });
  }
  const points = Array.from(fit.y, (y, i) => ({ actual: y, predicted: fit.fitted[i] }));
  let lo = Infinity, hi = -Infinity;
  for (const y of fit.y) {
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  const logAxes = positive && hi / lo > 10;
  const svg = predictedVsActual({ points }, {
    name: `fit-${id}`,
    title,
    xLabel: `Observed ${fit.step.metric}`,
    yLabel: `Fitted ${fit.step.metric}`,
    errorLabels: false,
    type: logAxes ? "log" : "linear",
    caption,
  });
  return new Figure({
    name: `fit-${id}`,
    title: `${title}: fitted against observed ${fit.step.metric}`,
    alt: `Fitted against observed ${fit.step.metric} for ${fit.y.length} points of fit ${id}.`,
    svg,
  });
}

function residualFigure(id: string, fit: FitEntry, ctx: PipelineContext): Figure | undefined {
  const log = (fit.step.options.space ?? "log") === "log";
  const points = [];
  for (let i = 0; i < fit.y.length; i++) {
    const r = log ? Math.log(fit.y[i]) - Math.log(fit.fitted[i]) : fit.y[i] - fit.fitted[i];
    if (Number.isFinite(r) && fit.N[i] > 0) points.push({ x: fit.N[i], residual: r });
  }
  if (points.length === 0) return undefined;
  const svg = residualsFigure({ points }, {
    name: `residuals-${id}`,
    title: `Residuals of the ${lawLabel(fit.law)} fit${ctx.fits.size > 1 ? ` ${id}` : ""}`,
    yLabel: log ? `Residual (log ${fit.step.metric})` : `Residual (${fit.step.metric})`,
  });
  return new Figure({
    name: `residuals-${id}`,
    title: `Residuals of fit ${id} against model size`,
    alt: `Residuals of fit ${id} (${log ? "log space" : "linear space"}) against model size.`,
    svg,
  });
}

function bootstrapFigure(id: string, fit: FitEntry, ctx: PipelineContext): Figure | undefined {
  const b = fit.bootstrap;
  if (!b) return undefined;
  const parameters = fit.law.params
    .filter((s) => !fit.result.params[s.name]?.fixed && b.draws[s.name]?.length > 0)
    .map((s) => ({
      name: s.name,
      draws: b.draws[s.name],
      estimate: fit.result.params[s.name].value,
      lower: b.intervals[s.name]?.[0],
      upper: b.intervals[s.name]?.[1],
      // Log-space parameters (amplitudes A, B) have long right tails: a log x axis.
      scale: s.scale ?? "linear",
    }));
  if (parameters.length === 0) return undefined;
  const level = `${formatNumber(100 * b.level, 3)}%`;
  const svg = bootstrapHistograms({ parameters }, {
    name: `bootstrap-${id}`,
    title: `Bootstrap distributions of the ${lawLabel(fit.law)}'s parameters${
      ctx.fits.size > 1 ? ` (fit ${id})` : ""
    }`,
    intervalLabel: `${level} interval`,
    caption: `${b.draws[parameters[0].name].length} successful refits of ${b.resamples} ` +
      `resamples (by ${b.by === "group" ? "run" : "point"}); ${level} percentile intervals.`,
  });
  return new Figure({
    name: `bootstrap-${id}`,
    title: `Bootstrap distributions of the parameters of fit ${id}`,
    alt: `Histograms of the bootstrap draws of ${
      parameters.map((q) => q.name).join(", ")
    } with the point estimates and ${level} intervals.`,
    svg,
  });
}

/**
 * Draw the figures of the given kinds for everything the context holds, in a fixed order
 * (data, then per fit: fit, residuals, bootstrap; then allocations, IsoFLOP analyses,
 * evaluations). Figures that do not apply (no bootstrap, a law without N and D) are skipped.
 *
 * @param ctx The pipeline's state.
 * @param kinds Figure kinds. @default all kinds
 * @returns The figures.
 */
export function buildFigures(
  ctx: PipelineContext,
  kinds: readonly FigureKind[] = FIGURE_KINDS,
): Figure[] {
  const want = new Set(kinds);
  const out: Figure[] = [];
  const push = (f: Figure | undefined) => {
    if (f) out.push(f);
  };
  if (want.has("data")) push(dataFigure(ctx));
  for (const [id, fit] of ctx.fits) {
    if (!fit.result.converged && fit.result.status === "no-data") continue;
    if (want.has("fit")) push(curveFigure(ctx, id, fit) ?? fitFigure(id, fit, ctx));
    if (want.has("residuals")) push(residualFigure(id, fit, ctx));
    if (want.has("bootstrap")) push(bootstrapFigure(id, fit, ctx));
  }
  if (want.has("allocation")) {
    for (const [id, a] of ctx.allocations) {
      const c = a.curve;
      const banded = c.paramsLower !== undefined;
      const level = `${formatNumber(100 * a.step.level, 3)}%`;
      // Published allocations (e.g. Hoffmann et al.'s parameters) over the same budgets.
      const references = (a.step.references ?? []).map((r) => {
        const ref = optimalAllocation(r.params, c.compute);
        return { label: r.label, compute: c.compute, params: ref.params, reference: true };
      });
      const svg = allocationFigure({
        models: a.step.models ?? [],
        series: [{
          label: `Our fit (${a.step.fit})`,
          compute: c.compute,
          params: c.params,
          tokensPerParam: c.tokensPerParam,
          paramsLower: c.paramsLower,
          paramsUpper: c.paramsUpper,
          tokensPerParamLower: c.tokensPerParamLower,
          tokensPerParamUpper: c.tokensPerParamUpper,
        }, ...references],
      }, {
        name: `allocation-${id}`,
        title: id === "allocation"
          ? "Compute-optimal allocation"
          : `Compute-optimal allocation (${id})`,
        bandLabel: `${level} bootstrap interval`,
        ratio: a.step.ratio,
        caption: `Approach 3: N_opt and D_opt = C/(6 N_opt) minimise the fitted law at each ` +
          `compute C.` + (banded ? ` Bands: ${level} bootstrap intervals.` : ""),
      });
      out.push(
        new Figure({
          name: `allocation-${id}`,
          title: `Compute-optimal model size and tokens per parameter (fit ${a.step.fit})`,
          alt:
            `Compute-optimal model size and tokens per parameter against compute from fit ${a.step.fit}${
              banded ? `, with ${level} bootstrap bands` : ""
            }.`,
          svg,
        }),
      );
    }
  }
  if (want.has("isoflop")) {
    for (const [id, s] of ctx.isoflops) {
      const ok = s.result.budgets.filter((b) => b.status === "ok");
      if (s.points.length === 0) continue;
      const budgetOf = (C: number) => {
        let best = s.result.budgets[0]?.budget ?? C;
        for (const b of s.result.budgets) {
          if (Math.abs(Math.log(b.budget / C)) < Math.abs(Math.log(best / C))) best = b.budget;
        }
        return best;
      };
      const points = s.points.map((p) => ({ flops: budgetOf(p.C), params: p.N, loss: p.loss }));
      const minima = ok.map((b) => ({ flops: b.budget, params: b.N, loss: b.loss }));
      const curves = [];
      for (const b of ok) {
        if (!b.coefficients) continue;
        const ns = s.points.filter((p) => budgetOf(p.C) === b.budget).map((p) => p.N);
        const lo = Math.min(...ns), hi = Math.max(...ns);
        const xs = logRange(lo, hi, 40);
        const [c0, c1, c2] = b.coefficients;
        const loss = xs.map((n) => {
          const v = c0 + c1 * Math.log(n) + c2 * Math.log(n) ** 2;
          return s.step.logLoss ? Math.exp(v) : v;
        });
        curves.push({ flops: b.budget, params: xs, loss });
      }
      const svg = isoflopCurves(
        curves.length > 0 || s.step.method === "akima"
          ? { points, minima, curves }
          : { points, minima },
        {
          name: `isoflop-${id}`,
          title: `IsoFLOP profiles at ${ok.length} compute budgets${
            id === "isoflop" ? "" : ` (${id})`
          }`,
          yLabel: metricLabel(s.step.metric),
          fit: "none",
          caption: `Approach 2: a ${
            s.step.method === "akima" ? "Akima spline" : "parabola in log N"
          } per budget; diamonds mark each profile's minimum.`,
        },
      );
      out.push(
        new Figure({
          name: `isoflop-${id}`,
          title: `IsoFLOP profiles of ${s.step.metric} against model size`,
          alt: `${s.step.metric} against model size for ${s.result.budgets.length} compute ` +
            `budgets, with the fitted ${s.step.method} profiles and their minima.`,
          svg,
        }),
      );
    }
  }
  if (want.has("evaluate")) {
    for (const [id, e] of ctx.evaluations) {
      const pts = e.summary.points;
      if (pts.length === 0) continue;
      const evalMetric = ctx.fits.get(e.step.fit)?.step.metric ?? "value";
      const svg = predictedVsActual({
        points: pts.map((p) => ({
          actual: p.actual,
          predicted: p.predicted,
          lower: p.interval?.[0],
          upper: p.interval?.[1],
        })),
      }, {
        name: `predictions-${id}`,
        title: `Predicted against actual ${evalMetric} at ${
          e.summary.targets === "holdout" ? "held-out" : "target"
        } points${ctx.evaluations.size > 1 ? ` (${id})` : ""}`,
        xLabel: `Actual ${evalMetric}`,
        yLabel: `Predicted ${evalMetric}`,
        errorLabels: pts.length <= 12,
      });
      out.push(
        new Figure({
          name: `predictions-${id}`,
          title: `Predicted against actual values at the targets of ${id}`,
          alt:
            `Predicted against actual values of fit ${e.step.fit} at ${pts.length} target points.`,
          svg,
        }),
      );
    }
  }
  if (want.has("downstream")) out.push(...downstreamFigures(ctx));
  if (want.has("backtest")) out.push(...backtestFigures(ctx));
  return out;
}
