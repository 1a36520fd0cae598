import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ExperimentConfig, HParams, SearcherConfig } from "../../src/protocol/config/types.js";
import { nextFloat, seedRng } from "../../src/searcher/rng.js";
import type { TrialOutcome } from "../../src/searcher/simulate.js";
import { simulate } from "../../src/searcher/simulate.js";
import {
  adaptiveAsha,
  asyncHalving,
  batches,
  everyKindHParams,
  experimentConfig,
  tpe,
} from "./support/config.js";

/**
 * TPE's decisions, pinned: the hparams of every trial of long searches,
 * hashed. The searches go past 250 results (the good set reaches its cap of
 * 25, observation weights ramp with age), have ties in the metric and in the
 * int hyperparameters, and forget trials that exit with INVALID_HP. The
 * values were recorded when the sampler sorted every result on every
 * decision; the faster sampler must decide exactly as that one did. ASHA's
 * were recorded again when its sampler took up BOHB's rule (the good set
 * from the modelled rung's own ranking, d + 1 points per set, a third of
 * new trials at random). All were recorded again when the estimator took up
 Optuna's categorical kernels (prior_weight / (n + 1) per value) and gave an
 integer the mass of its unit bin instead of the density at its point.
 */
function fingerprint(config: ExperimentConfig): string {
  const noise = seedRng(11, 2);
  const hash = createHash("sha256");
  const { trials } = simulate(config, {
    report({ requestId, hparams, length }): TrialOutcome {
      if (requestId % 37 === 0) return { exit: "INVALID_HP" };
      return metric(hparams, length, nextFloat(noise));
    },
  });
  for (const trial of trials) hash.update(JSON.stringify(trial.hparams));
  return `${trials.length}:${hash.digest("hex").slice(0, 16)}`;
}

/** A bowl in dropout and units, rounded to tenths so that results tie. */
function metric(h: HParams, length: number, noise: number): number {
  const depth = (h.model as HParams).depth as number;
  const raw =
    ((h.dropout as number) - 0.2) ** 2 * 20 +
    Math.abs((h.units as number) - 4) +
    depth / 2 +
    (h.optimizer === "sgd" ? 1 : 0) +
    noise +
    100 / length;
  return Math.round(raw * 10) / 10;
}

const sampling = (n_startup_trials: number, gamma: number, n_ei_candidates: number) =>
  ({ sampler: "tpe", n_startup_trials, gamma, n_ei_candidates }) as const;

const cases: [string, SearcherConfig, string][] = [
  [
    "a tpe search of 320 trials",
    tpe({ max_trials: 320, max_concurrent_trials: 4 }),
    "328:a285d958f3cee716",
  ],
  [
    "a multivariate tpe search of 320 trials",
    tpe({ max_trials: 320, max_concurrent_trials: 4, multivariate: true }),
    "328:df55c5edf0d21825",
  ],
  [
    "async_halving with sampler: tpe over 600 trials",
    {
      ...asyncHalving({ max_length: batches(900), max_trials: 600, max_concurrent_trials: 4 }),
      ...sampling(8, 0.15, 16),
    },
    "616:fa2ffb59c427fd05",
  ],
  [
    "adaptive ASHA with sampler: tpe over 400 trials",
    {
      ...adaptiveAsha({ max_length: batches(1600), max_trials: 400, max_concurrent_trials: 6 }),
      ...sampling(10, 0.1, 24),
    },
    "411:56eb21d4e83876db",
  ],
];

describe("TPE decisions", () => {
  for (const [name, searcher, expected] of cases) {
    it(`are the same for ${name}`, () => {
      const config = experimentConfig(searcher, { hyperparameters: everyKindHParams });
      expect(fingerprint(config)).toBe(expected);
    });
  }
});
