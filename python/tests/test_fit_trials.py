"""fit_trials(): trial after trial with a Trainer, a fresh one for each trial,
each torn down before the next is made; and the ``teardown`` that every fit
runs, however it ends."""

import unittest
from pathlib import Path
from typing import Dict, List

import pushtune
from pushtune.testing import FakeMaster

from .support import open_context, two_trials


class Journaled(pushtune.Trainer):
    """Writes what happens to it, in order, into ``journal``; fails at ``fail_at`` if given."""

    def __init__(self, journal: List[str], name: str, fail_at: int = -1) -> None:
        self.journal, self.name, self.fail_at = journal, name, fail_at
        self.batches = 0

    def setup(self, ctx: pushtune.Context) -> None:
        self.journal.append(f"{self.name} setup trial {ctx.trial_id} lr {ctx.hparams.get('lr')}")

    def train_batch(self, batch_index: int) -> Dict[str, float]:
        if batch_index == self.fail_at:
            raise RuntimeError("the model diverged")
        self.batches = batch_index + 1
        return {"loss": 1.0}

    def evaluate(self) -> Dict[str, float]:
        return {"validation_loss": 1 / (1 + self.batches)}

    def save(self, path: Path) -> None:
        (path / "model").write_text(str(self.batches), "utf-8")

    def load(self, path: Path) -> None:
        self.batches = int((path / "model").read_text("utf-8"))

    def teardown(self) -> None:
        self.journal.append(f"{self.name} teardown after {self.batches} batches")


class FitTrialsTest(unittest.TestCase):
    def test_each_trial_gets_a_fresh_trainer_torn_down_before_the_next_is_made(self) -> None:
        first = FakeMaster(ops=[5], trial_id=1, allocation_id="a-1", hparams={"lr": 0.1})
        second = FakeMaster(ops=[5], trial_id=2, allocation_id="a-2", hparams={"lr": 0.2})
        journal: List[str] = []
        lines: List[str] = []
        made: List[int] = []

        def make() -> Journaled:
            made.append(len(made) + 1)
            return Journaled(journal, f"trainer {made[-1]}")

        results = pushtune.fit_trials(
            make, env=dict(first.env()), transport=two_trials(first, second), handle_sigterm=False, log=lines.append
        )
        self.assertEqual(
            journal,
            [
                "trainer 1 setup trial 1 lr 0.1",
                "trainer 1 teardown after 5 batches",
                "trainer 2 setup trial 2 lr 0.2",
                "trainer 2 teardown after 5 batches",
            ],
        )
        self.assertEqual(results, [pushtune.FitResult("completed", 5), pushtune.FitResult("completed", 5)])
        self.assertEqual(
            lines, ["pushtune: trial 1 completed after 5 batches", "pushtune: trial 2 completed after 5 batches"]
        )
        self.assertEqual(len(first.completed_operations), 1)
        self.assertEqual(len(second.completed_operations), 1)

    def test_a_fit_that_raises_is_torn_down_and_ends_the_loop_with_the_trainers_error(self) -> None:
        first = FakeMaster(ops=[10], trial_id=1, allocation_id="a-1")
        second = FakeMaster(ops=[10], trial_id=2, allocation_id="a-2")
        journal: List[str] = []

        class TeardownFailsToo(Journaled):
            def teardown(self) -> None:
                super().teardown()
                raise OSError("teardown failed too")

        transport = two_trials(first, second)
        with self.assertRaisesRegex(RuntimeError, "the model diverged"):
            pushtune.fit_trials(
                lambda: TeardownFailsToo(journal, "trainer", fail_at=3),
                env=dict(first.env()),
                transport=transport,
                handle_sigterm=False,
                log=lambda line: None,
            )
        self.assertEqual(journal, ["trainer setup trial 1 lr None", "trainer teardown after 3 batches"])
        self.assertFalse(any(path.endswith("/next_trial") for path in transport.paths()))

    def test_fit_tears_its_trainer_down_once_after_everything_it_reported_is_delivered(self) -> None:
        fm = FakeMaster(ops=[10])
        journal: List[str] = []

        class Counting(Journaled):
            def teardown(self) -> None:
                super().teardown()
                journal.append(f"{len(fm.completed_operations)} completion")

        ctx = open_context(fm)
        try:
            Counting(journal, "trainer").fit(ctx=ctx)
        finally:
            ctx.close()
        self.assertEqual(
            journal,
            [f"trainer setup trial {ctx.trial_id} lr None", "trainer teardown after 10 batches", "1 completion"],
        )

    def test_off_the_cluster_it_fits_the_one_dry_run_trial(self) -> None:
        journal: List[str] = []
        lines: List[str] = []
        results = pushtune.fit_trials(
            lambda: Journaled(journal, "trainer"),
            env={},
            handle_sigterm=False,
            log=lines.append,
            dry_run={"hparams": {"lr": 0.1}, "max_length": 5},
        )
        self.assertEqual(results, [pushtune.FitResult("completed", 5)])
        self.assertEqual(len([line for line in journal if "setup" in line]), 1)
        self.assertRegex(lines[-1], r"^pushtune: trial \d+ completed after 5 batches$")


if __name__ == "__main__":
    unittest.main()
