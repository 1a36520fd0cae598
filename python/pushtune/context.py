"""The core context (DESIGN §5): what a trial's own training loop uses to ask for
work and push what it did. Every write is queued and sent by a background
thread (``push_sender.py``), so reporting never blocks training."""

from __future__ import annotations

import atexit
import operator
import os
import sys
import threading
import time
import weakref
from typing import Any, Callable, Dict, Iterator, Mapping, MutableMapping, Optional, TypeVar

from .backoff import DEFAULT_BACKOFF, Backoff
from .checkpoints import Checkpoints
from .environment import TrialEnvironment, is_off_cluster, read_trial_environment, trial_environment_or_exit
from .long_variables import with_variables_from_master
from .errors import PreemptedError
from .exit_signals import FLUSH_DEADLINE, on_sigterm
from .metrics import check_report
from .notices import stderr_line
from .preemption import Preemption
from .push_api import PushApi, TrialIdentity
from .push_sender import PushSender
from .searcher import SearcherOperation, searcher_operations
from .stop_signal import StopSignal, any_of
from .transport import HttpTransport, Transport

T = TypeVar("T")

#: The longest wait a long poll may ask the master for.
MAX_LONG_POLL_SECONDS = 600


def init(
    *,
    env: Optional[MutableMapping[str, str]] = None,
    transport: Optional[Transport] = None,
    dry_run: Optional[Mapping[str, Any]] = None,
    backoff: Backoff = DEFAULT_BACKOFF,
    operation_wait_seconds: float = 30,
    preemption_timeout_seconds: float = 60,
    handle_sigterm: bool = True,
    log: Callable[[str], None] = stderr_line,
) -> "Context":
    """Connects this process to its trial. Reads PUSHTUNE_* (``os.environ`` unless
    ``env`` is given); off the cluster (no trial, no transport) it starts
    a local dry run instead. A trial whose environment is unusable (say, no
    PUSHTUNE_MASTER) is an error: raised for an ``env`` passed in, one line on
    stderr and exit status 1 for the process's own.

    ``dry_run``: options of the local dry run (``hparams``, ``max_length``,
    ``config``, ``checkpoint_dir``, ``print``)."""
    _check_long_poll(operation_wait_seconds, "operation_wait_seconds")
    _check_long_poll(preemption_timeout_seconds, "preemption_timeout_seconds")
    own = env is None
    environ: MutableMapping[str, str] = os.environ if env is None else env

    def context(trial: TrialEnvironment, link: Transport, dry: bool) -> Context:
        return Context(
            trial,
            link,
            dry_run=dry,
            backoff=backoff,
            operation_wait_seconds=operation_wait_seconds,
            preemption_timeout_seconds=preemption_timeout_seconds,
            handle_sigterm=handle_sigterm,
            log=log,
        )

    if transport is None and is_off_cluster(environ):
        from .dry_run import start_dry_run

        fake, variables = start_dry_run(environ, dict(dry_run or {}), log)
        return context(read_trial_environment(variables), fake, True)
    trial = trial_environment_or_exit(environ, own)
    if own:
        _line_buffered_output()
    # Taken once: a later context in this process, or a process it starts, asks the master.
    environ.pop("PUSHTUNE_OPERATION", None)
    http: Optional[HttpTransport] = None
    if transport is None:
        http = HttpTransport(trial.master, trial.token)
        link: Transport = http
    else:
        link = transport
    full = with_variables_from_master(environ, trial, link, backoff)
    if full is not environ:
        trial = trial_environment_or_exit(full, own)
    ctx = context(trial, link, False)
    if http is not None:
        ctx._on_close = http.close
    return ctx


