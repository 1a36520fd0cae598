/**
 * STALE_ALLOCATION (and UNAUTHENTICATED, FORBIDDEN) on any call, not only on a
 * queued push: the queue is dropped, `preempt.signal` aborts with that error,
 * and every later call throws it. A refusal heard by the preemption long poll
 * or by the ask for an operation leaves no zombie that goes on reporting or
 * writes a checkpoint into shared storage.
 */
import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { type Context, FakeMaster, RequestError } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

/** Resolves with the reason once `preempt.signal` aborts (which starts the preemption poll). */
function stopped(ctx: Context): Promise<unknown> {
  const signal = ctx.preempt.signal;
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));
}

/** Every call the trial may make next throws `refusal`; no checkpoint is written. */
async function expectEveryLaterCallRefused(
  ctx: Context,
  fm: FakeMaster,
  refusal: unknown,
): Promise<void> {
  await expect(ctx.train.reportTrainingMetrics(1, { loss: 1 })).rejects.toBe(refusal);
  await expect(ctx.train.reportEarlyExit("ERRORED")).rejects.toBe(refusal);
  const store = ctx.checkpoint.store({ stepsCompleted: 1 }, (dir) =>
    writeFile(join(dir, "w"), "x"),
  );
  await expect(store).rejects.toBe(refusal);
  expect(readdirSync(fm.checkpointDir)).toEqual([]);
  await expect(ctx.close()).rejects.toBe(refusal);
  expect(fm.trainingMetrics).toEqual([]);
  expect(fm.checkpoints).toEqual([]);
}

/** The STALE_ALLOCATION `call` failed with, which `preempt.signal` aborted with too. */
async function refusalOf(ctx: Context, call: Promise<unknown>): Promise<unknown> {
  const refusal = await call.then(
    () => null,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(RequestError);
  expect((refusal as RequestError).code).toBe("STALE_ALLOCATION");
  expect(ctx.preempt.signal.aborted).toBe(true);
  expect(ctx.preempt.signal.reason).toBe(refusal);
  return refusal;
}

test("a refusal heard by the preemption poll fails every later call", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const ctx = await openContext(fm);
  fm.supersede();
  const reason = await stopped(ctx); // the poll starts a second after the trial looks
  expect(reason).toBeInstanceOf(RequestError);
  expect((reason as RequestError).code).toBe("STALE_ALLOCATION");
  expect(ctx.preempt.shouldPreempt()).toBe(true);
  await expectEveryLaterCallRefused(ctx, fm, reason);
});

test("a refusal heard by the ask for an operation aborts preempt.signal and fails every later call", async () => {
  const fm = new FakeMaster({ ops: [10], closeAfterOps: false });
  const ctx = await openContext(fm);
  fm.supersede();
  const asked = (async () => {
    for await (const _op of ctx.searcher.operations()) throw new Error("no operation was expected");
  })();
  const refusal = await refusalOf(ctx, asked);
  await expectEveryLaterCallRefused(ctx, fm, refusal);
});

test("a refusal heard by the ask for the experiment's best validation aborts preempt.signal and fails every later call", async () => {
  const fm = new FakeMaster({ ops: [10], bestValidation: 0.5 });
  const ctx = await openContext(fm);
  expect(await ctx.checkpoint.getBestValidation()).toBe(0.5);
  fm.supersede();
  const refusal = await refusalOf(ctx, ctx.checkpoint.getBestValidation());
  await expect(ctx.checkpoint.getBestValidation()).rejects.toBe(refusal);
  await expectEveryLaterCallRefused(ctx, fm, refusal);
});
