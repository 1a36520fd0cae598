import { expect, test } from "vitest";
import { FakeMaster, InvalidReportError } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("a non-finite metric is refused at once, naming the metric, and nothing is sent", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  await expect(
    ctx.train.reportTrainingMetrics(10, { accuracy: 0.5, loss: Number.NaN }),
  ).rejects.toThrow(/training metrics at step 10: metric "loss" is NaN/);
  await expect(
    ctx.train.reportValidationMetrics(10, { validation_loss: Number.POSITIVE_INFINITY }),
  ).rejects.toBeInstanceOf(InvalidReportError);
  await ctx.flush();
  expect(fm.metrics).toEqual([]);
});

test("steps must be a non-negative integer", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  await expect(ctx.train.reportTrainingMetrics(1.5, { loss: 1 })).rejects.toThrow(/integer >= 0/);
  await expect(ctx.train.reportTrainingMetrics(-1, { loss: 1 })).rejects.toThrow(/integer >= 0/);
});

test("a non-finite searcher metric cannot complete an operation", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    await expect(op.reportCompleted(Number.NaN)).rejects.toThrow(/searcher metric is NaN/);
    await op.reportCompleted(1);
  }
  expect(fm.completedOperations).toEqual([{ length: 10, searcherMetric: 1 }]);
});
