/**
 * Drives the push queue: sends what the reducer says, retries with backoff for
 * as long as the master is away (training goes on meanwhile), and settles the
 * callers that wait for delivery.
 *
 * Exactly-once effect: a request that failed without an answer may have landed.
 * Metric pushes are idempotent on the master (an identical repeat is a no-op), so
 * they are simply resent. The other writes are not: a 409 answering the retry
 * of one that may have landed means the first attempt did land.
 */
import { type LongTimeout, setLongTimeout } from "../protocol/timers.js";
import { type BackoffOptions, backoffDelay, defaultBackoff } from "./backoff.js";
import { isFatal, RequestError, RetryableError } from "./errors.js";
import { stderrLine } from "./notices.js";
import { isPaced, type PacedItem, PacedPushes } from "./paced-pushes.js";
import type { PushApi } from "./push-api.js";
import {
  DEFAULT_MAX_BATCH_REPORTS,
  emptyQueue,
  isIdle,
  type PushItem,
  type QueuedPush,
  type QueueEvent,
  type QueueState,
  reducePushQueue,
} from "./push-queue.js";

export interface PushSenderOptions {
  backoff?: BackoffOptions;
  maxBatchReports?: number;
  random?: () => number;
  /** Where outage notices go (stderr by default, which the master captures as trial logs). */
  log?: (line: string) => void;
  /** Called when the master refuses a push for good (fencing, bad token), after `fail(error)`. */
  onFatal?: (error: RequestError) => void;
  /**
   * Metric and progress pushes nobody waits for are queued by a timer at most
   * this often; reports made meanwhile wait here and ride in one batch. A loop
   * reporting every millisecond then costs a request per interval, not one
   * per report. Anything else that is pushed or waits for delivery (a
   * checkpoint, a completion, a flush) releases them at once, in order.
   */
  minIntervalMs?: number;
}

/**
 * Default pacing of fire-and-forget pushes. Each request costs the trial
 * about a millisecond of CPU (building it, the socket write, reading the
 * answer), paid during training; at one per second a trial reporting every
 * batch spends well under 1% on them. The web UI polls every 2 s, so it
 * shows nothing staler than it would with a shorter interval.
 */
export const DEFAULT_MIN_INTERVAL_MS = 1000;

/**
 * How long the first report after a quiet spell waits for what the trial
 * pushes next: an operation's last report, its validation and its
 * completion, made within this of each other, go in one request. A short
 * trial (a first rung of a few batches) then costs one request, not a
 * metrics request and a completion behind it; the web UI polls every 2 s, so
 * it never shows the difference.
 */
