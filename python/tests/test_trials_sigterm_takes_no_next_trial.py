"""trials(): a process sent SIGTERM stops its trial as for a preemption and
takes no next trial; what the trial reported, and its checkpoint, are still
delivered, and the process exits 0. The same under the Trainer."""

import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import TRAIN_UNTIL_PREEMPTED, Scripted, sigterm_while_training

LOOP = f"""
import time, pushtune
for ctx in pushtune.trials():
{TRAIN_UNTIL_PREEMPTED}print("exited cleanly", flush=True)
"""

TRAINER = """
import time, pushtune

class Counting(pushtune.Trainer):
    def train_batch(self, batch_index):
        if batch_index == 50:
            print("training", flush=True)
        time.sleep(0.001)
        return {"loss": 1.0}

    def evaluate(self):
        return {"validation_loss": 1.0}

    def save(self, path):
        (path / "state").write_text("saved")

    def load(self, path):
        pass

for ctx in pushtune.trials():
    Counting().fit(ctx=ctx)
print("exited cleanly", flush=True)
"""


class TrialsSigtermTest(unittest.TestCase):
    def stopped_by_sigterm(self, code):
        fm, child, out, err = sigterm_while_training(self, code)
        self.assertEqual(child.returncode, 0, err)
        self.assertIn("exited cleanly", out)
        self.assertEqual([e for e in fm.events if e["type"] == "nextTrial"], [])
        self.assertEqual(fm.preemption_acks, 1)
        self.assertEqual(len(fm.checkpoints), 1)
        # What the trial reported up to its checkpoint reached the master.
        steps = fm.checkpoints[0]["stepsCompleted"]
        self.assertEqual(max(r["stepsCompleted"] for r in fm.training_metrics), steps)
        return fm

    def test_a_trial_sent_sigterm_checkpoints_and_the_process_asks_for_no_next_trial(self):
        fm = self.stopped_by_sigterm(LOOP)
        self.assertEqual(len(fm.training_metrics), fm.checkpoints[0]["stepsCompleted"])

    def test_a_trainer_sent_sigterm_checkpoints_and_the_process_asks_for_no_next_trial(self):
        self.stopped_by_sigterm(TRAINER)

    def test_a_trial_the_master_told_to_stop_then_sent_sigterm_sends_its_checkpoint_and_acknowledgement_itself(self):
        fm = FakeMaster(ops=[10])
        fm.preempt()

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                raise AssertionError("a process sent SIGTERM asks for no next trial")
            return fm.request(method, path, body)

        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            for op in ctx.searcher.operations():
                op.report_completed(1.0)
            ctx.preempt.preempted("SIGTERM")  # what the SIGTERM handler does
            ctx.checkpoint.store({"steps_completed": 4}, lambda path: (path / "w").write_text("4"))
            ctx.preempt.acknowledge()
            uuid = ctx.checkpoint.last_stored
        self.assertEqual([c["uuid"] for c in fm.checkpoints], [uuid])
        kinds = [e["type"] for e in fm.events if e["type"] in ("checkpoint", "ackPreemption")]
        self.assertEqual(kinds, ["checkpoint", "ackPreemption"])


if __name__ == "__main__":
    unittest.main()
