"""SIGTERM while a context is open, for a trial that watches its preemption (the
Trainer, a loop over ``searcher.operations()``, ``preempt.should_preempt()``,
``preempt.signal``), is a preemption: the launcher (or Slurm, or a user) wants
the process gone, so the trial checkpoints and exits as if the master had asked
(``should_preempt()`` turns true, every SDK wait ends). A second SIGTERM, one
for a trial that never looks at its preemption (it would not stop), one while
a closed context still asks for its next trial (``trials()``), or one that
comes while no context is open, delivers what is queued (for at most 10 s) and
ends the process with the signal's default action. Installed only from the
main thread (Python's rule for handlers)."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any, Callable, List

from .notices import stderr_line

#: Long enough to deliver a backlog, short enough to beat the launcher's kill.
FLUSH_DEADLINE = 10.0


class _Registration:
    def __init__(
        self, on_term: Callable[[], None], flush: Callable[[float], Any], can_preempt: Callable[[], bool]
    ) -> None:
        self.on_term = on_term
        self.flush = flush
        self.can_preempt = can_preempt


_registered: List[_Registration] = []
_previous: Any = None
_installed = False
#: The SIGTERMs while a context was open; with the last context gone, the next is a first again.
_terms = 0


def _handler(signum: int, frame: Any) -> None:
    global _terms
    _terms += 1
    if _terms == 1 and _registered and all(r.can_preempt() for r in _registered):
        _say("pushtune: SIGTERM: stopping as for a preemption (checkpoint, then exit)")
        for r in list(_registered):
            r.on_term()
        return
    _say("pushtune: SIGTERM: delivering pending reports before exiting")
    deadline = time.monotonic() + FLUSH_DEADLINE
    for r in list(_registered):
        try:
            r.flush(max(0.0, deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 - the process ends anyway
            pass
    _uninstall()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _say(line: str) -> None:
    """Writes a notice to stderr. One that cannot be written (stderr closed, its reader
    gone) is lost: raised from the handler, it would end the training loop it interrupted."""
    try:
        stderr_line(line)
    except Exception:  # noqa: BLE001 - nowhere left to report it
        pass


def _uninstall() -> None:
    """Puts back the handler ours replaced, unless the program has installed its own
    since (a framework's, say): that one stays."""
    global _installed, _previous
    if _installed:
        try:
            if signal.getsignal(signal.SIGTERM) is _handler:
                signal.signal(signal.SIGTERM, _previous if _previous is not None else signal.SIG_DFL)
        except (ValueError, OSError):
            pass
    _installed = False
    _previous = None


def on_sigterm(
    on_term: Callable[[], None],
    flush: Callable[[float], Any],
    can_preempt: Callable[[], bool] = lambda: True,
) -> Callable[[], None]:
    """Calls ``on_term`` at the first SIGTERM (and ``flush`` at the second; at the first
    too when ``can_preempt()`` says no: the trial is over, or would not stop); returns
    the function that unregisters them. Does nothing off the main thread or where a
    program installed its own SIGTERM handler."""
    global _installed, _previous
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if not _installed:
        current = signal.getsignal(signal.SIGTERM)
        if current not in (signal.SIG_DFL, None) and current is not _handler:
            return lambda: None  # the program handles SIGTERM itself
        _previous = current
        signal.signal(signal.SIGTERM, _handler)
        _installed = True
    registration = _Registration(on_term, flush, can_preempt)
    _registered.append(registration)

    def unregister() -> None:
        global _terms
        if registration in _registered:
            _registered.remove(registration)
        if not _registered:
            # A context opened after the last one closed is a trial of its own: a SIGTERM may preempt it.
            _terms = 0
            if threading.current_thread() is threading.main_thread():
                _uninstall()

    return unregister


def _reset_for_fork() -> None:  # pragma: no cover - a forked child starts clean
    """A forked child is not the trial: a SIGTERM ends it without touching its
    parent's contexts (which it only has copies of)."""
    global _terms
    _terms = 0
    _registered.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_for_fork)

