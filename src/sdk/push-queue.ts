/**
 * What a trial pushes, and in which order, as a pure reducer:
 * `(state, event) → {state, output}`. The driver (`push-sender.ts`) does the IO.
 *
 * Contract:
 * - one request in flight at a time; everything else waits in `pending`, in order;
 * - adjacent metric reports merge into one batch (the master stores a batch in
 *   one transaction), up to `maxBatchReports`;
 * - progress coalesces to its latest value, but never jumps over a barrier (an
 *   operation completion, a checkpoint, an early exit, a preemption ack), so
 *   progress for the next operation never reaches the master before the
 *   completion of the previous one; a completion supersedes the progress
 *   pending since the last barrier (it stands for its operation's end): that
 *   progress is settled as done, and the reports around it merge;
 * - a barrier is sent only after everything queued before it was delivered (or
 *   rides in one request behind the metrics just before it, which the master
 *   stores first), so a validation metric always lands before the completion
 *   it justifies;
 * - two pushes at the head of the queue that one request can carry ride
 *   together (`rideTogether`): a metrics batch and the progress or completion
 *   that follows it, which the master applies after the reports. If the
 *   master refuses the pair, each part goes again on its own, so that a
 *   refusal belongs to the push it is about;
 * - a failed attempt goes back to the head of the queue (merging with pending
 *   metrics: metric pushes are idempotent, so resending a batch whose first
 *   attempt landed is a no-op) and waits for a backoff timer.
 */
import type {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricReport,
} from "../protocol/api/push.js";

export type PushItem =
  /** `isolated`: resent alone after the master refused the batch it was in. */
  | { kind: "metrics"; reports: MetricReport[]; isolated: boolean }
  | { kind: "progress"; progress: number }
  | { kind: "completedOperation"; body: CompletedOperationBody }
  | { kind: "earlyExit"; body: EarlyExitBody }
  | { kind: "checkpoint"; body: CheckpointBody }
  | { kind: "ackPreemption" };

export interface QueuedPush {
  item: PushItem;
  /** Who waits for this push. For metrics, `tickets[i]` belongs to `reports[i]`. */
  tickets: number[];
  /** An earlier attempt failed without an answer, so it may have landed. */
  retried: boolean;
  /** Sent in a request of its own: the master refused a request it shared with another push. */
  alone?: true;
}

export interface QueueState {
  pending: QueuedPush[];
  /** The pushes of the request in flight: one, or two that ride together. */
  inFlight: QueuedPush[] | null;
  /** Failed attempts in a row; 0 after a success. Drives the backoff. */
  failures: number;
  /** A backoff timer runs: nothing is sent until it elapses. */
  backingOff: boolean;
}

export type QueueEvent =
  /** `tickets`: one per report of a metrics batch, else one. */
  | { type: "enqueue"; pushes: { item: PushItem; tickets: number[] }[] }
  /** The in-flight request was delivered. */
  | { type: "delivered" }
  /** The in-flight request failed in a way worth retrying. */
  | { type: "failedRetryable" }
  | { type: "backoffElapsed" }
  /** The master refused the in-flight request. `split`: resend its reports one by one instead. */
  | { type: "refused"; error: Error; split: boolean }
  /** Stop for good: every pending push fails with `error`. */
  | { type: "abandon"; error: Error };

export interface QueueOutput {
  /** Send these now, in one request (they are the new in-flight request). */
  send: QueuedPush[] | null;
  /** Start a backoff timer for this many failures in a row. */
  backoff: number | null;
  /** These tickets are done: delivered when `error` is null, refused otherwise. */
  settled: { tickets: number[]; error: Error | null } | null;
}

export const emptyQueue: QueueState = {
  pending: [],
  inFlight: null,
  failures: 0,
  backingOff: false,
};

export const DEFAULT_MAX_BATCH_REPORTS = 1000;

export function isIdle(state: QueueState): boolean {
  return state.inFlight === null && state.pending.length === 0;
}

