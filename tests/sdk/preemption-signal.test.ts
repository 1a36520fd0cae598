import { expect, test } from "vitest";
import { FakeMaster, PreemptedError } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("preemption flips shouldPreempt, aborts the signal and cancels a sleep at once", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  expect(ctx.preempt.shouldPreempt()).toBe(false);
  const aborted = new Promise((resolve) => ctx.preempt.signal.addEventListener("abort", resolve));

  const started = Date.now();
  const sleeping = ctx.preempt.sleep(60_000).then(
    () => "slept",
    (e: unknown) => e,
  );
  setTimeout(() => fm.preempt(), 20);

  expect(await sleeping).toBeInstanceOf(PreemptedError);
  await aborted;
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(ctx.preempt.shouldPreempt()).toBe(true);
  expect(ctx.preempt.signal.reason).toBeInstanceOf(PreemptedError);
});

test("acknowledging a preemption resolves once the master has it", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  fm.preempt();
  await ctx.preempt.acknowledge();
  expect(fm.preemptionAcks).toBe(1);
});

test("the preemption poll survives an outage of the master", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  expect(ctx.preempt.shouldPreempt()).toBe(false);
  fm.down();
  await new Promise((resolve) => setTimeout(resolve, 30));
  fm.up();
  fm.preempt();
  await new Promise((resolve) => ctx.preempt.signal.addEventListener("abort", resolve));
  expect(fm.requests.some((r) => r.path.includes("preemption") && r.outcome === "down")).toBe(true);
});
