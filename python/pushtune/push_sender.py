"""Drives the push queue from a background thread: sends what the reducer says,
retries with backoff for as long as the master is away (training goes on
meanwhile), and wakes the callers that wait for delivery.

Exactly-once effect: a request that failed without an answer may have landed.
Metric pushes are idempotent on the master (an identical repeat is a no-op), so
they are simply resent. The other writes are not: a 409 answering the retry of
one that may have landed means the first attempt did land.

Pacing: metric reports and progress nobody waits for are held and queued at most
once per ``min_interval``, the first after a quiet spell ``LINGER`` after it was
made; anything that waits for delivery (a completion, a checkpoint, ``flush``)
releases them first. A loop reporting every batch then costs one request a
second, not one per batch; and an operation's last report, its validation and
its completion, made within ``LINGER`` of each other, go in one request (a
short trial's whole life, often), not in a metrics request and then another.
"""

from __future__ import annotations

import random as _random
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from .backoff import DEFAULT_BACKOFF, Backoff
from .errors import RequestError, RetryableError, is_fatal
from .long_waits import bounded
from .notices import stderr_line
from .push_api import PushApi
from .push_queue import (
    DEFAULT_MAX_BATCH_REPORTS,
    EMPTY_QUEUE,
    Item,
    QueuedPush,
    is_idle,
    reduce_push_queue,
    report_count,
)

DEFAULT_MIN_INTERVAL = 1.0
#: How long the first report after a quiet spell waits for what the trial pushes next.
LINGER = 0.05


class _Waiter:
    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = False
        self.error: Optional[BaseException] = None


