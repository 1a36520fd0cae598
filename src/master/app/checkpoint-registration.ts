/**
 * Registering a checkpoint a trial reports (`POST /checkpoints`, or carried by
 * the ask for its next trial): it becomes the trial's latest, the one it is
 * rescheduled from, if it comes from the trial's current run. A process whose
 * trial has run again since (its launcher took it for gone) still has its
 * checkpoint kept, but the run after it goes on from its own: it must not be
 * resumed from another run's work, nor be written over by it. Idempotent: the
 * same report again changes nothing, while another report under the same uuid
 * is refused.
 */
import { ApiError } from "../../protocol/api/errors.js";
import type { CheckpointBody } from "../../protocol/api/push.js";
import type { AllocationRow, Store, TrialRow } from "../storage/store.js";

export async function registerCheckpoint(
  store: Store,
  trial: TrialRow,
  allocation: AllocationRow,
  body: CheckpointBody,
): Promise<void> {
  await store.transaction(async (tx) => {
    const existing = await tx.getCheckpoint(body.uuid);
    if (existing) {
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
}
