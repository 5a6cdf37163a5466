/**
 * Synthetic scaling ladders drawn from a known Chinchilla law, for tests, benchmarks and demos.
 *
 * The generator builds a grid of runs (model sizes × token multipliers × seeds), logs evenly
 * spaced checkpoints along each run, and observes a loss and downstream accuracies at each one.
 * Everything is seeded: the same options give the same ladder, bit for bit.
 *
 * **Loss model.** The law is L(N, D) = E + A/N^α + B/D^β (nats per token), with N total
 * parameters and D training tokens. A run of size N trained for a budget of D_run tokens under a
 * cosine learning-rate schedule (peak η_max, floor η_min = `finalLrFraction`·η_max) has, at the
 * checkpoint where it has seen d tokens (progress u = d / D_run),
 *
 *   L_true(N, d; D_run) = L(N, d) + g · r(u) · (L(N, d) − E),   r(u) = (1 + cos(π u)) / 2,
 *
 * where r(u) = (η(u) − η_min)/(η_max − η_min) is the part of the learning rate that is still to be
 * annealed and g = `annealGap`. This follows the observation of WSD/cosine analyses (Hägele et al.
 * 2024, "Scaling laws and compute-optimal training beyond fixed training durations"; Tissue et
 * al. 2024, "Scaling law with learning rate annealing") that a checkpoint taken before the end of
 * its schedule sits above the loss of a fully annealed run of the same length, by an amount that
 * shrinks with the learning rate still left: at constant peak LR (r = 1) the excess is a fraction
 * g of the reducible loss; at the end of the schedule (u = 1, r = 0) it vanishes, so **final
 * checkpoints follow the law exactly** (before noise). The warm-up is not modelled.
 *
 * **Noise.** The observed loss is L_true · exp(σ_run z_run + σ z), with z_run ~ N(0, 1) drawn once
 * per run (seed-to-seed variation, `runNoise`) and z ~ N(0, 1) drawn per checkpoint (evaluation
 * noise, `noise`): multiplicative log-normal noise.
 *
 * **Downstream accuracy.** Task t with chance level c, ceiling gap h, slope k and midpoint L0 has
 * expected accuracy acc(L) = c + (1 − c − h) · σ(−k (L − L0)), σ the logistic function, evaluated
 * at the run's loss without the per-checkpoint evaluation noise (L_true · exp(σ_run z_run)); the
 * observed accuracy is a binomial-like draw over the task's `items` questions (normal
 * approximation, rounded to a whole count of correct answers, clamped to [0, items]).
 *
 * @module
 */

import type { Ladder, MetricKind, Run } from "./schema.ts";
import { rng, substream } from "../util/rng.ts";

/** Parameters of the Chinchilla law L(N, D) = E + A/N^α + B/D^β. */
export interface ChinchillaParams {
  /** Irreducible loss (nats per token). */
  E: number;
  /** Coefficient of the parameter term. */
  A: number;
  /** Coefficient of the data term. */
  B: number;
  /** Exponent of the parameter term. */
  alpha: number;
  /** Exponent of the data term. */
  beta: number;
}

/** A synthetic downstream task: acc(L) = chance + (1 − chance − ceilingGap) · σ(−slope (L − midpoint)). */
export interface SyntheticTask {
  /** Task name; the metric is `"acc/<name>"`. */
  name: string;
  /** Accuracy of random guessing (0.25 four-way, 0.5 two-way). */
  chance: number;
  /** How far below 1 the accuracy saturates. */
  ceilingGap: number;
  /** Slope k of the sigmoid in loss (per nat). */
  slope: number;
  /** Loss L0 at the midpoint of the sigmoid (nats per token). */
  midpoint: number;
  /** Number of questions; sets the binomial noise. `Infinity` gives noise-free accuracies. */
  items: number;
}

