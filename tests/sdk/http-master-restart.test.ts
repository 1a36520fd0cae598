import { expect, onTestFinished, test } from "vitest";
import { FakeMaster, init } from "../../src/sdk/index.js";
import { HttpFakeMaster } from "./http-fake-master.js";
import { RecordingTrainer, tick } from "./recording-trainer.js";

test("over real HTTP, a master that is stopped for two seconds mid-trial gets every report exactly once", async () => {
  const fm = new FakeMaster({
    ops: [150, 300],
    config: {
      scheduling_unit: 10,
      min_validation_period: { unit: "batches", value: 50 },
      min_checkpoint_period: { unit: "batches", value: 100 },
      checkpoint_policy: "none",
    },
  });
  const master = new HttpFakeMaster(fm);
  await master.start();
  onTestFinished(() => master.stop());

  const log: string[] = [];
  let restarted: Promise<void> | null = null;
  let trainedWhenRestarted = 0;
  const trainer = new RecordingTrainer({
    onBatch: async (i) => {
      if (i === 60) {
        await master.stop();
        restarted = new Promise((resolve) => setTimeout(resolve, 2000)).then(() => {
          trainedWhenRestarted = trainer.trained.length;
          return master.start();
        });
      }
      await tick(5);
    },
  });
  const ctx = await init({
    env: master.env(),
    handleExitSignals: false,
    backoff: { initialMs: 50, maxMs: 400 },
    log: (line) => log.push(line),
  });
  const result = await trainer.fit({ ctx });
  await ctx.close();
  await restarted;

  expect(result).toEqual({ outcome: "completed", batches: 300 });
  // Training went on during the outage, up to the end of its operation (whose completion
  // needs the master).
  expect(trainedWhenRestarted).toBeGreaterThanOrEqual(150);
  expect(log.some((l) => l.includes("cannot reach the master"))).toBe(true);
  expect(log.some((l) => l.includes("reachable again"))).toBe(true);

  const tens = Array.from({ length: 30 }, (_, i) => (i + 1) * 10);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual(tens);
  expect(fm.validationMetrics.map((r) => r.stepsCompleted)).toEqual([50, 100, 150, 200, 250, 300]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([100, 200, 300]);
  expect(fm.completedOperations.map((o) => o.length)).toEqual([150, 300]);
  // Each write was accepted once, though some were sent more than once.
  expect(fm.events.filter((e) => e.type === "metrics")).toHaveLength(36);
  expect(fm.events.filter((e) => e.type === "completedOperation")).toHaveLength(2);
  expect(fm.events.filter((e) => e.type === "checkpoint")).toHaveLength(3);
});
