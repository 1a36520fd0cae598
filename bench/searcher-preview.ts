/**
 * How previewSearch scales: adaptive ASHA with 10,000 and with 100,000
 * trials. Rung ranks are order-statistics queries, so ten times the trials
 * should cost about ten times the time (target: 100,000 trials < 3 s, ratio < 15).
 *
 *   npx tsx bench/searcher-preview.ts
 */
import { pathToFileURL } from "node:url";
import type { ExperimentConfig } from "../src/protocol/config/types.js";
import { previewSearch } from "../src/searcher/index.js";

export function config(maxTrials: number, maxConcurrent: number): ExperimentConfig {
  return {
    name: "bench-adaptive-asha",
    description: "",
    entrypoint: "node train.js",
    hyperparameters: {
      lr: { type: "log", minval: -5, maxval: -1, base: 10 },
      dropout: { type: "double", minval: 0, maxval: 0.5 },
      layers: { type: "int", minval: 1, maxval: 8 },
      optimizer: { type: "categorical", vals: ["adam", "sgd", "rmsprop"] },
    },
    searcher: {
      name: "adaptive_asha",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 100_000 },
      mode: "standard",
      divisor: 4,
      max_rungs: 5,
      bracket_rungs: null,
      max_trials: maxTrials,
      max_concurrent_trials: maxConcurrent,
      stop_once: false,
    },
    records_per_epoch: null,
    global_batch_size: null,
    min_validation_period: null,
    min_checkpoint_period: null,
    scheduling_unit: 100,
    max_restarts: 5,
    preemption_timeout: 30,
    checkpoint_policy: "best",
    checkpoint_storage: {
      type: "shared_fs",
      host_path: null,
      save_experiment_best: 0,
      save_trial_best: 1,
      save_trial_latest: 1,
    },
    resources: { slots_per_trial: 1, priority: 50, weight: 1 },
    reproducibility: { experiment_seed: 42 },
    environment: { variables: {} },
  };
}

function timePreview(maxTrials: number, maxConcurrent: number): { ms: number; trials: number } {
  const c = config(maxTrials, maxConcurrent);
  const start = performance.now();
  const result = previewSearch(c, { metric: "random" });
  return { ms: performance.now() - start, trials: result.trials.length };
}

export interface SearcherPreviewFigures {
  name: string;
  maxConcurrentTrials: number;
  ms10k: number;
  ms100k: number;
  ratio: number;
}

export function run(): SearcherPreviewFigures[] {
  // Warm up the JIT so the first measurement isn't mostly compilation.
  timePreview(2_000, 100);
  const figures: SearcherPreviewFigures[] = [];
  for (const maxConcurrent of [100, 0]) {
    const small = timePreview(10_000, maxConcurrent);
    const large = timePreview(100_000, maxConcurrent);
    const entry = {
      name: "searcher preview (adaptive_asha, divisor 4, max_rungs 5)",
      maxConcurrentTrials: maxConcurrent,
      ms10k: Math.round(small.ms),
      ms100k: Math.round(large.ms),
      ratio: Number((large.ms / small.ms).toFixed(2)),
    };
    figures.push(entry);
    console.log(
      `${entry.name}, max_concurrent_trials ${maxConcurrent}: ` +
        `10,000 trials ${entry.ms10k} ms, 100,000 trials ${entry.ms100k} ms, ratio ${entry.ratio}`,
    );
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
