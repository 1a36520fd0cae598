/**
 * Upper bounds of a search, so that one config cannot ask the master for
 * unbounded work (a preview, a searcher's initialisation, a grid laid out
 * point by point). Each bound is named in the config reference (README).
 */

import type { ErrorList } from "./errors.js";
import type { HyperparameterSpec } from "./types.js";

/**
 * Most slots a trial (`resources.slots_per_trial`) or a resource pool may
 * have: a trial's allocation stores its slots in an `integer` column, which
 * PostgreSQL holds up to 2^31 - 1.
 */
export const MAX_SLOTS = 2 ** 31 - 1;
/** Most trials a search may create (`searcher.max_trials`). */
export const MAX_TRIALS = 100_000;
/** Most points a grid search may have: the product of its axes' sizes. */
export const MAX_GRID_POINTS = 100_000;
/** Most points on one grid axis (`count`). */
export const MAX_GRID_COUNT = 100_000;
/** Most rungs of an ASHA bracket (`num_rungs`, `max_rungs`, each of `bracket_rungs`) and most brackets. */
export const MAX_RUNGS = 100;
/**
 * Most rounds of a pbt search (`searcher.num_rounds`); `population_size ×
 * num_rounds`, which bounds the trials it creates, is at most MAX_TRIALS too.
 */
export const MAX_ROUNDS = 10_000;
/** Most candidates TPE draws per hyperparameter (`searcher.n_ei_candidates`). */
export const MAX_EI_CANDIDATES = 10_000;

const points = (n: number) => n.toLocaleString("en-US");

/** The grid axes by dotted path, with how many points each can take at most. */
function axisSizes(specs: Record<string, HyperparameterSpec>, prefix = ""): [string, number][] {
  return Object.entries(specs).flatMap(([name, spec]): [string, number][] => {
    const path = prefix ? `${prefix}.${name}` : name;
    switch (spec.type) {
      case "const":
        return [];
      case "int":
        return [[path, Math.min(spec.count ?? 1, spec.maxval - spec.minval + 1)]];
      case "double":
      case "log":
        return [[path, spec.count ?? 1]];
      case "categorical":
        return [[path, spec.vals.length]];
      case "object":
        return axisSizes(spec.fields, path);
      default: {
        const unknown: never = spec;
        throw new Error(`unknown hyperparameter ${JSON.stringify(unknown)}`);
      }
    }
  });
}

/**
 * A grid of more than MAX_GRID_POINTS points is an error naming the
 * hyperparameters whose sizes multiply past it.
 */
export function checkGridSize(specs: Record<string, HyperparameterSpec>, errors: ErrorList): void {
  const axes = axisSizes(specs).filter(([, size]) => size > 1);
  const total = axes.reduce((n, [, size]) => n * size, 1);
  if (total <= MAX_GRID_POINTS) return;
  const product = axes.map(([path, size]) => `${path} (${points(size)})`).join(" × ");
  errors.add(
    "hyperparameters",
    `a grid of at most ${points(MAX_GRID_POINTS)} points is allowed; ${product} = ${points(total)} points`,
  );
}
