/**
 * Hyperparameters (DESIGN §2).
 *
 * - A bare value (number, string, bool, null, list) is `{type: const, val}`.
 * - A mapping whose `type` is a string is a spec: const | int | double | log | categorical.
 * - Any other mapping is a nested group; its keys are hyperparameters in turn
 *   (so a hyperparameter may itself be called `type` if its value is a spec mapping).
 * - int/double/log take `count` (the grid searcher's number of points); other
 *   searchers ignore it. For `log`, minval/maxval are exponents of `base` (default 10).
 */
import { didYouMean, suggest } from "./did-you-mean.js";
import { childPath, describeValue, type ErrorList, indexPath, isMapping } from "./errors.js";
import {
  atMost,
  finiteNumber,
  getField,
  integer,
  listOf,
  type Mapping,
  optional,
  type Rule,
  readMapping,
  rejectUnknownFields,
  required,
} from "./fields.js";
import { MAX_GRID_COUNT } from "./limits.js";
import { reportOtherTunersSpec, specFieldHint } from "./other-tuners.js";
import type { HParamValue, HyperparameterSpec } from "./types.js";

export const HYPERPARAMETER_TYPES = ["const", "int", "double", "log", "categorical"] as const;

/** Nesting deeper than this is surely a mistake, and recursion must stay bounded. */
const MAX_DEPTH = 32;

/** Names that would change an object's prototype if assigned as a key. */
const RESERVED_KEY = "__proto__";

const SPEC_FIELDS = ["minval", "maxval", "count", "base", "vals", "val"];

/** Type names from other tuners (Optuna, Ray Tune, W&B), mapped to ours. */
const TYPE_ALIASES: Record<string, string> = {
  float: "double",
  uniform: "double",
  integer: "int",
  randint: "int",
  loguniform: "log",
  choice: "categorical",
  constant: "const",
};

export interface ParsedHyperparameters {
  specs: Record<string, HyperparameterSpec>;
  /** Paths of int/double/log specs without `count`: grid axes the grid searcher cannot lay out. */
  axesWithoutCount: string[];
}

interface Walk {
  errors: ErrorList;
  axesWithoutCount: string[];
}

export function parseHyperparameters(
  value: unknown,
  path: string,
  errors: ErrorList,
): ParsedHyperparameters {
  const walk: Walk = { errors, axesWithoutCount: [] };
  if (value === undefined || value === null) return { specs: {}, axesWithoutCount: [] };
  const mapping = readMapping(value, path, errors);
  const specs = mapping === undefined ? {} : parseGroup(mapping, path, walk, 0);
  return { specs, axesWithoutCount: walk.axesWithoutCount };
}

function parseGroup(
  mapping: Mapping,
  path: string,
  walk: Walk,
  depth: number,
): Record<string, HyperparameterSpec> {
  const out: Record<string, HyperparameterSpec> = {};
  for (const name of Object.keys(mapping)) {
    const specPath = childPath(path, name);
    if (!checkKey(name, specPath, walk.errors, "a hyperparameter name")) continue;
    const spec = parseSpec(mapping[name], specPath, walk, depth);
    if (spec !== undefined) out[name] = spec;
  }
  return out;
}

function checkKey(key: string, path: string, errors: ErrorList, what: string): boolean {
  if (key === "") {
    errors.add(path, `${what} must not be empty`);
    return false;
  }
  if (key === RESERVED_KEY) {
    errors.add(path, `${what} must not be "${RESERVED_KEY}"`);
    return false;
  }
  return true;
}

function parseSpec(
  value: unknown,
  path: string,
  walk: Walk,
  depth: number,
): HyperparameterSpec | undefined {
  if (!isMapping(value)) {
    const val = readHParamValue(value, path, walk.errors);
    return val === undefined ? undefined : { type: "const", val };
  }
  if (Object.hasOwn(value, "type") && typeof value.type === "string") {
    return parseTypedSpec(value, value.type, path, walk);
  }
  if (depth + 1 >= MAX_DEPTH) {
    walk.errors.add(path, `hyperparameters must not nest more than ${MAX_DEPTH} levels deep`);
    return undefined;
  }
  if (!reportMisspeltType(value, path, walk.errors)) return undefined;
  if (!reportMissingType(value, path, walk.errors)) return undefined;
  if (!reportOtherTunersSpec(value, path, SPEC_FIELDS, walk.errors)) return undefined;
  return { type: "object", fields: parseGroup(value, path, walk, depth + 1) };
}

