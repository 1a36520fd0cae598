/**
 * `trials()`: a trial the master told to stop acknowledges by asking for the
 * next trial (the master reads the ask as the acknowledgement), not by a
 * request of its own; a trial that leaves the loop otherwise still sends it.
 * The checkpoint a trial takes as it stops, or as it ends once the master
 * closed it, goes with that ask too.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { type Context, FakeMaster, init, trials } from "../../src/sdk/index.js";
import { fastBackoff } from "./support.js";

const quiet = { handleExitSignals: false, backoff: fastBackoff, log: () => {} } as const;

/** A master that has asked the trial's allocation to stop before it started. */
function toldToStop(): FakeMaster {
  const fm = new FakeMaster({ ops: [10] });
  fm.preempt();
  return fm;
}

/** Follows its operations until told to stop, then (checkpoints and) acknowledges, as a trial does. */
async function stoppedTrial(ctx: Context, checkpoint = false): Promise<string | null> {
  for await (const op of ctx.searcher.operations()) await op.reportCompleted(1);
  expect(ctx.preempt.shouldPreempt()).toBe(true);
  const uuid = checkpoint
    ? await ctx.checkpoint.store({ stepsCompleted: 4 }, (dir) =>
        writeFile(join(dir, "w.json"), "4"),
      )
    : null;
  await ctx.preempt.acknowledge();
  return uuid;
}

test("a trial told to stop by the master acknowledges by asking for the next trial", async () => {
  const fm = toldToStop();
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    await stoppedTrial(ctx);
  }
  const kinds = fm.events.map((e) => e.type);
  expect(kinds.at(-1)).toBe("nextTrial");
  expect(fm.preemptionAcks).toBe(0);
});

test("a trial that leaves the loop after acknowledging still sends the acknowledgement", async () => {
  const fm = toldToStop();
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    await stoppedTrial(ctx);
    break;
  }
  expect(fm.preemptionAcks).toBe(1);
  expect(fm.events.map((e) => e.type)).not.toContain("nextTrial");
});

test("the checkpoint of a trial told to stop is registered by the ask for the next trial", async () => {
  const fm = toldToStop();
  const uuids: (string | null)[] = [];
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    uuids.push(await stoppedTrial(ctx, true));
  }
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual(uuids);
  expect(fm.requests.map((r) => r.path)).not.toContain("/checkpoints");
  expect(fm.events.map((e) => e.type).slice(-2)).toEqual(["checkpoint", "nextTrial"]);
  expect(fm.preemptionAcks).toBe(0);
});

test("a trial that leaves the loop after checkpointing registers it before its acknowledgement", async () => {
  const fm = toldToStop();
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    await stoppedTrial(ctx, true);
    break;
  }
  const kinds = fm.events.map((e) => e.type).filter((t) => t !== "completedOperation");
  expect(kinds).toEqual(["checkpoint", "ackPreemption"]);
});

test("a context of its own sends the acknowledgement at once", async () => {
  const fm = toldToStop();
  const ctx = await init({ ...quiet, transport: fm, env: fm.env() });
  await stoppedTrial(ctx);
  expect(fm.preemptionAcks).toBe(1);
  await ctx.close();
});

/** Completes its operations until the master closes it, then checkpoints its end, as a trial does. */
async function closedTrial(ctx: Context): Promise<string> {
  for await (const op of ctx.searcher.operations()) await op.reportCompleted(1);
  expect(ctx.preempt.shouldPreempt()).toBe(false);
  return ctx.checkpoint.store({ stepsCompleted: 10 }, (dir) =>
    writeFile(join(dir, "w.json"), "10"),
  );
}

test("the checkpoint a trial takes at its end, once the master closed it, is registered by the ask for the next trial", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const uuids: string[] = [];
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    uuids.push(await closedTrial(ctx));
  }
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual(uuids);
  expect(fm.requests.map((r) => r.path)).not.toContain("/checkpoints");
  expect(fm.events.map((e) => e.type).slice(-2)).toEqual(["checkpoint", "nextTrial"]);
});

test("a closed trial that leaves the loop after checkpointing still registers its checkpoint", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const uuids: string[] = [];
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    uuids.push(await closedTrial(ctx));
    break;
  }
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual(uuids);
  expect(fm.events.map((e) => e.type)).not.toContain("nextTrial");
});

test("a checkpoint taken while the trial goes on is registered at once", async () => {
  const fm = new FakeMaster({ ops: [5, 10] });
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    for await (const op of ctx.searcher.operations()) {
      await op.reportCompleted(1);
      if (op.length !== 5) continue;
      const uuid = await ctx.checkpoint.store({ stepsCompleted: 5 }, (dir) =>
        writeFile(join(dir, "w.json"), "5"),
      );
      await ctx.flush();
      expect(fm.checkpoints.map((c) => c.uuid)).toEqual([uuid]);
    }
  }
  expect(fm.requests.map((r) => r.path)).toContain("/checkpoints");
});

test("a SIGTERM as a closed trial takes its last checkpoint: the checkpoint is registered, and no next trial is asked for", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const uuids: string[] = [];
  for await (const ctx of trials({
    backoff: fastBackoff,
    log: () => {},
    transport: fm,
    env: fm.env(),
  })) {
    for await (const op of ctx.searcher.operations()) await op.reportCompleted(1);
    // The master closed it; the process is asked to go as the trial saves its end.
    process.emit("SIGTERM", "SIGTERM");
    uuids.push(
      await ctx.checkpoint.store({ stepsCompleted: 10 }, (dir) =>
        writeFile(join(dir, "w.json"), "10"),
      ),
    );
  }
  expect(fm.checkpoints.map((c) => c.uuid)).toEqual(uuids);
  expect(fm.events.map((e) => e.type)).not.toContain("nextTrial");
  expect(process.listenerCount("SIGTERM")).toBe(0);
});
