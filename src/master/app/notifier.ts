/**
 * Wakes long polls by the change itself, not by a polling loop: a waiter
 * parks on a key ("op:12", "preempt:abc") and `notify(key)` resolves every
 * waiter of that key at once. A thousand waiters are a thousand closures and
 * timers, nothing more.
 */
import { setLongTimeout } from "../../protocol/timers.js";

export class Notifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /**
   * Resolves `true` when the key is notified, `false` after `timeoutMs` or when
   * `signal` aborts (the client went away). Never rejects.
   */
  wait(key: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
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
          s.delete(wake);
          if (s.size === 0) this.waiters.delete(key);
        }
        resolve(notified);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setLongTimeout(() => done(false), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      set.add(wake);
    });
  }

  notify(key: string): void {
    const set = this.waiters.get(key);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Number of parked waiters (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  /** Wakes every waiter (used on shutdown so no request hangs). */
  notifyAll(): void {
    for (const key of [...this.waiters.keys()]) this.notify(key);
  }
}
