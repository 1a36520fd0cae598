import { describe, expect, test } from "vitest";
import {
  type ExperimentAction,
  isStopping,
  isTerminal,
  nextExperimentState,
} from "../../src/master/domain/experiment-lifecycle.js";
import type { ExperimentState } from "../../src/master/storage/store.js";
import { RUN_STATES } from "../../src/protocol/api/run-states.js";

/** The table's columns, in the protocol's order: ACTIVE, PAUSED, the four STOPPING_*, COMPLETED, CANCELED, ERROR. */
const STATES: readonly ExperimentState[] = RUN_STATES;

const x = "refused" as const;
type Expected = ExperimentState | typeof x;

/** Every state × every action. Columns follow STATES. */
const TABLE: Record<ExperimentAction, Expected[]> = {
  // biome-ignore format: a table reads best as one
  pause:            ["PAUSED", "PAUSED", x, x, x, x, x, x, x],
  // biome-ignore format: a table reads best as one
  activate:         ["ACTIVE", "ACTIVE", x, x, x, x, x, x, x],
  // biome-ignore format: a table reads best as one
  cancel:           ["STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_CANCELED", "STOPPING_KILLED", "STOPPING_ERROR", x, "CANCELED", x],
  // biome-ignore format: a table reads best as one
  kill:             ["STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_KILLED", "STOPPING_ERROR", x, "CANCELED", x],
  // biome-ignore format: a table reads best as one
  searcherShutdown: ["STOPPING_COMPLETED", "STOPPING_COMPLETED", "STOPPING_COMPLETED", "STOPPING_CANCELED", "STOPPING_KILLED", "STOPPING_ERROR", x, x, x],
  // biome-ignore format: a table reads best as one
  searcherFailure:  ["STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", x, x, x],
  // biome-ignore format: a table reads best as one
  allTrialsStopped: ["ACTIVE", "PAUSED", "COMPLETED", "CANCELED", "CANCELED", "ERROR", x, x, x],
  // biome-ignore format: a table reads best as one
  error:            ["STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", "STOPPING_ERROR", x, x, x],
};

describe("every experiment action in every state", () => {
  for (const [action, row] of Object.entries(TABLE) as [ExperimentAction, Expected[]][]) {
    STATES.forEach((state, i) => {
      const expected = row[i]!;
      const title =
        expected === x
          ? `${action} on a ${state} experiment is refused`
          : `${action} on a ${state} experiment gives ${expected}`;
      test(title, () => {
        const result = nextExperimentState(state, action);
        if (expected === x) {
          expect(result).toMatchObject({ ok: false, code: "INVALID_TRANSITION" });
        } else {
          expect(result).toEqual({ ok: true, state: expected });
        }
      });
    });
  }
});

test("pausing and activating go back and forth", () => {
  let state: ExperimentState = "ACTIVE";
  for (const action of ["pause", "activate", "pause", "activate"] as const) {
    const next = nextExperimentState(state, action);
    if (!next.ok) throw new Error(next.message);
    state = next.state;
  }
  expect(state).toBe("ACTIVE");
});

test("a finished search ends COMPLETED once its trials have stopped", () => {
  const stopping = nextExperimentState("ACTIVE", "searcherShutdown");
  expect(stopping).toEqual({ ok: true, state: "STOPPING_COMPLETED" });
  expect(nextExperimentState("STOPPING_COMPLETED", "allTrialsStopped")).toEqual({
    ok: true,
    state: "COMPLETED",
  });
});

test("a killed experiment ends CANCELED", () => {
  expect(nextExperimentState("STOPPING_KILLED", "allTrialsStopped")).toEqual({
    ok: true,
    state: "CANCELED",
  });
});

test("a cancel during a kill does not soften the kill", () => {
  expect(nextExperimentState("STOPPING_KILLED", "cancel")).toEqual({
    ok: true,
    state: "STOPPING_KILLED",
  });
});

test("a failure during a cancel is not hidden", () => {
  expect(nextExperimentState("STOPPING_CANCELED", "searcherFailure")).toEqual({
    ok: true,
    state: "STOPPING_ERROR",
  });
});

test("a refusal names the action and the state", () => {
  const result = nextExperimentState("COMPLETED", "pause");
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.message).toBe("cannot pause an experiment in state COMPLETED");
});

test("terminal and stopping states are told apart from running ones", () => {
  expect(STATES.filter(isTerminal)).toEqual(["COMPLETED", "CANCELED", "ERROR"]);
  expect(STATES.filter(isStopping)).toEqual([
    "STOPPING_COMPLETED",
    "STOPPING_CANCELED",
    "STOPPING_KILLED",
    "STOPPING_ERROR",
  ]);
});
