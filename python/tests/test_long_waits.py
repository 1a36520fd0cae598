"""Waits whose length the caller or the master chooses may be longer than
Python's waits can time (``threading.TIMEOUT_MAX``): they still wait, and
still end when what they wait for happens."""

import threading
import unittest

from pushtune import SearchMethod, SearchRunner
from pushtune.errors import PreemptedError, RequestError, RetryableError
from pushtune.testing import FakeMaster

from .support import Scripted, open_context, wait_until

#: Longer than any wait the standard library accepts (about 292 years).
PAST_TIMEOUT_MAX = threading.TIMEOUT_MAX * 10


def raised_by(fn, daemon=False):
    """Runs ``fn`` on a thread; the exception it raises, once it has. ``daemon``: a
    thread left waiting does not hold the tests' process at its exit."""
    outcome = []

    def run():
        try:
            fn()
        except BaseException as error:  # noqa: BLE001 - what the test looks at
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=daemon)
    thread.start()
    return thread, outcome


class LongWaitsTest(unittest.TestCase):
    def test_a_sleep_longer_than_python_can_time_ends_with_the_preemption(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            thread, outcome = raised_by(lambda: ctx.preempt.sleep(PAST_TIMEOUT_MAX))
            fm.preempt()
            thread.join()
            self.assertEqual([type(e) for e in outcome], [PreemptedError])
            ctx.preempt.acknowledge()

    def test_a_flush_with_a_timeout_longer_than_python_can_time_waits_for_the_master(self):
        fm = FakeMaster(ops=[10])
        ctx = open_context(fm)
        self.addCleanup(lambda: self.assertRaises(RequestError, ctx.close, 0))
        fm.down()
        ctx.train.report_training_metrics(1, {"loss": 1.0})

        def supersede_once_tried():
            wait_until(lambda: any(r[2] == "down" for r in fm.requests), what="a failed push")
            fm.supersede()
            fm.up()

        helper = threading.Thread(target=supersede_once_tried)
        helper.start()
        self.addCleanup(helper.join)
        # The master never takes the report: the flush ends with its refusal, not at once.
        with self.assertRaises(RequestError) as caught:
            ctx.flush(PAST_TIMEOUT_MAX)
        self.assertEqual(caught.exception.code, "STALE_ALLOCATION")

    def test_a_search_runner_told_to_retry_after_longer_than_python_can_time_waits(self):
        def answer(method, path, body):
            raise RetryableError("503 overloaded", 503, PAST_TIMEOUT_MAX)

        runner = SearchRunner(SearchMethod(), 1, transport=Scripted(answer), wait_seconds=0)
        # Nothing ends this wait: the thread is left to it.
        thread, outcome = raised_by(runner.run, daemon=True)
        thread.join(0.5)
        self.assertEqual(outcome, [])
        self.assertTrue(thread.is_alive(), "the runner stopped waiting")


if __name__ == "__main__":
    unittest.main()
