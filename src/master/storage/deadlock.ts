/**
 * PostgreSQL aborts one of two transactions that wait for each other's rows
 * (deadlock_detected). Most of the master's transactions take rows in one
 * order (an experiment's, then its trials' by id), but not all can: a
 * searcher's operations change trials in the order it gives them. The
 * aborted one undid everything it did and may simply run again.
 */

/** How many times a transaction aborted by a deadlock is run in all. */
export const DEADLOCK_ATTEMPTS = 3;

/** Whether `err` is PostgreSQL's deadlock_detected: nothing of the transaction was stored. */
export function isDeadlock(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "40P01";
}

/**
 * Runs `attempt` (a whole transaction, nothing outside the database) again
 * when PostgreSQL aborted it for a deadlock, up to `attempts` times in all.
 */
export async function retryDeadlocks<T>(
  attempt: () => Promise<T>,
  attempts = DEADLOCK_ATTEMPTS,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= attempts || !isDeadlock(err)) throw err;
    }
  }
}
