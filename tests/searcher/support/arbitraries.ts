/** fast-check generators of small experiment configs for every search method. */
import fc from "fast-check";
import type {
  ExperimentConfig,
  HyperparameterSpec,
  Length,
  SearcherConfig,
} from "../../../src/protocol/config/types.js";
import { experimentConfig } from "./config.js";

const length: fc.Arbitrary<Length> = fc.record({
  unit: fc.constantFrom<Length["unit"]>("batches", "records", "epochs", "unitless"),
  // Small values make rungs share lengths, which is an edge case worth hitting.
  value: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 2000 })),
});

const common = fc.record({
  metric: fc.constant("loss"),
  smaller_is_better: fc.boolean(),
  max_length: length,
});

const concurrency = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }));

const divisor = fc.oneof(fc.integer({ min: 2, max: 4 }), fc.constant(2.5));

export const searcherConfig: fc.Arbitrary<SearcherConfig> = fc.oneof(
  common.map((c) => ({ ...c, name: "single" as const })),
  fc
    .record({ c: common, max_trials: fc.integer({ min: 1, max: 8 }), mct: concurrency })
    .map(({ c, max_trials, mct }) => ({
      ...c,
      name: "random" as const,
      max_trials,
      max_concurrent_trials: mct,
    })),
  fc
    .record({ c: common, mct: concurrency })
    .map(({ c, mct }) => ({ ...c, name: "grid" as const, max_concurrent_trials: mct })),
  fc
    .record({
      c: common,
      num_rungs: fc.integer({ min: 1, max: 4 }),
      divisor,
      max_trials: fc.integer({ min: 1, max: 14 }),
      mct: concurrency,
      stop_once: fc.boolean(),
    })
    .map(({ c, mct, ...rest }) => ({
      ...c,
      ...rest,
      name: "async_halving" as const,
      max_concurrent_trials: mct,
    })),
  fc
    .record({
      c: common,
      mode: fc.constantFrom("aggressive" as const, "standard" as const, "conservative" as const),
      divisor,
      max_rungs: fc.integer({ min: 1, max: 4 }),
      bracket_rungs: fc.option(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      ),
      max_trials: fc.integer({ min: 1, max: 16 }),
      mct: concurrency,
      stop_once: fc.boolean(),
    })
    .map(({ c, mct, ...rest }) => ({
      ...c,
      ...rest,
      name: "adaptive_asha" as const,
      max_concurrent_trials: mct,
    })),
);

const gridHParams: fc.Arbitrary<Record<string, HyperparameterSpec>> = fc.record({
  a: fc.record({
    type: fc.constant("int" as const),
    minval: fc.integer({ min: -3, max: 0 }),
    maxval: fc.integer({ min: 0, max: 3 }),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  b: fc.constant({ type: "categorical" as const, vals: ["x", "y"] }),
  c: fc.constant({
    type: "object" as const,
    fields: { d: { type: "double" as const, minval: 0, maxval: 1, count: 2 } },
  }),
});

export const experiment: fc.Arbitrary<ExperimentConfig> = fc
  .record({ searcher: searcherConfig, hparams: gridHParams, seed: fc.integer() })
  .map(({ searcher, hparams, seed }) =>
    experimentConfig(searcher, { hyperparameters: hparams, seed }),
  );

const tpeSettings = fc.record({
  n_startup_trials: fc.integer({ min: 0, max: 4 }),
  gamma: fc.constantFrom(0.1, 0.25, 1),
  n_ei_candidates: fc.integer({ min: 1, max: 8 }),
  multivariate: fc.boolean(),
});

/** Searches that sample with TPE: the tpe searcher, and both ASHA methods with sampler: tpe. */
export const tpeSearcherConfig: fc.Arbitrary<SearcherConfig> = fc.oneof(
  fc
    .record({
      c: common,
      max_trials: fc.integer({ min: 1, max: 12 }),
      mct: concurrency,
      tpe: tpeSettings,
    })
    .map(({ c, max_trials, mct, tpe }) => ({
      ...c,
      ...tpe,
      name: "tpe" as const,
      max_trials,
      max_concurrent_trials: mct,
    })),
  fc
    .record({ asha: searcherConfig, tpe: tpeSettings })
    .filter(({ asha }) => asha.name === "async_halving" || asha.name === "adaptive_asha")
    .map(({ asha, tpe }) => ({ ...asha, ...tpe, sampler: "tpe" as const })),
);

/** Every kind of hyperparameter TPE models, nested and constant ones included. */
const tpeHParams: fc.Arbitrary<Record<string, HyperparameterSpec>> = fc.record({
  a: fc.constant({ type: "double" as const, minval: 0, maxval: 1 }),
  b: fc.constant({ type: "log" as const, minval: -3, maxval: 0, base: 10 }),
  c: fc.record({
    type: fc.constant("int" as const),
    minval: fc.integer({ min: -3, max: 0 }),
    maxval: fc.integer({ min: 0, max: 3 }),
  }),
  d: fc.constant({ type: "categorical" as const, vals: ["x", 2, { y: true }] }),
  e: fc.constant({
    type: "object" as const,
    fields: {
      f: { type: "double" as const, minval: 2, maxval: 2 },
      g: { type: "const" as const, val: 7 },
    },
  }),
});

export const tpeExperiment: fc.Arbitrary<ExperimentConfig> = fc
  .record({ searcher: tpeSearcherConfig, hparams: tpeHParams, seed: fc.integer() })
  .map(({ searcher, hparams, seed }) =>
    experimentConfig(searcher, { hyperparameters: hparams, seed }),
  );
