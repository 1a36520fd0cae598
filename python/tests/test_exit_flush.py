"""What is reported is delivered when the process ends, within a bounded wait:
also when a SIGTERM ends it."""

import signal
import time
import unittest

from pushtune.testing import FakeMaster

from .support import HttpFakeMaster, run_script


class ExitFlushTest(unittest.TestCase):
    def test_reports_still_queued_at_exit_are_delivered_without_close(self):
        fm = FakeMaster(ops=[1000])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        code = """
import pushtune
ctx = pushtune.init()
for step in range(1, 2001):
    ctx.train.report_training_metrics(step, {"loss": 1.0 / step})
# no close: the interpreter's exit delivers them
"""
        child = run_script(code, server.env())
        out, err = child.communicate(timeout=60)
        self.assertEqual(child.returncode, 0, err)
        self.assertEqual(len(fm.training_metrics), 2000)

    def test_the_wait_at_exit_is_bounded_when_the_master_is_down(self):
        fm = FakeMaster(ops=[1000])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        fm.down()  # every request is answered 503
        code = """
import pushtune
ctx = pushtune.init(backoff=pushtune.Backoff(initial=0.05, maximum=0.2))
ctx.train.report_training_metrics(1, {"loss": 1.0})
"""
        started = time.monotonic()
        child = run_script(code, server.env())
        out, err = child.communicate(timeout=60)
        self.assertEqual(child.returncode, 0, err)
        self.assertIn("cannot reach the master", err)
        self.assertEqual(fm.metrics, [])
        # It gave up after its deadline instead of retrying forever (60 s would be a hang).
        self.assertLess(time.monotonic() - started, 60)

    def test_on_sigterm_a_trial_that_never_looks_at_its_preemption_delivers_what_it_holds_then_ends_by_it(self):
        fm = FakeMaster(ops=[1000])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        fm.down()  # answers 503: every report stays queued in the trial
        code = """
import time, pushtune
ctx = pushtune.init(backoff=pushtune.Backoff(initial=0.02, maximum=0.1), log=lambda line: None)
for step in range(1, 21):
    ctx.train.report_training_metrics(step, {"loss": 1.0 / step})
print("ready", flush=True)
while True:  # a training loop that never looks at its preemption, and never ends by itself
    time.sleep(0.01)
"""
        child = run_script(code, server.env())
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.assertEqual(child.stdout.readline().strip(), "ready")
        self.assertEqual(fm.training_metrics, [])
        child.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        fm.up()
        child.communicate(timeout=30)
        self.assertEqual(child.returncode, -signal.SIGTERM)
        self.assertEqual([r["stepsCompleted"] for r in fm.training_metrics], list(range(1, 21)))


if __name__ == "__main__":
    unittest.main()
