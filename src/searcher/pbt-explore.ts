/**
 * PBT's explore step (Determined's rules): a replacement's hyperparameters
 * are its parent's, each one either resampled from its domain (with
 * `resample_probability`) or perturbed: multiplied by `1 - perturb_factor` or
 * `1 + perturb_factor` (a fair coin) and clamped to the domain. An int rounds
 * down when it shrinks and up when it grows; a log value is clamped to
 * `[base^minval, base^maxval]`. Categorical and const values are kept unless
 * resampled. Nested groups are explored field by field, in the config's order,
 * every field drawing its coins even when its value cannot move, so the draws
 * do not depend on the values.
 */
import type { HParams, HParamValue, HyperparameterSpec } from "../protocol/config/types.js";
import { sampleHParam } from "./hparams.js";
import { nextFloat } from "./rng.js";
import type { RngState } from "./types.js";

export interface ExploreSettings {
  resample_probability: number;
  perturb_factor: number;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function perturb(spec: HyperparameterSpec, old: HParamValue, grow: boolean, factor: number) {
  const multiplier = grow ? 1 + factor : 1 - factor;
  if (typeof old !== "number") return old;
  switch (spec.type) {
    case "int": {
      const scaled = old * multiplier;
      return clamp(grow ? Math.ceil(scaled) : Math.floor(scaled), spec.minval, spec.maxval);
    }
    case "double":
      return clamp(old * multiplier, spec.minval, spec.maxval);
    case "log":
      return clamp(old * multiplier, spec.base ** spec.minval, spec.base ** spec.maxval);
    default:
      return old;
  }
}

function isGroup(value: HParamValue | undefined): value is HParams {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** New hyperparameters near `old`; draws from `rng`. */
export function exploreHParams(
  specs: Record<string, HyperparameterSpec>,
  old: HParams,
  settings: ExploreSettings,
  rng: RngState,
): HParams {
  const out: HParams = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = old[name];
    if (spec.type === "object") {
      out[name] = exploreHParams(spec.fields, isGroup(value) ? value : {}, settings, rng);
      continue;
    }
    if (value === undefined || nextFloat(rng) < settings.resample_probability) {
      out[name] = sampleHParam(spec, rng);
      continue;
    }
    const grow = nextFloat(rng) >= 0.5;
    out[name] = perturb(spec, value, grow, settings.perturb_factor);
  }
  return out;
}
