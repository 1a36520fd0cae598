/**
 * SIGTERM is a preemption for a trial that watches for one: Slurm sends it
 * ahead of a time limit or when it preempts a job (`--signal=B:TERM@…`), and
 * the trial checkpoints where it is, acknowledges and ends, as when the
 * master asks. Its process takes no next trial. The signal is emitted in the
 * process here; what a second SIGTERM does ends a process, so it is tested
 * on a child (`exit-signal-flush.test.ts`).
 */
import { expect, test } from "vitest";
import { FakeMaster, init, trials } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { fastBackoff } from "./support.js";

const options = { backoff: fastBackoff, log: () => {} } as const;
const config = { scheduling_unit: 10, min_checkpoint_period: null, min_validation_period: null };

/** A trainer that is sent SIGTERM before its 35th batch. */
const signalledAt35 = () =>
  new RecordingTrainer({
    onBatch: (i) => {
      if (i === 34) process.emit("SIGTERM", "SIGTERM");
    },
  });

test("a Trainer sent SIGTERM checkpoints at the next scheduling unit, acknowledges and returns preempted", async () => {
  const fm = new FakeMaster({ ops: [100], config });
  const ctx = await init({ ...options, transport: fm, env: fm.env() });
  const result = await signalledAt35().fit({ ctx });
  await ctx.close();
  expect(result).toEqual({ outcome: "preempted", batches: 40 });
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([40]);
  expect(fm.trainingMetrics.map((m) => m.stepsCompleted)).toEqual([10, 20, 30, 40]);
  expect(fm.preemptionAcks).toBe(1);
  expect(fm.completedOperations).toEqual([]);
  expect(process.listenerCount("SIGTERM")).toBe(0);
});

test("a process running trial after trial, sent SIGTERM, stops its trial and asks for no other", async () => {
  const fm = new FakeMaster({ ops: [100], config });
  const outcomes: string[] = [];
  for await (const ctx of trials({ ...options, transport: fm, env: fm.env() })) {
    outcomes.push((await signalledAt35().fit({ ctx })).outcome);
  }
  expect(outcomes).toEqual(["preempted"]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([40]);
  // Acknowledged by a request of its own: asking for the next trial would take one.
  expect(fm.preemptionAcks).toBe(1);
  expect(fm.events.map((e) => e.type)).not.toContain("nextTrial");
});

test("a trial waiting for its next operation stops waiting at SIGTERM", async () => {
  const fm = new FakeMaster({ ops: [10], closeAfterOps: false, config });
  const ctx = await init({ ...options, transport: fm, env: fm.env(), operationWaitSeconds: 30 });
  const trainer = new RecordingTrainer();
  const fit = trainer.fit({ ctx });
  // Trained its op and reported it: now it waits for a promotion that does not come.
  while (fm.completedOperations.length === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  process.emit("SIGTERM", "SIGTERM");
  expect(await fit).toEqual({ outcome: "preempted", batches: 10 });
  await ctx.close();
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([10]);
  expect(fm.preemptionAcks).toBe(1);
});
