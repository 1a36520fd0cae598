import { describe, expect, test } from "vitest";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { minimal, parsed } from "./support/parsed.js";

function errorsOf(searcher: Record<string, unknown>): [string, string][] {
  const result = parseExperimentConfig(minimal(searcher));
  return result.ok ? [] : result.errors.map((e) => [e.path, e.message]);
}

describe("the tpe searcher's config", () => {
  test("fills Optuna's defaults: 10 startup trials, gamma 0.1, 24 candidates, independent", () => {
    expect(parsed(minimal({ name: "tpe", max_trials: 20 })).searcher).toEqual({
      name: "tpe",
      metric: "loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 10 },
      max_trials: 20,
      max_concurrent_trials: 16,
      n_startup_trials: 10,
      gamma: 0.1,
      n_ei_candidates: 24,
      multivariate: false,
    });
  });

  test("takes its own settings", () => {
    const searcher = parsed(
      minimal({
        name: "tpe",
        max_trials: 5,
        n_startup_trials: 0,
        gamma: 1,
        n_ei_candidates: 1,
        multivariate: true,
      }),
    ).searcher;
    expect(searcher).toMatchObject({
      n_startup_trials: 0,
      gamma: 1,
      n_ei_candidates: 1,
      multivariate: true,
    });
  });

  test("takes multivariate only as a boolean", () => {
    expect(errorsOf({ name: "tpe", max_trials: 5, multivariate: "yes" })).toHaveLength(1);
    expect(errorsOf({ name: "tpe", max_trials: 5, multivariate: "yes" })[0]![0]).toBe(
      "searcher.multivariate",
    );
  });

  test("requires max_trials", () => {
    expect(errorsOf({ name: "tpe" })).toEqual([
      ["searcher.max_trials", "is required for the tpe searcher (an integer >= 1)"],
    ]);
  });

  test("names each invalid setting and what it must be, all at once", () => {
    expect(
      errorsOf({
        name: "tpe",
        max_trials: 5,
        n_startup_trials: -1,
        gamma: 0,
        n_ei_candidates: 1.5,
      }),
    ).toEqual([
      ["searcher.n_startup_trials", "must be an integer >= 0, got -1"],
      ["searcher.gamma", "must be a number > 0 and <= 1, got 0"],
      ["searcher.n_ei_candidates", "must be an integer >= 1, got 1.5"],
    ]);
    expect(errorsOf({ name: "tpe", max_trials: 5, gamma: 1.5 })).toEqual([
      ["searcher.gamma", "must be a number > 0 and <= 1, got 1.5"],
    ]);
    expect(errorsOf({ name: "tpe", max_trials: 5, n_ei_candidates: 20_000 })).toEqual([
      ["searcher.n_ei_candidates", "must be at most 10,000, got 20000"],
    ]);
  });

  test("rejects ASHA's fields, naming who uses them", () => {
    expect(errorsOf({ name: "tpe", max_trials: 5, sampler: "tpe", divisor: 3 })).toEqual([
      [
        "searcher.sampler",
        "is not a field of the tpe searcher (it is used by async_halving, adaptive_asha)",
      ],
      [
        "searcher.divisor",
        "is not a field of the tpe searcher (it is used by async_halving, adaptive_asha)",
      ],
    ]);
  });
});

describe("ASHA's sampler", () => {
  const asha = { name: "async_halving", num_rungs: 2, max_trials: 8 };

  test("is random and absent from the parsed config unless given", () => {
    const searcher = parsed(minimal(asha)).searcher;
    expect(searcher).not.toHaveProperty("sampler");
    expect(searcher).not.toHaveProperty("gamma");
    expect(parsed(minimal({ ...asha, sampler: "random" })).searcher).toEqual(searcher);
  });

  test("sampler: tpe sets every TPE setting, defaults filled", () => {
    expect(parsed(minimal({ ...asha, sampler: "tpe", gamma: 0.25 })).searcher).toMatchObject({
      sampler: "tpe",
      n_startup_trials: 10,
      gamma: 0.25,
      n_ei_candidates: 24,
    });
    expect(
      parsed(minimal({ name: "adaptive_asha", max_trials: 8, sampler: "tpe" })).searcher,
    ).toMatchObject({ sampler: "tpe", n_startup_trials: 10 });
  });

  test("rejects TPE settings without sampler: tpe, which would ignore them", () => {
    expect(errorsOf({ ...asha, n_startup_trials: 4, gamma: 0.2 })).toEqual([
      ["searcher.n_startup_trials", "is used only with sampler: tpe (set searcher.sampler: tpe)"],
      ["searcher.gamma", "is used only with sampler: tpe (set searcher.sampler: tpe)"],
    ]);
  });

  test("names an unknown sampler, with a suggestion", () => {
    expect(errorsOf({ ...asha, sampler: "TPE" })).toEqual([
      ["searcher.sampler", expect.stringContaining('must be one of random, tpe, got "TPE"')],
    ]);
  });

  test("is not a field of random search", () => {
    expect(errorsOf({ name: "random", max_trials: 3, sampler: "tpe" })).toEqual([
      [
        "searcher.sampler",
        "is not a field of the random searcher (it is used by async_halving, adaptive_asha)",
      ],
    ]);
  });
});
