/**
 * The synthetic objective of `examples/synthetic`, written against the core
 * context instead of the Trainer: this loop decides itself when to report,
 * validate, checkpoint and stop. `node train.js` with no PUSHTUNE_* environment
 * does a dry run of 100 batches with the default hyperparameters.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { init } from "pushtune";
import { DRY_RUN, parseHParams, SyntheticModel } from "../synthetic/model.js";

const ctx = await init({ dryRun: DRY_RUN });
try {
  await run();
} finally {
  await ctx.close(); // delivers everything still queued
}

async function run() {
  const parsed = parseHParams(ctx.hparams);
  if (!parsed.ok) {
    console.error(parsed.reason);
    await ctx.train.reportEarlyExit("INVALID_HP"); // the searcher replaces this trial
    return;
  }
  const { config } = ctx;
  const unit = config.searcher.max_length.unit;
  if (unit !== "batches" && unit !== "unitless") {
    throw new Error(`this example counts in batches; searcher.max_length is in ${unit}`);
  }
  const schedulingUnit = Math.max(1, config.scheduling_unit);
  const validationPeriod = inBatches(config.min_validation_period);
  const checkpointPeriod = inBatches(config.min_checkpoint_period);
  const sleepMs = Number(ctx.hparams.sleep_ms ?? process.env.SYNTHETIC_SLEEP_MS ?? 0);

  const model = new SyntheticModel(parsed.hparams, ctx.trialSeed);
  let steps = 0;
  if (ctx.latestCheckpoint !== null) {
    steps = await ctx.checkpoint.restore(ctx.latestCheckpoint, async (dir, metadata) => {
      model.state = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
      return metadata.stepsCompleted;
    });
    console.log(`trial ${ctx.trialId} run ${ctx.runId}: resumed at batch ${steps}`);
  }

  let lastCheckpoint = steps;
  const checkpoint = async () => {
    if (steps === lastCheckpoint) return;
    await ctx.checkpoint.store({ stepsCompleted: steps }, async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "model.json"), JSON.stringify(model.state));
    });
    lastCheckpoint = steps;
  };
  let lastValidation = { steps: -1, loss: Number.NaN };
  const validate = async () => {
    if (lastValidation.steps !== steps) {
      const loss = model.validationLoss(steps);
      await ctx.train.reportValidationMetrics(steps, { validation_loss: loss });
      lastValidation = { steps, loss };
    }
    return lastValidation.loss;
  };

  let lossSum = 0;
  let lossCount = 0;
  for await (const op of ctx.searcher.operations()) {
    // Lengths are absolute: a resumed trial trains only what is left of the op.
    while (steps < op.length) {
      if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
      lossSum += model.trainBatch(steps);
      lossCount += 1;
      steps += 1;
      const reported = steps % schedulingUnit === 0 || steps === op.length;
      if (reported) {
        await ctx.train.reportTrainingMetrics(steps, { loss: lossSum / lossCount });
        lossSum = 0;
        lossCount = 0;
        op.reportProgress(steps);
      }
      if (validationPeriod !== null && steps % validationPeriod === 0) await validate();
      if (checkpointPeriod !== null && steps % checkpointPeriod === 0) await checkpoint();
      // It stops only where it has just reported (as the Trainer does): resumed from the
      // checkpoint it takes here, it reports the training losses of a trial never stopped.
      if (reported && ctx.preempt.shouldPreempt()) break;
    }
    if (steps < op.length) break; // preempted in the middle of the op
    await op.reportCompleted(await validate());
  }
  if (lossCount > 0) await ctx.train.reportTrainingMetrics(steps, { loss: lossSum / lossCount });
  // Closed, or told to stop (pause, a trial that needs the slot): keep what was trained.
  await checkpoint();
  if (ctx.preempt.shouldPreempt()) await ctx.preempt.acknowledge();
}

/** @param {{unit: string, value: number} | null} length */
function inBatches(length) {
  if (length === null) return null;
  if (length.unit !== "batches" && length.unit !== "unitless") {
    throw new Error(`this example counts in batches, got a period in ${length.unit}`);
  }
  return Math.max(1, length.value);
}
