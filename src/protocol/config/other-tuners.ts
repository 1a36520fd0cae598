/**
 * Field names of other tuners (Optuna, W&B Sweeps, Ray Tune, hyperopt) that
 * pushtune has under names of its own. A config ported from one is told the
 * pushtune name, where a spelling suggestion finds nothing near (`low` is
 * far from `minval`), and a hyperparameter written their way is not taken
 * for a group of constants.
 */
import { childPath, type ErrorList, isMapping } from "./errors.js";
import type { Mapping } from "./fields.js";

/** A hyperparameter spec's field under another tuner's name → ours. */
const SPEC_FIELD_NAMES: Readonly<Record<string, string>> = {
  low: "minval",
  min: "minval",
  lower: "minval",
  high: "maxval",
  max: "maxval",
  upper: "maxval",
  choices: "vals",
  values: "vals",
  categories: "vals",
  value: "val",
};

/** Another tuner's spec fields that say how to sample, which pushtune says by `type`. */
const SAMPLING_FIELDS = ["log", "distribution", "step", "q"];

const LOG_SCALE =
  "a log scale is {type: log, minval, maxval}, minval and maxval the exponents of base " +
  "(10 unless base says otherwise): 0.00001 to 0.1 is minval: -5, maxval: -1";

const own = (table: Readonly<Record<string, string>>, key: string) =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** Why `key` is not a field of a `type` spec whose fields are `known`, if another tuner's name explains it. */
export function specFieldHint(
  key: string,
  type: string,
  known: readonly string[],
): string | undefined {
  if (key === "log" || key === "distribution") return `unknown field; ${LOG_SCALE}`;
  const ours = own(SPEC_FIELD_NAMES, key);
  if (ours === undefined || !known.includes(ours)) return undefined;
  const exponent = type === "log" ? " (for log, the exponent of base: 0.001 is -3)" : "";
  return `unknown field; did you mean "${ours}"?${exponent}`;
}

/**
 * `{low: 0.0001, high: 0.1, log: true}` or `{distribution: log_uniform_values,
 * min: …, max: …}` or `{values: [adam, sgd]}`, with no type, would otherwise
 * silently be a group of constants, and every trial the same. A mapping of
 * nothing but spec fields, at least one of them another tuner's, none of them
 * a mapping, that holds a range, a list of values or a log scale is reported
 * instead. Returns false when it reported.
 */
export function reportOtherTunersSpec(
  mapping: Mapping,
  path: string,
  ownSpecFields: readonly string[],
  errors: ErrorList,
): boolean {
  const keys = Object.keys(mapping);
  const theirs = keys.filter(
    (k) => own(SPEC_FIELD_NAMES, k) !== undefined || SAMPLING_FIELDS.includes(k),
  );
  if (theirs.length === 0) return true;
  if (!keys.every((k) => k === "type" || ownSpecFields.includes(k) || theirs.includes(k)))
    return true;
  // A member that is itself a mapping (a spec, a group) makes this a group: the normalised
  // form of every group of constants, {low: {type: const, val: 0.2}, …}, is one.
  if (Object.values(mapping).some(isMapping)) return true;
  const ours = new Set(keys.map((k) => own(SPEC_FIELD_NAMES, k) ?? k));
  const range = ours.has("minval") && ours.has("maxval");
  if (!range && !ours.has("vals") && !ours.has("distribution")) return true;
  const { log, distribution } = mapping;
  const logScale =
    log === true || (typeof distribution === "string" && distribution.includes("log"));
  const names = `${theirs.join(", ")} ${theirs.length === 1 ? "is another tuner's name" : "are another tuner's names"}`;
  const written = ours.has("vals")
    ? "a choice is {type: categorical, vals: […]}"
    : logScale
      ? LOG_SCALE
      : "a range is {type: double, minval, maxval} (int for integers, log for a log scale)";
  errors.add(
    childPath(path, "type"),
    `is required: ${names}; ${written}; a constant mapping is written {type: const, val: {…}}`,
  );
  return false;
}

/** A searcher field under another tuner's name → why it is unknown here. */
const SEARCHER_FIELDS: Readonly<Record<string, string>> = {
  n_trials: `unknown field; did you mean "max_trials"?`,
  num_samples: `unknown field; did you mean "max_trials"?`,
  run_cap: `unknown field; did you mean "max_trials"?`,
  max_evals: `unknown field; did you mean "max_trials"?`,
  n_jobs: `unknown field; did you mean "max_concurrent_trials"?`,
  method: `unknown field; did you mean "name"?`,
  direction: `unknown field; the direction is smaller_is_better: true to minimize (the default), false to maximize`,
  goal: `unknown field; the direction is smaller_is_better: true to minimize (the default), false to maximize`,
  seed: `unknown field; did you mean "reproducibility.experiment_seed"?`,
};

/** Why `key` is not a searcher field, if another tuner's name explains it. */
export function searcherFieldHint(key: string): string | undefined {
  return own(SEARCHER_FIELDS, key);
}

/** A search method under another tuner's name (lower case) → ours. */
export const SEARCHER_NAME_ALIASES = {
  bayes: "tpe",
  tpesampler: "tpe",
  randomsampler: "random",
  random_search: "random",
  gridsampler: "grid",
  grid_search: "grid",
  asha: "async_halving",
  successive_halving: "async_halving",
  hyperband: "adaptive_asha",
  population_based_training: "pbt",
} as const;

/** A sampler under another tuner's name (lower case) → ours. */
export const SAMPLER_NAME_ALIASES = {
  bayes: "tpe",
  tpesampler: "tpe",
  randomsampler: "random",
} as const;

/** A top-level field under another tuner's name (W&B Sweeps' mostly) → why it is unknown here. */
const TOP_LEVEL_FIELDS: Readonly<Record<string, string>> = {
  parameters: `unknown field; did you mean "hyperparameters"?`,
  program: `unknown field; did you mean "entrypoint"? (a shell command, e.g. python3 train.py)`,
  command: `unknown field; did you mean "entrypoint"? (a shell command, e.g. python3 train.py)`,
  method: `unknown field; did you mean "searcher.name"?`,
  n_trials: `unknown field; did you mean "searcher.max_trials"?`,
  run_cap: `unknown field; did you mean "searcher.max_trials"?`,
  direction: `unknown field; the direction is searcher.smaller_is_better: true to minimize (the default), false to maximize`,
  seed: `unknown field; did you mean "reproducibility.experiment_seed"?`,
};

/** Why `key` is not a top-level field, if another tuner's name explains it. */
export function topLevelFieldHint(key: string): string | undefined {
  return own(TOP_LEVEL_FIELDS, key);
}
