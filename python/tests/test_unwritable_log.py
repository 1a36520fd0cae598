"""A log that cannot be written (stderr closed, a broken pipe) never stops the
pushes: the outage notice is lost, the reports are not. Nor does it stop a
SIGTERM from being the trial's preemption."""

import unittest

from pushtune.testing import FakeMaster

from .support import TRAIN_UNTIL_PREEMPTED, open_context, sigterm_while_training


class UnwritableLogTest(unittest.TestCase):
    def test_reports_are_delivered_after_an_outage_whose_notice_could_not_be_written(self):
        fm = FakeMaster(ops=[10])
        tried = []

        def log(line):
            tried.append(line)
            raise BrokenPipeError(32, "Broken pipe")

        with open_context(fm, log=log) as ctx:
            fm.fail_next(1)
            ctx.train.report_training_metrics(1, {"loss": 1.0})
            # A bound only against hanging forever: delivery takes milliseconds.
            self.assertTrue(ctx.flush(60), "the report was never delivered")
        self.assertEqual([m["stepsCompleted"] for m in fm.training_metrics], [1])
        self.assertEqual(len(tried), 2)

    def test_a_sigterm_whose_notice_cannot_be_written_still_stops_the_trial_as_a_preemption(self):
        code = f"""
import time, pushtune
with pushtune.init() as ctx:
{TRAIN_UNTIL_PREEMPTED}print("exited cleanly", flush=True)
"""
        # Whoever read the trial's stderr (a log collector) is gone: the notice meets a broken pipe.
        fm, child, out, _ = sigterm_while_training(self, code, stderr_unread=True)
        self.assertIn("exited cleanly", out)
        self.assertEqual(child.returncode, 0)
        self.assertEqual(fm.preemption_acks, 1)
        self.assertEqual(len(fm.checkpoints), 1)


if __name__ == "__main__":
    unittest.main()
