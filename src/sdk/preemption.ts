/**
 * Preemption as an `AbortSignal`: a background long poll on the allocation's
 * preemption endpoint flips it (and so does an operation answer that says
 * `preempt: true`), so `shouldPreempt()` costs nothing in a
 * training loop and anything waiting on `signal` (a `sleep`, a data loader, the
 * wait for the next searcher operation) stops at once.
 */
import { type BackoffOptions, backoffDelay, pause, sleep } from "./backoff.js";
import { isFatal, PreemptedError, RetryableError } from "./errors.js";
import type { PushApi } from "./push-api.js";
import type { PushSender } from "./push-sender.js";

export interface PreemptionOptions {
  /** How long each long poll asks the master to wait. */
  timeoutSeconds: number;
  backoff: BackoffOptions;
  /** An answer that comes back sooner than this is followed by a pause, so a master that does not wait is not hammered. */
  minPollIntervalMs: number;
  log: (line: string) => void;
}

export class Preemption {
  private readonly controller = new AbortController();
  private polling = false;

  constructor(
    private readonly api: PushApi,
    private readonly sender: PushSender,
    /** Aborts when the context closes: the poll ends. */
    private readonly closed: AbortSignal,
    private readonly options: PreemptionOptions,
  ) {}

  /** Aborts (with a `PreemptedError`) once the master asks this trial to stop. */
  get signal(): AbortSignal {
    this.startPolling();
    return this.controller.signal;
  }

  /** True once the master asked this trial to stop: checkpoint, `acknowledge()`, exit. */
  shouldPreempt(): boolean {
    return this.signal.aborted;
  }

  /** Waits `ms`; rejects with the preemption as soon as it comes. */
  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal);
  }

  /** Tells the master the trial stops because it was asked to; resolves once the master has it. */
  acknowledge(): Promise<void> {
    return this.sender.deliver({ kind: "ackPreemption" });
  }

  /** The master said to stop in another answer (the operation's): as if the long poll had. */
  preempted(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new PreemptedError());
  }

  /** Stops the trial's work for another reason (the master refused this allocation for good). */
  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  private startPolling(): void {
    if (this.polling || this.closed.aborted) return;
    this.polling = true;
    void this.poll();
  }

  private async poll(): Promise<void> {
    const stop = AbortSignal.any([this.closed, this.controller.signal]);
    let failures = 0;
    while (!stop.aborted) {
      const started = Date.now();
      try {
        const preempt = await this.api.preemption(this.options.timeoutSeconds, stop);
        failures = 0;
        if (preempt) {
          this.controller.abort(new PreemptedError());
          return;
        }
        const early = this.options.minPollIntervalMs - (Date.now() - started);
        if (early > 0) await pause(early, stop);
      } catch (error) {
        if (stop.aborted) return;
        if (error instanceof RetryableError) {
          failures += 1;
          await pause(backoffDelay(failures, this.options.backoff), stop);
          continue;
        }
        if (isFatal(error)) {
          this.abort(error);
          return;
        }
        this.options.log(`pushtune: preemption checks stopped: ${(error as Error).message}`);
        return;
      }
    }
  }
}
