/**
 * Preemption as an `AbortSignal`: a background long poll on the allocation's
 * preemption endpoint flips it (and so do an operation answer that says
 * `preempt: true` and a SIGTERM, `exit-signals.ts`), so `shouldPreempt()` costs nothing in a
 * training loop and anything waiting on `signal` (a `sleep`, a data loader, the
 * wait for the next searcher operation) stops at once.
 *
 * The long poll starts `FIRST_POLL_DELAY_MS` (a second) after the trial first
 * looks at its preemption. A trial that is done sooner (a first rung of a few
 * batches, say) never polls: the master tells it to stop in the answers to
 * its completions and asks, which it reads anyway. A poll per short trial
 * would cost the master a request, and the process a connection, for nothing.
 */
import { type BackoffOptions, backoffDelay, pause, sleep } from "./backoff.js";
import { isFatal, PreemptedError, type RequestError, RetryableError } from "./errors.js";
import type { PushApi } from "./push-api.js";
import type { PushSender } from "./push-sender.js";

export interface PreemptionOptions {
  /** How long each long poll asks the master to wait. */
  timeoutSeconds: number;
  backoff: BackoffOptions;
  /** An answer that comes back sooner than this is followed by a pause, so a master that does not wait is not hammered. */
  minPollIntervalMs: number;
  log: (line: string) => void;
  /**
   * The poll heard that the master refused this allocation for good (fencing,
   * bad token). The context fails every other call with it too; by default
   * only the signal aborts.
   */
  onFatal?: (error: RequestError) => void;
}

/** How long after the trial first looks at its preemption the long poll starts. */
export const FIRST_POLL_DELAY_MS = 1000;

export class Preemption {
  private readonly controller = new AbortController();
  private polling = false;
  /** The trial looked at its preemption: it stops when told to. */
  private watched = false;
  /** Who told the trial to stop, once someone has. */
  private stoppedBy: "master" | "SIGTERM" | null = null;
  /** A SIGTERM was taken as a stop (also one that came after the master's). */
  private signalled = false;
  /** Set by `trials()`: this process asks for its next trial once the context closes. */
  deferAck = false;
  private ackDeferred = false;

  constructor(
    private readonly api: PushApi,
    private readonly sender: PushSender,
    /** Aborts when the context closes: the poll ends. */
    private readonly closed: AbortSignal,
    private readonly options: PreemptionOptions,
  ) {}

  /** Aborts (with a `PreemptedError`) once the master asks this trial to stop. */
  get signal(): AbortSignal {
    this.watched = true;
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

  /**
   * Tells the master the trial stops because it was asked to; resolves once
   * the master has it. In a process running trial after trial (`trials()`),
   * when the master asked for the stop, the acknowledgement waits for the
   * context to close: the process then asks for its next trial, which tells
   * the master the same (an allocation told to stop that asks for its next
   * trial has stopped as asked), so no request is spent on it. Closed in any
   * other way (the loop body threw or broke off), the context sends it then.
   */
  acknowledge(): Promise<void> {
    if (this.acknowledgesByAsking) {
      this.ackDeferred = true;
      return Promise.resolve();
    }
    return this.sender.deliver({ kind: "ackPreemption" });
  }

  /**
   * The master asked for the stop and this process asks for its next trial
   * once the context closes: that ask acknowledges, and carries the trial's
   * last checkpoint.
   */
  get acknowledgesByAsking(): boolean {
    return this.deferAck && this.stoppedBy === "master" && !this.signalled;
  }

  /** The ask for the next trial went through: it stood for the acknowledgement kept back, if any. */
  acknowledgedByAsking(): void {
    this.ackDeferred = false;
  }

  /** Sends an acknowledgement `acknowledge()` kept back, if any. */
  async deliverDeferredAck(): Promise<void> {
    if (!this.ackDeferred) return;
    this.ackDeferred = false;
    await this.sender.deliver({ kind: "ackPreemption" });
  }

  /**
   * Told to stop in another way than the long poll: by the master in an
   * operation's answer, or by a SIGTERM (the process is wanted gone: it
   * takes no next trial).
   */
  preempted(by: "master" | "SIGTERM"): void {
    // A SIGTERM after the master's stop changes no stop under way: its process takes no next trial.
    if (by === "SIGTERM") this.signalled = true;
    if (this.controller.signal.aborted) return;
    this.stoppedBy = by;
    this.controller.abort(new PreemptedError(by));
  }

  /** True once a SIGTERM stopped the trial: its process must end, not take another trial. */
  get stoppedBySignal(): boolean {
    return this.signalled;
  }

  /**
   * Whether a SIGTERM now is a stop the trial hears: it watches its
   * preemption, and no SIGTERM was taken as one yet. A trial the master told
   * to stop is stopping already (a slow checkpoint, a long batch): the
   * master's SIGTERM after the grace period lets it finish, as a SIGTERM
   * otherwise would; the next one ends the process.
   */
  hearsSignal(): boolean {
    return this.watched && !this.signalled;
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
    await pause(FIRST_POLL_DELAY_MS, stop);
    let failures = 0;
    while (!stop.aborted) {
      const started = Date.now();
      try {
        const preempt = await this.api.preemption(this.options.timeoutSeconds, stop);
        failures = 0;
        if (preempt) {
          this.preempted("master");
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
          if (this.options.onFatal) this.options.onFatal(error);
          else this.abort(error);
          return;
        }
        this.options.log(`pushtune: preemption checks stopped: ${(error as Error).message}`);
        return;
      }
    }
  }
}
