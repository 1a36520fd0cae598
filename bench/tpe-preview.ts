/**
 * What TPE costs: previewSearch of a tpe search (four hyperparameters, a
 * random metric) with 500 and with 1,000 trials. Each new trial is sampled
 * from estimators of all results so far, as in Optuna, so a trial costs O(n)
 * and a whole search O(n^2): the ratio should be near 4.
 *
 *   npx tsx bench/tpe-preview.ts
 */
import { pathToFileURL } from "node:url";
import type { ExperimentConfig } from "../src/protocol/config/types.js";
import { previewSearch } from "../src/searcher/index.js";
import { config as ashaConfig } from "./searcher-preview.js";

function config(maxTrials: number): ExperimentConfig {
  const base = ashaConfig(maxTrials, 16);
  return {
    ...base,
    searcher: {
      name: "tpe",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 1000 },
      max_trials: maxTrials,
      max_concurrent_trials: 16,
      n_startup_trials: 10,
      gamma: 0.1,
      n_ei_candidates: 24,
    },
  };
}

function timePreview(maxTrials: number): number {
  const start = performance.now();
  previewSearch(config(maxTrials), { metric: "random" });
  return performance.now() - start;
}

export interface TpePreviewFigures {
  name: string;
  ms500: number;
  ms1000: number;
  ratio: number;
}

export function run(): TpePreviewFigures {
  timePreview(100);
  const small = timePreview(500);
  const large = timePreview(1000);
  const figures = {
    name: "tpe preview (4 hyperparameters, 24 candidates)",
    ms500: Math.round(small),
    ms1000: Math.round(large),
    ratio: Number((large / small).toFixed(2)),
  };
  console.log(
    `${figures.name}: 500 trials ${figures.ms500} ms, 1,000 trials ${figures.ms1000} ms, ratio ${figures.ratio}`,
  );
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
