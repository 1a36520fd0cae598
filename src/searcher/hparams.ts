/**
 * Sampling hyperparameters for random search and ASHA (Determined's rules):
 * int is uniform over [minval, maxval] inclusive, double is uniform over
 * [minval, maxval), log is base^uniform(minval, maxval), categorical picks one
 * value uniformly, const is its value, and nested objects are sampled field by
 * field. Keys are visited in the config's order, so the draws are reproducible.
 */
import type { HParams, HParamValue, HyperparameterSpec } from "../protocol/config/types.js";
import { choice, intInRange, uniform } from "./rng.js";
import { assertNever, type RngState } from "./types.js";

export function sampleHParam(spec: HyperparameterSpec, rng: RngState): HParamValue {
  switch (spec.type) {
    case "const":
      return spec.val;
    case "int":
      return intInRange(rng, spec.minval, spec.maxval);
    case "double":
      return uniform(rng, spec.minval, spec.maxval);
    case "log":
      return spec.base ** uniform(rng, spec.minval, spec.maxval);
    case "categorical":
      return choice(rng, spec.vals);
    case "object":
      return sampleHParams(spec.fields, rng);
    default:
      return assertNever(spec);
  }
}

export function sampleHParams(specs: Record<string, HyperparameterSpec>, rng: RngState): HParams {
  const out: HParams = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = sampleHParam(spec, rng);
  return out;
}
