/**
 * How long a trial waits before its next launch when its last launches could
 * not reach the cluster (Slurm's controller down or failing over): such a run
 * is lost, not failed, and trying again at once would only fail the same way,
 * a line in the trial's logs and a few seconds of `sbatch` each time. The
 * wait doubles from 1 s with each such launch in a row, to at most 60 s; a
 * run that starts ends the series.
 */

/** How the end of a run whose launch could not reach the cluster is stored (`lost (…)`). */
export const CLUSTER_UNREACHABLE =
  "its launch could not reach the cluster; the trial's logs say why";

const FIRST_MS = 1_000;
const MOST_MS = 60_000;

/** The wait after `failures` (>= 1) launches in a row that could not reach the cluster. */
export function relaunchDelayMs(failures: number): number {
  return Math.min(FIRST_MS * 2 ** Math.max(0, failures - 1), MOST_MS);
}

/** What a trial's stored run says of its launch. */
export interface StoredRun {
  /** The launcher gave it a handle: it was started. */
  launched: boolean;
  exitReason: string | null;
  endedAt: Date | null;
}

/**
 * After a restart: how many of a trial's last runs (in run order) ended lost
 * because their launch could not reach the cluster (not those a stopping
 * master never launched), and the time still to wait at `now` before
 * the next launch, as if the master had not restarted. A run that started
 * ends the series.
 */
export function relaunchWait(
  runs: readonly StoredRun[],
  now: Date,
): { failures: number; waitMs: number } {
  let failures = 0;
  let last: Date | null = null;
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    if (run.launched || run.exitReason !== `lost (${CLUSTER_UNREACHABLE})` || !run.endedAt) break;
    failures++;
    last ??= run.endedAt;
  }
  if (!last) return { failures: 0, waitMs: 0 };
  const waitMs = Math.max(0, relaunchDelayMs(failures) - (now.getTime() - last.getTime()));
  return { failures, waitMs };
}
