import { expect, test } from "vitest";
import { type Context, FakeMaster, InvalidHPError } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

test("a trainer that finds its hyperparameters unusable exits early with INVALID_HP", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const trainer = new RecordingTrainer({
    onBatch: (i) => {
      if (i === 5) throw new InvalidHPError("learning rate diverges");
    },
  });
  const result = await trainer.fit({ ctx: await openContext(fm) });
  expect(result).toEqual({ outcome: "exitedEarly", batches: 5 });
  expect(fm.earlyExits).toEqual(["INVALID_HP"]);
  expect(fm.completedOperations).toEqual([]);
});

test("hyperparameters found unusable while building the model in setup() exit early with INVALID_HP", async () => {
  const fm = new FakeMaster({ ops: [100], hparams: { hidden: 4096 } });
  const trainer = new (class extends RecordingTrainer {
    setup(ctx: Context) {
      if (Number(ctx.hparams.hidden) > 512) throw new InvalidHPError("4096 units do not fit");
    }
  })();
  const result = await trainer.fit({ ctx: await openContext(fm) });
  expect(result).toEqual({ outcome: "exitedEarly", batches: 0 });
  expect(fm.earlyExits).toEqual(["INVALID_HP"]);
  expect(trainer.trained).toEqual([]);
});

test("any other error of the trainer propagates, after what was reported is delivered", async () => {
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
