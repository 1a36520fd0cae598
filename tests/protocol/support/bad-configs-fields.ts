/** Bad configs, part one: required fields, types, hyperparameters and lengths. */
import { type Case, cfg } from "./config-builders.js";

export const fieldCases: Case[] = [
  // Required fields.
  {
    title: "a missing entrypoint is required",
    input: cfg({ entrypoint: undefined }),
    errors: [["entrypoint", "is required (a non-empty string)"]],
  },
  {
    title: "an empty entrypoint is not a command",
    input: cfg({ entrypoint: "  " }),
    errors: [["entrypoint", 'must be a non-empty string, got "  "']],
  },
  {
    title: "a missing searcher section is required",
    input: cfg({ searcher: undefined }),
    errors: [["searcher", "is required"]],
  },
  {
    title: "a missing searcher name is required",
    input: cfg({}, { name: undefined }),
    errors: [
      [
        "searcher.name",
        "is required (one of single, random, grid, async_halving, adaptive_asha, tpe, pbt, custom)",
      ],
    ],
  },
  {
    title: "a missing metric is required",
    input: cfg({}, { metric: undefined }),
    errors: [["searcher.metric", "is required (a non-empty string)"]],
  },
  {
    title: "a missing max_length is required",
    input: cfg({}, { max_length: undefined }),
    errors: [["searcher.max_length", "is required (a length"]],
  },
  {
    title: "random without max_trials names the searcher that needs it",
    input: cfg({}, { max_trials: undefined }),
    errors: [["searcher.max_trials", "is required for the random searcher (an integer >= 1)"]],
  },
  {
    title: "async_halving without num_rungs names the searcher that needs it",
    input: cfg({}, { name: "async_halving" }),
    errors: [["searcher.num_rungs", "is required for the async_halving searcher"]],
  },
  {
    title: "adaptive_asha without max_trials names the searcher that needs it",
    input: cfg({}, { name: "adaptive_asha", max_trials: undefined }),
    errors: [["searcher.max_trials", "is required for the adaptive_asha searcher"]],
  },

  // Searcher values.
  {
    title: "an unknown searcher name lists the valid ones",
    input: cfg({}, { name: "asha" }),
    errors: [
      [
        "searcher.name",
        'must be one of single, random, grid, async_halving, adaptive_asha, tpe, pbt, custom, got "asha"',
      ],
    ],
  },
  {
    title: "a searcher name with a dash suggests the underscore spelling",
    input: cfg({}, { name: "adaptive-asha" }),
    errors: [["searcher.name", 'did you mean "adaptive_asha"?']],
  },
  {
    title: "max_trials given as a word says what it got",
    input: cfg({}, { max_trials: "ten" }),
    errors: [["searcher.max_trials", 'must be an integer >= 1, got "ten"']],
  },
  {
    title: "zero max_trials is below the minimum",
    input: cfg({}, { max_trials: 0 }),
    errors: [["searcher.max_trials", "must be an integer >= 1, got 0"]],
  },
  {
    title: "a fractional max_trials is not an integer",
    input: cfg({}, { max_trials: 2.5 }),
    errors: [["searcher.max_trials", "must be an integer >= 1, got 2.5"]],
  },
  {
    title: "a huge max_trials is not an exact integer",
    input: cfg({}, { max_trials: 1e300 }),
    errors: [["searcher.max_trials", "got 1e+300"]],
  },
  {
    title: "smaller_is_better given as yes is not a boolean",
    input: cfg({}, { smaller_is_better: "yes" }),
    errors: [["searcher.smaller_is_better", 'must be true or false, got "yes"']],
  },
  {
    title: "an empty metric name is rejected",
    input: cfg({}, { metric: "" }),
    errors: [["searcher.metric", 'must be a non-empty string, got ""']],
  },
  {
    title: "a divisor of 1 never halves anything",
    input: cfg({}, { name: "async_halving", num_rungs: 3, divisor: 1 }),
    errors: [["searcher.divisor", "must be a number > 1, got 1"]],
  },
  {
    title: "an unknown mode lists the valid ones",
    input: cfg({}, { name: "adaptive_asha", mode: "fast" }),
    errors: [["searcher.mode", 'must be one of aggressive, standard, conservative, got "fast"']],
  },
  {
    title: "a zero in bracket_rungs is reported at its index",
    input: cfg({}, { name: "adaptive_asha", bracket_rungs: [3, 0] }),
    errors: [["searcher.bracket_rungs[1]", "must be an integer >= 1, got 0"]],
  },
  {
    title: "an empty bracket_rungs is rejected",
    input: cfg({}, { name: "adaptive_asha", bracket_rungs: [] }),
    errors: [
      ["searcher.bracket_rungs", "must be a non-empty list of integers >= 1, got an empty list"],
    ],
  },
  {
    title: "max_initial_failures must be a whole number of trials",
    input: cfg({ max_initial_failures: 1.5 }),
    errors: [["max_initial_failures", "must be an integer >= 0, got 1.5"]],
  },
  {
    title: "a negative max_initial_failures is rejected",
    input: cfg({ max_initial_failures: -1 }),
    errors: [["max_initial_failures", "must be an integer >= 0, got -1"]],
  },
  {
    title: "a negative max_concurrent_trials is rejected",
    input: cfg({}, { max_concurrent_trials: -1 }),
    errors: [["searcher.max_concurrent_trials", "must be an integer >= 0, got -1"]],
  },

  // Fields of another method, unknown fields.
  {
    title: "num_rungs on random belongs to another method",
    input: cfg({}, { num_rungs: 3 }),
    errors: [
      ["searcher.num_rungs", "is not a field of the random searcher (it is used by async_halving)"],
    ],
  },
  {
    title: "mode on async_halving belongs to another method",
    input: cfg({}, { name: "async_halving", num_rungs: 3, mode: "standard" }),
    errors: [
      [
        "searcher.mode",
        "is not a field of the async_halving searcher (it is used by adaptive_asha)",
      ],
    ],
  },
  {
    title: "max_concurrent_trials on single belongs to the other methods",
    input: cfg({}, { name: "single", max_trials: undefined, max_concurrent_trials: 2 }),
    errors: [
      [
        "searcher.max_concurrent_trials",
        "is not a field of the single searcher (it is used by random, grid, async_halving, adaptive_asha, tpe)",
      ],
    ],
  },
  {
    title: "a misspelt searcher field suggests the right one",
    input: cfg({}, { max_trials: undefined, max_trails: 4 }),
    errors: [
      ["searcher.max_trails", 'unknown field; did you mean "max_trials"?'],
      ["searcher.max_trials", "is required for the random searcher"],
    ],
  },
  {
    title: "a misspelt top-level field suggests the right one",
    input: cfg({ max_restart: 3 }),
    errors: [["max_restart", 'unknown field; did you mean "max_restarts"?']],
  },
  {
    title: "a camel-case top-level field suggests the snake-case one",
    input: cfg({ maxRestarts: 3 }),
    errors: [["maxRestarts", 'did you mean "max_restarts"?']],
  },
  {
    title: "an unknown top-level field with nothing close lists the known fields",
    input: cfg({ image: "node:20" }),
    errors: [["image", "unknown field; expected one of: name, description, entrypoint"]],
  },
  {
    title: "a searcher field at the top level points into the searcher",
    input: cfg({ metric: "loss" }),
    errors: [["metric", 'did you mean "searcher.metric"?']],
  },
  {
    title: "a top-level global_batch_size points to the hyperparameter",
    input: cfg({ global_batch_size: 32 }),
    errors: [["global_batch_size", "hyperparameters.global_batch_size"]],
  },
  {
    title: "a misspelt resources field suggests the right one",
    input: cfg({ resources: { wieght: 2 } }),
    errors: [["resources.wieght", 'did you mean "weight"?']],
  },
  {
    title: "a misspelt checkpoint_storage field suggests the right one",
    input: cfg({ checkpoint_storage: { save_trial_bets: 2 } }),
    errors: [["checkpoint_storage.save_trial_bets", 'did you mean "save_trial_best"?']],
  },
  {
    title: "Determined's environment_variables suggests variables",
    input: cfg({ environment: { environment_variables: { A: "1" } } }),
    errors: [["environment.environment_variables", 'did you mean "variables"?']],
  },

  // Lengths.
  {
    title: "a negative length in batches is reported on the unit",
    input: cfg({}, { max_length: { batches: -5 } }),
    errors: [["searcher.max_length.batches", "must be an integer >= 1, got -5"]],
  },
  {
    title: "a negative bare length is reported on the length",
    input: cfg({}, { max_length: -5 }),
    errors: [["searcher.max_length", "got -5"]],
  },
  {
    title: "a zero period is rejected",
    input: cfg({ min_validation_period: { batches: 0 } }),
    errors: [["min_validation_period.batches", "must be an integer >= 1, got 0"]],
  },
  {
    title: "a length with two units is ambiguous",
    input: cfg({}, { max_length: { batches: 10, epochs: 1 } }),
    errors: [
      [
        "searcher.max_length",
        "must have exactly one of batches, records, epochs, got batches and epochs",
      ],
    ],
  },
  {
    title: "a misspelt length unit suggests the right one",
    input: cfg({}, { max_length: { batch: 10 } }),
    errors: [["searcher.max_length.batch", 'did you mean "batches"?']],
  },
  {
    title: "an empty length mapping names the units",
    input: cfg({}, { max_length: {} }),
    errors: [
      ["searcher.max_length", "must have one of batches, records, epochs, got an empty mapping"],
    ],
  },
  {
    title: "a length given as a string is not a length",
    input: cfg({}, { max_length: "1000" }),
    errors: [["searcher.max_length", 'got "1000"']],
  },
  {
    title: "max_length in epochs without records_per_epoch cannot be converted",
    input: cfg({}, { max_length: { epochs: 3 } }),
    errors: [["searcher.max_length", "records_per_epoch"]],
  },
  {
    title: "a period in epochs without records_per_epoch cannot be converted",
    input: cfg({ min_validation_period: { epochs: 1 } }),
    errors: [["min_validation_period", "is in epochs, which needs records_per_epoch"]],
  },
];
