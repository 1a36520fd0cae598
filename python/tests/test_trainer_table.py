"""The Trainer's sequencing rules: every case of tests/sdk/trainer-cases.json
(the table the TypeScript SDK's Trainer passes too; its format is in
trainer-cases.md), run through the Python Trainer on a FakeMaster."""

from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import pushtune
from pushtune.testing import FakeMaster

CASES_FILE = Path(__file__).resolve().parents[2] / "tests" / "sdk" / "trainer-cases.json"
CASES: List[Dict[str, Any]] = json.loads(CASES_FILE.read_text("utf-8"))["cases"]

#: How long a runner waits for the trial to hear of the master's decision before the case fails.
HEAR_TIMEOUT = 10.0


def open_context(fm: FakeMaster) -> pushtune.Context:
    return pushtune.init(
        transport=fm,
        env=fm.env(),
        handle_sigterm=False,
        log=lambda line: None,
        backoff=pushtune.Backoff(initial=0.001, maximum=0.02),
        preemption_timeout_seconds=1,
    )


class CaseTrainer(pushtune.Trainer):
    """The case's trial: a step counter that records what the sequencer asked of it."""

    def __init__(self, case: Mapping[str, Any], master: FakeMaster, ctx: pushtune.Context) -> None:
        self._master_setup = case["master"]
        self._trial = case.get("trial", {})
        self._fm = master
        self._ctx = ctx
        self.trained: List[int] = []
        self.evaluated_at: List[int] = []
        self.loaded: List[int] = []
        self.steps = 0

    def setup(self, ctx: pushtune.Context) -> None:
        self._raise_in("setup")

    def train_batch(self, batch_index: int) -> Dict[str, float]:
        # Nothing is coalesced away: the master has each report before the next batch.
        if not self._ctx.preempt.should_preempt():
            self._ctx.flush()
        self._raise_in("train_batch", batch_index)
        preempt = self._master_setup.get("preempt", {})
        if preempt.get("at_batch") == batch_index:
            self._master_acts(self._fm.preempt)
        if self._master_setup.get("supersede", {}).get("at_batch") == batch_index:
            self._master_acts(self._fm.supersede)
        self.trained.append(batch_index)
        self.steps = batch_index + 1
        return {"loss": batch_index}

    def evaluate(self) -> Dict[str, float]:
        self.evaluated_at.append(self.steps)
        self._raise_in("evaluate", self.steps)
        validation = self._trial.get("validation")
        if validation is None:
            return {"validation_loss": 1 / (1 + self.steps)}
        value = validation["by_step"].get(str(self.steps))
        if value is None:
            raise AssertionError(f"the case has no validation value for step {self.steps}")
        return {validation["metric"]: value}

    def save(self, path: Path) -> None:
        (path / "model.json").write_text(json.dumps({"steps": self.steps}), "utf-8")

    def load(self, path: Path) -> None:
        self.steps = json.loads((path / "model.json").read_text("utf-8"))["steps"]
        self.loaded.append(self.steps)

    def _raise_in(self, hook: str, at: Optional[int] = None) -> None:
        spec = self._trial.get("raise")
        if spec is None or spec["in"] != hook or spec.get("at", at) != at:
            return
        if spec["error"] == "invalid_hp":
            raise pushtune.InvalidHP(f"the case's {hook} finds the hyperparameters unusable")
        raise RuntimeError(spec.get("message", "the case's error"))

    def _master_acts(self, act: Any) -> None:
        """The master acts; the batch goes on once the trial knows."""
        act()
        if not self._ctx.preempt.signal.wait(HEAR_TIMEOUT):
            raise AssertionError("the trial did not hear of the master's decision")


def store_checkpoint(checkpoint_dir: str, steps: int) -> str:
    """A checkpoint at ``steps`` of the case trainer's model, as an earlier run of the trial would have left it."""
    earlier = FakeMaster(checkpoint_dir=checkpoint_dir)
    with open_context(earlier) as ctx:
        with ctx.checkpoint.store_path({"steps_completed": steps}) as path:
            (path / "model.json").write_text(json.dumps({"steps": steps}), "utf-8")
        uuid = ctx.checkpoint.last_stored
    assert uuid is not None
    return uuid


