import { expect, test } from "vitest";
import { findExpired } from "../../src/master/domain/leases.js";

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
