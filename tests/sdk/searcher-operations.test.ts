import { afterEach, expect, test } from "vitest";
import { type Context, FakeMaster, init } from "../../src/sdk/index.js";

const open: Context[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((ctx) => ctx.close()));
});

async function start(fm: FakeMaster): Promise<Context> {
  const ctx = await init({ transport: fm, env: fm.env(), handleExitSignals: false, log: () => {} });
  open.push(ctx);
  return ctx;
}

test("operations are handed out in order and the iteration ends when the trial is closed", async () => {
  const fm = new FakeMaster({ ops: [100, 300, 900] });
  const ctx = await start(fm);
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    op.reportProgress(op.length);
    await op.reportCompleted(seen.length / 10);
  }
  expect(seen).toEqual([100, 300, 900]);
  expect(fm.completedOperations).toEqual([
    { length: 100, searcherMetric: 0.1 },
    { length: 300, searcherMetric: 0.2 },
    { length: 900, searcherMetric: 0.3 },
  ]);
});

test("a trial that waits for a promotion gets its next operation when the searcher decides", async () => {
  const fm = new FakeMaster({ ops: [100], closeAfterOps: false });
  const ctx = await start(fm);
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    await op.reportCompleted(1);
    if (op.length === 100) setTimeout(() => fm.addOp(400), 20);
    if (op.length === 400) setTimeout(() => fm.closeTrial(), 20);
  }
  expect(seen).toEqual([100, 400]);
});

test("waiting for a promotion ends when the trial is preempted", async () => {
  const fm = new FakeMaster({ ops: [100], closeAfterOps: false });
  const ctx = await start(fm);
  const seen: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    seen.push(op.length);
    await op.reportCompleted(1);
    setTimeout(() => fm.preempt(), 20);
  }
  expect(seen).toEqual([100]);
  expect(ctx.preempt.shouldPreempt()).toBe(true);
});

test("asking for the next operation without completing the current one is an error", async () => {
  const fm = new FakeMaster({ ops: [100, 200] });
  const ctx = await start(fm);
  const iterate = async () => {
    for await (const op of ctx.searcher.operations()) op.reportProgress(10);
  };
  await expect(iterate()).rejects.toThrow(/operation 100 was not completed/);
});

test("an operation cannot be completed twice", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const ctx = await start(fm);
  for await (const op of ctx.searcher.operations()) {
    await op.reportCompleted(0.5);
    await expect(op.reportCompleted(0.5)).rejects.toThrow(/already completed/);
  }
  expect(fm.completedOperations).toHaveLength(1);
});
