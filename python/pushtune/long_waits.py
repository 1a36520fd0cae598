"""Waits whose length comes from the caller or the master (``preempt.sleep``,
``flush(timeout)``, ``Retry-After``). Python's waits refuse a timeout past
``threading.TIMEOUT_MAX`` (about 292 years) with ``OverflowError``, which in the
sender thread would end it and leave every push unsent: such a wait is held to
that bound instead, which no trial outlives."""

from __future__ import annotations

import threading
from typing import Optional


def bounded(seconds: Optional[float]) -> Optional[float]:
    """``seconds`` as a timeout every wait of the standard library accepts (None stays None)."""
    if seconds is None:
        return None
    return min(max(0.0, seconds), threading.TIMEOUT_MAX)


def sleep(seconds: float) -> None:
    """``time.sleep(seconds)`` for a length the master chooses: ``time.sleep`` refuses one
    near ``threading.TIMEOUT_MAX`` or past it (``OSError``, ``OverflowError``)."""
    threading.Event().wait(bounded(seconds))
