import { describe, expect, test } from "vitest";
import {
  type ConfigError,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";

/** A valid config; each case below breaks it in one way (or several, on purpose). */
function base() {
  return {
    entrypoint: "node train.js",
    hyperparameters: { global_batch_size: 32 } as Record<string, unknown>,
    searcher: {
      name: "random",
      metric: "validation_loss",
      max_length: { batches: 1000 },
      max_trials: 4,
    } as Record<string, unknown>,
  };
}

/**
 * The base config with top-level fields and searcher fields replaced; a value
 * of `undefined` removes the field. A `searcher` in `top` replaces the section.
 */
function cfg(top: Record<string, unknown> = {}, searcher: Record<string, unknown> = {}) {
  const b = base();
  const out: Record<string, unknown> = { ...b, searcher: { ...b.searcher, ...searcher }, ...top };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  const s = out.searcher;
  if (typeof s === "object" && s !== null && !Array.isArray(s)) {
    for (const [k, v] of Object.entries(s))
      if (v === undefined) delete (s as Record<string, unknown>)[k];
  }
  return out;
}

function hp(hyperparameters: Record<string, unknown>) {
  return cfg({ hyperparameters: { global_batch_size: 32, ...hyperparameters } });
}

interface Case {
  title: string;
  /** A config as data, or YAML text. */
  input: unknown;
  /** Every error expected: its exact path and a fragment of its message. */
  errors: [path: string, fragment: string][];
}

const cases: Case[] = [
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
      ["searcher.name", "is required (one of single, random, grid, async_halving, adaptive_asha)"],
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
        'must be one of single, random, grid, async_halving, adaptive_asha, got "asha"',
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
        "is not a field of the single searcher (it is used by random, grid, async_halving, adaptive_asha)",
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
  {
    title: "a period in records next to batches needs global_batch_size",
    input: cfg({ hyperparameters: {}, min_checkpoint_period: { records: 640 } }),
    errors: [["min_checkpoint_period", "is in records but searcher.max_length is in batches"]],
  },
  {
    title: "a unitless period next to batches cannot be converted",
    input: cfg({ min_validation_period: 10 }),
    errors: [["min_validation_period", "a unitless length can only be used with unitless lengths"]],
  },

  // Hyperparameters.
  {
    title: "minval above maxval is reported on minval",
    input: hp({ h: { type: "int", minval: 5, maxval: 1 } }),
    errors: [["hyperparameters.h.minval", "must be <= maxval (1), got 5"]],
  },
  {
    title: "minval above maxval in a nested hyperparameter has the nested path",
    input: hp({ model: { depth: { type: "double", minval: 0.9, maxval: 0.1 } } }),
    errors: [["hyperparameters.model.depth.minval", "must be <= maxval (0.1), got 0.9"]],
  },
  {
    title: "a grid axis without count is required by the grid searcher",
    input: cfg({
      hyperparameters: {
        lr: { type: "log", minval: -4, maxval: -1 },
        model: { depth: { type: "int", minval: 1, maxval: 3 } },
        opt: { type: "categorical", vals: ["a", "b"] },
      },
      searcher: { name: "grid", metric: "loss", max_length: { batches: 10 } },
    }),
    errors: [
      ["hyperparameters.lr.count", "is required by the grid searcher"],
      ["hyperparameters.model.depth.count", "is required by the grid searcher"],
    ],
  },
  {
    title: "an unknown hyperparameter type lists the valid ones",
    input: hp({ lr: { type: "float", minval: 0, maxval: 1 } }),
    errors: [
      [
        "hyperparameters.lr.type",
        'must be one of const, int, double, log, categorical, got "float"',
      ],
    ],
  },
  {
    title: "another tuner's type name suggests ours",
    input: hp({ lr: { type: "loguniform", minval: -4, maxval: -1 } }),
    errors: [["hyperparameters.lr.type", 'did you mean "log"?']],
  },
  {
    title: "a group with a constant called type explains how to write it",
    input: hp({ model: { type: "resnet", depth: 3 } }),
    errors: [["hyperparameters.model.type", "written type: {type: const, val: …}"]],
  },
  {
    title: "a capitalised hyperparameter type suggests the lower-case one",
    input: hp({ h: { type: "Int", minval: 0, maxval: 1 } }),
    errors: [["hyperparameters.h.type", 'did you mean "int"?']],
  },
  {
    title: "a fractional int bound is not an integer",
    input: hp({ h: { type: "int", minval: 1.5, maxval: 4 } }),
    errors: [["hyperparameters.h.minval", "must be an integer, got 1.5"]],
  },
  {
    title: "an int without maxval is incomplete",
    input: hp({ h: { type: "int", minval: 1 } }),
    errors: [["hyperparameters.h.maxval", "is required for an int hyperparameter"]],
  },
  {
    title: "a zero count is rejected",
    input: hp({ h: { type: "int", minval: 1, maxval: 4, count: 0 } }),
    errors: [["hyperparameters.h.count", "must be an integer >= 1, got 0"]],
  },
  {
    title: "an unknown field in a spec lists the spec's fields",
    input: hp({ h: { type: "int", minval: 1, maxval: 4, step: 1 } }),
    errors: [
      ["hyperparameters.h.step", "unknown field; expected one of: type, minval, maxval, count"],
    ],
  },
  {
    title: "a log base of 1 is rejected",
    input: hp({ lr: { type: "log", minval: -3, maxval: -1, base: 1 } }),
    errors: [["hyperparameters.lr.base", "must be a number > 0 other than 1, got 1"]],
  },
  {
    title: "a negative log base is rejected",
    input: hp({ lr: { type: "log", minval: -3, maxval: -1, base: -2 } }),
    errors: [["hyperparameters.lr.base", "got -2"]],
  },
  {
    title: "a log exponent that overflows is rejected",
    input: hp({ lr: { type: "log", minval: 1, maxval: 400 } }),
    errors: [["hyperparameters.lr.maxval", "is finite and non-zero, got 400"]],
  },
  {
    title: "an empty categorical has nothing to choose from",
    input: hp({ opt: { type: "categorical", vals: [] } }),
    errors: [["hyperparameters.opt.vals", "must be a non-empty list of values, got an empty list"]],
  },
  {
    title: "categorical vals given as a string are not a list",
    input: hp({ opt: { type: "categorical", vals: "adam" } }),
    errors: [["hyperparameters.opt.vals", 'got "adam"']],
  },
  {
    title: "a const without val is incomplete",
    input: hp({ c: { type: "const" } }),
    errors: [["hyperparameters.c.val", "is required for a const hyperparameter"]],
  },
  {
    title: "a misspelt type next to spec fields is not silently a nested group",
    input: hp({ h: { typ: "int", minval: 1, maxval: 4 } }),
    errors: [["hyperparameters.h.typ", 'did you mean "type"?']],
  },
  {
    title: "a non-positive global_batch_size constant is rejected",
    input: cfg({ hyperparameters: { global_batch_size: 0 } }),
    errors: [
      [
        "hyperparameters.global_batch_size",
        "must be an integer >= 1 (it is the global batch size), got 0",
      ],
    ],
  },

  // Other sections.
  {
    title: "a priority above 99 is out of range",
    input: cfg({ resources: { priority: 100 } }),
    errors: [["resources.priority", "must be an integer between 1 and 99, got 100"]],
  },
  {
    title: "a priority of 0 is out of range",
    input: cfg({ resources: { priority: 0 } }),
    errors: [["resources.priority", "must be an integer between 1 and 99, got 0"]],
  },
  {
    title: "a zero weight is rejected",
    input: cfg({ resources: { weight: 0 } }),
    errors: [["resources.weight", "must be a number > 0, got 0"]],
  },
  {
    title: "zero slots per trial is rejected",
    input: cfg({ resources: { slots_per_trial: 0 } }),
    errors: [["resources.slots_per_trial", "must be an integer >= 1, got 0"]],
  },
  {
    title: "a negative save_trial_best is rejected",
    input: cfg({ checkpoint_storage: { save_trial_best: -1 } }),
    errors: [["checkpoint_storage.save_trial_best", "must be an integer >= 0, got -1"]],
  },
  {
    title: "a checkpoint storage other than shared_fs is not supported",
    input: cfg({ checkpoint_storage: { type: "s3" } }),
    errors: [["checkpoint_storage.type", 'must be shared_fs, got "s3"']],
  },
  {
    title: "a negative max_restarts is rejected",
    input: cfg({ max_restarts: -1 }),
    errors: [["max_restarts", "must be an integer >= 0, got -1"]],
  },
  {
    title: "a zero scheduling_unit is rejected",
    input: cfg({ scheduling_unit: 0 }),
    errors: [["scheduling_unit", "must be an integer >= 1, got 0"]],
  },
  {
    title: "an unknown checkpoint_policy lists the valid ones",
    input: cfg({ checkpoint_policy: "latest" }),
    errors: [["checkpoint_policy", 'must be one of best, all, none, got "latest"']],
  },
  {
    title: "a negative experiment seed is rejected",
    input: cfg({ reproducibility: { experiment_seed: -1 } }),
    errors: [
      ["reproducibility.experiment_seed", "must be an integer between 0 and 4294967295, got -1"],
    ],
  },
  {
    title: "a numeric name is not a string",
    input: cfg({ name: 5 }),
    errors: [["name", "must be a string, got 5"]],
  },
  {
    title: "an environment variable name must be a shell name",
    input: cfg({ environment: { variables: { "1X": "a" } } }),
    errors: [['environment.variables["1X"]', "must be named with letters, digits and _"]],
  },

  // Wrong shapes.
  {
    title: "a searcher given as a list is not a mapping",
    input: cfg({ searcher: ["random"] }),
    errors: [["searcher", "must be a mapping, got a list"]],
  },
  {
    title: "resources given as a string are not a mapping",
    input: cfg({ resources: "big" }),
    errors: [["resources", 'must be a mapping, got "big"']],
  },
  {
    title: "hyperparameters given as a list are not a mapping",
    input: cfg({ hyperparameters: ["lr"] }),
    errors: [["hyperparameters", "must be a mapping, got a list"]],
  },
  {
    title: "a top-level list is not a config",
    input: [cfg()],
    errors: [["", "the config must be a mapping, got a list"]],
  },
  {
    title: "a top-level null is not a config",
    input: null,
    errors: [["", "the config must be a mapping, got null"]],
  },
  {
    title: "a top-level number is not a config",
    input: 42,
    errors: [["", "the config must be a mapping, got 42"]],
  },
  {
    title: "an empty YAML document is not a config",
    input: "# nothing here\n",
    errors: [["", "the config must be a mapping, got null"]],
  },

  // Non-finite numbers and prototype keys.
  {
    title: "NaN max_trials is not an integer",
    input: cfg({}, { max_trials: Number.NaN }),
    errors: [["searcher.max_trials", "must be an integer >= 1, got NaN"]],
  },
  {
    title: "an infinite weight is not a finite number",
    input: cfg({ resources: { weight: Number.POSITIVE_INFINITY } }),
    errors: [["resources.weight", "must be a number > 0, got Infinity"]],
  },
  {
    title: "a NaN constant cannot travel as JSON",
    input: hp({ x: Number.NaN }),
    errors: [["hyperparameters.x", "must be a finite number, got NaN"]],
  },
  {
    title: "YAML .inf in a length is not an integer",
    input: "entrypoint: x\nsearcher: {name: single, metric: m, max_length: {batches: .inf}}\n",
    errors: [["searcher.max_length.batches", "got Infinity"]],
  },
  {
    title: "a __proto__ key at the top level is an unknown field",
    input: JSON.parse(`{"entrypoint": "x", "__proto__": {"polluted": true},
      "searcher": {"name": "single", "metric": "m", "max_length": 5}}`),
    errors: [["__proto__", "unknown field"]],
  },
  {
    title: "a constructor key in the searcher is an unknown field",
    input: cfg({}, { constructor: 1 }),
    errors: [["searcher.constructor", "unknown field"]],
  },
  {
    title: "a hyperparameter called __proto__ is rejected",
    input: cfg({ hyperparameters: JSON.parse(`{"__proto__": 1}`) }),
    errors: [["hyperparameters.__proto__", 'must not be "__proto__"']],
  },

  // YAML syntax.
  {
    title: "a YAML syntax error gives the line and column",
    input: "entrypoint: x\nsearcher: {name: single\nmetric: m\n",
    errors: [["", "YAML syntax error at line"]],
  },
  {
    title: "a duplicate YAML key is an error",
    input: "entrypoint: x\nentrypoint: y\nsearcher: {name: single, metric: m, max_length: 5}\n",
    errors: [["", "YAML syntax error at line 2, column 1"]],
  },

  // All at once.
  {
    title: "several errors in different sections are reported together",
    input: cfg(
      {
        entrypoint: undefined,
        max_restart: 1,
        hyperparameters: { h: { type: "int", minval: 3, maxval: 1 } },
        resources: { priority: 150 },
      },
      { max_trials: "ten", num_rungs: 2, max_length: { batches: 1, records: 1 } },
    ),
    errors: [
      ["entrypoint", "is required"],
      ["max_restart", 'did you mean "max_restarts"?'],
      ["hyperparameters.h.minval", "must be <= maxval (1), got 3"],
      ["searcher.max_trials", 'got "ten"'],
      ["searcher.num_rungs", "is not a field of the random searcher"],
      ["searcher.max_length", "exactly one of batches, records, epochs"],
      ["resources.priority", "got 150"],
    ],
  },
  {
    title: "fields are checked even when the searcher name is wrong",
    input: cfg({}, { name: "bayes", max_trials: 0, metric: undefined }),
    errors: [
      ["searcher.name", 'got "bayes"'],
      ["searcher.max_trials", "got 0"],
      ["searcher.metric", "is required"],
    ],
  },
];

function parse(input: unknown) {
  return typeof input === "string"
    ? parseExperimentConfigYaml(input)
    : parseExperimentConfig(input);
}

describe("invalid configs", () => {
  test("the table has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)("$title", ({ input, errors }) => {
    const result = parse(input);
    const got: ConfigError[] = result.ok ? [] : result.errors;
    expect(got.map((e) => e.path).sort()).toEqual(errors.map(([path]) => path).sort());
    for (const [path, fragment] of errors) {
      const messages = got.filter((e) => e.path === path).map((e) => e.message);
      expect(messages, `messages at ${JSON.stringify(path)}`).toContainEqual(
        expect.stringContaining(fragment),
      );
    }
  });

  test("the base config of the table is itself valid", () => {
    expect(parse(cfg()).ok).toBe(true);
  });

  test("a __proto__ key does not pollute any prototype", () => {
    parse(
      JSON.parse(
        `{"__proto__": {"polluted": true}, "hyperparameters": {"a": {"__proto__": {"polluted": true}}}}`,
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
