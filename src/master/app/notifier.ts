/**
 * Wakes long polls by the change itself, not by a polling loop: a waiter
 * parks on a key ("op:12", "preempt:abc") and `notify(key)` resolves every
 * waiter of that key at once. A thousand waiters are a thousand closures and
 * timers, nothing more. On shutdown (`close`) every waiter resolves as timed
 * out, so each long poll answers "nothing yet" without reading the store
 * that is about to close.
 */
import { setLongTimeout } from "../../protocol/timers.js";

export class Notifier {
  /** Each waiter's settle function: `true` when notified, `false` when the notifier closes. */
  private readonly waiters = new Map<string, Set<(notified: boolean) => void>>();
  private closed = false;

  /**
   * Resolves `true` when the key is notified, `false` after `timeoutMs`, when
   * `signal` aborts (the client went away) or once the notifier is closed.
   * Never rejects.
   */
  wait(key: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (timeoutMs <= 0 || signal?.aborted || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const done = (notified: boolean) => {
        timer.clear();
        signal?.removeEventListener("abort", onAbort);
        const s = this.waiters.get(key);
        if (s) {
          s.delete(done);
          if (s.size === 0) this.waiters.delete(key);
        }
        resolve(notified);
      };
      const onAbort = () => done(false);
      const timer = setLongTimeout(() => done(false), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      set.add(done);
    });
  }

  notify(key: string): void {
    const set = this.waiters.get(key);
    if (!set) return;
    for (const wake of [...set]) wake(true);
  }

  /** Number of parked waiters (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  /** Shutdown: every waiter, parked now or later, resolves `false` at once, so no request hangs. */
  close(): void {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake(false);
  }
}
