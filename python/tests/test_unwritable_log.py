"""A log that cannot be written (stderr closed, a broken pipe) never stops the
pushes: the outage notice is lost, the reports are not."""

import unittest

from pushtune.testing import FakeMaster

from .support import open_context


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


if __name__ == "__main__":
    unittest.main()
