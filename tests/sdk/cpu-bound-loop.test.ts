/**
 * A CPU-bound training loop (synchronous batches, `await` only on queued
 * reports) never lets the event loop turn by itself. The SDK gives it a turn
 * now and then, so reports reach the master while training goes on and a
 * preemption is heard in the middle of an operation, not at its end (the
 * long poll starts a second into the trial: about 1,000 of these batches). Real
 * HTTP here: the fake master's own in-memory transport needs no turns.
 */
import { expect, onTestFinished, test } from "vitest";
import { FakeMaster, init, Trainer } from "../../src/sdk/index.js";
import { HttpFakeMaster } from "./http-fake-master.js";

/** About 1 ms of CPU, with no await inside. */
function busy(): number {
  const end = performance.now() + 1;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

async function httpMaster(options: ConstructorParameters<typeof FakeMaster>[0]) {
  const fm = new FakeMaster(options);
  // The fake loads its schema checks in the background; have them loaded before the
  // loop below starves the event loop (as a trial's own master would be elsewhere).
  await import("../../src/sdk/testing/body-checks.js");
  const master = new HttpFakeMaster(fm);
  await master.start();
  onTestFinished(() => master.stop());
  const ctx = await init({ env: master.env(), handleExitSignals: false, log: () => {} });
  onTestFinished(() => ctx.close().catch(() => undefined));
  return { fm, ctx };
}

test("a Trainer with synchronous batches reports while it trains and stops mid-op when preempted", async () => {
  const { fm, ctx } = await httpMaster({
    ops: [5000],
    config: { scheduling_unit: 10, checkpoint_policy: "none" },
    // The master wants the slot back once the first report arrives: it must arrive mid-op.
    preemptAt: { afterMetricsSteps: 10 },
  });
  class Sync extends Trainer {
    trainBatch() {
      return { loss: busy() };
    }
    evaluate() {
      return { validation_loss: 1 };
    }
    save() {}
    load() {}
  }
  const result = await new Sync().fit({ ctx });
  expect(result.outcome).toBe("preempted");
  expect(result.batches).toBeLessThan(2500);
  expect(fm.trainingMetrics.length).toBeGreaterThan(0);
});

test("a core-API loop of synchronous steps gets its reports out and hears a preemption", async () => {
  const { fm, ctx } = await httpMaster({
    ops: [5000],
    preemptAt: { afterMetricsSteps: 10 },
  });
  let steps = 0;
  for await (const op of ctx.searcher.operations()) {
    while (steps < op.length && !ctx.preempt.shouldPreempt()) {
      const loss = busy();
      steps += 1;
      await ctx.train.reportTrainingMetrics(steps, { loss });
      op.reportProgress(steps);
    }
    if (ctx.preempt.shouldPreempt()) break;
    await op.reportCompleted(1);
  }
  expect(ctx.preempt.shouldPreempt()).toBe(true);
  expect(steps).toBeLessThan(2500);
  expect(fm.trainingMetrics.length).toBeGreaterThanOrEqual(10);
});

test("a loop reporting faster than one request a turn carries still gets its reports out as it goes", async () => {
  const { fm, ctx } = await httpMaster({ ops: [20_000] });
  let steps = 0;
  for await (const op of ctx.searcher.operations()) {
    const started = Date.now();
    while (steps < op.length) {
      steps += 1;
      // About 2 s of busy work in all: more than one pacing interval.
      const until = started + (steps * 2000) / op.length;
      while (Date.now() < until) {}
      await ctx.train.reportTrainingMetrics(steps, { loss: 1 / steps });
    }
    // Before the completion waits for them: reports made after the first turn already
    // reached the master, in batches of up to 1000, not one request each.
    expect(fm.trainingMetrics.length).toBeGreaterThan(5_000);
    expect(fm.requests.filter((r) => r.path.endsWith("/metrics")).length).toBeLessThan(100);
    await op.reportCompleted(1);
  }
  expect(fm.trainingMetrics.length).toBe(20_000);
});
