"""An in-memory master behind the ``Transport`` seam: no server, no database. Use
it to test trial code -- ``pushtune.init(transport=fm, env=fm.env())`` -- and
assert on what the trial pushed. It follows the push API's rules: metric pushes
are idempotent per (group, stepsCompleted) with conflicting values refused
(METRIC_CONFLICT), a completion must match the current operation
(OP_MISMATCH; one sent again with the same length and metric is a no-op, as
on the master), a checkpoint must exist on disk before it is registered, a
superseded allocation gets STALE_ALLOCATION. This module routes each request
(and plays outages and failures); the trial's store and those rules are
``FakeTrialState`` (fake_trial_state.py)."""

from __future__ import annotations

import json
import re
import tempfile
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..environment import LONG_VARIABLES, TrialEnvironment, trial_environment_variables
from ..errors import RequestError, RetryableError
from ..experiment_config import local_experiment_config
from .fake_trial_state import FakeTrialState, refuse


class FakeMaster:
    """``ops``: the operations' absolute lengths (in the config's unit), handed out in
    order. ``close_after_ops``: after the last op the trial is closed (True) or
    waits (see ``add_op``, ``close_trial``). ``config``: overrides of a local
    default config. ``preempt_at_steps``: ask the trial to stop once a metric
    report at or past this step arrives. ``preempt_after_ops``: ask it to stop as
    it completes this many operations: the completion's answer says so, as the
    master's answer does to a trial that must give its slot up while it waits
    for a promotion. ``best_validation``: the best searcher metric of the other
    trials."""

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
        preempt_after_ops: Optional[int] = None,
        best_validation: Optional[float] = None,
        on_event: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> None:
        self.config = local_experiment_config(config)
        self.hparams = dict(hparams or {})
        self.checkpoint_dir = checkpoint_dir or tempfile.mkdtemp(prefix="pushtune-fake-master-")
        self._state = FakeTrialState(
            config=self.config,
            checkpoint_dir=self.checkpoint_dir,
            ops=list(ops if ops is not None else [100]),
            close_after_ops=close_after_ops,
            trial_id=trial_id,
            experiment_id=experiment_id,
            allocation_id=allocation_id,
            run_id=run_id,
            preempt_at_steps=preempt_at_steps,
            preempt_after_ops=preempt_after_ops,
            best_validation=best_validation,
        )
        #: Every write the fake accepted, in order: dicts with a ``type``.
        self.events: List[Dict[str, Any]] = self._state.events
        #: Every request: ``(method, path, outcome)``; outcome "ok", "down", "failed" or the error code.
        self.requests: List[Tuple[str, str, str]] = []
        self._trial_seed = trial_seed
        self._latest = latest_checkpoint
        self._on_event = on_event
        #: Keeps the events handed to ``on_event`` in order.
        self._announcing = threading.Lock()
        self._failures = 0
        self._fail_after_applying = False
        #: The lock of the fake's state, held while a request is served.
        self._cond = self._state.cond

    def env(self) -> Dict[str, str]:
        """The PUSHTUNE_* environment of this trial, for ``init(transport=fm, env=fm.env())``."""
        return trial_environment_variables(
            TrialEnvironment(
                master="http://fake-master.invalid",
                token="fake-token",
                trial_id=self._state.trial_id,
                experiment_id=self._state.experiment_id,
                allocation_id=self._state.allocation_id,
                run_id=self._state.run_id,
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
            return list(self._state.metrics.values())

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
        return self._state.preempted

    # Playing the master's side.

    def down(self) -> None:
        """Every request fails (retryably) until ``up()``; waiting long polls fail at once."""
        with self._cond:
            self._state.down = True
            self._cond.notify_all()

    def up(self) -> None:
        with self._cond:
            self._state.down = False

    def fail_next(self, count: int, after_applying: bool = False) -> None:
        """The next ``count`` requests fail retryably; ``after_applying``: each takes effect first (the answer is lost)."""
        with self._cond:
            self._failures = count
            self._fail_after_applying = after_applying

    def preempt(self) -> None:
        """Ask the trial to stop (pause, a higher-priority trial, a promotion wait that gives up its slot)."""
        with self._cond:
            self._state.preempted = True
            self._cond.notify_all()

    def add_op(self, length: int) -> None:
        """The searcher decided on more work for this trial (a promotion)."""
        with self._cond:
            self._state.ops.append(length)
            self._cond.notify_all()

    def close_trial(self) -> None:
        """The searcher closed this trial: no more operations."""
        with self._cond:
            self._state.closed = True
            self._cond.notify_all()

    def supersede(self) -> None:
        """A newer allocation of this trial took over: everything this one sends is STALE_ALLOCATION."""
        with self._cond:
            self._state.superseded = True
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
            if self._state.down:
                self.requests.append((method, path, "down"))
                raise RetryableError(f"{method} {path}: fake master is down")
            if self._state.superseded:
                self.requests.append((method, path, "STALE_ALLOCATION"))
                refuse("STALE_ALLOCATION", f"{method} {path}: this allocation was superseded")
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

    # Routing, under the lock.

    def _route(self, method: str, path: str, body: Any) -> Any:
        state = self._state
        url = urlsplit(path)
        query = parse_qs(url.query)

        def seconds(name: str) -> float:
            return float(query.get(name, ["0"])[0])

        p = url.path
        m = re.fullmatch(r"/trials/(\d+)/(searcher/operation|searcher/completed_operation|early_exit|progress|metrics)", p)
        if m:
            if int(m.group(1)) != state.trial_id:
                refuse("FORBIDDEN", f"this token may only push for trial {state.trial_id}")
            what = m.group(2)
            if method == "GET" and what == "searcher/operation":
                state.wait(
                    seconds("waitSeconds"),
                    lambda: state.current_op is not None or state.trial_closed or state.preempted,
                )
                return state.operation_answer()
            if method == "POST" and what == "searcher/completed_operation":
                return state.complete_operation(body)
            if method == "POST" and what == "early_exit":
                return state.exit_early(body["reason"])
            if method == "POST" and what == "progress":
                return state.report_progress(body["progress"])
            if method == "POST" and what == "metrics":
                return state.store_metrics(body)
        if method == "POST" and p == "/checkpoints":
            return state.register_checkpoint(body)
        m = re.fullmatch(r"/experiments/(\d+)/searcher/best_searcher_validation_metric", p)
        if method == "GET" and m:
            if int(m.group(1)) != state.experiment_id:
                refuse("FORBIDDEN", "another experiment")
            return {"metric": state.best}
        m = re.fullmatch(r"/allocations/([^/]+)/(signals/preemption|signals/ack_preemption|next_trial|environment)", p)
        if m:
            if unquote(m.group(1)) != state.allocation_id:
                refuse("STALE_ALLOCATION", f"allocation {unquote(m.group(1))} was superseded")
            what = m.group(2)
            if method == "GET" and what == "signals/preemption":
                state.wait(seconds("timeoutSeconds"), lambda: state.preempted)
                return {"preempt": state.preempted}
            if method == "POST" and what == "signals/ack_preemption":
                state.accept({"type": "ackPreemption"})
                return {}
            if method == "GET" and what == "environment":
                env = self.env()
                return {"env": {name: env[name] for name in LONG_VARIABLES}}
            if method == "POST" and what == "next_trial":
                if (body or {}).get("checkpoint") is not None:
                    state.register_checkpoint(body["checkpoint"])
                # A fake master plays one trial: there is never a next one.
                state.accept({"type": "nextTrial"})
                return {"env": None}
        refuse("NOT_FOUND", f"no route {method} {path}")

    # After the lock.

    def _announce(self) -> None:
        """Hands the events accepted so far to ``on_event``, in order, with the
        master's lock released (``on_event`` may print, and printing may block)."""
        with self._announcing:
            events = self._state.take_unannounced()
            if self._on_event is not None:
                for event in events:
                    self._on_event(event)
