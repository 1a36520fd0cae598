import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout } from "../../src/protocol/timers.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
});

test("a delay longer than one timer holds fires after the whole delay, not at once", () => {
  const fired = vi.fn();
  setLongTimeout(fired, 3_000_000_000);
  vi.advanceTimersByTime(MAX_TIMER_MS);
  expect(fired).not.toHaveBeenCalled();
  vi.advanceTimersByTime(3_000_000_000 - MAX_TIMER_MS - 1);
  expect(fired).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(fired).toHaveBeenCalledTimes(1);
});

test("a short delay fires once, on time", () => {
  const fired = vi.fn();
  setLongTimeout(fired, 50);
  vi.advanceTimersByTime(49);
  expect(fired).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(fired).toHaveBeenCalledTimes(1);
});

test("a cleared long timer never fires, even between its links", () => {
  const fired = vi.fn();
  const timer = setLongTimeout(fired, 5_000_000_000);
  vi.advanceTimersByTime(MAX_TIMER_MS + 10);
  timer.clear();
  vi.advanceTimersByTime(10_000_000_000);
  expect(fired).not.toHaveBeenCalled();
});

test("an infinite delay never fires and a NaN delay fires at once", () => {
  const never = vi.fn();
  const soon = vi.fn();
  setLongTimeout(never, Number.POSITIVE_INFINITY);
  setLongTimeout(soon, Number.NaN);
  vi.advanceTimersByTime(10 * MAX_TIMER_MS);
  expect(never).not.toHaveBeenCalled();
  expect(soon).toHaveBeenCalledTimes(1);
});
