"""The push queue's reducer: the same contract as the TypeScript SDK's push-queue.ts."""

import unittest

from pushtune.push_queue import EMPTY_QUEUE, reduce_push_queue


def metrics(*steps):
    return {"kind": "metrics", "reports": [{"group": "training", "stepsCompleted": s} for s in steps], "isolated": False}


def progress(p):
    return {"kind": "progress", "progress": p}


def completion(length):
    return {"kind": "completedOperation", "body": {"op": {"length": length}, "searcherMetric": 0.5}}


def enqueue(state, *items, first_ticket=1):
    pushes, t = [], first_ticket
    for item in items:
        n = len(item["reports"]) if item["kind"] == "metrics" else 1
        pushes.append((item, list(range(t, t + n))))
        t += n
    return reduce_push_queue(state, ("enqueue", pushes))


def kinds(pushes):
    return [p.item["kind"] for p in pushes]


class PushQueueTest(unittest.TestCase):
    def test_one_request_is_in_flight_and_the_rest_merge_behind_it(self):
        state, out = enqueue(EMPTY_QUEUE, metrics(1))
        self.assertEqual(kinds(out.send), ["metrics"])
        state, out = enqueue(state, metrics(2), metrics(3), first_ticket=2)
        self.assertIsNone(out.send)
        self.assertEqual(len(state.pending), 1)
        self.assertEqual([r["stepsCompleted"] for r in state.pending[0].item["reports"]], [2, 3])

    def test_a_metrics_batch_and_the_completion_after_it_ride_in_one_request(self):
        state, out = enqueue(EMPTY_QUEUE, metrics(1, 2), completion(2))
        self.assertEqual(kinds(out.send), ["metrics", "completedOperation"])

    def test_a_completion_supersedes_the_progress_queued_before_it(self):
        state, _ = enqueue(EMPTY_QUEUE, metrics(1))  # in flight
        state, out = enqueue(state, progress(5), metrics(2), first_ticket=2)
        state, out = enqueue(state, completion(10), first_ticket=4)
        self.assertEqual(kinds(state.pending), ["metrics", "completedOperation"])
        self.assertEqual(out.settled, ([2], None))

    def test_progress_coalesces_but_never_crosses_a_barrier(self):
        state, _ = enqueue(EMPTY_QUEUE, metrics(1))
        state, _ = enqueue(state, progress(1), progress(2), first_ticket=2)
        self.assertEqual([p.item["progress"] for p in state.pending], [2])
        state, _ = enqueue(state, {"kind": "ackPreemption"}, progress(3), first_ticket=4)
        self.assertEqual(kinds(state.pending), ["progress", "ackPreemption", "progress"])

    def test_a_failed_attempt_goes_back_to_the_head_and_waits_for_a_backoff(self):
        state, _ = enqueue(EMPTY_QUEUE, metrics(1))
        state, _ = enqueue(state, metrics(2), first_ticket=2)
        state, out = reduce_push_queue(state, ("failed_retryable",))
        self.assertEqual(out.backoff, 1)
        self.assertIsNone(out.send)
        self.assertEqual(len(state.pending), 1)
        self.assertTrue(state.pending[0].retried)
        state, out = reduce_push_queue(state, ("backoff_elapsed",))
        self.assertEqual([r["stepsCompleted"] for r in out.send[0].item["reports"]], [1, 2])

    def test_a_refused_batch_is_resent_one_report_at_a_time(self):
        state, _ = enqueue(EMPTY_QUEUE, metrics(1, 2, 3))
        state, out = reduce_push_queue(state, ("refused", ValueError("bad"), True))
        self.assertEqual(len(out.send[0].item["reports"]), 1)
        self.assertTrue(out.send[0].item["isolated"])
        self.assertEqual(len(state.pending), 2)

    def test_a_refused_pair_goes_again_part_by_part(self):
        state, out = enqueue(EMPTY_QUEUE, metrics(1), completion(1))
        state, out = reduce_push_queue(state, ("refused", ValueError("bad"), True))
        self.assertEqual(kinds(out.send), ["metrics"])
        self.assertTrue(out.send[0].alone)
        self.assertEqual(kinds(state.pending), ["completedOperation"])

    def test_abandoning_settles_every_ticket_with_the_error(self):
        state, _ = enqueue(EMPTY_QUEUE, metrics(1), {"kind": "ackPreemption"})
        error = RuntimeError("stale")
        state, out = reduce_push_queue(state, ("abandon", error))
        self.assertEqual(sorted(out.settled[0]), [1, 2])
        self.assertIs(out.settled[1], error)
        self.assertEqual(state, EMPTY_QUEUE)


if __name__ == "__main__":
    unittest.main()
