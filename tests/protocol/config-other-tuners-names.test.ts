/**
 * A config ported from Optuna or W&B Sweeps uses their names (`low`, `high`,
 * `log: true`, `choices`, `n_trials`, `direction`, `parameters`, …). Each error
 * names the pushtune field, and a hyperparameter written their way is an
 * error rather than a group of constants that every trial shares.
 */
import { describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { experimentConfigToInput } from "../../src/protocol/config/to-input.js";
import { type Case, cfg, expectCaseErrors, hp } from "./support/config-builders.js";

const cases: Case[] = [
  {
    title: "Optuna's low and high in an int spec name minval and maxval",
    input: hp({ depth: { type: "int", low: 1, high: 8 } }),
    errors: [
      ["hyperparameters.depth.low", 'unknown field; did you mean "minval"?'],
      ["hyperparameters.depth.high", 'unknown field; did you mean "maxval"?'],
      ["hyperparameters.depth.minval", "is required"],
      ["hyperparameters.depth.maxval", "is required"],
    ],
  },
  {
    title: "W&B's min and max in a log spec name minval and maxval as exponents",
    input: hp({ lr: { type: "log", min: 0.0001, max: 0.1 } }),
    errors: [
      [
        "hyperparameters.lr.min",
        'did you mean "minval"? (for log, the exponent of base: 0.001 is -3)',
      ],
      ["hyperparameters.lr.max", 'did you mean "maxval"?'],
      ["hyperparameters.lr.minval", "is required"],
      ["hyperparameters.lr.maxval", "is required"],
    ],
  },
  {
    title: "log: true in a double spec says a log scale is type log, with exponents",
    input: hp({ lr: { type: "double", minval: 0.0001, maxval: 0.1, log: true } }),
    errors: [
      [
        "hyperparameters.lr.log",
        "unknown field; a log scale is {type: log, minval, maxval}, minval and maxval the exponents",
      ],
    ],
  },
  {
    title: "choices or values in a categorical spec name vals",
    input: hp({
      a: { type: "categorical", choices: [1, 2] },
      b: { type: "categorical", values: [1] },
    }),
    errors: [
      ["hyperparameters.a.choices", 'unknown field; did you mean "vals"?'],
      ["hyperparameters.a.vals", "is required"],
      ["hyperparameters.b.values", 'unknown field; did you mean "vals"?'],
      ["hyperparameters.b.vals", "is required"],
    ],
  },
  {
    title: "an Optuna range without a type is not a group of constants",
    input: hp({ lr: { low: 0.0001, high: 0.1, log: true }, depth: { low: 1, high: 8 } }),
    errors: [
      [
        "hyperparameters.lr.type",
        "is required: low, high, log are another tuner's names; a log scale is {type: log",
      ],
      [
        "hyperparameters.depth.type",
        "is required: low, high are another tuner's names; a range is {type: double, minval, maxval}",
      ],
    ],
  },
  {
    title: "a W&B parameter without a type is not a group of constants",
    input: hp({
      lr: { distribution: "log_uniform_values", min: 0.0001, max: 0.1 },
      optimizer: { values: ["adam", "sgd"] },
    }),
    errors: [
      ["hyperparameters.lr.type", "distribution, min, max are another tuner's names; a log scale"],
      [
        "hyperparameters.optimizer.type",
        "values is another tuner's name; a choice is {type: categorical, vals: […]}",
      ],
    ],
  },
  {
    title: "Optuna's and W&B's searcher fields name pushtune's",
    input: cfg({}, { n_trials: 30, direction: "minimize", method: "bayes", max_trials: 4 }),
    errors: [
      ["searcher.n_trials", 'unknown field; did you mean "max_trials"?'],
      ["searcher.direction", "the direction is smaller_is_better: true to minimize"],
      ["searcher.method", 'unknown field; did you mean "name"?'],
    ],
  },
  {
    title: "W&B's bayes method names tpe",
    input: cfg({}, { name: "bayes" }),
    errors: [["searcher.name", 'got "bayes"; did you mean "tpe"?']],
  },
  {
    title: "ASHA and Hyperband name pushtune's, whatever their case",
    input: cfg({}, { name: "ASHA" }),
    errors: [["searcher.name", 'got "ASHA"; did you mean "async_halving"?']],
  },
  {
    title: "Optuna's TPESampler as an ASHA sampler names tpe",
    input: cfg({}, { name: "adaptive_asha", sampler: "TPESampler" }),
    errors: [["searcher.sampler", 'got "TPESampler"; did you mean "tpe"?']],
  },
  {
    title: "a W&B sweep's top-level fields name pushtune's",
    input: cfg({ program: "train.py", parameters: {}, run_cap: 20, seed: 1 }),
    errors: [
      ["program", 'did you mean "entrypoint"?'],
      ["parameters", 'did you mean "hyperparameters"?'],
      ["run_cap", 'did you mean "searcher.max_trials"?'],
      ["seed", 'did you mean "reproducibility.experiment_seed"?'],
    ],
  },
];

describe("another tuner's names in a config", () => {
  test.each(cases)("$title", (c) => expectCaseErrors(c));

  test("a group of constants whose names are another tuner's, but no range nor values, is still a group", () => {
    const result = parseExperimentConfig(hp({ model: { value: 3, step: 2 } }));
    expect(result.ok).toBe(true);
  });

  test("a group whose members are specs is a group, whatever their names, and a normalised config reads again", () => {
    const space = {
      thresholds: {
        low: { type: "const", val: 0.2 },
        high: { type: "double", minval: 0.5, maxval: 0.9 },
      },
      choice: { values: { type: "categorical", vals: [1, 2] } },
    };
    const result = parseExperimentConfig(hp(space));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.hyperparameters.thresholds).toMatchObject({ type: "object" });
    const again = parseExperimentConfig(experimentConfigToInput(result.config));
    expect(again.ok && again.config.hyperparameters).toEqual(result.config.hyperparameters);
  });
});
