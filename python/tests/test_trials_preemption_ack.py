"""trials(): a trial the master told to stop acknowledges by asking for the
next trial (the master reads the ask as the acknowledgement), not by a
request of its own; a trial that leaves the loop otherwise still sends it."""

import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import Scripted


def told_to_stop():
    """A master that has asked the trial's allocation to stop before it started."""
    fm = FakeMaster(ops=[10])
    fm.preempt()
    return fm


def stopped_trial(ctx):
    """Trains until told to stop, then acknowledges, as a trial does."""
    for op in ctx.searcher.operations():
        op.report_completed(1.0)
    assert ctx.preempt.should_preempt()
    ctx.preempt.acknowledge()


class TrialsPreemptionAckTest(unittest.TestCase):
    def test_a_trial_told_to_stop_by_the_master_acknowledges_by_asking_for_the_next_trial(self):
        fm = told_to_stop()
        asks = []

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                asks.append(fm.preemption_acks)
                return {"env": None}
            return fm.request(method, path, body)

        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            stopped_trial(ctx)
        self.assertEqual(asks, [0])
        self.assertEqual(fm.preemption_acks, 0)

    def test_a_trial_that_leaves_the_loop_after_acknowledging_still_sends_the_acknowledgement(self):
        fm = told_to_stop()

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                raise AssertionError("no next trial is asked for after a break")
            return fm.request(method, path, body)

        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            stopped_trial(ctx)
            break
        self.assertEqual(fm.preemption_acks, 1)

    def test_a_context_of_its_own_sends_the_acknowledgement_at_once(self):
        fm = told_to_stop()
        with pushtune.init(env=dict(fm.env()), transport=fm, handle_sigterm=False) as ctx:
            stopped_trial(ctx)
            self.assertEqual(fm.preemption_acks, 1)


if __name__ == "__main__":
    unittest.main()
