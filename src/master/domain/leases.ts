/**
 * Deadlines the master keeps on allocations (a trial that must show a sign of
 * life, a preemption that must end by its timeout), and the pure half of the
 * sweep that enforces them (STYLE 6): the sweep reads the clock and acts, this
 * only picks.
 */

export interface Lease {
  allocationId: string;
  /** Milliseconds since the epoch, on the same clock as `now`. */
  deadline: number;
}

/**
 * The allocations whose deadline has come (deadline <= now), each once, the
 * earliest deadline first and then by id, so a sweep acts in a stable order.
 */
export function findExpired(now: number, leases: readonly Lease[]): string[] {
  const earliest = new Map<string, number>();
  for (const { allocationId, deadline } of leases) {
    if (!(deadline <= now)) continue; // also skips a NaN deadline
    const seen = earliest.get(allocationId);
    if (seen === undefined || deadline < seen) earliest.set(allocationId, deadline);
  }
  return [...earliest.entries()]
    .sort(([idA, a], [idB, b]) => a - b || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([id]) => id);
}

/** At most this long a preempted trial is asked only over the API before it also gets SIGTERM. */
export const MAX_PREEMPTION_GRACE_MS = 60_000;

/** A trial that has not acknowledged its preemption this long after it was asked is ignoring it. */
export const PREEMPTION_IGNORED_AFTER_MS = 10_000;

/**
 * When a preempted allocation's processes are signalled, in milliseconds
 * after the request. First it is asked over the API (the operation answer and
 * the preemption long poll say `preempt: true`); after a grace period of half
 * the timeout, at most a minute, it gets SIGTERM (the SDK delivers what is
 * queued and exits; a program may checkpoint on it); at the end of the whole
 * timeout, SIGKILL.
 */
export function preemptionSchedule(timeoutSeconds: number): {
  terminateAfterMs: number;
  killAfterMs: number;
} {
  const killAfterMs = Math.max(0, timeoutSeconds * 1000);
  return { terminateAfterMs: Math.min(killAfterMs / 2, MAX_PREEMPTION_GRACE_MS), killAfterMs };
}

/**
 * How long a live allocation has been ignoring its preemption, in whole
 * seconds: asked to stop at `requestedAt`, not acknowledged, for at least
 * `PREEMPTION_IGNORED_AFTER_MS`. Null when it is not ignoring one.
 */
export function ignoredPreemptionSeconds(
  now: number,
  allocation: { preemptRequestedAt: number | null; preemptAcked: boolean },
): number | null {
  const { preemptRequestedAt, preemptAcked } = allocation;
  if (preemptRequestedAt === null || preemptAcked) return null;
  const waited = now - preemptRequestedAt;
  return waited >= PREEMPTION_IGNORED_AFTER_MS ? Math.floor(waited / 1000) : null;
}
