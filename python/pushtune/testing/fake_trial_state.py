"""The store and rules of ``FakeMaster``, with no routing: one trial's
operations, metrics, checkpoints and stop signals, and the push API's rules
for each write (METRIC_CONFLICT, OP_MISMATCH, a checkpoint on disk before it
is registered, STALE_ALLOCATION for a superseded run). Every method but
``take_unannounced`` runs with ``cond`` held; ``wait`` releases it while it
waits."""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Tuple

from ..errors import RequestError, RetryableError
from ..long_waits import bounded

_STATUS = {
    "BAD_REQUEST": 400,
    "NOT_FOUND": 404,
    "FORBIDDEN": 403,
    "STALE_ALLOCATION": 409,
    "METRIC_CONFLICT": 409,
    "OP_MISMATCH": 409,
    "CHECKPOINT_EXISTS": 409,
}


def refuse(code: str, message: str) -> NoReturn:
    """Answers a request with the push API's error ``code``."""
    raise RequestError(code, message, _STATUS[code])


class FakeTrialState:
    def __init__(
        self,
        config: Mapping[str, Any],
        checkpoint_dir: str,
        ops: List[int],
        close_after_ops: bool,
        trial_id: int,
        experiment_id: int,
        allocation_id: str,
        run_id: int,
        preempt_at_steps: Optional[int],
        preempt_after_ops: Optional[int],
        best_validation: Optional[float],
    ) -> None:
        self.config = config
        self.checkpoint_dir = checkpoint_dir
        self.trial_id = trial_id
        self.experiment_id = experiment_id
        self.allocation_id = allocation_id
        self.run_id = run_id
        #: Every write accepted, in order: dicts with a ``type``.
        self.events: List[Dict[str, Any]] = []
        #: Accepted, not yet handed on by ``take_unannounced``.
        self._unannounced: List[Dict[str, Any]] = []
        self.metrics: Dict[Tuple[str, int], Dict[str, Any]] = {}
        self.ops = ops
        self.close_after_ops = close_after_ops
        self.op_index = 0
        self.closed = False
        self.preempted = False
        self.preempt_at = preempt_at_steps
        self.preempt_after_ops = preempt_after_ops
        self.best = best_validation
        #: Requests fail retryably (``down``); everything is STALE_ALLOCATION (``superseded``).
        self.down = False
        self.superseded = False
        self.cond = threading.Condition()

    @property
    def current_op(self) -> Optional[int]:
        if self.closed or self.op_index >= len(self.ops):
            return None
        return self.ops[self.op_index]

    @property
    def trial_closed(self) -> bool:
        return self.closed or (self.close_after_ops and self.current_op is None)

    def wait(self, seconds: float, done: Callable[[], bool]) -> None:
        """A long poll: returns once ``done()`` or after ``seconds``; fails as soon
        as the master goes down or the allocation is superseded."""
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.cond.wait(bounded(left))
            if self.down:
                raise RetryableError("fake master is down")
            if self.superseded:
                refuse("STALE_ALLOCATION", "this allocation was superseded")

    def operation_answer(self) -> Dict[str, Any]:
        op = self.current_op
        if op is None and self.trial_closed:
            return {"op": None, "completed": True}
        if self.preempted:
            return {"op": None, "completed": False, "preempt": True}
        return {"op": None if op is None else {"length": op}, "completed": False}

    def complete_operation(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body.get("metrics"):
            self.store_metrics(body["metrics"])
        length = body["op"]["length"]
        # As the master does: a completion sent again (its answer lost) is a no-op, also once
        # the next operation is handed out; another metric for that length is refused.
        done = [e for e in self.events if e["type"] == "completedOperation" and e["length"] == length]
        if done:
            if done[0]["searcherMetric"] == body["searcherMetric"]:
                return self.operation_answer()
            refuse(
                "OP_MISMATCH",
                f"completed length {length} with searcher metric {done[0]['searcherMetric']}, not {body['searcherMetric']}",
            )
        if length != self.current_op:
            refuse("OP_MISMATCH", f"completed {length}, but the current operation is {self.current_op}")
        self.op_index += 1
        self._note_searcher_metric(body["searcherMetric"])
        self.accept({"type": "completedOperation", "length": length, "searcherMetric": body["searcherMetric"]})
        if self.preempt_after_ops == self.op_index:
            self.preempted = True
        self.cond.notify_all()
        return self.operation_answer()

    def exit_early(self, reason: str) -> Dict[str, Any]:
        self.accept({"type": "earlyExit", "reason": reason})
        self.closed = True
        self.cond.notify_all()
        return {}

    def report_progress(self, progress: float) -> Dict[str, Any]:
        op = self.current_op
        if op is not None and progress > op:
            refuse("BAD_REQUEST", f"progress {progress} is past the current operation ({op})")
        self.accept({"type": "progress", "progress": progress})
        return {}

    def store_metrics(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body["trialRunId"] != self.run_id:
            refuse("STALE_ALLOCATION", f"run {body['trialRunId']} was superseded")
        fresh: Dict[Tuple[str, int], Dict[str, Any]] = {}
        for report in body["reports"]:
            key = (report["group"], report["stepsCompleted"])
            existing = self.metrics.get(key) or fresh.get(key)
            if existing is None:
                fresh[key] = report
            elif existing["metrics"] != report["metrics"]:
                refuse(
                    "METRIC_CONFLICT",
                    f"{report['group']} metrics at step {report['stepsCompleted']} differ from the ones stored",
                )
        for key, report in fresh.items():
            self.metrics[key] = report
            if report["group"] == "validation":
                self._note_searcher_metric(report["metrics"].get(self.config["searcher"]["metric"]))
            self.accept({"type": "metrics", "report": report})
            if self.preempt_at is not None and report["stepsCompleted"] >= self.preempt_at:
                self.preempted = True
                self.cond.notify_all()
        if "progress" in body:
            self.report_progress(body["progress"])
        return {"inserted": len(fresh)}

    def register_checkpoint(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body["trialId"] != self.trial_id:
            refuse("FORBIDDEN", "a checkpoint of another trial")
        if any(c["uuid"] == body["uuid"] for c in self.checkpoints()):
            refuse("CHECKPOINT_EXISTS", f"checkpoint {body['uuid']} exists")
        if not os.path.exists(os.path.join(self.checkpoint_dir, body["uuid"], "metadata.json")):
            refuse("BAD_REQUEST", f"checkpoint {body['uuid']} is not in {self.checkpoint_dir}")
        self.accept({"type": "checkpoint", "checkpoint": body})
        return {}

    def checkpoints(self) -> List[Dict[str, Any]]:
        return [e["checkpoint"] for e in self.events if e["type"] == "checkpoint"]

    def _note_searcher_metric(self, value: Optional[float]) -> None:
        if value is None:
            return
        smaller = self.config["searcher"]["smaller_is_better"]
        if self.best is None or (value < self.best if smaller else value > self.best):
            self.best = value

    def accept(self, event: Dict[str, Any]) -> None:
        self.events.append(event)
        self._unannounced.append(event)

    def take_unannounced(self) -> List[Dict[str, Any]]:
        """The events accepted since the last call, in order (takes ``cond`` itself)."""
        with self.cond:
            events, self._unannounced = self._unannounced, []
            return events
