/**
 * The dataset catalog: pure data describing the real scaling-law datasets the toolkit knows,
 * where each file comes from (repository, fixed commit, raw URL), its sha256 and row count, and
 * named loadable views ("tables") with the {@link ColumnMapping} that turns a file into a ladder.
 *
 * Nothing here reads files; `lib/data/catalog.ts` resolves and loads the entries. The files
 * themselves are never copied into the repository: they live in a mirror directory
 * (`SCALING_DATA_DIR`, layout `<dataset>/<file>`), in the user cache, or are downloaded from
 * the raw URL when the file is a verbatim copy of an upstream file.
 *
 * Row counts are data rows (header excluded) as a CSV reader sees them; every sha256 was checked
 * with `sha256sum` against the mirror and agrees with the dataset's SOURCE.md.
 *
 * @module
 */

import type { ColumnMapping, MetricKind } from "../lib/data/schema.ts";

/** One file of a dataset. */
export interface CatalogFile {
  /** File name inside the dataset folder. */
  name: string;
  /** Lower-case hex sha256 of the file's bytes. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
  /** Data rows, header excluded. */
  rows: number;
  /**
   * Raw download URL at the fixed commit, when the file is a verbatim copy of an upstream file;
   * `null` when the file was converted (then it is only available from a mirror).
   */
  url: string | null;
  /** Path of the upstream file(s) this file copies or was converted from. */
  upstreamPath: string;
  /** Caveats (conversion, availability). */
  note?: string;
}

/** Bibliographic reference of the paper that released the data. */
export interface CatalogCitation {
  authors: string;
  title: string;
  /** arXiv identifier, e.g. `"2404.10102"`. */
  arxiv: string;
  /** Venue and year. */
  venue: string;
}

/** Upstream repository at a fixed commit. */
export interface CatalogSource {
  /** `https://github.com/<owner>/<repo>`. */
  repository: string;
  /** Full 40-hex commit. */
  commit: string;
  /** Commit date (YYYY-MM-DD). */
  date: string;
}

/**
 * A table of a dataset that maps metric names to kinds (e.g. Hitchhiker's `metrics.csv`); the
 * loader reads it and adds the kinds of the metrics present in the ladder.
 */
export interface MetricKindsFile {
  /** File name in the same dataset. */
  file: string;
  /** Column holding the metric name (as in the main table's metric column). */
  metricColumn: string;
  /** Column holding the source's kind label. */
  kindColumn: string;
  /** Source kind label → toolkit {@link MetricKind}. */
  kinds: Record<string, MetricKind>;
}

/** A named loadable view of a dataset: one main file mapped to a ladder. */
export interface CatalogTable {
  /** Table name, unique within the dataset. */
  name: string;
  /** Main file (long or wide form). */
  file: string;
  /** Per-run file joined on the mapping's `run` columns. */
  runsFile?: string;
  /** How the columns map to runs, checkpoints and observations. */
  mapping: ColumnMapping;
  /** Metric kinds read from a file of the dataset, added to `mapping.metricKinds`. */
  metricKindsFile?: MetricKindsFile;
  /** One-line description. */
  description: string;
  /** The kinds of metric the loaded ladder holds (a summary for listings). */
  metricKinds: MetricKind[];
  /** Choices made in the mapping (rows dropped, duplicates) and why. */
  note?: string;
}

/**
 * A file or column that later analyses need besides the ladder (chance levels, held-out runs,
 * reference fit settings).
 */
export interface CatalogExtra {
  /** What it holds and how to use it. */
  description: string;
  /** File name in the dataset, when the extra is a file. */
  file?: string;
  /** Role → column name in that file. */
  columns?: Record<string, string>;
  /** Unit of the values. */
  unit?: string;
}

/** One dataset of the catalog. */
export interface CatalogEntry {
  /** Folder name and catalog key. */
  name: string;
  title: string;
  description: string;
  /** SPDX identifier, or a sentence when no licence is stated. */
  license: string;
  citation: CatalogCitation;
  source: CatalogSource;
  files: CatalogFile[];
  /** Loadable views; the first is the default. */
  tables: CatalogTable[];
  /** Named extras for later analyses. */
  extras: Record<string, CatalogExtra>;
}

