/**
 * Grid points (Determined's grid search): each hyperparameter becomes an axis
 * and the grid is the cartesian product of the axes, in the order of the keys,
 * the last key varying fastest. Nested objects are flattened into their leaves
 * for the product and nested back in each point.
 *
 * Axes: int → round(min + i·(max−min)/(count−1)), at most max−min+1 values and
 * no repeats; double → `count` evenly spaced values; log → base^(evenly spaced
 * exponents); categorical → all its values; const → its one value. A count of 1
 * gives the middle of the range (for log, of the exponents'), as Determined's does.
 *
 * Points are computed by index rather than listed, so a large grid costs
 * nothing until its trials are created.
 */
import type { HParams, HParamValue, HyperparameterSpec } from "../protocol/config/types.js";
import { assertNever } from "./types.js";

interface Axis {
  path: string[];
  values: HParamValue[];
}

/** Go's math.Round: halves round away from zero (JS rounds -2.5 to -2). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function requireCount(path: string[], count: number | undefined): number {
  if (count === undefined || !Number.isInteger(count) || count < 1) {
    throw new Error(
      `hyperparameters.${path.join(".")}: grid search needs an integer count >= 1, got ${String(count)}`,
    );
  }
  return count;
}

function evenlySpaced(min: number, max: number, count: number): number[] {
  if (count === 1) return [(min + max) / 2];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(min + (i * (max - min)) / (count - 1));
  return out;
}

/** The values one hyperparameter takes in the grid. */
export function gridAxis(spec: HyperparameterSpec, path: string[] = []): HParamValue[] {
  switch (spec.type) {
    case "const":
      return [spec.val];
    case "int": {
      const count = Math.min(requireCount(path, spec.count), spec.maxval - spec.minval + 1);
      const values = evenlySpaced(spec.minval, spec.maxval, Math.max(count, 1)).map(roundHalfAway);
      return [...new Set(values)];
    }
    case "double":
      return evenlySpaced(spec.minval, spec.maxval, requireCount(path, spec.count));
    case "log":
      return evenlySpaced(spec.minval, spec.maxval, requireCount(path, spec.count)).map(
        (e) => spec.base ** e,
      );
    case "categorical":
      return [...spec.vals];
    case "object":
      // Only reached for an object without fields: its one value is {}.
      return [{}];
    default:
      return assertNever(spec);
  }
}

function axesOf(specs: Record<string, HyperparameterSpec>, prefix: string[], out: Axis[]): Axis[] {
  for (const [name, spec] of Object.entries(specs)) {
    const path = [...prefix, name];
    if (spec.type === "object" && Object.keys(spec.fields).length > 0) {
      axesOf(spec.fields, path, out);
    } else {
      out.push({ path, values: gridAxis(spec, path) });
    }
  }
  return out;
}

/** The grid's axes, leaves of nested objects included, in key order. */
export function gridAxes(specs: Record<string, HyperparameterSpec>): Axis[] {
  return axesOf(specs, [], []);
}

/** How many points the grid has. */
export function gridSize(specs: Record<string, HyperparameterSpec>): number {
  return gridAxes(specs).reduce((n, axis) => n * axis.values.length, 1);
}

function setPath(target: HParams, path: string[], value: HParamValue): void {
  let node: Record<string, HParamValue> = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (
      child !== undefined &&
      typeof child === "object" &&
      child !== null &&
      !Array.isArray(child)
    ) {
      node = child;
    } else {
      const fresh: Record<string, HParamValue> = {};
      node[key] = fresh;
      node = fresh;
    }
  }
  node[path[path.length - 1]!] = value;
}

/** The `index`-th point (0-based) of a grid given by its axes; the last axis varies fastest. */
export function gridPointOf(axes: Axis[], index: number): HParams {
  const chosen: HParamValue[] = new Array(axes.length);
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const values = axes[a]!.values;
    chosen[a] = values[rest % values.length]!;
    rest = Math.floor(rest / values.length);
  }
  const point: HParams = {};
  axes.forEach((axis, a) => {
    setPath(point, axis.path, structuredClone(chosen[a]!));
  });
  return point;
}

/** The `index`-th point (0-based) of the grid. */
export function gridPoint(specs: Record<string, HyperparameterSpec>, index: number): HParams {
  return gridPointOf(gridAxes(specs), index);
}

/** Every point of the grid, in order. */
export function gridPoints(specs: Record<string, HyperparameterSpec>): HParams[] {
  const axes = gridAxes(specs);
  const size = axes.reduce((n, axis) => n * axis.values.length, 1);
  return Array.from({ length: size }, (_, i) => gridPointOf(axes, i));
}
