import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { RecordingTrainer, tick } from "./recording-trainer.js";
import { openContext } from "./support.js";

const config = {
  scheduling_unit: 10,
  min_validation_period: null,
  min_checkpoint_period: null,
  checkpoint_policy: "none",
} as const;

test("a restarted trial loads its latest checkpoint and continues from the checkpoint's step", async () => {
  const checkpointDir = await mkdtemp(join(tmpdir(), "pushtune-resume-"));

  // Run 1: preempted at step 60 of its first operation.
  const first = new FakeMaster({ ops: [100, 200], config, checkpointDir });
  const run1 = new RecordingTrainer({
    onBatch: async (i) => {
      if (i === 55) first.preempt();
      await tick();
    },
  });
  expect(await run1.fit({ ctx: await openContext(first) })).toEqual({
    outcome: "preempted",
    batches: 60,
  });
  const uuid = first.checkpoints.at(-1)?.uuid ?? "";

  // Run 2: a new allocation of the same trial, told where to resume.
  const second = new FakeMaster({
    ops: [100, 200],
    config,
    checkpointDir,
    runId: 2,
    latestCheckpoint: uuid,
  });
  const run2 = new RecordingTrainer();
  const result = await run2.fit({ ctx: await openContext(second) });

  expect(run2.loadedSteps).toEqual([60]);
  expect(run2.trained[0]).toBe(60);
  expect(run2.trained).toHaveLength(140);
  expect(result).toEqual({ outcome: "completed", batches: 200 });
  expect(second.trainingMetrics[0]?.stepsCompleted).toBe(70);
  expect(second.completedOperations.map((o) => o.length)).toEqual([100, 200]);
  // The trial's end is checkpointed; the step it resumed from is not checkpointed again.
  expect(second.checkpoints.map((c) => c.stepsCompleted)).toEqual([200]);
});

test("a trial restored exactly at its operation's length validates and completes without training", async () => {
  const checkpointDir = await mkdtemp(join(tmpdir(), "pushtune-resume-"));
  const first = new FakeMaster({ ops: [50], config, checkpointDir });
  await new RecordingTrainer().fit({ ctx: await openContext(first) });
  const uuid = first.checkpoints.at(-1)?.uuid ?? "";

  const second = new FakeMaster({
    ops: [50],
    config,
    checkpointDir,
    runId: 2,
    latestCheckpoint: uuid,
  });
  const trainer = new RecordingTrainer();
  await trainer.fit({ ctx: await openContext(second) });
  expect(trainer.trained).toEqual([]);
  expect(trainer.evaluatedAt).toEqual([50]);
  expect(second.completedOperations).toEqual([{ length: 50, searcherMetric: 1 / 51 }]);
  expect(second.checkpoints).toEqual([]);
});
