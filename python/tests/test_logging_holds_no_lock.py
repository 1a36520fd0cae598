"""The outage notices go to a log the user may give (stderr by default, which
can block): they are written while the sender holds no lock, so a slow log
never holds up the training loop's reports."""

import threading
import unittest

from pushtune.testing import FakeMaster

from .support import open_context


class LoggingHoldsNoLockTest(unittest.TestCase):
    def test_the_notices_of_an_outage_and_its_end_are_written_while_the_sender_holds_no_lock(self):
        fm = FakeMaster(ops=[10])
        lock_free_at = []
        holder = {}
        recovered = threading.Event()

        def log(line):
            # Another thread (the training loop) tries the sender's lock meanwhile.
            def probe():
                lock = holder["ctx"]._sender._cond
                taken = lock.acquire(blocking=False)
                if taken:
                    lock.release()
                lock_free_at.append((line.split(" (")[0], taken))

            thread = threading.Thread(target=probe)
            thread.start()
            thread.join()
            if "reachable again" in line:
                recovered.set()

        ctx = open_context(fm, log=log)
        holder["ctx"] = ctx
        with ctx:
            fm.fail_next(1)
            ctx.train.report_training_metrics(1, {"loss": 1.0})
            # Not flush(): nothing but the sender thread may take its lock meanwhile.
            recovered.wait()
        self.assertEqual(
            lock_free_at,
            [("pushtune: cannot reach the master", True), ("pushtune: the master is reachable again", True)],
        )


if __name__ == "__main__":
    unittest.main()
