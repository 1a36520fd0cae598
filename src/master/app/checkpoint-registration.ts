/**
 * Registering a checkpoint a trial reports (`POST /checkpoints`, or carried by
 * the ask for its next trial): it becomes the trial's latest, the one it is
 * rescheduled from. Idempotent: the same report again changes nothing, while
 * another report under the same uuid is refused.
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
    await tx.updateTrial(body.trialId, { latestCheckpointUuid: body.uuid });
  });
}
