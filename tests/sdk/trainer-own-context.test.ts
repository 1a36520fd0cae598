import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";

test("a fit that opened its own context closes it when the trainer throws, delivering what was reported", async () => {
  const fm = new FakeMaster({ ops: [100], config: { scheduling_unit: 2 } });
  const trainer = new RecordingTrainer({
    onBatch: (i) => {
      if (i === 5) throw new Error("CUDA out of memory");
    },
  });
  await expect(
    trainer.fit({
      init: { transport: fm, env: fm.env(), handleExitSignals: false, log: () => {} },
    }),
  ).rejects.toThrow("CUDA out of memory");
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([2, 4]);
  expect(fm.earlyExits).toEqual([]);
});
