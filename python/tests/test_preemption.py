"""Preemption: a background long poll, a superseded allocation, SIGTERM."""

import time
import unittest

import pushtune
from pushtune.errors import RequestError
from pushtune.testing import FakeMaster

from .support import TRAIN_UNTIL_PREEMPTED, Scripted, open_context, run_script, sigterm_while_training, wait_until


class PreemptionTest(unittest.TestCase):
    def test_the_background_long_poll_turns_should_preempt_true_while_the_loop_trains(self):
        fm = FakeMaster(ops=[10**6])
        with open_context(fm) as ctx:
            op = next(iter(ctx.searcher.operations()))
            self.assertFalse(ctx.preempt.should_preempt())
            fm.preempt()
            steps = 0
            while not ctx.preempt.should_preempt():
                steps += 1
                time.sleep(0.001)
                self.assertLess(steps, 10_000, "the preemption was never heard")
            ctx.preempt.acknowledge()
        self.assertEqual(fm.preemption_acks, 1)
        self.assertLess(steps, op.length)

    def test_a_trial_done_within_its_first_second_never_polls_for_its_preemption(self):
        fm = FakeMaster(ops=[5])
        recorded = Scripted(lambda m, p, b: fm.request(m, p, b))  # records a request as it starts
        with open_context(recorded, env=fm.env()) as ctx:
            for op in ctx.searcher.operations():
                for step in range(1, op.length + 1):
                    if ctx.preempt.should_preempt():
                        break
                    time.sleep(0.02)  # a batch: the trial lasts a tenth of a second
                    ctx.train.report_training_metrics(step, {"loss": 1.0})
                op.report_completed(0.5)
        self.assertEqual(len(fm.completed_operations), 1)
        self.assertEqual([p for p in recorded.paths() if "/signals/preemption" in p], [])

    def test_a_superseded_allocation_stops_training_at_once(self):
        fm = FakeMaster(ops=[100])
        ctx = open_context(fm)
        op = next(iter(ctx.searcher.operations()))
        fm.supersede()
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        wait_until(ctx.preempt.should_preempt, what="the refusal to stop the trial")
        self.assertIsInstance(ctx.preempt.reason, RequestError)
        self.assertEqual(ctx.preempt.reason.code, "STALE_ALLOCATION")
        with self.assertRaises(RequestError):
            ctx.train.report_training_metrics(2, {"loss": 1.0})
        with self.assertRaises(RequestError):
            op.report_completed(0.5)
        with self.assertRaises(RequestError):
            ctx.close()

    def test_sigterm_is_a_preemption_the_trial_checkpoints_acknowledges_and_exits_0(self):
        code = f"""
import time, pushtune
with pushtune.init() as ctx:
{TRAIN_UNTIL_PREEMPTED}print("exited cleanly", flush=True)
"""
        fm, child, out, err = sigterm_while_training(self, code)
        self.assertEqual(child.returncode, 0, err)
        self.assertIn("exited cleanly", out)
        self.assertIn("SIGTERM", err)
        self.assertEqual(fm.preemption_acks, 1)
        self.assertEqual(len(fm.checkpoints), 1)
        steps = fm.checkpoints[0]["stepsCompleted"]
        self.assertEqual(len(fm.training_metrics), steps)  # everything reported was delivered

    def test_sigterm_is_a_preemption_for_each_context_the_process_opens_in_turn(self):
        code = """
import os, signal, pushtune
from pushtune.testing import FakeMaster
for i in (1, 2):
    fm = FakeMaster(ops=[10])
    with pushtune.init(transport=fm, env=fm.env(), log=lambda line: None) as ctx:
        ctx.preempt.should_preempt()  # the trial watches its preemption
        os.kill(os.getpid(), signal.SIGTERM)
        print(f"context {i}: preempted {ctx.preempt.signal.wait(10)}", flush=True)
"""
        child = run_script(code, {})
        out, err = child.communicate(timeout=30)
        self.assertEqual(child.returncode, 0, err)
        self.assertEqual(out.splitlines(), ["context 1: preempted True", "context 2: preempted True"])

    def test_preempt_sleep_raises_as_soon_as_the_preemption_comes(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            fm.preempt()
            with self.assertRaises(pushtune.PreemptedError):
                ctx.preempt.sleep(600)


if __name__ == "__main__":
    unittest.main()
