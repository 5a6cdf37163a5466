/**
 * Compute-optimal allocation figure: N_opt(C) and tokens per parameter against compute.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { checkNonEmpty, checkValue, renderFigure } from "./_common.ts";
import { CATEGORICAL, type FigureOptions, type SwatchItem } from "./_layout.ts";
import { marginLeftFor, panel, type PanelAxis } from "./_panel.ts";
import { extent, formatNumber } from "./_ticks.ts";

/** One allocation curve (e.g. one fit), sampled over compute. */
export interface AllocationSeries {
  /** Legend label, e.g. "Epoch refit". */
  label: string;
  /** Compute C in FLOPs, ascending. */
  compute: ArrayLike<number>;
  /** Compute-optimal model size N_opt(C) in parameters. */
  params: ArrayLike<number>;
  /** Lower edge of the N_opt band. */
  paramsLower?: ArrayLike<number>;
  /** Upper edge of the N_opt band. */
  paramsUpper?: ArrayLike<number>;
  /** Tokens per parameter D_opt/N_opt. @default C / (6 N²) */
  tokensPerParam?: ArrayLike<number>;
  /** Lower edge of the ratio band. @default C / (6 paramsUpper²) */
  tokensPerParamLower?: ArrayLike<number>;
  /** Upper edge of the ratio band. @default C / (6 paramsLower²) */
  tokensPerParamUpper?: ArrayLike<number>;
  /**
   * A published curve to compare with (e.g. Hoffmann et al.'s own parameters): drawn dashed in
   * its colour, without a band. @default false
   */
  reference?: boolean;
}

/** A trained model to mark, e.g. Chinchilla 70B at 5.88e23 FLOPs. */
export interface NamedModel {
  label: string;
  /** Training compute in FLOPs. */
  compute: number;
  /** Parameters. */
  params: number;
  /** Training tokens. @default compute / (6 params) */
  tokens?: number;
}

/** Data of {@link allocation}. */
export interface AllocationFigureData {
  series: readonly AllocationSeries[];
  models?: readonly NamedModel[];
}

/** Options of {@link allocation}. */
export interface AllocationFigureOptions extends FigureOptions {
  /** Reference tokens-per-parameter ratio drawn as a dashed line; null hides it. @default 20 */
  ratio?: number | null;
  /** Name of the bands in the legend. @default "80% interval" */
  bandLabel?: string;
}

type Row = { s: number; c: number; n: number; lo: number; hi: number; ref: boolean };

/** Dash pattern of reference curves (the constant-ratio line uses "5,3"). */
const REFERENCE_DASH = "9,4";

/**
 * Draw two log-log panels against compute: the compute-optimal model size N_opt(C) and
 * the tokens per parameter D/N, each with its band, the constant-ratio reference (D/N =
 * 20 by default; on the left panel N = sqrt(C / (6·20))), published reference curves
 * dashed, and named models as diamonds with labels; the legend is a row under the title.
 *
 * @param data Allocation curves and models.
 * @param options Size, title, caption, reference ratio.
 * @returns SVG markup.
 * @throws {RangeError} When there are no series or a value is not positive.
 * @example Chinchilla-like allocation with the Chinchilla model marked
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocation } from "./allocation.ts";
 * const compute = [1e18, 1e20, 1e22, 1e24, 1e26];
 * const svg = allocation({
 *   series: [{ label: "Fit", compute, params: compute.map((c) => Math.sqrt(c / 120)) }],
 *   models: [{ label: "Chinchilla", compute: 5.88e23, params: 70e9 }],
 * });
 * assert.ok(svg.includes("Tokens per parameter D/N"));
 * assert.equal(svg.match(/>Chinchilla</g)?.length, 2); // labelled in both panels
 * ```
 */
