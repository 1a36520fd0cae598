import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { RecordingTrainer, tick } from "./recording-trainer.js";
import { openContext } from "./support.js";

const config = {
  scheduling_unit: 10,
  min_validation_period: null,
  min_checkpoint_period: { unit: "batches", value: 30 },
  checkpoint_policy: "none",
} as const;

test("a trial preempted mid-operation stops at the next scheduling unit, checkpoints, acknowledges and returns", async () => {
  const fm = new FakeMaster({ ops: [100], config });
  const trainer = new RecordingTrainer({
    onBatch: async (i) => {
      if (i === 44) fm.preempt();
      await tick();
    },
  });
  const ctx = await openContext(fm);
  const result = await trainer.fit({ ctx });

  expect(result).toEqual({ outcome: "preempted", batches: 50 });
  expect(trainer.trained).toHaveLength(50);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([30, 50]);
  expect(fm.preemptionAcks).toBe(1);
  expect(fm.completedOperations).toEqual([]);
  // The acknowledgement comes after the checkpoint it announces.
  const kinds = fm.events.map((e) => e.type);
  expect(kinds.lastIndexOf("checkpoint")).toBeLessThan(kinds.indexOf("ackPreemption"));
});

test("a preemption at a step that was just checkpointed does not checkpoint again", async () => {
  const fm = new FakeMaster({ ops: [100], config, preemptAt: { afterMetricsSteps: 20 } });
  const trainer = new RecordingTrainer({ onBatch: () => tick() });
  const result = await trainer.fit({ ctx: await openContext(fm) });
  expect(result.outcome).toBe("preempted");
  expect(result.batches % 10).toBe(0);
  const steps = fm.checkpoints.map((c) => c.stepsCompleted);
  expect(new Set(steps).size).toBe(steps.length);
  expect(steps.at(-1)).toBe(result.batches);
  expect(fm.preemptionAcks).toBe(1);
});

test("a trial preempted while it waits for a promotion checkpoints where it is and returns", async () => {
  const fm = new FakeMaster({
    ops: [40],
    closeAfterOps: false,
    config: { ...config, min_checkpoint_period: null },
  });
  const trainer = new RecordingTrainer();
  const ctx = await openContext(fm);
  setTimeout(() => fm.preempt(), 50);
  const result = await trainer.fit({ ctx });

  expect(result).toEqual({ outcome: "preempted", batches: 40 });
  expect(fm.completedOperations).toEqual([{ length: 40, searcherMetric: 1 / 41 }]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([40]);
  expect(fm.preemptionAcks).toBe(1);
});