/**
 * `{minval: 0.0001, maxval: 0.1}` or `{vals: [adam, sgd]}`, with no type (or
 * an empty one), would otherwise silently become a group of constants, and
 * every trial the same. A mapping of nothing but spec fields that holds a
 * range or a list of values is reported instead. Returns false when it reported.
 */
function reportMissingType(mapping: Mapping, path: string, errors: ErrorList): boolean {
  const keys = Object.keys(mapping);
  if (!keys.every((key) => key === "type" || SPEC_FIELDS.includes(key))) return true;
  const range = Object.hasOwn(mapping, "minval") && Object.hasOwn(mapping, "maxval");
  if (!range && !Object.hasOwn(mapping, "vals")) return true;
  const types = range ? "int, double or log" : "categorical";
  errors.add(
    childPath(path, "type"),
    `is required: ${range ? "minval and maxval make a range" : "vals make a choice"}, so type ${types}; a constant mapping is written {type: const, val: {…}}`,
  );
  return false;
}

/**
 * `{typ: int, minval: 1, maxval: 4}` would otherwise silently become a group of
 * three constants. A group with a near-miss of `type` next to spec fields is
 * reported instead. Returns false when it reported.
 */
function reportMisspeltType(mapping: Mapping, path: string, errors: ErrorList): boolean {
  const keys = Object.keys(mapping);
  if (!keys.some((key) => SPEC_FIELDS.includes(key))) return true;
  const misspelt = keys.find((key) => key !== "type" && suggest(key, ["type"]) !== undefined);
  if (misspelt === undefined) return true;
  errors.add(childPath(path, misspelt), `unknown field; did you mean "type"?`);
  return false;
}

const integerBound = integer();
const numberBound = finiteNumber();
const countRule = atMost(integer({ min: 1 }), MAX_GRID_COUNT);
const baseRule: Rule<number> = {
  expected: "a number > 0 other than 1",
  read(value, path, errors) {
    if (typeof value === "number" && Number.isFinite(value) && value > 0 && value !== 1) {
      return value;
    }
    errors.add(path, `must be a number > 0 other than 1, got ${describeValue(value)}`);
    return undefined;
  },
};

function parseTypedSpec(
  spec: Mapping,
  type: string,
  path: string,
  walk: Walk,
): HyperparameterSpec | undefined {
  const { errors } = walk;
  const before = errors.count;
  switch (type) {
    case "const": {
      rejectUnknownFields(spec, path, ["type", "val"], errors, (key) =>
        specFieldHint(key, type, ["type", "val"]),
      );
      if (!Object.hasOwn(spec, "val")) {
        errors.add(childPath(path, "val"), "is required for a const hyperparameter (any value)");
        return undefined;
      }
      const val = readHParamValue(spec.val, childPath(path, "val"), errors);
      return val === undefined || errors.count !== before ? undefined : { type, val };
    }
    case "int":
    case "double":
    case "log": {
      const known =
        type === "log"
          ? ["type", "minval", "maxval", "base", "count"]
          : ["type", "minval", "maxval", "count"];
      rejectUnknownFields(spec, path, known, errors, (key) => specFieldHint(key, type, known));
      const bound = type === "int" ? integerBound : numberBound;
      const what = `${type === "int" ? "an" : "a"} ${type} hyperparameter`;
      const minval = required(spec, "minval", path, bound, errors, what);
      const maxval = required(spec, "maxval", path, bound, errors, what);
      const countValue = getField(spec, "count");
      if (countValue === undefined) walk.axesWithoutCount.push(path);
      const count =
        countValue === undefined
          ? undefined
          : countRule.read(countValue, childPath(path, "count"), errors);
      if (minval !== undefined && maxval !== undefined && minval > maxval) {
        errors.add(childPath(path, "minval"), `must be <= maxval (${maxval}), got ${minval}`);
      } else if (minval !== undefined && maxval !== undefined) {
        const range = rangeIssue(type, minval, maxval);
        if (range !== undefined) errors.add(childPath(path, "maxval"), range);
      }
      if (type !== "log") {
        if (errors.count !== before || minval === undefined || maxval === undefined)
          return undefined;
        return count === undefined ? { type, minval, maxval } : { type, minval, maxval, count };
      }
      const base = optional(spec, "base", path, baseRule, errors, 10);
      if (errors.count !== before || minval === undefined || maxval === undefined) return undefined;
      for (const [key, exponent] of [
        ["minval", minval],
        ["maxval", maxval],
      ] as const) {
        const power = base ** exponent;
        if (!Number.isFinite(power) || power === 0) {
          errors.add(
            childPath(path, key),
            `must be an exponent for which ${base}^${key} is finite and non-zero, got ${exponent}`,
          );
        }
      }
      if (errors.count !== before) return undefined;
      return count === undefined
        ? { type, minval, maxval, base }
        : { type, minval, maxval, base, count };
    }
    case "categorical": {
      rejectUnknownFields(spec, path, ["type", "vals"], errors, (key) =>
        specFieldHint(key, type, ["type", "vals"]),
      );
      const vals = required(spec, "vals", path, valsRule, errors, "a categorical hyperparameter");
      return vals === undefined || errors.count !== before ? undefined : { type, vals };
    }
    default: {
      const alias = Object.hasOwn(TYPE_ALIASES, type) ? TYPE_ALIASES[type] : undefined;
      const suggestion =
        alias === undefined ? didYouMean(type, HYPERPARAMETER_TYPES) : `; did you mean "${alias}"?`;
      // `{type: resnet, depth: 3}` is read as a spec; a constant called `type` needs the long form.
      const inGroup = Object.keys(spec).some((k) => k !== "type" && !SPEC_FIELDS.includes(k));
      const groupHint =
        suggestion === "" && inGroup
          ? `; a hyperparameter called type inside a group is written type: {type: const, val: …}`
          : suggestion;
      errors.add(
        childPath(path, "type"),
        `must be one of ${HYPERPARAMETER_TYPES.join(", ")}, got ${describeValue(type)}${groupHint}`,
      );
      return undefined;
    }
  }
}

