/**
 * The master answers a completion with what an ask for the next operation
 * would get; when it decided there, the SDK does not ask.
 */
import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

const asks = (fm: FakeMaster) =>
  fm.requests.filter((r) => r.method === "GET" && r.path.includes("/searcher/operation")).length;

async function playAll(fm: FakeMaster): Promise<number[]> {
  const ctx = await openContext(fm, { operationWaitSeconds: 1 });
  const lengths: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    lengths.push(op.length);
    await op.reportCompleted(1 / op.length);
  }
  return lengths;
}

test("the next operation and the trial's end come with the completions: one ask in all", async () => {
  const fm = new FakeMaster({ ops: [10, 30, 90] });
  expect(await playAll(fm)).toEqual([10, 30, 90]);
  expect(asks(fm)).toBe(1);
});

test("a completion answered with no decision yet is followed by an ask that waits", async () => {
  const fm = new FakeMaster({ ops: [10], closeAfterOps: false });
  const played = playAll(fm);
  await new Promise((resolve) => setTimeout(resolve, 50));
  fm.addOp(30); // a promotion, decided while the trial asks
  await new Promise((resolve) => setTimeout(resolve, 50));
  fm.closeTrial();
  expect(await played).toEqual([10, 30]);
  expect(asks(fm)).toBeGreaterThanOrEqual(2);
});
