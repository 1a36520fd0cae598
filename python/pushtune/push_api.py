"""The push API of DESIGN §4 as calls over a ``Transport``. Answers are checked
to the protocol schemas, so nothing unchecked leaves here."""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence
from urllib.parse import quote

from .environment import (
    is_best_metric_response,
    is_environment_response,
    is_next_trial_response,
    is_operation_response,
    is_preemption_response,
)
from .errors import UnexpectedResponseError
from .push_queue import Item
from .transport import Transport

#: Extra seconds a long poll's HTTP timeout gets beyond the wait the master was asked for.
LONG_POLL_GRACE = 15.0


@dataclass(frozen=True)
class TrialIdentity:
    trial_id: int
    experiment_id: int
    allocation_id: str
    run_id: int


class PushApi:
    def __init__(
        self,
        transport: Transport,
        identity: TrialIdentity,
        first_operation: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.transport = transport
        self.identity = identity
        # What an ask for the next operation would get, as the master already answered
        # it: to the completion of operation `length`, or (length 0) when it started
        # the trial (PUSHTUNE_OPERATION).
        self._after_completion = (0, first_operation) if first_operation else None
        self._lock = threading.Lock()
        self._allocation = quote(identity.allocation_id, safe="")

    def operation(self, wait_seconds: float) -> Dict[str, Any]:
        path = f"/trials/{self.identity.trial_id}/searcher/operation?waitSeconds={_seconds(wait_seconds)}"
        answer = self.transport.request("GET", path, None, wait_seconds + LONG_POLL_GRACE)
        checked: Dict[str, Any] = _checked(is_operation_response, answer, path)
        return checked

    def take_decision_after_completion(self, length: int) -> Optional[Dict[str, Any]]:
        """The master's answer to the completion of operation ``length``, when it decided
        there (the next operation, or the trial's end): no ask is needed. Taken once."""
        with self._lock:
            known = self._after_completion
            if known is None or known[0] != length:
                return None
            self._after_completion = None
        answer = known[1]
        op = answer.get("op")
        return answer if _ends_run(answer) or (op is not None and op["length"] > length) else None

    def completion_ended_run(self, length: int) -> bool:
        """Whether the master answered the completion of operation ``length`` with the trial's end, or with a stop."""
        known = self._after_completion
        return known is not None and known[0] == length and _ends_run(known[1])

    def preemption(self, timeout_seconds: float) -> bool:
        path = f"/allocations/{self._allocation}/signals/preemption?timeoutSeconds={_seconds(timeout_seconds)}"
        answer = self.transport.request("GET", path, None, timeout_seconds + LONG_POLL_GRACE)
        return bool(_checked(is_preemption_response, answer, path)["preempt"])

    def best_validation(self) -> Optional[float]:
        path = f"/experiments/{self.identity.experiment_id}/searcher/best_searcher_validation_metric"
        metric: Optional[float] = _checked(is_best_metric_response, self.transport.request("GET", path), path)["metric"]
        return metric

    def environment(self) -> Dict[str, str]:
        """The allocation's variables a launcher may leave out of its process's
        environment (LONG_VARIABLES)."""
        path = f"/allocations/{self._allocation}/environment"
        env: Dict[str, str] = _checked(is_environment_response, self.transport.request("GET", path), path)["env"]
        return env

    def next_trial(self, checkpoint: Optional[Dict[str, Any]] = None) -> Optional[Dict[str, str]]:
        """This allocation's trial is done and its process can take another: the
        environment of the next trial it runs, or None when there is none.
        ``checkpoint``: the report of the trial's last checkpoint, registered first,
        also when the ask is refused because the allocation has already ended."""
        path = f"/allocations/{self._allocation}/next_trial"
        body = {} if checkpoint is None else {"checkpoint": checkpoint}
        env: Optional[Dict[str, str]] = _checked(is_next_trial_response, self.transport.request("POST", path, body), path)["env"]
        return env

    def send(self, items: Sequence[Item]) -> None:
        """Sends one request: a queued push, or two that ride together (a metrics batch
        and the progress or completion next to it). Every write goes through here."""
        if len(items) == 1:
            return self._send_one(items[0], None)
        first, second = items
        batch, item = (first, second) if first["kind"] == "metrics" else (second, first)
        if len(items) > 2 or batch["kind"] != "metrics" or item["kind"] not in ("progress", "completedOperation"):
            raise ValueError(f"one request cannot carry {' and '.join(i['kind'] for i in items)}")
        self._send_one(item, self._metrics_body(batch["reports"]))

    def _send_one(self, item: Item, metrics: Optional[Dict[str, Any]]) -> None:
        trial = f"/trials/{self.identity.trial_id}"
        kind = item["kind"]
        post: Callable[[str, Any], Any] = lambda path, body: self.transport.request("POST", path, body)
        if kind == "metrics":
            post(f"{trial}/metrics", self._metrics_body(item["reports"]))
        elif kind == "progress":
            if metrics is not None:
                post(f"{trial}/metrics", {**metrics, "progress": item["progress"]})
            else:
                post(f"{trial}/progress", {"progress": item["progress"]})
        elif kind == "completedOperation":
            body = {**item["body"], "metrics": metrics} if metrics is not None else item["body"]
            answer = post(f"{trial}/searcher/completed_operation", body)
            # A master that answers nothing here is asked, as before.
            with self._lock:
                self._after_completion = (
                    (item["body"]["op"]["length"], answer) if is_operation_response(answer) else None
                )
        elif kind == "earlyExit":
            post(f"{trial}/early_exit", item["body"])
        elif kind == "checkpoint":
            post("/checkpoints", item["body"])
        elif kind == "ackPreemption":
            post(f"/allocations/{self._allocation}/signals/ack_preemption", {})
        else:
            raise ValueError(f"unknown push {kind!r}")

    def _metrics_body(self, reports: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {
            "reports": [{**r, "reportTime": iso_time(r["reportTime"])} for r in reports],
            "trialRunId": self.identity.run_id,
        }


def iso_time(seconds: float) -> str:
    """A report's time as the master stores it: ISO 8601 in UTC, milliseconds."""
    when = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _checked(is_valid: Callable[[Any], bool], answer: Any, path: str) -> Any:
    if is_valid(answer):
        return answer
    raise UnexpectedResponseError(f"{path}: unexpected answer {json.dumps(answer)[:200]}", answer)


def _ends_run(answer: Dict[str, Any]) -> bool:
    """The answer ends this run of the trial: the trial is closed, or must stop (``preempt: true``)."""
    return bool(answer["completed"]) or answer.get("preempt") is True