export const LINGER_MS = 50;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class PushSender {
  private state: QueueState = emptyQueue;
  private nextTicket = 1;
  /** Callers waiting for delivery, by ticket; fire-and-forget pushes have none. */
  private readonly waiters = new Map<number, Waiter>();
  private idleWaiters: Array<() => void> = [];
  private timer: LongTimeout | null = null;
  private retryAfterMs = 0;
  /** The first refusal of a fire-and-forget push (or a fatal one); every later call throws it. */
  private failure: Error | null = null;
  private readonly backoff: BackoffOptions;
  private readonly maxBatchReports: number;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly minIntervalMs: number;
  /** Paced pushes not yet queued. */
  private readonly paced: PacedPushes;
  private pacedTimer: LongTimeout | null = null;
  private lastPacedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly api: PushApi,
    private readonly options: PushSenderOptions = {},
  ) {
    this.backoff = options.backoff ?? defaultBackoff;
    this.maxBatchReports = options.maxBatchReports ?? DEFAULT_MAX_BATCH_REPORTS;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? stderrLine;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.paced = new PacedPushes(this.maxBatchReports);
  }

  /** Queues a push and returns at once. If the master refuses it, the next call throws. */
  push(item: PushItem): void {
    this.throwIfFailed();
    if (isPaced(item)) {
      this.pace(item);
      return;
    }
    this.enqueueAfterPaced(this.withTickets(item));
  }

  /**
   * Holds `item` until a timer releases what is held, at most once per
   * interval. Even the first report after a quiet spell waits, `LINGER_MS`:
   * what the trial pushes meanwhile (its validation, its completion) rides
   * along.
   */
  private pace(item: PacedItem): void {
    this.paced.add(item);
    if (this.pacedTimer !== null) return;
    const wait = Math.max(LINGER_MS, this.lastPacedAt + this.minIntervalMs - Date.now());
    this.pacedTimer = setLongTimeout(() => this.releasePaced(), wait);
  }

  /** Queues the paced pushes now, in their order. */
  private releasePaced(): void {
    this.enqueueAfterPaced();
  }

  /**
   * Queues the paced pushes, then `pushes`, in one event: what was reported
   * before goes first, and pushes made at once may ride together.
   */
  private enqueueAfterPaced(...pushes: { item: PushItem; tickets: number[] }[]): void {
    this.pacedTimer?.clear();
    this.pacedTimer = null;
    const earlier = this.paced.empty ? [] : this.paced.take().map((i) => this.withTickets(i));
    if (earlier.length > 0) this.lastPacedAt = Date.now();
    if (earlier.length + pushes.length > 0) {
      this.dispatch({ type: "enqueue", pushes: [...earlier, ...pushes] });
    }
  }

  /**
   * Queues a push that is not a batch of reports and resolves once the master
   * has it (or rejects with its refusal).
   */
  async deliver(item: Exclude<PushItem, { kind: "metrics" }>): Promise<void> {
    this.throwIfFailed();
    const ticket = this.nextTicket++;
    const delivered = new Promise<void>((resolve, reject) => {
      this.waiters.set(ticket, { resolve, reject });
    });
    this.enqueueAfterPaced({ item, tickets: [ticket] });
    return delivered;
  }

  /** Resolves once everything queued so far was delivered; throws a refusal that nobody saw. */
  async flush(): Promise<void> {
    this.releasePaced();
    if (!isIdle(this.state)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /** A batch of metric reports as large as one request takes is waiting to be sent. */
  get fullBatchWaits(): boolean {
    let reports = 0;
    for (const p of this.state.pending)
      if (p.item.kind === "metrics") reports += p.item.reports.length;
    return reports >= this.maxBatchReports;
  }

  /**
   * The master refused this allocation for good, heard here or by another call
   * (the preemption poll, the ask for an operation): the queue and the paced
   * pushes are dropped, callers waiting for delivery get `error`, and every
   * later call throws it.
   */
  fail(error: Error): void {
    this.failure ??= error;
    this.pacedTimer?.clear();
    this.pacedTimer = null;
    if (!this.paced.empty) this.paced.take();
    this.dispatch({ type: "abandon", error });
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** `item` with fresh tickets: one per report of a batch, else one. */
  private withTickets(item: PushItem): { item: PushItem; tickets: number[] } {
    return { item, tickets: this.newTickets(reportCount(item)) };
  }

  private newTickets(count: number): number[] {
    const tickets: number[] = [];
    for (let i = 0; i < count; i++) tickets.push(this.nextTicket++);
    return tickets;
  }

  private dispatch(event: QueueEvent): void {
    const { state, output } = reducePushQueue(this.state, event, this.maxBatchReports);
    this.state = state;
    if (output.settled !== null) this.settle(output.settled.tickets, output.settled.error);
    if (output.backoff !== null) {
      const delay = Math.max(
        backoffDelay(output.backoff, this.backoff, this.random),
        this.retryAfterMs,
      );
      this.timer = setLongTimeout(() => {
        this.timer = null;
        this.dispatch({ type: "backoffElapsed" });
      }, delay);
    }
    if (event.type === "abandon" && this.timer !== null) {
      this.timer.clear();
      this.timer = null;
    }
    if (output.send !== null) void this.send(output.send);
    if (isIdle(this.state)) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  private async send(push: QueuedPush[]): Promise<void> {
    let event: QueueEvent;
    try {
      await this.api.send(push.map((p) => p.item));
      event = { type: "delivered" };
    } catch (error) {
      if (isFatal(error)) {
        this.fail(error);
        this.options.onFatal?.(error);
        return;
      }
      event = this.classify(error, push);
    }
    if (event.type === "delivered" && this.state.failures > 0) {
      this.log(
        `pushtune: the master is reachable again (after ${this.state.failures} failed attempts)`,
      );
    }
    this.dispatch(event);
  }

  private classify(error: unknown, push: QueuedPush[]): QueueEvent {
    if (error instanceof RetryableError) {
      this.retryAfterMs = error.retryAfterMs ?? 0;
      if (this.state.failures === 0) {
        this.log(
          `pushtune: cannot reach the master (${error.message}); retrying, training goes on`,
        );
      }
      return { type: "failedRetryable" };
    }
    // A lone barrier's retry refused as a conflict: its first attempt landed. (A pair
    // that is refused goes again part by part, and the parts are judged then.)
    const [only, other] = push;
    const barrier =
      only !== undefined && only.item.kind !== "metrics" && only.item.kind !== "progress";
    if (
      error instanceof RequestError &&
      error.status === 409 &&
      other === undefined &&
      barrier &&
      only.retried
    ) {
      return { type: "delivered" };
    }
    const refusal = error instanceof Error ? error : new Error(String(error));
    return { type: "refused", error: refusal, split: error instanceof RequestError };
  }

  private settle(tickets: number[], error: Error | null): void {
    for (const ticket of tickets) {
      const waiter = this.waiters.get(ticket);
      this.waiters.delete(ticket);
      if (waiter === undefined) {
        if (error !== null) this.failure ??= error;
      } else if (error === null) {
        waiter.resolve();
      } else {
        waiter.reject(error);
      }
    }
  }
}

function reportCount(item: PushItem): number {
  return item.kind === "metrics" ? item.reports.length : 1;
}
