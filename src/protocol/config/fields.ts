/**
 * Small validators the config parser is built from. A `Rule` reads one value,
 * reports what is wrong with it into an `ErrorList` and returns `undefined`
 * when it is invalid, so a caller can keep walking and report everything.
 *
 * Every field is read with `Object.hasOwn`, so keys such as `constructor` or
 * `__proto__` are only ever the user's own (and then unknown) fields.
 */

import { MAX_TIMER_SECONDS } from "../timers.js";
import { didYouMean } from "./did-you-mean.js";
import { childPath, describeValue, type ErrorList, indexPath, isMapping } from "./errors.js";

export type Mapping = Record<string, unknown>;

export interface Rule<T> {
  /** What a valid value looks like, for messages: "an integer >= 1". */
  readonly expected: string;
  /** The value, or `undefined` after reporting why it is invalid. */
  read(value: unknown, path: string, errors: ErrorList): T | undefined;
}

/** A rule whose only message is `must be <expected>, got <value>`. */
function rule<T>(expected: string, check: (value: unknown) => T | undefined): Rule<T> {
  return {
    expected,
    read(value, path, errors) {
      const result = check(value);
      if (result === undefined)
        errors.add(path, `must be ${expected}, got ${describeValue(value)}`);
      return result;
    },
  };
}

export function integer(bounds: { min?: number; max?: number } = {}): Rule<number> {
  const { min, max } = bounds;
  const expected =
    min !== undefined && max !== undefined
      ? `an integer between ${min} and ${max}`
      : min !== undefined
        ? `an integer >= ${min}`
        : max !== undefined
          ? `an integer <= ${max}`
          : "an integer";
  return rule(expected, (value) =>
    typeof value === "number" &&
    Number.isSafeInteger(value) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max)
      ? value
      : undefined,
  );
}

/**
 * A number rule with an upper bound that is a limit of pushtune's rather than
 * part of the value's meaning: a valid value past it is reported as
 * `must be at most <max>, got <value>`, anything else as `base` reports it.
 */
export function atMost(base: Rule<number>, max: number): Rule<number> {
  return {
    expected: base.expected,
    read(value, path, errors) {
      const read = base.read(value, path, errors);
      if (read === undefined || read <= max) return read;
      errors.add(
        path,
        `must be at most ${max.toLocaleString("en-US")}, got ${describeValue(value)}`,
      );
      return undefined;
    },
  };
}

/**
 * A duration in whole seconds, at most what one timer of the master holds
 * (`MAX_TIMER_SECONDS`, about 24.8 days): longer would not mean longer.
 */
export const durationSeconds: Rule<number> = atMost(integer({ min: 0 }), MAX_TIMER_SECONDS);

/** A finite number; `gt` is a strict lower bound. */
export function finiteNumber(bounds: { gt?: number } = {}): Rule<number> {
  const { gt } = bounds;
  const expected = gt === undefined ? "a finite number" : `a number > ${gt}`;
  return rule(expected, (value) =>
    typeof value === "number" && Number.isFinite(value) && (gt === undefined || value > gt)
      ? value
      : undefined,
  );
}

export const nonEmptyString: Rule<string> = rule("a non-empty string", (value) =>
  typeof value === "string" && value.trim() !== "" ? value : undefined,
);

export const anyString: Rule<string> = rule("a string", (value) =>
  typeof value === "string" ? value : undefined,
);

export const boolean: Rule<boolean> = rule("true or false", (value) =>
  typeof value === "boolean" ? value : undefined,
);

/** One of a fixed set of strings, with a suggestion for near misses (`adaptive-asha`). */
export function oneOf<const T extends string>(
  values: readonly T[],
  aliases: Readonly<Record<string, T>> = {},
): Rule<T> {
  const expected = values.length === 1 ? String(values[0]) : `one of ${values.join(", ")}`;
  return {
    expected,
    read(value, path, errors) {
      if (typeof value === "string" && (values as readonly string[]).includes(value)) {
        return value as T;
      }
      let hint = "";
      if (typeof value === "string") {
        // Another tool's name for a value (`bayes`, `asha`) is suggested as ours, whatever its case.
        const key = value.toLowerCase();
        hint = Object.hasOwn(aliases, key)
          ? `; did you mean "${aliases[key]}"?`
          : didYouMean(value, values);
      }
      errors.add(path, `must be ${expected}, got ${describeValue(value)}${hint}`);
      return undefined;
    },
  };
}

