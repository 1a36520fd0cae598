/**
 * The pbt searcher's own fields (Determined's names): `population_size`,
 * `num_rounds`, `length_per_round`, `replace_function: {truncate_fraction}`
 * and `explore_function: {resample_probability, perturb_factor}`, all
 * required. `max_length` is not needed: it is `num_rounds × length_per_round`
 * (in `length_per_round`'s unit); given, it must be exactly that, so a config
 * written back with every field (`to-input.ts`) reads the same again.
 */
import { childPath, describeValue, type ErrorList } from "./errors.js";
import {
  atMost,
  integer,
  type Mapping,
  type Rule,
  readMapping,
  rejectUnknownFields,
  required,
} from "./fields.js";
import { lengthRule } from "./lengths.js";
import { MAX_ROUNDS, MAX_TRIALS } from "./limits.js";
import type { Length, PbtSearcherConfig } from "./types.js";

export const PBT_FIELDS = [
  "population_size",
  "num_rounds",
  "length_per_round",
  "replace_function",
  "explore_function",
] as const;

const BY = "the pbt searcher";

const fraction: Rule<number> = {
  expected: "a number between 0 and 1",
  read(value, path, errors) {
    if (typeof value === "number" && value >= 0 && value <= 1) return value;
    errors.add(path, `must be a number between 0 and 1, got ${describeValue(value)}`);
    return undefined;
  },
};

/** A mapping of fractions, every key required. */
function fractions<const K extends string>(keys: readonly K[]): Rule<Record<K, number>> {
  const expected = `a mapping with ${keys.join(" and ")} (numbers between 0 and 1)`;
  return {
    expected,
    read(value, path, errors) {
      const m = readMapping(value, path, errors, expected);
      if (m === undefined) return undefined;
      const before = errors.count;
      rejectUnknownFields(m, path, keys, errors);
      const out: Partial<Record<K, number>> = {};
      for (const key of keys) out[key] = required(m, key, path, fraction, errors, BY);
      return errors.count === before ? (out as Record<K, number>) : undefined;
    },
  };
}

const count = atMost(integer({ min: 1 }), MAX_TRIALS);
const rounds = atMost(integer({ min: 1 }), MAX_ROUNDS);
const replaceRule = fractions(["truncate_fraction"]);
const exploreRule = fractions(["resample_probability", "perturb_factor"]);

export type PbtFields = Omit<PbtSearcherConfig, "name" | "metric" | "smaller_is_better">;

/**
 * Reads the pbt fields of searcher mapping `m`; `maxLength` is the
 * `max_length` given, if any. Undefined after reporting what was wrong.
 */
export function readPbtFields(
  m: Mapping,
  path: string,
  maxLength: Length | null,
  errors: ErrorList,
): PbtFields | undefined {
  const before = errors.count;
  const population_size = required(m, "population_size", path, count, errors, BY);
  const num_rounds = required(m, "num_rounds", path, rounds, errors, BY);
  const length_per_round = required(m, "length_per_round", path, lengthRule, errors, BY);
  const replace_function = required(m, "replace_function", path, replaceRule, errors, BY);
  const explore_function = required(m, "explore_function", path, exploreRule, errors, BY);
  if (
    errors.count !== before ||
    population_size === undefined ||
    num_rounds === undefined ||
    length_per_round === undefined ||
    replace_function === undefined ||
    explore_function === undefined
  ) {
    return undefined;
  }
  if (population_size * num_rounds > MAX_TRIALS) {
    errors.add(
      childPath(path, "num_rounds"),
      `population_size × num_rounds must be at most ${MAX_TRIALS} (it bounds the trials created), got ${population_size} × ${num_rounds}`,
    );
    return undefined;
  }
  if (!Number.isSafeInteger(num_rounds * length_per_round.value)) {
    errors.add(
      childPath(path, "num_rounds"),
      `num_rounds × length_per_round must be at most ${Number.MAX_SAFE_INTEGER} (it is the trials' max_length), got ${num_rounds} × ${length_per_round.value}`,
    );
    return undefined;
  }
  const max_length: Length = {
    unit: length_per_round.unit,
    value: num_rounds * length_per_round.value,
  };
  if (
    maxLength !== null &&
    (maxLength.unit !== max_length.unit || maxLength.value !== max_length.value)
  ) {
    errors.add(
      childPath(path, "max_length"),
      `must be num_rounds × length_per_round (${max_length.value} ${max_length.unit}) for the pbt searcher, or left out`,
    );
    return undefined;
  }
  return {
    max_length,
    population_size,
    num_rounds,
    length_per_round,
    replace_function,
    explore_function,
  };
}
