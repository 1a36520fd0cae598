/**
 * Timers that keep their word for any delay. `setTimeout` holds at most
 * 2^31-1 ms (about 24.8 days): a longer delay fires after 1 ms with a
 * `TimeoutOverflowWarning`, so a long `preemption_timeout` would kill a trial
 * at once. Every timer of the master and the SDK whose delay comes from a
 * user, a config or an answer goes through `setLongTimeout`, which chains
 * timers of at most that length until the whole delay has passed.
 */

/** The longest delay one `setTimeout` holds, in milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The longest duration in seconds a single timer holds (about 24.8 days): the bound of duration fields. */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** The longest a long poll (`waitSeconds`, `timeoutSeconds`) may ask the master to wait. */
export const MAX_LONG_POLL_SECONDS = 600;

export interface LongTimeout {
  /** Stops the timer; `fn` will not run. Safe to call more than once. */
  clear(): void;
  /** Lets the process exit while only this timer is pending. */
  unref(): LongTimeout;
}

/**
 * Runs `fn` once after `ms` milliseconds, however long that is. A delay that
 * is not a number, or is negative, counts as 0; `Infinity` never fires.
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let left = Number.isNaN(ms) ? 0 : Math.max(0, ms);
  let unref = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = () => {
    const step = Math.min(left, MAX_TIMER_MS);
    left -= step;
    timer = setTimeout(left > 0 ? arm : fire, step);
    if (unref) timer.unref?.();
  };
  const fire = () => {
    timer = null;
    fn();
  };
  arm();
  const handle: LongTimeout = {
    clear() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      left = 0;
    },
    unref() {
      unref = true;
      timer?.unref?.();
      return handle;
    },
  };
  return handle;
}

/** `ms` clamped to what one timer holds, for timers that may end early but never too early (request timeouts). */
export function clampTimerMs(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}
