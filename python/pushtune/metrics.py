"""Local checks on what a trial reports, so a bad value fails at the line that
produced it (naming the metric) instead of as a 400 long after, or as a null
in the database (JSON has no NaN)."""

from __future__ import annotations

import math
import operator
from numbers import Real
from typing import Any, Dict, Mapping, Optional

from .errors import InvalidReportError

Metrics = Dict[str, float]

_MAX_METRICS = 200
_MAX_NAME_LENGTH = 200


def check_steps(steps: Any, what: str) -> int:
    if not _is_steps(steps):
        raise InvalidReportError(f"{what}: steps must be an integer >= 0, got {_shown(steps)}")
    return operator.index(steps)


def check_report(group: str, steps: Any, metrics: Any) -> Metrics:
    """Checks one metrics report and returns a copy of its metrics as plain floats
    (numpy and torch scalars are taken; later changes by the caller do not reach the queue)."""
    if not _is_steps(steps):
        raise InvalidReportError(f"{group} metrics: steps must be an integer >= 0, got {_shown(steps)}")
    if not isinstance(metrics, Mapping):
        raise InvalidReportError(
            f"{group} metrics at step {steps}: expected a dict of numbers, got {type(metrics).__name__}"
        )
    if len(metrics) > _MAX_METRICS:
        raise InvalidReportError(f"{group} metrics at step {steps}: {len(metrics)} metrics, at most {_MAX_METRICS}")
    copy: Metrics = {}
    for name, value in metrics.items():
        if not isinstance(name, str) or not 0 < len(name) <= _MAX_NAME_LENGTH:
            raise InvalidReportError(f"{group} metrics at step {steps}: metric names must be strings of 1 to 200 characters")
        number = _number(value)
        if number is None:
            raise InvalidReportError(
                f'{group} metrics at step {steps}: metric "{name}" is {_shown(value)}; only finite numbers can be reported'
            )
        copy[name] = number
    return copy


def check_finite(value: Any, what: str) -> float:
    number = _number(value)
    if number is None:
        raise InvalidReportError(f"{what} is {_shown(value)}; only finite numbers can be reported")
    return number


def _number(value: Any) -> Optional[float]:
    """A finite float from an int, a float, or a numpy/torch scalar; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (int, Real)) or hasattr(value, "__float__"):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int past a float's range
            return None
        return number if math.isfinite(number) else None
    return None


def _shown(value: Any) -> str:
    """``repr(value)``; an int too long for it (past 4300 digits, Python's limit on
    turning an int into text) is shown by its size."""
    try:
        return repr(value)
    except ValueError:
        if isinstance(value, int):
            return f"an integer of {abs(value).bit_length()} bits"
        raise


def _is_steps(steps: Any) -> bool:
    if isinstance(steps, bool):
        return False
    try:
        whole = operator.index(steps)  # ints, and numpy's integer scalars
    except TypeError:
        return False
    return 0 <= whole <= 2**53 - 1
