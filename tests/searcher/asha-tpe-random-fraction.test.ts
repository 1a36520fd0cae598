import { describe, expect, it } from "vitest";
import type { HParams } from "../../src/protocol/config/types.js";
import type { CreateOp } from "../../src/searcher/types.js";
import { asyncHalving, batches, experimentConfig } from "./support/config.js";
import { runTable } from "./support/simulation.js";

/**
 * BOHB samples a third of its new trials at random however sure its model
 * is, so that a few results (noisy, or from a short rung that ranks trials
 * badly) cannot hold the whole search at one point.
 */
describe("ASHA with sampler: tpe, once it models the results", () => {
  it("still samples about a third of its new trials from the whole space", () => {
    const config = experimentConfig(
      {
        ...asyncHalving({ max_length: batches(900), max_trials: 300, max_concurrent_trials: 3 }),
        sampler: "tpe",
        n_startup_trials: 10,
        gamma: 0.1,
        n_ei_candidates: 24,
      },
      { hyperparameters: { x: { type: "double", minval: 0, maxval: 1 } } },
    );
    // Best at x = 0: a model puts almost no new trial in the upper half of [0, 1).
    const metric = (_id: number, length: number, h: HParams) => (h.x as number) + 100 / length;
    const creates = runTable(config, metric)
      .ops.flat()
      .filter((op): op is CreateOp => op.type === "create");
    const modelled = creates.slice(20);
    const upper = modelled.filter((op) => (op.hparams.x as number) >= 0.5).length;
    // Random draws land there half the time: 1/3 * 1/2 of the trials, give or take.
    expect(upper / modelled.length).toBeGreaterThan(0.1);
    expect(upper / modelled.length).toBeLessThan(0.3);
  });
});