const anyValue: Rule<HParamValue> = {
  expected: "a value",
  read: (value, path, errors) => readHParamValue(value, path, errors),
};

const valsRule = listOf(anyValue, { nonEmpty: true });

/**
 * A const value or a categorical choice: JSON only (finite numbers, no
 * functions or dates), since hyperparameters travel to trials as JSON.
 * Returns a copy, so the config never shares objects with the input.
 */
export function readHParamValue(
  value: unknown,
  path: string,
  errors: ErrorList,
  depth = 0,
): HParamValue | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    errors.add(path, `must be a finite number, got ${describeValue(value)}`);
    return undefined;
  }
  if (depth >= MAX_DEPTH && (Array.isArray(value) || isMapping(value))) {
    errors.add(path, `must not nest more than ${MAX_DEPTH} levels deep`);
    return undefined;
  }
  const before = errors.count;
  if (Array.isArray(value)) {
    const out: HParamValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = readHParamValue(value[i], indexPath(path, i), errors, depth + 1);
      if (item !== undefined) out.push(item);
    }
    return errors.count === before ? out : undefined;
  }
  if (isMapping(value)) {
    const out: Record<string, HParamValue> = {};
    for (const key of Object.keys(value)) {
      const keyPath = childPath(path, key);
      if (key === RESERVED_KEY) {
        errors.add(keyPath, `a key must not be "${RESERVED_KEY}"`);
        continue;
      }
      const item = readHParamValue(value[key], keyPath, errors, depth + 1);
      if (item !== undefined) out[key] = item;
    }
    return errors.count === before ? out : undefined;
  }
  errors.add(
    path,
    `must be a string, number, boolean, null, list or mapping, got ${describeValue(value)}`,
  );
  return undefined;
}

/**
 * The global batch size, from a const integer `global_batch_size`
 * hyperparameter; null when there is none or it is not a const number.
 */
export function globalBatchSize(
  specs: Record<string, HyperparameterSpec>,
  path: string,
  errors: ErrorList,
): number | null {
  if (!Object.hasOwn(specs, "global_batch_size")) return null;
  const spec = specs.global_batch_size!;
  if (spec.type !== "const" || typeof spec.val !== "number") return null;
  if (Number.isSafeInteger(spec.val) && spec.val >= 1) return spec.val;
  errors.add(
    childPath(path, "global_batch_size"),
    `must be an integer >= 1 (it is the global batch size), got ${describeValue(spec.val)}`,
  );
  return null;
}

/**
 * A range a sampler can draw from: an int range holds at most 2^53 − 1
 * integers (beyond that a uniform draw over it cannot be made with doubles),
 * and a double or log range's width must itself be finite.
 */
function rangeIssue(
  type: "int" | "double" | "log",
  minval: number,
  maxval: number,
): string | undefined {
  const width = maxval - minval;
  if (type === "int" && !(width < Number.MAX_SAFE_INTEGER)) {
    return `must be less than ${Number.MAX_SAFE_INTEGER} above minval (${minval}) for an int hyperparameter, got ${maxval}`;
  }
  if (!Number.isFinite(width)) {
    return `minus minval must be a finite number, got ${maxval} - ${minval}`;
  }
  return undefined;
}
