"""Reports: queued and batched on a background thread, paced, paired with progress
and completions, retried, refused, idempotent."""

import threading
import time
import unittest

import pushtune
from pushtune.errors import RequestError, RetryableError
from pushtune.testing import FakeMaster

from .support import Scripted, open_context, wait_until


class Blocking:
    """A transport whose requests wait until ``release`` is set."""

    def __init__(self, fm):
        self.fm = fm
        self.release = threading.Event()
        self.started = threading.Event()

    def request(self, method, path, body=None, timeout=None):
        self.started.set()
        self.release.wait()
        return self.fm.request(method, path, body, timeout)


def _caught(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - returned for the test to look at
        return error
    return None


class ReportsTest(unittest.TestCase):
    def test_reports_never_wait_for_the_master(self):
        fm = FakeMaster(ops=[1000])
        transport = Blocking(fm)
        ctx2 = open_context(transport, env=fm.env())
        for step in range(1, 1001):
            ctx2.train.report_training_metrics(step, {"loss": 1.0 / step})
        # Every call returned while the master had not answered a single request.
        self.assertEqual(len(fm.metrics), 0)
        transport.release.set()
        ctx2.close()
        self.assertEqual([r["stepsCompleted"] for r in fm.training_metrics], list(range(1, 1001)))

    def test_reports_made_between_two_releases_ride_in_one_batch(self):
        fm = FakeMaster(ops=[100])
        ctx = open_context(fm, min_report_interval=3600)
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        wait_until(lambda: len(fm.metrics) == 1, what="the first report after a quiet spell")
        for step in range(2, 501):
            ctx.train.report_training_metrics(step, {"loss": 1.0})
        # Held by the pacing timer (an hour here) until something waits for delivery.
        self.assertEqual(len(fm.metrics), 1)
        ctx.flush()
        ctx.close()
        metric_posts = [p for m, p, o in fm.requests if p.endswith("/metrics")]
        self.assertEqual(len(metric_posts), 2)
        self.assertEqual(len(fm.metrics), 500)

    def test_metrics_ride_with_the_completion_they_justify(self):
        fm = FakeMaster(ops=[10])
        recorded = Scripted(lambda m, p, b: fm.request(m, p, b))
        with open_context(recorded, env=fm.env()) as ctx:
            for op in ctx.searcher.operations():
                for step in range(1, 11):
                    ctx.train.report_training_metrics(step, {"loss": 1.0})
                ctx.train.report_validation_metrics(10, {"validation_loss": 0.5})
                op.report_completed(0.5)
        (completion,) = [b for m, p, b in recorded.calls if p.endswith("completed_operation")]
        self.assertEqual(completion["op"], {"length": 10})
        # The validation report goes in the same request, stored before the completion.
        validation = [r for r in completion["metrics"]["reports"] if r["group"] == "validation"]
        self.assertEqual([(r["stepsCompleted"], r["metrics"]) for r in validation], [(10, {"validation_loss": 0.5})])
        self.assertEqual(len(fm.training_metrics), 10)

    def test_a_short_operations_reports_and_completion_go_in_one_request(self):
        # The first report after a quiet spell lingers: the validation and the completion made
        # right after it (a first rung of one batch, say) ride along instead of a second request.
        fm = FakeMaster(ops=[1])
        with open_context(fm) as ctx:
            for op in ctx.searcher.operations():
                ctx.train.report_training_metrics(1, {"loss": 1.0})
                op.report_progress(1)
                time.sleep(0.005)  # the validation
                ctx.train.report_validation_metrics(1, {"validation_loss": 0.5})
                op.report_completed(0.5)
        posts = [p for m, p, o in fm.requests if m == "POST"]
        self.assertEqual(len(posts), 1, posts)
        self.assertTrue(posts[0].endswith("/searcher/completed_operation"))
        self.assertEqual(len(fm.training_metrics), 1)

    def test_progress_rides_with_the_metrics_before_it(self):
        bodies = []
        gate = threading.Event()

        def answer(method, path, body):
            if method == "GET":  # the preemption long poll: nothing to say
                threading.Event().wait(1)
                return {"preempt": False}
            gate.wait()  # the first report's request holds the queue while the next are made
            bodies.append((path, body))
            return {}

        transport = Scripted(answer)
        fm = FakeMaster(ops=[10])
        env = {**fm.env(), "PUSHTUNE_OPERATION": '{"op":{"length":10},"completed":false}'}
        ctx = open_context(transport, env=env)
        op = next(iter(ctx.searcher.operations()))
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        posts = lambda: [c for c in transport.calls if c[0] == "POST"]  # noqa: E731
        wait_until(lambda: len(posts()) == 1, what="the first report's request")
        ctx.train.report_training_metrics(3, {"loss": 1.0})
        op.report_progress(3)
        flushed = threading.Thread(target=ctx.flush)
        flushed.start()
        wait_until(lambda: not ctx._sender._paced_reports, what="the reports to be queued")
        gate.set()
        flushed.join()
        ctx.close()
        self.assertEqual(len(bodies), 2)
        path, body = bodies[1]
        self.assertTrue(path.endswith("/metrics"))
        self.assertEqual(body["progress"], 3)
        self.assertEqual(body["reports"][0]["stepsCompleted"], 3)
        self.assertRegex(body["reports"][0]["reportTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_network_errors_and_5xx_are_retried_until_the_master_answers(self):
        fm = FakeMaster(ops=[10])
        logs = []
        ctx = open_context(fm, log=logs.append)
        fm.down()
        for step in range(1, 6):
            ctx.train.report_training_metrics(step, {"loss": 1.0})
        wait_until(lambda: sum(o == "down" for _, _, o in fm.requests) >= 3, what="three failed attempts")
        fm.up()
        ctx.close()
        self.assertEqual(len(fm.metrics), 5)
        self.assertEqual(sum("cannot reach the master" in line for line in logs), 1)
        self.assertTrue(any("reachable again" in line for line in logs))

    def test_a_refused_batch_is_resent_report_by_report_and_the_refusal_raised_at_the_next_call(self):
        fm = FakeMaster(ops=[10])
        ctx = open_context(fm)
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        ctx.close()
        gated = Blocking(fm)
        ctx2 = open_context(gated, env=fm.env())  # another run of the same trial
        ctx2.train.report_training_metrics(5, {"loss": 2.0})
        gated.started.wait(5)  # step 5 is in flight: the next two queue behind it as one batch
        ctx2.train.report_training_metrics(1, {"loss": 2.0})  # differs from the stored value
        ctx2.train.report_training_metrics(2, {"loss": 2.0})
        flushed = []
        flusher = threading.Thread(target=lambda: flushed.append(_caught(ctx2.flush)))
        flusher.start()
        wait_until(lambda: not ctx2._sender._paced_reports, what="the batch to be queued")
        gated.release.set()
        flusher.join()
        self.assertIsInstance(flushed[0], RequestError)
        self.assertEqual(flushed[0].code, "METRIC_CONFLICT")
        self.assertEqual([r["stepsCompleted"] for r in fm.training_metrics], [1, 5, 2])
        # 4xx are never retried: the batch once, then each of its reports once.
        posts = [o for _, p, o in fm.requests if p.endswith("/metrics")]
        self.assertEqual(posts, ["ok", "ok", "METRIC_CONFLICT", "METRIC_CONFLICT", "ok"])
        with self.assertRaises(RequestError):
            ctx2.train.report_training_metrics(3, {"loss": 2.0})
        with self.assertRaises(RequestError):
            ctx2.close()

    def test_metrics_repeated_after_a_restart_are_stored_once(self):
        fm = FakeMaster(ops=[10])
        first = open_context(fm)
        for step in range(1, 6):
            first.train.report_training_metrics(step, {"loss": 1.0 / step})
        first.close()
        second = open_context(fm)  # the restarted process reports the same steps again
        for step in range(1, 11):
            second.train.report_training_metrics(step, {"loss": 1.0 / step})
        second.close()
        self.assertEqual([r["stepsCompleted"] for r in fm.training_metrics], list(range(1, 11)))

    def test_a_completion_whose_answer_was_lost_is_not_sent_twice_in_effect(self):
        fm = FakeMaster(ops=[10, 20])
        with open_context(fm) as ctx:
            ops = ctx.searcher.operations()
            op = next(ops)
            fm.fail_next(1, after_applying=True)
            op.report_completed(0.5)  # the retry is a no-op, as on the master: the first attempt landed
            self.assertEqual(fm.completed_operations, [{"length": 10, "searcher_metric": 0.5}])
            completions = [o for _, p, o in fm.requests if p.endswith("/searcher/completed_operation")]
            self.assertEqual(completions, ["failed", "ok"])
            op2 = next(ops)
            self.assertEqual(op2.length, 20)
            op2.report_completed(0.4)

    def test_a_completion_sent_again_after_the_next_operation_is_a_no_op_and_another_metric_is_refused(self):
        fm = FakeMaster(ops=[10, 20])
        path = f"/trials/{fm.env()['PUSHTUNE_TRIAL_ID']}/searcher/completed_operation"
        fm.request("POST", path, {"op": {"length": 10}, "searcherMetric": 0.5})
        again = fm.request("POST", path, {"op": {"length": 10}, "searcherMetric": 0.5})
        self.assertEqual(again, {"op": {"length": 20}, "completed": False})
        with self.assertRaises(RequestError) as caught:
            fm.request("POST", path, {"op": {"length": 10}, "searcherMetric": 0.7})
        self.assertEqual(caught.exception.code, "OP_MISMATCH")
        self.assertIn("completed length 10 with searcher metric 0.5, not 0.7", str(caught.exception))
        self.assertEqual(fm.completed_operations, [{"length": 10, "searcher_metric": 0.5}])

    def test_a_metric_that_is_not_a_finite_number_is_refused_where_it_is_reported(self):
        fm = FakeMaster()
        with open_context(fm) as ctx:
            with self.assertRaisesRegex(pushtune.InvalidReportError, 'metric "loss" is nan'):
                ctx.train.report_training_metrics(1, {"loss": float("nan")})
            with self.assertRaisesRegex(pushtune.InvalidReportError, "steps must be an integer"):
                ctx.train.report_training_metrics(-1, {"loss": 1.0})

    def test_an_integer_too_large_for_a_float_is_refused_naming_the_metric(self):
        fm = FakeMaster()
        with open_context(fm) as ctx:
            for value in (10**400, 10**5000):  # past a float's range; past what repr() shows
                with self.subTest(digits=value.bit_length()):
                    with self.assertRaisesRegex(pushtune.InvalidReportError, 'metric "loss" is '):
                        ctx.train.report_training_metrics(1, {"loss": value})
                    with self.assertRaisesRegex(pushtune.InvalidReportError, 'steps must be an integer'):
                        ctx.train.report_training_metrics(value, {"loss": 1.0})
        self.assertEqual(fm.training_metrics, [])

    def test_numpy_like_scalars_are_reported_as_numbers(self):
        class Scalar:
            def __float__(self):
                return 0.25

        fm = FakeMaster()
        with open_context(fm) as ctx:
            ctx.train.report_training_metrics(1, {"loss": Scalar()})
        self.assertEqual(fm.training_metrics[0]["metrics"], {"loss": 0.25})


if __name__ == "__main__":
    unittest.main()
