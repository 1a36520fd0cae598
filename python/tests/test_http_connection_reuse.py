"""HTTP: kept-alive connections are shared by the SDK's threads, whichever
thread asks, so no request leaves a socket behind."""

import threading
import unittest

from pushtune.testing import FakeMaster
from pushtune.transport import HttpTransport

from .support import HttpFakeMaster

BEST = "/experiments/1/searcher/best_searcher_validation_metric"


class HttpConnectionReuseTest(unittest.TestCase):
    def setUp(self):
        self.server = HttpFakeMaster(FakeMaster(ops=[10]))
        self.addCleanup(self.server.close)
        self.transport = HttpTransport(self.server.url, "fake-token")
        self.addCleanup(self.transport.close)

    def test_requests_made_one_after_another_by_short_lived_threads_share_one_connection(self):
        # The wait for each searcher operation runs on a thread of its own.
        for _ in range(3):
            thread = threading.Thread(target=self.transport.request, args=("GET", BEST))
            thread.start()
            thread.join()
        self.assertEqual(len(self.server.received), 3)
        self.assertEqual(len(set(self.server.peers)), 1)

    def test_a_connection_given_back_after_close_is_closed_not_kept(self):
        self.transport.request("GET", BEST)
        self.transport.close()
        self.transport.request("GET", BEST)
        self.assertEqual(self.transport.open_connections, 0)


if __name__ == "__main__":
    unittest.main()
