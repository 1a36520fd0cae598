import { describe, expect, it } from "vitest";
import { newSearcher, stepSearcher } from "../../src/searcher/searcher.js";
import type { SearcherOp } from "../../src/searcher/types.js";
import { peakBusy } from "./support/busy.js";
import { batches, experimentConfig, random } from "./support/config.js";
import { expectPlan } from "./support/simulation.js";

describe("random search", () => {
  it("trains max_trials trials once each to max_length and closes them", () => {
    const run = expectPlan(experimentConfig(random({ max_trials: 5 })), () => 0.1, {
      "1-5": "1000",
    });
    const first = run.ops[0]!;
    expect(first.slice(0, 3)).toEqual([
      expect.objectContaining({ type: "create", requestId: 1 }),
      { type: "validateAfter", requestId: 1, length: 1000 },
      { type: "close", requestId: 1 },
    ]);
  });

  it("keeps at most max_concurrent_trials trials busy", () => {
    const config = experimentConfig(random({ max_trials: 10, max_concurrent_trials: 3 }));
    const run = expectPlan(config, () => 0.1, { "1-10": "1000" });
    expect(peakBusy(run.events, run.ops)).toBe(3);
  });

  it("creates every trial at once when max_concurrent_trials is 0", () => {
    const config = experimentConfig(random({ max_trials: 6, max_concurrent_trials: 0 }));
    const run = expectPlan(config, () => 0.1, { "1-6": "1000" });
    expect(run.ops[0]!.filter((op) => op.type === "create")).toHaveLength(6);
  });

  it("replaces a trial that exits with INVALID_HP without counting it toward max_trials", () => {
    const config = experimentConfig(random({ max_trials: 4, max_concurrent_trials: 2 }));
    const run = expectPlan(config, (id) => (id === 2 || id === 3 ? { exit: "INVALID_HP" } : 0.1), {
      "1": "1000",
      "2-3": "exit",
      "4-6": "1000",
    });
    expect(run.trials).toHaveLength(6);
  });

  it("counts other early exits as finished trials", () => {
    const config = experimentConfig(random({ max_trials: 4, max_concurrent_trials: 2 }));
    expectPlan(
      config,
      (id) => (id === 2 ? { exit: "ERRORED" } : id === 3 ? { exit: "USER_CANCELED" } : 0.1),
      {
        "1": "1000",
        "2-3": "exit",
        "4": "1000",
      },
    );
  });

  it("reports failure at shutdown only when every trial errored", () => {
    const config = experimentConfig(random({ max_trials: 3, max_length: batches(10) }));
    const shutdownOf = (ops: SearcherOp[][]) => ops.flat().find((op) => op.type === "shutdown");
    const allErrored = expectPlan(config, () => ({ exit: "ERRORED" }), { "1-3": "exit" });
    expect(shutdownOf(allErrored.ops)).toEqual({
      type: "shutdown",
      cancel: false,
      failure: true,
      reason: "every trial failed",
    });
    const oneCanceled = expectPlan(
      config,
      (id) => (id === 3 ? { exit: "USER_CANCELED" } : { exit: "ERRORED" }),
      { "1-3": "exit" },
    );
    expect(shutdownOf(oneCanceled.ops)).toEqual({
      type: "shutdown",
      cancel: false,
      failure: false,
    });
    const oneValidated = expectPlan(config, (id) => (id === 1 ? 0.5 : { exit: "ERRORED" }), {
      "1": "10",
      "2-3": "exit",
    });
    expect(shutdownOf(oneValidated.ops)).toEqual({
      type: "shutdown",
      cancel: false,
      failure: false,
    });
  });

  it("samples hyperparameters from the seed: the same seed gives the same trials", () => {
    const config = experimentConfig(random({ max_trials: 3 }), { seed: 7 });
    const created = (seed: number) => {
      const c = { ...config, reproducibility: { experiment_seed: seed } };
      return stepSearcher(c, newSearcher(c), { type: "initialize" }).ops.filter(
        (op) => op.type === "create",
      );
    };
    expect(created(7)).toEqual(created(7));
    expect(created(7)).not.toEqual(created(8));
  });
});
