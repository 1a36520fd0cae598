import { describe, expect, test } from "vitest";
import {
  type ExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";
import { minimal, parsed } from "./support/parsed.js";

/** The example of DESIGN §2, verbatim. */
const DESIGN_EXAMPLE = `
name: mnist-asha
entrypoint: node train.js          # run in the experiment's workdir
hyperparameters:
  global_batch_size: 64            # bare value = const
  lr: {type: log, minval: -4, maxval: -1, base: 10}
  hidden: {type: int, minval: 32, maxval: 256, count: 4}   # count: grid only
  dropout: {type: double, minval: 0.0, maxval: 0.5}
  optimizer: {type: categorical, vals: [adam, sgd]}
  model: {depth: {type: int, minval: 1, maxval: 3}}        # nested
searcher:
  name: adaptive_asha              # single | random | grid | adaptive_asha | async_halving
  metric: validation_loss
  smaller_is_better: true
  max_length: {batches: 1000}      # or {epochs: N} / {records: N}; a bare int is unitless
  max_trials: 16
  max_concurrent_trials: 4         # default 16; 0 = unlimited
  mode: standard                   # aggressive | standard | conservative
  divisor: 4
  max_rungs: 5
  stop_once: false                 # true = ASHA by stopping, never promotes a stopped trial
records_per_epoch: 60000           # needed when lengths are in epochs and the trainer can't tell
min_validation_period: {batches: 100}
min_checkpoint_period: {batches: 200}
scheduling_unit: 100               # batches between progress reports / preemption checks
max_restarts: 5
checkpoint_storage: {type: shared_fs, host_path: /data/ckpt,
                     save_experiment_best: 0, save_trial_best: 1, save_trial_latest: 1}
resources: {slots_per_trial: 1, priority: 50, weight: 1}
reproducibility: {experiment_seed: 42}
`;

describe("the DESIGN §2 example", () => {
  test("parses into the fully normalised config", () => {
    const result = parseExperimentConfigYaml(DESIGN_EXAMPLE);
    expect(result).toEqual({
      ok: true,
      config: {
        name: "mnist-asha",
        description: "",
        entrypoint: "node train.js",
        hyperparameters: {
          global_batch_size: { type: "const", val: 64 },
          lr: { type: "log", minval: -4, maxval: -1, base: 10 },
          hidden: { type: "int", minval: 32, maxval: 256, count: 4 },
          dropout: { type: "double", minval: 0, maxval: 0.5 },
          optimizer: { type: "categorical", vals: ["adam", "sgd"] },
          model: {
            type: "object",
            fields: { depth: { type: "int", minval: 1, maxval: 3 } },
          },
        },
        searcher: {
          name: "adaptive_asha",
          metric: "validation_loss",
          smaller_is_better: true,
          max_length: { unit: "batches", value: 1000 },
          max_trials: 16,
          max_concurrent_trials: 4,
          mode: "standard",
          divisor: 4,
          max_rungs: 5,
          bracket_rungs: null,
          stop_once: false,
        },
        records_per_epoch: 60000,
        global_batch_size: 64,
        min_validation_period: { unit: "batches", value: 100 },
        min_checkpoint_period: { unit: "batches", value: 200 },
        scheduling_unit: 100,
        max_restarts: 5,
        max_initial_failures: 3,
        preemption_timeout: 300,
        checkpoint_policy: "best",
        checkpoint_storage: {
          type: "shared_fs",
          host_path: "/data/ckpt",
          save_experiment_best: 0,
          save_trial_best: 1,
          save_trial_latest: 1,
        },
        resources: { slots_per_trial: 1, priority: 50, weight: 1 },
        reproducibility: { experiment_seed: 42 },
        environment: { variables: {} },
      } satisfies ExperimentConfig,
    });
  });
});

describe("defaults", () => {
  test("a minimal config gets every top-level default", () => {
    expect(parsed(minimal())).toEqual({
      name: "unnamed",
      description: "",
      entrypoint: "node train.js",
      hyperparameters: {},
      searcher: {
        name: "single",
        metric: "loss",
        smaller_is_better: true,
        max_length: { unit: "batches", value: 10 },
      },
      records_per_epoch: null,
      global_batch_size: null,
      min_validation_period: null,
      min_checkpoint_period: null,
      scheduling_unit: 100,
      max_restarts: 5,
      max_initial_failures: 3,
      preemption_timeout: 300,
      checkpoint_policy: "best",
      checkpoint_storage: {
        type: "shared_fs",
        host_path: null,
        save_experiment_best: 0,
        save_trial_best: 1,
        save_trial_latest: 1,
      },
      resources: { slots_per_trial: 1, priority: 50, weight: 1 },
      reproducibility: { experiment_seed: 0 },
      environment: { variables: {} },
    } satisfies ExperimentConfig);
  });

  test("the experiment seed defaults to the caller's default seed", () => {
    expect(parsed(minimal(), { defaultSeed: 1234 }).reproducibility.experiment_seed).toBe(1234);
  });

  test("an explicit experiment seed wins over the default seed", () => {
    const input = { ...minimal(), reproducibility: { experiment_seed: 9 } };
    expect(parsed(input, { defaultSeed: 1234 }).reproducibility.experiment_seed).toBe(9);
  });

  test("an empty name becomes the default name", () => {
    expect(parsed({ ...minimal(), name: "" }).name).toBe("unnamed");
  });

  test("random gets smaller_is_better and max_concurrent_trials defaults", () => {
    expect(parsed(minimal({ name: "random", max_trials: 3 })).searcher).toEqual({
      name: "random",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 10 },
      max_trials: 3,
      max_concurrent_trials: 16,
    });
  });

  test("grid gets the max_concurrent_trials default", () => {
    expect(parsed(minimal({ name: "grid" })).searcher).toEqual({
      name: "grid",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 10 },
      max_concurrent_trials: 16,
    });
  });

  test("async_halving gets divisor 4 and stop_once false", () => {
    expect(
      parsed(minimal({ name: "async_halving", max_trials: 3, num_rungs: 2 })).searcher,
    ).toEqual({
      name: "async_halving",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 10 },
      num_rungs: 2,
      divisor: 4,
      max_trials: 3,
      max_concurrent_trials: 16,
      stop_once: false,
    });
  });

  test("adaptive_asha gets mode standard, divisor 4, max_rungs 5 and no bracket_rungs", () => {
    expect(parsed(minimal({ name: "adaptive_asha", max_trials: 3 })).searcher).toEqual({
      name: "adaptive_asha",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 10 },
      mode: "standard",
      divisor: 4,
      max_rungs: 5,
      bracket_rungs: null,
      max_trials: 3,
      max_concurrent_trials: 16,
      stop_once: false,
    });
  });

  test("explicit searcher values are kept, including a float divisor and bracket_rungs", () => {
    const searcher = parsed(
      minimal({
        name: "adaptive_asha",
        max_trials: 3,
        divisor: 2.5,
        mode: "aggressive",
        bracket_rungs: [3, 2],
        smaller_is_better: false,
        max_concurrent_trials: 0,
        stop_once: true,
      }),
    ).searcher;
    expect(searcher).toMatchObject({
      divisor: 2.5,
      mode: "aggressive",
      bracket_rungs: [3, 2],
      smaller_is_better: false,
      max_concurrent_trials: 0,
      stop_once: true,
    });
  });

  test("a partial section keeps the defaults of the fields it leaves out", () => {
    const config = parsed({
      ...minimal(),
      checkpoint_storage: { save_trial_best: 3 },
      resources: { priority: 80 },
    });
    expect(config.checkpoint_storage).toEqual({
      type: "shared_fs",
      host_path: null,
      save_experiment_best: 0,
      save_trial_best: 3,
      save_trial_latest: 1,
    });
    expect(config.resources).toEqual({ slots_per_trial: 1, priority: 80, weight: 1 });
  });

  test("null fields and sections read as not set", () => {
    const config = parsed({
      ...minimal(),
      description: null,
      hyperparameters: null,
      records_per_epoch: null,
      resources: null,
      environment: { variables: null },
    });
    expect(config.description).toBe("");
    expect(config.hyperparameters).toEqual({});
    expect(config.resources).toEqual({ slots_per_trial: 1, priority: 50, weight: 1 });
  });

  test("environment variables keep strings and stringify numbers and booleans", () => {
    const config = parsed({
      ...minimal(),
      environment: { variables: { MODE: "fast", PORT: 8080, DEBUG: true } },
    });
    expect(config.environment.variables).toEqual({ MODE: "fast", PORT: "8080", DEBUG: "true" });
  });
});
