"""A custom search process: ``SearchRunner`` runs a user's ``SearchMethod``
against an experiment with ``searcher.name: custom``, reading its searcher
events and posting the operations the method answers with.

Restartable at any point, with no state file: the master's event log is the
only record. A runner reads the events from the first one and feeds every one
to a fresh method; each event comes with the operations the master already
accepted in answer to it, and for those the runner posts nothing (it checks
that the method decided the same). The first event with no answer is where
the previous process stopped. A post whose answer was lost is sent again and
the master treats the repeat as a no-op; so no operation is repeated or lost.
The method must therefore be deterministic given the events.

A page of events may stop short (``truncated``: the master bounds a page in
bytes): the runner reads on after its last event at once, and ends only at an
empty page of an ended experiment. Operations answer the event they were
decided on; progress alone is posted once the runner has read what there is."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, List, Optional, Set

from .backoff import Backoff
from .errors import PushtuneError, RequestError, RetryableError
from .long_waits import sleep
from .transport import HttpTransport, Transport

Operation = Dict[str, Any]


class NondeterministicSearchError(PushtuneError):
    """The method decided differently from what the master accepted from it before."""


class SearchState:
    """What the runner knows of the search, kept up to date from the events."""

    def __init__(self) -> None:
        #: Request ids of the trials created so far.
        self.trials_created: Set[int] = set()
        #: Request ids of the trials that have ended (closed, or exited early).
        self.trials_closed: Set[int] = set()
        #: Request ids of the trials that exited early.
        self.failures: Set[int] = set()
        #: How far each trial has trained, as an absolute length.
        self.trial_progress: Dict[int, float] = {}
        self._next_request_id = 1
        self._created = 0

    def create(self, hparams: Dict[str, Any]) -> Operation:
        """A Create operation for a new trial with the next request id: return it among the
        operations, and use its ``requestId`` in the trial's validateAfter and close."""
        op: Operation = {"type": "create", "requestId": self._next_request_id, "hparams": hparams}
        self._next_request_id += 1
        return op


class SearchMethod:
    """A user's search logic (Determined's SearchMethod). Each hook returns a list of
    operations: ``state.create(hparams)``, ``validate_after(request_id, length)``,
    ``close(request_id)``, ``shutdown()``."""

    def initial_operations(self, state: SearchState) -> List[Operation]:
        raise NotImplementedError

    def on_trial_created(self, state: SearchState, request_id: int) -> List[Operation]:
        return []

    def on_validation_completed(
        self, state: SearchState, request_id: int, metric: float, length: int
    ) -> List[Operation]:
        return []

    def on_trial_closed(self, state: SearchState, request_id: int) -> List[Operation]:
        return []

    def on_trial_exited_early(
        self, state: SearchState, request_id: int, reason: str
    ) -> List[Operation]:
        return []

    def progress(self, state: SearchState) -> float:
        """The search's progress in [0, 1], posted with the operations."""
        return 0.0


def validate_after(request_id: int, length: int) -> Operation:
    return {"type": "validateAfter", "requestId": request_id, "length": length}


def close(request_id: int) -> Operation:
    return {"type": "close", "requestId": request_id}


def shutdown(cancel: bool = False, failure: bool = False) -> Operation:
    return {"type": "shutdown", "cancel": cancel, "failure": failure}


_HOOKS = {
    "initialOperations": "initial_operations",
    "trialCreated": "on_trial_created",
    "validationCompleted": "on_validation_completed",
    "trialProgress": "(no hook)",
    "trialClosed": "on_trial_closed",
    "trialExitedEarly": "on_trial_exited_early",
}


def _normalised(ops: List[Operation], event: Dict[str, Any]) -> List[Operation]:
    """Shutdown's defaults spelled out, as the master records operations. A hook that
    answers anything but a list (a forgotten ``return []``) is named, rather than
    failing on reading it."""
    if not isinstance(ops, list):
        hook = _HOOKS.get(str(event["type"]), str(event["type"]))
        raise TypeError(
            f"the search method's {hook} answered {ops!r} for event {event['id']} "
            f"({event['type']}): a hook returns a list of operations, [] for none"
        )
    return [
        shutdown(bool(op.get("cancel", False)), bool(op.get("failure", False)))
        if op.get("type") == "shutdown"
        else op
        for op in ops
    ]


