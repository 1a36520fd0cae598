/** Hyperparameters as flat columns (nested ones as `model.depth`): what each column holds. */
import {
  columnSpecs,
  type FlatHparams,
  type HParamSpecs,
} from "../../protocol/analysis/flat-hparams.js";
import type { TrialSummary } from "../../protocol/api/resources.js";
import type { HyperparameterSpec } from "../../protocol/config/types.js";

export type Flat = FlatHparams;

export interface HParamColumn {
  key: string;
  /** Every value is a number. */
  numeric: boolean;
  /** Sampled on a log scale (config type `log`). */
  log: boolean;
  /** Distinct values, sorted, when not numeric. */
  categories: string[];
  /** Only one value among all trials. */
  constant: boolean;
  /** The range the config samples from (int, double, log); null for the others. */
  range: [number, number] | null;
}

/** Where a numeric hyperparameter is sampled from; a log one's bounds are exponents of its base. */
function configuredRange(spec: HyperparameterSpec | undefined): [number, number] | null {
  if (spec?.type === "int" || spec?.type === "double") return [spec.minval, spec.maxval];
  if (spec?.type === "log") {
    // Rounded: 10 ** -4 is 0.00009999999999999999 in floating point.
    const power = (e: number) => Number((spec.base ** e).toPrecision(12));
    return [power(spec.minval), power(spec.maxval)];
  }
  return null;
}

/** `range` widened to take in `values` (a trial may lie outside it: a forked config, PBT). */
export function spanWith(range: [number, number] | null, lo: number, hi: number): [number, number] {
  if (!range) return [lo, hi];
  return [Math.min(range[0], lo), Math.max(range[1], hi)];
}

export function hparamColumns(flat: Flat[], specs: HParamSpecs): HParamColumn[] {
  const spec = columnSpecs(specs);
  const keys = new Map<string, Set<string>>();
  const numeric = new Map<string, boolean>();
  for (const h of flat) {
    for (const [k, v] of Object.entries(h)) {
      let set = keys.get(k);
      if (!set) {
        set = new Set();
        keys.set(k, set);
        numeric.set(k, true);
      }
      if (set.size < 1000) set.add(typeof v === "string" ? v : JSON.stringify(v));
      if (typeof v !== "number") numeric.set(k, false);
    }
  }
  return [...keys.entries()]
    .map(([key, values]) => ({
      key,
      numeric: numeric.get(key) ?? false,
      log: spec.get(key)?.type === "log",
      categories: numeric.get(key) ? [] : [...values].sort(),
      constant: values.size <= 1,
      range: configuredRange(spec.get(key)),
    }))
    .sort((a, b) => Number(a.constant) - Number(b.constant) || a.key.localeCompare(b.key));
}

/** The trial whose best validation is best in the search's direction. */
export function bestTrial(trials: readonly TrialSummary[], smallerIsBetter: boolean) {
  let best: TrialSummary | null = null;
  for (const t of trials) {
    if (t.bestValidation === null) continue;
    if (
      !best ||
      (smallerIsBetter
        ? t.bestValidation < best.bestValidation!
        : t.bestValidation > best.bestValidation!)
    )
      best = t;
  }
  return best;
}
