/**
 * A process under trials() keeps the checkpoint of a trial told to stop for
 * its ask for the next trial. If the trial still completes its operation
 * (told to stop in the last stretch of it), the completion must not overtake
 * that checkpoint: the master judges what follows a completion (a PBT round,
 * the next rung) with each trial's latest checkpoint, and a child of this
 * trial would start from an older one.
 */
import { expect, test } from "vitest";
import { FakeMaster, trials } from "../../src/sdk/index.js";
import { fastBackoff } from "./support.js";

test("a checkpoint taken once told to stop reaches the master before the operation's completion", async () => {
  const fm = new FakeMaster({ ops: [20] });
  for await (const ctx of trials({
    backoff: fastBackoff,
    log: () => {},
    transport: fm,
    env: fm.env(),
  })) {
    for await (const op of ctx.searcher.operations()) {
      fm.preempt();
      while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 5));
      await ctx.checkpoint.store({ stepsCompleted: op.length }, () => {});
      await op.reportCompleted(0.5);
    }
    await ctx.preempt.acknowledge();
  }
  const order = fm.events.flatMap((e) =>
    e.type === "checkpoint" || e.type === "completedOperation" ? [e.type] : [],
  );
  expect(order).toEqual(["checkpoint", "completedOperation"]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
});
