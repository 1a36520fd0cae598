import { describe, expect, it } from "vitest";
import {
  advanceSearcher,
  newSearcher,
  type SearcherState,
  searcherProgress,
} from "../../src/searcher/searcher.js";
import type { SearcherEvent } from "../../src/searcher/types.js";
import { asyncHalving, batches, experimentConfig, random } from "./support/config.js";

function run(config: ReturnType<typeof experimentConfig>, events: SearcherEvent[]) {
  const state = newSearcher(config);
  const seen: number[] = [searcherProgress(state)];
  for (const event of events) {
    advanceSearcher(config, state, event);
    seen.push(searcherProgress(state));
  }
  return { state, seen };
}

const created = (n: number): SearcherEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type: "trialCreated", requestId: i + 1 }));

describe("searcher progress", () => {
  const config = experimentConfig(random({ max_trials: 4, max_length: batches(100) }));

  it("starts at 0 and counts lengths trained over the whole plan", () => {
    const { seen } = run(config, [
      { type: "initialize" },
      ...created(4),
      { type: "trialProgress", requestId: 1, length: 50 },
      { type: "trialProgress", requestId: 2, length: 100 },
    ]);
    expect(seen[0]).toBe(0);
    expect(seen.at(-2)).toBeCloseTo(50 / 400);
    expect(seen.at(-1)).toBeCloseTo(150 / 400);
  });

  it("never goes down, even when a trial's work stops counting", () => {
    const { seen } = run(config, [
      { type: "initialize" },
      ...created(4),
      { type: "trialProgress", requestId: 1, length: 80 },
      // Invalid hyperparameters: trial 1's 80 batches no longer count, a new trial replaces it.
      { type: "trialExitedEarly", requestId: 1, reason: "INVALID_HP" },
    ]);
    expect(seen.at(-1)).toBeCloseTo(80 / 400);
  });

  it("counts validations and credits an early exit with its operation's length", () => {
    const { seen } = run(config, [
      { type: "initialize" },
      ...created(4),
      { type: "validationCompleted", requestId: 1, metric: 1, length: 100 },
      { type: "trialExitedEarly", requestId: 2, reason: "ERRORED" },
    ]);
    expect(seen.at(-2)).toBeCloseTo(100 / 400);
    expect(seen.at(-1)).toBeCloseTo(200 / 400);
  });

  it("ignores progress past the operation's length", () => {
    const { seen } = run(config, [
      { type: "initialize" },
      ...created(4),
      { type: "trialProgress", requestId: 1, length: 1000 },
    ]);
    expect(seen.at(-1)).toBeCloseTo(100 / 400);
  });

  it("stays below 1 until shutdown and is exactly 1 after", () => {
    const events: SearcherEvent[] = [{ type: "initialize" }, ...created(4)];
    for (let id = 1; id <= 4; id++) {
      events.push({ type: "validationCompleted", requestId: id, metric: 1, length: 100 });
    }
    const { state, seen } = run(config, events);
    expect(seen.at(-1)).toBeLessThan(1);
    for (let id = 1; id <= 3; id++)
      advanceSearcher(config, state, { type: "trialClosed", requestId: id });
    expect(searcherProgress(state)).toBeLessThan(1);
    advanceSearcher(config, state, { type: "trialClosed", requestId: 4 });
    expect(state.phase).toBe("shutdown");
    expect(searcherProgress(state)).toBe(1);
  });

  it("plans ASHA's total length analytically: 26,000 batches for 12 trials over 3 rungs", () => {
    const asha = experimentConfig(asyncHalving({ max_length: batches(9000) }));
    expect(newSearcher(asha).progress.planned).toBe(26_000);
    const stopping = experimentConfig(asyncHalving({ max_length: batches(9000), stop_once: true }));
    // By stopping, a tie with the best continues: with one metric for all, every trial goes to the top.
    expect(newSearcher(stopping).progress.planned).toBe(12 * 9000);
  });

  it("stays below 1 while work is outstanding even when the search outgrows its plan", () => {
    // With stop_once, improving metrics keep every trial going: far more than the plan.
    const stopping = experimentConfig(
      asyncHalving({
        max_length: batches(9000),
        stop_once: true,
        max_trials: 3,
        max_concurrent_trials: 1,
      }),
    );
    const state: SearcherState = newSearcher(stopping);
    advanceSearcher(stopping, state, { type: "initialize" });
    let metric = 10;
    let last = 0;
    for (const [id, length] of [
      [1, 1000],
      [1, 3000],
      [1, 9000],
      [2, 1000],
      [2, 3000],
    ] as const) {
      advanceSearcher(stopping, state, {
        type: "validationCompleted",
        requestId: id,
        metric: metric--,
        length,
      });
      const p = searcherProgress(state);
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeLessThan(1);
      last = p;
    }
  });
});
