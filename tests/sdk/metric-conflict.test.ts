import { expect, test } from "vitest";
import { FakeMaster, RequestError } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

test("a metric that conflicts with the stored one surfaces as an error, and the rest still lands", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  await ctx.train.reportValidationMetrics(100, { validation_loss: 0.5 });
  await ctx.flush();

  fm.down(); // so the next three are sent as one batch
  await ctx.train.reportValidationMetrics(200, { validation_loss: 0.4 });
  await ctx.train.reportValidationMetrics(100, { validation_loss: 0.9 });
  await ctx.train.reportValidationMetrics(300, { validation_loss: 0.3 });
  fm.up();

  const error = await ctx.flush().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).code).toBe("METRIC_CONFLICT");
  expect((error as RequestError).message).toMatch(/step 100/);
  // Refused as a batch, then alone: the other two reports of the batch were resent and kept.
  expect(fm.requests.filter((r) => r.outcome === "METRIC_CONFLICT")).toHaveLength(2);
  expect(fm.validationMetrics.map((r) => [r.stepsCompleted, r.metrics.validation_loss])).toEqual([
    [100, 0.5],
    [200, 0.4],
    [300, 0.3],
  ]);
  // The trial learns of it at its next call at the latest.
  await expect(ctx.train.reportTrainingMetrics(301, { loss: 1 })).rejects.toThrow(
    /METRIC_CONFLICT|differ/,
  );
});

test("an identical repeat of a stored metric is accepted silently", async () => {
  const fm = new FakeMaster();
  const ctx = await openContext(fm);
  await ctx.train.reportValidationMetrics(100, { validation_loss: 0.5 });
  await ctx.train.reportValidationMetrics(100, { validation_loss: 0.5 });
  await ctx.flush();
  expect(fm.validationMetrics).toHaveLength(1);
});
