import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

const config = {
  scheduling_unit: 10,
  min_validation_period: { unit: "batches", value: 10 },
  min_checkpoint_period: null,
  checkpoint_policy: "best",
} as const;

/** validation_loss by step: better, worse, best, equal to the best, worse. */
const losses: Record<number, number> = { 10: 0.5, 20: 0.7, 30: 0.3, 40: 0.3, 50: 0.9 };

test("with checkpoint_policy best, a validation is checkpointed only if it is at least as good as the experiment's best", async () => {
  const fm = new FakeMaster({ ops: [50], config, bestValidation: 0.6 });
  const trainer = new RecordingTrainer({
    validation: (steps) => ({ validation_loss: losses[steps] ?? 1 }),
  });
  await trainer.fit({ ctx: await openContext(fm) });

  expect(trainer.evaluatedAt).toEqual([10, 20, 30, 40, 50]);
  // 10 beats the others' 0.6; 20 does not; 30 is the new best; 40 ties it; 50 is worse,
  // but it is the end of the trial, which is always checkpointed.
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([10, 30, 40, 50]);
  // The trial's last validation is not weighed: the trial's end is checkpointed anyway.
  expect(
    fm.requests.filter((r) => r.path.includes("best_searcher_validation_metric")),
  ).toHaveLength(4);
});

test("with checkpoint_policy best and larger-is-better, the comparison is reversed", async () => {
  const fm = new FakeMaster({
    ops: [30],
    config: { ...config, searcher: { metric: "accuracy", smaller_is_better: false } },
    bestValidation: 0.8,
  });
  const accuracy: Record<number, number> = { 10: 0.7, 20: 0.9, 30: 0.85 };
  const trainer = new RecordingTrainer({
    validation: (steps) => ({ accuracy: accuracy[steps] ?? 0 }),
  });
  await trainer.fit({ ctx: await openContext(fm) });
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20, 30]);
});

test("an operation the trial goes on from is weighed right after its completion; its last is not", async () => {
  const fm = new FakeMaster({
    ops: [30, 60],
    config: { ...config, min_validation_period: null },
    bestValidation: 0.6,
  });
  const trainer = new RecordingTrainer({ validation: (steps) => ({ validation_loss: 1 / steps }) });
  await trainer.fit({ ctx: await openContext(fm) });
  // 30: 1/30 beats 0.6, checkpointed before op 60 trains; 60: the trial's end.
  expect(trainer.savedAt).toEqual([30, 60]);
  expect(
    fm.requests.filter((r) => r.path.includes("best_searcher_validation_metric")),
  ).toHaveLength(1);
});
