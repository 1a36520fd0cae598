"""trials(): trial after trial in one process."""

import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import FAST, HttpFakeMaster, Scripted, two_trials


class TrialsTest(unittest.TestCase):
    def test_a_process_runs_the_trials_the_master_hands_it_one_after_another(self):
        first = FakeMaster(ops=[5], trial_id=1, allocation_id="a-1", hparams={"lr": 0.1})
        second = FakeMaster(ops=[5], trial_id=2, allocation_id="a-2", hparams={"lr": 0.2})
        handed: list = []
        env = dict(first.env())
        seen = []
        for ctx in pushtune.trials(env=env, transport=two_trials(first, second, handed), handle_sigterm=False):
            seen.append((ctx.trial_id, ctx.hparams["lr"], env["PUSHTUNE_TRIAL_ID"]))
            for op in ctx.searcher.operations():
                ctx.train.report_validation_metrics(op.length, {"validation_loss": ctx.hparams["lr"]})
                op.report_completed(ctx.hparams["lr"])
        self.assertEqual(seen, [(1, 0.1, "1"), (2, 0.2, "2")])
        self.assertEqual(handed, [2])
        # Each trial's reports were delivered before the next one started.
        self.assertEqual(first.completed_operations, [{"length": 5, "searcher_metric": 0.1}])
        self.assertEqual(second.completed_operations, [{"length": 5, "searcher_metric": 0.2}])
        self.assertEqual(len(first.validation_metrics), 1)

    def test_a_refused_ask_for_the_next_trial_ends_the_loop(self):
        fm = FakeMaster(ops=[5])

        def answer(method, path, body):
            if path.endswith("/next_trial"):
                raise pushtune.RequestError("STALE_ALLOCATION", "ended", 409)
            return fm.request(method, path, body)

        count = 0
        for ctx in pushtune.trials(env=dict(fm.env()), transport=Scripted(answer), handle_sigterm=False):
            count += 1
            for op in ctx.searcher.operations():
                op.report_completed(1.0)
        self.assertEqual(count, 1)


class _TwoTrialsOverHttp:
    """``two_trials`` behind an HttpFakeMaster: the next trial's environment names the server."""

    def __init__(self, first: FakeMaster, second: FakeMaster) -> None:
        self._first = first
        self._scripted = two_trials(first, second)
        self.server = HttpFakeMaster(self)

    def env(self):
        return self._first.env()

    def request(self, method, path, body=None, timeout=None):
        answer = self._scripted.request(method, path, body)
        if path.endswith("/next_trial") and answer["env"] is not None:
            here = {"PUSHTUNE_MASTER": self.server.url, "PUSHTUNE_TOKEN": self.server.token}
            answer = {"env": {**answer["env"], **here}}
        return answer


class TrialsConnectionsTest(unittest.TestCase):
    def test_the_next_trial_goes_on_the_connections_of_the_last_one(self):
        first = FakeMaster(ops=[5], trial_id=1, allocation_id="a-1")
        second = FakeMaster(ops=[5], trial_id=2, allocation_id="a-2")
        master = _TwoTrialsOverHttp(first, second)
        self.addCleanup(master.server.close)
        seen = []
        for ctx in pushtune.trials(env=dict(master.server.env()), backoff=FAST, handle_sigterm=False):
            seen.append(ctx.trial_id)
            for op in ctx.searcher.operations():
                ctx.train.report_training_metrics(op.length, {"loss": 1.0})
                op.report_completed(0.5)
        self.assertEqual(seen, [1, 2])
        requests = list(zip(master.server.received, master.server.peers))
        of_second = {peer for request, peer in requests if "/trials/2/" in request or "/a-2/" in request}
        of_first = {peer for request, peer in requests if "/trials/1/" in request or "/a-1/" in request}
        self.assertTrue(of_second)
        # No connection opened for the second trial: its requests went on the first one's.
        self.assertLessEqual(of_second, of_first)


if __name__ == "__main__":
    unittest.main()
