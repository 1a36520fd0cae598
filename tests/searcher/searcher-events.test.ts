import { describe, expect, it } from "vitest";
import { SearcherEventError } from "../../src/searcher/errors.js";
import {
  advanceSearcher,
  newSearcher,
  replaySearcher,
  stepSearcher,
} from "../../src/searcher/searcher.js";
import { snapshotSearcher } from "../../src/searcher/snapshot.js";
import type { SearcherEvent } from "../../src/searcher/types.js";
import { asyncHalving, batches, experimentConfig, random } from "./support/config.js";

describe("searcher events", () => {
  const config = experimentConfig(random({ max_trials: 2, max_length: batches(10) }));
  const started = () => {
    const state = newSearcher(config);
    advanceSearcher(config, state, { type: "initialize" });
    return state;
  };

  it("has no ops before initialize, and creates the first trials on initialize", () => {
    const { ops } = stepSearcher(config, newSearcher(config), { type: "initialize" });
    expect(ops.map((op) => op.type)).toEqual([
      "create",
      "validateAfter",
      "close",
      "create",
      "validateAfter",
      "close",
    ]);
  });

  it("rejects events before initialize and a second initialize", () => {
    expect(() =>
      stepSearcher(config, newSearcher(config), { type: "trialCreated", requestId: 1 }),
    ).toThrow(SearcherEventError);
    expect(() => stepSearcher(config, started(), { type: "initialize" })).toThrow(
      "the searcher was already initialized",
    );
  });

  it("rejects events for trials it never created", () => {
    expect(() => stepSearcher(config, started(), { type: "trialCreated", requestId: 3 })).toThrow(
      "no trial with request id 3",
    );
  });

  it("rejects a validation at a length other than the trial's operation", () => {
    const event: SearcherEvent = {
      type: "validationCompleted",
      requestId: 1,
      metric: 1,
      length: 5,
    };
    expect(() => stepSearcher(config, started(), event)).toThrow(
      "trial 1 reported a validation at 5 but its operation is validateAfter 10",
    );
  });

  it("ignores events for a trial that has already finished", () => {
    const state = started();
    advanceSearcher(config, state, { type: "trialExitedEarly", requestId: 1, reason: "ERRORED" });
    const late: SearcherEvent[] = [
      { type: "validationCompleted", requestId: 1, metric: 1, length: 10 },
      { type: "trialExitedEarly", requestId: 1, reason: "ERRORED" },
      { type: "trialClosed", requestId: 1 },
      { type: "trialProgress", requestId: 1, length: 3 },
    ];
    for (const event of late) expect(stepSearcher(config, state, event).ops).toEqual([]);
  });

  it("treats a trial closed without being asked as canceled, so the search goes on", () => {
    const asha = experimentConfig(asyncHalving({ max_trials: 4, max_concurrent_trials: 1 }));
    const state = newSearcher(asha);
    advanceSearcher(asha, state, { type: "initialize" });
    const ops = advanceSearcher(asha, state, { type: "trialClosed", requestId: 1 });
    expect(ops.map((op) => op.type)).toEqual(["create", "validateAfter"]);
    expect(state.trials[0]!.status).toBe("closed");
  });

  it("leaves the state it is given untouched", () => {
    const state = started();
    const before = snapshotSearcher(state);
    stepSearcher(config, state, {
      type: "validationCompleted",
      requestId: 1,
      metric: 1,
      length: 10,
    });
    expect(snapshotSearcher(state)).toBe(before);
  });

  it("rebuilds the same state by replaying the same events", () => {
    const events: SearcherEvent[] = [
      { type: "initialize" },
      { type: "trialCreated", requestId: 1 },
      { type: "trialCreated", requestId: 2 },
      { type: "validationCompleted", requestId: 2, metric: 0.5, length: 10 },
      { type: "trialExitedEarly", requestId: 1, reason: "INVALID_HP" },
    ];
    let state = newSearcher(config);
    for (const event of events) state = stepSearcher(config, state, event).state;
    expect(snapshotSearcher(replaySearcher(config, events))).toBe(snapshotSearcher(state));
  });
});
