/**
 * The headline findings of Choshen et al.'s Hitchhiker's Guide, each checked on a study's
 * results with the numbers that decide it, and a per-family summary table.
 *
 * Every number quoted in a finding's text is also in its `numbers` record, so a report's claims
 * can be traced to results.json.
 *
 * @module
 */

import type { StudyCell, StudyFamily, StudyResult } from "./study.ts";

/** Verdict of a finding on this data. */
export type Verdict = "replicates" | "does not replicate" | "mixed" | "not testable";

/** One finding of the paper checked on the data. */
export interface Finding {
  /** Stable id: `checkpoints-help`, `drop-early`, `similar-size`, `seed-floor`. */
  id: string;
  /** The paper's claim, in our words. */
  claim: string;
  verdict: Verdict;
  /** What the numbers say, in a sentence or two. */
  evidence: string;
  /** The numbers behind the evidence (fractions are fractions, not percent). */
  numbers: Record<string, number | null>;
}

/** One row of the summary table. */
export interface StudySummaryRow {
  family: string;
  metric: string;
  sizes: number;
  targetParams: number;
  targetPoints: number;
  /** Cells fitted / cells in the grid. */
  fitted: number;
  cells: number;
  /** Best ARE over all cells, and where. */
  bestAre: number | null;
  best: string | null;
  /** ARE with every training model and 100% of training, per setting id. */
  fullAre: Record<string, number | null>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function pct(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toPrecision(3)}%`;
}

function cellLabel(c: StudyCell): string {
  const models = c.grid === "models" ? `${c.k} smallest` : `${c.k} from rank ${c.start}`;
  return `${models}, ${Math.round(100 * c.fraction)}%, ${c.setting}`;
}

/**
 * The per-family summary table of a study.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studySummary } from "./findings.ts";
 * const rows = studySummary({
 *   settings: [{ id: "all", checkpoints: "all" }],
 *   families: [{
 *     family: "f", metric: "loss", transform: "none", sizes: [1, 2, 3], runs: 3, targetRuns: ["c"],
 *     targetPoints: 4, seeds: 1,
 *     cells: [{ grid: "models", setting: "all", k: 2, start: 0, fraction: 1, largestParams: 2,
 *       trainPoints: 9, state: "fitted", converged: true, are: 0.03, mae: 0.1, belowCut: false }],
 *   }],
 * });
 * assert.equal(rows[0].bestAre, 0.03);
 * assert.deepEqual(rows[0].fullAre, { all: 0.03 });
 * ```
 */
export function studySummary(
  study: Pick<StudyResult, "families" | "settings">,
): StudySummaryRow[] {
  return study.families.map((f) => {
    const models = f.cells.filter((c) => c.grid === "models");
    const fitted = f.cells.filter((c) => c.are !== null);
    const best = fitted.reduce<StudyCell | null>(
      (b, c) => (b === null || c.are! < b.are! ? c : b),
      null,
    );
    const kMax = Math.max(0, ...models.map((c) => c.k));
    const fullAre: Record<string, number | null> = {};
    for (const s of study.settings) {
      const c = models.find((c) => c.setting === s.id && c.k === kMax && c.fraction === 1);
      fullAre[s.id] = c?.are ?? null;
    }
    return {
      family: f.family,
      metric: f.metric,
      sizes: f.sizes.length,
      targetParams: f.sizes[f.sizes.length - 1],
      targetPoints: f.targetPoints,
      fitted: fitted.length,
      cells: f.cells.length,
      bestAre: best?.are ?? null,
      best: best ? cellLabel(best) : null,
      fullAre,
    };
  });
}

/** Matched pairs of cells of two settings (same family, k, fraction), both fitted. */
function pairs(
  families: StudyFamily[],
  a: string,
  b: string,
  keep: (ca: StudyCell, cb: StudyCell) => boolean = () => true,
): { a: number; b: number }[] {
  const out: { a: number; b: number }[] = [];
  for (const f of families) {
    const models = f.cells.filter((c) => c.grid === "models");
    for (const ca of models) {
      if (ca.setting !== a || ca.are === null) continue;
      const cb = models.find((c) => c.setting === b && c.k === ca.k && c.fraction === ca.fraction);
      if (cb && cb.are !== null && keep(ca, cb)) out.push({ a: ca.are, b: cb.are });
    }
  }
  return out;
}

function verdictOf(better: number | null, wins: number | null, n: number): Verdict {
  if (n === 0 || better === null || wins === null) return "not testable";
  if (better > 0 && wins > 0.5) return "replicates";
  if (better <= 0 && wins < 0.5) return "does not replicate";
  return "mixed";
}

/** Spearman rank correlation of two equal-length lists (average ranks for ties). */
function spearman(x: number[], y: number[]): number | null {
  const n = x.length;
  if (n < 3) return null;
  const ranks = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(n);
    for (let i = 0; i < n;) {
      let j = i;
      while (j + 1 < n && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let t = i; t <= j; t++) r[idx[t]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = ranks(x), ry = ranks(y);
  const mx = rx.reduce((a, b) => a + b, 0) / n, my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Seed spread measured outside the study (see the pipeline's study step), if any. */
export interface SeedSpread {
  /** Families with at least two seeds of one model size. */
  families: number;
  /** Mean |value − seed mean| / seed mean at matched checkpoints, when measured. */
  relativeSpread: number | null;
}

/**
 * Check the paper's headline findings on a study.
 *
 * 1. *Intermediate checkpoints help*: every checkpoint (≥ the cut) against the final checkpoint
 *    only, over cells where both were fitted; also how many final-only cells could not be
 *    fitted (fewer models than the law's parameters).
 * 2. *Drop checkpoints before ~1e10 tokens*: every checkpoint ≥ 1e10 against every checkpoint,
 *    over cells whose training data has checkpoints below 1e10 (elsewhere they are identical).
 * 3. *Models of similar size to the target predict best*: the window grid; per (family,
 *    fraction) whether the window closest to the target has the lowest ARE, and the Spearman
 *    correlation of closeness with ARE.
 * 4. *A seed-variance floor of a few percent ARE*: needs several seeds per size; otherwise
 *    reported as not testable, with the best ARE reached per family.
 *
 * @param study The study.
 * @param seeds Seed spread measured on the data (optional).
 * @returns The findings, in the order above.
 */
export function studyFindings(study: StudyResult, seeds?: SeedSpread): Finding[] {
  const finalId = study.settings.find((s) => s.checkpoints === "final")?.id;
  const cutId = study.settings.find((s) => s.checkpoints === "all" && (s.minTokens ?? 0) > 0)?.id;
  const allId = study.settings.find((s) => s.checkpoints === "all" && !(s.minTokens ?? 0))?.id;
  const out: Finding[] = [];

  // 1. Intermediate checkpoints.
  {
    const withId = cutId ?? allId;
    const p = finalId && withId ? pairs(study.families, withId, finalId) : [];
    const finalCells = study.families.flatMap((f) =>
      f.cells.filter((c) => c.grid === "models" && c.setting === finalId)
    );
    const unfit = finalCells.filter((c) => c.state === "too-few-points").length;
    const medAll = median(p.map((x) => x.a)), medFinal = median(p.map((x) => x.b));
    const wins = p.length ? p.filter((x) => x.a < x.b).length / p.length : null;
    const better = medAll !== null && medFinal !== null ? medFinal - medAll : null;
    out.push({
      id: "checkpoints-help",
      claim: "Fitting on intermediate checkpoints, not just final losses, makes predictions " +
        "more accurate.",
      verdict: verdictOf(better, wins, p.length),
      evidence: p.length === 0
        ? `No cell has both a final-only and an all-checkpoint fit (${unfit} of ${finalCells.length} final-only cells have fewer points than parameters).`
        : `Over ${p.length} matched cells, median ARE ${pct(medAll)} with every checkpoint ` +
          `(${withId}) against ${pct(medFinal)} with final checkpoints only; every checkpoint ` +
          `is better in ${pct(wins)} of cells. Besides, ${unfit} of ${finalCells.length} ` +
          `final-only cells cannot be fitted at all (fewer models than the law's parameters).`,
      numbers: {
        matchedCells: p.length,
        medianAreAllCheckpoints: medAll,
        medianAreFinalOnly: medFinal,
        fractionAllBetter: wins,
        finalOnlyCells: finalCells.length,
        finalOnlyUnfittable: unfit,
      },
    });
  }

  // 2. Drop early checkpoints.
  {
    const p = cutId && allId ? pairs(study.families, cutId, allId, (_a, b) => b.belowCut) : [];
    const medCut = median(p.map((x) => x.a)), medAll = median(p.map((x) => x.b));
    const wins = p.length ? p.filter((x) => x.a < x.b).length / p.length : null;
    const better = medCut !== null && medAll !== null ? medAll - medCut : null;
    const fams = new Set(
      study.families.filter((f) => f.cells.some((c) => c.setting === allId && c.belowCut)).map((
        f,
      ) => f.family),
    );
    out.push({
      id: "drop-early",
      claim: "Checkpoints before about 10B tokens should be dropped before fitting.",
      verdict: verdictOf(better, wins, p.length),
      evidence: p.length === 0
        ? "No training set of the grid has checkpoints below 1e10 tokens, so the cut changes nothing."
        : `Over ${p.length} cells whose training data has checkpoints below 1e10 tokens ` +
          `(${fams.size} families), median ARE ${pct(medCut)} after dropping them against ` +
          `${pct(medAll)} with them; dropping is better in ${pct(wins)} of cells.`,
      numbers: {
        matchedCells: p.length,
        families: fams.size,
        medianAreCut: medCut,
        medianAreUncut: medAll,
        fractionCutBetter: wins,
      },
    });
  }

  // 3. Similar size.
  {
    let groups = 0, closestBest = 0;
    const rhos: number[] = [];
    const closest: number[] = [], farthest: number[] = [];
    for (const f of study.families) {
      const win = f.cells.filter((c) => c.grid === "window" && c.are !== null);
      for (const w of study.windows) {
        for (const fr of study.fractions) {
          const g = win.filter((c) => c.k === w && c.fraction === fr);
          if (g.length < 2) continue;
          groups++;
          const byStart = [...g].sort((a, b) => a.start - b.start);
          const near = byStart[byStart.length - 1], far = byStart[0];
          closest.push(near.are!);
          farthest.push(far.are!);
          if (g.every((c) => c === near || near.are! <= c.are!)) closestBest++;
          const rho = spearman(byStart.map((c) => c.start), byStart.map((c) => c.are!));
          if (rho !== null) rhos.push(rho);
        }
      }
    }
    const medNear = median(closest), medFar = median(farthest);
    const share = groups ? closestBest / groups : null;
    const rho = rhos.length ? rhos.reduce((a, b) => a + b, 0) / rhos.length : null;
    const chance = groups
      ? median(
        study.families.map((f) => {
          const starts = new Set(
            f.cells.filter((c) => c.grid === "window").map((c) => c.start),
          ).size;
          return starts > 1 ? 1 / starts : NaN;
        }).filter(Number.isFinite),
      )
      : null;
    const better = medNear !== null && medFar !== null ? medFar - medNear : null;
    const verdict: Verdict = groups === 0
      ? "not testable"
      : better! > 0 && rho !== null && rho < 0
      ? "replicates"
      : better! <= 0 && (rho === null || rho >= 0)
      ? "does not replicate"
      : "mixed";
    out.push({
      id: "similar-size",
      claim: "All else equal, models of size similar to the target predict it best.",
      verdict,
      evidence: groups === 0
        ? "No family has two or more windows of consecutive sizes below the target."
        : `Over ${groups} (family, fraction) groups of sliding windows of ${
          study.windows.join("/")
        } sizes, the window closest to the target has median ARE ${pct(medNear)} against ` +
          `${pct(medFar)} for the farthest; the closest window is the best in ${pct(share)} of ` +
          `groups (chance about ${pct(chance)}); mean Spearman correlation of closeness rank ` +
          `with ARE ${rho === null ? "–" : rho.toFixed(2)} (negative: closer is better).`,
      numbers: {
        groups,
        medianAreClosestWindow: medNear,
        medianAreFarthestWindow: medFar,
        fractionClosestBest: share,
        chanceClosestBest: chance,
        meanSpearmanStartVsAre: rho,
      },
    });
  }

  // 4. Seed floor.
  {
    const bests = study.families.map((f) => {
      const a = f.cells.filter((c) => c.are !== null).map((c) => c.are!);
      return a.length ? Math.min(...a) : NaN;
    }).filter(Number.isFinite);
    const medBest = median(bests);
    const seedFamilies = seeds?.families ?? study.families.filter((f) => f.seeds > 1).length;
    const spread = seeds?.relativeSpread ?? null;
    out.push({
      id: "seed-floor",
      claim: "Seed-to-seed variance puts a floor of a few percent (about 4%) on the ARE one " +
        "can expect.",
      verdict: spread === null
        ? "not testable"
        : spread >= 0.01
        ? "replicates"
        : "does not replicate",
      evidence: spread === null
        ? `Not testable on this data: ${seedFamilies} families have several seeds of one size ` +
          `(every seed label is the same). For reference, the best ARE reached per family has ` +
          `median ${pct(medBest)} over ${bests.length} families, so fits can go below 4% here ` +
          `when the target's own seed noise is not counted.`
        : `Seeds of one size differ from their mean by ${pct(spread)} on average at matched ` +
          `checkpoints (${seedFamilies} families), against a median best ARE of ${pct(medBest)}.`,
      numbers: {
        familiesWithSeeds: seedFamilies,
        seedRelativeSpread: spread,
        medianBestAre: medBest,
        familiesBelow4Percent: bests.filter((b) => b < 0.04).length,
        families: bests.length,
      },
    });
  }
  return out;
}
