/** pbt configs for searcher tests: a builder and a fast-check generator of small searches. */
import fc from "fast-check";
import type {
  ExperimentConfig,
  HyperparameterSpec,
  Length,
  PbtSearcherConfig,
} from "../../../src/protocol/config/types.js";
import { experimentConfig } from "./config.js";

export function pbt(
  fields: Partial<Omit<PbtSearcherConfig, "max_length">> = {},
): PbtSearcherConfig {
  const config = {
    name: "pbt" as const,
    metric: "validation_loss",
    smaller_is_better: true,
    population_size: 4,
    num_rounds: 3,
    length_per_round: { unit: "batches", value: 100 } as Length,
    replace_function: { truncate_fraction: 0.25 },
    explore_function: { resample_probability: 0.2, perturb_factor: 0.2 },
    ...fields,
  };
  const { unit, value } = config.length_per_round;
  return { ...config, max_length: { unit, value: value * config.num_rounds } };
}

/** Every kind of hyperparameter PBT explores. */
export const pbtHParams: Record<string, HyperparameterSpec> = {
  dropout: { type: "double", minval: 0.1, maxval: 0.5 },
  lr: { type: "log", minval: -4, maxval: -1, base: 10 },
  units: { type: "int", minval: 2, maxval: 64 },
  optimizer: { type: "categorical", vals: ["adam", "sgd"] },
  model: {
    type: "object",
    fields: {
      depth: { type: "int", minval: 1, maxval: 3 },
      activation: { type: "const", val: "relu" },
    },
  },
};

export const pbtExperiment: fc.Arbitrary<ExperimentConfig> = fc
  .record({
    population_size: fc.integer({ min: 1, max: 6 }),
    num_rounds: fc.integer({ min: 1, max: 5 }),
    per_round: fc.integer({ min: 1, max: 50 }),
    truncate_fraction: fc.constantFrom(0, 0.2, 0.25, 0.5, 0.8, 1),
    resample_probability: fc.constantFrom(0, 0.3, 1),
    perturb_factor: fc.constantFrom(0, 0.2, 1),
    smaller_is_better: fc.boolean(),
    seed: fc.integer(),
  })
  .map((r) =>
    experimentConfig(
      pbt({
        population_size: r.population_size,
        num_rounds: r.num_rounds,
        length_per_round: { unit: "batches", value: r.per_round },
        smaller_is_better: r.smaller_is_better,
        replace_function: { truncate_fraction: r.truncate_fraction },
        explore_function: {
          resample_probability: r.resample_probability,
          perturb_factor: r.perturb_factor,
        },
      }),
      { hyperparameters: pbtHParams, seed: r.seed },
    ),
  );
