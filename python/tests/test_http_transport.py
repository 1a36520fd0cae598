"""HTTP: errors the master answers, and what is retried."""

import json
import unittest

import pushtune
from pushtune.errors import RequestError, RetryableError
from pushtune.testing import FakeMaster
from pushtune.transport import HttpTransport

from .support import HttpFakeMaster, open_context


class HttpTransportTest(unittest.TestCase):
    def setUp(self):
        self.fm = FakeMaster(ops=[10])
        self.server = HttpFakeMaster(self.fm)
        self.addCleanup(self.server.close)
        self.transport = HttpTransport(self.server.url, "fake-token")
        self.addCleanup(self.transport.close)

    def test_answers_are_json_and_the_connection_is_kept(self):
        path = "/experiments/1/searcher/best_searcher_validation_metric"
        self.assertEqual(self.transport.request("GET", path), {"metric": None})
        self.assertEqual(self.transport.request("GET", path), {"metric": None})
        self.assertEqual(self.server.received, [f"GET /api/v1{path}"] * 2)

    def test_the_rest_api_s_own_url_is_taken_for_the_master_s(self):
        path = "/experiments/1/searcher/best_searcher_validation_metric"
        for given in (f"{self.server.url}/api/v1", f"{self.server.url}/api/v1/"):
            transport = HttpTransport(given, "fake-token")
            self.addCleanup(transport.close)
            self.assertEqual(transport.request("GET", path), {"metric": None})
        self.assertEqual(self.server.received, [f"GET /api/v1{path}"] * 2)

    def test_a_4xx_is_a_request_error_with_the_master_s_code(self):
        with self.assertRaises(RequestError) as caught:
            self.transport.request("POST", "/trials/2/progress", {"progress": 1})
        self.assertEqual((caught.exception.status, caught.exception.code), (403, "FORBIDDEN"))
        self.server.overrides.append((404, {}, b"not json"))
        with self.assertRaises(RequestError) as caught:
            self.transport.request("GET", "/nowhere")
        self.assertEqual(caught.exception.code, "NOT_FOUND")

    def test_every_refusal_of_a_user_s_token_arrives_with_its_own_code_not_retried(self):
        # A search process pushes with its owner's token: it learns why it was refused.
        for code in ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_REVOKED", "USER_DEACTIVATED"):
            with self.subTest(code=code):
                self.server.overrides.append((401, {}, {"error": {"code": code, "message": "no"}}))
                before = len(self.server.received)
                with self.assertRaises(RequestError) as caught:
                    self.transport.request("GET", "/experiments/1/searcher/events?after=0")
                self.assertEqual((caught.exception.status, caught.exception.code), (401, code))
                self.assertEqual(len(self.server.received), before + 1)

    def test_429_and_5xx_are_retryable_and_retry_after_is_read(self):
        self.server.overrides.append((429, {"retry-after": "2"}, {"error": {"code": "TOO_MANY_REQUESTS", "message": "slow down"}}))
        with self.assertRaises(RetryableError) as caught:
            self.transport.request("GET", "/experiments/1/searcher/best_searcher_validation_metric")
        self.assertEqual((caught.exception.status, caught.exception.retry_after), (429, 2.0))
        self.server.overrides.append((502, {}, {}))
        with self.assertRaises(RetryableError):
            self.transport.request("GET", "/experiments/1/searcher/best_searcher_validation_metric")

    def test_a_retry_after_that_is_not_a_finite_number_of_seconds_is_taken_as_none(self):
        for header in ("inf", "Infinity", "-inf", "nan", "1e400"):
            with self.subTest(header=header):
                self.server.overrides.append((503, {"retry-after": header}, {}))
                with self.assertRaises(RetryableError) as caught:
                    self.transport.request("GET", "/experiments/1/searcher/best_searcher_validation_metric")
                self.assertIsNone(caught.exception.retry_after)

    def test_reports_are_delivered_after_an_answer_that_says_to_retry_after_infinity(self):
        self.server.overrides.append((503, {"retry-after": "inf"}, {}))
        ctx = open_context(self.transport, env=self.server.env())
        self.addCleanup(ctx.close, 0)
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        # A bound only against hanging forever: delivery takes a backoff's delay.
        self.assertTrue(ctx.flush(10), "the report was never sent again")
        self.assertEqual([m["stepsCompleted"] for m in self.fm.training_metrics], [1])

    def test_an_unreachable_master_is_retryable_and_named_by_its_url(self):
        self.server.close()
        with self.assertRaises(RetryableError) as caught:
            self.transport.request("GET", "/experiments/1/searcher/best_searcher_validation_metric")
        self.assertIsNone(caught.exception.status)
        self.assertIn(f"{self.server.url}/api/v1/experiments/1/", str(caught.exception))

    def test_a_refusal_says_what_it_means_for_the_trial(self):
        self.fm.supersede()
        with self.assertRaises(RequestError) as caught:
            self.transport.request("POST", "/trials/1/progress", {"progress": 1})
        self.assertEqual(caught.exception.code, "STALE_ALLOCATION")
        self.assertIn("a newer run of this trial took over, so this process must stop", str(caught.exception))

    def test_a_wrong_token_stops_the_trial_like_a_stale_allocation(self):
        env = {**self.server.env(), "PUSHTUNE_TOKEN": "wrong"}
        wrong = HttpTransport(self.server.url, "wrong")
        self.addCleanup(wrong.close)
        ctx = open_context(wrong, env=env)
        ctx.train.report_training_metrics(1, {"loss": 1.0})
        with self.assertRaises(RequestError) as caught:
            ctx.flush()
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")
        self.assertTrue(ctx.preempt.should_preempt())
        with self.assertRaises(RequestError):
            ctx.close()

    def test_a_trial_on_http_reports_delivers_and_completes(self):
        with pushtune.init(env=dict(self.server.env()), handle_sigterm=False) as ctx:
            for op in ctx.searcher.operations():
                for step in range(1, op.length + 1):
                    ctx.train.report_training_metrics(step, {"loss": 1.0})
                ctx.train.report_validation_metrics(op.length, {"validation_loss": 0.1})
                op.report_completed(0.1)
        self.assertEqual(len(self.fm.training_metrics), 10)
        self.assertEqual(self.fm.completed_operations, [{"length": 10, "searcher_metric": 0.1}])


if __name__ == "__main__":
    unittest.main()
