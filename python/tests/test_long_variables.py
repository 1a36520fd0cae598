"""A trial whose launcher left its long variables out of its environment
(PUSHTUNE_FROM_MASTER names them) reads them from the master before it starts."""

import unittest
from typing import Any, Dict, Optional

import pushtune
from pushtune.backoff import Backoff
from pushtune.testing import FakeMaster

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


if __name__ == "__main__":
    unittest.main()
