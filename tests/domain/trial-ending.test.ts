import { describe, expect, test } from "vitest";
import { endedTrialState, movedTrialState } from "../../src/master/domain/index.js";

describe("a trial that ends with no process left", () => {
  test.each([
    ["ACTIVE", "close", "COMPLETED"],
    ["PAUSED", "close", "COMPLETED"],
    ["ACTIVE", "cancel", "CANCELED"],
    ["PAUSED", "kill", "CANCELED"],
    ["ACTIVE", "errored", "ERROR"],
    ["STOPPING_CANCELED", "close", "CANCELED"],
  ] as const)("%s, then %s, ends %s", (state, how, ended) => {
    expect(endedTrialState(state, how)).toBe(ended);
  });

  test("an ended trial cannot end again in another way", () => {
    expect(() => endedTrialState("COMPLETED", "errored")).toThrow(/cannot/);
  });

  test("pause and activate move between ACTIVE and PAUSED only", () => {
    expect(movedTrialState("ACTIVE", "pause")).toBe("PAUSED");
    expect(movedTrialState("PAUSED", "activate")).toBe("ACTIVE");
    expect(() => movedTrialState("ERROR", "activate")).toThrow(/cannot/);
  });
});
