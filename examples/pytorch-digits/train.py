"""
A small PyTorch convolutional network on the digits that ship with
scikit-learn, trained on the CPU and tuned by pushtune.

The Trainer calls ``train_batch`` for every mini-batch, ``evaluate`` on the
validation split, and ``save``/``load`` for checkpoints; the master decides how
long each trial trains and which ones go on.

Everything random comes from the trial's seed: the initial weights, the order
of the batches (batch k is the same images whether a trial ran straight
through or resumed) and the dropout masks (the generator's state is in each
checkpoint). So a trial stopped and resumed from a checkpoint ends with the
same model as one that never stopped.

With a master: the master starts this file with PUSHTUNE_* set, and the
process runs trial after trial (``pushtune.trials()``), so Python, PyTorch and
the digits are loaded once. Without one, ``python3 train.py [--batches N]
[--lr X] [--channels N] [--hidden N] [--dropout X] …`` trains one trial here
(a dry run) and prints what it would report.
"""

from __future__ import annotations

import argparse
import math
import pathlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import pushtune

CHECKPOINT_FILE = "checkpoint.pt"
Examples = tuple[torch.Tensor, torch.Tensor]  # images (N×1×8×8, in [0, 1]) and their labels


def load_split() -> tuple[Examples, Examples]:
    """scikit-learn's 1,797 digits in the split of examples/sklearn-digits, 1,437 to train and 360 to
    validate: the same validation digits, so the two examples' losses compare."""
    x, y = load_digits(return_X_y=True)
    x_train, x_validation, y_train, y_validation = train_test_split(
        x / 16.0, y, test_size=360, random_state=0, stratify=y
    )

    def examples(images: np.ndarray, labels: np.ndarray) -> Examples:
        return torch.tensor(images, dtype=torch.float32).reshape(-1, 1, 8, 8), torch.tensor(labels)

    return examples(x_train, y_train), examples(x_validation, y_validation)


class BatchSampler:
    """Batch k of a trial: epoch k // batches_per_epoch in an order drawn from the seed and the epoch alone."""

    def __init__(self, train: Examples, batch_size: int, seed: int):
        self.images, self.labels = train
        self.batch_size = batch_size
        self.seed = seed
        self.per_epoch = len(self.labels) // batch_size  # the remainder of each epoch is left out
        self._order: tuple[int, torch.Tensor] | None = None

    def batch(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        epoch, k = divmod(index, self.per_epoch)
        if self._order is None or self._order[0] != epoch:
            generator = torch.Generator().manual_seed(self.seed * 100_003 + epoch)
            self._order = (epoch, torch.randperm(len(self.labels), generator=generator))
        rows = self._order[1][k * self.batch_size : (k + 1) * self.batch_size]
        return self.images[rows], self.labels[rows]


class Net(nn.Module):
    """conv 3×3 (channels) → ReLU → max-pool 2×2 → dense(hidden) → ReLU → dropout → dense(10)"""

    def __init__(self, channels: int, hidden: int, dropout: float):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.hidden = nn.Linear(channels * 4 * 4, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv(x)), 2).flatten(1)
        return self.out(self.dropout(F.relu(self.hidden(x))))


@dataclass(frozen=True)
class HParams:
    global_batch_size: int
    lr: float
    channels: int
    hidden: int
    dropout: float


def read_hparams(hparams: dict) -> HParams:
    """The hyperparameters this trial needs; a config that lacks one is a bug to report, not to tune."""
    try:
        hp = HParams(**{name: hparams[name] for name in HParams.__dataclass_fields__})
    except KeyError as missing:
        raise ValueError(f"pytorch-digits: the hyperparameter {missing} is missing") from None
    problems = []
    for name in ("global_batch_size", "channels", "hidden"):
        if not (isinstance(getattr(hp, name), int) and getattr(hp, name) >= 1):
            problems.append(f"{name} must be an integer >= 1, got {getattr(hp, name)!r}")
    if not (isinstance(hp.lr, (int, float)) and hp.lr > 0):
        problems.append(f"lr must be a number > 0, got {hp.lr!r}")
    if not (isinstance(hp.dropout, (int, float)) and 0 <= hp.dropout < 1):
        problems.append(f"dropout must be a number in [0, 1), got {hp.dropout!r}")
    if problems:
        raise ValueError(f"pytorch-digits: {'; '.join(problems)}")
    return hp


class DigitsTrainer(pushtune.Trainer):
    def __init__(self, split: tuple[Examples, Examples]):
        self.train, self.validation = split
        self.last_validation: dict[str, float] | None = None

    def setup(self, ctx: pushtune.Context) -> None:
        torch.set_num_threads(1)  # one trial, one core: a slot is a core
        hp = read_hparams(ctx.hparams)
        if hp.global_batch_size > len(self.train[1]):
            raise pushtune.InvalidHP(f"global_batch_size {hp.global_batch_size} is larger than the training split")
        torch.manual_seed(ctx.trial_seed)  # the initial weights and the dropout masks
        self.model = Net(hp.channels, hp.hidden, hp.dropout)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=hp.lr)
        self.batches = BatchSampler(self.train, hp.global_batch_size, ctx.trial_seed)

    def train_batch(self, batch_index: int) -> dict[str, float]:
        x, y = self.batches.batch(batch_index)
        self.model.train()
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        value = loss.item()
        if not math.isfinite(value):
            raise pushtune.InvalidHP(f"the training loss diverged ({value}) at batch {batch_index}")
        return {"loss": value}

    def evaluate(self) -> dict[str, float]:
        images, labels = self.validation
        self.model.eval()
        with torch.no_grad():
            logits = self.model(images)
        self.last_validation = {
            "validation_loss": F.cross_entropy(logits, labels).item(),
            "validation_accuracy": (logits.argmax(dim=1) == labels).float().mean().item(),
        }
        return self.last_validation

    def save(self, path: pathlib.Path) -> None:
        # The generator's state too: the dropout masks after a resume are those of an uninterrupted run.
        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "rng": torch.get_rng_state(),
        }
        torch.save(state, path / CHECKPOINT_FILE)

    def load(self, path: pathlib.Path) -> None:
        state = torch.load(path / CHECKPOINT_FILE)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"])


def dry_run_options() -> dict:
    """``python3 train.py`` without a master: one trial of ``--batches``, with these hyperparameters."""
    parser = argparse.ArgumentParser(description="Train one trial here, without a master (a dry run).")
    parser.add_argument("--batches", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--validate-every", type=int, default=100)
    parser.add_argument("--checkpoint-every", type=int)
    args = parser.parse_args()
    hparams = {name: getattr(args, name) for name in ("lr", "channels", "hidden", "dropout")}
    periods = {"min_validation_period": args.validate_every, "min_checkpoint_period": args.checkpoint_every}
    return {
        "max_length": args.batches,
        "hparams": {"global_batch_size": args.batch_size, **hparams},
        "config": {"scheduling_unit": 50, **{k: {"batches": v} for k, v in periods.items() if v}},
    }


def main() -> None:
    split = load_split()  # once per process: every trial uses the same split
    for ctx in pushtune.trials(dry_run=dry_run_options()):
        trainer = DigitsTrainer(split)
        result = trainer.fit(ctx=ctx)
        accuracy = trainer.last_validation["validation_accuracy"] if trainer.last_validation else float("nan")
        print(f"pytorch-digits: {result.outcome} after {result.batches} batches; validation accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
