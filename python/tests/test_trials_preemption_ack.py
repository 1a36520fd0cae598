"""trials(): a trial the master told to stop acknowledges by asking for the
next trial (the master reads the ask as the acknowledgement), not by a
request of its own; a trial that leaves the loop otherwise still sends it.
The checkpoint a trial takes as it stops, or as it ends once the master
closed it, goes with that ask too."""

import time
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import Scripted


def told_to_stop():
    """A master that has asked the trial's allocation to stop before it started."""
    fm = FakeMaster(ops=[10])
    fm.preempt()
    return fm


def stopped_trial(ctx, checkpoint=False):
    """Trains until told to stop, then (checkpoints and) acknowledges, as a trial does."""
    for op in ctx.searcher.operations():
        op.report_completed(1.0)
    assert ctx.preempt.should_preempt()
    if checkpoint:
        ctx.checkpoint.store({"steps_completed": 4}, lambda path: (path / "w").write_text("4"))
    ctx.preempt.acknowledge()


def closed_trial(ctx):
    """Completes its operations until the master closes it, then checkpoints its end, as a trial does."""
    for op in ctx.searcher.operations():
        op.report_completed(1.0)
    assert not ctx.preempt.should_preempt()
    ctx.checkpoint.store({"steps_completed": 10}, lambda path: (path / "w").write_text("10"))
    return ctx.checkpoint.last_stored


def refusing_checkpoint_reports(fm, asks):
    """Answers as ``fm``, noting each ask for the next trial; a checkpoint report of its own fails the test."""

    def answer(method, path, body):
        if path.endswith("/next_trial"):
            asks.append(body)
        elif path == "/checkpoints":
            raise AssertionError("the ask for the next trial carries the checkpoint")
        return fm.request(method, path, body)

    return answer


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

    def test_the_checkpoint_of_a_trial_told_to_stop_is_registered_by_the_ask_for_the_next_trial(self):
        fm = told_to_stop()
        asks = []

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                asks.append(body)
                return fm.request(method, path, body)
            if path == "/checkpoints":
                raise AssertionError("the ask for the next trial carries the checkpoint")
            return fm.request(method, path, body)

        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            stopped_trial(ctx, checkpoint=True)
            uuid = ctx.checkpoint.last_stored
        (ask,) = asks
        self.assertEqual(ask["checkpoint"]["uuid"], uuid)
        self.assertEqual([c["uuid"] for c in fm.checkpoints], [uuid])
        self.assertEqual(fm.preemption_acks, 0)

    def test_a_trial_that_leaves_the_loop_after_checkpointing_registers_it_before_its_acknowledgement(self):
        fm = told_to_stop()
        for ctx in pushtune.trials(env=dict(fm.env()), transport=fm, handle_sigterm=False):
            stopped_trial(ctx, checkpoint=True)
            uuid = ctx.checkpoint.last_stored
            break
        self.assertEqual([c["uuid"] for c in fm.checkpoints], [uuid])
        kinds = [e["type"] for e in fm.events if e["type"] in ("checkpoint", "ackPreemption")]
        self.assertEqual(kinds, ["checkpoint", "ackPreemption"])

    def test_the_checkpoint_a_trial_takes_at_its_end_once_closed_is_registered_by_the_ask_for_the_next_trial(self):
        fm = FakeMaster(ops=[10])
        asks = []
        answer = refusing_checkpoint_reports(fm, asks)
        uuids = [
            closed_trial(ctx)
            for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False)
        ]
        (ask,) = asks
        self.assertEqual(ask["checkpoint"]["uuid"], uuids[0])
        self.assertEqual([c["uuid"] for c in fm.checkpoints], uuids)

    def test_a_closed_trial_that_leaves_the_loop_after_checkpointing_still_registers_its_checkpoint(self):
        fm = FakeMaster(ops=[10])
        for ctx in pushtune.trials(env=dict(fm.env()), transport=fm, handle_sigterm=False):
            uuid = closed_trial(ctx)
            break
        self.assertEqual([c["uuid"] for c in fm.checkpoints], [uuid])
        self.assertNotIn("nextTrial", [e["type"] for e in fm.events])

    def test_a_checkpoint_taken_while_the_trial_goes_on_is_registered_at_once(self):
        fm = FakeMaster(ops=[5, 10])
        for ctx in pushtune.trials(env=dict(fm.env()), transport=fm, handle_sigterm=False):
            for op in ctx.searcher.operations():
                op.report_completed(1.0)
                if op.length == 5:
                    ctx.checkpoint.store({"steps_completed": 5}, lambda path: (path / "w").write_text("5"))
                    ctx.flush()
                    self.assertEqual([c["uuid"] for c in fm.checkpoints], [ctx.checkpoint.last_stored])

    def test_a_checkpoint_taken_once_told_to_stop_goes_before_the_operations_completion(self):
        # Told to stop in the last stretch of its operation, the trial still completes it: the
        # master judges what follows (a PBT round, the next rung) with its latest checkpoint.
        fm = FakeMaster(ops=[10])
        for ctx in pushtune.trials(env=dict(fm.env()), transport=fm, handle_sigterm=False):
            for op in ctx.searcher.operations():
                fm.preempt()
                while not ctx.preempt.should_preempt():
                    time.sleep(0.005)
                ctx.checkpoint.store({"steps_completed": 10}, lambda path: (path / "w").write_text("10"))
                op.report_completed(1.0)
            ctx.preempt.acknowledge()
        order = [e["type"] for e in fm.events if e["type"] in ("checkpoint", "completedOperation")]
        self.assertEqual(order, ["checkpoint", "completedOperation"])

    def test_a_context_of_its_own_sends_the_acknowledgement_at_once(self):
        fm = told_to_stop()
        with pushtune.init(env=dict(fm.env()), transport=fm, handle_sigterm=False) as ctx:
            stopped_trial(ctx)
            self.assertEqual(fm.preemption_acks, 1)


if __name__ == "__main__":
    unittest.main()
