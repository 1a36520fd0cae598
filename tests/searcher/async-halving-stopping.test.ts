import { describe, expect, it } from "vitest";
import { peakBusy } from "./support/busy.js";
import { asyncHalving, batches, experimentConfig } from "./support/config.js";
import { expectPlan } from "./support/simulation.js";

const stopping = (fields: Parameters<typeof asyncHalving>[0] = {}) =>
  experimentConfig(asyncHalving({ max_length: batches(9000), stop_once: true, ...fields }));

describe("async_halving by stopping (stop_once)", () => {
  it("lets one trial reach 9000 and stops the other 11 at 1000 when trial i reports i, 2 at a time", () => {
    const run = expectPlan(stopping({ max_concurrent_trials: 2 }), (id) => id, {
      "1": "1000 3000 9000",
      "2-12": "1000",
    });
    expect(peakBusy(run.events, run.ops)).toBe(2);
    expect(run.totalLength).toBe(12 * 1000 + 8000);
  });

  it("closes a trial as soon as it ranks outside the top third when it reports", () => {
    // Trial 1 reports first and continues (best of 1). Trial 2 is worse: stopped.
    // Trial 3 is better than both: it is best of 3, so it continues.
    const metrics: Record<number, number> = { 1: 0.5, 2: 0.6, 3: 0.1 };
    const run = expectPlan(
      stopping({ max_trials: 3, max_concurrent_trials: 1 }),
      (id) => metrics[id]!,
      { "1": "1000 3000 9000", "2": "1000", "3": "1000 3000 9000" },
    );
    expect(run.trials).toHaveLength(3);
  });

  it("never resumes a stopped trial, even once it would rank in the top", () => {
    // Trial 2 is stopped (worse than 1); later trials are all worse, so trial 2 would
    // be in the top floor(n/3) of rung 1 by the end, but it stays closed.
    const run = expectPlan(stopping({ max_trials: 6, max_concurrent_trials: 1 }), (id) => id, {
      "1": "1000 3000 9000",
      "2-6": "1000",
    });
    const closes = run.ops.flat().filter((op) => op.type === "close" && op.requestId === 2);
    expect(closes).toHaveLength(1);
  });

  it("lets a trial that ties with the best so far continue, as Determined's stopping ASHA does", () => {
    expectPlan(stopping(), () => 0.5, { "1-12": "1000 3000 9000" });
    // Ranked ahead of its equals, still behind a better result: 2 ties 1, 3 ties 2 and
    // is behind 1 (rank 1 of 3 with one to continue).
    expectPlan(
      stopping({ max_trials: 4, max_concurrent_trials: 1 }),
      (id) => [0.1, 0.5, 0.5, 0.1][id - 1]!,
      {
        "1": "1000 3000 9000",
        "2": "1000",
        "3": "1000",
        "4": "1000 3000 9000",
      },
    );
  });

  it("stops nobody when every trial is the best so far as it reports", () => {
    const run = expectPlan(stopping({ max_concurrent_trials: 4 }), (id) => 13 - id, {
      "1-12": "1000 3000 9000",
    });
    expect(peakBusy(run.events, run.ops)).toBe(4);
  });

  it("creates a trial for each one stopped, up to max_trials, at most max_concurrent_trials at once", () => {
    const run = expectPlan(stopping({ max_concurrent_trials: 4, max_trials: 9 }), (id) => id, {
      "1": "1000 3000 9000",
      "2-9": "1000",
    });
    expect(run.trials).toHaveLength(9);
    expect(peakBusy(run.events, run.ops)).toBe(4);
  });
});
