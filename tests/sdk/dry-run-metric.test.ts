/**
 * A dry run has no experiment config, so its searcher metric is the default
 * (validation_loss): a Trainer whose evaluate() returns another is told so,
 * and how to name its own; with the metric named, the dry run takes it.
 */
import { expect, test } from "vitest";
import { type Context, init, Trainer } from "../../src/sdk/index.js";

class ErrorRate extends Trainer {
  trainBatch() {
    return { loss: 1 };
  }
  evaluate() {
    return { validation_error: 0.25 };
  }
  save() {}
  load() {}
}

async function dryRun(config?: { searcher: { metric: string } }): Promise<Context> {
  return init({
    env: {},
    handleExitSignals: false,
    dryRun: { maxLength: 2, print: () => {}, ...(config ? { config } : {}) },
  });
}

test("a dry run whose evaluate() lacks the metric names the option that sets it", async () => {
  const ctx = await dryRun();
  await expect(new ErrorRate().fit({ ctx })).rejects.toThrow(
    `evaluate() must return the searcher's metric "validation_loss"; it returned ["validation_error"] ` +
      `(a dry run's metric is "validation_loss" unless the dryRun option names another: ` +
      `dryRun: {config: {searcher: {metric: "..."}}})`,
  );
  await ctx.close();
});

test("a dry run takes the metric its option names", async () => {
  const ctx = await dryRun({ searcher: { metric: "validation_error" } });
  expect(await new ErrorRate().fit({ ctx })).toEqual({ outcome: "completed", batches: 2 });
  await ctx.close();
});
