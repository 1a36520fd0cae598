/**
 * The search space as TPE sees it: the hyperparameters that vary, in the
 * config's order (nested groups recursed into, constants left out), each with
 * its coordinate: the value for double and int, the exponent for log (so a
 * log hyperparameter is modelled in log space), the index for categorical.
 * A trial's hyperparameters are kept in the searcher state as one coordinate
 * per varying hyperparameter.
 */
import type { HParams, HParamValue, HyperparameterSpec } from "../protocol/config/types.js";
import type { ParzenDomain } from "./parzen-estimator.js";
import { assertNever } from "./types.js";

/** A hyperparameter that varies: where it is in the hparams, and its spec. */
export interface TpeAxis {
  path: string[];
  spec: Exclude<HyperparameterSpec, { type: "const" | "object" }>;
}

export function tpeAxes(
  specs: Record<string, HyperparameterSpec>,
  prefix: string[] = [],
): TpeAxis[] {
  return Object.entries(specs).flatMap(([name, spec]): TpeAxis[] => {
    const path = [...prefix, name];
    if (spec.type === "const") return [];
    if (spec.type === "object") return tpeAxes(spec.fields, path);
    return [{ path, spec }];
  });
}

export function axisDomain(axis: TpeAxis): ParzenDomain {
  const spec = axis.spec;
  switch (spec.type) {
    case "int":
      return { kind: "numeric", low: spec.minval - 0.5, high: spec.maxval + 0.5, integer: true };
    case "double":
    case "log":
      return { kind: "numeric", low: spec.minval, high: spec.maxval, integer: false };
    case "categorical":
      return { kind: "categorical", size: spec.vals.length };
    default:
      return assertNever(spec);
  }
}

function valueAt(hparams: HParams, path: string[]): HParamValue | undefined {
  let value: HParamValue | undefined = hparams;
  for (const key of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** The coordinate of `value` on `axis` (a value outside the axis maps to its nearest end). */
function coordinateOf(axis: TpeAxis, value: HParamValue | undefined): number {
  const spec = axis.spec;
  if (spec.type === "categorical") {
    const json = JSON.stringify(value);
    return Math.max(
      spec.vals.findIndex((v) => JSON.stringify(v) === json),
      0,
    );
  }
  const n = typeof value === "number" ? value : spec.minval;
  const x = spec.type === "log" ? Math.log(n) / Math.log(spec.base) : n;
  return Math.min(Math.max(x, spec.minval), spec.maxval);
}

/** A trial's hyperparameters as coordinates, one per axis. */
export function encodeHParams(axes: TpeAxis[], hparams: HParams): number[] {
  return axes.map((axis) => coordinateOf(axis, valueAt(hparams, axis.path)));
}

function axisValue(axis: TpeAxis, x: number): HParamValue {
  const spec = axis.spec;
  switch (spec.type) {
    case "int":
      return Math.min(Math.max(x, spec.minval), spec.maxval);
    case "double":
      return x;
    case "log":
      return spec.base ** x;
    case "categorical":
      return spec.vals[x]!;
    default:
      return assertNever(spec);
  }
}

/** Hyperparameters from coordinates (one per axis of `specs`, in order); constants as given. */
export function decodeHParams(
  specs: Record<string, HyperparameterSpec>,
  coords: number[],
): HParams {
  let next = 0;
  const walk = (fields: Record<string, HyperparameterSpec>): HParams => {
    const out: HParams = {};
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.type === "const") out[name] = spec.val;
      else if (spec.type === "object") out[name] = walk(spec.fields);
      else out[name] = axisValue({ path: [], spec }, coords[next++]!);
    }
    return out;
  };
  return walk(specs);
}
