import { describe, expect, test } from "vitest";
import {
  type AllocationAction,
  nextAllocationState,
} from "../../src/master/domain/allocation-lifecycle.js";
import type { AllocationState } from "../../src/master/storage/store.js";

const STATES: AllocationState[] = ["PENDING", "STARTING", "RUNNING", "TERMINATING", "TERMINATED"];

const x = "refused" as const;
type Expected = AllocationState | typeof x;

/** Every state × every action. Columns follow STATES. */
const TABLE: Record<AllocationAction, Expected[]> = {
  // biome-ignore format: a table reads best as one
  launch:    ["STARTING", x, x, x, x],
  // biome-ignore format: a table reads best as one
  started:   [x, "RUNNING", "RUNNING", "TERMINATING", x],
  // biome-ignore format: a table reads best as one
  terminate: ["TERMINATED", "TERMINATING", "TERMINATING", "TERMINATING", "TERMINATED"],
  // biome-ignore format: a table reads best as one
  exited:    [x, "TERMINATED", "TERMINATED", "TERMINATED", x],
};

describe("every allocation action in every state", () => {
  for (const [action, row] of Object.entries(TABLE) as [AllocationAction, Expected[]][]) {
    STATES.forEach((state, i) => {
      const expected = row[i]!;
      const title =
        expected === x
          ? `${action} on a ${state} allocation is refused`
          : `${action} on a ${state} allocation gives ${expected}`;
      test(title, () => {
        const result = nextAllocationState(state, action);
        if (expected === x) {
          expect(result).toMatchObject({ ok: false, code: "INVALID_TRANSITION" });
        } else {
          expect(result).toEqual({ ok: true, state: expected });
        }
      });
    });
  }
});

test("an allocation goes from pending to terminated through every state", () => {
  let state: AllocationState = "PENDING";
  const seen: AllocationState[] = [state];
  for (const action of ["launch", "started", "terminate", "exited"] as const) {
    const next = nextAllocationState(state, action);
    if (!next.ok) throw new Error(next.message);
    state = next.state;
    seen.push(state);
  }
  expect(seen).toEqual(["PENDING", "STARTING", "RUNNING", "TERMINATING", "TERMINATED"]);
});

test("an allocation's exit is handled only once", () => {
  expect(nextAllocationState("RUNNING", "exited")).toEqual({ ok: true, state: "TERMINATED" });
  expect(nextAllocationState("TERMINATED", "exited").ok).toBe(false);
});
