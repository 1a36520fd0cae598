import { describe, expect, it } from "vitest";
import { peakBusy } from "./support/busy.js";
import { asyncHalving, experimentConfig } from "./support/config.js";
import { expectPlan } from "./support/simulation.js";

const constant = () => 0.5;

describe("async_halving by promotion", () => {
  it("trains 12 trials to 1000, 4 on to 3000 and 1 to 9000 with a constant metric: 26,000 batches", () => {
    const config = experimentConfig(asyncHalving({ max_length: { unit: "batches", value: 9000 } }));
    const run = expectPlan(config, constant, {
      "1": "1000 3000 9000",
      "2-4": "1000 3000",
      "5-12": "1000",
    });
    expect(run.totalLength).toBe(26_000);
  });

  it("computes rung lengths the same way in records", () => {
    const config = experimentConfig(
      asyncHalving({ max_length: { unit: "records", value: 576_000 } }),
    );
    const run = expectPlan(config, constant, {
      "1": "64000 192000 576000",
      "2-4": "64000 192000",
      "5-12": "64000",
    });
    expect(run.totalLength).toBe(12 * 64_000 + 4 * 128_000 + 384_000);
  });

  it("rounds rung lengths down in epochs: floor(12/9) = 1, floor(12/3) = 4", () => {
    const config = experimentConfig(asyncHalving({ max_length: { unit: "epochs", value: 12 } }));
    expectPlan(config, constant, { "1": "1 4 12", "2-4": "1 4", "5-12": "1" });
  });

  it("promotes the best trials when trial i reports 0.01·i and smaller is better", () => {
    const config = experimentConfig(asyncHalving({ max_length: { unit: "batches", value: 9000 } }));
    expectPlan(config, (id) => 0.01 * id, {
      "1": "1000 3000 9000",
      "2-4": "1000 3000",
      "5-12": "1000",
    });
  });

  it("promotes the same trials with the metrics reversed and smaller_is_better false", () => {
    const config = experimentConfig(
      asyncHalving({ max_length: { unit: "batches", value: 9000 }, smaller_is_better: false }),
    );
    expectPlan(config, (id) => 1 - 0.01 * id, {
      "1": "1000 3000 9000",
      "2-4": "1000 3000",
      "5-12": "1000",
    });
  });

  it("gives the same plan with 3 trials at a time (Determined's test setting)", () => {
    const config = experimentConfig(
      asyncHalving({ max_length: { unit: "batches", value: 9000 }, max_concurrent_trials: 3 }),
    );
    const run = expectPlan(config, (id) => 0.01 * id, {
      "1": "1000 3000 9000",
      "2-4": "1000 3000",
      "5-12": "1000",
    });
    expect(peakBusy(run.events, run.ops)).toBe(3);
  });

  it("promotes a better late trial past an earlier one", () => {
    const config = experimentConfig(
      asyncHalving({
        num_rungs: 2,
        divisor: 2,
        max_trials: 4,
        max_length: { unit: "batches", value: 200 },
      }),
    );
    // Reports: 1 → 0.4, 2 → 0.3 (top 1 of 2 → promoted), 3 → 0.2 (promoted), 4 → 0.9.
    const metrics: Record<number, number> = { 1: 0.4, 2: 0.3, 3: 0.2, 4: 0.9 };
    expectPlan(config, (id) => metrics[id]!, { "1": "100", "2-3": "100 200", "4": "100" });
  });

  it("counts a trial that exits early as the worst result of its rung", () => {
    const config = experimentConfig(asyncHalving({ max_length: { unit: "batches", value: 9000 } }));
    // Trial 1 would be the best, but it errors before its first validation.
    expectPlan(config, (id) => (id === 1 ? { exit: "ERRORED" } : 0.01 * id), {
      "1": "exit",
      "2": "1000 3000 9000",
      "3-5": "1000 3000",
      "6-12": "1000",
    });
  });

  it("replaces a trial with invalid hyperparameters without counting it", () => {
    const config = experimentConfig(asyncHalving({ max_length: { unit: "batches", value: 9000 } }));
    const run = expectPlan(config, (id) => (id === 2 ? { exit: "INVALID_HP" } : 0.01 * id), {
      "1": "1000 3000 9000",
      "2": "exit",
      "3-5": "1000 3000",
      "6-13": "1000",
    });
    expect(run.trials).toHaveLength(13);
  });
});
