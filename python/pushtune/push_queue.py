"""What a trial pushes, and in which order, as a pure reducer:
``(state, event) -> (state, output)``. The driver (``push_sender.py``) does the IO.

The same contract as the TypeScript SDK's ``push-queue.ts``:

- one request in flight at a time; everything else waits in ``pending``, in order;
- adjacent metric reports merge into one batch, up to ``max_batch_reports``;
- progress coalesces to its latest value, but never jumps over a barrier (an
  operation completion, a checkpoint, an early exit, a preemption ack); a
  completion supersedes the progress pending since the last barrier (it stands
  for its operation's end): that progress is settled as done;
- a barrier is sent only after everything queued before it was delivered (or
  rides in one request behind the metrics just before it, which the master
  stores first);
- a metrics batch and the progress or completion next to it ride together in
  one request; if the master refuses the pair, each part goes again alone, so
  that a refusal belongs to the push it is about;
- a failed attempt goes back to the head of the queue (merging with pending
  metrics: metric pushes are idempotent) and waits for a backoff timer.

Items are dicts: ``{"kind": "metrics", "reports": [...], "isolated": bool}``,
``{"kind": "progress", "progress": n}``, ``{"kind": "completedOperation", "body": {...}}``,
``{"kind": "earlyExit", "body": {...}}``, ``{"kind": "checkpoint", "body": {...}}``,
``{"kind": "ackPreemption"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Tuple

Item = Dict[str, Any]
DEFAULT_MAX_BATCH_REPORTS = 1000


@dataclass(frozen=True)
class QueuedPush:
    item: Item
    #: Who waits for this push. For metrics, ``tickets[i]`` belongs to ``reports[i]``.
    tickets: Tuple[int, ...]
    #: An earlier attempt failed without an answer, so it may have landed.
    retried: bool = False
    #: Sent in a request of its own: the master refused a request it shared with another push.
    alone: bool = False


@dataclass(frozen=True)
class QueueState:
    pending: Tuple[QueuedPush, ...] = ()
    #: The pushes of the request in flight: one, or two that ride together.
    in_flight: Optional[Tuple[QueuedPush, ...]] = None
    #: Failed attempts in a row; 0 after a success. Drives the backoff.
    failures: int = 0
    #: A backoff timer runs: nothing is sent until it elapses.
    backing_off: bool = False


@dataclass
class QueueOutput:
    #: Send these now, in one request (they are the new in-flight request).
    send: Optional[Tuple[QueuedPush, ...]] = None
    #: Start a backoff timer for this many failures in a row.
    backoff: Optional[int] = None
    #: These tickets are done: delivered when ``error`` is None, refused otherwise.
    settled: Optional[Tuple[List[int], Optional[BaseException]]] = None


EMPTY_QUEUE = QueueState()


def is_idle(state: QueueState) -> bool:
    return state.in_flight is None and not state.pending


# Events: ("enqueue", [(item, tickets), ...]), ("delivered",), ("failed_retryable",),
# ("backoff_elapsed",), ("refused", error, split), ("abandon", error).
Event = Tuple[Any, ...]


def reduce_push_queue(
    state: QueueState, event: Event, max_batch_reports: int = DEFAULT_MAX_BATCH_REPORTS
) -> Tuple[QueueState, QueueOutput]:
    out = QueueOutput()
    nxt = state
    kind = event[0]
    if kind == "enqueue":
        pending = list(state.pending)
        done: List[int] = []
        for item, tickets in event[1]:
            if item["kind"] == "completedOperation":
                pending, absorbed = _without_progress(pending, max_batch_reports)
                done.extend(absorbed)
            pending = _enqueue(pending, item, tuple(tickets), max_batch_reports)
        nxt = replace(state, pending=tuple(pending))
        if done:
            out.settled = (done, None)
    elif kind == "delivered":
        if state.in_flight is not None:
            out.settled = ([t for p in state.in_flight for t in p.tickets], None)
            nxt = replace(state, in_flight=None, failures=0)
    elif kind == "failed_retryable":
        if state.in_flight is not None:
            pending = list(state.pending)
            for p in reversed(state.in_flight):
                pending = _requeue(replace(p, retried=True), pending, max_batch_reports)
            failures = state.failures + 1
            nxt = QueueState(tuple(pending), None, failures, True)
            out.backoff = failures
    elif kind == "backoff_elapsed":
        nxt = replace(state, backing_off=False)
    elif kind == "refused":
        error, split = event[1], event[2]
        if state.in_flight:
            refused, rest = state.in_flight[0], state.in_flight[1:]
            if rest:
                # A refusal is an answer: the master is reachable.
                alone = tuple(replace(p, alone=True) for p in state.in_flight)
                nxt = replace(state, in_flight=None, pending=alone + state.pending, failures=0)
            elif split and refused.item["kind"] == "metrics" and len(refused.item["reports"]) > 1:
                nxt = replace(state, in_flight=None, pending=_isolate(refused) + state.pending)
            else:
                out.settled = (list(refused.tickets), error)
                nxt = replace(state, in_flight=None, failures=0)
    elif kind == "abandon":
        everything = list(state.in_flight or ()) + list(state.pending)
        out.settled = ([t for p in everything for t in p.tickets], event[1])
        nxt = EMPTY_QUEUE
    else:
        raise ValueError(f"unknown queue event {kind!r}")

    if nxt.in_flight is None and not nxt.backing_off and nxt.pending:
        head = nxt.pending[0]
        pair = len(nxt.pending) > 1 and ride_together(head, nxt.pending[1])
        send = nxt.pending[:2] if pair else nxt.pending[:1]
        nxt = replace(nxt, in_flight=send, pending=nxt.pending[len(send) :])
        out.send = send
    return nxt, out


def ride_together(first: QueuedPush, second: QueuedPush) -> bool:
    """A metrics batch with the progress or the operation completion right after it
    go in one request (progress may also come first: it moves past metrics freely)."""
    if first.alone or second.alone:
        return False
    a, b = first.item, second.item
    if a["kind"] == "metrics":
        return not a["isolated"] and b["kind"] in ("progress", "completedOperation")
    return a["kind"] == "progress" and b["kind"] == "metrics" and not b["isolated"]


def _enqueue(
    pending: List[QueuedPush], item: Item, tickets: Tuple[int, ...], max_batch_reports: int
) -> List[QueuedPush]:
    if item["kind"] == "metrics" and pending and _mergeable(pending[-1], item, max_batch_reports):
        return pending[:-1] + [_merge(pending[-1], QueuedPush(item, tickets))]
    if item["kind"] == "progress":
        at = _last_index(pending, lambda p: p.item["kind"] == "progress")
        if at >= 0 and all(p.item["kind"] == "metrics" for p in pending[at + 1 :]):
            coalesced = QueuedPush(item, pending[at].tickets + tickets)
            return pending[:at] + [coalesced] + pending[at + 1 :]
    return pending + [QueuedPush(item, tickets)]


def _without_progress(
    pending: List[QueuedPush], max_batch_reports: int
) -> Tuple[List[QueuedPush], List[int]]:
    """``pending`` without the progress queued since its last barrier, the reports
    around it merged; and the tickets of the progress taken out."""
    start = _last_index(pending, lambda p: p.item["kind"] not in ("metrics", "progress")) + 1
    kept = pending[:start]
    tickets: List[int] = []
    for p in pending[start:]:
        if p.item["kind"] == "progress":
            tickets.extend(p.tickets)
        elif len(kept) > start and _mergeable(kept[-1], p.item, max_batch_reports):
            kept[-1] = _merge(kept[-1], p)
        else:
            kept.append(p)
    return kept, tickets


def _requeue(failed: QueuedPush, pending: List[QueuedPush], max_batch_reports: int) -> List[QueuedPush]:
    """Puts a failed push back in front, merged with the metrics behind it when it is a batch too."""
    if pending and pending[0].item["kind"] == "metrics" and _mergeable(failed, pending[0].item, max_batch_reports):
        return [_merge(failed, pending[0])] + pending[1:]
    return [failed] + pending


def _mergeable(into: QueuedPush, item: Item, max_batch_reports: int) -> bool:
    return (
        into.item["kind"] == "metrics"
        and item["kind"] == "metrics"
        and not into.item["isolated"]
        and not item["isolated"]
        and len(into.item["reports"]) + len(item["reports"]) <= max_batch_reports
    )


def _merge(a: QueuedPush, b: QueuedPush) -> QueuedPush:
    return QueuedPush(
        {"kind": "metrics", "reports": a.item["reports"] + b.item["reports"], "isolated": False},
        a.tickets + b.tickets,
        a.retried or b.retried,
        a.alone or b.alone,
    )


def _isolate(batch: QueuedPush) -> Tuple[QueuedPush, ...]:
    return tuple(
        QueuedPush({"kind": "metrics", "reports": [report], "isolated": True}, (ticket,), batch.retried)
        for report, ticket in zip(batch.item["reports"], batch.tickets)
    )


def _last_index(items: List[QueuedPush], predicate: Any) -> int:
    for i in range(len(items) - 1, -1, -1):
        if predicate(items[i]):
            return i
    return -1


def report_count(item: Item) -> int:
    return len(item["reports"]) if item["kind"] == "metrics" else 1


