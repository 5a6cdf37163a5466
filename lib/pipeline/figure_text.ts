/**
 * Titles and captions of the pipeline's figures, worded as in a paper ("Chinchilla law fitted
 * to 240 points") and derived from the law, the metric and where the data came from.
 *
 * @module
 */

import { basename } from "node:path";
import { catalogEntry } from "../data/catalog.ts";
import type { Law } from "../laws/types.ts";
import type { FitEntry, PipelineContext } from "./context.ts";

/** Law names of the registry (an expression law is named by its text). */
const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * A law as a noun phrase: registry names capitalised ("chinchilla" → "Chinchilla law"),
 * expression laws "Custom law".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lawLabel } from "./figure_text.ts";
 * assert.equal(lawLabel({ name: "chinchilla" }), "Chinchilla law");
 * assert.equal(lawLabel({ name: "E + A/N^alpha" }), "Custom law");
 * ```
 */
export function lawLabel(law: Pick<Law, "name">): string {
  if (!NAME.test(law.name)) return "Custom law";
  return `${law.name[0]!.toUpperCase()}${law.name.slice(1)} law`;
}

/**
 * A metric as an axis label: "loss" → "Loss"; other names (task metrics such as
 * "hellaswag/acc") as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricLabel } from "./figure_text.ts";
 * assert.equal(metricLabel("loss"), "Loss");
 * assert.equal(metricLabel("c4_en/loss"), "c4_en/loss");
 * ```
 */
export function metricLabel(metric: string): string {
  return metric === "loss" ? "Loss" : metric;
}

/**
 * Where the data came from, as a noun phrase: the catalog dataset's title, the synthetic
 * ladder and its seed (saying when it replaced an unavailable dataset), or the file's name;
 * undefined before a load step.
 */
export function dataLabel(ctx: PipelineContext): string | undefined {
  const source = ctx.source;
  if (!source) return undefined;
  if (source.fallback) {
    return `the synthetic fallback ladder (${source.fallback.dataset} was not available)`;
  }
  if (source.source === "catalog" && source.dataset) {
    try {
      return catalogEntry(source.dataset).title;
    } catch {
      return source.dataset;
    }
  }
  if (source.source === "synthetic") {
    const seed = source.truth?.seed;
    return `a synthetic ladder${typeof seed === "number" ? ` (seed ${seed})` : ""}`;
  }
  const file = ctx.loaded?.provenance.files[0]?.path;
  return file ? basename(file) : "the loaded files";
}

/** Title of a fit's figures: "Chinchilla law fitted to 240 points" (plus the fit id when a
 * pipeline has several fits). */
export function fitTitle(ctx: PipelineContext, id: string, fit: FitEntry): string {
  const many = ctx.fits.size > 1 ? ` (fit ${id})` : "";
  return `${lawLabel(fit.law)} fitted to ${fit.y.length} points${many}`;
}

/** Caption of a fit's figure: formula, fit id and the data it was fitted to. */
export function fitCaption(ctx: PipelineContext, id: string, fit: FitEntry): string {
  const data = dataLabel(ctx);
  const metric = fit.step.metric;
  // Observations of the fit's metric as loaded (before filters).
  const loaded = ctx.loaded;
  const m = loaded ? loaded.metrics.indexOf(metric) : -1;
  const total = loaded && m >= 0 ? loaded.observations.metric.filter((k) => k === m).length : 0;
  const of = total > fit.y.length ? ` of ${total}` : "";
  return `${fit.law.formula}, fit ${id}.` +
    (data ? ` Data: ${data}; ${fit.y.length}${of} observations of ${metric}.` : "");
}
