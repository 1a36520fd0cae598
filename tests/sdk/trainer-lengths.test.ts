import { expect, test } from "vitest";
import { type ConfigOverrides, FakeMaster, localExperimentConfig } from "../../src/sdk/index.js";
import { LengthConverter } from "../../src/sdk/lengths.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

test("operations in epochs are trained as batches of records_per_epoch / global_batch_size", async () => {
  const fm = new FakeMaster({
    ops: [1, 3],
    hparams: { global_batch_size: 100 },
    config: {
      searcher: { max_length: { unit: "epochs", value: 3 } },
      records_per_epoch: 1000,
      scheduling_unit: 5,
      min_validation_period: { unit: "epochs", value: 1 },
      min_checkpoint_period: { unit: "records", value: 1500 },
      checkpoint_policy: "none",
    },
  });
  const trainer = new RecordingTrainer();
  const result = await trainer.fit({ ctx: await openContext(fm) });

  expect(result.batches).toBe(30);
  expect(trainer.evaluatedAt).toEqual([10, 20, 30]);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([15, 30]);
  // Operations are completed and progress reported in the searcher's unit, epochs
  // (every 5 batches; an operation's completion stands for its end).
  expect(fm.completedOperations.map((o) => o.length)).toEqual([1, 3]);
  // (Queued progress is coalesced: which of these values reach the master depends on timing.)
  expect(fm.progress.length).toBeGreaterThan(0);
  expect(fm.progress.every((p) => [0.5, 1.5, 2, 2.5].includes(p))).toBe(true);
});

test("records are rounded up to whole batches, with the batch size taken from the hyperparameters", async () => {
  const fm = new FakeMaster({
    ops: [1050],
    hparams: { global_batch_size: 100 },
    config: { searcher: { max_length: { unit: "records", value: 1050 } }, scheduling_unit: 4 },
  });
  const trainer = new RecordingTrainer();
  const result = await trainer.fit({ ctx: await openContext(fm) });
  expect(result.batches).toBe(11);
  // Progress in records, capped at the operation's length (11 batches of 100 are 1,100 records).
  const config = localExperimentConfig({
    searcher: { max_length: { unit: "records", value: 1050 } },
  } as ConfigOverrides);
  const lengths = new LengthConverter(config, { global_batch_size: 100 });
  expect([4, 8, 11].map((b) => lengths.progress(b, 1050))).toEqual([400, 800, 1050]);
  expect(fm.completedOperations.map((o) => o.length)).toEqual([1050]);
});

test("a length in records without a global batch size is refused with the field to set", async () => {
  const fm = new FakeMaster({
    ops: [500],
    config: { searcher: { max_length: { unit: "records", value: 500 } } },
  });
  const trainer = new RecordingTrainer();
  await expect(trainer.fit({ ctx: await openContext(fm) })).rejects.toThrow(/global_batch_size/);
});
