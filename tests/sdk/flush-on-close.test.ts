import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("reports resolve before they are delivered and close() delivers every one of them", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  fm.down();
  for (let step = 1; step <= 50; step++)
    await ctx.train.reportTrainingMetrics(step, { loss: step });
  expect(fm.trainingMetrics).toHaveLength(0);
  setTimeout(() => fm.up(), 30);
  await ctx.close();
  expect(fm.trainingMetrics).toHaveLength(50);
});

test("close() stops the background preemption poll and can be called twice", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  expect(ctx.preempt.shouldPreempt()).toBe(false);
  await Promise.all([ctx.close(), ctx.close()]);
  const polls = fm.requests.filter((r) => r.path.includes("preemption")).length;
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(fm.requests.filter((r) => r.path.includes("preemption")).length).toBe(polls);
});
