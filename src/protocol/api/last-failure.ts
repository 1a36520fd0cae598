/**
 * Why a search has no best trial: of the trials that ended in ERROR, the one
 * that ended last (its end reason quotes its failing run's last log lines),
 * and how many failed; when none failed, the same of the trials that said
 * their hyperparameters were invalid (their logs say why). The CLI and the
 * web UI show it the same way. Free of schema code, so the web bundle can
 * import it.
 */
interface Ended {
  state: string;
  endedAt: string | null;
  endReason: string | null;
}

const EARLY_EXIT = "early exit: ";

/** The end reason of a trial that reported an early exit (`POST /trials/{id}/early_exit`). */
export function earlyExitReason(reason: string): string {
  return `${EARLY_EXIT}${reason}`;
}

/** Whether a trial's end reason says it reported an early exit. */
export function reportedEarlyExit(endReason: string | null): boolean {
  return endReason?.startsWith(EARLY_EXIT) ?? false;
}

const INVALID = earlyExitReason("INVALID_HP");

export interface LastFailure<T> {
  trial: T;
  /** How many trials ended as it did. */
  failed: number;
  /** Whether they said their hyperparameters were invalid rather than failed. */
  invalid: boolean;
}

export function lastFailedTrial<T extends Ended>(trials: readonly T[]): LastFailure<T> | null {
  const failed = lastOf(trials, (t) => t.state === "ERROR");
  if (failed) return { ...failed, invalid: false };
  const invalid = lastOf(trials, (t) => t.endReason === INVALID);
  return invalid && { ...invalid, invalid: true };
}

function lastOf<T extends Ended>(
  trials: readonly T[],
  which: (t: T) => boolean,
): { trial: T; failed: number } | null {
  let last: T | null = null;
  let failed = 0;
  for (const t of trials) {
    if (!which(t)) continue;
    failed++;
    if (last === null || (t.endedAt ?? "") > (last.endedAt ?? "")) last = t;
  }
  return last === null ? null : { trial: last, failed };
}
