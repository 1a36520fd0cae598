"""trials(): trial after trial in one process."""

import json
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import Counting, Scripted


def completed_trials(fm, transport=None, then=lambda ctx: None):
    """Runs each trial with the Trainer (its final checkpoint once the searcher closes it);
    ``then`` follows, and ``"break"`` leaves the loop."""
    for ctx in pushtune.trials(env=dict(fm.env()), transport=transport or fm, handle_sigterm=False):
        assert Counting().fit(ctx=ctx).outcome == "completed"
        if then(ctx) == "break":
            break


def asking_fails(fm, error, register_first=False):
    """``fm``, but every ask for the next trial raises ``error`` (after registering the
    checkpoint it carries, with ``register_first``, as the master does for an ended allocation)."""

    def answer(method, path, body):
        if path.endswith("/next_trial"):
            if register_first:
                fm.request(method, path, body)
            raise error
        return fm.request(method, path, body)

    return Scripted(answer)


def checkpoint_posts(fm):
    return [path for _, path, _ in fm.requests if path == "/checkpoints"]


class TrialsTest(unittest.TestCase):
    def test_a_process_runs_the_trials_the_master_hands_it_one_after_another(self):
        first = FakeMaster(ops=[5], trial_id=1, allocation_id="a-1", hparams={"lr": 0.1})
        second = FakeMaster(ops=[5], trial_id=2, allocation_id="a-2", hparams={"lr": 0.2})
        handed = []

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                if "/a-1/" in path:
                    handed.append(2)
                    return {"env": {**second.env(), "PUSHTUNE_OPERATION": json.dumps({"op": {"length": 5}, "completed": False})}}
                return {"env": None}
            return (first if "/trials/1/" in path or "/a-1/" in path else second).request(method, path, body)

        env = dict(first.env())
        seen = []
        for ctx in pushtune.trials(env=env, transport=Scripted(answer), handle_sigterm=False):
            seen.append((ctx.trial_id, ctx.hparams["lr"], env["PUSHTUNE_TRIAL_ID"]))
            for op in ctx.searcher.operations():
                ctx.train.report_validation_metrics(op.length, {"validation_loss": ctx.hparams["lr"]})
                op.report_completed(ctx.hparams["lr"])
        self.assertEqual(seen, [(1, 0.1, "1"), (2, 0.2, "2")])
        self.assertEqual(handed, [2])
        # Each trial's reports were delivered before the next one started.
        self.assertEqual(first.completed_operations, [{"length": 5, "searcher_metric": 0.1}])
        self.assertEqual(second.completed_operations, [{"length": 5, "searcher_metric": 0.2}])
        self.assertEqual(len(first.validation_metrics), 1)

    def test_a_refused_ask_for_the_next_trial_ends_the_loop(self):
        fm = FakeMaster(ops=[5])

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                raise pushtune.RequestError("STALE_ALLOCATION", "ended", 409)
            return fm.request(method, path, body)

        count = 0
        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            count += 1
            for op in ctx.searcher.operations():
                op.report_completed(1.0)
        self.assertEqual(count, 1)

    def test_the_final_checkpoint_of_a_trial_the_searcher_closed_is_registered_by_the_ask_for_the_next_trial(self):
        fm = FakeMaster(ops=[5])
        completed_trials(fm)
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [5])
        self.assertEqual(checkpoint_posts(fm), [])
        self.assertEqual([e["type"] for e in fm.events][-2:], ["checkpoint", "nextTrial"])

    def test_the_final_checkpoint_of_a_completed_trial_whose_loop_breaks_off_is_registered_on_its_own(self):
        fm = FakeMaster(ops=[5])
        completed_trials(fm, then=lambda ctx: "break")
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [5])
        self.assertEqual(checkpoint_posts(fm), ["/checkpoints"])
        self.assertNotIn("nextTrial", [e["type"] for e in fm.events])

    def test_the_final_checkpoint_of_a_completed_trial_whose_ask_is_refused_or_fails_is_registered(self):
        # A master without the ask answers 404: the checkpoint goes on its own.
        refused = FakeMaster(ops=[5])
        completed_trials(refused, asking_fails(refused, pushtune.RequestError("NOT_FOUND", "no route", 404)))
        self.assertEqual([c["stepsCompleted"] for c in refused.checkpoints], [5])
        # An ended allocation's ask is refused after registering what it carries: nothing more goes.
        stale = FakeMaster(ops=[5])
        ended = pushtune.RequestError("STALE_ALLOCATION", "ended", 409)
        completed_trials(stale, asking_fails(stale, ended, register_first=True))
        self.assertEqual([c["stepsCompleted"] for c in stale.checkpoints], [5])
        self.assertEqual(checkpoint_posts(stale), [])
        failing = FakeMaster(ops=[5])
        with self.assertRaisesRegex(ValueError, "bad answer"):
            completed_trials(failing, asking_fails(failing, ValueError("bad answer")))
        self.assertEqual([c["stepsCompleted"] for c in failing.checkpoints], [5])
        interrupted = FakeMaster(ops=[5])
        with self.assertRaises(KeyboardInterrupt):
            completed_trials(interrupted, asking_fails(interrupted, KeyboardInterrupt()))
        self.assertEqual([c["stepsCompleted"] for c in interrupted.checkpoints], [5])

    def test_the_final_checkpoint_of_a_completed_trial_then_stopped_by_a_sigterm_is_registered_on_its_own(self):
        fm = FakeMaster(ops=[5])
        # As the first SIGTERM does while the context is open: the process takes no next trial.
        completed_trials(fm, then=lambda ctx: ctx.preempt.preempted("SIGTERM"))
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [5])
        self.assertNotIn("nextTrial", [e["type"] for e in fm.events])


if __name__ == "__main__":
    unittest.main()
