import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

const config = {
  scheduling_unit: 10,
  min_validation_period: { unit: "batches", value: 25 },
  min_checkpoint_period: { unit: "batches", value: 40 },
  checkpoint_policy: "none",
} as const;

test("the trainer validates, checkpoints and reports on a fixed schedule across several operations", async () => {
  const fm = new FakeMaster({ ops: [35, 100], config });
  const trainer = new RecordingTrainer();
  const result = await trainer.fit({ ctx: await openContext(fm) });

  expect(result).toEqual({ outcome: "completed", batches: 100 });
  expect(trainer.trained).toEqual(Array.from({ length: 100 }, (_, i) => i));
  // Every multiple of the validation period, plus each operation's end, never twice.
  expect(trainer.evaluatedAt).toEqual([25, 35, 50, 75, 100]);
  expect(fm.validationMetrics.map((r) => r.stepsCompleted)).toEqual([25, 35, 50, 75, 100]);
  // Every multiple of the checkpoint period, plus the end of the trial (100 = not a multiple of 40).
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([40, 80, 100]);
  // Training means every scheduling unit and at each operation's end.
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([
    10, 20, 30, 35, 40, 50, 60, 70, 80, 90, 100,
  ]);
  expect(fm.trainingMetrics[0]?.metrics).toEqual({ loss: 4.5 }); // mean of batches 0..9
  expect(fm.trainingMetrics[3]?.metrics).toEqual({ loss: 32 }); // mean of batches 30..34
  // Each operation completes with the validation taken at its end.
  expect(fm.completedOperations).toEqual([
    { length: 35, searcherMetric: 1 / 36 },
    { length: 100, searcherMetric: 1 / 101 },
  ]);
  // Progress at scheduling units within an operation (coalesced while queued, so only
  // growing); the operation's completion stands for its end.
  expect(fm.progress).toEqual([...fm.progress].sort((a, b) => a - b));
  expect(fm.progress.length).toBeGreaterThan(0);
  expect(fm.progress.every((p) => p % 10 === 0 && p < 100)).toBe(true);
});

test("a validation at an operation's end that falls on the period is taken once", async () => {
  const fm = new FakeMaster({ ops: [50, 100], config: { ...config, min_checkpoint_period: null } });
  const trainer = new RecordingTrainer();
  await trainer.fit({ ctx: await openContext(fm) });
  expect(trainer.evaluatedAt).toEqual([25, 50, 75, 100]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([100]);
});

test("with checkpoint_policy all, every validation is followed by a checkpoint", async () => {
  const fm = new FakeMaster({ ops: [60], config: { ...config, checkpoint_policy: "all" } });
  const trainer = new RecordingTrainer();
  await trainer.fit({ ctx: await openContext(fm) });
  expect(trainer.evaluatedAt).toEqual([25, 50, 60]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([25, 40, 50, 60]);
});

test("without periods the trainer validates at each operation's end and checkpoints at the trial's end", async () => {
  const fm = new FakeMaster({
    ops: [7, 19],
    config: {
      scheduling_unit: 5,
      min_validation_period: null,
      min_checkpoint_period: null,
      checkpoint_policy: "none",
    },
  });
  const trainer = new RecordingTrainer();
  await trainer.fit({ ctx: await openContext(fm) });
  expect(trainer.evaluatedAt).toEqual([7, 19]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([19]);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([5, 7, 10, 15, 19]);
});
