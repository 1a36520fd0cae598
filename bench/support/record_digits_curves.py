"""
Records the learning curves bench/search-efficiency.ts replays: the
scikit-learn digits trial of examples/sklearn-digits (the same model, split
and epoch order, imported from its digits.py) trained for 64 epochs at every
point of a grid over its three hyperparameters, validated after every epoch.

    OMP_NUM_THREADS=1 PYTHONPATH=python /usr/bin/python3 bench/support/record_digits_curves.py

writes bench/data/digits-curves.json: the grid's axes and, for each metric
(validation loss and validation error = 1 - accuracy), each grid point (lr
slowest, width fastest) and each of several trial seeds, the metric after
epochs 1..64, to four significant digits. Replicate r of grid point i is
trained with trial seed i + r * (grid points), so replicate 0 is the trial
the grid index alone seeds. Another trial seed gives another weight
initialisation and epoch order: the noise a searcher meets when it tries one
point twice. Takes about ten minutes per replicate on one core; the file is
written again after each replicate, so an interrupted run leaves the
replicates it finished.

    ... record_digits_curves.py [replicates, default 8]
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

from digits import CLASSES, Digits, HParams, new_model, validate  # noqa: E402

EPOCHS = 64
# The example's search space (bench/asha-wall-time.ts): lr and alpha as powers of ten, width an int.
LR_EXPONENTS = [-3.5, -3.0, -2.5, -2.0, -1.5, -1.0]
ALPHA_EXPONENTS = [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0]
WIDTHS = [16, 76, 136, 196, 256]
OUT = ROOT / "bench" / "data" / "digits-curves.json"


def significant(x: float) -> float | None:
    return float(f"{x:.4g}") if math.isfinite(x) else None


Curve = list[float | None]


def curves(digits: Digits, hp: HParams, seed: int) -> tuple[Curve, Curve]:
    """Validation loss and error after each epoch; None from the epoch the training loss diverged on."""
    model = new_model(hp, seed)
    loss: Curve = []
    error: Curve = []
    for epoch in range(EPOCHS):
        x, y = digits.epoch(seed, epoch)
        model.partial_fit(x, y, classes=CLASSES)
        if not math.isfinite(model.loss_):
            pad: Curve = [None] * (EPOCHS - len(loss))
            return loss + pad, error + pad
        metrics = validate(model, digits)
        loss.append(significant(metrics["validation_loss"]))
        error.append(significant(1.0 - metrics["validation_accuracy"]))
    return loss, error


def main() -> None:
    replicates = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    digits = Digits.load()
    points = list(itertools.product(LR_EXPONENTS, ALPHA_EXPONENTS, WIDTHS))
    # metric -> grid point -> replicate -> curve
    recorded: dict[str, list[list[Curve]]] = {
        "validation_loss": [[] for _ in points],
        "validation_error": [[] for _ in points],
    }
    start = time.perf_counter()
    for replicate in range(replicates):
        for index, (lr, alpha, width) in enumerate(points):
            seed = index + replicate * len(points)
            loss, error = curves(digits, HParams(10**lr, 10**alpha, width), seed)
            recorded["validation_loss"][index].append(loss)
            recorded["validation_error"][index].append(error)
            done = replicate * len(points) + index + 1
            print(f"{done}/{replicates * len(points)} {time.perf_counter() - start:.0f} s", file=sys.stderr)
        write(recorded, replicate + 1)


def write(recorded: dict[str, list[list[Curve]]], replicates: int) -> None:
    data = {
        "source": "examples/sklearn-digits/train.py (MLPClassifier, one batch = one epoch), "
        f"trained at every grid point with {replicates} trial seeds, validated after every epoch",
        "command": "OMP_NUM_THREADS=1 PYTHONPATH=python /usr/bin/python3 bench/support/record_digits_curves.py",
        "epochs": EPOCHS,
        "replicates": replicates,
        "axes": {
            "lr": {"type": "log", "base": 10, "points": LR_EXPONENTS},
            "alpha": {"type": "log", "base": 10, "points": ALPHA_EXPONENTS},
            "width": {"type": "int", "points": WIDTHS},
        },
        "metrics": recorded,
    }
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({replicates} replicates of {EPOCHS} epochs)", file=sys.stderr)


if __name__ == "__main__":
    main()
