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
