import { describe, expect, it } from "vitest";
import { advanceSearcher, newSearcher, replaySearcher } from "../../src/searcher/searcher.js";
import { restoreSearcher, snapshotSearcher } from "../../src/searcher/snapshot.js";
import { SEARCHER_RULES, type SearcherEvent, type SearcherOp } from "../../src/searcher/types.js";
import { asyncHalving, batches, experimentConfig } from "./support/config.js";

/**
 * A stopping search whose every trial reports 1.0, as pushtune 0.1.0 before
 * searcher rules were numbered ran it (a tie with the rung's best is
 * stopped): trial 1 continues, trials 2 to 5 are stopped at 10 batches and
 * replaced. The log as that master wrote it, up to its last event before it
 * stopped, with the initialize event as schema version 9 marks it (rules
 * unknown).
 */
const config = experimentConfig(
  asyncHalving({
    max_length: batches(90),
    num_rungs: 3,
    divisor: 3,
    max_trials: 8,
    max_concurrent_trials: 2,
    stop_once: true,
  }),
  { seed: 3 },
);
const validation = (requestId: number, length: number): SearcherEvent => ({
  type: "validationCompleted",
  requestId,
  metric: 1,
  length,
});
const created = (requestId: number): SearcherEvent => ({ type: "trialCreated", requestId });
const closed = (requestId: number): SearcherEvent => ({ type: "trialClosed", requestId });
const loggedBefore: SearcherEvent[] = [
  { type: "initialize", rules: null },
  created(1),
  created(2),
  validation(1, 10),
  validation(2, 10),
  created(3),
  closed(2),
  validation(3, 10),
  created(4),
  closed(3),
  validation(1, 30),
  validation(4, 10),
  created(5),
  closed(4),
  validation(5, 10),
  created(6),
  closed(5),
];

describe("searcher rules", () => {
  it("replays a stopping search that stopped its ties, its rules unnamed, as its master decided it", () => {
    const state = replaySearcher(config, loggedBefore);
    expect(state.trials.map((t) => t.status)).toEqual([
      "open",
      "closed",
      "closed",
      "closed",
      "closed",
      "open",
    ]);
    expect(state.trials[0]!.op).toBe(90);
    // And goes on deciding by those rules: trial 6 ties the best and is stopped.
    const ops = advanceSearcher(config, state, validation(6, 10));
    expect(ops).toEqual<SearcherOp[]>([
      { type: "close", requestId: 6 },
      expect.objectContaining({ type: "create", requestId: 7 }),
      { type: "validateAfter", requestId: 7, length: 10 },
    ]);
  });

  it("keeps a search's rules across a snapshot", () => {
    const state = restoreSearcher(snapshotSearcher(replaySearcher(config, loggedBefore)));
    const ops = advanceSearcher(config, state, validation(6, 10));
    expect(ops[0]).toEqual({ type: "close", requestId: 6 });
  });

  it("replays a log of unnamed rules that let ties continue under the current rules", () => {
    const later: SearcherEvent[] = [
      { type: "initialize", rules: null },
      created(1),
      created(2),
      validation(1, 10),
      validation(2, 10),
      validation(1, 30),
    ];
    const state = replaySearcher(config, later);
    expect(state.trials.map((t) => t.op)).toEqual([90, 30]);
    expect(advanceSearcher(config, state, validation(2, 30))).toEqual([
      { type: "validateAfter", requestId: 2, length: 90 },
    ]);
  });

  it("runs a search that names no rules under the current ones: a tie with the best continues", () => {
    for (const initialize of [
      { type: "initialize" },
      { type: "initialize", rules: SEARCHER_RULES },
    ] as const) {
      const state = newSearcher(config);
      advanceSearcher(config, state, initialize);
      advanceSearcher(config, state, validation(1, 10));
      expect(advanceSearcher(config, state, validation(2, 10))).toEqual([
        { type: "validateAfter", requestId: 2, length: 30 },
      ]);
    }
  });
});
