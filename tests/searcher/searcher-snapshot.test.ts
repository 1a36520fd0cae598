import { describe, expect, it } from "vitest";
import { advanceSearcher, newSearcher } from "../../src/searcher/searcher.js";
import { restoreSearcher, snapshotSearcher } from "../../src/searcher/snapshot.js";
import { adaptiveAsha, experimentConfig } from "./support/config.js";

describe("searcher snapshots", () => {
  const config = experimentConfig(adaptiveAsha({ max_trials: 6 }));

  it("are versioned JSON without the config", () => {
    const state = newSearcher(config);
    advanceSearcher(config, state, { type: "initialize" });
    const parsed = JSON.parse(snapshotSearcher(state));
    expect(parsed.version).toBe(1);
    expect(JSON.stringify(parsed)).not.toContain("searcher-test");
    expect(JSON.stringify(parsed)).not.toContain("hyperparameters");
  });

  it("restore to a state that snapshots byte-identically and continues the same way", () => {
    const original = newSearcher(config);
    advanceSearcher(config, original, { type: "initialize" });
    const restored = restoreSearcher(snapshotSearcher(original));
    expect(snapshotSearcher(restored)).toBe(snapshotSearcher(original));
    const event = { type: "validationCompleted", requestId: 1, metric: 0.3, length: 250 } as const;
    const a = advanceSearcher(config, original, event);
    const b = advanceSearcher(config, restored, event);
    expect(b).toEqual(a);
    expect(snapshotSearcher(restored)).toBe(snapshotSearcher(original));
  });

  it("reject an unknown version with a clear error", () => {
    const snapshot = JSON.parse(snapshotSearcher(newSearcher(config)));
    snapshot.version = 2;
    expect(() => restoreSearcher(JSON.stringify(snapshot))).toThrow(
      "searcher snapshot version 2 is not supported (this build reads version 1)",
    );
  });

  it("reject text that is not a snapshot", () => {
    expect(() => restoreSearcher("{nope")).toThrow("searcher snapshot is not valid JSON");
    expect(() => restoreSearcher("[]")).toThrow("not a searcher snapshot");
    expect(() => restoreSearcher('{"version":1}')).toThrow("searcher snapshot has no state");
  });
});
