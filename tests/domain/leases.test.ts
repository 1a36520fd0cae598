import { expect, test } from "vitest";
import {
  findExpired,
  ignoredPreemptionSeconds,
  preemptionSchedule,
} from "../../src/master/domain/leases.js";

test("no leases means nothing expired", () => {
  expect(findExpired(1_000, [])).toEqual([]);
});

test("a lease whose deadline is still ahead has not expired", () => {
  expect(findExpired(1_000, [{ allocationId: "a", deadline: 1_001 }])).toEqual([]);
});

test("a lease expires at its deadline, not only after it", () => {
  expect(findExpired(1_000, [{ allocationId: "a", deadline: 1_000 }])).toEqual(["a"]);
});

test("expired leases come earliest deadline first, then by id", () => {
  const leases = [
    { allocationId: "c", deadline: 900 },
    { allocationId: "b", deadline: 500 },
    { allocationId: "later", deadline: 2_000 },
    { allocationId: "a", deadline: 900 },
  ];
  expect(findExpired(1_000, leases)).toEqual(["b", "a", "c"]);
});

test("an allocation with several expired leases is named once", () => {
  const leases = [
    { allocationId: "a", deadline: 800 },
    { allocationId: "b", deadline: 850 },
    { allocationId: "a", deadline: 900 },
  ];
  expect(findExpired(1_000, leases)).toEqual(["a", "b"]);
});

test("a lease without a valid deadline never expires", () => {
  expect(findExpired(1_000, [{ allocationId: "a", deadline: Number.NaN }])).toEqual([]);
});

test("a preempted allocation gets SIGTERM after half its timeout, at most a minute, and SIGKILL at its end", () => {
  expect(preemptionSchedule(300)).toEqual({ terminateAfterMs: 60_000, killAfterMs: 300_000 });
  expect(preemptionSchedule(30)).toEqual({ terminateAfterMs: 15_000, killAfterMs: 30_000 });
  expect(preemptionSchedule(0)).toEqual({ terminateAfterMs: 0, killAfterMs: 0 });
  expect(preemptionSchedule(3_000_000).killAfterMs).toBe(3_000_000_000);
});

test("an allocation ignores its preemption once it has not acknowledged it for 10 s", () => {
  const asked = { preemptRequestedAt: 1_000_000, preemptAcked: false };
  expect(ignoredPreemptionSeconds(1_009_999, asked)).toBeNull();
  expect(ignoredPreemptionSeconds(1_010_000, asked)).toBe(10);
  expect(ignoredPreemptionSeconds(1_045_600, asked)).toBe(45);
  expect(ignoredPreemptionSeconds(1_045_600, { ...asked, preemptAcked: true })).toBeNull();
  expect(ignoredPreemptionSeconds(1_045_600, { ...asked, preemptRequestedAt: null })).toBeNull();
});
