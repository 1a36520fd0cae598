/**
 * The `searcher` section (DESIGN §2/§3). Each method accepts the common fields
 * plus its own; a field that belongs to another method is an error naming the
 * method it belongs to, as in Determined, so a half-edited config (switching
 * `async_halving` to `random` but keeping `num_rungs`) never silently ignores input.
 */
import { childPath, describeValue, type ErrorList } from "./errors.js";
import {
  atMost,
  boolean,
  finiteNumber,
  getField,
  integer,
  listOf,
  nonEmptyString,
  oneOf,
  optional,
  type Rule,
  readMapping,
  rejectUnknownFields,
  required,
} from "./fields.js";
import { lengthRule } from "./lengths.js";
import { MAX_EI_CANDIDATES, MAX_RUNGS, MAX_TRIALS } from "./limits.js";
import { SAMPLER_NAME_ALIASES, SEARCHER_NAME_ALIASES, searcherFieldHint } from "./other-tuners.js";
import { PBT_FIELDS, readPbtFields } from "./pbt-config.js";
import type {
  AshaMode,
  AshaSampling,
  SamplerName,
  SearcherConfig,
  SearcherName,
  TpeSettings,
} from "./types.js";

export const SEARCHER_NAMES = [
  "single",
  "random",
  "grid",
  "async_halving",
  "adaptive_asha",
  "tpe",
  "pbt",
  "custom",
] as const satisfies readonly SearcherName[];

export const SAMPLER_NAMES = ["random", "tpe"] as const satisfies readonly SamplerName[];

export const ASHA_MODES = [
  "aggressive",
  "standard",
  "conservative",
] as const satisfies readonly AshaMode[];

export const SEARCHER_DEFAULTS = {
  smaller_is_better: true,
  max_concurrent_trials: 16,
  divisor: 4,
  max_rungs: 5,
  mode: "standard",
  bracket_rungs: null,
  stop_once: false,
  sampler: "random",
  // Optuna's TPESampler defaults; gamma 0.1 is the fraction of its default_gamma.
  n_startup_trials: 10,
  gamma: 0.1,
  n_ei_candidates: 24,
  multivariate: false,
} as const;

/** The fields that tune TPE: the tpe searcher's, and ASHA's with `sampler: tpe`. */
const TPE_FIELDS = ["n_startup_trials", "gamma", "n_ei_candidates", "multivariate"] as const;
const ASHA_SAMPLER_FIELDS = ["sampler", ...TPE_FIELDS] as const;

const COMMON_FIELDS = [
  "name",
  "metric",
  "smaller_is_better",
  "max_length",
  "source_checkpoint_uuid",
] as const;

/** Fields each method takes besides the common ones. */
const METHOD_FIELDS: Record<SearcherName, readonly string[]> = {
  single: [],
  random: ["max_trials", "max_concurrent_trials"],
  grid: ["max_concurrent_trials"],
  async_halving: [
    "num_rungs",
    "divisor",
    "max_trials",
    "max_concurrent_trials",
    "stop_once",
    ...ASHA_SAMPLER_FIELDS,
  ],
  adaptive_asha: [
    "mode",
    "divisor",
    "max_rungs",
    "bracket_rungs",
    "max_trials",
    "max_concurrent_trials",
    "stop_once",
    ...ASHA_SAMPLER_FIELDS,
  ],
  tpe: ["max_trials", "max_concurrent_trials", ...TPE_FIELDS],
  pbt: PBT_FIELDS,
  custom: [],
};

/** Every field any searcher takes. */
export const ALL_SEARCHER_FIELDS: readonly string[] = [
  ...new Set([...COMMON_FIELDS, ...Object.values(METHOD_FIELDS).flat()]),
];

const trialCount = atMost(integer({ min: 1 }), MAX_TRIALS);
const startupCount = atMost(integer({ min: 0 }), MAX_TRIALS);
const rungCount = atMost(integer({ min: 1 }), MAX_RUNGS);
const name = oneOf(SEARCHER_NAMES, SEARCHER_NAME_ALIASES);
const candidateCount = atMost(integer({ min: 1 }), MAX_EI_CANDIDATES);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidRule: Rule<string> = {
  expected: "a checkpoint uuid",
  read(value, path, errors) {
    if (typeof value === "string" && UUID.test(value)) return value;
    errors.add(path, `must be a checkpoint uuid, got ${describeValue(value)}`);
    return undefined;
  },
};
const gammaRule: Rule<number> = {
  expected: "a number > 0 and <= 1",
  read(value, path, errors) {
    if (typeof value === "number" && value > 0 && value <= 1) return value;
    errors.add(path, `must be a number > 0 and <= 1, got ${describeValue(value)}`);
    return undefined;
  },
};

/**
 * Reads `searcher`. Every present field is validated even when `name` is
 * missing or wrong, so that all errors come out at once.
 */
