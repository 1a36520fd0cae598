/**
 * A config cannot ask for unbounded work: at most 100,000 trials, a grid of
 * at most 100,000 points, at most 100,000 points on one axis and 100 rungs.
 * Each refusal names the field (and, for a grid, the axes and their product).
 */
import { describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { cfg } from "./support/config-builders.js";

function errorsOf(input: unknown): string[] {
  const result = parseExperimentConfig(input);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

const grid = (hyperparameters: Record<string, unknown>) =>
  cfg({ hyperparameters }, { name: "grid", max_trials: undefined });

describe("limits of a search", () => {
  test("100,000 trials are allowed, one more is not", () => {
    expect(errorsOf(cfg({}, { max_trials: 100_000 }))).toEqual([]);
    expect(errorsOf(cfg({}, { max_trials: 1_000_000 }))).toEqual([
      "searcher.max_trials: must be at most 100,000, got 1000000",
    ]);
  });

  test("ASHA's trials are bounded the same way", () => {
    expect(errorsOf(cfg({}, { name: "async_halving", num_rungs: 3, max_trials: 100_001 }))).toEqual(
      ["searcher.max_trials: must be at most 100,000, got 100001"],
    );
  });

  test("a range is one a sampler can draw from", () => {
    const hp = (spec: Record<string, unknown>) => errorsOf(cfg({ hyperparameters: { x: spec } }));
    expect(hp({ type: "int", minval: 0, maxval: Number.MAX_SAFE_INTEGER - 1 })).toEqual([]);
    expect(hp({ type: "int", minval: -5e15, maxval: 5e15 })).toEqual([
      `hyperparameters.x.maxval: must be less than ${Number.MAX_SAFE_INTEGER} above minval (-5000000000000000) for an int hyperparameter, got 5000000000000000`,
    ]);
    expect(hp({ type: "double", minval: -1e308, maxval: 1e308 })).toEqual([
      "hyperparameters.x.maxval: minus minval must be a finite number, got 1e+308 - -1e+308",
    ]);
    expect(hp({ type: "double", minval: -1e307, maxval: 1e307 })).toEqual([]);
  });

  test("pbt's rounds times their length stay a safe integer", () => {
    const pbt = {
      name: "pbt",
      metric: "loss",
      population_size: 10,
      num_rounds: 10_000,
      length_per_round: { batches: Number.MAX_SAFE_INTEGER },
      replace_function: { truncate_fraction: 0.2 },
      explore_function: { resample_probability: 0.2, perturb_factor: 0.2 },
    };
    expect(errorsOf(cfg({ searcher: pbt }))).toEqual([
      `searcher.num_rounds: num_rounds × length_per_round must be at most ${Number.MAX_SAFE_INTEGER} (it is the trials' max_length), got 10000 × ${Number.MAX_SAFE_INTEGER}`,
    ]);
  });

  test("a grid axis has at most 100,000 points", () => {
    expect(
      errorsOf(grid({ lr: { type: "double", minval: 0, maxval: 1, count: 100_001 } })),
    ).toEqual(["hyperparameters.lr.count: must be at most 100,000, got 100001"]);
  });

  test("a grid of two 100,000-point axes names both and their product", () => {
    const errors = errorsOf(
      grid({
        a: { type: "int", minval: 0, maxval: 1_000_000, count: 100_000 },
        b: { type: "double", minval: 0, maxval: 1, count: 100_000 },
      }),
    );
    expect(errors).toEqual([
      "hyperparameters: a grid of at most 100,000 points is allowed; a (100,000) × b (100,000) = 10,000,000,000 points",
    ]);
  });

  test("a grid's size counts nested axes and categorical values, and an int axis no more points than it has integers", () => {
    expect(
      errorsOf(
        grid({
          model: { depth: { type: "int", minval: 1, maxval: 3, count: 1000 } },
          opt: { type: "categorical", vals: ["adam", "sgd"] },
          lr: { type: "log", minval: -5, maxval: 0, count: 20_000 },
        }),
      ),
    ).toEqual([
      "hyperparameters: a grid of at most 100,000 points is allowed; model.depth (3) × opt (2) × lr (20,000) = 120,000 points",
    ]);
    expect(
      errorsOf(
        grid({
          depth: { type: "int", minval: 1, maxval: 5, count: 1000 },
          lr: { type: "log", minval: -5, maxval: 0, count: 20_000 },
        }),
      ),
    ).toEqual([]);
  });

  test("a search other than grid does not lay out its axes' counts", () => {
    expect(
      errorsOf(
        cfg({
          hyperparameters: {
            a: { type: "double", minval: 0, maxval: 1, count: 100_000 },
            b: { type: "double", minval: 0, maxval: 1, count: 100_000 },
          },
        }),
      ),
    ).toEqual([]);
  });

  test("rungs are at most 100", () => {
    expect(errorsOf(cfg({}, { name: "async_halving", num_rungs: 1000, max_trials: 10 }))).toEqual([
      "searcher.num_rungs: must be at most 100, got 1000",
    ]);
    expect(
      errorsOf(
        cfg({}, { name: "adaptive_asha", max_trials: 10, bracket_rungs: Array(101).fill(1) }),
      ),
    ).toEqual(["searcher.bracket_rungs: must have at most 100 items, got 101"]);
  });
});
