"""A dry run whose reader has gone (``python3 train.py | head -1``) ends quietly:
no BrokenPipeError from the lines the SDK prints, exit status 0, however many
it still has to print. (A script's own ``print`` fails as Python's always does.)"""

import unittest

from .support import run_script


class DryRunReaderGoneTest(unittest.TestCase):
    def test_a_dry_run_piped_into_head_ends_quietly_once_head_has_its_line(self):
        code = """
import pushtune
ctx = pushtune.init(dry_run={"max_length": 2000})
with ctx:
    for op in ctx.searcher.operations():
        for step in range(1, op.length + 1):
            ctx.train.report_training_metrics(step, {"loss": 1.0 / step})
        op.report_completed(0.5)
"""
        child = run_script(code, {})
        assert child.stdout is not None and child.stderr is not None
        child.stdout.readline()  # what `head -1` reads, before it exits
        child.stdout.close()
        err = child.stderr.read()
        child.stderr.close()
        child.wait(timeout=60)
        self.assertNotIn("BrokenPipeError", err)
        self.assertEqual(child.returncode, 0, err)


if __name__ == "__main__":
    unittest.main()
