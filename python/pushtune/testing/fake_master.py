"""An in-memory master behind the ``Transport`` seam: no server, no database. Use
it to test trial code -- ``pushtune.init(transport=fm, env=fm.env())`` -- and
assert on what the trial pushed. It follows the push API's rules: metric pushes
are idempotent per (group, stepsCompleted) with conflicting values refused
(METRIC_CONFLICT), a completion must match the current operation
(OP_MISMATCH), a checkpoint must exist on disk before it is registered, a
superseded allocation gets STALE_ALLOCATION."""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..environment import TrialEnvironment, trial_environment_variables
from ..errors import RequestError, RetryableError
from ..long_waits import bounded
from ..experiment_config import local_experiment_config

_STATUS = {
    "BAD_REQUEST": 400,
    "NOT_FOUND": 404,
    "FORBIDDEN": 403,
    "STALE_ALLOCATION": 409,
    "METRIC_CONFLICT": 409,
    "OP_MISMATCH": 409,
    "CHECKPOINT_EXISTS": 409,
}


def _refuse(code: str, message: str) -> None:
    raise RequestError(code, message, _STATUS[code])


class FakeMaster:
    """``ops``: the operations' absolute lengths (in the config's unit), handed out in
    order. ``close_after_ops``: after the last op the trial is closed (True) or
    waits (see ``add_op``, ``close_trial``). ``config``: overrides of a local
    default config. ``preempt_at_steps``: ask the trial to stop once a metric
    report at or past this step arrives. ``best_validation``: the best searcher
    metric of the other trials."""

    def __init__(
        self,
        ops: Optional[List[int]] = None,
        close_after_ops: bool = True,
        hparams: Optional[Mapping[str, Any]] = None,
        config: Optional[Mapping[str, Any]] = None,
        trial_id: int = 1,
        experiment_id: int = 1,
        allocation_id: str = "allocation-1",
        run_id: int = 1,
        trial_seed: int = 0,
        latest_checkpoint: Optional[str] = None,
        checkpoint_dir: Optional[str] = None,
        preempt_at_steps: Optional[int] = None,
        best_validation: Optional[float] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> None:
        self.config = local_experiment_config(config)
        self.hparams = dict(hparams or {})
        self.checkpoint_dir = checkpoint_dir or tempfile.mkdtemp(prefix="pushtune-fake-master-")
        #: Every write the fake accepted, in order: dicts with a ``type``.
        self.events: List[Dict[str, Any]] = []
        #: Every request: ``(method, path, outcome)``; outcome "ok", "down", "failed" or the error code.
        self.requests: List[Tuple[str, str, str]] = []
        self._ops = list(ops if ops is not None else [100])
        self._close_after_ops = close_after_ops
        self._trial_id = trial_id
        self._experiment_id = experiment_id
        self._allocation_id = allocation_id
        self._run_id = run_id
        self._trial_seed = trial_seed
        self._latest = latest_checkpoint
        self._preempt_at = preempt_at_steps
        self._best = best_validation
        self._on_event = on_event
        #: Accepted, not yet handed to ``on_event``; and the lock that keeps them in order.
        self._unannounced: List[Dict[str, Any]] = []
        self._announcing = threading.Lock()
        self._op_index = 0
        self._closed = False
        self._preempted = False
        self._down = False
        self._superseded = False
        self._failures = 0
        self._fail_after_applying = False
        self._metrics: Dict[Tuple[str, int], Dict[str, Any]] = {}
        self._cond = threading.Condition()

    def env(self) -> Dict[str, str]:
        """The PUSHTUNE_* environment of this trial, for ``init(transport=fm, env=fm.env())``."""
        return trial_environment_variables(
            TrialEnvironment(
                master="http://fake-master.invalid",
                token="fake-token",
                trial_id=self._trial_id,
                experiment_id=self._experiment_id,
                allocation_id=self._allocation_id,
                run_id=self._run_id,
                hparams=self.hparams,
                trial_seed=self._trial_seed,
                latest_checkpoint=self._latest,
                checkpoint_dir=self.checkpoint_dir,
                config=self.config,
                # The trial asks for its operation, so tests see each ask.
                operation=None,
            )
        )

    # What the trial pushed.

    @property
    def metrics(self) -> List[Dict[str, Any]]:
        with self._cond:
            return list(self._metrics.values())

    @property
    def training_metrics(self) -> List[Dict[str, Any]]:
        return [r for r in self.metrics if r["group"] == "training"]

    @property
    def validation_metrics(self) -> List[Dict[str, Any]]:
        return [r for r in self.metrics if r["group"] == "validation"]

    def _of(self, kind: str) -> List[Dict[str, Any]]:
        with self._cond:
            return [e for e in self.events if e["type"] == kind]

    @property
    def progress(self) -> List[float]:
        return [e["progress"] for e in self._of("progress")]

    @property
    def completed_operations(self) -> List[Dict[str, Any]]:
        return [{"length": e["length"], "searcher_metric": e["searcherMetric"]} for e in self._of("completedOperation")]

    @property
    def checkpoints(self) -> List[Dict[str, Any]]:
        return [e["checkpoint"] for e in self._of("checkpoint")]

    @property
    def early_exits(self) -> List[str]:
        return [e["reason"] for e in self._of("earlyExit")]

    @property
    def preemption_acks(self) -> int:
        return len(self._of("ackPreemption"))

    @property
    def is_preempted(self) -> bool:
        return self._preempted

    # Playing the master's side.

    def down(self) -> None:
        """Every request fails (retryably) until ``up()``; waiting long polls fail at once."""
        with self._cond:
            self._down = True
            self._cond.notify_all()

    def up(self) -> None:
        with self._cond:
            self._down = False

    def fail_next(self, count: int, after_applying: bool = False) -> None:
        """The next ``count`` requests fail retryably; ``after_applying``: each takes effect first (the answer is lost)."""
        with self._cond:
            self._failures = count
            self._fail_after_applying = after_applying

    def preempt(self) -> None:
        """Ask the trial to stop (pause, a higher-priority trial, a promotion wait that gives up its slot)."""
        with self._cond:
            self._preempted = True
            self._cond.notify_all()

    def add_op(self, length: int) -> None:
        """The searcher decided on more work for this trial (a promotion)."""
        with self._cond:
            self._ops.append(length)
            self._cond.notify_all()

    def close_trial(self) -> None:
        """The searcher closed this trial: no more operations."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def supersede(self) -> None:
        """A newer allocation of this trial took over: everything this one sends is STALE_ALLOCATION."""
        with self._cond:
            self._superseded = True
            self._cond.notify_all()

    # The transport.

    def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Any:
        try:
            return self._serve(method, path, body)
        finally:
            self._announce()

    def _serve(self, method: str, path: str, body: Any) -> Any:
        wire_body = None if body is None else json.loads(json.dumps(body, allow_nan=False))
        with self._cond:
            if self._down:
                self.requests.append((method, path, "down"))
                raise RetryableError(f"{method} {path}: fake master is down")
            if self._superseded:
                self.requests.append((method, path, "STALE_ALLOCATION"))
                _refuse("STALE_ALLOCATION", f"{method} {path}: this allocation was superseded")
            if self._failures > 0:
                self._failures -= 1
                if self._fail_after_applying:
                    try:
                        self._route(method, path, wire_body)
                    except Exception:  # noqa: BLE001 - the answer is lost anyway
                        pass
                self.requests.append((method, path, "failed"))
                raise RetryableError(f"{method} {path}: injected failure")
            try:
                answer = self._route(method, path, wire_body)
            except RequestError as error:
                self.requests.append((method, path, error.code))
                raise
            self.requests.append((method, path, "ok"))
            return None if answer is None else json.loads(json.dumps(answer))

    # Under the lock.

    @property
    def _current_op(self) -> Optional[int]:
        if self._closed or self._op_index >= len(self._ops):
            return None
        return self._ops[self._op_index]

    @property
    def _trial_closed(self) -> bool:
        return self._closed or (self._close_after_ops and self._current_op is None)

    def _wait(self, seconds: float, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(bounded(left))
            if self._down:
                raise RetryableError("fake master is down")
            if self._superseded:
                _refuse("STALE_ALLOCATION", "this allocation was superseded")

    def _route(self, method: str, path: str, body: Any) -> Any:
        url = urlsplit(path)
        query = parse_qs(url.query)

        def seconds(name: str) -> float:
            return float(query.get(name, ["0"])[0])

        p = url.path
        m = re.fullmatch(r"/trials/(\d+)/(searcher/operation|searcher/completed_operation|early_exit|progress|metrics)", p)
        if m:
            if int(m.group(1)) != self._trial_id:
                _refuse("FORBIDDEN", f"this token may only push for trial {self._trial_id}")
            what = m.group(2)
            if method == "GET" and what == "searcher/operation":
                self._wait(
                    seconds("waitSeconds"),
                    lambda: self._current_op is not None or self._trial_closed or self._preempted,
                )
                return self._operation_answer()
            if method == "POST" and what == "searcher/completed_operation":
                return self._complete_operation(body)
            if method == "POST" and what == "early_exit":
                self._accept({"type": "earlyExit", "reason": body["reason"]})
                self._closed = True
                self._cond.notify_all()
                return {}
            if method == "POST" and what == "progress":
                return self._report_progress(body["progress"])
            if method == "POST" and what == "metrics":
                return self._store_metrics(body)
        if method == "POST" and p == "/checkpoints":
            return self._register_checkpoint(body)
        m = re.fullmatch(r"/experiments/(\d+)/searcher/best_searcher_validation_metric", p)
        if method == "GET" and m:
            if int(m.group(1)) != self._experiment_id:
                _refuse("FORBIDDEN", "another experiment")
            return {"metric": self._best}
        m = re.fullmatch(r"/allocations/([^/]+)/(signals/preemption|signals/ack_preemption|next_trial)", p)
        if m:
            if unquote(m.group(1)) != self._allocation_id:
                _refuse("STALE_ALLOCATION", f"allocation {unquote(m.group(1))} was superseded")
            what = m.group(2)
            if method == "GET" and what == "signals/preemption":
                self._wait(seconds("timeoutSeconds"), lambda: self._preempted)
                return {"preempt": self._preempted}
            if method == "POST" and what == "signals/ack_preemption":
                self._accept({"type": "ackPreemption"})
                return {}
            if method == "POST" and what == "next_trial":
                if (body or {}).get("checkpoint") is not None:
                    self._register_checkpoint(body["checkpoint"])
                # A fake master plays one trial: there is never a next one.
                self._accept({"type": "nextTrial"})
                return {"env": None}
        _refuse("NOT_FOUND", f"no route {method} {path}")

    def _operation_answer(self) -> Dict[str, Any]:
        op = self._current_op
        if op is None and self._trial_closed:
            return {"op": None, "completed": True}
        if self._preempted:
            return {"op": None, "completed": False, "preempt": True}
        return {"op": None if op is None else {"length": op}, "completed": False}

    def _complete_operation(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body.get("metrics"):
            self._store_metrics(body["metrics"])
        length = body["op"]["length"]
        if length != self._current_op:
            _refuse("OP_MISMATCH", f"completed {length}, but the current operation is {self._current_op}")
        self._op_index += 1
        self._note_searcher_metric(body["searcherMetric"])
        self._accept({"type": "completedOperation", "length": length, "searcherMetric": body["searcherMetric"]})
        self._cond.notify_all()
        return self._operation_answer()

    def _report_progress(self, progress: float) -> Dict[str, Any]:
        op = self._current_op
        if op is not None and progress > op:
            _refuse("BAD_REQUEST", f"progress {progress} is past the current operation ({op})")
        self._accept({"type": "progress", "progress": progress})
        return {}

    def _store_metrics(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body["trialRunId"] != self._run_id:
            _refuse("STALE_ALLOCATION", f"run {body['trialRunId']} was superseded")
        fresh: Dict[Tuple[str, int], Dict[str, Any]] = {}
        for report in body["reports"]:
            key = (report["group"], report["stepsCompleted"])
            existing = self._metrics.get(key) or fresh.get(key)
            if existing is None:
                fresh[key] = report
            elif existing["metrics"] != report["metrics"]:
                _refuse(
                    "METRIC_CONFLICT",
                    f"{report['group']} metrics at step {report['stepsCompleted']} differ from the ones stored",
                )
        for key, report in fresh.items():
            self._metrics[key] = report
            if report["group"] == "validation":
                self._note_searcher_metric(report["metrics"].get(self.config["searcher"]["metric"]))
            self._accept({"type": "metrics", "report": report})
            if self._preempt_at is not None and report["stepsCompleted"] >= self._preempt_at:
                self._preempted = True
                self._cond.notify_all()
        if "progress" in body:
            self._report_progress(body["progress"])
        return {"inserted": len(fresh)}

    def _register_checkpoint(self, body: Dict[str, Any]) -> Dict[str, Any]:
        if body["trialId"] != self._trial_id:
            _refuse("FORBIDDEN", "a checkpoint of another trial")
        if any(c["uuid"] == body["uuid"] for c in self._checkpoints_unlocked()):
            _refuse("CHECKPOINT_EXISTS", f"checkpoint {body['uuid']} exists")
        if not os.path.exists(os.path.join(self.checkpoint_dir, body["uuid"], "metadata.json")):
            _refuse("BAD_REQUEST", f"checkpoint {body['uuid']} is not in {self.checkpoint_dir}")
        self._accept({"type": "checkpoint", "checkpoint": body})
        return {}

    def _checkpoints_unlocked(self) -> List[Dict[str, Any]]:
        return [e["checkpoint"] for e in self.events if e["type"] == "checkpoint"]

    def _note_searcher_metric(self, value: Optional[float]) -> None:
        if value is None:
            return
        smaller = self.config["searcher"]["smaller_is_better"]
        if self._best is None or (value < self._best if smaller else value > self._best):
            self._best = value

    def _accept(self, event: Dict[str, Any]) -> None:
        self.events.append(event)
        self._unannounced.append(event)

    # After the lock.

    def _announce(self) -> None:
        """Hands the events accepted so far to ``on_event``, in order, with the
        master's lock released (``on_event`` may print, and printing may block)."""
        with self._announcing:
            with self._cond:
                events, self._unannounced = self._unannounced, []
            if self._on_event is not None:
                for event in events:
                    self._on_event(event)
