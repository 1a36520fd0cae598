/**
 * The experiment config after parsing and validation (DESIGN §2): every default
 * filled in, every length normalised to `{unit, value}`. Field names keep the
 * YAML's snake_case, since this is the document users write, not a REST body.
 */
import type { SlurmResourcesConfig } from "./slurm-resources.js";

/** Units a length can be given in. `unitless` is a bare integer in YAML. */
export type LengthUnit = "batches" | "records" | "epochs" | "unitless";

export interface Length {
  unit: LengthUnit;
  value: number;
}

/** A hyperparameter's domain. Bare YAML values become `const`; plain mappings become `object`. */
export type HyperparameterSpec =
  | { type: "const"; val: HParamValue }
  | { type: "int"; minval: number; maxval: number; count?: number }
  | { type: "double"; minval: number; maxval: number; count?: number }
  | { type: "log"; minval: number; maxval: number; base: number; count?: number }
  | { type: "categorical"; vals: HParamValue[] }
  | { type: "object"; fields: Record<string, HyperparameterSpec> };

/** A sampled hyperparameter value: JSON, nested objects for nested specs. */
export type HParamValue =
  | string
  | number
  | boolean
  | null
  | HParamValue[]
  | { [key: string]: HParamValue };

export type HParams = Record<string, HParamValue>;

export type AshaMode = "aggressive" | "standard" | "conservative";

interface SearcherCommon {
  metric: string;
  smaller_is_better: boolean;
  max_length: Length;
  /**
   * Every trial starts from this checkpoint (of any experiment) until it has
   * one of its own, as Determined's field of the same name; absent when unset.
   */
  source_checkpoint_uuid?: string;
}

export interface SingleSearcherConfig extends SearcherCommon {
  name: "single";
}

export interface RandomSearcherConfig extends SearcherCommon {
  name: "random";
  max_trials: number;
  /** 0 = unlimited. */
  max_concurrent_trials: number;
}

export interface GridSearcherConfig extends SearcherCommon {
  name: "grid";
  max_concurrent_trials: number;
}

/**
 * The Tree-structured Parzen Estimator's settings (Optuna's names and defaults).
 * The good results are the best min(ceil(gamma * n), 25) of n.
 */
export interface TpeSettings {
  /** Results needed before the model is used; trials before that are sampled at random. */
  n_startup_trials: number;
  /** The fraction of results that count as good, in (0, 1]; at most 25 results are good. */
  gamma: number;
  /** Candidates drawn from the good model per hyperparameter; the best ratio l(x)/g(x) wins. */
  n_ei_candidates: number;
  /**
   * Model all hyperparameters jointly (Optuna's multivariate TPE) instead of
   * each on its own. Absent (configs stored before it existed) means false.
   */
  multivariate?: boolean;
}

export interface TpeSearcherConfig extends SearcherCommon, TpeSettings {
  name: "tpe";
  max_trials: number;
  /** 0 = unlimited. */
  max_concurrent_trials: number;
}

/** How an ASHA search samples the hyperparameters of new trials. */
export type SamplerName = "random" | "tpe";

/**
 * ASHA's sampler. Absent means `random` (and configs stored before samplers
 * existed have none); with `tpe` the parser sets every TPE setting.
 */
export interface AshaSampling extends Partial<TpeSettings> {
  sampler?: SamplerName;
}

export interface AsyncHalvingSearcherConfig extends SearcherCommon, AshaSampling {
  name: "async_halving";
  num_rungs: number;
  divisor: number;
  max_trials: number;
  max_concurrent_trials: number;
  stop_once: boolean;
}

export interface AdaptiveAshaSearcherConfig extends SearcherCommon, AshaSampling {
  name: "adaptive_asha";
  mode: AshaMode;
  divisor: number;
  max_rungs: number;
  /** When given, overrides `mode`: the number of rungs of each bracket. */
  bracket_rungs: number[] | null;
  max_trials: number;
  max_concurrent_trials: number;
  stop_once: boolean;
}

/**
 * Population-based training (Determined's fields). `max_length` is
 * `num_rounds × length_per_round`, the most any trial's lineage trains.
 */
export interface PbtSearcherConfig extends SearcherCommon {
  name: "pbt";
  population_size: number;
  num_rounds: number;
  length_per_round: Length;
  /** After each round the worst `floor(truncate_fraction × population_size)` trials are replaced. */
  replace_function: { truncate_fraction: number };
  /** How a replacement's hyperparameters are drawn from its parent's. */
  explore_function: { resample_probability: number; perturb_factor: number };
}

/**
 * The search is a user's own process that reads the experiment's searcher
 * events and posts operations over REST (`/experiments/{id}/searcher/...`).
 */
export interface CustomSearcherConfig extends SearcherCommon {
  name: "custom";
}

export type SearcherConfig =
  | SingleSearcherConfig
  | RandomSearcherConfig
  | GridSearcherConfig
  | AsyncHalvingSearcherConfig
  | AdaptiveAshaSearcherConfig
  | TpeSearcherConfig
  | PbtSearcherConfig
  | CustomSearcherConfig;

export type SearcherName = SearcherConfig["name"];

export interface CheckpointStorageConfig {
  type: "shared_fs";
  /** Absolute, or relative to the master's data dir; null = `<data-dir>/checkpoints`. */
  host_path: string | null;
  save_experiment_best: number;
  save_trial_best: number;
  save_trial_latest: number;
}

export interface ResourcesConfig {
  /**
   * The master's resource pool its trials run in; absent: the master's
   * default pool (the master fills it in when it creates the experiment).
   */
  resource_pool?: string;
  slots_per_trial: number;
  /** Most slots its trials hold at once; absent: no cap but the pool's. */
  max_slots?: number;
  /** Higher runs first and may preempt lower (1..99). */
  priority: number;
  /** Fair-share weight across experiments. */
  weight: number;
  /** What each trial asks of a Slurm cluster, over the pool's settings; absent when not set. */
  slurm?: SlurmResourcesConfig;
}

export interface ExperimentConfig {
  name: string;
  description: string;
  entrypoint: string;
  hyperparameters: Record<string, HyperparameterSpec>;
  searcher: SearcherConfig;
  records_per_epoch: number | null;
  global_batch_size: number | null;
  min_validation_period: Length | null;
  min_checkpoint_period: Length | null;
  /** Batches between progress reports and preemption checks. */
  scheduling_unit: number;
  max_restarts: number;
  /**
   * Trials that may fail (ERROR) before any trial has reported a validation;
   * the one that reaches it stops the search as failed. 0: no limit. Absent in
   * configs stored before it existed, which have no limit.
   */
  max_initial_failures?: number;
  /** Seconds a trial gets to checkpoint and exit after pause/cancel before it is killed. */
  preemption_timeout: number;
  checkpoint_policy: "best" | "all" | "none";
  checkpoint_storage: CheckpointStorageConfig;
  resources: ResourcesConfig;
  reproducibility: { experiment_seed: number };
  environment: { variables: Record<string, string> };
}
