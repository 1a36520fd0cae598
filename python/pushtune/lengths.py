"""Lengths in the Trainer's one currency, batches (as src/sdk/lengths.ts).
Searcher operations come in the unit of ``searcher.max_length``; periods have
their own units. Records and epochs need ``global_batch_size`` (config, else the
``global_batch_size`` hyperparameter) and epochs also ``records_per_epoch``.
Conversions round up, so a trial never trains less than it was asked to.

They compute on the decimals the numbers are written as, exactly: ``{epochs:
1.1}`` of 50,000 records at 100 a batch is 550 batches, where the binary floats
would give 550.0000000000001 and so 551 (as src/sdk/lengths.ts does)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping, Optional


class LengthConverter:
    def __init__(self, config: Mapping[str, Any], hparams: Mapping[str, Any]) -> None:
        self._config = config
        self._hparams = hparams
        self._op_unit: str = config["searcher"]["max_length"]["unit"]

    def to_batches(self, length: Mapping[str, Any], field: str) -> int:
        """A length (``{"unit", "value"}``) in batches; ``field`` names it in errors."""
        unit, value = length["unit"], length["value"]
        if unit in ("batches", "unitless"):
            return int(math.ceil(value))
        if unit == "records":
            return math.ceil(_decimal(value) / _decimal(self._batch_size(field)))
        if unit == "epochs":
            records = _decimal(value) * _decimal(self._records_per_epoch(field))
            return math.ceil(records / _decimal(self._batch_size(field)))
        raise ValueError(f"{field}: unknown length unit {unit!r}")

    def op_to_batches(self, op_length: float) -> int:
        """An operation's absolute length (in the searcher's unit), in batches."""
        return self.to_batches({"unit": self._op_unit, "value": op_length}, "searcher.max_length")

    def progress(self, batches: int, op_length: float) -> float:
        """How far ``batches`` is, in the searcher's unit, capped at the operation's length."""
        field = "searcher.max_length"
        if self._op_unit == "records":
            value: float = batches * self._batch_size(field)
        elif self._op_unit == "epochs":
            value = (batches * self._batch_size(field)) / self._records_per_epoch(field)
        else:
            value = batches
        return min(value, op_length)

    def _batch_size(self, field: str) -> float:
        size: Optional[float] = self._config.get("global_batch_size")
        if size is None:
            from_hparams = self._hparams.get("global_batch_size")
            size = from_hparams if _is_number(from_hparams) else None
        if size is None or not size > 0:
            raise ValueError(
                f"{field} is in records or epochs: set global_batch_size in the experiment config or as a hyperparameter"
            )
        return size

    def _records_per_epoch(self, field: str) -> float:
        records: Optional[float] = self._config.get("records_per_epoch")
        if records is None or not records > 0:
            raise ValueError(f"{field} is in epochs: set records_per_epoch in the experiment config")
        return records


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decimal(value: float) -> Fraction:
    """``value`` as the decimal it prints as, exactly (1.1 is 11/10, not the float
    nearest it): a whole number of batches is never rounded up one too far."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a length must be a finite number, got {value!r}")
        return Fraction(repr(value))
    return Fraction(value)
