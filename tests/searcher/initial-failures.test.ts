/**
 * `max_initial_failures`: a search whose first trials all fail before any
 * trial has reported a validation (a script that fails for every trial) is
 * shut down as failed at the failure that reaches the limit, instead of
 * running every trial to its failure. Once a trial has validated, failures
 * are the search's business again, as before the rule existed.
 */
import { describe, expect, it } from "vitest";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { FIRST_TRIALS_INVALID } from "../../src/searcher/search-end.js";
import { advanceSearcher, newSearcher } from "../../src/searcher/searcher.js";
import type { SearcherOp } from "../../src/searcher/types.js";
import {
  adaptiveAsha,
  asyncHalving,
  batches,
  experimentConfig,
  grid,
  random,
  tpe,
} from "./support/config.js";
import { pbt, pbtHParams } from "./support/pbt-configs.js";
import { runTable } from "./support/simulation.js";

const shutdownOf = (ops: SearcherOp[][]) => ops.flat().find((op) => op.type === "shutdown");
const withLimit = (config: ExperimentConfig, limit: number | undefined): ExperimentConfig =>
  limit === undefined ? config : { ...config, max_initial_failures: limit };

const searches: Record<string, ExperimentConfig> = {
  random: experimentConfig(random({ max_trials: 12, max_concurrent_trials: 2 })),
  tpe: experimentConfig(tpe({ max_trials: 12, max_concurrent_trials: 2 })),
  async_halving: experimentConfig(
    asyncHalving({ max_length: batches(900), max_trials: 12, max_concurrent_trials: 2 }),
  ),
  adaptive_asha: experimentConfig(
    adaptiveAsha({ max_length: batches(900), max_trials: 12, max_concurrent_trials: 2 }),
  ),
  pbt: experimentConfig(pbt(), { hyperparameters: pbtHParams }),
};

describe("max_initial_failures", () => {
  for (const [name, config] of Object.entries(searches)) {
    it(`stops a ${name} search whose every trial fails at the third failure`, () => {
      const run = runTable(withLimit(config, 3), () => ({ exit: "ERRORED" }));
      expect(shutdownOf(run.ops)).toEqual({
        type: "shutdown",
        cancel: false,
        failure: true,
        reason: "3 trials failed before any trial reported a validation (max_initial_failures 3)",
      });
      // The trials the search had open then are stopped with it; no trial comes after.
      expect(run.trials.filter((t) => t.exited === "ERRORED")).toHaveLength(3);
      const last = run.events.findLastIndex((e) => e.type === "trialExitedEarly");
      expect(run.ops.slice(last + 1).flat()).toEqual([]);
    });
  }

  it("runs every trial when the limit is 0, or absent (configs stored before it existed)", () => {
    for (const limit of [0, undefined]) {
      const run = runTable(withLimit(searches.random!, limit), () => ({ exit: "ERRORED" }));
      expect(run.trials).toHaveLength(12);
      expect(shutdownOf(run.ops)).toMatchObject({ failure: true, reason: "every trial failed" });
    }
  });

  it("no longer applies once any trial has reported a validation", () => {
    const config = withLimit(searches.random!, 2);
    const run = runTable(config, (id) => (id === 1 ? 0.5 : { exit: "ERRORED" }));
    expect(run.trials).toHaveLength(12);
    expect(shutdownOf(run.ops)).toEqual({ type: "shutdown", cancel: false, failure: false });
  });

  it("counts failed trials, not trials closed or given invalid hyperparameters", () => {
    const config = withLimit(searches.random!, 3);
    const run = runTable(config, (id) =>
      id % 3 === 0 ? { exit: "ERRORED" } : id % 3 === 1 ? { exit: "INVALID_HP" } : 0.5,
    );
    expect(shutdownOf(run.ops)).toEqual({ type: "shutdown", cancel: false, failure: false });
    const noneValidated = runTable(config, (id) =>
      id <= 4 ? { exit: "INVALID_HP" } : id <= 6 ? { exit: "USER_CANCELED" } : { exit: "ERRORED" },
    );
    // Invalid ones are replaced and canceled ones are not failures: the third failure stops it.
    const exits = noneValidated.trials.map((t) => t.exited);
    expect(exits.slice(0, 6)).toEqual([
      ...Array(4).fill("INVALID_HP"),
      ...Array(2).fill("USER_CANCELED"),
    ]);
    expect(exits.filter((e) => e === "ERRORED")).toHaveLength(3);
    expect(exits.slice(exits.lastIndexOf("ERRORED") + 1).every((e) => e === null)).toBe(true);
    expect(shutdownOf(noneValidated.ops)).toMatchObject({ failure: true });
  });
});

