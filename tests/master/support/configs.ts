/** Small experiment configs for master tests, as plain objects (the API accepts YAML too). */
export function ashaConfig(
  overrides: Record<string, unknown> = {},
  searcher: Record<string, unknown> = {},
) {
  return {
    name: "asha-test",
    entrypoint: "node train.js",
    hyperparameters: {
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      hidden: { type: "int", minval: 8, maxval: 64 },
    },
    searcher: {
      name: "async_halving",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { batches: 900 },
      num_rungs: 3,
      divisor: 3,
      max_trials: 9,
      max_concurrent_trials: 3,
      ...searcher,
    },
    reproducibility: { experiment_seed: 7 },
    ...overrides,
  };
}

/** A random search of `concurrent` trials at a time, each trained to `length` in one operation. */
export function randomConfig(length: number, concurrent: number) {
  return {
    name: "random-test",
    entrypoint: "node train.js",
    hyperparameters: { lr: { type: "log", minval: -4, maxval: -1, base: 10 } },
    searcher: {
      name: "random",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { batches: length },
      max_trials: 1000,
      max_concurrent_trials: concurrent,
    },
  };
}

/** A custom searcher's experiment: a search process posts its operations. */
export function customConfig() {
  return {
    name: "custom-test",
    entrypoint: "node train.js",
    hyperparameters: {
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      layers: { type: "int", minval: 1, maxval: 4 },
      opt: { type: "categorical", vals: ["adam", "sgd"] },
    },
    searcher: { name: "custom", metric: "validation_loss", max_length: { batches: 1000 } },
  };
}

export function adaptiveConfig(maxTrials: number) {
  return {
    name: "adaptive-test",
    entrypoint: "node train.js",
    hyperparameters: {
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      dropout: { type: "double", minval: 0, maxval: 0.5 },
      optimizer: { type: "categorical", vals: ["adam", "sgd"] },
    },
    searcher: {
      name: "adaptive_asha",
      metric: "validation_loss",
      max_length: { batches: 1600 },
      max_trials: maxTrials,
      max_concurrent_trials: 6,
      mode: "standard",
      divisor: 4,
      max_rungs: 3,
    },
    reproducibility: { experiment_seed: 11 },
  };
}

/** A deterministic metric: better for lr near 1e-2 and for longer training. */
export function syntheticLoss({
  hparams,
  length,
}: {
  hparams: Record<string, unknown>;
  length: number;
}): number {
  const lr = Number(hparams.lr ?? 0.01);
  const d = Math.log10(lr) + 2;
  return Math.round((d * d + 1000 / (length + 100)) * 1e6) / 1e6;
}

/** `ashaConfig`'s experiment with a pbt search instead: `population_size` trials, 3 rounds of 300 batches. */
export function pbtConfig(searcher: Record<string, unknown> = {}) {
  const { searcher: asha, ...rest } = ashaConfig();
  return {
    ...rest,
    name: "pbt-test",
    searcher: {
      name: "pbt",
      metric: asha.metric,
      smaller_is_better: asha.smaller_is_better,
      population_size: 4,
      num_rounds: 3,
      length_per_round: { batches: 300 },
      replace_function: { truncate_fraction: 0.25 },
      explore_function: { resample_probability: 0.3, perturb_factor: 0.2 },
      ...searcher,
    },
  };
}

/** `ashaConfig`'s experiment with a tpe search instead: 8 trials, each trained to max_length. */
export function tpeConfig(searcher: Record<string, unknown> = {}) {
  const { searcher: asha, ...rest } = ashaConfig();
  const { metric, smaller_is_better, max_length, max_concurrent_trials } = asha;
  return {
    ...rest,
    name: "tpe-test",
    searcher: {
      name: "tpe",
      ...{ metric, smaller_is_better, max_length, max_concurrent_trials },
      max_trials: 8,
      ...searcher,
    },
  };
}

/** One trial of 10 batches, no hyperparameters: an experiment that only needs to exist and run. */
export function singleConfig(name: string) {
  return {
    name,
    entrypoint: "node train.js",
    hyperparameters: {},
    searcher: { name: "single", metric: "validation_loss", max_length: { batches: 10 } },
  };
}
