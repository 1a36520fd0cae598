"""HTTP: a kept-alive connection the master closed while it was idle (its
keep-alive timeout) is noticed before it is used: the next write goes on a
fresh connection and succeeds, rather than failing once and waiting for a retry."""

import unittest

from pushtune.testing import FakeMaster
from pushtune.transport import HttpTransport

from .support import HttpFakeMaster

BEST = "/experiments/1/searcher/best_searcher_validation_metric"


class HttpIdleConnectionClosedTest(unittest.TestCase):
    def test_a_write_after_the_master_closed_the_idle_connection_goes_on_a_fresh_one(self):
        server = HttpFakeMaster(FakeMaster(ops=[10]))
        self.addCleanup(server.close)
        transport = HttpTransport(server.url, "fake-token")
        self.addCleanup(transport.close)
        server.hang_up_after_answers = 1
        transport.request("GET", BEST)
        server.hung_up.wait()
        transport.request("POST", "/trials/1/progress", {"progress": 1})
        self.assertEqual(server.received[-1], "POST /api/v1/trials/1/progress")
        self.assertEqual(len(set(server.peers)), 2)


if __name__ == "__main__":
    unittest.main()
