import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allResults,
  emptyResults,
  insertResult,
  removeResult,
  resultAt,
} from "../../src/searcher/ranked-results.js";

describe("ranked rung results", () => {
  it("ranks like a sorted list in which equal metrics keep arrival order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ insert: fc.integer({ min: 0, max: 40 }) }),
            fc.record({ remove: fc.nat() }),
          ),
          { maxLength: 3000 },
        ),
        (actions) => {
          const results = emptyResults();
          const model: { metric: number; requestId: number }[] = [];
          let nextId = 1;
          for (const action of actions) {
            if ("insert" in action) {
              const entry = { metric: action.insert, requestId: nextId++, promoted: false };
              const rank = insertResult(results, entry);
              let at = model.findIndex((e) => e.metric > entry.metric);
              if (at < 0) at = model.length;
              model.splice(at, 0, { metric: entry.metric, requestId: entry.requestId });
              expect(rank).toBe(at);
            } else if (model.length > 0) {
              const victim = model[action.remove % model.length]!;
              expect(removeResult(results, victim.requestId, victim.metric)).toBe(true);
              model.splice(model.indexOf(victim), 1);
            }
          }
          expect(results.size).toBe(model.length);
          expect(allResults(results).map((e) => e.requestId)).toEqual(
            model.map((e) => e.requestId),
          );
          model.forEach((e, i) => {
            expect(resultAt(results, i).requestId).toBe(e.requestId);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("reports a removal of an entry that is not there", () => {
    const results = emptyResults();
    insertResult(results, { metric: 1, requestId: 1, promoted: false });
    expect(removeResult(results, 2, 1)).toBe(false);
    expect(removeResult(results, 1, 2)).toBe(false);
    expect(results.size).toBe(1);
  });
});
