/**
 * A trial's hyperparameters as flat columns, as the web UI and the CLI show
 * them: a nested group's as `model.depth`, any other hyperparameter as one
 * column. A value may itself be a mapping (a categorical's `{name: adam,
 * beta: 0.9}`, a const's mapping) and look just like a group, so only the
 * experiment config's specs tell the two apart. Pure, shared by the web UI
 * and the CLI.
 */
import { canonicalJson } from "../canonical-json.js";
import { isMapping } from "../config/errors.js";
import type { HyperparameterSpec } from "../config/types.js";
import { ownValue } from "../own-value.js";

export type HParamSpecs = Readonly<Record<string, HyperparameterSpec>>;

/** One column's value; a mapping or a list is one value, written as its compact JSON. */
export type FlatValue = string | number | boolean | null;

export type FlatHparams = Record<string, FlatValue>;

/**
 * Whether a string value would read as another value were it shown bare: a
 * number, `true`, `false` or `null` as JSON reads it. A categorical of mixed
 * types (`[1, "1"]`) shows such strings quoted, so each choice reads as itself.
 */
export function readsAsScalar(text: string): boolean {
  try {
    const read: unknown = JSON.parse(text);
    return read === null || typeof read !== "object";
  } catch {
    return false;
  }
}

/** The `hyperparameters` of a config as the API sends it (an opaque document); none when absent. */
export function hyperparameterSpecs(config: unknown): HParamSpecs {
  const specs = isMapping(config) ? config.hyperparameters : undefined;
  return isMapping(specs) ? (specs as HParamSpecs) : {};
}

const columnKey = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/** Columns in the trial's key order; a key the specs do not make a group is one column. */
export function flattenHparams(
  hparams: Readonly<Record<string, unknown>>,
  specs: HParamSpecs,
  prefix = "",
  out: FlatHparams = {},
): FlatHparams {
  for (const [name, value] of Object.entries(hparams)) {
    const spec = ownValue(specs, name);
    const key = columnKey(prefix, name);
    if (spec?.type === "object" && isMapping(value)) flattenHparams(value, spec.fields, key, out);
    else out[key] = columnValue(value, spec);
  }
  return out;
}

/** The spec of each column that `flattenHparams` makes from values of these specs, by key. */
export function columnSpecs(
  specs: HParamSpecs,
  prefix = "",
  out = new Map<string, HyperparameterSpec>(),
): Map<string, HyperparameterSpec> {
  for (const [name, spec] of Object.entries(specs)) {
    const key = columnKey(prefix, name);
    if (spec.type === "object") columnSpecs(spec.fields, key, out);
    else out.set(key, spec);
  }
  return out;
}

/** Per spec, the JSON of each value it lists (a categorical's choices, a const's value), by canonical JSON. */
const listedJson = new WeakMap<HyperparameterSpec, Map<string, string>>();

function listedBy(spec: HyperparameterSpec): Map<string, string> {
  let listed = listedJson.get(spec);
  if (!listed) {
    const values =
      spec.type === "categorical" ? spec.vals : spec.type === "const" ? [spec.val] : [];
    listed = new Map(values.map((v) => [canonicalJson(v), JSON.stringify(v)]));
    listedJson.set(spec, listed);
  }
  return listed;
}

/**
 * A mapping or a list is written as the config writes it when the spec
 * lists it (keys in the config's order), so that equal values are one
 * category whatever order a trial's keys come in.
 */
function columnValue(value: unknown, spec: HyperparameterSpec | undefined): FlatValue {
  if (value === null || typeof value !== "object") return value as FlatValue;
  return (spec && listedBy(spec).get(canonicalJson(value))) ?? JSON.stringify(value);
}
