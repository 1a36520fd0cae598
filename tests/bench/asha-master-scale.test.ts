/** The master-scale benchmark runs its search to the end and measures both windows (no timings asserted). */
import { expect, test } from "vitest";
import { measure } from "../../bench/asha-master-scale.js";

test("asha-master-scale plays a whole ASHA search and reads the first and last actions' cost", async () => {
  const f = await measure(40);
  expect(f.state).toBe("COMPLETED");
  expect(f.actions).toBeGreaterThanOrEqual(80);
  expect(f.last.activeTrials).toBeGreaterThan(f.first.activeTrials);
  for (const w of [f.first, f.last]) {
    expect(w.cpuMs).toBeGreaterThan(0);
    expect(w.wallMs).toBeGreaterThan(0);
  }
  expect(f.cpuRatio).toBe(f.last.cpuMs / f.first.cpuMs);
  expect(f.detailMs.first).toBeGreaterThan(0);
  expect(f.detailMs.last).toBeGreaterThan(0);
});
