"""The dry run prints each report as the in-memory master takes it, with that
master's lock released: a slow stdout (a pipe nobody reads yet) holds up no
other conversation with it, such as the wait for the next operation."""

import threading
import unittest

import pushtune


class DryRunPrintsOutsideTheLockTest(unittest.TestCase):
    def test_the_lines_of_the_dry_run_are_printed_while_its_master_holds_no_lock(self):
        printed = []
        holder = {}

        def out(line):
            master = holder.get("master")
            if master is None:  # the opening line, before the master serves anything
                return

            def probe():
                taken = master._cond.acquire(blocking=False)
                if taken:
                    master._cond.release()
                printed.append((line.split(":")[0], taken))

            thread = threading.Thread(target=probe)
            thread.start()
            thread.join()

        ctx = pushtune.init(env={}, dry_run={"print": out, "max_length": 5}, handle_sigterm=False)
        holder["master"] = ctx._sender._api.transport
        with ctx:
            ctx.train.report_training_metrics(1, {"loss": 1.0})
            ctx.flush()
        self.assertEqual(printed, [("[dry run] training metrics at step 1", True)])


if __name__ == "__main__":
    unittest.main()
