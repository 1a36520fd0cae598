"""
The model and data of the sklearn-digits example, shared by its trials: a
scikit-learn MLPClassifier on the digits that ship with scikit-learn, one
epoch at a time. Nothing here knows of pushtune: ``train.py`` drives it with
the SDK, ``rest_train.py`` with the REST API alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

CLASSES = np.arange(10)
MINI_BATCH = 64


@dataclass(frozen=True)
class Digits:
    """A fixed split of scikit-learn's 1,797 digits (8×8 pixels, 0–16): 1,437 to train, 360 to validate."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray

    @staticmethod
    def load() -> Digits:
        x, y = load_digits(return_X_y=True)
        # The same split for every trial (random_state is fixed), so every trial is scored on the same images.
        x_train, x_validation, y_train, y_validation = train_test_split(
            x / 16.0, y, test_size=360, random_state=0, stratify=y
        )
        return Digits(x_train, y_train, x_validation, y_validation)

    def epoch(self, seed: int, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The training split in the order of epoch ``index``: from the trial seed and the index alone,
        so a trial resumed from a checkpoint sees the same epochs as one that never stopped."""
        order = np.random.default_rng([seed, index]).permutation(len(self.y_train))
        return self.x_train[order], self.y_train[order]


@dataclass(frozen=True)
class HParams:
    lr: float
    alpha: float
    width: int


def read_hparams(hparams: dict) -> HParams | str:
    """The hyperparameters this trial needs, or why they cannot be used."""
    lr, alpha, width = hparams.get("lr"), hparams.get("alpha"), hparams.get("width")
    problems = []
    if not (isinstance(lr, (int, float)) and 0 < lr < 1):
        problems.append(f"lr must be a number in (0, 1), got {lr!r}")
    if not (isinstance(alpha, (int, float)) and alpha >= 0):
        problems.append(f"alpha must be a number >= 0, got {alpha!r}")
    if not (isinstance(width, int) and width >= 1):
        problems.append(f"width must be an integer >= 1, got {width!r}")
    return "; ".join(problems) if problems else HParams(float(lr), float(alpha), width)


def new_model(hp: HParams, seed: int) -> MLPClassifier:
    # shuffle=False: each epoch's order comes from Digits.epoch. random_state seeds the initial
    # weights; scikit-learn takes a seed below 2**32.
    return MLPClassifier(
        hidden_layer_sizes=(hp.width,),
        learning_rate_init=hp.lr,
        alpha=hp.alpha,
        batch_size=MINI_BATCH,
        shuffle=False,
        random_state=seed % 2**32,
    )


def validate(model: MLPClassifier, digits: Digits) -> dict[str, float]:
    probabilities = model.predict_proba(digits.x_validation)
    return {
        "validation_loss": float(log_loss(digits.y_validation, probabilities, labels=CLASSES)),
        "validation_accuracy": float(np.mean(probabilities.argmax(axis=1) == digits.y_validation)),
    }