export function parseSearcher(
  value: unknown,
  path: string,
  errors: ErrorList,
): SearcherConfig | undefined {
  if (value === undefined || value === null) {
    errors.add(path, "is required (a mapping with at least name, metric and max_length)");
    return undefined;
  }
  const m = readMapping(value, path, errors);
  if (m === undefined) return undefined;
  const before = errors.count;

  const method = required(m, "name", path, name, errors);
  const allowed =
    method === undefined ? ALL_SEARCHER_FIELDS : [...COMMON_FIELDS, ...METHOD_FIELDS[method]];
  rejectUnknownFields(m, path, allowed, errors, (key) => {
    if (method === undefined || !ALL_SEARCHER_FIELDS.includes(key)) return searcherFieldHint(key);
    const owners = SEARCHER_NAMES.filter((n) => METHOD_FIELDS[n].includes(key));
    return `is not a field of the ${method} searcher (it is used by ${owners.join(", ")})`;
  });
  const by = method === undefined ? undefined : `the ${method} searcher`;

  // A field of another method was reported above; its value is not read.
  function own<T, D extends T | null>(key: string, rule: Rule<T>, fallback: D): T | D {
    return allowed.includes(key) ? optional(m!, key, path, rule, errors, fallback) : fallback;
  }
  // Without a valid name nobody requires a method's fields; present ones are still checked.
  function ownRequired<T>(key: string, rule: Rule<T>): T | undefined {
    if (!allowed.includes(key)) return undefined;
    if (method !== undefined) return required(m!, key, path, rule, errors, by);
    const value = getField(m!, key);
    return value === undefined ? undefined : rule.read(value, childPath(path, key), errors);
  }

  const metric = required(m, "metric", path, nonEmptyString, errors);
  const smaller_is_better = own("smaller_is_better", boolean, SEARCHER_DEFAULTS.smaller_is_better);
  // pbt derives max_length from its rounds.
  const max_length =
    method === "pbt"
      ? optional(m, "max_length", path, lengthRule, errors, null)
      : required(m, "max_length", path, lengthRule, errors);
  const source_checkpoint_uuid = optional(
    m,
    "source_checkpoint_uuid",
    path,
    uuidRule,
    errors,
    null,
  );
  const max_trials = ownRequired("max_trials", trialCount);
  const num_rungs = ownRequired("num_rungs", rungCount);
  const max_concurrent_trials = own(
    "max_concurrent_trials",
    integer({ min: 0 }),
    SEARCHER_DEFAULTS.max_concurrent_trials,
  );
  const divisor = own("divisor", finiteNumber({ gt: 1 }), SEARCHER_DEFAULTS.divisor);
  const max_rungs = own("max_rungs", rungCount, SEARCHER_DEFAULTS.max_rungs);
  const mode = own("mode", oneOf(ASHA_MODES), SEARCHER_DEFAULTS.mode);
  const bracket_rungs = own(
    "bracket_rungs",
    listOf(rungCount, { nonEmpty: true, maxItems: MAX_RUNGS }),
    SEARCHER_DEFAULTS.bracket_rungs,
  );
  const stop_once = own("stop_once", boolean, SEARCHER_DEFAULTS.stop_once);
  const sampler = own(
    "sampler",
    oneOf(SAMPLER_NAMES, SAMPLER_NAME_ALIASES),
    SEARCHER_DEFAULTS.sampler,
  );
  const tpe: TpeSettings = {
    n_startup_trials: own("n_startup_trials", startupCount, SEARCHER_DEFAULTS.n_startup_trials),
    gamma: own("gamma", gammaRule, SEARCHER_DEFAULTS.gamma),
    n_ei_candidates: own("n_ei_candidates", candidateCount, SEARCHER_DEFAULTS.n_ei_candidates),
    multivariate: own("multivariate", boolean, SEARCHER_DEFAULTS.multivariate),
  };
  // ASHA reads the TPE settings only with `sampler: tpe`; given without it, they would be ignored.
  const samples = method === "tpe" || sampler === "tpe";
  if (!samples && method !== undefined && allowed.includes("sampler")) {
    for (const key of TPE_FIELDS) {
      if (getField(m, key) !== undefined) {
        errors.add(
          childPath(path, key),
          "is used only with sampler: tpe (set searcher.sampler: tpe)",
        );
      }
    }
  }
  // Absent for random, the default: configs stored without a sampler and new ones read alike.
  const sampling: AshaSampling = sampler === "tpe" ? { sampler, ...tpe } : {};

  const pbt = method === "pbt" ? readPbtFields(m, path, max_length ?? null, errors) : undefined;

  if (errors.count !== before || method === undefined) return undefined;
  if (metric === undefined || max_length === undefined) return undefined;
  const source = source_checkpoint_uuid === null ? {} : { source_checkpoint_uuid };
  if (method === "pbt") return { name: method, metric, smaller_is_better, ...source, ...pbt! };
  if (max_length === null) return undefined;
  const common = { metric, smaller_is_better, max_length, ...source };
  switch (method) {
    case "single":
      return { name: method, ...common };
    case "random":
      return { name: method, ...common, max_trials: max_trials!, max_concurrent_trials };
    case "grid":
      return { name: method, ...common, max_concurrent_trials };
    case "async_halving":
      return {
        name: method,
        ...common,
        num_rungs: num_rungs!,
        divisor,
        max_trials: max_trials!,
        max_concurrent_trials,
        stop_once,
        ...sampling,
      };
    case "adaptive_asha":
      return {
        name: method,
        ...common,
        mode,
        divisor,
        max_rungs,
        bracket_rungs,
        max_trials: max_trials!,
        max_concurrent_trials,
        stop_once,
        ...sampling,
      };
    case "tpe":
      return { name: method, ...common, max_trials: max_trials!, max_concurrent_trials, ...tpe };
    case "custom":
      return { name: method, ...common };
  }
}