def _as_javascript(value: Any) -> Any:
    """``value`` as it comes back from the master, which is JavaScript: a float with
    no fraction (``1.0``) is the number ``1``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _as_javascript(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_javascript(item) for item in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(_as_javascript(value), sort_keys=True, separators=(",", ":"))


class SearchRunner:
    """Runs ``method`` until the search of ``experiment_id`` is over.

    ``master`` and ``token`` default to ``PUSHTUNE_MASTER`` and ``PUSHTUNE_TOKEN`` (a user
    token of the experiment's owner); ``transport`` replaces both (tests)."""

    def __init__(
        self,
        method: SearchMethod,
        experiment_id: int,
        master: Optional[str] = None,
        token: Optional[str] = None,
        transport: Optional[Transport] = None,
        wait_seconds: float = 60.0,
        on_event: Optional[Callable[[Dict[str, Any], bool], None]] = None,
    ) -> None:
        if transport is None:
            master = master or os.environ.get("PUSHTUNE_MASTER")
            token = token or os.environ.get("PUSHTUNE_TOKEN")
            if not master or not token:
                raise ValueError(
                    "SearchRunner needs the master's address and a user token: pass master "
                    "and token, or set PUSHTUNE_MASTER and PUSHTUNE_TOKEN"
                )
            transport = HttpTransport(master, token)
        self._transport = transport
        self._method = method
        self._id = experiment_id
        self._wait = wait_seconds
        self._on_event = on_event
        self._state = SearchState()
        self._last_progress = 0.0
        self._over = False

    def run(self) -> str:
        """Runs until the search is over; returns the experiment's final state."""
        after = 0
        # The last event read that the method answered with no operation, its progress not posted.
        quiet: Optional[int] = None
        while True:
            page = self._retrying(
                lambda: self._transport.request(
                    "GET",
                    f"/experiments/{self._id}/searcher/events?after={after}"
                    f"&waitSeconds={self._wait:g}",
                    timeout=self._wait + 30,
                )
            )
            events: List[Dict[str, Any]] = page["events"]
            for event in events:
                recorded = event.get("operations")
                if self._on_event is not None:
                    self._on_event(event, recorded is not None)
                ops = _normalised(self._decide(event), event)
                if recorded is not None:
                    if _canonical(ops) != _canonical(recorded):
                        raise NondeterministicSearchError(
                            f"for event {event['id']} ({event['type']}) the search method "
                            f"decided {ops}, but earlier it decided {recorded}: a SearchMethod "
                            "must decide the same given the same events"
                        )
                elif ops:
                    self._post(int(event["id"]), ops)
                quiet = int(event["id"]) if recorded is None and not ops else None
                if any(op["type"] == "shutdown" for op in ops):
                    self._over = True
                state = self._state
                state._created += sum(1 for op in ops if op["type"] == "create")
                state._next_request_id = state._created + 1
                after = int(event["id"])
            # Progress alone waits for the events that follow at once: a page cut short has more.
            if quiet is not None and not page.get("truncated", False):
                self._post(quiet, [])
                quiet = None
            if page["ended"] and not events:
                return str(page["experimentState"])

    def _decide(self, event: Dict[str, Any]) -> List[Operation]:
        s, m, kind = self._state, self._method, event["type"]
        if kind == "initialOperations":
            return m.initial_operations(s)
        rid = int(event["requestId"])
        if kind == "trialCreated":
            s.trials_created.add(rid)
            return m.on_trial_created(s, rid)
        if kind == "validationCompleted":
            s.trial_progress[rid] = event["length"]
            return m.on_validation_completed(s, rid, float(event["metric"]), int(event["length"]))
        if kind == "trialProgress":
            s.trial_progress[rid] = event["length"]
            return []
        if kind == "trialClosed":
            s.trials_closed.add(rid)
            return m.on_trial_closed(s, rid)
        if kind == "trialExitedEarly":
            s.trials_closed.add(rid)
            s.failures.add(rid)
            return m.on_trial_exited_early(s, rid, str(event["reason"]))
        raise PushtuneError(f"unknown searcher event type {kind!r}")

    def _post(self, event_id: int, ops: List[Operation]) -> None:
        if self._over:
            return
        progress = min(max(float(self._method.progress(self._state)), 0.0), 1.0)
        if not ops and not progress > self._last_progress + 1e-3:
            return
        body = {"lastEventId": event_id, "operations": ops, "progress": progress}
        path = f"/experiments/{self._id}/searcher/operations"
        try:
            self._retrying(lambda: self._transport.request("POST", path, body))
        except RequestError as error:
            # Ended from outside (killed, canceled): the events that follow say so.
            if error.code != "SEARCH_OVER":
                raise
            self._over = True
            return
        self._last_progress = max(self._last_progress, progress)

    def _retrying(self, call: Callable[[], Any]) -> Any:
        failures = 0
        while True:
            try:
                return call()
            except RetryableError as error:
                failures += 1
                wait = error.retry_after
                # The master's Retry-After may be longer than time.sleep takes.
                sleep(wait if wait is not None else Backoff().delay(failures))
