"""trials(): a trial the master told to stop keeps its checkpoint and its
acknowledgement back for the ask for the next trial, which carries them. A
SIGTERM must not lose them: neither the one that ends the process before
that ask (a second SIGTERM: the first is a preemption), nor one while the
ask is still unanswered (the master is down for a moment)."""

import signal
import subprocess
import time
import unittest

from pushtune.testing import FakeMaster

from .support import HttpFakeMaster, run_script

# Told to stop, it checkpoints and acknowledges; then `AFTER_READY`.
STOPS = """
import sys, time, pushtune
for ctx in pushtune.trials(backoff=pushtune.Backoff(initial=0.01, maximum=0.05)):
    while not ctx.preempt.should_preempt():
        time.sleep(0.01)
    with ctx.checkpoint.store_path({"steps_completed": 20}) as path:
        (path / "w").write_text("20")
    ctx.preempt.acknowledge()
    print("ready", flush=True)
AFTER_READY
"""
HOLDS_ON = "    while True:  # it does not stop by itself\n        time.sleep(0.1)"
ASKS_ON_A_LINE = "    sys.stdin.readline()  # then the body ends: the process asks for its next trial"


class TrialsSigtermKeptBackTest(unittest.TestCase):
    def start(self, after_ready: str, **options) -> "tuple[FakeMaster, HttpFakeMaster, subprocess.Popen]":
        fm = FakeMaster(ops=[10**6])
        fm.preempt()
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        child = run_script(STOPS.replace("AFTER_READY", after_ready), server.env(), **options)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.assertEqual(child.stdout.readline().strip(), "ready")
        return fm, server, child

    def test_the_sigterm_that_ends_the_process_delivers_the_kept_back_checkpoint_and_acknowledgement(self):
        fm, _, child = self.start(HOLDS_ON)
        child.send_signal(signal.SIGTERM)  # a preemption: it was told to stop already
        time.sleep(0.5)
        child.send_signal(signal.SIGTERM)  # the second ends the process
        child.communicate(timeout=30)
        self.assertEqual(child.returncode, -signal.SIGTERM)
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [20])
        self.assertEqual(fm.preemption_acks, 1)

    def test_a_sigterm_during_the_ask_for_the_next_trial_still_delivers_the_checkpoint(self):
        fm, server, child = self.start(ASKS_ON_A_LINE, stdin=subprocess.PIPE)
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
