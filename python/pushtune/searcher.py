"""The trial's searcher operations: "train until the total length is N, then
validate and report the searcher metric". Lengths are absolute, so a trial
restarted from a checkpoint knows how far to go without any searcher state."""

from __future__ import annotations

import time
from typing import Callable, Iterator

from .backoff import Backoff
from .errors import InvalidReportError, RetryableError, is_fatal
from .metrics import check_finite
from .push_api import PushApi
from .push_sender import PushSender
from .stop_signal import StopSignal, Stopped, call_until


class SearcherOperation:
    def __init__(
        self,
        length: int,
        sender: PushSender,
        api: PushApi,
        before_completion: Callable[[], None] = lambda: None,
    ) -> None:
        #: Train until the trial's total length is this (in the searcher's ``max_length`` unit).
        self.length = length
        self._sender = sender
        self._api = api
        # Queues what was kept back before the completion goes (see ``searcher_operations``).
        self._before_completion = before_completion
        self._state = "open"

    @property
    def completed(self) -> bool:
        return self._state == "completed"

    @property
    def ends_run(self) -> bool:
        """Completed, and the master's answer ends this run of the trial here: the trial
        has no operation after this one, or it must stop now (``preempt: true``)."""
        return self.completed and self._api.completion_ended_run(self.length)

    def report_progress(self, length: float) -> None:
        """The absolute length trained so far. Queued and coalesced: never waits for the master."""
        value = check_finite(length, "progress")
        if value < 0 or value > self.length:
            raise InvalidReportError(f"progress {length} is outside this operation (0 to {self.length})")
        self._sender.push_progress(value)

    def report_completed(self, searcher_metric: float) -> None:
        """Ends the operation with the searcher metric. Returns once the master has it,
        after every metric reported before it."""
        metric = check_finite(searcher_metric, "the searcher metric")
        if self._state != "open":
            raise InvalidReportError(f"operation {self.length} was already completed")
        self._state = "completing"
        try:
            self._before_completion()
            self._sender.deliver(
                {"kind": "completedOperation", "body": {"op": {"length": self.length}, "searcherMetric": metric}}
            )
        except BaseException:
            self._state = "open"
            raise
        self._state = "completed"

    def __repr__(self) -> str:
        return f"SearcherOperation(length={self.length}, {self._state})"


def searcher_operations(
    api: PushApi,
    sender: PushSender,
    stop: StopSignal,
    wait_seconds: float,
    backoff: Backoff,
    min_ask_interval: float,
    on_preempt: Callable[[], None],
    on_fatal: Callable[[BaseException], None] = lambda error: None,
    on_closed: Callable[[], None] = lambda: None,
    before_completion: Callable[[], None] = lambda: None,
) -> Iterator[SearcherOperation]:
    """Asks for operations until the master says the trial is closed (``on_closed``),
    or that it must stop (``preempt: true``, handed to ``on_preempt``), or until ``stop`` fires
    (preemption, close). Each ask lets the master wait ``wait_seconds`` for a
    decision; network failures are retried with backoff. ``before_completion`` runs as an
    operation is completed, before its completion is queued: a report kept back for a later
    ask (a checkpoint taken once told to stop) must reach the master first, as the completion
    follows every report made before it (a PBT round is judged at the last completion, with
    each member's latest checkpoint)."""
    failures = 0
    last_completed = 0
    while not stop.fired:
        asked = time.monotonic()
        # The completion's own answer, when the master decided there, saves an ask.
        answer = api.take_decision_after_completion(last_completed)
        if answer is None:
            try:
                answer = call_until(lambda: api.operation(wait_seconds), stop)
                failures = 0
            except Stopped:
                return
            except RetryableError:
                failures += 1
                if not stop.sleep(backoff.delay(failures)):
                    return
                continue
            except Exception as error:
                if is_fatal(error):
                    on_fatal(error)
                raise
        if answer["completed"]:
            on_closed()
            return
        if answer.get("preempt") is True:
            on_preempt()
            return
        op = answer.get("op")
        # No decision yet, or the operation that was just completed (already done).
        if op is None or op["length"] <= last_completed:
            early = min_ask_interval - (time.monotonic() - asked)
            if early > 0 and not stop.sleep(early):
                return
            continue
        operation = SearcherOperation(op["length"], sender, api, before_completion)
        yield operation
        if not operation.completed:
            if stop.fired:
                return
            raise InvalidReportError(
                f"operation {operation.length} was not completed: call op.report_completed(metric) "
                "before asking for the next one"
            )
        last_completed = operation.length
