import { describe, expect, it } from "vitest";
import { previewSearch } from "../../src/searcher/preview.js";
import {
  advanceSearcher,
  newSearcher,
  replaySearcher,
  type SearcherState,
  searcherProgress,
} from "../../src/searcher/searcher.js";
import { restoreSearcher, snapshotSearcher } from "../../src/searcher/snapshot.js";
import type { PostedOperation, SearcherEvent, SearcherOp } from "../../src/searcher/types.js";
import { experimentConfig } from "./support/config.js";

const config = experimentConfig({
  name: "custom",
  metric: "validation_loss",
  smaller_is_better: true,
  max_length: { unit: "batches", value: 1000 },
});
const hp = (lr: number) => ({ lr, layers: 2, optimizer: "adam" });
const posted = (triggeredBy: number, operations: PostedOperation[]): SearcherEvent => ({
  type: "operationsPosted",
  triggeredBy,
  operations,
});

/** Applies the events in order, checking a snapshot round trip after each; returns every op. */
function run(events: SearcherEvent[]): { state: SearcherState; ops: SearcherOp[] } {
  let state = newSearcher(config);
  const ops: SearcherOp[] = [];
  for (const event of events) {
    ops.push(...advanceSearcher(config, state, event));
    const snapshot = snapshotSearcher(state);
    state = restoreSearcher(snapshot);
    expect(snapshotSearcher(state)).toBe(snapshot);
  }
  return { state, ops };
}

describe("the custom search method", () => {
  it("decides nothing itself and does not end with no trial open", () => {
    const { state, ops } = run([{ type: "initialize" }]);
    expect(ops).toEqual([]);
    expect(state.phase).toBe("running");
    expect(searcherProgress(state)).toBe(0);
  });

  it("turns posted operations into searcher operations, with seeds it draws", () => {
    const { ops } = run([
      { type: "initialize" },
      posted(1, [
        { type: "create", requestId: 1, hparams: hp(0.01) },
        { type: "validateAfter", requestId: 1, length: 100 },
        { type: "create", requestId: 2, hparams: hp(0.001) },
      ]),
    ]);
    expect(ops.map((o) => [o.type, "requestId" in o ? o.requestId : null])).toEqual([
      ["create", 1],
      ["validateAfter", 1],
      ["create", 2],
    ]);
    const seeds = ops.flatMap((o) => (o.type === "create" ? [o.trialSeed] : []));
    expect(new Set(seeds).size).toBe(2);
  });

  it("closes the trials still open on Shutdown, then shuts down", () => {
    const { state, ops } = run([
      { type: "initialize" },
      posted(1, [
        { type: "create", requestId: 1, hparams: hp(0.01) },
        { type: "create", requestId: 2, hparams: hp(0.02) },
        { type: "close", requestId: 1 },
      ]),
      { type: "trialCreated", requestId: 1 },
      posted(3, [{ type: "shutdown", cancel: false, failure: false }]),
    ]);
    expect(ops.slice(3)).toEqual([
      { type: "close", requestId: 2 },
      { type: "shutdown", cancel: false, failure: false },
    ]);
    expect(state.phase).toBe("shutdown");
    expect(searcherProgress(state)).toBe(1);
  });

  it("refuses a post for an event at or before the last one answered, and invalid operations", () => {
    const state = newSearcher(config);
    advanceSearcher(config, state, { type: "initialize" });
    advanceSearcher(
      config,
      state,
      posted(1, [{ type: "create", requestId: 1, hparams: hp(0.01) }]),
    );
    expect(() =>
      advanceSearcher(config, state, posted(1, [{ type: "close", requestId: 1 }])),
    ).toThrow("operations for event 1 after operations for event 1");
    expect(() =>
      advanceSearcher(
        config,
        state,
        posted(2, [{ type: "validateAfter", requestId: 1, length: 1001 }]),
      ),
    ).toThrow("operations[0].length: 1001 is beyond searcher.max_length (1000 batches)");
  });

  it("skips what a post asks of a trial that has ended, or a second Close; refuses work for a closing trial", () => {
    const { state, ops } = run([
      { type: "initialize" },
      posted(1, [
        { type: "create", requestId: 1, hparams: hp(0.01) },
        { type: "validateAfter", requestId: 1, length: 100 },
        { type: "create", requestId: 2, hparams: hp(0.02) },
        { type: "close", requestId: 2 },
      ]),
      { type: "trialCreated", requestId: 1 },
      { type: "validationCompleted", requestId: 1, metric: 0.4, length: 100 },
      { type: "trialExitedEarly", requestId: 1, reason: "ERRORED" },
      // Answers the validation: the trial's exit came after it.
      posted(4, [
        { type: "validateAfter", requestId: 1, length: 200 },
        { type: "close", requestId: 1 },
        { type: "close", requestId: 2 },
        { type: "create", requestId: 3, hparams: hp(0.03) },
      ]),
    ]);
    expect(ops.slice(4).map((o) => [o.type, "requestId" in o ? o.requestId : null])).toEqual([
      ["create", 3],
    ]);
    expect(() =>
      advanceSearcher(
        config,
        state,
        posted(6, [{ type: "validateAfter", requestId: 2, length: 100 }]),
      ),
    ).toThrow("operations[0]: trial 2 was already asked to close");
  });

  it("is rebuilt by replaying its log, posts included", () => {
    const events: SearcherEvent[] = [
      { type: "initialize" },
      posted(1, [
        { type: "create", requestId: 1, hparams: hp(0.01) },
        { type: "validateAfter", requestId: 1, length: 100 },
      ]),
      { type: "trialCreated", requestId: 1 },
      { type: "validationCompleted", requestId: 1, metric: 0.4, length: 100 },
      posted(4, [{ type: "validateAfter", requestId: 1, length: 300 }]),
    ];
    const { state } = run(events);
    expect(snapshotSearcher(replaySearcher(config, events))).toBe(snapshotSearcher(state));
  });

  it("cannot be previewed, and says why", () => {
    expect(() => previewSearch(config)).toThrow(
      "searcher.name: custom cannot be previewed: its trials and lengths are decided at run time",
    );
  });
});