class PushSender:
    def __init__(
        self,
        api: PushApi,
        backoff: Backoff = DEFAULT_BACKOFF,
        log: Callable[[str], None] = stderr_line,
        on_fatal: Optional[Callable[[RequestError], None]] = None,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        max_batch_reports: int = DEFAULT_MAX_BATCH_REPORTS,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._api = api
        self._backoff = backoff
        self._log = log
        self._on_fatal = on_fatal
        self._min_interval = min_interval
        self._max_batch_reports = max_batch_reports
        self._random = random
        self._cond = threading.Condition()
        self._state = EMPTY_QUEUE
        self._next_ticket = 1
        self._waiters: Dict[int, _Waiter] = {}
        #: The first refusal of a fire-and-forget push (or a fatal one); every later call raises it.
        self._failure: Optional[BaseException] = None
        self._to_send: Optional[Tuple[QueuedPush, ...]] = None
        self._backoff_until: Optional[float] = None
        self._retry_after = 0.0
        # Paced pushes not yet queued: report batches in order, and the latest progress.
        self._paced_reports: List[List[Dict[str, Any]]] = []
        self._paced_progress: Optional[float] = None
        self._paced_due: Optional[float] = None
        self._last_paced_at = float("-inf")
        self._thread: Optional[threading.Thread] = None
        #: Set by ``stop``: the sender thread ends once nothing is left to send.
        self._stopping = False

    # The trial's side (any thread).

    def push_report(self, report: Dict[str, Any]) -> None:
        """Holds one metric report for the next paced release; returns at once."""
        with self._cond:
            self._raise_if_failed()
            batches = self._paced_reports
            if batches and len(batches[-1]) < self._max_batch_reports:
                batches[-1].append(report)
            else:
                batches.append([report])
            self._schedule_paced()

    def push_progress(self, progress: float) -> None:
        """Holds the latest progress for the next paced release; returns at once."""
        with self._cond:
            self._raise_if_failed()
            self._paced_progress = progress
            self._schedule_paced()

    def push(self, item: Item) -> None:
        """Queues a barrier nobody waits for; if the master refuses it, the next call raises."""
        with self._cond:
            self._raise_if_failed()
            self._enqueue_after_paced([(item, self._tickets(report_count(item)))])

    def deliver(self, item: Item) -> None:
        """Queues a push that is not a batch of reports and returns once the master
        has it (or raises its refusal)."""
        with self._cond:
            self._raise_if_failed()
            (ticket,) = self._tickets(1)
            waiter = _Waiter()
            self._waiters[ticket] = waiter
            self._enqueue_after_paced([(item, [ticket])])
            while not waiter.done:
                self._cond.wait()
            if waiter.error is not None:
                raise waiter.error

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything queued so far was delivered (True), or ``timeout``
        seconds passed (False); raises a refusal that nobody saw."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._enqueue_after_paced([])
            while not is_idle(self._state):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(bounded(left))
            self._raise_if_failed()
            return True

    def fail(self, error: BaseException) -> None:
        """The master refused this allocation for good (heard elsewhere, e.g. by the
        preemption poll): drop the queue, and every later call raises ``error``."""
        with self._cond:
            if self._failure is None:
                self._failure = error
            self._dispatch(("abandon", error))

    def stop(self) -> None:
        """Lets the sender thread end once the queue is idle (after a flush)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def raise_if_failed(self) -> None:
        with self._cond:
            self._raise_if_failed()

    # Under the lock.

    def _raise_if_failed(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _tickets(self, count: int) -> List[int]:
        first = self._next_ticket
        self._next_ticket += count
        return list(range(first, first + count))

    def _schedule_paced(self) -> None:
        if self._paced_due is None:
            self._paced_due = max(time.monotonic() + LINGER, self._last_paced_at + self._min_interval)
            self._ensure_thread()
            self._cond.notify_all()

    def _enqueue_after_paced(self, pushes: List[Tuple[Item, List[int]]]) -> None:
        """Queues the paced pushes, then ``pushes``, in one event: what was reported
        before goes first, and pushes made at once may ride together."""
        earlier: List[Tuple[Item, List[int]]] = []
        for reports in self._paced_reports:
            item = {"kind": "metrics", "reports": reports, "isolated": False}
            earlier.append((item, self._tickets(len(reports))))
        if self._paced_progress is not None:
            earlier.append(({"kind": "progress", "progress": self._paced_progress}, self._tickets(1)))
        self._paced_reports = []
        self._paced_progress = None
        self._paced_due = None
        if earlier:
            self._last_paced_at = time.monotonic()
        if earlier or pushes:
            self._dispatch(("enqueue", earlier + pushes))

    def _dispatch(self, event: Tuple[Any, ...]) -> None:
        state, out = reduce_push_queue(self._state, event, self._max_batch_reports)
        self._state = state
        if out.settled is not None:
            self._settle(*out.settled)
        if out.backoff is not None:
            delay = max(self._backoff.delay(out.backoff, self._random), self._retry_after)
            self._backoff_until = time.monotonic() + delay
        if event[0] == "abandon":
            # Refused for good: reports held for pacing are not sent either.
            self._backoff_until = None
            self._paced_reports = []
            self._paced_progress = None
            self._paced_due = None
        if out.send is not None:
            self._to_send = out.send
            self._ensure_thread()
        self._cond.notify_all()

    def _settle(self, tickets: List[int], error: Optional[BaseException]) -> None:
        for ticket in tickets:
            waiter = self._waiters.pop(ticket, None)
            if waiter is None:
                if error is not None and self._failure is None:
                    self._failure = error
            else:
                waiter.done = True
                waiter.error = error

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="pushtune-sender", daemon=True)
            self._thread.start()

    # The sender thread.

    def _run(self) -> None:
        while True:
            with self._cond:
                send = self._next_request()
                if send is None:
                    self._thread = None
                    return
            self._send(send)

    def _next_request(self) -> Optional[Tuple[QueuedPush, ...]]:
        """Waits (holding the condition) until a request is due, releasing paced
        pushes and ending backoffs as their times come."""
        while True:
            now = time.monotonic()
            if self._paced_due is not None and now >= self._paced_due:
                self._enqueue_after_paced([])
            if self._backoff_until is not None and now >= self._backoff_until:
                self._backoff_until = None
                self._dispatch(("backoff_elapsed",))
            if self._to_send is not None:
                send, self._to_send = self._to_send, None
                return send
            if self._stopping and self._paced_due is None and is_idle(self._state):
                return None
            due = [t for t in (self._paced_due, self._backoff_until) if t is not None]
            self._cond.wait(bounded(min(due) - now) if due else None)

    def _send(self, push: Tuple[QueuedPush, ...]) -> None:
        try:
            self._api.send([p.item for p in push])
            event: Tuple[Any, ...] = ("delivered",)
        except Exception as error:  # noqa: BLE001 - every failure is classified
            event = self._classify(error, push)
        with self._cond:
            recovered_after = self._state.failures if event[0] == "delivered" else 0
            self._dispatch(event)
        # Written with the lock released: a slow log never holds up the trial's reports.
        if recovered_after > 0:
            self._say(f"pushtune: the master is reachable again (after {recovered_after} failed attempts)")

    def _say(self, line: str) -> None:
        """Writes a notice to the log. A log that cannot be written (stderr closed, a
        broken pipe) loses the notice; it must not end the thread that sends the pushes."""
        try:
            self._log(line)
        except Exception:  # noqa: BLE001 - nowhere left to report it
            pass

    def _classify(self, error: Exception, push: Tuple[QueuedPush, ...]) -> Tuple[Any, ...]:
        if isinstance(error, RetryableError):
            self._retry_after = error.retry_after or 0.0
            if self._state.failures == 0:
                self._say(f"pushtune: cannot reach the master ({error}); retrying, training goes on")
            return ("failed_retryable",)
        if is_fatal(error):
            assert isinstance(error, RequestError)
            with self._cond:
                if self._failure is None:
                    self._failure = error
            if self._on_fatal is not None:
                self._on_fatal(error)
            return ("abandon", error)
        # A lone barrier's retry refused as a conflict: its first attempt landed.
        only = push[0]
        barrier = only.item["kind"] not in ("metrics", "progress")
        if (
            isinstance(error, RequestError)
            and error.status == 409
            and len(push) == 1
            and barrier
            and only.retried
        ):
            return ("delivered",)
        return ("refused", error, isinstance(error, RequestError))
