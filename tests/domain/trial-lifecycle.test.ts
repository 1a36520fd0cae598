import { describe, expect, test } from "vitest";
import { nextTrialState, type TrialAction } from "../../src/master/domain/trial-lifecycle.js";
import type { TrialState } from "../../src/master/storage/store.js";
import { RUN_STATES } from "../../src/protocol/api/run-states.js";

/** The table's columns, in the protocol's order: ACTIVE, PAUSED, the four STOPPING_*, COMPLETED, CANCELED, ERROR. */
const STATES: readonly TrialState[] = RUN_STATES;

const x = "refused" as const;
type Expected = TrialState | typeof x;

/** Every state × every action. Columns follow STATES. */
const TABLE: Record<TrialAction, Expected[]> = {
  // biome-ignore format: a table reads best as one
  pause:    ["PAUSED", "PAUSED", x, x, x, x, x, x, x],
  // biome-ignore format: a table reads best as one
  activate: ["ACTIVE", "ACTIVE", x, x, x, x, x, x, x],
  // biome-ignore format: a table reads best as one
  close:    ["STOPPING_COMPLETED", "STOPPING_COMPLETED", "STOPPING_COMPLETED", "STOPPING_CANCELED", "STOPPING_KILLED", "STOPPING_ERROR", x, x, x],
  // biome-ignore format: a table reads best as one
  cancel:   ["STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_KILLED", "STOPPING_ERROR", x, "CANCELED", x],
  // biome-ignore format: a table reads best as one
  kill:     ["STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_ERROR", x, "CANCELED", x],
  // biome-ignore format: a table reads best as one
  errored:  ["STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", x, x, x],
  // biome-ignore format: a table reads best as one
  exited:   ["ACTIVE", "PAUSED", "COMPLETED", "CANCELED", "CANCELED", "ERROR", x, x, x],
};

describe("every trial action in every state", () => {
  for (const [action, row] of Object.entries(TABLE) as [TrialAction, Expected[]][]) {
    STATES.forEach((state, i) => {
      const expected = row[i]!;
      const title =
        expected === x
          ? `${action} on a ${state} trial is refused`
          : `${action} on a ${state} trial gives ${expected}`;
      test(title, () => {
        const result = nextTrialState(state, action);
        if (expected === x) {
          expect(result).toMatchObject({ ok: false, code: "INVALID_TRANSITION" });
        } else {
          expect(result).toEqual({ ok: true, state: expected });
        }
      });
    });
  }
});

test("a closed trial completes when its process exits", () => {
  const closing = nextTrialState("ACTIVE", "close");
  expect(closing).toEqual({ ok: true, state: "STOPPING_COMPLETED" });
  expect(nextTrialState("STOPPING_COMPLETED", "exited")).toEqual({ ok: true, state: "COMPLETED" });
});

test("a process exit leaves an active trial active, to be rescheduled", () => {
  expect(nextTrialState("ACTIVE", "exited")).toEqual({ ok: true, state: "ACTIVE" });
});

test("a trial whose restarts ran out ends ERROR once its process is gone", () => {
  expect(nextTrialState("ACTIVE", "errored")).toEqual({ ok: true, state: "STOPPING_ERROR" });
  expect(nextTrialState("STOPPING_ERROR", "exited")).toEqual({ ok: true, state: "ERROR" });
});

test("an exit reported for a trial that has already ended is refused", () => {
  const result = nextTrialState("COMPLETED", "exited");
  expect(result.ok).toBe(false);
  if (!result.ok)
    expect(result.message).toBe("cannot report the exit of a trial in state COMPLETED");
});
