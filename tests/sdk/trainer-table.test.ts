/**
 * The Trainer's sequencing rules: every case of trainer-cases.json (the table
 * the Python SDK's Trainer passes too), run through the TypeScript Trainer on a
 * FakeMaster.
 */
import { expect, test } from "vitest";
import { type Expected, loadCases, runCase } from "./trainer-case.js";

test.each(loadCases().map((c) => [c.name, c] as const))("%s", async (_name, c) => {
  const seen = await runCase(c);

  const expected: Record<string, unknown> = { ...c.expect, ...expandTrained(c.expect) };
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, seen.fields[k]]));
  expect(actual).toEqual(expected);

  // Checked in every case.
  expect(seen.earlyExits).toEqual(c.expect.early_exit === undefined ? [] : [c.expect.early_exit]);
  expect(seen.preemptionAcks).toBe(c.expect.outcome === "preempted" ? 1 : 0);
  if (seen.preemptionAcks > 0) {
    expect(seen.events.lastIndexOf("checkpoint")).toBeLessThan(
      seen.events.indexOf("ackPreemption"),
    );
  }
});

/** `trained: [first, end)` as the list of batch indices it stands for. */
function expandTrained({ trained }: Expected): { trained?: number[] } {
  if (trained === undefined) return {};
  const [first, end] = trained;
  return { trained: Array.from({ length: end - first }, (_, i) => first + i) };
}
