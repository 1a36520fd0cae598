/** Long polls of the fake master: each waits for a change, its timeout, or its caller giving up. */
import { setLongTimeout } from "../../protocol/timers.js";

interface Waiter {
  wake: () => void;
  fail: (error: Error) => void;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolves on the next `wakeAll()` or after `ms`; rejects on `failAll()` or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const done = () => {
        timer.clear();
        signal?.removeEventListener("abort", onAbort);
        this.waiting.delete(waiter);
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(signal?.reason);
      const timer = setLongTimeout(waiter.wake, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.add(waiter);
    });
  }

  wakeAll(): void {
    for (const waiter of [...this.waiting]) waiter.wake();
  }

  failAll(error: Error): void {
    for (const waiter of [...this.waiting]) waiter.fail(error);
  }
}
