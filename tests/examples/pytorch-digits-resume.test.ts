/**
 * A PyTorch trial of examples/pytorch-digits paused in the middle of its
 * operation checkpoints (weights, Adam's state and the generator that draws
 * the dropout masks) and exits; activated, it resumes from that checkpoint in
 * a new process and ends with the model of the same trial run without a pause.
 */
import { expect, test } from "vitest";
import { clustersClosedAfterEach, metricsOf } from "../e2e/support/cluster.js";
import { oneTrialOf, pauseMidOperation, validationAtStep } from "./support/pause-mid-operation.js";
import { exampleConfig, exampleDir } from "./support/python-example.js";

const EXAMPLE = "pytorch-digits";
const LENGTH = 3000;
const startCluster = clustersClosedAfterEach();

/** One trial with fixed hyperparameters (dropout on, so the generator's state matters), same seed. */
const oneTrial = oneTrialOf(exampleConfig(EXAMPLE), LENGTH, {
  name: "pytorch-digits-resume",
  hyperparameters: { global_batch_size: 32, lr: 0.003, channels: 8, hidden: 64, dropout: 0.2 },
  min_validation_period: { batches: 500 },
  min_checkpoint_period: undefined, // the checkpoint it resumes from is the one it writes as it stops
});

test("a PyTorch trial paused mid-operation and activated ends with the validation loss of an uninterrupted run", async () => {
  const c = await startCluster({ slots: 2 });
  const { resumed, straight, pausedAt } = await pauseMidOperation(
    c,
    oneTrial,
    exampleDir(EXAMPLE),
    LENGTH,
  );
  const secondRun = (await metricsOf(c, resumed.id, "training")).filter((m) => m.runId > 1);
  expect(Math.min(...secondRun.map((m) => m.stepsCompleted))).toBeGreaterThan(pausedAt);

  const expected = await validationAtStep(c, straight.id, LENGTH);
  const got = await validationAtStep(c, resumed.id, LENGTH);
  // Single-threaded float32 on the CPU: runs have agreed to the last bit. 5e-6 leaves room
  // for a kernel that rounds differently in a new process, and is far below what a resume
  // that loses state is off by at 3,000 batches (the dropout generator's: 8e-3 to 1.3e-2;
  // Adam's moments: 2.9e-2).
  expect(got.validation_loss).toBeCloseTo(expected.validation_loss!, 5);
  expect(got.validation_accuracy).toBe(expected.validation_accuracy);
}, 180_000);
