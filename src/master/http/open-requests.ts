/**
 * How many requests one caller (a user, or one allocation) may have open at
 * once. A long poll, an upload still arriving and an answer its client does
 * not read all hold a connection, a file descriptor and their buffers until
 * they end; without a bound, one caller's thousands of them use up the
 * master's descriptors and memory and nobody else is answered. Past the bound
 * a request is refused at once with 429 `TOO_MANY_REQUESTS`; other callers
 * are not affected.
 */
import { ApiError } from "../../protocol/api/errors.js";
import type { Principal } from "../app/principal.js";

/** Requests one caller may have open at once: far more than a trial, the CLI or a few browser tabs use. */
export const MAX_OPEN_REQUESTS = 128;

/** Seconds a refused caller is told to wait before it asks again. */
const RETRY_AFTER_SECONDS = 1;

function callerKey(principal: Principal): string {
  return principal.kind === "user"
    ? `user:${principal.user.id}`
    : `allocation:${principal.allocation.id}`;
}

export class OpenRequests {
  private readonly open = new Map<string, number>();

  constructor(private readonly max = MAX_OPEN_REQUESTS) {}

  /**
   * Counts a request of `principal` as open until the returned function is
   * called (once; later calls do nothing), or throws TOO_MANY_REQUESTS when
   * the caller already has `max` open.
   */
  enter(principal: Principal): () => void {
    const key = callerKey(principal);
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) {
      throw new ApiError(
        "TOO_MANY_REQUESTS",
        `too many open requests from one caller (at most ${this.max} at once); wait for some to end`,
        { limit: this.max, retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    this.open.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }

  /** Open requests of every caller (for tests). */
  get size(): number {
    let n = 0;
    for (const c of this.open.values()) n += c;
    return n;
  }
}
