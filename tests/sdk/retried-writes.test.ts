import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("a completion whose answer was lost is not completed twice: the retry's 409 means it landed", async () => {
  const fm = new FakeMaster({ ops: [100, 200] });
  const ctx = await openContext(fm);
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    if (op.length === 100) fm.failNext(1, { afterApplying: true });
    await op.reportCompleted(0.5);
  }
  expect(seen).toEqual([100, 200]);
  expect(fm.requests.filter((r) => r.outcome === "OP_MISMATCH")).toHaveLength(1);
  expect(fm.completedOperations.map((o) => o.length)).toEqual([100, 200]);
});

test("a checkpoint registration whose answer was lost is registered once and raises nothing", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  fm.failNext(1, { afterApplying: true });
  await ctx.checkpoint.store({ stepsCompleted: 10 }, () => {});
  await ctx.flush();
  expect(fm.requests.map((r) => r.outcome)).toContain("CHECKPOINT_EXISTS");
  expect(fm.checkpoints).toHaveLength(1);
});

test("a wrong completion that was never sent before is an error for the caller", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    fm.closeTrial(); // the master moved on: there is no current operation any more
    await expect(op.reportCompleted(0.5)).rejects.toMatchObject({ code: "OP_MISMATCH" });
    break;
  }
});
