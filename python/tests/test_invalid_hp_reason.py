"""The master keeps only an early exit's code (INVALID_HP), so the message of
the InvalidHP a trainer raises is what tells its user which hyperparameters
were refused and why: the Trainer writes it to the trial's log."""

import contextlib
import io
import unittest
from pathlib import Path
from typing import Any, Mapping

import pushtune
from pushtune.testing import FakeMaster


class TooWide(pushtune.Trainer):
    def setup(self, ctx: pushtune.Context) -> None:
        raise pushtune.InvalidHP("hidden 121 is wider than 100")

    def train_batch(self, batch_index: int) -> Mapping[str, Any]:
        return {"loss": 1.0}

    def evaluate(self) -> Mapping[str, Any]:
        return {"validation_loss": 1.0}

    def save(self, path: Path) -> None:
        pass

    def load(self, path: Path) -> None:
        pass


class InvalidHPReasonTest(unittest.TestCase):
    def test_a_trial_that_refuses_its_hyperparameters_says_why_in_its_log(self) -> None:
        fm = FakeMaster(ops=[10])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            with pushtune.init(transport=fm, env=fm.env(), log=lambda line: None) as ctx:
                result = TooWide().fit(ctx=ctx)
        self.assertEqual(result.outcome, "exited_early")
        self.assertEqual(fm.early_exits, ["INVALID_HP"])
        self.assertIn("exits early, its hyperparameters are invalid: hidden 121 is wider than 100", err.getvalue())


if __name__ == "__main__":
    unittest.main()
