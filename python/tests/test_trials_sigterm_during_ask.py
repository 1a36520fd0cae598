"""trials(): the ask for the next trial carries the checkpoint and the
acknowledgement of a stop the master asked for. A SIGTERM while that ask is
still unanswered (the master is down for a moment) must not lose them."""

import signal
import subprocess
import time
import unittest

from pushtune.testing import FakeMaster

from .support import HttpFakeMaster, run_script

ASKS = """
import sys, time, pushtune
for ctx in pushtune.trials(backoff=pushtune.Backoff(initial=0.01, maximum=0.05)):
    while not ctx.preempt.should_preempt():
        time.sleep(0.01)
    with ctx.checkpoint.store_path({"steps_completed": 20}) as path:
        (path / "w").write_text("20")
    ctx.preempt.acknowledge()
    print("ready", flush=True)
    sys.stdin.readline()
"""


class TrialsSigtermDuringAskTest(unittest.TestCase):
    def test_a_sigterm_during_the_ask_for_the_next_trial_still_delivers_the_checkpoint(self):
        fm = FakeMaster(ops=[10**6])
        fm.preempt()
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        child = run_script(ASKS, server.env(), stdin=subprocess.PIPE)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.assertEqual(child.stdout.readline().strip(), "ready")
        fm.down()  # the ask is answered 503 and repeated
        child.stdin.write("go\n")
        child.stdin.flush()
        deadline = time.monotonic() + 10
        while not any(r.endswith("/next_trial") for r in server.received):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        child.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        fm.up()
        child.communicate(timeout=30)
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [20])


if __name__ == "__main__":
    unittest.main()
