/**
 * A training loop that awaits only settled promises (synchronous batches,
 * `await` on reports that are merely queued) never lets the event loop turn:
 * the queued reports are not sent and the answer of the preemption poll is not
 * read until the loop ends. `maybeYield()` gives the event loop one turn
 * (timers, I/O) when the last one it gave is `everyMs` ago or more: a few
 * microseconds every 10 ms.
 */
export class EventLoopTurns {
  private last: number;

  constructor(
    private readonly everyMs = 10,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  async maybeYield(): Promise<void> {
    if (this.now() - this.last < this.everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = this.now();
  }
}
