"""Preemption as a stop signal: a background long poll on the allocation's
preemption endpoint fires it (and so does an operation answer that says
``preempt: true``, and SIGTERM), so ``should_preempt()`` costs nothing in a
training loop and every wait of the SDK stops at once.

The long poll starts ``FIRST_POLL_DELAY`` (a second) after the trial first
looks at its preemption. A trial that is done sooner (a first rung of a few
batches, say) never polls: the master tells it to stop in the answers to its
completions and asks, which it reads anyway. A poll per short trial would
cost the master a request, and the process a connection, for nothing."""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

from .backoff import Backoff
from .errors import PreemptedError, RetryableError, is_fatal
from .push_api import PushApi
from .push_sender import PushSender
from .stop_signal import StopSignal, any_of


#: How long after a trial first looks at its preemption the background long poll starts.
FIRST_POLL_DELAY = 1.0


class Preemption:
    def __init__(
        self,
        api: PushApi,
        sender: PushSender,
        closed: StopSignal,
        timeout_seconds: float,
        backoff: Backoff,
        min_poll_interval: float,
        log: Callable[[str], None],
        on_fatal: Optional[Callable[[BaseException], None]] = None,
    ) -> None:
        self._api = api
        self._sender = sender
        self._closed = closed
        self._timeout = timeout_seconds
        self._backoff = backoff
        self._min_interval = min_poll_interval
        self._log = log
        self._on_fatal = on_fatal or self.abort
        self._signal = StopSignal()
        self._polling = False
        self._lock = threading.Lock()
        #: The trial looked at its preemption: it stops when told to.
        self._watched = False
        #: The master itself asked this allocation to stop (the long poll or an operation's answer).
        self._asked_by_master = False
        #: Set by ``trials()``: this process asks for its next trial once the context closes.
        self.defer_ack = False
        self._ack_deferred = False
        #: A SIGTERM stopped the trial: the process is wanted gone and takes no other trial.
        self.stopped_by_signal = False

    @property
    def signal(self) -> StopSignal:
        """Fires (with a ``PreemptedError``) once the master asks this trial to stop, or
        with the master's refusal when this allocation is superseded."""
        self._watched = True
        self._start_polling()
        return self._signal

    def should_preempt(self) -> bool:
        """True once the trial must stop: checkpoint, ``acknowledge()``, exit."""
        return self.signal.fired

    @property
    def reason(self) -> Optional[BaseException]:
        return self._signal.reason

    def sleep(self, seconds: float) -> None:
        """Waits ``seconds``; raises the preemption as soon as it comes."""
        if not self.signal.sleep(seconds):
            raise self._signal.reason or PreemptedError()

    def acknowledge(self) -> None:
        """Tells the master the trial stops because it was asked to; returns once the master has it.

        In a process running trial after trial (``trials()``), when the master asked for the stop,
        the acknowledgement waits for the context to close: the process then asks for its next
        trial, which tells the master the same (an allocation told to stop that asks for its next
        trial has stopped as asked), so no request is spent on it. Closed in any other way (the
        loop body raised), the context sends it then."""
        if self.acknowledges_by_asking:
            self._ack_deferred = True
            return
        self._sender.deliver({"kind": "ackPreemption"})

    @property
    def acknowledges_by_asking(self) -> bool:
        """The master asked for the stop and this process asks for its next trial once the
        context closes: that ask acknowledges, and carries the trial's last checkpoint."""
        return self.defer_ack and self._asked_by_master

    def release_deferred_ack(self) -> None:
        """Queues an acknowledgement ``acknowledge()`` kept back, if any (no ask for a next trial
        will stand for it); a flush delivers it."""
        if self._ack_deferred:
            self._ack_deferred = False
            self._sender.push({"kind": "ackPreemption"})

    def acknowledged_by_asking(self) -> None:
        """The ask for the next trial went through: it stood for the acknowledgement kept back, if any."""
        self._ack_deferred = False

    def told_by_master(self) -> None:
        """The master asked this allocation to stop (an operation's answer said so)."""
        self._asked_by_master = True
        self._signal.fire(PreemptedError())

    def preempted(self, message: str = "") -> None:
        """Told to stop in another way (SIGTERM): as if the long poll had."""
        self.stopped_by_signal = True
        self._signal.fire(PreemptedError(message))

    def hears_signal(self) -> bool:
        """Whether a SIGTERM now is a stop the trial hears: it watches its preemption
        (``should_preempt()``, ``signal``, ``sleep``, ``searcher.operations()``), and no
        SIGTERM was taken as one yet. A trial the master told to stop is stopping already
        (a slow checkpoint, a long batch): the master's SIGTERM after the grace period
        lets it finish, as a SIGTERM otherwise would; the next one ends the process."""
        return self._watched and not self.stopped_by_signal

    def abort(self, reason: BaseException) -> None:
        """Stops the trial's work for another reason (the master refused this allocation for good)."""
        self._signal.fire(reason)

    def _start_polling(self) -> None:
        with self._lock:
            if self._polling or self._closed.fired:
                return
            self._polling = True
        threading.Thread(target=self._poll, name="pushtune-preemption", daemon=True).start()

    def _poll(self) -> None:
        stop = any_of(self._closed, self._signal)
        if not stop.sleep(FIRST_POLL_DELAY):
            return  # stopped or closed before the first poll
        failures = 0
        while not stop.fired:
            started = time.monotonic()
            try:
                preempt = self._api.preemption(self._timeout)
            except RetryableError:
                failures += 1
                stop.sleep(self._backoff.delay(failures))
                continue
            except Exception as error:  # noqa: BLE001 - reported, polling ends
                if stop.fired:
                    return
                if is_fatal(error):
                    self._on_fatal(error)
                else:
                    self._log(f"pushtune: preemption checks stopped: {error}")
                return
            failures = 0
            if stop.fired:
                return  # an answer after close is nobody's business
            if preempt:
                self.told_by_master()
                return
            early = self._min_interval - (time.monotonic() - started)
            if early > 0:
                stop.sleep(early)
