/**
 * Why a search has no best trial: of the trials that ended in ERROR, the one
 * that ended last (its end reason quotes its failing run's last log lines),
 * and how many failed. The CLI and the web UI show it the same way. Free of
 * schema code, so the web bundle can import it.
 */
interface Ended {
  state: string;
  endedAt: string | null;
}

export function lastFailedTrial<T extends Ended>(
  trials: readonly T[],
): { trial: T; failed: number } | null {
  let last: T | null = null;
  let failed = 0;
  for (const t of trials) {
    if (t.state !== "ERROR") continue;
    failed++;
    if (last === null || (t.endedAt ?? "") > (last.endedAt ?? "")) last = t;
  }
  return last === null ? null : { trial: last, failed };
}
