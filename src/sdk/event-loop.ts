/**
 * A training loop that awaits only settled promises (synchronous batches,
 * `await` on reports that are merely queued) never lets the event loop turn:
 * the queued reports are not sent and the answer of the preemption poll is not
 * read until the loop ends. `maybeYield()` gives the event loop one turn
 * (timers, I/O) when the last one it gave is `everyMs` ago or more, or when
 * the caller says it is due. Each turn lets about one request go out, so the
 * period trades the freshness of what the master sees (and how soon a
 * preemption is heard) against requests per second: 100 ms costs a few
 * microseconds and at most ten requests a second.
 */
export class EventLoopTurns {
  private last: number;

  constructor(
    private readonly everyMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  async maybeYield(due = false): Promise<void> {
    if (!due && this.now() - this.last < this.everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = this.now();
  }
}
