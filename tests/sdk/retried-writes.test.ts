import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("a completion whose answer was lost is not completed twice: its retry is a no-op, as on the master", async () => {
  const fm = new FakeMaster({ ops: [100, 200] });
  const ctx = await openContext(fm);
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    if (op.length === 100) fm.failNext(1, { afterApplying: true });
    await op.reportCompleted(0.5);
  }
  expect(seen).toEqual([100, 200]);
  const completions = fm.requests.filter((r) => r.path.endsWith("/searcher/completed_operation"));
  expect(completions.map((r) => r.outcome)).toEqual(["failed", "ok", "ok"]);
  expect(fm.completedOperations.map((o) => o.length)).toEqual([100, 200]);
});

test("the fake master, as the master, takes a completion sent again after the next operation as a no-op, and refuses another metric", async () => {
  const fm = new FakeMaster({ ops: [100, 200] });
  const path = `/trials/${fm.env().PUSHTUNE_TRIAL_ID}/searcher/completed_operation`;
  await fm.request("POST", path, { op: { length: 100 }, searcherMetric: 0.5 });
  expect(await fm.request("POST", path, { op: { length: 100 }, searcherMetric: 0.5 })).toEqual({
    op: { length: 200 },
    completed: false,
  });
  await expect(
    fm.request("POST", path, { op: { length: 100 }, searcherMetric: 0.7 }),
  ).rejects.toMatchObject({
    code: "OP_MISMATCH",
    message: expect.stringContaining("completed length 100 with searcher metric 0.5, not 0.7"),
  });
  expect(fm.completedOperations).toEqual([{ length: 100, searcherMetric: 0.5 }]);
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