def _line_buffered_output() -> None:
    """A launched trial's stdout and stderr go to the master through pipes, which
    Python buffers by the block: its lines would reach the logs late, be lost to a
    kill -9, and under ``trials()`` be logged under a later trial. Line-buffered,
    each line is there as it is printed, as a TypeScript trial's is (what was
    printed before, say while loading data, is written now)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(line_buffering=True)
            except (OSError, ValueError):
                pass  # closed, or a reader gone: nothing to buffer for


def _check_long_poll(value: float, name: str) -> None:
    if not (isinstance(value, (int, float)) and 0 <= value <= MAX_LONG_POLL_SECONDS):
        raise ValueError(f"init: {name} must be a number of seconds from 0 to {MAX_LONG_POLL_SECONDS}, got {value!r}")


class Context:
    """One trial's connection to the master. Use it as a context manager (or call
    ``close()``): leaving it delivers everything still queued."""

    def __init__(
        self,
        trial: TrialEnvironment,
        transport: Transport,
        *,
        dry_run: bool,
        backoff: Backoff = DEFAULT_BACKOFF,
        operation_wait_seconds: float = 30,
        preemption_timeout_seconds: float = 60,
        handle_sigterm: bool = True,
        log: Callable[[str], None] = stderr_line,
        min_report_interval: float = 1.0,
        min_ask_interval: float = 1.0,
    ) -> None:
        self.hparams: Dict[str, Any] = trial.hparams
        self.trial_id = trial.trial_id
        self.experiment_id = trial.experiment_id
        self.allocation_id = trial.allocation_id
        #: Counts the runs of this trial: 1, then +1 after every restart.
        self.run_id = trial.run_id
        self.trial_seed = trial.trial_seed
        self.config: Dict[str, Any] = trial.config
        #: The checkpoint to resume from, or None for a fresh start.
        self.latest_checkpoint = trial.latest_checkpoint
        #: True when no master is involved (a local dry run).
        self.dry_run = dry_run

        self._closing = StopSignal()
        self._closed = False
        #: The master answered that the trial is closed: it has no operation left.
        self._searcher_closed = False
        #: Run after the last delivery: closes a transport this context opened.
        self._on_close: Callable[[], None] = lambda: None
        self._lock = threading.Lock()
        api = PushApi(
            transport,
            TrialIdentity(trial.trial_id, trial.experiment_id, trial.allocation_id, trial.run_id),
            trial.operation,
        )
        self._sender = PushSender(
            api,
            backoff=backoff,
            log=log,
            on_fatal=lambda error: self.preempt.abort(error),
            min_interval=min_report_interval,
        )
        self.preempt = Preemption(
            api,
            self._sender,
            self._closing,
            preemption_timeout_seconds,
            backoff,
            min_ask_interval,
            log,
            on_fatal=self._refused_for_good,
        )
        self.train = TrainReports(self._sender)
        self.checkpoint = Checkpoints(
            trial.checkpoint_dir,
            api,
            self._sender,
            backoff,
            trial.latest_checkpoint,
            # Kept back for the ask for the next trial, which carries it: the checkpoint a trial
            # takes as it stops for the master, or as it ends when the searcher closed it.
            hold_back=lambda: self.preempt.acknowledges_by_asking
            or (self.preempt.defer_ack and self._searcher_closed),
            on_fatal=self._refused_for_good,
        )
        self.searcher = _Searcher(
            lambda: searcher_operations(
                api,
                self._sender,
                any_of(self.preempt.signal, self._closing),
                operation_wait_seconds,
                backoff,
                min_ask_interval,
                self.preempt.told_by_master,
                self._refused_for_good,
                on_closed=self._note_searcher_closed,
                before_completion=self.checkpoint.release_held,
            )
        )
        self._unregister_sigterm = (
            on_sigterm(
                lambda: self.preempt.preempted("SIGTERM"),
                self._deliver_before_exit,
                # A trial that never looks at its preemption would not stop, and once closed
                # the trial is over: then a SIGTERM ends the process.
                can_preempt=lambda: not self._closed and self.preempt.hears_signal(),
            )
            if handle_sigterm
            else (lambda: None)
        )
        _open_contexts.add(self)

    def _note_searcher_closed(self) -> None:
        self._searcher_closed = True

    def _refused_for_good(self, error: BaseException) -> None:
        """STALE_ALLOCATION, UNAUTHENTICATED or FORBIDDEN on any call: the queue is
        dropped, the preemption fires with the error, and every later call raises it."""
        self._sender.fail(error)
        self.preempt.abort(error)

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything reported so far reached the master (True), or
        ``timeout`` seconds passed (False); raises a refusal nobody saw yet."""
        return self._sender.flush(timeout)

    def close(self, timeout: Optional[float] = None, *, asking_for_next_trial: bool = False) -> bool:
        """Stops asking the master anything and delivers everything still queued
        (waiting at most ``timeout`` seconds, if given). Safe to call twice.
        ``asking_for_next_trial`` (``trials()``): the process asks for its next trial
        next, which stands for an acknowledgement ``preempt.acknowledge()`` kept back
        and carries the checkpoint report kept back with it (``hand_over``, which
        must follow)."""
        with self._lock:
            first = not self._closed
            self._closed = True
        handing_over = False
        if first:
            self._closing.fire(RuntimeError("the context was closed"))
            _open_contexts.discard(self)
        try:
            if first and not asking_for_next_trial:
                self._release_kept_back()
            delivered = self._sender.flush(timeout)
            handing_over = first and asking_for_next_trial
            return delivered
        finally:
            self._sender.stop()
            if first:
                # Handing over: SIGTERM stays handled until the ask is answered.
                if not handing_over:
                    self._unregister_sigterm()
                self._on_close()

    def hand_over(self, ask: Callable[[Optional[Dict[str, Any]]], T]) -> T:
        """After ``close(asking_for_next_trial=True)``: ``ask`` asks the master for the
        next trial, carrying the checkpoint report kept back for it and standing for
        the acknowledgement kept back; returns its answer.

        A SIGTERM before the answer ends the process (``exit_signals``) from inside
        ``ask``: no ask goes out again, so the master hands this process no trial it
        would abandon; what the ask carried goes as a checkpoint report and an
        acknowledgement of their own (an ask that reached the master registered the
        same checkpoint, which registers once; its ended allocation's
        acknowledgement is refused)."""
        try:
            answer = ask(self.checkpoint.held_report)
        finally:
            self._unregister_sigterm()
        self.checkpoint.take_held()
        self.preempt.acknowledged_by_asking()
        return answer

    def _release_kept_back(self) -> None:
        """Queues a checkpoint report and an acknowledgement kept back for the ask for
        the next trial (no ask will carry them)."""
        # The checkpoint before the acknowledgement: the trial resumes from it.
        self.checkpoint.release_held()
        self.preempt.release_deferred_ack()

    def _deliver_before_exit(self, timeout: float) -> bool:
        """What the SIGTERM that ends the process delivers: everything queued, and what
        was kept back for the ask for the next trial (or the trial would resume from an
        older checkpoint)."""
        self._release_kept_back()
        return self._sender.flush(timeout)

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if kind is None:
            self.close()
            return
        # Leaving on an error: what was reported still goes, for a bounded time,
        # and the error is the one the caller sees.
        try:
            self.close(FLUSH_DEADLINE)
        except Exception:  # noqa: BLE001
            pass

    def __repr__(self) -> str:
        return f"Context(trial_id={self.trial_id}, allocation_id={self.allocation_id!r}, dry_run={self.dry_run})"


