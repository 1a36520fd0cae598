"""A one-shot stop signal that threads can wait on, with a reason (the SDK's
``AbortSignal``): preemption and closing are signals, and every wait of the SDK
(the next operation, a backoff pause, ``ctx.preempt.sleep``) ends as soon as
one fires."""

from __future__ import annotations

import threading
from typing import Any, Callable, List, Optional

from .long_waits import bounded


class StopSignal:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._listeners: List[Callable[[], None]] = []
        #: Why it fired (an exception), or None while it has not.
        self.reason: Optional[BaseException] = None

    @property
    def fired(self) -> bool:
        return self._event.is_set()

    def fire(self, reason: BaseException) -> bool:
        """Fires once; later calls change nothing. True if this call fired it."""
        with self._lock:
            if self._event.is_set():
                return False
            self.reason = reason
            self._event.set()
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener()
        return True

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Waits up to ``timeout`` seconds; True if the signal fired."""
        return self._event.wait(bounded(timeout))

    def sleep(self, seconds: float) -> bool:
        """Sleeps ``seconds``; True if it slept through, False if the signal fired first."""
        return not self._event.wait(bounded(seconds))

    def listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Calls ``listener`` once when the signal fires (at once if it has); returns the unsubscribe."""
        with self._lock:
            if not self._event.is_set():
                self._listeners.append(listener)
                return lambda: self._unlisten(listener)
        listener()
        return lambda: None

    def _unlisten(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)


def any_of(*signals: StopSignal) -> StopSignal:
    """A signal that fires with the first of ``signals`` to fire."""
    combined = StopSignal()

    def forward(source: StopSignal) -> Callable[[], None]:
        return lambda: _fire(combined, source.reason or RuntimeError("stopped"))

    for s in signals:
        s.listen(forward(s))
    return combined


def _fire(signal: StopSignal, reason: BaseException) -> None:
    signal.fire(reason)


class Stopped(Exception):
    """A wait ended because its stop signal fired."""


def call_until(fn: Callable[[], Any], stop: StopSignal) -> Any:
    """Runs a blocking call (a long poll) on a helper thread and returns its result,
    or raises ``Stopped`` as soon as ``stop`` fires; the call itself is left to end
    on its own (its answer is dropped)."""
    done = threading.Event()
    box: List[Any] = []

    def run() -> None:
        try:
            box.append((True, fn()))
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            box.append((False, error))
        done.set()

    unlisten = stop.listen(done.set)
    threading.Thread(target=run, name="pushtune-call", daemon=True).start()
    done.wait()
    unlisten()
    if not box:
        raise Stopped()
    ok, value = box[0]
    if stop.fired:
        raise Stopped()
    if ok:
        return value
    raise value