const MIRROR_ONLY =
  "Converted from the upstream files (not a verbatim copy), so there is no upstream URL for " +
  "this file: it is only available from a mirror (SCALING_DATA_DIR) or a cache that holds it.";

function raw(repository: string, commit: string, path: string): string {
  return `https://raw.githubusercontent.com/${
    repository.replace("https://github.com/", "")
  }/${commit}/${path}`;
}

const CHINCHILLA_SRC: CatalogSource = {
  repository: "https://github.com/epoch-research/analyzing-chinchilla",
  commit: "92258837425e1b5f2851d624287f0120583a3d0e",
  date: "2024-05-14",
};

const KEMPNER_SRC: CatalogSource = {
  repository: "https://github.com/KempnerInstitute/loss-to-loss-notebooks",
  commit: "457ce81a019019bc3981937c20a70c52f5fad436",
  date: "2024-11-21",
};

const GADRE_SRC: CatalogSource = {
  repository: "https://github.com/mlfoundations/scaling",
  commit: "a003c4913793ac2ae7ef87b28ecb562955d026d5",
  date: "2024-04-01",
};

const COLPRET_SRC: CatalogSource = {
  repository: "https://github.com/IBM/ColPret",
  commit: "16f23bbe054277ddc4afd07a972dd7cfbe3f48c3",
  date: "2025-01-27",
};

const PYTHIA_SRC: CatalogSource = {
  repository: "https://github.com/EleutherAI/pythia",
  commit: "a19eecb807ec2c79a39ebf18108816e6ffffc1d5",
  date: "2025-11-15",
};

const OBS_SRC: CatalogSource = {
  repository: "https://github.com/ryoungj/ObsScaling",
  commit: "4d6e1e43fd2635d04654aa77d1df9d5266ea0382",
  date: "2024-10-01",
};

/** A verbatim ObsScaling file (`eval_results/<name>` upstream). */
function obsFile(name: string, sha256: string, bytes: number, rows: number): CatalogFile {
  return {
    name,
    sha256,
    bytes,
    rows,
    url: raw(OBS_SRC.repository, OBS_SRC.commit, `eval_results/${name}`),
    upstreamPath: `eval_results/${name}`,
  };
}

/** Kempner sweep/extrapolation mapping (both files have the same 86 columns). */
const KEMPNER_MAPPING: ColumnMapping = {
  run: "id",
  family: "data",
  dataset: "data",
  params: "params",
  tokens: "tokens",
  flops: "flops",
  step: "steps",
  metrics: ["eval/*"],
  fields: ["name", "group", "n_layers", "d_model", "iso_flop"],
  metricKinds: {
    "eval/*/CrossEntropyLoss": "loss",
    "eval/*/Perplexity": "perplexity",
    "eval/*_ce_loss": "loss",
    "eval/*_acc": "accuracy",
    "eval/*_len_norm": "accuracy",
  },
};

/** ObsScaling per-model columns (base models). */
const OBS_RUN_COLUMNS = {
  run: "Model",
  family: "Model Family",
  params: "Model Size (B)",
  tokens: "Pretraining Data Size (T)",
  flops: "FLOPs (1E21)",
  scale: { params: 1e9, tokens: 1e12, flops: 1e21 },
  drop: ["missing"],
} satisfies ColumnMapping;

const OBS_DROP_NOTE = "Models without a pretraining data size (and so without FLOPs) cannot " +
  "form a ladder point (tokens are required); they are dropped with a counted warning " +
  '(drop: ["missing"]).';

