"""Reports held back for pacing are dropped with the queue when the master
refuses the allocation for good: nothing more is sent for a process the master
has moved past (as the TypeScript SDK's sender)."""

from __future__ import annotations

import threading
import time
import unittest
from typing import Any, Dict, List

from pushtune.errors import RequestError
from pushtune.push_sender import PushSender


class RecordingApi:
    def __init__(self) -> None:
        self.sent: List[List[Dict[str, Any]]] = []
        self.lock = threading.Lock()

    def send(self, items: List[Dict[str, Any]]) -> None:
        with self.lock:
            self.sent.append(items)


class PacedAfterRefusalTest(unittest.TestCase):
    def test_a_report_held_for_pacing_is_not_sent_after_a_refusal_for_good(self) -> None:
        api = RecordingApi()
        sender = PushSender(api, log=lambda _line: None, min_interval=0.3)  # type: ignore[arg-type]
        sender.push_report({"steps_completed": 1, "metrics": {"loss": 1.0}})
        self.assertTrue(sender.flush(5))
        self.assertEqual(len(api.sent), 1)
        # The next report waits for the pacing interval; the refusal comes first.
        sender.push_report({"steps_completed": 2, "metrics": {"loss": 0.5}})
        sender.push_progress(0.5)
        refusal = RequestError("STALE_ALLOCATION", "superseded", 409)
        sender.fail(refusal)
        time.sleep(0.6)  # past the interval: a held report would have gone by now
        self.assertEqual(len(api.sent), 1)
        with self.assertRaises(RequestError) as caught:
            sender.push_report({"steps_completed": 3, "metrics": {"loss": 0.2}})
        self.assertIs(caught.exception, refusal)


if __name__ == "__main__":
    unittest.main()
