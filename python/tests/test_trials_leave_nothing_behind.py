"""trials() on HTTP: however the loop is left, the connections it opened for
a trial are closed, so no socket, and no thread waiting on one, outlives it."""

import threading
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import FAST, HttpFakeMaster, wait_until


class TrialsLeaveNothingBehindTest(unittest.TestCase):
    def setUp(self):
        self.server = HttpFakeMaster(FakeMaster(ops=[10]))
        self.addCleanup(self.server.close)

    def test_leaving_the_loop_early_ends_the_preemption_long_poll(self):
        before = set(threading.enumerate())
        # The master holds each preemption poll for ten minutes.
        loop = pushtune.trials(
            env=self.server.env(), backoff=FAST, handle_sigterm=False, preemption_timeout_seconds=600
        )
        ctx = next(loop)
        self.assertFalse(ctx.preempt.should_preempt())
        wait_until(
            lambda: any("/signals/preemption" in r for r in self.server.received),
            what="the preemption long poll",
        )
        started = [t for t in threading.enumerate() if t not in before and t.name.startswith("pushtune")]
        self.assertIn("pushtune-preemption", [t.name for t in started])
        loop.close()  # as a `break` out of the loop does
        for thread in started:
            # Far below the poll's ten minutes: it ends because its connection closed.
            thread.join(60)
        self.assertEqual([t.name for t in started if t.is_alive()], [])


if __name__ == "__main__":
    unittest.main()
