"""The trial's environment: a launched trial without its master is an error, never a dry run."""

import os
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import run_script


class EnvironmentTest(unittest.TestCase):
    def test_a_launched_trial_without_pushtune_master_exits_1_with_one_line(self):
        env = {k: v for k, v in FakeMaster().env().items() if k != "PUSHTUNE_MASTER"}
        child = run_script("import pushtune\npushtune.init()\nprint('trained')", env)
        out, err = child.communicate(timeout=30)
        self.assertEqual(child.returncode, 1)
        self.assertEqual(out, "")
        (line,) = err.strip().splitlines()
        self.assertTrue(line.startswith("pushtune: cannot start this trial: PUSHTUNE_MASTER is not set ("), line)
        self.assertIn("without PUSHTUNE_TRIAL_ID the script runs a local dry run", line)

    def test_trials_refuses_the_same_way(self):
        env = {**FakeMaster().env(), "PUSHTUNE_MASTER": "ftp://somewhere"}
        child = run_script("import pushtune\nfor ctx in pushtune.trials(): print('trained')", env)
        out, err = child.communicate(timeout=30)
        self.assertEqual(child.returncode, 1)
        self.assertIn("PUSHTUNE_MASTER must be the master's http:// or https:// URL", err)
        self.assertNotIn("Traceback", err)

    def test_an_environment_passed_in_gets_every_problem_raised_at_once(self):
        env = {**FakeMaster().env(), "PUSHTUNE_TRIAL_ID": "x", "PUSHTUNE_HPARAMS": "[1]"}
        del env["PUSHTUNE_TOKEN"]
        with self.assertRaises(pushtune.TrialEnvironmentError) as caught:
            pushtune.init(env=env)
        message = str(caught.exception)
        self.assertIn("PUSHTUNE_TOKEN is not set", message)
        self.assertIn('PUSHTUNE_TRIAL_ID must be an integer >= 1, got "x"', message)
        self.assertIn("PUSHTUNE_HPARAMS: expected a JSON object", message)

    def test_the_context_carries_the_trial_s_identity_and_hyperparameters(self):
        fm = FakeMaster(hparams={"lr": 0.1, "layers": {"n": 2}}, trial_id=7, run_id=3, trial_seed=42)
        with pushtune.init(transport=fm, env=fm.env(), handle_sigterm=False) as ctx:
            self.assertEqual(ctx.hparams, {"lr": 0.1, "layers": {"n": 2}})
            self.assertEqual((ctx.trial_id, ctx.run_id, ctx.trial_seed), (7, 3, 42))
            self.assertEqual(ctx.config["searcher"]["metric"], "validation_loss")
            self.assertFalse(ctx.dry_run)


class DryRunTest(unittest.TestCase):
    def test_a_script_run_where_only_the_cli_s_master_and_token_are_set_is_a_dry_run(self):
        code = """
import pushtune
with pushtune.init() as ctx:
    print("init dry run:", ctx.dry_run)
for ctx in pushtune.trials():
    print("trials dry run:", ctx.dry_run)
"""
        cli = {"PUSHTUNE_MASTER": "http://127.0.0.1:8080", "PUSHTUNE_TOKEN": "a-user-token"}
        child = run_script(code, cli)
        out, err = child.communicate(timeout=30)
        self.assertEqual((child.returncode, err), (0, ""))
        lines = out.splitlines()
        self.assertIn("[dry run] not started by a master (no PUSHTUNE_TRIAL_ID): one operation of 100 batches", lines[0])
        self.assertIn("init dry run: True", lines)
        self.assertIn("trials dry run: True", lines)

    def test_off_the_cluster_a_trial_runs_one_short_operation_locally_and_says_so(self):
        code = """
import pushtune
with pushtune.init() as ctx:
    print("dry run:", ctx.dry_run)
    steps = 0
    for op in ctx.searcher.operations():
        while steps < op.length:
            steps += 1
            ctx.train.report_training_metrics(steps, {"loss": 1.0 / steps})
        ctx.train.report_validation_metrics(steps, {"validation_loss": 0.5})
        op.report_completed(0.5)
    with ctx.checkpoint.store_path({"steps_completed": steps}) as path:
        (path / "w").write_text("1")
print("done at", steps)
"""
        child = run_script(code, {"PUSHTUNE_HPARAMS": '{"lr": 0.5}'})
        out, err = child.communicate(timeout=30)
        self.assertEqual(child.returncode, 0, err)
        lines = out.splitlines()
        self.assertIn("[dry run] PUSHTUNE_MASTER is not set: one operation of 100 batches", lines[0])
        self.assertIn('hparams {"lr": 0.5}', lines[0])
        self.assertIn("dry run: True", lines)
        self.assertIn("[dry run] operation 100 completed, searcher metric 0.5", lines)
        self.assertTrue(any(l.startswith("[dry run] checkpoint ") and "at step 100" in l for l in lines))
        self.assertEqual(lines[-1], "done at 100")


if __name__ == "__main__":
    unittest.main()
