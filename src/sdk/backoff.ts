/** Retry timing shared by every loop of the SDK that talks to the master. */
import { setLongTimeout } from "../protocol/timers.js";

export interface BackoffOptions {
  /** Delay after the first failure. Default 100 ms. */
  initialMs: number;
  /** Delays never grow past this. Default 5 s. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 100, maxMs: 5_000 };

/**
 * Exponential backoff with "equal jitter": half the capped delay is fixed and
 * half random, so many trials retrying after one master restart spread out
 * without any of them retrying at once. `failures` counts from 1.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const capped = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return capped / 2 + random() * (capped / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.clear();
      reject(signal?.reason);
    };
    const timer = setLongTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Waits `ms`; resolves true, or false as soon as the signal aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, signal).then(
    () => true,
    () => false,
  );
}
