/** Bad configs, part two: lengths, searcher fields, sections, YAML and whole-document errors. */
import { type Case, cfg, hp } from "./config-builders.js";

export const sectionCases: Case[] = [
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
    errors: [["resources.slots_per_trial", "must be an integer between 1 and 2147483647, got 0"]],
  },
  {
    title: "slots per trial past what PostgreSQL's integer column holds are rejected",
    input: cfg({ resources: { slots_per_trial: 2 ** 31 } }),
    errors: [
      ["resources.slots_per_trial", "must be an integer between 1 and 2147483647, got 2147483648"],
    ],
  },
  {
    title: "a Slurm option the launcher sets itself is refused",
    input: cfg({ resources: { slurm: { sbatch_args: ["--mem=4G", "--export=ALL"] } } }),
    errors: [
      ["resources.slurm.sbatch_args[1]", `--export is reserved by pushtune, got "--export=ALL"`],
    ],
  },
  {
    title:
      "a Slurm option the launcher sets, shortened as sbatch allows, or one that moves the job elsewhere, is refused",
    input: cfg({
      resources: {
        slurm: {
          sbatch_args: ["--outp=x", "-M", "other", "--clusters=other", "--wait", "--mem=4G"],
        },
      },
    }),
    errors: [
      ["resources.slurm.sbatch_args[0]", `--output is reserved by pushtune, got "--outp=x"`],
      ["resources.slurm.sbatch_args[1]", `-M is reserved by pushtune, got "-M"`],
      [
        "resources.slurm.sbatch_args[3]",
        `--clusters is reserved by pushtune, got "--clusters=other"`,
      ],
      ["resources.slurm.sbatch_args[4]", `--wait is reserved by pushtune, got "--wait"`],
    ],
  },
  {
    title:
      "a time limit among the Slurm options is refused for time_limit, where it is checked against the warning",
    input: cfg({ resources: { slurm: { sbatch_args: ["--time=1", "-t", "1", "--tim=5"] } } }),
    errors: [
      [
        "resources.slurm.sbatch_args[0]",
        `--time is set by time_limit; give the limit there, got "--time=1"`,
      ],
      ["resources.slurm.sbatch_args[1]", `-t is set by time_limit; give the limit there, got "-t"`],
      [
        "resources.slurm.sbatch_args[3]",
        `--time is set by time_limit; give the limit there, got "--tim=5"`,
      ],
    ],
  },
  {
    title: "an unknown field of resources.slurm is named",
    input: cfg({ resources: { slurm: { partitions: "gpu" } } }),
    errors: [["resources.slurm.partitions", "unknown field"]],
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

  // NUL characters: no store keeps one, and no process can be started with one.
  {
    title: "a NUL written as a YAML escape in the name is named",
    input: 'name: "a\\0b"\nentrypoint: x\nsearcher: {name: single, metric: m, max_length: 5}\n',
    errors: [["name", "must not contain NUL"]],
  },
  {
    title: "a NUL in the entrypoint is named",
    input: cfg({ entrypoint: "node train.js\u0000" }),
    errors: [["entrypoint", "must not contain NUL"]],
  },
  {
    title: "a NUL in a constant hyperparameter and in a categorical value are both named",
    input: hp({ a: "q\u0000", opt: { type: "categorical", vals: ["adam", "s\u0000gd"] } }),
    errors: [
      ["hyperparameters.a", "must not contain NUL"],
      ["hyperparameters.opt.vals[1]", "must not contain NUL"],
    ],
  },
  {
    title: "a NUL in an environment variable's value is named",
    input: cfg({ environment: { variables: { MODE: "fast\u0000" } } }),
    errors: [["environment.variables.MODE", "must not contain NUL"]],
  },
  {
    title: "a NUL in a key is named at the mapping holding it",
    input: cfg({ environment: { variables: { "MO\u0000DE": "fast" } } }),
    errors: [
      ["environment.variables", "must not have a key containing NUL"],
      ['environment.variables["MO\\u0000DE"]', "must be named with letters, digits and _"],
    ],
  },

  // YAML syntax.
  {
    title: "a YAML syntax error gives the line and column",
    input: "entrypoint: x\nsearcher: {name: single\nmetric: m\n",
    errors: [["", "YAML syntax error at line"]],
  },
  {
    title: "a duplicate YAML key is an error naming the key and its line",
    input: "entrypoint: x\nentrypoint: y\nsearcher: {name: single, metric: m, max_length: 5}\n",
    errors: [["entrypoint", "is written twice in one mapping (line 2, column 1)"]],
  },
  {
    title: "a duplicate key in a nested mapping, quoted or not, is named by its path",
    input:
      "entrypoint: x\nsearcher:\n  name: single\n  metric: m\n  max_length: 5\n  'metric': n\nhyperparameters:\n  lr: {type: log, minval: -3, maxval: 0, minval: -2}\n",
    errors: [
      ["searcher.metric", "is written twice in one mapping (line 6, column 3)"],
      ["hyperparameters.lr.minval", "is written twice in one mapping (line 8, column 42)"],
    ],
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
