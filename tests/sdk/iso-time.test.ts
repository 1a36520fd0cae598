import { expect, test } from "vitest";
import { isoTime } from "../../src/sdk/iso-time.js";

test("report timestamps read as Date#toISOString, across second, day and year boundaries", () => {
  const times = [
    Date.UTC(2026, 10, 29, 14, 30, 5, 0),
    Date.UTC(2026, 10, 29, 14, 30, 5, 7),
    Date.UTC(2026, 10, 29, 14, 30, 5, 42),
    Date.UTC(2026, 10, 29, 14, 30, 5, 999),
    Date.UTC(2026, 10, 29, 14, 30, 6, 1),
    Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    Date.UTC(2027, 0, 1, 0, 0, 0, 0),
    // The clock stepped back: the second cached for the later time does not apply.
    Date.UTC(2026, 10, 29, 14, 30, 5, 500),
    0,
  ];
  for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
});
