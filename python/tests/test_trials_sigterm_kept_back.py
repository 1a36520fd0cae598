"""trials(): a trial the master told to stop keeps its checkpoint and its
acknowledgement back for the ask for the next trial. When SIGTERM ends the
process before that ask (a second SIGTERM: the first is a preemption), both
are delivered before it ends, as the TypeScript SDK does at the SIGTERM that
ends its process."""

import signal
import time
import unittest

from pushtune.testing import FakeMaster

from .support import HttpFakeMaster, run_script

HOLDS_ON = """
import time, pushtune
for ctx in pushtune.trials():
    while not ctx.preempt.should_preempt():
        time.sleep(0.01)
    with ctx.checkpoint.store_path({"steps_completed": 20}) as path:
        (path / "w").write_text("20")
    ctx.preempt.acknowledge()
    print("ready", flush=True)
    while True:  # it does not stop by itself
        time.sleep(0.1)
"""


class TrialsSigtermKeptBackTest(unittest.TestCase):
    def test_the_sigterm_that_ends_the_process_delivers_the_kept_back_checkpoint_and_acknowledgement(self):
        fm = FakeMaster(ops=[10**6])
        fm.preempt()
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        child = run_script(HOLDS_ON, server.env())
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.assertEqual(child.stdout.readline().strip(), "ready")
        child.send_signal(signal.SIGTERM)  # a preemption: it was told to stop already
        time.sleep(0.5)
        child.send_signal(signal.SIGTERM)  # the second ends the process
        child.communicate(timeout=30)
        self.assertEqual(child.returncode, -signal.SIGTERM)
        self.assertEqual([c["stepsCompleted"] for c in fm.checkpoints], [20])
        self.assertEqual(fm.preemption_acks, 1)


if __name__ == "__main__":
    unittest.main()
