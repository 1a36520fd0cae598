import { describe, expect, it } from "vitest";
import type { HParams } from "../../src/protocol/config/types.js";
import { peakBusy } from "./support/busy.js";
import { everyKindHParams, experimentConfig, random, tpe } from "./support/config.js";
import { expectPlan, runTable } from "./support/simulation.js";

/** A metric that prefers small dropout and 4 units: trials differ, so TPE has something to learn. */
const bowl = (h: HParams) => {
  const dropout = h.dropout as number;
  const units = h.units as number;
  return (dropout - 0.1) ** 2 + (units - 4) ** 2 / 16;
};

describe("tpe search", () => {
  const config = experimentConfig(tpe({ max_trials: 30, max_concurrent_trials: 2 }), {
    hyperparameters: everyKindHParams,
  });
  const byHParams = (_id: number, _length: number, h: HParams) => bowl(h);

  it("trains max_trials trials once each to max_length and closes them", () => {
    const run = expectPlan(experimentConfig(tpe({ max_trials: 5 })), () => 0.1, {
      "1-5": "1000",
    });
    expect(run.ops[0]!.slice(0, 3)).toEqual([
      expect.objectContaining({ type: "create", requestId: 1 }),
      { type: "validateAfter", requestId: 1, length: 1000 },
      { type: "close", requestId: 1 },
    ]);
  });

  it("keeps at most max_concurrent_trials trials busy", () => {
    const run = expectPlan(config, () => 0.1, { "1-30": "1000" });
    expect(peakBusy(run.events, run.ops)).toBe(2);
  });

  it("replaces a trial that exits with INVALID_HP without counting it toward max_trials", () => {
    const small = experimentConfig(tpe({ max_trials: 4, max_concurrent_trials: 2 }));
    const run = expectPlan(small, (id) => (id === 2 || id === 3 ? { exit: "INVALID_HP" } : 0.1), {
      "1": "1000",
      "2-3": "exit",
      "4-6": "1000",
    });
    expect(run.trials).toHaveLength(6);
  });

  it("samples like random search, trial seeds included, until n_startup_trials results are in", () => {
    const asRandom = experimentConfig(random({ max_trials: 30, max_concurrent_trials: 2 }), {
      hyperparameters: everyKindHParams,
    });
    const metric = () => 0.5;
    const creates = (c: typeof config) =>
      runTable(c, metric)
        .ops.flat()
        .filter((op) => op.type === "create");
    const tpeCreates = creates(config);
    const randomCreates = creates(asRandom);
    // Two trials run at once: trials 1–11 are created before the 10th result arrives.
    expect(tpeCreates.slice(0, 11)).toEqual(randomCreates.slice(0, 11));
    expect(tpeCreates[11]!.hparams).not.toEqual(randomCreates[11]!.hparams);
  });

  it("is random search when n_startup_trials is at least max_trials", () => {
    const startup = experimentConfig(tpe({ max_trials: 12, n_startup_trials: 12 }), {
      hyperparameters: everyKindHParams,
    });
    const asRandom = experimentConfig(random({ max_trials: 12 }), {
      hyperparameters: everyKindHParams,
    });
    expect(runTable(startup, () => 0.5).ops).toEqual(runTable(asRandom, () => 0.5).ops);
  });

  it("samples every kind of hyperparameter inside its domain, constants and nesting kept", () => {
    const run = runTable(config, byHParams);
    expect(new Set(run.trials.map((t) => t.hparams.optimizer))).toHaveProperty("size", 3);
    for (const { hparams: h } of run.trials) {
      const dropout = h.dropout as number;
      const lr = h.lr as number;
      const units = h.units as number;
      expect(dropout >= 0.1 && dropout < 0.5).toBe(true);
      expect(lr >= 1e-4 && lr <= 1e-1).toBe(true);
      expect(Number.isInteger(units) && units >= 2 && units <= 6).toBe(true);
      expect(["adam", "sgd", { name: "rmsprop", rho: 0.9 }]).toContainEqual(h.optimizer);
      expect(h.model).toEqual({ depth: expect.any(Number), activation: "relu" });
      expect(h.batch).toBe(64);
      expect(Object.keys(h)).toEqual(["dropout", "lr", "units", "optimizer", "model", "batch"]);
    }
  });

  it("gives the same plan for the same seed and another plan for another seed", () => {
    const plan = (seed: number) => {
      const c = { ...config, reproducibility: { experiment_seed: seed } };
      return runTable(c, byHParams).ops;
    };
    expect(plan(7)).toEqual(plan(7));
    expect(plan(7)).not.toEqual(plan(8));
  });
});