/** Options of {@link syntheticLadder}. Every field is optional. */
export interface SyntheticOptions {
  /** Seed of all random draws. @default 0 */
  seed?: number;
  /**
   * The true law (nats per token). Near Epoch AI's refit of Chinchilla (Besiroglu et al. 2024).
   * @default { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 }
   */
  law?: ChinchillaParams;
  /** Model sizes N (total parameters). @default 6 sizes log-spaced from 2e7 to 1e9, rounded to integers */
  sizes?: number[];
  /** Token multipliers M = D/N; one run per (size, multiplier, seed). @default [5, 10, 20, 40] */
  tokenMultipliers?: number[];
  /** Number of seeds per (size, multiplier); seed labels are "0", "1", ... @default 2 */
  seeds?: number;
  /** Evaluation noise: σ of the log-normal factor drawn per checkpoint. @default 0.005 */
  noise?: number;
  /** Seed-to-seed noise: σ of the log-normal factor drawn once per run. @default 0 */
  runNoise?: number;
  /** Checkpoints per run, evenly spaced in steps; the last one is the end of training. @default 20 */
  checkpoints?: number;
  /** Tokens per optimizer step (batch size × sequence length). @default 524288 */
  batchTokens?: number;
  /** Learning-rate floor of the cosine schedule, as a fraction of the peak. @default 0.1 */
  finalLrFraction?: number;
  /**
   * Excess loss at full (peak) learning rate, as a fraction of the reducible loss L(N, d) − E;
   * the excess at progress u is `annealGap` · (1 + cos(π u))/2. 0 makes every checkpoint follow
   * the law. @default 0.08
   */
  annealGap?: number;
  /**
   * Downstream tasks.
   * @default three tasks: "mc4-easy" (chance 0.25, ceilingGap 0.05, slope 3, midpoint 3.2,
   * 1000 items), "mc4-hard" (0.25, 0.1, 4, 2.4, 1000), "binary" (0.5, 0.1, 2.5, 3, 2000)
   */
  tasks?: SyntheticTask[];
  /** Vocabulary size, used to split N into embedding and non-embedding parameters. @default 50304 */
  vocabSize?: number;
  /** Family of every run. @default "synthetic" */
  family?: string;
  /** Dataset of every run. @default "synthetic" */
  dataset?: string;
}

/** The resolved options of a synthetic ladder: the ground truth its fits should recover. */
export type SyntheticTruth = Required<SyntheticOptions>;

/** Default law: Epoch AI's refit of Chinchilla, rounded. */
const DEFAULT_LAW: ChinchillaParams = { E: 1.82, A: 482, B: 2085, alpha: 0.348, beta: 0.366 };

const DEFAULT_TASKS: SyntheticTask[] = [
  { name: "mc4-easy", chance: 0.25, ceilingGap: 0.05, slope: 3, midpoint: 3.2, items: 1000 },
  { name: "mc4-hard", chance: 0.25, ceilingGap: 0.1, slope: 4, midpoint: 2.4, items: 1000 },
  { name: "binary", chance: 0.5, ceilingGap: 0.1, slope: 2.5, midpoint: 3, items: 2000 },
];

function logSpaced(lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Math.round(Math.exp(Math.log(lo) + (Math.log(hi / lo) * i) / (n - 1))));
  }
  return out;
}

