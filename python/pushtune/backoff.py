"""Retry timing shared by every loop of the SDK that talks to the master."""

from __future__ import annotations

import random as _random
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Backoff:
    #: Delay after the first failure, in seconds.
    initial: float = 0.1
    #: Delays never grow past this, in seconds.
    maximum: float = 5.0

    def delay(self, failures: int, random: Callable[[], float] = _random.random) -> float:
        """Exponential backoff with "equal jitter": half the capped delay is fixed and
        half random, so many trials retrying after one master restart spread out
        without any of them retrying at once. ``failures`` counts from 1."""
        exponent = min(max(failures - 1, 0), 30)
        capped = min(self.maximum, self.initial * 2.0**exponent)
        return capped / 2 + random() * (capped / 2)


DEFAULT_BACKOFF = Backoff()
