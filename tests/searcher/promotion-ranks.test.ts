/**
 * `promotionRanks`: where each trial waiting for a promotion stands in the
 * queue for one (the number of its rung's unpromoted results that rank better),
 * read from the searcher's state without changing it.
 */
import { describe, expect, it } from "vitest";
import { promotionRanks } from "../../src/searcher/promotion-ranks.js";
import { advanceSearcher, newSearcher } from "../../src/searcher/searcher.js";
import { snapshotSearcher } from "../../src/searcher/snapshot.js";
import { asyncHalving, experimentConfig, random } from "./support/config.js";

const config = experimentConfig(asyncHalving({ max_length: { unit: "batches", value: 9000 } }));

/** A search whose trials 1, 2 and 3 reported 0.5, 0.3 and 0.9 at rung 0 (1000 batches). */
function searchAfterThreeResults() {
  const state = newSearcher(config);
  advanceSearcher(config, state, { type: "initialize" });
  for (let id = 1; id <= 12; id++)
    advanceSearcher(config, state, { type: "trialCreated", requestId: id });
  for (const [requestId, metric] of [
    [1, 0.5],
    [2, 0.3],
    [3, 0.9],
  ] as const) {
    advanceSearcher(config, state, {
      type: "validationCompleted",
      requestId,
      metric,
      length: 1000,
    });
  }
  return state;
}

describe("promotion ranks", () => {
  it("ranks waiting trials by their unpromoted betters in their rung; a promoted trial is not waiting", () => {
    const state = searchAfterThreeResults();
    // Trial 2 (0.3) was promoted by the third result; 1 (0.5) is next in line, then 3 (0.9).
    expect(promotionRanks(state, [1, 2, 3, 4])).toEqual(
      new Map([
        [1, 0],
        [3, 1],
      ]),
    );
  });

  it("reading them leaves the searcher's state as it was", () => {
    const state = searchAfterThreeResults();
    const before = JSON.stringify(snapshotSearcher(state));
    promotionRanks(state, [1, 2, 3]);
    expect(JSON.stringify(snapshotSearcher(state))).toBe(before);
  });

  it("a search that does not promote ranks nothing", () => {
    const randomConfig = experimentConfig(random());
    const state = newSearcher(randomConfig);
    advanceSearcher(randomConfig, state, { type: "initialize" });
    expect(promotionRanks(state, [1, 2])).toEqual(new Map());
  });
});