/** The catalog, one entry per dataset, in a stable order. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: "chinchilla-epoch",
    title: "Chinchilla Figure 4 points, as extracted by Epoch AI",
    description: "Final losses of the Chinchilla (Hoffmann et al. 2022) training runs, recovered " +
      "by Epoch AI from the vector graphics of Figure 4 (245 points; N, C, D = C/6N, loss).",
    license: "None stated: the repository has no LICENSE file (publicly available research " +
      "data, all rights reserved by the authors unless clarified).",
    citation: {
      authors: "Tamay Besiroglu, Ege Erdil, Matthew Barnett, Josh You",
      title: "Chinchilla Scaling: A replication attempt",
      arxiv: "2404.10102",
      venue: "arXiv 2024; original data: Hoffmann et al., arXiv:2203.15556",
    },
    source: CHINCHILLA_SRC,
    files: [{
      name: "chinchilla_fig4.csv",
      sha256: "44759096826b7a86110a931d287ab6d5fe8e968f321be5404077cefb5584e56e",
      bytes: 13135,
      rows: 245,
      url: null,
      upstreamPath: "data/svg_extracted_data.csv",
      note: MIRROR_ONLY + " Kept Model Size, Training FLOP and loss; added tokens = " +
        "flops / (6 · params); dropped the SVG coordinates and colours.",
    }],
    tables: [{
      name: "fig4",
      file: "chinchilla_fig4.csv",
      mapping: {
        params: "params",
        tokens: "tokens",
        flops: "flops",
        metrics: ["loss"],
        metricKinds: { loss: "loss" },
      },
      description: "245 final training losses, each row its own run (id row-<line>)",
      metricKinds: ["loss"],
    }],
    extras: {
      referenceFit: {
        description:
          "Epoch's reference fit drops the 5 highest-loss points (keeps loss below the " +
          "5th-largest loss: 240 rows) and fits log-loss with Huber δ = 1e-3 on " +
          "L = exp(a)/N^α + exp(b)/D^β + exp(e), L-BFGS-B from a grid of starts.",
        file: "chinchilla_fig4.csv",
        columns: { loss: "loss" },
      },
    },
  },
  {
    name: "loss-to-loss-kempner",
    title: "OLMo IsoFLOP sweeps on 6 pretraining corpora (Brandfonbrener et al. 2024)",
    description: "529 finished small OLMo-architecture runs on an IsoFLOP grid over six " +
      "corpora, with final validation losses on every corpus and downstream accuracies and " +
      "cross-entropies; plus six 3.3B runs at 1e21 FLOPs held out for extrapolation.",
    license: "None stated: the repository has no LICENSE file.",
    citation: {
      authors: "David Brandfonbrener, Nikhil Anand, Nikhil Vyas, Eran Malach, Sham Kakade",
      title: "Loss-to-Loss Prediction: Scaling Laws for All Datasets",
      arxiv: "2411.12925",
      venue: "arXiv 2024",
    },
    source: KEMPNER_SRC,
    files: [
      {
        name: "extrapolation.csv",
        sha256: "2c7cecc44aa016464e2d4e42b339798eb899ec9d0d313f618dae8bd3ce0757b3",
        bytes: 11863,
        rows: 6,
        url: raw(KEMPNER_SRC.repository, KEMPNER_SRC.commit, "data/extrapolation.csv"),
        upstreamPath: "data/extrapolation.csv",
      },
      {
        name: "sweep.csv",
        sha256: "1a9fd71e3bd6ecf35bdd32b660a9b42dbb3b8635630b1a358633fa18d61fb13c",
        bytes: 791700,
        rows: 529,
        url: raw(KEMPNER_SRC.repository, KEMPNER_SRC.commit, "data/sweep.csv"),
        upstreamPath: "data/sweep.csv",
      },
    ],
    tables: [
      {
        name: "sweep",
        file: "sweep.csv",
        mapping: KEMPNER_MAPPING,
        description: "529 runs (final checkpoints), family = pretraining corpus, 61 eval/* metrics",
        metricKinds: ["loss", "perplexity", "accuracy"],
      },
      {
        name: "extrapolation",
        file: "extrapolation.csv",
        mapping: KEMPNER_MAPPING,
        description: "6 held-out 3.3B runs at 1e21 FLOPs (one per corpus), same metrics",
        metricKinds: ["loss", "perplexity", "accuracy"],
      },
    ],
    extras: {
      heldOut: {
        description: "extrapolation.csv holds the held-out targets: fit on the sweep of one " +
          "corpus, predict the run of the same `data` in extrapolation.csv.",
        file: "extrapolation.csv",
        columns: { run: "id", family: "data" },
      },
      trainLoss: {
        description: "Training-loss columns not mapped as metrics (smoothed over the last k " +
          "logged steps), and per-suite aggregates.",
        file: "sweep.csv",
        columns: {
          train: "train/CrossEntropyLoss",
          train20: "train_loss_20",
          olmoSuiteCe: "olmo_suite_ce_loss",
          olmoSuiteAcc: "olmo_suite_acc",
          mmluSuiteCe: "mmlu_suite_ce_loss",
          mmluSuiteAcc: "mmlu_suite_acc",
        },
      },
    },
  },
  {
    name: "overtrain-gadre",
    title: "104 over-trained models (Gadre et al. 2024)",
    description: "104 open_lm runs from 11M to 7B parameters on C4, RedPajama and RefinedWeb " +
      "with token multipliers M = D/N from 5 to 640; final losses on 8 validation sets and " +
      "accuracies on 46 downstream tasks.",
    license: "MIT",
    citation: {
      authors: "Samir Yitzhak Gadre et al.",
      title: "Language models scale reliably with over-training and on downstream tasks",
      arxiv: "2403.08540",
      venue: "arXiv 2024",
    },
    source: GADRE_SRC,
    files: [
      {
        name: "downstream.csv",
        sha256: "1c8145b504859c11f17ccf734f28047f3d5a15c866befa698f72c9f047c7e76f",
        bytes: 293121,
        rows: 4784,
        url: null,
        upstreamPath: "exp_data/evals/evaluation_*_heavy.json",
        note: MIRROR_ONLY + " One row per (run, task) of each evaluation JSON.",
      },
      {
        name: "eval_metadata.csv",
        sha256: "8cd5243244a6890c8cec31cf7752901131f1da479b3c4920e37eb65ad608089c",
        bytes: 16293,
        rows: 51,
        url: raw(GADRE_SRC.repository, GADRE_SRC.commit, "exp_data/eval_metadata.csv"),
        upstreamPath: "exp_data/eval_metadata.csv",
        note: "SOURCE.md counts 52 rows: the file ends with an empty line, so a CSV reader " +
          "sees 51 tasks.",
      },
      {
        name: "runs.csv",
        sha256: "e23acf75eb47ccda7b6516e219350b5253ac665575c82940591a51fa51f3430b",
        bytes: 19242,
        rows: 104,
        url: null,
        upstreamPath: "exp_data/models/*.json",
        note: MIRROR_ONLY + " Hyper-parameters of each run's JSON, flattened.",
      },
      {
        name: "val_losses.csv",
        sha256: "6e14017118e25bc643f806a3b65c6df1cbe181f164d3677e088bc75da4b7f0a8",
        bytes: 124993,
        rows: 832,
        url: null,
        upstreamPath: "exp_data/models/*.json",
        note: MIRROR_ONLY + " One row per entry of each run's `results` list.",
      },
    ],
    tables: [
      {
        name: "val_losses",
        file: "val_losses.csv",
        runsFile: "runs.csv",
        mapping: {
          run: "run",
          family: "dataset",
          dataset: "dataset",
          params: "params",
          paramsNonEmbedding: "params_no_embed",
          tokens: "tokens",
          flops: "flops_6ND",
          metric: "val_set",
          value: "loss",
          fields: [
            "arch",
            "chinchilla_multiplier",
            "tokens_per_param",
            "lr",
            "wd",
            "warmup",
            "global_bs",
          ],
          metricKinds: { "*": "loss" },
        },
        description: "Final losses of 104 runs on 8 validation sets (metric = val_set), family = " +
          "training corpus",
        metricKinds: ["loss"],
      },
      {
        name: "downstream",
        file: "downstream.csv",
        runsFile: "runs.csv",
        mapping: {
          run: "run",
          family: "dataset",
          dataset: "dataset",
          params: "params",
          paramsNonEmbedding: "params_no_embed",
          tokens: "tokens",
          flops: "flops_6ND",
          metric: "task",
          value: "accuracy",
          fields: [
            "arch",
            "chinchilla_multiplier",
            "tokens_per_param",
            "lr",
            "wd",
            "warmup",
            "global_bs",
          ],
          metricKinds: { "*": "accuracy" },
        },
        description: "Accuracies (fractions) of 104 runs on 46 downstream tasks (metric = task)",
        metricKinds: ["accuracy"],
      },
    ],
    extras: {
      chanceLevels: {
        description: "Random-guess accuracy of each downstream task (0, 25 or 50), keyed by " +
          "task name as in downstream.csv's `task` (all 46 tasks are listed; 5 more tasks " +
          "there are not evaluated).",
        file: "eval_metadata.csv",
        columns: { task: "Eval Task", chance: "Random baseline", shots: "#shots" },
        unit: "percent",
      },
      taskSubset: {
        description: "The paper reports top-1 error = 1 − accuracy averaged over all 46 tasks " +
          '("avg") or a 17-task subset ("avg_subset"); Hitchhiker\'s overtrain_downstream ' +
          "source carries both averages as err_avg and err_avg_subset.",
      },
      lossIntervals: {
        description: "95% intervals of each validation loss over evaluation tokens.",
        file: "val_losses.csv",
        columns: {
          lower: "loss_tokens_lower_95",
          upper: "loss_tokens_upper_95",
          evalTokens: "eval_tokens",
        },
        unit: "nats per token",
      },
    },
  },
  {
    name: "hitchhiker-colpret",
    title: 'Data of "A Hitchhiker\'s Guide to Scaling Law Estimation" (partial copy)',
    description: "Training curves and final evaluations of 499 (source, model) pairs from 17 " +
      "published studies, as assembled by ColPret, in long form (97,098 observations). The " +
      "Pythia/OPT/BLOOM part, Gadre's curves, Amber and MAD are absent from this copy.",
    license: "MIT (the original measurements keep the terms of their own studies)",
    citation: {
      authors: "Leshem Choshen, Yang Zhang, Jacob Andreas",
      title: "A Hitchhiker's Guide to Scaling Law Estimation",
      arxiv: "2410.11840",
      venue: "ICML 2025 (PMLR 267:10683-10699)",
    },
    source: COLPRET_SRC,
    files: [
      {
        name: "metrics.csv",
        sha256: "839f6199582e9218512b305a5d9c5f55032a502cacf94a3c0a85683b950198c1",
        bytes: 8992,
        rows: 198,
        url: null,
        upstreamPath: "util/read_data.py (metric kinds as used by ColPret)",
        note: MIRROR_ONLY,
      },
      {
        name: "models.csv",
        sha256: "d38c42805bf3baf5d2c43cd499461aeb8cf22f7a8819e5eb20438f6c5de9302f",
        bytes: 63238,
        rows: 499,
        url: null,
        upstreamPath: "aggregated_eval/*, raw_data/*",
        note: MIRROR_ONLY,
      },
      {
        name: "observations.csv",
        sha256: "29ef1935c4b85242dcc314c3f7961187fda98a674ee3ec680cc71d2739bc3653",
        bytes: 7316040,
        rows: 97098,
        url: null,
        upstreamPath: "aggregated_eval/*, raw_data/*",
        note: MIRROR_ONLY + " Melted from 17 sub-sources following util/read_data.py.",
      },
    ],
    tables: [
      {
        name: "observations",
        file: "observations.csv",
        runsFile: "models.csv",
        mapping: {
          run: ["source", "model"],
          family: "scaled_set",
          seed: "seed",
          dataset: "data",
          params: "params",
          step: "step",
          tokens: "tokens",
          flops: "flops",
          metric: "metric",
          value: "value",
          fields: [
            "source",
            "family",
            "arch",
            "params_kind",
            "tokens_unit",
            "original_paper",
            "epochs",
          ],
          where: {
            source: [
              "bimix",
              "chinchilla_extracted",
              "datablations_code",
              "datablations_curves",
              "datablations_final",
              "gpt3_extracted",
              "llm360_k2",
              "llm360_mamba3b",
              "moduleformer",
              "olmo",
              "opt_bigbench",
              "opt_trajectories",
              "overtrain_downstream",
              "redpajama_incite",
              "t5_pile",
            ],
          },
          onDuplicate: "mean",
        },
        metricKindsFile: {
          file: "metrics.csv",
          metricColumn: "metric",
          kindColumn: "metric_kind",
          kinds: {
            loss: "loss",
            perplexity: "perplexity",
            bits_per_byte: "bits_per_byte",
            error: "error",
            downstream: "accuracy",
            downstream_percent: "percent",
            downstream_error_or_loss: "other",
          },
        },
        description: "Language-model curves and final evals of 15 token-based sub-sources; run = " +
          "source/model, family = scaled_set",
        metricKinds: ["loss", "perplexity", "bits_per_byte", "error", "accuracy", "percent"],
        note: "The two revisiting_* sub-sources are left out with `where` (their `tokens` " +
          "count seen examples, not tokens, and 11 of their 17 models have no parameter " +
          'count): load them with the "revisiting" table. No row has zero or empty tokens. ' +
          "gpt3_extracted holds digitised curves with several y values at the same x " +
          "(2,835 repeated (model, tokens, metric) keys): they are averaged " +
          '(onDuplicate: "mean") with a counted warning. Models without a scaled_set have ' +
          "no family. `flops` is empty where the source gives none. The run field `epochs` " +
          "(datablations: planned epochs of the run) gives unique tokens as D/epochs.",
      },
      {
        name: "revisiting",
        file: "observations.csv",
        runsFile: "models.csv",
        mapping: {
          run: ["source", "model"],
          family: "source",
          dataset: "data",
          params: "params",
          step: "step",
          tokens: "tokens",
          flops: "flops",
          metric: "metric",
          value: "value",
          fields: ["arch", "params_kind", "tokens_unit"],
          where: { source: ["revisiting_lang", "revisiting_vision"] },
          drop: ["missing"],
          onDuplicate: "mean",
        },
        metricKindsFile: {
          file: "metrics.csv",
          metricColumn: "metric",
          kindColumn: "metric_kind",
          kinds: {
            loss: "loss",
            perplexity: "perplexity",
            bits_per_byte: "bits_per_byte",
            error: "error",
            downstream: "accuracy",
            downstream_percent: "percent",
            downstream_error_or_loss: "other",
          },
        },
        description: "Alabdulmohsin et al. 2022 language curves (revisiting_lang models with a " +
          "size); tokens = seen examples",
        metricKinds: ["loss", "other"],
        note: "`tokens` are seen examples here (see models.csv tokens_unit). Models with no " +
          'parameter count (5 of 11 language, all 6 vision models) are dropped (drop: ["missing"]) ' +
          "with a counted warning, so only revisiting_lang models remain. Repeated (model, " +
          'examples, metric) keys in the digitised curves are averaged (onDuplicate: "mean").',
      },
    ],
    extras: {
      metricKinds: {
        description: "Kind of each (source, metric): loss, perplexity, error, downstream " +
          "(fraction), downstream_percent, bits_per_byte, downstream_error_or_loss. The loader " +
          "applies it through the tables' metricKindsFile.",
        file: "metrics.csv",
        columns: { source: "source", metric: "metric", kind: "metric_kind" },
      },
      epochs: {
        description: "datablations: total planned epochs of each run (not the epoch reached at " +
          "the checkpoint); 1 for single-epoch sources.",
        file: "observations.csv",
        columns: { epochs: "epochs" },
      },
    },
  },
  {
    name: "pythia-evals",
    title: "Pythia suite downstream evaluations over training",
    description: "lm-evaluation-harness results of the 16 Pythia models (8 sizes × standard / " +
      "deduplicated Pile) at up to 27 checkpoints, zero- and five-shot, 9 tasks.",
    license: "Apache-2.0",
    citation: {
      authors: "Stella Biderman et al.",
      title: "Pythia: A Suite for Analyzing Large Language Models Across Training and Scaling",
      arxiv: "2304.01373",
      venue: "ICML 2023",
    },
    source: PYTHIA_SRC,
    files: [{
      name: "pythia_evals.csv",
      sha256: "5032c8d381eb7c63d86f40093a3440789e91ecc6fccc4dd9e32bfcaac70aea65",
      bytes: 1355921,
      rows: 10752,
      url: null,
      upstreamPath: "evals/pythia-v1/pythia-<size>[-deduped]/{zero-shot,five-shot}/*_step<N>.json",
      note: MIRROR_ONLY + " The 57 MMLU subtasks are averaged into mmlu_avg57; params are " +
        "computed from the README architecture table.",
    }],
    tables: [{
      name: "evals",
      file: "pythia_evals.csv",
      mapping: {
        run: "model",
        family: "deduped",
        params: "params",
        paramsNonEmbedding: "params_nonembedding",
        step: "step",
        tokens: "tokens",
        metric: ["num_fewshot", "task", "metric"],
        value: "value",
        fields: ["size", "deduped"],
        metricKinds: { "*/acc": "accuracy", "*/acc_norm": "accuracy", "*/ppl": "perplexity" },
        drop: ["zero-tokens"],
      },
      description: "16 models × 26 checkpoints; metric = <shots>/<task>/<acc|acc_norm|ppl>; " +
        'family "False" = Pile, "True" = deduplicated Pile',
      metricKinds: ["accuracy", "perplexity"],
      note: 'Step 0 has tokens = 0 and is dropped (drop: ["zero-tokens"], 256 rows, one ' +
        "checkpoint per model) so that every checkpoint has D > 0.",
    }],
    extras: {
      stderr: {
        description: "Harness standard error of each value (empty for mmlu_avg57).",
        file: "pythia_evals.csv",
        columns: { stderr: "stderr" },
      },
    },
  },
  {
    name: "obsscaling",
    title: "Observational Scaling Laws evaluation tables (Ruan, Maddison, Hashimoto 2024)",
    description: "Benchmark accuracies of ~150 public base models from many families with " +
      "their size, pretraining tokens and FLOPs; plus emergent BIG-bench tasks, Open LLM " +
      "Leaderboard v2, post-training techniques, and instruction-tuned / agent evaluations.",
    license: "Apache-2.0",
    citation: {
      authors: "Yangjun Ruan, Chris J. Maddison, Tatsunori Hashimoto",
      title: "Observational Scaling Laws and the Predictability of Language Model Performance",
      arxiv: "2405.10938",
      venue: "NeurIPS 2024",
    },
    source: OBS_SRC,
    files: [
      obsFile(
        "base_llm_benchmark_eval.csv",
        "511996815735a4c46251dc585dcc525e370d148201f86561e6f927f9df2d0db8",
        28155,
        148,
      ),
      obsFile(
        "base_llm_benchmark_eval_sub_10b.csv",
        "6a5fe6143b1fd86c2c10368de05e204c89ab6652b0f7e97c4965c37bff360d1d",
        17838,
        92,
      ),
      obsFile(
        "base_llm_emergent_capability_eval.csv",
        "a156beee73c39b7833c3c53535c473939105512d85e90b0143be7325e516ef7c",
        7984,
        84,
      ),
      obsFile(
        "base_llm_leaderboard_v2_eval.csv",
        "ace728c962dfb2b9133fe92081c818e3fba01391694c9590fa0198f850062563",
        10098,
        72,
      ),
      obsFile(
        "base_llm_post_training_eval.csv",
        "797e7e50c6ac54960e28447884b78bf9821b297646741b4485152715fe7fdbe5",
        193408,
        96,
      ),
      obsFile(
        "instruct_llm_agent_eval.csv",
        "09abcdc2abb80d3bba2217b526fa0d88e480a8236c3ba3193bcc9928e871ba3d",
        3260,
        27,
      ),
      obsFile(
        "instruct_llm_benchmark_eval.csv",
        "9bc50f327f4e436b15a6d6e3edb8b4837e726b295a1c72d44fadb9c9d25a75ba",
        4763,
        27,
      ),
    ],
    tables: [
      {
        name: "base",
        file: "base_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: [
            "MMLU",
            "ARC-C",
            "HellaSwag",
            "Winograd",
            "TruthfulQA",
            "GSM8K",
            "XWinograd",
            "HumanEval",
          ],
          metricKinds: { "*": "accuracy" },
        },
        description: "8 base benchmarks of public base models; one run per model, family = " +
          "Model Family",
        metricKinds: ["accuracy"],
        note: OBS_DROP_NOTE,
      },
      {
        name: "base_sub_10b",
        file: "base_llm_benchmark_eval_sub_10b.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: [
            "MMLU",
            "ARC-C",
            "HellaSwag",
            "Winograd",
            "TruthfulQA",
            "GSM8K",
            "XWinograd",
            "HumanEval",
          ],
          metricKinds: { "*": "accuracy" },
        },
        description: "The same benchmarks restricted to models below 10B parameters",
        metricKinds: ["accuracy"],
        note: OBS_DROP_NOTE,
      },
      {
        name: "emergent",
        file: "base_llm_emergent_capability_eval.csv",
        runsFile: "base_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: ["*_acc", "*_exact_match", "*_bleu"],
          metricKinds: { "*_acc": "accuracy", "*_exact_match": "accuracy", "*_bleu": "other" },
        },
        description: "BIG-bench 'emergent' tasks; size, tokens and FLOPs joined from the base " +
          "table",
        metricKinds: ["accuracy", "other"],
        note: OBS_DROP_NOTE + " ipa_transliterate_2_bleu is in BLEU points (kind other).",
      },
      {
        name: "leaderboard_v2",
        file: "base_llm_leaderboard_v2_eval.csv",
        runsFile: "base_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: ["leaderboard_*"],
          metricKinds: { "leaderboard_*": "accuracy" },
        },
        description: "Open LLM Leaderboard v2 tasks (fractions); run data joined from the base " +
          "table",
        metricKinds: ["accuracy"],
        note: OBS_DROP_NOTE,
      },
      {
        name: "post_training",
        file: "base_llm_post_training_eval.csv",
        runsFile: "base_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: ["gsm8k*", "bbh*"],
          metricKinds: {
            "*,norm": "other",
            "*,strict-match": "accuracy",
            "*,flexible-extract": "accuracy",
            "gsm8k_cot_self_consistency*": "accuracy",
          },
        },
        description: "GSM8K and BBH under CoT / self-consistency / few-shot (lm-eval task,metric " +
          "column names); run data joined from the base table",
        metricKinds: ["accuracy", "other"],
        note: OBS_DROP_NOTE + " Columns ending in ,norm are differences between techniques " +
          "(can be negative), kind other.",
      },
      {
        name: "instruct",
        file: "instruct_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: [
            "Arena-Elo",
            "MTBench",
            "MMLU",
            "ARC-C",
            "HellaSwag",
            "Winogrande",
            "TruthfulQA",
            "GSM8K",
            "HumanEval",
          ],
          metricKinds: { "Arena-Elo": "other", MTBench: "other", "*": "accuracy" },
        },
        description: "Instruction-tuned models: Arena-Elo and MTBench (normalised by the " +
          "authors) and standard benchmarks",
        metricKinds: ["accuracy", "other"],
        note: "Closed models (GPT-4, Claude, ...) have no size, tokens or FLOPs and are " +
          'dropped (drop: ["missing"]) with a counted warning.',
      },
      {
        name: "agent",
        file: "instruct_llm_agent_eval.csv",
        runsFile: "instruct_llm_benchmark_eval.csv",
        mapping: {
          ...OBS_RUN_COLUMNS,
          metrics: ["ABench-*", "ABoard-*"],
          metricKinds: { "ABench-*": "other", "ABoard-*": "other" },
        },
        description: "AgentBench / AgentBoard scores of instruction-tuned models (scales as in " +
          "the source); run data joined from the instruct table",
        metricKinds: ["other"],
        note: "Closed models have no size, tokens or FLOPs and are dropped " +
          '(drop: ["missing"]) with a counted warning.',
      },
    ],
    extras: {
      basePcaMetrics: {
        description: "The 8 base metrics used for the capability PCA: MMLU, ARC-C, HellaSwag, " +
          "Winograd, TruthfulQA, GSM8K, XWinograd, HumanEval (the base table's metrics).",
        file: "base_llm_benchmark_eval.csv",
      },
    },
  },
];
