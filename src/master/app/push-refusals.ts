/** Why a push is refused, where more than one push call refuses it. */
import { ApiError } from "../../protocol/api/errors.js";
import type { Store, TrialRow } from "../storage/store.js";

/** A push from a run of the trial that a restart has replaced. */
export function superseded(trialId: number, runId: number, currentRunId: number): ApiError {
  return new ApiError(
    "STALE_ALLOCATION",
    `run ${runId} of trial ${trialId} has been superseded by run ${currentRunId}`,
  );
}

/**
 * Progress (`POST /trials/{id}/progress`, or a metrics push's `progress`) is
 * inside the trial's current operation, so at most its length: the latest
 * operation's, completed or not (lengths are absolute, so a late report of an
 * earlier one is within it too). More is the trial's mistake, which both SDKs
 * refuse before sending: a 400, never stored as the length it has trained.
 */
export async function checkProgress(
  store: Store,
  trial: TrialRow,
  progress: number,
): Promise<void> {
  const ops = await store.listTrialOps(trial.id);
  const bound = Math.max(trial.lengthTrained, ...ops.map((o) => o.length));
  if (progress <= bound) return;
  throw new ApiError(
    "BAD_REQUEST",
    ops.length === 0
      ? `progress: ${progress} is past trial ${trial.id}'s length trained (${bound}), and it has no operation`
      : `progress: ${progress} is past trial ${trial.id}'s current operation, which trains to length ${bound}`,
  );
}
