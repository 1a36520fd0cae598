"""Searcher operations: absolute lengths, asked for as the TypeScript SDK asks."""

import json
import threading
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import Scripted, open_context, wait_until


def asks(fm):
    return [p for m, p, o in fm.requests if "/searcher/operation" in p]


class OperationsTest(unittest.TestCase):
    def test_operations_come_as_absolute_lengths_until_the_trial_is_closed(self):
        fm = FakeMaster(ops=[10, 30, 90])
        with open_context(fm) as ctx:
            lengths = []
            for op in ctx.searcher.operations():
                lengths.append(op.length)
                op.report_completed(1.0 / op.length)
        self.assertEqual(lengths, [10, 30, 90])
        self.assertEqual([o["length"] for o in fm.completed_operations], [10, 30, 90])
        # The first is asked for; each completion's answer says what follows.
        self.assertEqual(len(asks(fm)), 1)

    def test_the_first_operation_from_the_environment_is_read_once(self):
        fm = FakeMaster(ops=[10])
        env = {**fm.env(), "PUSHTUNE_OPERATION": json.dumps({"op": {"length": 10}, "completed": False})}
        ctx = pushtune.init(transport=fm, env=env, handle_sigterm=False)
        self.assertNotIn("PUSHTUNE_OPERATION", env)  # nothing started later trusts the old answer
        for op in ctx.searcher.operations():
            op.report_completed(0.5)
        ctx.close()
        self.assertEqual(asks(fm), [])

    def test_a_trial_waits_for_a_promotion_by_asking_again(self):
        fm = FakeMaster(ops=[10], close_after_ops=False)
        with open_context(fm, operation_wait_seconds=0, min_ask_interval=0.01) as ctx:
            ops = ctx.searcher.operations()
            next(ops).report_completed(0.5)
            threading.Timer(0.2, lambda: fm.add_op(30)).start()
            promoted = next(ops)
            self.assertEqual(promoted.length, 30)
            promoted.report_completed(0.4)
            fm.close_trial()
            self.assertEqual(list(ops), [])
        self.assertGreater(len(asks(fm)), 1)

    def test_an_answer_that_says_preempt_ends_the_operations_and_fires_the_preemption(self):
        transport = Scripted(
            lambda m, p, b: {"op": None, "completed": False, "preempt": True}
            if "searcher/operation" in p
            else threading.Event().wait(1) or {"preempt": False}
        )
        fm = FakeMaster()
        with open_context(transport, env=fm.env()) as ctx:
            self.assertEqual(list(ctx.searcher.operations()), [])
            self.assertTrue(ctx.preempt.should_preempt())
            self.assertIsInstance(ctx.preempt.reason, pushtune.PreemptedError)

    def test_asking_for_the_next_operation_before_completing_one_is_an_error(self):
        fm = FakeMaster(ops=[10, 20])
        with open_context(fm) as ctx:
            ops = ctx.searcher.operations()
            next(ops)
            with self.assertRaisesRegex(pushtune.InvalidReportError, "was not completed"):
                next(ops)

    def test_progress_outside_the_operation_is_refused(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            op = next(iter(ctx.searcher.operations()))
            with self.assertRaisesRegex(pushtune.InvalidReportError, "outside this operation"):
                op.report_progress(11)
            op.report_completed(0.1)

    def test_a_preemption_ends_a_wait_for_the_next_operation_at_once(self):
        fm = FakeMaster(ops=[10], close_after_ops=False)
        with open_context(fm, operation_wait_seconds=600) as ctx:
            ops = ctx.searcher.operations()
            next(ops).report_completed(0.5)
            threading.Timer(0.2, fm.preempt).start()
            self.assertEqual(list(ops), [])  # it was waiting up to 600 s for a decision
            self.assertTrue(ctx.preempt.should_preempt())


if __name__ == "__main__":
    unittest.main()
