"""Training metrics between two reports, averaged: the Trainer reports one mean
per metric for every window of batches instead of one row per batch."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .errors import InvalidReportError
from .metrics import Metrics, check_finite


class MetricWindow:
    def __init__(self) -> None:
        self._sums: Dict[str, List[float]] = {}

    def add(self, metrics: Any, batch_index: int) -> None:
        """Adds one batch's metrics; ``batch_index`` names the batch in errors."""
        if metrics is None:
            return
        if not isinstance(metrics, Mapping):
            raise InvalidReportError(
                f"train_batch({batch_index}) must return a dict of numbers, got {type(metrics).__name__}"
            )
        for name, value in metrics.items():
            number = check_finite(value, f'train_batch({batch_index}) returned metric "{name}"')
            entry = self._sums.setdefault(name, [0.0, 0])
            entry[0] += number
            entry[1] += 1

    def take(self) -> Optional[Metrics]:
        """The means since the last call (None when no metric came in), and a fresh window."""
        if not self._sums:
            return None
        means = {name: total / count for name, (total, count) in self._sums.items()}
        self._sums = {}
        return means
