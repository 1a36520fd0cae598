"""A fit given no context opens its own, and closes it whatever happens."""

from __future__ import annotations

import unittest
from pathlib import Path
from typing import Dict
from unittest import mock

import pushtune
from pushtune.testing import FakeMaster


class FailingTrainer(pushtune.Trainer):
    def train_batch(self, batch_index: int) -> Dict[str, float]:
        if batch_index == 5:
            raise RuntimeError("CUDA out of memory")
        return {"loss": batch_index}

    def evaluate(self) -> Dict[str, float]:
        return {"validation_loss": 0.5}

    def save(self, path: Path) -> None:
        (path / "model").write_text("weights", "utf-8")

    def load(self, path: Path) -> None:
        pass


class TrainerOwnContextTest(unittest.TestCase):
    def test_a_fit_that_opened_its_own_context_closes_it_when_the_trainer_throws_delivering_what_was_reported(
        self,
    ) -> None:
        fm = FakeMaster(ops=[100], config={"scheduling_unit": 2})

        def init() -> pushtune.Context:
            return pushtune.init(transport=fm, env=fm.env(), handle_sigterm=False, log=lambda line: None)

        with mock.patch("pushtune.trainer.init", init):
            with self.assertRaisesRegex(RuntimeError, "CUDA out of memory"):
                FailingTrainer().fit()
        self.assertEqual([r["stepsCompleted"] for r in fm.training_metrics], [2, 4])
        self.assertEqual(fm.early_exits, [])


if __name__ == "__main__":
    unittest.main()
