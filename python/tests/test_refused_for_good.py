"""STALE_ALLOCATION (and UNAUTHENTICATED, FORBIDDEN) on any call, not only on a
queued push: the queue is dropped, the preemption fires with that error, and
every later call raises it. A refusal heard by the preemption long poll or by
the ask for an operation leaves no zombie that goes on reporting or writes a
checkpoint into shared storage (as tests/sdk/refused-for-good.test.ts)."""

from __future__ import annotations

import os
import unittest
from typing import Any

from pushtune.errors import RequestError
from pushtune.testing import FakeMaster

from .support import open_context, wait_until


class RefusedForGoodTest(unittest.TestCase):
    def assert_every_later_call_refused(self, ctx: Any, fm: FakeMaster, refusal: BaseException) -> None:
        with self.assertRaises(RequestError) as caught:
            ctx.train.report_training_metrics(1, {"loss": 1.0})
        self.assertIs(caught.exception, refusal)
        with self.assertRaises(RequestError) as caught:
            ctx.train.report_early_exit("ERRORED")
        self.assertIs(caught.exception, refusal)
        with self.assertRaises(RequestError) as caught:
            ctx.checkpoint.store({"steps_completed": 1}, lambda path: (path / "w").write_text("x"))
        self.assertIs(caught.exception, refusal)
        self.assertEqual(os.listdir(fm.checkpoint_dir), [])
        with self.assertRaises(RequestError) as caught:
            ctx.close()
        self.assertIs(caught.exception, refusal)
        self.assertEqual(fm.training_metrics, [])
        self.assertEqual(fm.checkpoints, [])

    def test_a_refusal_heard_by_the_preemption_poll_fails_every_later_call(self) -> None:
        fm = FakeMaster(ops=[10])
        ctx = open_context(fm)
        fm.supersede()
        # The poll starts a second after the trial looks at its preemption.
        wait_until(ctx.preempt.should_preempt, what="the poll to hear the refusal")
        refusal = ctx.preempt.reason
        assert refusal is not None
        self.assertIsInstance(refusal, RequestError)
        self.assertEqual(getattr(refusal, "code", None), "STALE_ALLOCATION")
        self.assert_every_later_call_refused(ctx, fm, refusal)

    def test_a_refusal_heard_by_the_ask_for_an_operation_fires_the_preemption_and_fails_every_later_call(
        self,
    ) -> None:
        fm = FakeMaster(ops=[10], close_after_ops=False)
        ctx = open_context(fm)
        fm.supersede()
        with self.assertRaises(RequestError) as caught:
            for _op in ctx.searcher.operations():
                self.fail("no operation was expected")
        refusal = caught.exception
        self.assertEqual(refusal.code, "STALE_ALLOCATION")
        self.assertTrue(ctx.preempt.signal.fired)
        self.assertIs(ctx.preempt.reason, refusal)
        self.assert_every_later_call_refused(ctx, fm, refusal)

    def test_a_refusal_heard_by_the_ask_for_the_best_validation_fires_the_preemption_and_fails_every_later_call(
        self,
    ) -> None:
        fm = FakeMaster(ops=[10], best_validation=0.5)
        ctx = open_context(fm)
        self.assertEqual(ctx.checkpoint.get_best_validation(), 0.5)
        fm.supersede()
        with self.assertRaises(RequestError) as caught:
            ctx.checkpoint.get_best_validation()
        refusal = caught.exception
        self.assertEqual(refusal.code, "STALE_ALLOCATION")
        self.assertTrue(ctx.preempt.signal.fired)
        with self.assertRaises(RequestError) as again:
            ctx.checkpoint.get_best_validation()
        self.assertIs(again.exception, refusal)
        self.assert_every_later_call_refused(ctx, fm, refusal)


if __name__ == "__main__":
    unittest.main()
