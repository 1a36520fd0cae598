import { expect, test, vi } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("metrics reported while the master is down arrive exactly once after it comes back", async () => {
  const fm = new FakeMaster({ ops: [200] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    for (let step = 1; step <= op.length; step++) {
      if (step === 30) fm.down();
      await ctx.train.reportTrainingMetrics(step, { loss: 1 / step });
      op.reportProgress(step);
      // Training goes on while the master is away; let the sender try (and fail) now and then.
      if (step % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      if (step === 150) {
        // The sender meets the outage before the master comes back, however slowly a loaded
        // machine runs it.
        await vi.waitFor(() => expect(fm.requests.some((r) => r.outcome === "down")).toBe(true), {
          timeout: 20_000,
          interval: 5,
        });
        fm.up();
      }
    }
    await ctx.train.reportValidationMetrics(op.length, { validation_loss: 0.25 });
    await op.reportCompleted(0.25);
  }
  await ctx.close();

  expect(fm.requests.some((r) => r.outcome === "down")).toBe(true);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual(
    Array.from({ length: 200 }, (_, i) => i + 1),
  );
  expect(fm.trainingMetrics.every((r) => r.metrics.loss === 1 / r.stepsCompleted)).toBe(true);
  expect(fm.validationMetrics).toHaveLength(1);
  expect(fm.completedOperations).toEqual([{ length: 200, searcherMetric: 0.25 }]);
});

test("a retried batch whose first attempt landed is not stored twice", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const ctx = await openContext(fm);
  fm.failNext(3, { afterApplying: true });
  for (let step = 1; step <= 10; step++)
    await ctx.train.reportTrainingMetrics(step, { loss: step });
  await ctx.flush();
  expect(fm.requests.filter((r) => r.outcome === "failed").length).toBeGreaterThan(0);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});