/** A list whose every element passes `element`; empty lists are rejected when `nonEmpty`. */
export function listOf<T>(
  element: Rule<T>,
  options: { nonEmpty?: boolean; maxItems?: number } = {},
): Rule<T[]> {
  const expected = `a ${options.nonEmpty ? "non-empty " : ""}list of ${plural(element.expected)}`;
  return {
    expected,
    read(value, path, errors) {
      if (!Array.isArray(value) || (options.nonEmpty && value.length === 0)) {
        errors.add(path, `must be ${expected}, got ${describeValue(value)}`);
        return undefined;
      }
      if (options.maxItems !== undefined && value.length > options.maxItems) {
        errors.add(path, `must have at most ${options.maxItems} items, got ${value.length}`);
        return undefined;
      }
      const before = errors.count;
      const out: T[] = [];
      value.forEach((item: unknown, i) => {
        const read = element.read(item, indexPath(path, i), errors);
        if (read !== undefined) out.push(read);
      });
      return errors.count === before ? out : undefined;
    },
  };
}

/** "an integer >= 1" → "integers >= 1", for list messages. */
function plural(expected: string): string {
  return expected.replace(/^an? (\w+)/, (_, noun: string) => `${noun}s`);
}

/** A field's value; an absent key and an explicit `null` both read as `undefined` (= not set). */
export function getField(mapping: Mapping, key: string): unknown {
  if (!Object.hasOwn(mapping, key)) return undefined;
  const value = mapping[key];
  return value === null ? undefined : value;
}

/** Reads a field that must be present. `requiredBy` names who needs it ("the grid searcher"). */
export function required<T>(
  mapping: Mapping,
  key: string,
  path: string,
  fieldRule: Rule<T>,
  errors: ErrorList,
  requiredBy?: string,
): T | undefined {
  const fieldPath = childPath(path, key);
  const value = getField(mapping, key);
  if (value === undefined) {
    const by = requiredBy === undefined ? "" : ` for ${requiredBy}`;
    errors.add(fieldPath, `is required${by} (${fieldRule.expected})`);
    return undefined;
  }
  return fieldRule.read(value, fieldPath, errors);
}

/** Reads a field that has a default; an invalid value is reported and the default returned. */
export function optional<T, D extends T | null>(
  mapping: Mapping,
  key: string,
  path: string,
  fieldRule: Rule<T>,
  errors: ErrorList,
  fallback: D,
): T | D {
  const value = getField(mapping, key);
  if (value === undefined) return fallback;
  return fieldRule.read(value, childPath(path, key), errors) ?? fallback;
}

/** The value as a mapping, or `undefined` after reporting what it was instead. */
export function readMapping(
  value: unknown,
  path: string,
  errors: ErrorList,
  what = "a mapping",
): Mapping | undefined {
  if (isMapping(value)) return value;
  errors.add(path, `must be ${what}, got ${describeValue(value)}`);
  return undefined;
}

/**
 * Reports every key of `mapping` that is not in `known`. `hint` may explain a
 * key better than a spelling suggestion can (a field of another searcher, a
 * field that lives elsewhere).
 */
export function rejectUnknownFields(
  mapping: Mapping,
  path: string,
  known: readonly string[],
  errors: ErrorList,
  hint?: (key: string) => string | undefined,
): void {
  if (errors.ignoreUnknownFields) return;
  for (const key of Object.keys(mapping)) {
    if (known.includes(key)) continue;
    const explained = hint?.(key);
    if (explained !== undefined) {
      errors.add(childPath(path, key), explained);
      continue;
    }
    const suggestion = didYouMean(key, known);
    errors.add(
      childPath(path, key),
      suggestion === ""
        ? `unknown field; expected one of: ${known.join(", ")}`
        : `unknown field${suggestion}`,
    );
  }
}
