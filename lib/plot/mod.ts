/**
 * Publication-quality figures for scaling-law studies, drawn with Observable Plot on a
 * headless DOM and returned as deterministic SVG text; {@link svgToPng} rasterises them.
 *
 * Every builder is a pure function `(data, options) => string` with a fixed size, labelled
 * axes with units, log scales where natural, a legend drawn in SVG (not HTML), and
 * optional `title` and `caption`. Text uses DejaVu Sans (Verdana in browsers).
 *
 * @example Draw the data overview and check it
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataOverview } from "./mod.ts";
 * const svg = dataOverview(
 *   { points: [{ params: 1e8, flops: 6e18, loss: 3.1 }, { params: 1e9, flops: 6e20, loss: 2.5 }] },
 *   { title: "Runs", caption: "One dot per run." },
 * );
 * assert.ok(svg.includes(">Runs<") && svg.includes(">One dot per run.<"));
 * assert.equal(svg.match(/<circle/g)?.length, 2);
 * ```
 *
 * @module
 */

export {
  type DomDocument,
  type DomElement,
  normalizeSvg,
  renderSvg,
  type RenderSvgOptions,
  svgToPng,
  type SvgToPngOptions,
} from "./render.ts";
export type { FigureOptions } from "./_layout.ts";
export {
  dataOverview,
  type DataOverviewFigureData,
  type DataOverviewFigureOptions,
  type DataOverviewPoint,
} from "./data_overview.ts";
export {
  type IsoflopCurve,
  isoflopCurves,
  type IsoflopCurvesFigureData,
  type IsoflopCurvesFigureOptions,
  type IsoflopMinimum,
  type IsoflopPoint,
} from "./isoflop_curves.ts";
export {
  lawFit,
  type LawFitCurve,
  type LawFitFigureData,
  type LawFitFigureOptions,
  type LawFitPoint,
  type LawFitTarget,
  type SeriesKey,
} from "./law_fit.ts";
export {
  type ResidualPoint,
  residuals,
  type ResidualsFigureData,
  type ResidualsFigureOptions,
} from "./residuals.ts";
export {
  bootstrapHistograms,
  type BootstrapHistogramsFigureData,
  type BootstrapHistogramsFigureOptions,
  type BootstrapParameter,
} from "./bootstrap_histograms.ts";
export {
  allocation,
  type AllocationFigureData,
  type AllocationFigureOptions,
  type AllocationSeries,
  type NamedModel,
} from "./allocation.ts";
export {
  predictedVsActual,
  type PredictedVsActualFigureData,
  type PredictedVsActualFigureOptions,
  type PredictionPoint,
} from "./predicted_vs_actual.ts";
export {
  type AccuracyCurve,
  type AccuracyPoint,
  lossToAccuracy,
  type LossToAccuracyFigureData,
  type LossToAccuracyFigureOptions,
} from "./loss_to_accuracy.ts";
export {
  heatmap,
  type HeatmapCell,
  type HeatmapFigureData,
  type HeatmapFigureOptions,
} from "./heatmap.ts";
