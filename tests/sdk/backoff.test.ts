import { expect, test } from "vitest";
import { backoffDelay } from "../../src/sdk/backoff.js";

const options = { initialMs: 100, maxMs: 5_000 };

test("retry delays double from the first one and stop growing at the cap", () => {
  const upper = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, options, () => 1));
  expect(upper).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});

test("jitter keeps each delay between half and all of its step", () => {
  expect(backoffDelay(3, options, () => 0)).toBe(200);
  expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  expect(backoffDelay(1000, options, () => 0)).toBe(2500);
});
