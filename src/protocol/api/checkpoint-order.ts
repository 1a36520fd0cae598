/** The order checkpoints are shown in, by the CLI and the web UI alike. */
import type { CheckpointSchema } from "./resources.js";

/** Best validation metric first (in the experiment's direction), unscored last, then newest. */
export function compareCheckpoints(
  a: CheckpointSchema,
  b: CheckpointSchema,
  smallerIsBetter: boolean,
): number {
  const am = a.validationMetric;
  const bm = b.validationMetric;
  if (am !== null && bm !== null && am !== bm) return smallerIsBetter ? am - bm : bm - am;
  if ((am === null) !== (bm === null)) return am === null ? 1 : -1;
  if (a.trialId !== b.trialId) return a.trialId - b.trialId;
  return b.stepsCompleted - a.stepsCompleted;
}
