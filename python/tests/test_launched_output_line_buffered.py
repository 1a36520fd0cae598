"""A trial the master starts writes its output to a pipe, where Python buffers
whole blocks: its lines reached the logs late, were lost to a kill -9, and under
``trials()`` were logged under a later trial. The SDK makes a launched trial's
output line-buffered, as the TypeScript SDK's is."""

import threading
import unittest
from typing import List

from pushtune.testing import FakeMaster

from tests.support import HttpFakeMaster, run_script

TRIAL = """
import pushtune
print("loading data")                    # before init, as data loading is
with pushtune.init() as ctx:
    print("training", ctx.trial_id)
    for op in ctx.searcher.operations():
        ctx.preempt.signal.wait(60)
        break
    ctx.preempt.acknowledge()
"""


class LaunchedOutputTest(unittest.TestCase):
    def test_a_launched_trials_lines_arrive_as_they_are_printed(self) -> None:
        fm = FakeMaster(ops=[10**6])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        child = run_script(TRIAL, {**server.env(), "PYTHONUNBUFFERED": ""})
        self.addCleanup(lambda: child.poll() is None and child.kill())
        lines: List[str] = []

        def read() -> None:
            for _ in range(2):
                lines.append(child.stdout.readline().strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(20)
        self.assertEqual(lines, ["loading data", "training 1"])
        fm.preempt()
        child.communicate(timeout=30)
        self.assertEqual(child.returncode, 0)

    def test_a_dry_run_leaves_the_output_as_it_is(self) -> None:
        child = run_script(
            "import sys, pushtune\nwith pushtune.init() as ctx:\n    print(sys.stdout.line_buffering)",
            {"PYTHONUNBUFFERED": ""},
        )
        out, _ = child.communicate(timeout=60)
        self.assertEqual(out.splitlines()[-1], "False")


if __name__ == "__main__":
    unittest.main()