def run_case(case: Mapping[str, Any]) -> Dict[str, Any]:
    """Runs the case; returns what came out, in the table's terms (``trained`` as the list of indices)."""
    setup = case["master"]
    checkpoint_dir = tempfile.mkdtemp(prefix="pushtune-trainer-case-")
    resume = setup.get("latest_checkpoint")
    latest = store_checkpoint(checkpoint_dir, resume["steps_completed"]) if resume else None
    fm = FakeMaster(
        ops=setup["ops"],
        close_after_ops=setup.get("close_after_ops", True),
        config=setup.get("config"),
        hparams=setup.get("hparams", {}),
        checkpoint_dir=checkpoint_dir,
        latest_checkpoint=latest,
        run_id=1 if latest is None else 2,
        best_validation=setup.get("best_validation"),
        preempt_after_ops=setup.get("preempt", {}).get("after_op"),
    )
    ctx = open_context(fm)
    trainer = CaseTrainer(case, fm, ctx)
    expected_error = case["expect"].get("error")
    try:
        fit = trainer.fit(ctx=ctx)
        result: Dict[str, Any] = {"outcome": fit.outcome, "batches": fit.batches}
    except Exception as error:  # noqa: BLE001 - the case says which error, if any
        result = {"outcome": "error", "error": error_text(error, expected_error)}
    try:
        ctx.close()
    except Exception:  # noqa: BLE001 - a superseded allocation cannot deliver anything
        pass
    return {
        **result,
        "trained": trainer.trained,
        "loaded": trainer.loaded,
        "evaluated_at": trainer.evaluated_at,
        "validation_steps": [r["stepsCompleted"] for r in fm.validation_metrics],
        "checkpoint_steps": [c["stepsCompleted"] for c in fm.checkpoints],
        "training": [[r["stepsCompleted"], r["metrics"]["loss"]] for r in fm.training_metrics],
        "completed_ops": [[o["length"], o["searcher_metric"]] for o in fm.completed_operations],
        "progress": fm.progress,
        "best_validation_queries": sum(1 for _, path, _ in fm.requests if "best_searcher_validation_metric" in path),
        "early_exit": fm.early_exits[0] if fm.early_exits else None,
        # Checked in every case.
        "$early_exits": fm.early_exits,
        "$preemption_acks": fm.preemption_acks,
        "$events": [e["type"] for e in fm.events],
    }


def error_text(error: BaseException, expected: Optional[str]) -> str:
    """The expected text if the error's message or code contains it (so a diff shows the message otherwise)."""
    message = str(error)
    code = getattr(error, "code", "") or ""
    if expected is not None and (expected in message or expected in code):
        return expected
    return f"{code} {type(error).__name__}: {message}".strip()


class TrainerTableTest(unittest.TestCase):
    maxDiff = None

    def test_every_case_of_the_table(self) -> None:
        for case in CASES:
            with self.subTest(case["name"]):
                seen = run_case(case)
                expected = dict(case["expect"])
                if "trained" in expected:
                    first, end = expected["trained"]
                    expected["trained"] = list(range(first, end))
                self.assertEqual({key: seen[key] for key in expected}, expected)

                early_exit = expected.get("early_exit")
                self.assertEqual(seen["$early_exits"], [] if early_exit is None else [early_exit])
                self.assertEqual(seen["$preemption_acks"], 1 if expected["outcome"] == "preempted" else 0)
                events = seen["$events"]
                if "ackPreemption" in events and "checkpoint" in events:
                    last_checkpoint = len(events) - 1 - events[::-1].index("checkpoint")
                    self.assertLess(last_checkpoint, events.index("ackPreemption"))


if __name__ == "__main__":
    unittest.main()
