/**
 * Failed-login throttling: at most `limit` failed logins per key (a user name,
 * a client address) in a window of `windowMs`; past that, every login with
 * that key is refused until the window ends, right password or not, so that
 * guessing costs the guesser time and not the master CPU (a password check is
 * an scrypt). Only failures count: a user who logs in often is never slowed.
 *
 * Pure in time: every call is given `now`, so tests move a fake clock.
 * Hand-written rather than `@fastify/rate-limit`, which counts every request
 * to a route and cannot count only the ones that failed.
 */

export interface ThrottleLimits {
  /** Failures a key may have in one window. */
  limit: number;
  windowMs: number;
}

/** Per user name: 5 wrong passwords in 5 minutes. */
export const NAME_LIMITS: ThrottleLimits = { limit: 5, windowMs: 5 * 60_000 };
/** Per client address: 20 wrong passwords in 5 minutes, across all names. */
export const ADDRESS_LIMITS: ThrottleLimits = { limit: 20, windowMs: 5 * 60_000 };

interface Window {
  start: number;
  failures: number;
}

/** Past this many keys, windows that have ended are dropped on the next failure. */
const PRUNE_AT = 10_000;

export class FailureThrottle {
  readonly #windows = new Map<string, Window>();

  constructor(readonly limits: ThrottleLimits) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string, now: number): number {
    const w = this.#windows.get(key);
    if (!w || w.failures < this.limits.limit) return 0;
    const left = w.start + this.limits.windowMs - now;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  failed(key: string, now: number): void {
    const w = this.#windows.get(key);
    if (w && now < w.start + this.limits.windowMs) {
      w.failures++;
      return;
    }
    if (this.#windows.size >= PRUNE_AT) this.#prune(now);
    this.#windows.set(key, { start: now, failures: 1 });
  }

  /** A success forgets the key's failures. */
  succeeded(key: string): void {
    this.#windows.delete(key);
  }

  /** Takes back one failure counted for `key` (an attempt counted before it was checked). */
  forgive(key: string): void {
    const w = this.#windows.get(key);
    if (w && w.failures > 0) w.failures--;
  }

  #prune(now: number): void {
    for (const [key, w] of this.#windows)
      if (now >= w.start + this.limits.windowMs) this.#windows.delete(key);
  }
}

/** Failed logins counted per user name and per client address. */
export class LoginThrottle {
  readonly #byName: FailureThrottle;
  readonly #byAddress: FailureThrottle;

  constructor(limits: { name?: ThrottleLimits; address?: ThrottleLimits } = {}) {
    this.#byName = new FailureThrottle(limits.name ?? NAME_LIMITS);
    this.#byAddress = new FailureThrottle(limits.address ?? ADDRESS_LIMITS);
  }

  /** Seconds until a login for `username` from `address` may be tried, or 0. */
  retryAfterSeconds(username: string, address: string, now: number): number {
    return Math.max(
      this.#byName.retryAfterSeconds(username, now),
      this.#byAddress.retryAfterSeconds(address, now),
    );
  }

  /**
   * A login for `username` from `address`: seconds until it may be tried, or
   * 0, and then it counts as failed at once, before its password is checked
   * (an scrypt, slow): attempts made at the same time count against each
   * other. `succeeded` takes it back.
   */
  attempt(username: string, address: string, now: number): number {
    const wait = this.retryAfterSeconds(username, address, now);
    if (wait === 0) {
      this.#byName.failed(username, now);
      this.#byAddress.failed(address, now);
    }
    return wait;
  }

  /**
   * The attempt was right: the name's failures are forgotten; of the
   * address's only this attempt is (one good account must not unlock
   * guessing others).
   */
  succeeded(username: string, address: string): void {
    this.#byName.succeeded(username);
    this.#byAddress.forgive(address);
  }
}
