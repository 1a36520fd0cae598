import { describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { experimentConfigToInput } from "../../src/protocol/config/to-input.js";
import { parsed } from "./support/parsed.js";

const pbtFields = {
  name: "pbt",
  metric: "loss",
  population_size: 8,
  num_rounds: 4,
  length_per_round: { batches: 50 },
  replace_function: { truncate_fraction: 0.25 },
  explore_function: { resample_probability: 0.2, perturb_factor: 0.2 },
};

function config(searcher: Record<string, unknown>): Record<string, unknown> {
  return { entrypoint: "node train.js", searcher };
}

function errorsOf(searcher: Record<string, unknown>): [string, string][] {
  const result = parseExperimentConfig(config(searcher));
  return result.ok ? [] : result.errors.map((e) => [e.path, e.message]);
}

describe("the pbt searcher's config", () => {
  test("takes Determined's fields; max_length is num_rounds × length_per_round", () => {
    expect(parsed(config(pbtFields)).searcher).toEqual({
      name: "pbt",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 200 },
      population_size: 8,
      num_rounds: 4,
      length_per_round: { unit: "batches", value: 50 },
      replace_function: { truncate_fraction: 0.25 },
      explore_function: { resample_probability: 0.2, perturb_factor: 0.2 },
    });
  });

  test("reads back what it writes", () => {
    const once = parsed(config(pbtFields));
    expect(parsed(experimentConfigToInput(once))).toEqual(once);
  });

  test("keeps source_checkpoint_uuid, the checkpoint the first population starts from", () => {
    const uuid = "0b7e8a52-6c1f-4f4e-9d0a-2f4b5c6d7e8f";
    const once = parsed(config({ ...pbtFields, source_checkpoint_uuid: uuid }));
    expect(once.searcher).toMatchObject({ name: "pbt", source_checkpoint_uuid: uuid });
    expect(parsed(experimentConfigToInput(once))).toEqual(once);
  });

  test("requires every field of its own, naming each", () => {
    expect(errorsOf({ name: "pbt", metric: "loss" })).toEqual([
      ["searcher.population_size", "is required for the pbt searcher (an integer >= 1)"],
      ["searcher.num_rounds", "is required for the pbt searcher (an integer >= 1)"],
      [
        "searcher.length_per_round",
        "is required for the pbt searcher (a length: {batches: N}, {records: N}, {epochs: N} or a unitless integer N >= 1)",
      ],
      [
        "searcher.replace_function",
        "is required for the pbt searcher (a mapping with truncate_fraction (numbers between 0 and 1))",
      ],
      [
        "searcher.explore_function",
        "is required for the pbt searcher (a mapping with resample_probability and perturb_factor (numbers between 0 and 1))",
      ],
    ]);
  });

  test("names each invalid setting, all at once", () => {
    expect(
      errorsOf({
        ...pbtFields,
        population_size: 0,
        replace_function: { truncate_fraction: 1.5 },
        explore_function: { resample_probability: -1, perturb: 0.2 },
      }),
    ).toEqual([
      ["searcher.population_size", "must be an integer >= 1, got 0"],
      ["searcher.replace_function.truncate_fraction", "must be a number between 0 and 1, got 1.5"],
      [
        "searcher.explore_function.perturb",
        "unknown field; expected one of: resample_probability, perturb_factor",
      ],
      [
        "searcher.explore_function.resample_probability",
        "must be a number between 0 and 1, got -1",
      ],
      [
        "searcher.explore_function.perturb_factor",
        "is required for the pbt searcher (a number between 0 and 1)",
      ],
    ]);
  });

  test("accepts a max_length only if it is what the rounds add up to", () => {
    expect(errorsOf({ ...pbtFields, max_length: { batches: 200 } })).toEqual([]);
    expect(errorsOf({ ...pbtFields, max_length: { batches: 300 } })).toEqual([
      [
        "searcher.max_length",
        "must be num_rounds × length_per_round (200 batches) for the pbt searcher, or left out",
      ],
    ]);
  });

  test("rejects other searchers' fields, and bounds the trials it may create", () => {
    expect(errorsOf({ ...pbtFields, max_trials: 4 })).toEqual([
      [
        "searcher.max_trials",
        "is not a field of the pbt searcher (it is used by random, async_halving, adaptive_asha, tpe)",
      ],
    ]);
    expect(errorsOf({ ...pbtFields, population_size: 1000, num_rounds: 1000 })).toEqual([
      [
        "searcher.num_rounds",
        "population_size × num_rounds must be at most 100000 (it bounds the trials created), got 1000 × 1000",
      ],
    ]);
  });
});
