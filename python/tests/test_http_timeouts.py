"""HTTP: a request the master does not answer in time is retryable, and says
that it timed out (on every supported Python: before 3.10 a socket's timeout
is not a TimeoutError)."""

import unittest

from pushtune.errors import RetryableError
from pushtune.testing import FakeMaster
from pushtune.transport import HttpTransport

from .support import HttpFakeMaster


class HttpTimeoutsTest(unittest.TestCase):
    def test_a_request_without_an_answer_in_time_is_retryable_and_says_it_timed_out(self):
        fm = FakeMaster(ops=[10])
        server = HttpFakeMaster(fm)
        self.addCleanup(server.close)
        self.addCleanup(fm.preempt)  # ends the poll the server still holds
        transport = HttpTransport(server.url, "fake-token")
        self.addCleanup(transport.close)
        # The master holds this poll for a minute; the client gives up long before.
        path = f"/allocations/{fm.env()['PUSHTUNE_ALLOCATION_ID']}/signals/preemption?timeoutSeconds=60"
        with self.assertRaises(RetryableError) as caught:
            transport.request("GET", path, None, 0.2)
        self.assertIn(f"/api/v1{path} timed out", str(caught.exception))
        self.assertIsNone(caught.exception.status)


if __name__ == "__main__":
    unittest.main()
