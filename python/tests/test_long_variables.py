"""A trial whose launcher left its long variables out of its environment
(PUSHTUNE_FROM_MASTER names them) reads them from the master before it starts."""

import unittest
from typing import Any, Dict, List, Optional

import pushtune
from pushtune.backoff import Backoff
from pushtune.environment import passable
from pushtune.testing import FakeMaster

from .support import two_trials

HPARAMS = {"lr": 0.01, "label": 29999, "model": {"depth": 2}}
FAST = Backoff(initial=0.001, maximum=0.01)


def left_out_env(fm: FakeMaster) -> Dict[str, str]:
    """``fm``'s environment as a launcher passes it when both long variables are too long."""
    env = {k: v for k, v in fm.env().items() if k not in ("PUSHTUNE_HPARAMS", "PUSHTUNE_EXPERIMENT_CONFIG")}
    env["PUSHTUNE_FROM_MASTER"] = "PUSHTUNE_HPARAMS,PUSHTUNE_EXPERIMENT_CONFIG"
    return env


class LongVariablesTest(unittest.TestCase):
    def test_init_reads_them_from_the_master_asking_again_while_it_is_away(self) -> None:
        fm = FakeMaster(hparams=HPARAMS, config={"name": "long"})
        fm.fail_next(2)
        env = left_out_env(fm)
        with pushtune.init(env=env, transport=fm, backoff=FAST, handle_sigterm=False) as ctx:
            self.assertEqual(ctx.hparams, HPARAMS)
            self.assertEqual(ctx.config, fm.config)
        asks = [outcome for _, path, outcome in fm.requests if path.endswith("/environment")]
        self.assertEqual(asks, ["failed", "failed", "ok"])
        # Not written into the environment: a process the trial starts could not start with them.
        self.assertNotIn("PUSHTUNE_HPARAMS", env)

    def test_one_missing_but_not_named_is_an_error_and_one_the_master_does_not_give_is_named(self) -> None:
        fm = FakeMaster(hparams=HPARAMS)
        unnamed = {k: v for k, v in left_out_env(fm).items() if k != "PUSHTUNE_FROM_MASTER"}
        with self.assertRaises(pushtune.TrialEnvironmentError) as caught:
            pushtune.init(env=unnamed, transport=fm, handle_sigterm=False)
        self.assertIn("PUSHTUNE_HPARAMS is not set", str(caught.exception))

        class Lacking:
            def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Any:
                answer = fm.request(method, path, body, timeout)
                if path.endswith("/environment"):
                    answer["env"].pop("PUSHTUNE_EXPERIMENT_CONFIG")
                return answer

        with self.assertRaises(pushtune.TrialEnvironmentError) as caught:
            pushtune.init(env=left_out_env(fm), transport=Lacking(), handle_sigterm=False)
        self.assertIn("PUSHTUNE_EXPERIMENT_CONFIG is not set", str(caught.exception))
        self.assertNotIn("PUSHTUNE_HPARAMS", str(caught.exception))

    def test_a_trial_handed_over_reads_them_from_the_master_too_and_they_stay_out_of_the_environment(self) -> None:
        space = {"type": "categorical", "vals": list(range(30000))}
        config = {"name": "long", "hyperparameters": {"label": space}}
        first = FakeMaster(ops=[5], trial_id=1, allocation_id="a-1", hparams={"label": 1}, config=config)
        second = FakeMaster(ops=[5], trial_id=2, allocation_id="a-2", hparams={"label": 2}, config=config)
        asked: List[str] = []

        class Recording:
            def __init__(self) -> None:
                self.inner = two_trials(first, second)

            def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Any:
                if path.endswith("/environment"):
                    asked.append(path)
                return self.inner.request(method, path, body)

        env = passable(first.env())
        seen = []
        for ctx in pushtune.trials(env=env, transport=Recording(), handle_sigterm=False):
            self.assertNotIn("PUSHTUNE_EXPERIMENT_CONFIG", env)
            self.assertEqual(env["PUSHTUNE_FROM_MASTER"], "PUSHTUNE_EXPERIMENT_CONFIG")
            seen.append((ctx.trial_id, ctx.hparams["label"], len(ctx.config["hyperparameters"]["label"]["vals"])))
            for op in ctx.searcher.operations():
                op.report_completed(1.0)
        self.assertEqual(seen, [(1, 1, 30000), (2, 2, 30000)])
        self.assertEqual(asked, ["/allocations/a-1/environment", "/allocations/a-2/environment"])


if __name__ == "__main__":
    unittest.main()
