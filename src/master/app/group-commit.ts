/**
 * Group commit: writes that arrive while the database is busy are applied
 * together in one transaction, each in a nested transaction (a savepoint) of
 * its own. Many trials pushing at once then cost one commit per group, not
 * one per request, and each request still gets its own answer: a write that
 * fails, in the database or in the master's code, is undone alone and fails
 * alone, while the rest of its group commits.
 *
 * A write names the row it locks first (a trial's id): a group runs its
 * writes in that order, as other transactions lock several trials (a pause:
 * by id), so that a group never holds one trial's row while it waits for a
 * lower one held by a transaction that waits for it (a deadlock on
 * PostgreSQL, which fails the whole group).
 */
import { isDeadlock, retryDeadlocks } from "../storage/deadlock.js";
import type { Store } from "../storage/store.js";

interface Pending<T> {
  run: (tx: Store) => Promise<T>;
  order: number;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private queue: Pending<unknown>[] = [];
  private flushing = false;

  constructor(
    private readonly store: Store,
    /** Largest number of writes in one transaction. */
    private readonly maxGroup = 64,
  ) {}

  /**
   * Runs `run` inside a shared transaction, after the group's writes of a
   * lower `order` (the id of the row it locks first); resolves after that
   * transaction commits.
   */
  submit<T>(run: (tx: Store) => Promise<T>, order = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, order, resolve, reject } as Pending<unknown>);
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests already parsed in this turn of the event loop join the group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // Sorted stably: writes of the same row keep the order they came in.
      const group = this.queue.splice(0, this.maxGroup).sort((a, b) => a.order - b.order);
      const alone = group.length === 1 ? group[0] : undefined;
      if (alone) {
        await this.alone(alone);
        continue;
      }
      let outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
      try {
        // Aborted by a deadlock (PostgreSQL), the whole group runs again.
        await retryDeadlocks(() =>
          this.store.transaction(async (tx) => {
            outcomes = [];
            for (const item of group) {
              try {
                outcomes.push({ ok: true, value: await tx.transaction(item.run) });
              } catch (err) {
                outcomes.push({ ok: false, err });
              }
            }
          }),
        );
      } catch (err) {
        for (const item of group) item.reject(err);
        continue;
      }
      for (const [i, item] of group.entries()) {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        // Its savepoint alone was the deadlock's victim: it runs again, alone.
        else if (isDeadlock(o.err)) await this.alone(item);
        else item.reject(o.err);
      }
    }
    this.flushing = false;
  }

  /** A write alone is its own transaction: no savepoint to pay for. */
  private alone(item: Pending<unknown>): Promise<void> {
    return retryDeadlocks(() => this.store.transaction(item.run)).then(item.resolve, item.reject);
  }
}
