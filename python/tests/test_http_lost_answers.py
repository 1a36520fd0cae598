"""HTTP: a write whose answer was lost (the connection closed after the master
applied it) is not sent again behind the queue's back. The queue resends it as
a retry, so the master's 409 to the repeat counts as delivered, as the
contract says, instead of failing a completion that landed."""

import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import FAST, HttpFakeMaster


class HttpLostAnswersTest(unittest.TestCase):
    def test_a_completion_applied_whose_answer_was_lost_on_a_kept_alive_connection_is_delivered(self):
        fm = FakeMaster(ops=[10, 20])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        logged = []
        with pushtune.init(env=server.env(), backoff=FAST, handle_sigterm=False, log=logged.append) as ctx:
            operations = iter(ctx.searcher.operations())
            op = next(operations)
            ctx.train.report_validation_metrics(10, {"validation_loss": 0.5})
            ctx.flush()  # the completion goes on a kept-alive connection
            server.lose_answers = 1
            op.report_completed(0.5)
            self.assertEqual(next(operations).length, 20)
        self.assertEqual(fm.completed_operations, [{"length": 10, "searcher_metric": 0.5}])
        completions = [r for r in server.received if r.endswith("/searcher/completed_operation")]
        self.assertEqual(len(completions), 2)


if __name__ == "__main__":
    unittest.main()