describe("a search whose first trials all have invalid hyperparameters", () => {
  const reason = `the first ${FIRST_TRIALS_INVALID} trials all exited with invalid hyperparameters (INVALID_HP) before any trial reported a validation`;
  const invalidUntil = (last: number) => (id: number) =>
    id <= last ? { exit: "INVALID_HP" as const } : 0.5;

  for (const name of ["random", "tpe", "async_halving", "adaptive_asha"]) {
    it(`stops a ${name} search at its ${FIRST_TRIALS_INVALID}th invalid trial instead of replacing them for ever`, () => {
      const all = () => ({ exit: "INVALID_HP" as const });
      const run = runTable(withLimit(searches[name]!, 3), all, 10 * FIRST_TRIALS_INVALID);
      expect(shutdownOf(run.ops)).toEqual({
        type: "shutdown",
        cancel: false,
        failure: true,
        reason,
      });
      expect(run.trials.filter((t) => t.exited === "INVALID_HP")).toHaveLength(
        FIRST_TRIALS_INVALID,
      );
    });
  }

  it("goes on when a valid trial comes among the first, or with the limit 0 or absent", () => {
    const config = searches.random!;
    for (const limit of [0, undefined]) {
      const run = runTable(withLimit(config, limit), invalidUntil(FIRST_TRIALS_INVALID + 20));
      expect(shutdownOf(run.ops)).toEqual({ type: "shutdown", cancel: false, failure: false });
    }
    const oneValid = runTable(withLimit(config, 3), (id) =>
      id === 50 || id > 2 * FIRST_TRIALS_INVALID ? 0.5 : { exit: "INVALID_HP" as const },
    );
    expect(oneValid.trials.find((t) => t.lengths.length > 0)?.requestId).toBe(50);
    expect(oneValid.trials.length).toBeGreaterThan(2 * FIRST_TRIALS_INVALID);
    expect(shutdownOf(oneValid.ops)).toEqual({ type: "shutdown", cancel: false, failure: false });
  });

  it("goes on while one of the first trials is still training, however many invalid ones follow", () => {
    const config = withLimit(searches.random!, 3);
    const state = newSearcher(config);
    let ops = advanceSearcher(config, state, { type: "initialize" });
    // Trial 1 trains on; every other slot's trial exits INVALID_HP and is replaced.
    for (let i = 0; i < 3 * FIRST_TRIALS_INVALID; i++) {
      const create = ops.find((op) => op.type === "create" && op.requestId !== 1);
      expect(create).toBeDefined();
      const requestId = (create as { requestId: number }).requestId;
      advanceSearcher(config, state, { type: "trialCreated", requestId });
      ops = advanceSearcher(config, state, {
        type: "trialExitedEarly",
        requestId,
        reason: "INVALID_HP",
      });
      expect(ops.find((op) => op.type === "shutdown")).toBeUndefined();
    }
    // Still at its first operation (random gives it, and its close, at once).
    expect(state.trials[0]).toMatchObject({
      status: "closing",
      op: config.searcher.max_length.value,
    });
  });
});

describe("a search that does not replace invalid trials", () => {
  const gridSearch = experimentConfig(grid({ max_concurrent_trials: 2 }), {
    hyperparameters: { lr: { type: "double", minval: 0.1, maxval: 0.2, count: 4 } },
  });
  const cases: [string, ExperimentConfig][] = [
    ["grid", gridSearch],
    ["pbt", searches.pbt!],
  ];
  for (const [name, config] of cases) {
    it(`fails a ${name} search all of whose trials exited INVALID_HP, with or without the limit`, () => {
      for (const limit of [0, undefined, 3]) {
        const run = runTable(withLimit(config, limit), () => ({ exit: "INVALID_HP" }), 100);
        expect(shutdownOf(run.ops)).toEqual({
          type: "shutdown",
          cancel: false,
          failure: true,
          reason: "every trial exited with invalid hyperparameters (INVALID_HP)",
        });
      }
    });
  }

  it("says so when the others failed, and completes when one trial validated", () => {
    const config = withLimit(gridSearch, 0);
    const mixed = runTable(config, (id) =>
      id === 2 ? { exit: "ERRORED" } : { exit: "INVALID_HP" },
    );
    expect(shutdownOf(mixed.ops)).toMatchObject({
      failure: true,
      reason: "every trial failed or exited with invalid hyperparameters (INVALID_HP)",
    });
    const oneValid = runTable(config, (id) => (id === 3 ? 0.5 : { exit: "INVALID_HP" }));
    expect(shutdownOf(oneValid.ops)).toEqual({ type: "shutdown", cancel: false, failure: false });
  });
});
