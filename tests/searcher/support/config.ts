/**
 * Builds normalised experiment configs for searcher tests, every field set,
 * so tests don't depend on the YAML parser.
 */
import type {
  AdaptiveAshaSearcherConfig,
  AsyncHalvingSearcherConfig,
  ExperimentConfig,
  GridSearcherConfig,
  HyperparameterSpec,
  Length,
  RandomSearcherConfig,
  SearcherConfig,
  SingleSearcherConfig,
  TpeSearcherConfig,
} from "../../../src/protocol/config/types.js";

export const defaultHParams: Record<string, HyperparameterSpec> = {
  lr: { type: "log", minval: -4, maxval: -1, base: 10 },
  layers: { type: "int", minval: 1, maxval: 4 },
  optimizer: { type: "categorical", vals: ["adam", "sgd"] },
};

export function experimentConfig(
  searcher: SearcherConfig,
  options: { hyperparameters?: Record<string, HyperparameterSpec>; seed?: number } = {},
): ExperimentConfig {
  return {
    name: "searcher-test",
    description: "",
    entrypoint: "node train.js",
    hyperparameters: options.hyperparameters ?? defaultHParams,
    searcher,
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
    reproducibility: { experiment_seed: options.seed ?? 42 },
    environment: { variables: {} },
  };
}

const common = {
  metric: "validation_loss",
  smaller_is_better: true,
  max_length: { unit: "batches", value: 1000 } as Length,
};

export function batches(value: number): Length {
  return { unit: "batches", value };
}

export function single(fields: Partial<SingleSearcherConfig> = {}): SingleSearcherConfig {
  return { ...common, name: "single", ...fields };
}

export function random(fields: Partial<RandomSearcherConfig> = {}): RandomSearcherConfig {
  return { ...common, name: "random", max_trials: 8, max_concurrent_trials: 16, ...fields };
}

export function grid(fields: Partial<GridSearcherConfig> = {}): GridSearcherConfig {
  return { ...common, name: "grid", max_concurrent_trials: 16, ...fields };
}

export function asyncHalving(
  fields: Partial<AsyncHalvingSearcherConfig> = {},
): AsyncHalvingSearcherConfig {
  return {
    ...common,
    name: "async_halving",
    num_rungs: 3,
    divisor: 3,
    max_trials: 12,
    max_concurrent_trials: 16,
    stop_once: false,
    ...fields,
  };
}

export function adaptiveAsha(
  fields: Partial<AdaptiveAshaSearcherConfig> = {},
): AdaptiveAshaSearcherConfig {
  return {
    ...common,
    name: "adaptive_asha",
    mode: "standard",
    divisor: 4,
    max_rungs: 5,
    bracket_rungs: null,
    max_trials: 16,
    max_concurrent_trials: 16,
    stop_once: false,
    ...fields,
  };
}

export function tpe(fields: Partial<TpeSearcherConfig> = {}): TpeSearcherConfig {
  return {
    ...common,
    name: "tpe",
    max_trials: 8,
    max_concurrent_trials: 16,
    n_startup_trials: 10,
    gamma: 0.1,
    n_ei_candidates: 24,
    ...fields,
  };
}

/** Every kind of hyperparameter: double, log, int, categorical, nested and const. */
export const everyKindHParams: Record<string, HyperparameterSpec> = {
  dropout: { type: "double", minval: 0.1, maxval: 0.5 },
  lr: { type: "log", minval: -4, maxval: -1, base: 10 },
  units: { type: "int", minval: 2, maxval: 6 },
  optimizer: { type: "categorical", vals: ["adam", "sgd", { name: "rmsprop", rho: 0.9 }] },
  model: {
    type: "object",
    fields: {
      depth: { type: "int", minval: 1, maxval: 3 },
      activation: { type: "const", val: "relu" },
    },
  },
  batch: { type: "const", val: 64 },
};
