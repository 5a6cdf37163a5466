/**
 * Figures of the pipeline's `map` steps: the loss law against compute (reducible loss when the
 * law has an irreducible term E, one colour per tokens-per-parameter ratio M, extrapolated to
 * the held-out targets, as Gadre et al.'s Figure 1), each mapping with its run-bootstrap band
 * and chance level, and predicted against actual values at the targets with their intervals.
 *
 * @module
 */

import { lawFit, lossToAccuracy, predictedVsActual } from "../plot/mod.ts";
import { Figure } from "../report/figure.ts";
import { formatNumber } from "../report/format.ts";
import type { DownstreamCheck } from "../report/downstream.ts";
import type { PipelineContext } from "./context.ts";
import type { MapEntry, MapFigureData } from "./steps_downstream.ts";

/** Most mapping figures drawn per map step (every mapping is in the report's tables). */
export const MAX_MAPPING_FIGURES = 6;

/** Most targets labelled with their name and error in a predictions figure. */
const MAX_LABELS = 8;

/** Most targets drawn with interval bars in a predictions figure (more would hide the points). */
const MAX_INTERVAL_BARS = 40;

/** Most distinct series (values of M, or of N) in a loss-law figure. */
const MAX_SERIES = 12;

function logRange(lo: number, hi: number, n: number): number[] {
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

/** Round to 3 significant digits, so that M = D/N of one nominal ratio groups together. */
function round3(x: number): number {
  return Number(x.toPrecision(3));
}

function signedPercent(x: number | null): string {
  if (x === null) return "—";
  const v = formatNumber(100 * Math.abs(x), 3);
  return `${x < 0 ? "−" : "+"}${v}%`;
}

function formatRatio(m: number): string {
  return `M = ${formatNumber(m, 3)}`;
}

/** The loss law against compute, coloured by M (or by N), with the targets. */
function lossLawFigure(entry: MapEntry, f: MapFigureData): Figure | undefined {
  const lf = f.lossFit;
  if (!lf) return undefined;
  const { law, params } = lf;
  const eIndex = law.params.findIndex((s) => s.name === "E");
  const E = eIndex >= 0 ? params[eIndex] : 0;
  const reducible = eIndex >= 0 && lf.y.every((v) => v - E > 0) &&
    f.targets.every((t) => (t.loss?.actual ?? Infinity) - E > 0);
  const M = Array.from(lf.N, (n, i) => round3(lf.D[i] / n));
  const Ms = [...new Set(M)].sort((a, b) => a - b);
  const Ns = [...new Set(lf.N)].sort((a, b) => a - b);
  const byM = Ms.length <= MAX_SERIES;
  if (!byM && Ns.length > MAX_SERIES) return undefined;
  const predictAt = (N: number[], D: number[]) => {
    const cols = law.inputs.map((s) =>
      Float64Array.from(N, (n, i) => {
        if (s.name === "N") return n;
        if (s.name === "D") return D[i];
        if (s.name === "C") return 6 * n * D[i];
        return D[i] / n;
      })
    );
    const out = new Float64Array(N.length);
    law.predict(cols, params, out);
    return out;
  };
  const shift = (v: number) => (reducible ? v - E : v);
  const C = Array.from(lf.N, (n, i) => 6 * n * lf.D[i]);
  const points = Array.from(lf.y, (y, i) => ({
    x: C[i],
    loss: shift(y),
    series: byM ? formatRatio(M[i]) : lf.N[i],
  }));
  const targets = f.targets.filter((t) => t.loss && t.loss.actual !== null).map((t) => ({
    series: byM ? formatRatio(round3(t.D / t.N)) : t.N,
    x: 6 * t.N * t.D,
    loss: shift(t.loss!.actual!),
    label: `${t.label} (${signedPercent(t.loss!.relativeError)})`,
  }));
  const allC = [...C, ...targets.map((t) => t.x)];
  const lo = Math.min(...allC) / 1.5, hi = Math.max(...allC) * 1.5;
  const xs = logRange(lo, hi, 80);
  const curves = byM
    ? [...new Set([...Ms, ...f.targets.map((t) => round3(t.D / t.N))])].map((m) => {
      const N = xs.map((c) => Math.sqrt(c / (6 * m)));
      const loss = predictAt(N, N.map((n) => m * n));
      return { series: formatRatio(m), x: xs, loss: Array.from(loss, shift) };
    })
    : Ns.map((n) => {
      const D = xs.map((c) => c / (6 * n));
      const loss = predictAt(xs.map(() => n), D);
      return { series: n, x: xs, loss: Array.from(loss, shift) };
    });
  const id = entry.step.id;
  const name = `downstream-${id}-loss-law`;
  const short = shortMetric(lf.metric);
  const yLabel = reducible ? `Reducible ${short} (L − E)` : short;
  const svg = lawFit({ points, curves, targets }, {
    name,
    title: `${id}: step-1 law of ${short}${law.name.length <= 24 ? ` (${law.name})` : ""}`,
    xAxis: "compute",
    xLabel: "Training compute C = 6ND (FLOPs)",
    yLabel,
    yType: reducible ? "log" : "linear",
    seriesLabel: byM ? "Tokens per parameter" : "Model size",
    caption: `${law.formula}${reducible ? `; E = ${formatNumber(E, 4)} subtracted` : ""}. ` +
      `Solid over the fitted points, dashed beyond; hollow markers: held-out targets with ` +
      `their relative error.`,
  });
  return new Figure({
    name,
    title: `${id}: ${reducible ? "reducible " : ""}${lf.metric} against compute, step-1 law`,
    alt: `${yLabel} against training compute for ${lf.y.length} fitted runs, coloured by ${
      byM ? "tokens per parameter" : "model size"
    }, with the fitted ${law.name} law extrapolated to ${targets.length} held-out targets.`,
    svg,
  });
}

const COLUMN_LABELS: Record<string, string> = {
  N: "parameters N",
  D: "training tokens D",
  C: "training compute C (FLOPs)",
  M: "tokens per parameter M",
};

function xLabelOf(f: MapFigureData): string {
  if (f.x === null) return "Input";
  const name = COLUMN_LABELS[f.x] ?? shortMetric(f.x);
  return f.xScale === "log10" ? `log10 ${name}` : name;
}

/** One mapping: data, fitted curve with band, chance level, held-out targets. */
function mappingFigure(entry: MapEntry, f: MapFigureData, level: number): Figure | undefined {
  if (!f.train || !f.curve) return undefined;
  const points = [
    ...Array.from(f.train.x, (x, i) => ({ loss: x, accuracy: f.train!.y[i] })),
    ...f.targets
      .filter((t) => t.x !== null && t.value?.actual !== null && t.value?.actual !== undefined)
      .map((t) => ({ loss: t.x!, accuracy: t.value!.actual!, heldOut: true })),
  ].filter((p) => Number.isFinite(p.loss) && Number.isFinite(p.accuracy));
  if (points.length === 0) return undefined;
  const banded = f.curve.lower !== undefined;
  const name = `downstream-${entry.step.id}-${f.key}`;
  const where = f.group === null ? shortMetric(f.metric) : `${shortMetric(f.metric)} (${f.group})`;
  const svg = lossToAccuracy({
    points,
    curve: {
      loss: f.curve.x,
      accuracy: f.curve.y,
      ...(f.curve.lower && f.curve.upper ? { lower: f.curve.lower, upper: f.curve.upper } : {}),
    },
    ...(f.chance !== null ? { chance: f.chance } : {}),
  }, {
    name,
    title: `${entry.step.id}: ${where}`,
    xLabel: xLabelOf(f),
    yLabel: shortMetric(f.metric),
    curveLabel: banded ? `Fit, ${formatNumber(100 * level, 3)}% run-bootstrap band` : "Fit",
    caption: `${f.train.x.length} fitted points; hollow: ${
      points.filter((p) => "heldOut" in p).length
    } held-out targets at their observed input.`,
  });
  return new Figure({
    name,
    title: `${entry.step.id}: ${where} against ${xLabelOf(f)}`,
    alt: `${f.metric} against ${xLabelOf(f)} for ${f.train.x.length} fitted points, with the ` +
      `fitted mapping${banded ? " and its bootstrap band" : ""}${
        f.chance !== null ? " and the chance level" : ""
      }.`,
    svg,
  });
}

function shortLabel(run: string): string {
  return run.length > 24 ? run.slice(0, 22) + "…" : run;
}

/**
 * A metric name short enough for a title or an axis: the last two `/`-separated parts, or the
 * last one after a `downstream…` folder ("eval/downstream/hellaswag_test_len_norm" →
 * "hellaswag_test_len_norm", "0/arc_easy/acc" → "arc_easy/acc").
 */
function shortMetric(name: string): string {
  const parts = name.split("/");
  if (parts.length <= 2) return name;
  const last = parts.slice(-2);
  return last[0].startsWith("downstream") ? last[1] : last.join("/");
}

/** Predicted against actual at every target of a step (loss or downstream value). */
function predictionsFigure(entry: MapEntry, which: "loss" | "value"): Figure | undefined {
  const rows: { check: DownstreamCheck; f: MapFigureData; label: string }[] = [];
  for (const f of entry.figures) {
    for (const t of f.targets) {
      const c = which === "loss" ? t.loss : t.value;
      if (c && c.actual !== null && Number.isFinite(c.predicted)) {
        rows.push({ check: c, f, label: t.label });
      }
    }
  }
  if (rows.length === 0) return undefined;
  const metrics = new Set(rows.map((r) => r.f.metric));
  const groups = new Set(rows.map((r) => r.f.group));
  const seriesOf = (r: (typeof rows)[number]) =>
    groups.size > 1 ? r.f.group ?? "" : metrics.size > 1 ? shortMetric(r.f.metric) : undefined;
  const labels = rows.length <= MAX_LABELS;
  const bars = rows.length <= MAX_INTERVAL_BARS;
  const points = rows.map((r) => ({
    actual: r.check.actual!,
    predicted: r.check.predicted,
    ...(labels ? { label: groups.size > 1 ? r.f.group ?? r.label : shortLabel(r.label) } : {}),
    ...(r.check.interval && bars ? { lower: r.check.interval[0], upper: r.check.interval[1] } : {}),
    ...(seriesOf(r) !== undefined ? { series: seriesOf(r)! } : {}),
  }));
  const id = entry.step.id;
  const quantity = which === "loss"
    ? shortMetric(entry.figures[0]?.lossFit?.metric ?? "loss")
    : metrics.size === 1
    ? shortMetric([...metrics][0])
    : "value";
  const name = `downstream-${id}-${
    which === "loss" && entry.summary.kind === "chain" ? "loss-" : ""
  }predictions`;
  const level = `${formatNumber(100 * entry.summary.level, 3)}%`;
  const svg = predictedVsActual({ points }, {
    name,
    title: `${id}: predicted against actual ${quantity}`,
    xLabel: `Actual ${quantity}`,
    yLabel: `Predicted ${quantity}`,
    errorLabels: labels,
    seriesLabel: groups.size > 1 ? "Group" : "Metric",
    caption: `${rows.length} held-out target${rows.length === 1 ? "" : "s"}` +
      (points.some((p) => "lower" in p)
        ? `; bars: ${level} run-bootstrap intervals (parameter uncertainty).`
        : rows.length > MAX_INTERVAL_BARS
        ? ` (intervals in the report's table and results.json).`
        : "."),
  });
  return new Figure({
    name,
    title: `${id}: predicted against actual ${quantity} at the held-out targets`,
    alt:
      `Predicted against actual ${quantity} at ${rows.length} held-out targets of map step ${id}.`,
    svg,
  });
}

/**
 * The figures of every map step that asks for them, in step order: the step-1 loss law (for a
 * step without families), up to {@link MAX_MAPPING_FIGURES} mappings, and predicted against
 * actual values (the loss of a chain's step 1 and the downstream metric).
 *
 * @param ctx The pipeline's state.
 * @returns The figures (none without map steps).
 */
export function downstreamFigures(ctx: PipelineContext): Figure[] {
  const out: Figure[] = [];
  for (const entry of ctx.downstream.values()) {
    if (entry.step.figures === "none") continue;
    const all = entry.step.figures === "all";
    const push = (f: Figure | undefined) => {
      if (f) out.push(f);
    };
    if (all && !entry.step.byFamily && entry.figures[0]?.lossFit) {
      push(lossLawFigure(entry, entry.figures[0]));
    }
    let drawn = 0;
    for (const f of entry.figures) {
      if (!all || drawn >= MAX_MAPPING_FIGURES) break;
      const fig = mappingFigure(entry, f, entry.summary.level);
      if (fig) {
        out.push(fig);
        drawn++;
      }
    }
    if (entry.summary.kind !== "mapping") push(predictionsFigure(entry, "loss"));
    if (entry.summary.kind !== "loss") push(predictionsFigure(entry, "value"));
  }
  return out;
}
