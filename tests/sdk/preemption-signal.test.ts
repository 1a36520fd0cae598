import { expect, test } from "vitest";
import { FakeMaster, init, PreemptedError } from "../../src/sdk/index.js";
import { FIRST_POLL_DELAY_MS } from "../../src/sdk/preemption.js";
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

test("a trial done within its first second never polls for its preemption", async () => {
  const fm = new FakeMaster({ ops: [5] });
  const asked: string[] = [];
  const recorded = {
    request: (...args: Parameters<FakeMaster["request"]>) => {
      asked.push(args[1]); // as the request starts: a long poll still open counts
      return fm.request(...args);
    },
  };
  const ctx = await init({
    transport: recorded,
    env: fm.env(),
    handleExitSignals: false,
    log: () => {},
  });
  for await (const op of ctx.searcher.operations()) {
    for (let step = 1; step <= op.length && !ctx.preempt.shouldPreempt(); step++) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // a batch: a tenth of a second in all
      await ctx.train.reportTrainingMetrics(step, { loss: 1 });
    }
    await op.reportCompleted(0.5);
  }
  await ctx.close();
  expect(fm.completedOperations).toHaveLength(1);
  expect(asked.filter((path) => path.includes("/signals/preemption"))).toEqual([]);
});

test("the preemption poll survives an outage of the master", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  expect(ctx.preempt.shouldPreempt()).toBe(false);
  // The first poll starts a second after the trial first looked at its preemption.
  await new Promise((resolve) => setTimeout(resolve, FIRST_POLL_DELAY_MS + 100));
  fm.down();
  await new Promise((resolve) => setTimeout(resolve, 30));
  fm.up();
  fm.preempt();
  await new Promise((resolve) => ctx.preempt.signal.addEventListener("abort", resolve));
  expect(fm.requests.some((r) => r.path.includes("preemption") && r.outcome === "down")).toBe(true);
});
