// The contract suite's trial on the TypeScript SDK's core context. `contract_trial.py`
// is the same trial on the Python SDK: the two must push the same rows, so any change
// here is made there too.
//
// Everything it reports is a function of its hyperparameters and the step
// (tests/contract/support/objective.ts): loss(s) = scale / (s + 1) and
// validation_loss(s) = scale / (s + 2), plain IEEE arithmetic that both languages
// compute to the same double.
//
// Config: training metrics and progress every `scheduling_unit` steps and at the end of
// each op; a validation every `min_validation_period` steps and at the end of each op; a
// checkpoint every `min_checkpoint_period` steps and when it stops (closed or preempted).
//
// Hyperparameters that drive a scenario:
//   scale     the objective; 0 or less cannot work: it exits early with INVALID_HP.
//   hold_at   in its first run, at this step, it delivers what it reported, says
//             "holding at step N" and trains no further until it is told to stop.
//   crash_at  "run:step,…": in that run, at that step (after its reports, before a
//             checkpoint there), it delivers what it reported and exits 3.
//   raise_at  "run:step,…": in that run, at that step, an uncaught error (exit 1).
// Environment:
//   CONTRACT_ENV_DIR   where to write its PUSHTUNE_* variables as it starts
//                      (`run-<run id>.json`), so that the test can run it again
//                      later as a superseded allocation.
//   CONTRACT_STEP_MS   how long a step takes (default 0).
//
// Stopped by the master's refusal of this allocation (STALE_ALLOCATION), it prints
// "stopped at step N: <code> <status>" and fails.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { init, PreemptedError } from "pushtune";

if (process.env.CONTRACT_ENV_DIR) {
  const own = Object.entries(process.env).filter(([name]) => name.startsWith("PUSHTUNE_"));
  const file = join(process.env.CONTRACT_ENV_DIR, `run-${process.env.PUSHTUNE_TRIAL_RUN_ID}.json`);
  await writeFile(file, JSON.stringify(Object.fromEntries(own)));
}
const stepMs = Number(process.env.CONTRACT_STEP_MS ?? 0);

const ctx = await init();
let steps = 0;
try {
  await run();
} catch (error) {
  if (error.code !== undefined)
    console.log(`stopped at step ${steps}: ${error.code} ${error.status}`);
  throw error;
} finally {
  await ctx.close(); // delivers what is still queued, also when it fails
}

/** "1:12,2:25" → the step of this run, or null. */
function stepOfThisRun(spec) {
  for (const pair of String(spec ?? "").split(",")) {
    const [run, step] = pair.split(":").map(Number);
    if (run === ctx.runId) return step;
  }
  return null;
}

async function run() {
  const scale = Number(ctx.hparams.scale);
  if (!(scale > 0)) {
    console.log(`scale ${ctx.hparams.scale} cannot work`);
    await ctx.train.reportEarlyExit("INVALID_HP");
    return;
  }
  const loss = (s) => scale / (s + 1);
  const validationLoss = (s) => scale / (s + 2);
  const unit = ctx.config.scheduling_unit;
  const validationPeriod = ctx.config.min_validation_period?.value ?? null;
  const checkpointPeriod = ctx.config.min_checkpoint_period?.value ?? null;
  const holdAt = ctx.runId === 1 && "hold_at" in ctx.hparams ? Number(ctx.hparams.hold_at) : null;
  const crashAt = stepOfThisRun(ctx.hparams.crash_at);
  const raiseAt = stepOfThisRun(ctx.hparams.raise_at);

  if (ctx.latestCheckpoint !== null) {
    steps = await ctx.checkpoint.restore(ctx.latestCheckpoint, async (dir, metadata) => {
      const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
      if (state.steps !== metadata.stepsCompleted) throw new Error("checkpoint disagrees");
      return state.steps;
    });
    console.log(`resumed at step ${steps}`);
  }
  let checkpointed = steps;
  const checkpoint = async () => {
    if (steps === checkpointed) return;
    await ctx.checkpoint.store({ stepsCompleted: steps }, async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "state.json"), JSON.stringify({ steps }));
    });
    checkpointed = steps;
  };
  let validated = -1;
  const validate = async () => {
    if (validated !== steps) {
      await ctx.train.reportValidationMetrics(steps, { validation_loss: validationLoss(steps) });
      validated = steps;
    }
    return validationLoss(steps);
  };

  for await (const op of ctx.searcher.operations()) {
    while (steps < op.length) {
      if (steps === holdAt) await holdUntilPreempted();
      if (ctx.preempt.shouldPreempt()) break;
      if (stepMs > 0) await new Promise((resolve) => setTimeout(resolve, stepMs));
      steps += 1;
      if (steps % unit === 0 || steps === op.length) {
        await ctx.train.reportTrainingMetrics(steps, { loss: loss(steps) });
        op.reportProgress(steps);
      }
      if (validationPeriod !== null && steps % validationPeriod === 0) await validate();
      if (steps === crashAt) {
        await ctx.flush();
        console.log(`crashing at step ${steps}`);
        process.exit(3);
      }
      if (steps === raiseAt) throw new Error(`failed at step ${steps}`);
      if (checkpointPeriod !== null && steps % checkpointPeriod === 0) await checkpoint();
    }
    if (steps < op.length) break; // told to stop in the middle of the op
    await op.reportCompleted(await validate());
  }
  const reason = ctx.preempt.signal.reason;
  if (reason !== undefined && !(reason instanceof PreemptedError)) throw reason;
  await checkpoint();
  if (ctx.preempt.shouldPreempt()) await ctx.preempt.acknowledge();
}

async function holdUntilPreempted() {
  await ctx.flush();
  console.log(`holding at step ${steps}`);
  const { signal } = ctx.preempt;
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve));
}
