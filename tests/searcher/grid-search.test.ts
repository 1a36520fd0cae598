import { describe, expect, it } from "vitest";
import type { CreateOp } from "../../src/searcher/types.js";
import { peakBusy } from "./support/busy.js";
import { experimentConfig, grid } from "./support/config.js";
import { expectPlan } from "./support/simulation.js";

describe("grid search", () => {
  const config = experimentConfig(grid({ max_concurrent_trials: 2 }), {
    hyperparameters: {
      x: { type: "int", minval: 0, maxval: 20, count: 3 },
      y: { type: "int", minval: 0, maxval: 10, count: 3 },
      opt: { type: "const", val: "adam" },
    },
  });

  it("creates one trial per grid point, in grid order, each trained to max_length", () => {
    const run = expectPlan(config, () => 0.1, { "1-9": "1000" });
    const points = run.ops
      .flat()
      .filter((op): op is CreateOp => op.type === "create")
      .map((op) => [op.hparams.x, op.hparams.y, op.hparams.opt]);
    expect(points).toEqual([
      [0, 0, "adam"],
      [0, 5, "adam"],
      [0, 10, "adam"],
      [10, 0, "adam"],
      [10, 5, "adam"],
      [10, 10, "adam"],
      [20, 0, "adam"],
      [20, 5, "adam"],
      [20, 10, "adam"],
    ]);
  });

  it("keeps at most max_concurrent_trials trials busy", () => {
    const run = expectPlan(config, () => 0.1, { "1-9": "1000" });
    expect(peakBusy(run.events, run.ops)).toBe(2);
  });

  it("does not replace a grid point whose hyperparameters are invalid", () => {
    expectPlan(config, (id) => (id === 4 ? { exit: "INVALID_HP" } : 0.1), {
      "1-3": "1000",
      "4": "exit",
      "5-9": "1000",
    });
  });
});