export function reducePushQueue(
  state: QueueState,
  event: QueueEvent,
  maxBatchReports: number = DEFAULT_MAX_BATCH_REPORTS,
): { state: QueueState; output: QueueOutput } {
  let next = state;
  let backoff: number | null = null;
  let settled: QueueOutput["settled"] = null;

  switch (event.type) {
    case "enqueue": {
      // Queued together before anything is sent, so that pushes made at once can ride together.
      let pending = state.pending;
      const done: number[] = [];
      for (const { item, tickets } of event.pushes) {
        // A completion supersedes the progress queued before it: those pushes are done.
        const absorbed =
          item.kind === "completedOperation"
            ? withoutProgress(pending, maxBatchReports)
            : { kept: pending, tickets: [] };
        pending = enqueue(absorbed.kept, item, tickets, maxBatchReports);
        done.push(...absorbed.tickets);
      }
      next = { ...state, pending };
      if (done.length > 0) settled = { tickets: done, error: null };
      break;
    }
    case "delivered":
      if (state.inFlight === null) break;
      settled = { tickets: state.inFlight.flatMap((p) => p.tickets), error: null };
      next = { ...state, inFlight: null, failures: 0 };
      break;
    case "failedRetryable": {
      if (state.inFlight === null) break;
      let pending = state.pending;
      for (const p of state.inFlight.toReversed())
        pending = requeue({ ...p, retried: true }, pending, maxBatchReports);
      const failures = state.failures + 1;
      next = { pending, inFlight: null, failures, backingOff: true };
      backoff = failures;
      break;
    }
    case "backoffElapsed":
      next = { ...state, backingOff: false };
      break;
    case "refused": {
      if (state.inFlight === null) break;
      const [refused, ...rest] = state.inFlight;
      if (refused === undefined) break;
      if (rest.length > 0) {
        // A refusal is an answer: the master is reachable.
        const alone = state.inFlight.map((p): QueuedPush => ({ ...p, alone: true }));
        next = { ...state, inFlight: null, pending: [...alone, ...state.pending], failures: 0 };
        break;
      }
      if (event.split && refused.item.kind === "metrics" && refused.item.reports.length > 1) {
        next = { ...state, inFlight: null, pending: [...isolate(refused), ...state.pending] };
        break;
      }
      settled = { tickets: refused.tickets, error: event.error };
      next = { ...state, inFlight: null, failures: 0 };
      break;
    }
    case "abandon": {
      const all = [...(state.inFlight ?? []), ...state.pending].flatMap((p) => p.tickets);
      settled = { tickets: all, error: event.error };
      next = emptyQueue;
      break;
    }
  }

  let send: QueuedPush[] | null = null;
  const [head, second] = next.pending;
  if (next.inFlight === null && !next.backingOff && head !== undefined) {
    send = second !== undefined && rideTogether(head, second) ? [head, second] : [head];
    next = { ...next, inFlight: send, pending: next.pending.slice(send.length) };
  }
  return { state: next, output: { send, backoff, settled } };
}

/**
 * Whether two pushes next to each other go in one request: a metrics batch
 * with the progress or the operation completion right after it (progress
 * may also come first: it moves past metrics freely). The master stores the
 * reports, then applies the other.
 */
export function rideTogether(first: QueuedPush, second: QueuedPush): boolean {
  if (first.alone || second.alone) return false;
  const [a, b] = [first.item, second.item];
  if (a.kind === "metrics") {
    return !a.isolated && (b.kind === "progress" || b.kind === "completedOperation");
  }
  return a.kind === "progress" && b.kind === "metrics" && !b.isolated;
}

function enqueue(
  pending: QueuedPush[],
  item: PushItem,
  tickets: number[],
  maxBatchReports: number,
): QueuedPush[] {
  const last = pending.at(-1);
  if (item.kind === "metrics" && last !== undefined && mergeable(last, item, maxBatchReports)) {
    return [...pending.slice(0, -1), merge(last, { item, tickets, retried: false })];
  }
  if (item.kind === "progress") {
    const at = pending.findLastIndex((p) => p.item.kind === "progress");
    const crossesBarrier = pending.slice(at + 1).some((p) => p.item.kind !== "metrics");
    const previous = pending[at];
    if (previous !== undefined && !crossesBarrier) {
      const coalesced = { item, tickets: [...previous.tickets, ...tickets], retried: false };
      return pending.map((p, i) => (i === at ? coalesced : p));
    }
  }
  return [...pending, { item, tickets, retried: false }];
}

/**
 * `pending` without the progress queued since its last barrier, the reports
 * around it merged; and the tickets of the progress taken out, whose callers
 * then wait for what replaces it.
 */
function withoutProgress(
  pending: QueuedPush[],
  maxBatchReports: number,
): { kept: QueuedPush[]; tickets: number[] } {
  const from =
    pending.findLastIndex((p) => p.item.kind !== "metrics" && p.item.kind !== "progress") + 1;
  const kept = pending.slice(0, from);
  const tickets: number[] = [];
  for (const p of pending.slice(from)) {
    const last = kept.at(-1);
    if (p.item.kind === "progress") tickets.push(...p.tickets);
    else if (kept.length > from && last !== undefined && mergeable(last, p.item, maxBatchReports))
      kept[kept.length - 1] = merge(last, p);
    else kept.push(p);
  }
  return { kept, tickets };
}

/** Puts a failed push back in front, merged with the metrics behind it when it is a batch too. */
function requeue(failed: QueuedPush, pending: QueuedPush[], maxBatchReports: number): QueuedPush[] {
  const [head, ...rest] = pending;
  if (
    head !== undefined &&
    head.item.kind === "metrics" &&
    mergeable(failed, head.item, maxBatchReports)
  ) {
    return [merge(failed, head), ...rest];
  }
  return [failed, ...pending];
}

function mergeable(into: QueuedPush, item: PushItem, maxBatchReports: number): boolean {
  return (
    into.item.kind === "metrics" &&
    item.kind === "metrics" &&
    !into.item.isolated &&
    !item.isolated &&
    into.item.reports.length + item.reports.length <= maxBatchReports
  );
}

function merge(a: QueuedPush, b: QueuedPush): QueuedPush {
  if (a.item.kind !== "metrics" || b.item.kind !== "metrics") return a;
  return {
    item: { kind: "metrics", reports: [...a.item.reports, ...b.item.reports], isolated: false },
    tickets: [...a.tickets, ...b.tickets],
    retried: a.retried || b.retried,
    ...(a.alone || b.alone ? { alone: true as const } : {}),
  };
}

function isolate(batch: QueuedPush): QueuedPush[] {
  if (batch.item.kind !== "metrics") return [batch];
  return batch.item.reports.map((report, i) => ({
    item: { kind: "metrics", reports: [report], isolated: true },
    tickets: batch.tickets.slice(i, i + 1),
    retried: batch.retried,
  }));
}
