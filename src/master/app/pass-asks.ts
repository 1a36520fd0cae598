/**
 * The asks for a scheduling pass, counted so that a queued pass whose asks
 * were all made before another pass read the world is skipped (a trial's
 * handover runs its own pass, which covers the pass its trial's end asked
 * for). A pass that fails decided nothing anyone can count on: the asks it
 * took are open again, so the next queued pass runs, and one more pass is
 * asked for a little later, in case nothing else would ask.
 */

/** How long after a failed pass another is asked for. */
export const RETRY_AFTER_FAILED_PASS_MS = 1000;

export class PassAsks {
  private asked = 0;
  private covered = 0;
  private retry: NodeJS.Timeout | null = null;

  /** @param ask asks for a pass (the retry after a failed one). */
  constructor(private readonly ask: () => void) {}

  /** Counts an ask. */
  add(): void {
    this.asked++;
  }

  /** Whether some ask was made after every pass so far read the world. */
  get open(): boolean {
    return this.covered < this.asked;
  }

  /**
   * Runs `pass`, which reads the world first: the asks made so far are covered
   * by it, unless it fails.
   */
  async cover<T>(pass: () => Promise<T>): Promise<T> {
    const before = this.covered;
    this.covered = this.asked;
    try {
      return await pass();
    } catch (err) {
      this.covered = Math.min(this.covered, before);
      this.retryLater();
      throw err;
    }
  }

  private retryLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.ask();
    }, RETRY_AFTER_FAILED_PASS_MS);
    this.retry.unref();
  }

  /** No retry is asked for any more. */
  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }
}
