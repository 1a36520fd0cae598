"""
Records the learning curves bench/search-efficiency.ts replays: the
scikit-learn digits trial of examples/sklearn-digits (the same model, split
and epoch order, imported from its train.py) trained for 64 epochs at every
point of a grid over its three hyperparameters, validated after every epoch.

    OMP_NUM_THREADS=1 PYTHONPATH=python /usr/bin/python3 bench/support/record_digits_curves.py

writes bench/data/digits-curves.json: the grid's axes and, for each grid point
(lr slowest, width fastest), its validation loss after epochs 1..64, to four
significant digits. A point is trained with trial seed = its index in the grid.
Takes about ten minutes on one core.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "sklearn-digits"))
sys.path.insert(0, str(ROOT / "python"))

from train import CLASSES, Digits, HParams, new_model, validate  # noqa: E402

EPOCHS = 64
# The example's search space (bench/asha-wall-time.ts): lr and alpha as powers of ten, width an int.
LR_EXPONENTS = [-3.5, -3.0, -2.5, -2.0, -1.5, -1.0]
ALPHA_EXPONENTS = [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0]
WIDTHS = [16, 76, 136, 196, 256]
OUT = ROOT / "bench" / "data" / "digits-curves.json"


def significant(x: float) -> float | None:
    return float(f"{x:.4g}") if math.isfinite(x) else None


def curve(digits: Digits, hp: HParams, seed: int) -> list[float | None]:
    """Validation loss after each epoch; None from the epoch the training loss diverged on."""
    model = new_model(hp, seed)
    out: list[float | None] = []
    for epoch in range(EPOCHS):
        x, y = digits.epoch(seed, epoch)
        model.partial_fit(x, y, classes=CLASSES)
        if not math.isfinite(model.loss_):
            return out + [None] * (EPOCHS - len(out))
        out.append(significant(validate(model, digits)["validation_loss"]))
    return out


def main() -> None:
    digits = Digits.load()
    points = list(itertools.product(LR_EXPONENTS, ALPHA_EXPONENTS, WIDTHS))
    curves = []
    start = time.perf_counter()
    for seed, (lr, alpha, width) in enumerate(points):
        curves.append(curve(digits, HParams(10**lr, 10**alpha, width), seed))
        print(f"{seed + 1}/{len(points)} {time.perf_counter() - start:.0f} s", file=sys.stderr)
    data = {
        "source": "examples/sklearn-digits/train.py (MLPClassifier, one batch = one epoch), "
        "trained at every grid point with trial seed = its index, validated after every epoch",
        "command": "OMP_NUM_THREADS=1 PYTHONPATH=python /usr/bin/python3 bench/support/record_digits_curves.py",
        "metric": "validation_loss",
        "epochs": EPOCHS,
        "axes": {
            "lr": {"type": "log", "base": 10, "points": LR_EXPONENTS},
            "alpha": {"type": "log", "base": 10, "points": ALPHA_EXPONENTS},
            "width": {"type": "int", "points": WIDTHS},
        },
        "curves": curves,
    }
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({len(curves)} curves of {EPOCHS} epochs)", file=sys.stderr)


if __name__ == "__main__":
    main()