class _Searcher:
    def __init__(self, operations: Callable[[], Iterator[SearcherOperation]]) -> None:
        self._operations = operations

    def operations(self) -> Iterator[SearcherOperation]:
        """The trial's operations, one at a time; ends when the trial is closed or must stop."""
        return self._operations()


class TrainReports:
    """Metric and early-exit reports. Metrics are queued, batched and retried by the
    sender thread; the calls return at once."""

    def __init__(self, sender: PushSender) -> None:
        self._sender = sender

    def report_training_metrics(self, steps: int, metrics: Mapping[str, Any]) -> None:
        self._report("training", steps, metrics)

    def report_validation_metrics(self, steps: int, metrics: Mapping[str, Any]) -> None:
        self._report("validation", steps, metrics)

    def report_early_exit(self, reason: str) -> None:
        """The trial stops before finishing its operations (``INVALID_HP``, ``ERRORED``,
        ``USER_CANCELED``). Returns once the master has it."""
        if reason not in ("INVALID_HP", "ERRORED", "USER_CANCELED"):
            raise ValueError(f"early exit reason must be INVALID_HP, ERRORED or USER_CANCELED, got {reason!r}")
        self._sender.deliver({"kind": "earlyExit", "body": {"reason": reason}})

    def _report(self, group: str, steps: int, metrics: Mapping[str, Any]) -> None:
        checked = check_report(group, steps, metrics)
        self._sender.push_report(
            {"group": group, "stepsCompleted": operator.index(steps), "metrics": checked, "reportTime": time.time()}
        )


# Contexts still open when the interpreter exits deliver what they hold, for a bounded time.
_open_contexts: "weakref.WeakSet[Context]" = weakref.WeakSet()


def _flush_at_exit() -> None:
    deadline = time.monotonic() + FLUSH_DEADLINE
    for ctx in list(_open_contexts):
        try:
            ctx.close(max(0.0, deadline - time.monotonic()))
        except Exception as error:  # noqa: BLE001 - the interpreter is going away
            stderr_line(f"pushtune: at exit: {error}")


atexit.register(_flush_at_exit)


def _forget_in_child() -> None:
    """A forked child is not the trial: at its exit it delivers nothing of its
    parent's (its parent does), and its copy of a lock a sender thread held at
    the fork could never be released there."""
    _open_contexts.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)

__all__ = ["Context", "TrainReports", "init", "PreemptedError"]
