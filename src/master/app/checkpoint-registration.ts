/**
 * Registering a checkpoint a trial reports (`POST /checkpoints`, or carried by
 * the ask for its next trial): it becomes the trial's latest, the one it is
 * rescheduled from, if it comes from the trial's current run. A process whose
 * trial has run again since (its launcher took it for gone) still has its
 * checkpoint kept, but the run after it goes on from its own: it must not be
 * resumed from another run's work, nor be written over by it. Idempotent: the
 * same report again changes nothing, while another report under the same uuid
 * is refused. A checkpoint registered once its experiment is stopping is
 * handed to the keep rule again if the experiment has ended meanwhile.
 */
import { ApiError } from "../../protocol/api/errors.js";
import type { CheckpointBody } from "../../protocol/api/push.js";
import type { AllocationRow, CheckpointRow, Store, TrialRow } from "../storage/store.js";
import type { MasterContext } from "./context.js";

export async function registerCheckpoint(
  ctx: MasterContext,
  trial: TrialRow,
  allocation: AllocationRow,
  body: CheckpointBody,
): Promise<void> {
  await storeCheckpoint(ctx.store, trial, allocation, body);
  // Read after it is stored: the end of an experiment still searching now will see it.
  const exp = await ctx.store.getExperiment(trial.experimentId);
  if (exp && exp.state !== "ACTIVE" && exp.state !== "PAUSED")
    ctx.hooks.checkpointAfterStop(exp.id);
}

async function storeCheckpoint(
  store: Store,
  trial: TrialRow,
  allocation: AllocationRow,
  body: CheckpointBody,
): Promise<void> {
  try {
    // One transaction: the checkpoint is stored and, from the trial's current run, made its latest.
    await store.transaction(async (tx) => {
      const existing = await tx.getCheckpoint(body.uuid);
      if (existing) return sameReport(existing, body);
      await tx.addCheckpoint({
        uuid: body.uuid,
        trialId: body.trialId,
        experimentId: trial.experimentId,
        runId: allocation.runId,
        stepsCompleted: body.stepsCompleted,
        resources: body.resources,
        metadata: body.metadata,
      });
      const current = await tx.getTrial(body.trialId);
      if (current?.runId === allocation.runId)
        await tx.updateTrial(body.trialId, { latestCheckpointUuid: body.uuid });
    });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // The uuid was registered meanwhile (an SDK's retry while its first report was in flight):
    // the insert met that row, and the answer is the one a report after it gets.
    const existing = await store.getCheckpoint(body.uuid);
    if (!existing) throw err;
    sameReport(existing, body);
  }
}

/** Nothing for a repeat of the report that registered `existing`; a conflict for another. */
function sameReport(existing: CheckpointRow, body: CheckpointBody): void {
  const same =
    existing.trialId === body.trialId &&
    existing.stepsCompleted === body.stepsCompleted &&
    JSON.stringify(existing.resources) === JSON.stringify(body.resources);
  if (same) return;
  throw new ApiError(
    "CHECKPOINT_EXISTS",
    `checkpoint ${body.uuid} is already registered with other contents`,
  );
}
