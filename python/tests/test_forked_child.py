"""A process forked from a trial (``os.fork()``) is not the trial: when it
exits it delivers nothing of what its parent queued, and does not wait for
the master on the parent's behalf."""

import unittest

from pushtune.testing import FakeMaster

from .support import HttpFakeMaster, run_script


class ForkedChildTest(unittest.TestCase):
    def test_a_forked_child_that_exits_normally_sends_nothing_of_its_parent_s(self):
        fm = FakeMaster(ops=[1000])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        fm.down()  # what the parent reported stays queued
        code = """
import os, sys, pushtune
say = lambda line: print(os.getpid(), line, file=sys.stderr, flush=True)
ctx = pushtune.init(log=say, backoff=pushtune.Backoff(initial=0.05, maximum=0.2))
ctx.train.report_training_metrics(1, {"loss": 1.0})
child = os.fork()
if child == 0:
    sys.exit(0)  # a normal exit: the interpreter's exit handlers run
os.waitpid(child, 0)
print(child, flush=True)
os._exit(0)  # the parent's own delivery is another test's business
"""
        process = run_script(code, server.env())
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, err)
        child = out.strip()
        self.assertTrue(child.isdigit(), out)
        self.assertEqual([line for line in err.splitlines() if line.startswith(f"{child} ")], [])


if __name__ == "__main__":
    unittest.main()