function checkPositive(name: string, value: number, allowZero = false): void {
  if (!(Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
    throw new RangeError(
      `Cannot build synthetic ladder: ${name} is ${value}; expected a finite number ${
        allowZero ? ">= 0" : "> 0"
      }`,
    );
  }
}

/**
 * The ground truth of a synthetic ladder: its options with every default filled in.
 *
 * @param options The options given to {@link syntheticLadder}.
 * @returns The resolved options (law, sizes, multipliers, noise, schedule, tasks).
 * @throws {RangeError} when an option is out of range (non-positive sizes, negative noise, ...).
 * @example The default truth is Epoch's refit
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticTruth } from "./synthetic.ts";
 * const truth = syntheticTruth();
 * assert.equal(truth.law.alpha, 0.348);
 * assert.equal(truth.sizes.length, 6);
 * ```
 */
export function syntheticTruth(options: SyntheticOptions = {}): SyntheticTruth {
  const {
    seed = 0,
    law = DEFAULT_LAW,
    sizes = logSpaced(2e7, 1e9, 6),
    tokenMultipliers = [5, 10, 20, 40],
    seeds = 2,
    noise = 0.005,
    runNoise = 0,
    checkpoints = 20,
    batchTokens = 524288,
    finalLrFraction = 0.1,
    annealGap = 0.08,
    tasks = DEFAULT_TASKS,
    vocabSize = 50304,
    family = "synthetic",
    dataset = "synthetic",
  } = options;
  for (const key of ["E", "A", "B", "alpha", "beta"] as const) {
    checkPositive(`law.${key}`, law[key]);
  }
  sizes.forEach((n, i) => checkPositive(`sizes[${i}]`, n));
  tokenMultipliers.forEach((m, i) => checkPositive(`tokenMultipliers[${i}]`, m));
  for (const [name, value] of [["seeds", seeds], ["checkpoints", checkpoints]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot build synthetic ladder: ${name} is ${value}; expected an integer >= 1`,
      );
    }
  }
  checkPositive("noise", noise, true);
  checkPositive("runNoise", runNoise, true);
  checkPositive("batchTokens", batchTokens);
  checkPositive("annealGap", annealGap, true);
  checkPositive("vocabSize", vocabSize);
  if (!(finalLrFraction >= 0 && finalLrFraction < 1)) {
    throw new RangeError(
      `Cannot build synthetic ladder: finalLrFraction is ${finalLrFraction}; expected a number in [0, 1)`,
    );
  }
  for (const t of tasks) {
    if (!(t.chance >= 0 && t.ceilingGap >= 0 && t.chance + t.ceilingGap < 1)) {
      throw new RangeError(
        `Cannot build synthetic ladder: task ${
          JSON.stringify(t.name)
        } has chance ${t.chance} and ceilingGap ${t.ceilingGap}; expected both >= 0 with a sum below 1`,
      );
    }
    if (!(t.items > 0)) {
      throw new RangeError(
        `Cannot build synthetic ladder: items of task ${
          JSON.stringify(t.name)
        } is ${t.items}; expected a number > 0 (Infinity for no noise)`,
      );
    }
  }
  return {
    seed,
    law: { ...law },
    sizes: [...sizes],
    tokenMultipliers: [...tokenMultipliers],
    seeds,
    noise,
    runNoise,
    checkpoints,
    batchTokens,
    finalLrFraction,
    annealGap,
    tasks: tasks.map((t) => ({ ...t })),
    vocabSize,
    family,
    dataset,
  };
}

/**
 * The law L(N, D) = E + A/N^α + B/D^β.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chinchillaLoss } from "./synthetic.ts";
 * assert.equal(chinchillaLoss({ E: 1, A: 1, B: 1, alpha: 1, beta: 1 }, 2, 4), 1.75);
 * ```
 */
export function chinchillaLoss(law: ChinchillaParams, params: number, tokens: number): number {
  return law.E + law.A * Math.pow(params, -law.alpha) + law.B * Math.pow(tokens, -law.beta);
}

/**
 * Expected (noise-free) loss of a synthetic checkpoint: the law at the tokens seen plus the
 * schedule term `annealGap` · (1 + cos(π d/D_run))/2 · (L(N, d) − E), which is 0 at the end.
 *
 * @param truth The resolved options ({@link syntheticTruth}).
 * @param params Total parameters N.
 * @param tokens Tokens seen d at the checkpoint.
 * @param runTokens Tokens of the whole run D_run (end of the schedule); defaults to `tokens`.
 * @example At the end of a run the loss is the law
 * ```ts
 * import assert from "node:assert/strict";
 * import { chinchillaLoss, syntheticLoss, syntheticTruth } from "./synthetic.ts";
 * const truth = syntheticTruth();
 * assert.equal(syntheticLoss(truth, 1e8, 2e9), chinchillaLoss(truth.law, 1e8, 2e9));
 * assert.ok(syntheticLoss(truth, 1e8, 1e9, 2e9) > chinchillaLoss(truth.law, 1e8, 1e9));
 * ```
 */
export function syntheticLoss(
  truth: SyntheticTruth,
  params: number,
  tokens: number,
  runTokens: number = tokens,
): number {
  const base = chinchillaLoss(truth.law, params, tokens);
  if (tokens >= runTokens) return base;
  const remaining = 0.5 * (1 + Math.cos((Math.PI * tokens) / runTokens));
  return base + truth.annealGap * remaining * (base - truth.law.E);
}

/**
 * Expected accuracy of a synthetic task at a loss:
 * chance + (1 − chance − ceilingGap) · σ(−slope (loss − midpoint)).
 *
 * @example Halfway between chance and ceiling at the midpoint
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticAccuracy } from "./synthetic.ts";
 * const task = { name: "t", chance: 0.25, ceilingGap: 0.05, slope: 3, midpoint: 3, items: 100 };
 * assert.equal(syntheticAccuracy(task, 3), 0.25 + 0.7 / 2);
 * ```
 */
export function syntheticAccuracy(task: SyntheticTask, loss: number): number {
  const s = 1 / (1 + Math.exp(task.slope * (loss - task.midpoint)));
  return task.chance + (1 - task.chance - task.ceilingGap) * s;
}

/** Model width d for a total size N: N = 12 (d/64) d² + V d (aspect ratio 64, tied embeddings). */
function modelWidth(params: number, vocabSize: number): number {
  let d = Math.cbrt((params * 64) / 12);
  for (let i = 0; i < 60; i++) {
    // Newton on f(d) = 12 d³/64 + V d − N.
    const f = (12 * d * d * d) / 64 + vocabSize * d - params;
    const df = (36 * d * d) / 64 + vocabSize;
    const next = d - f / df;
    if (Math.abs(next - d) < 1e-9 * d) return next;
    d = next;
  }
  return d;
}

function sizeLabel(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toPrecision(3)}B`;
  if (n >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  return `${+n.toPrecision(3)}`;
}

/**
 * A seeded synthetic ladder from a known Chinchilla law (see the module doc for the model).
 *
 * Runs: one per (size, token multiplier, seed), id `"<size>-m<M>-s<seed>"`, family and dataset
 * "synthetic", `paramsNonEmbedding` from a width-64-aspect transformer with tied embeddings,
 * fields `{ tokenMultiplier, dModel, schedule: "cosine" }`. Checkpoints: evenly spaced steps of
 * `batchTokens` tokens, the last at the end of training (D_run = round(M N / batchTokens) steps);
 * flops = 6 N d. Metrics: `"loss"` (kind "loss") and `"acc/<task>"` (kind "accuracy").
 *
 * @param options Sizes, multipliers, seeds, noise, schedule and tasks; see {@link SyntheticOptions}.
 * @returns The ladder; its provenance note is "synthetic ladder (seed S)". The truth is
 * {@link syntheticTruth}(options).
 * @throws {RangeError} when an option is out of range.
 * @example A noise-free ladder follows the law at final checkpoints
 * ```ts
 * import assert from "node:assert/strict";
 * import { chinchillaLoss, syntheticLadder, syntheticTruth } from "./synthetic.ts";
 * const options = { sizes: [1e8], tokenMultipliers: [20], seeds: 1, noise: 0, checkpoints: 4 };
 * const ladder = syntheticLadder(options);
 * const last = ladder.checkpoints.tokens.length - 1;
 * const loss = ladder.observations.value[ladder.observations.checkpoint.indexOf(last)];
 * const want = chinchillaLoss(syntheticTruth(options).law, 1e8, ladder.checkpoints.tokens[last]);
 * assert.ok(Math.abs(loss - want) < 1e-12);
 * ```
 */
export function syntheticLadder(options: SyntheticOptions = {}): Ladder {
  const truth = syntheticTruth(options);
  const { sizes, tokenMultipliers, seeds, checkpoints: perRun, batchTokens, tasks } = truth;
  const nRuns = sizes.length * tokenMultipliers.length * seeds;
  const nCheckpoints = nRuns * perRun;
  const nMetrics = 1 + tasks.length;
  const runs: Run[] = [];
  const cpRun = new Int32Array(nCheckpoints);
  const cpStep = new Float64Array(nCheckpoints);
  const cpTokens = new Float64Array(nCheckpoints);
  const cpFlops = new Float64Array(nCheckpoints);
  const obsCheckpoint = new Int32Array(nCheckpoints * nMetrics);
  const obsMetric = new Int32Array(nCheckpoints * nMetrics);
  const obsValue = new Float64Array(nCheckpoints * nMetrics);
  let c = 0;
  let o = 0;
  sizes.forEach((params, i) => {
    const width = Math.round(modelWidth(params, truth.vocabSize));
    tokenMultipliers.forEach((multiplier, j) => {
      const totalSteps = Math.max(perRun, Math.round((multiplier * params) / batchTokens));
      const runTokens = totalSteps * batchTokens;
      for (let s = 0; s < seeds; s++) {
        const base = substream(substream(substream(truth.seed, i), j), s);
        const lossRng = rng(substream(base, 0));
        const taskRng = rng(substream(base, 1));
        const runFactor = truth.runNoise > 0 ? Math.exp(truth.runNoise * lossRng.normal()) : 1;
        const r = runs.length;
        runs.push({
          id: `${sizeLabel(params)}-m${multiplier}-s${s}`,
          family: truth.family,
          seed: String(s),
          params,
          paramsNonEmbedding: Math.max(0, params - truth.vocabSize * width),
          dataset: truth.dataset,
          fields: { tokenMultiplier: multiplier, dModel: width, schedule: "cosine" },
        });
        for (let k = 1; k <= perRun; k++) {
          const step = k === perRun ? totalSteps : Math.round((k * totalSteps) / perRun);
          const tokens = step * batchTokens;
          cpRun[c] = r;
          cpStep[c] = step;
          cpTokens[c] = tokens;
          cpFlops[c] = 6 * params * tokens;
          const expected = syntheticLoss(truth, params, tokens, runTokens) * runFactor;
          const evalFactor = truth.noise > 0 ? Math.exp(truth.noise * lossRng.normal()) : 1;
          obsCheckpoint[o] = c;
          obsMetric[o] = 0;
          obsValue[o++] = expected * evalFactor;
          tasks.forEach((task, t) => {
            const p = syntheticAccuracy(task, expected);
            let acc = p;
            if (Number.isFinite(task.items)) {
              const correct = Math.round(
                task.items * p + Math.sqrt(task.items * p * (1 - p)) * taskRng.normal(),
              );
              acc = Math.min(task.items, Math.max(0, correct)) / task.items;
            }
            obsCheckpoint[o] = c;
            obsMetric[o] = t + 1;
            obsValue[o++] = acc;
          });
          c++;
        }
      }
    });
  });
  const metrics = ["loss", ...tasks.map((t) => `acc/${t.name}`)];
  const metricKinds: Record<string, MetricKind> = { loss: "loss" };
  for (const t of tasks) metricKinds[`acc/${t.name}`] = "accuracy";
  return {
    runs,
    checkpoints: { run: cpRun, step: cpStep, tokens: cpTokens, flops: cpFlops },
    observations: { checkpoint: obsCheckpoint, metric: obsMetric, value: obsValue },
    metrics,
    metricKinds,
    provenance: { files: [], note: `synthetic ladder (seed ${truth.seed})` },
    warnings: [],
  };
}
