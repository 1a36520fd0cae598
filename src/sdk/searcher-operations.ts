/**
 * The trial's searcher operations: "train until the total length is N, then
 * validate and report the searcher metric". Lengths are absolute, so a trial
 * restarted from a checkpoint knows how far to go without any searcher state.
 */
import { type BackoffOptions, backoffDelay, pause } from "./backoff.js";
import { InvalidReportError, isFatal, type RequestError, RetryableError } from "./errors.js";
import { checkFinite } from "./metrics.js";
import type { PushApi } from "./push-api.js";
import type { PushSender } from "./push-sender.js";

export class SearcherOperation {
  private state: "open" | "completing" | "completed" = "open";

  constructor(
    /** Train until the trial's total length is this (in the searcher's `max_length` unit). */
    readonly length: number,
    private readonly sender: PushSender,
    private readonly api: PushApi,
    /** Queues what was kept back before the completion goes (see `OperationsOptions`). */
    private readonly beforeCompletion: () => void = () => undefined,
  ) {}

  get completed(): boolean {
    return this.state === "completed";
  }

  /**
   * Completed, and the master's answer ends this run of the trial here: the
   * trial has no operation after this one, or it must stop now (`preempt: true`).
   */
  get endsRun(): boolean {
    return this.completed && this.api.completionEndedRun(this.length);
  }

  /** The absolute length trained so far. Queued and coalesced: never waits for the master. */
  reportProgress(length: number): void {
    checkFinite(length, "progress");
    if (length < 0 || length > this.length) {
      throw new InvalidReportError(
        `progress ${length} is outside this operation (0 to ${this.length})`,
      );
    }
    this.sender.push({ kind: "progress", progress: length });
  }

  /**
   * Ends the operation with the searcher metric. Resolves once the master has
   * it, after every metric reported before it.
   */
  async reportCompleted(searcherMetric: number): Promise<void> {
    checkFinite(searcherMetric, "the searcher metric");
    if (this.state !== "open") {
      throw new InvalidReportError(`operation ${this.length} was already completed`);
    }
    this.state = "completing";
    try {
      this.beforeCompletion();
      await this.sender.deliver({
        kind: "completedOperation",
        body: { op: { length: this.length }, searcherMetric },
      });
      this.state = "completed";
    } catch (error) {
      this.state = "open";
      throw error;
    }
  }
}

export interface OperationsOptions {
  /** How long each ask lets the master wait for a decision (e.g. a promotion). */
  waitSeconds: number;
  backoff: BackoffOptions;
  /** An empty answer that comes back sooner than this is followed by a pause. */
  minAskIntervalMs: number;
  /** The master answered `preempt: true`: the trial must checkpoint, acknowledge and exit. */
  onPreempt: () => void;
  /** The master answered that the trial is closed: it has no operation left. */
  onClosed?: () => void;
  /**
   * Called as an operation is completed, before its completion is queued: a
   * report kept back for a later ask (a checkpoint taken once told to stop)
   * must reach the master first, as the completion follows every report made
   * before it (a PBT round is judged at the last completion, with each
   * member's latest checkpoint).
   */
  beforeCompletion?: () => void;
  /**
   * The ask was refused for good (fencing, bad token): called before the
   * refusal is thrown, so that every other call fails with it too.
   */
  onFatal?: (error: RequestError) => void;
}

/**
 * Asks for operations until the master says the trial is closed, or that
 * it must stop (`preempt: true`, handed to `onPreempt`), or until `stop`
 * aborts (preemption, close). Each ask lets the master wait `waitSeconds` for
 * a decision; network failures are retried with backoff.
 */
export async function* searcherOperations(
  api: PushApi,
  sender: PushSender,
  stop: AbortSignal,
  options: OperationsOptions,
): AsyncGenerator<SearcherOperation, void, undefined> {
  let failures = 0;
  let lastCompleted = 0;
  while (!stop.aborted) {
    const asked = Date.now();
    // The completion's own answer, when the master decided there, saves an ask.
    let answer = api.takeDecisionAfterCompletion(lastCompleted);
    if (answer === null) {
      try {
        answer = await api.operation(options.waitSeconds, stop);
        failures = 0;
      } catch (error) {
        if (stop.aborted) return;
        if (isFatal(error)) options.onFatal?.(error);
        if (!(error instanceof RetryableError)) throw error;
        failures += 1;
        if (!(await pause(backoffDelay(failures, options.backoff), stop))) return;
        continue;
      }
    }
    if (answer.completed) {
      options.onClosed?.();
      return;
    }
    if (answer.preempt === true) {
      options.onPreempt();
      return;
    }
    // No decision yet, or the operation that was just completed (already done).
    if (answer.op === null || answer.op.length <= lastCompleted) {
      const early = options.minAskIntervalMs - (Date.now() - asked);
      if (early > 0 && !(await pause(early, stop))) return;
      continue;
    }
    const op = new SearcherOperation(answer.op.length, sender, api, options.beforeCompletion);
    yield op;
    if (!op.completed) {
      if (stop.aborted) return;
      throw new InvalidReportError(
        `operation ${op.length} was not completed: call op.reportCompleted(metric) before asking for the next one`,
      );
    }
    lastCompleted = op.length;
  }
}