export function allocation(
  data: AllocationFigureData,
  options: AllocationFigureOptions = {},
): string {
  const name = "allocation";
  checkNonEmpty(name, "series", data.series.length);
  const ratio = options.ratio === undefined ? 20 : options.ratio;
  const models = (data.models ?? []).map((m, i) => {
    checkValue(name, "model compute at", i, m.compute, true);
    checkValue(name, "model params at", i, m.params, true);
    const tokens = m.tokens ?? m.compute / (6 * m.params);
    return { ...m, tokens, ratio: tokens / m.params };
  });
  const sizeRows: Row[] = [], ratioRows: Row[] = [];
  data.series.forEach((s, k) => {
    for (let i = 0; i < s.compute.length; i++) {
      const c = s.compute[i]!, n = s.params[i]!;
      checkValue(name, `series "${s.label}" compute at`, i, c, true);
      checkValue(name, `series "${s.label}" params at`, i, n, true);
      const lo = s.paramsLower?.[i] ?? NaN, hi = s.paramsUpper?.[i] ?? NaN;
      const ref = s.reference === true;
      sizeRows.push({ s: k, c, n, lo: ref ? NaN : lo, hi: ref ? NaN : hi, ref });
      const r = s.tokensPerParam?.[i] ?? c / (6 * n * n);
      const rLo = s.tokensPerParamLower?.[i] ?? c / (6 * hi * hi);
      const rHi = s.tokensPerParamUpper?.[i] ?? c / (6 * lo * lo);
      ratioRows.push({ s: k, c, n: r, lo: ref ? NaN : rLo, hi: ref ? NaN : rHi, ref });
    }
  });
  const colorOf = (r: { s: number }) => CATEGORICAL[r.s % CATEGORICAL.length]!;
  const hasBand = sizeRows.some((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi));
  const items: SwatchItem[] = data.series.map((s, k) => ({
    label: s.label,
    color: CATEGORICAL[k % CATEGORICAL.length]!,
    mark: s.reference ? "dashed" : "line",
    ...(s.reference ? { dash: REFERENCE_DASH } : {}),
  }));
  if (hasBand) {
    items.push({ label: options.bandLabel ?? "80% interval", color: "#777", mark: "band" });
  }
  if (ratio !== null) {
    items.push({ label: `D/N = ${formatNumber(ratio)}`, color: "#555", mark: "dashed" });
  }
  if (models.length > 0) {
    items.push({
      label: models.length === 1 ? "Trained model" : "Trained models",
      color: "#222",
      mark: "diamond",
    });
  }
  const compute = [...sizeRows.map((r) => r.c), ...models.map((m) => m.compute)];
  const cDomain = extent(compute, "log", 0.02);
  const cMid = Math.sqrt(cDomain[0] * cDomain[1]);
  const finite = (rows: Row[]) => rows.flatMap((r) => [r.n, r.lo, r.hi]);
  const refC = [cDomain[0], ...sizeRows.map((r) => r.c).sort((a, b) => a - b), cDomain[1]];
  const refSize = ratio === null ? [] : refC.map((c) => ({ c, n: Math.sqrt(c / (6 * ratio)) }));
  const xAxis: PanelAxis = { type: "log", domain: cDomain, label: "Compute C (FLOPs)" };
  const yLeft: PanelAxis = {
    type: "log",
    domain: extent([...finite(sizeRows), ...models.map((m) => m.params)], "log"),
    label: "Compute-optimal N (parameters)",
  };
  const yRight: PanelAxis = {
    type: "log",
    domain: extent(
      [...finite(ratioRows), ...models.map((m) => m.ratio), ...(ratio === null ? [] : [ratio])],
      "log",
      0.08,
    ),
    label: "Tokens per parameter D/N",
  };
  const common = (rows: Row[], key: "params" | "ratio"): Plot.Markish[] => [
    Plot.areaY(rows.filter((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi)), {
      x: "c",
      y1: "lo",
      y2: "hi",
      z: "s",
      fill: colorOf,
      fillOpacity: 0.18,
      clip: true,
    }),
    Plot.line(rows.filter((r) => !r.ref), {
      x: "c",
      y: "n",
      z: "s",
      stroke: colorOf,
      strokeWidth: 2,
      clip: true,
    }),
    Plot.line(rows.filter((r) => r.ref), {
      x: "c",
      y: "n",
      z: "s",
      stroke: colorOf,
      strokeWidth: 1.8,
      strokeDasharray: REFERENCE_DASH,
      clip: true,
    }),
    Plot.dot(models, {
      x: "compute",
      y: key,
      symbol: "diamond",
      r: 6,
      fill: "#222",
      stroke: "white",
    }),
    // Labels of models right of the middle go to their left (above), to stay in the frame.
    ...[false, true].map((left) =>
      Plot.text(models.filter((m) => (m.compute > cMid) === left), {
        x: "compute",
        y: key,
        text: "label",
        dx: left ? -8 : 9,
        dy: left ? -11 : 0,
        textAnchor: left ? "end" : "start",
        fontSize: 11,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
        fill: "#222",
      })
    ),
  ];
  return renderFigure(
    name,
    { height: 380, ...options },
    { kind: "swatch", items },
    (document, width, height) => {
      const gap = 16, half = (width - gap) / 2;
      const align = Math.max(marginLeftFor(yLeft), marginLeftFor(yRight));
      return [
        panel(document, {
          width: half,
          height,
          x: xAxis,
          y: yLeft,
          color: { type: "identity" },
          minMarginLeft: align,
          marks: [
            Plot.line(refSize, {
              x: "c",
              y: "n",
              stroke: "#555",
              strokeDasharray: "5,3",
              clip: true,
            }),
            ...common(sizeRows, "params"),
          ],
        }),
        panel(
          document,
          {
            width: half,
            height,
            x: xAxis,
            y: yRight,
            color: { type: "identity" },
            minMarginLeft: align,
            marks: [
              ...(ratio === null
                ? []
                : [Plot.ruleY([ratio], { stroke: "#555", strokeDasharray: "5,3" })]),
              ...common(ratioRows, "ratio"),
            ],
          },
          half + gap,
          0,
        ),
      ];
    },
    "top",
  );
}
