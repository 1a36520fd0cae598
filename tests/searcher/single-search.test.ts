import { describe, expect, it } from "vitest";
import { batches, experimentConfig, single } from "./support/config.js";
import { expectPlan } from "./support/simulation.js";

describe("single search", () => {
  it("trains one trial to max_length and shuts down once it is closed", () => {
    const run = expectPlan(experimentConfig(single({ max_length: batches(500) })), () => 1, {
      "1": "500",
    });
    const last = run.ops.at(-1)!;
    expect(run.events.at(-1)).toEqual({ type: "trialClosed", requestId: 1 });
    expect(last).toEqual([{ type: "shutdown", cancel: false, failure: false }]);
  });

  it("does not retry a single trial whose hyperparameters are invalid", () => {
    expectPlan(experimentConfig(single()), () => ({ exit: "INVALID_HP" }), { "1": "exit" });
  });
});
