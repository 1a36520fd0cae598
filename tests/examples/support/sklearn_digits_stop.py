"""Drives one of examples/sklearn-digits' trials in this process (``train.py``
against the SDK's FakeMaster, or ``rest_train.py`` against a fake of its HTTP
client): a trial told to stop while it trains epoch STOP_AT, resumed from the
checkpoint it took, and the same trial run straight through. Prints JSON:
each run's training reports ``[epoch, loss]`` and checkpoint epochs.

    python3 sklearn_digits_stop.py sdk|rest   (PYTHONPATH: the SDK and the example)
"""

import contextlib
import json
import sys
import tempfile
import time

import digits as example
import rest_train
import train

import pushtune
from pushtune.experiment_config import local_experiment_config
from pushtune.testing import FakeMaster

LENGTH = 16
#: The stop comes while epoch 6 trains: inside the second report of scheduling_unit 4.
STOP_AT = 6
HPARAMS = {"lr": 0.003, "alpha": 0.0001, "width": 16}
CONFIG = {
    "searcher": {"name": "single", "metric": "validation_loss", "max_length": {"batches": LENGTH}},
    "scheduling_unit": 4,
    "min_validation_period": {"batches": 8},
    "min_checkpoint_period": None,
}


class Digits(example.Digits):
    """The example's data; ``stop()`` is called as the epoch ``STOP_AT`` (1-based) is read."""

    stop = staticmethod(lambda: None)

    def epoch(self, seed, index):
        if index + 1 == STOP_AT:
            type(self).stop()
        return super().epoch(seed, index)


def with_sdk(data, stop, directory, latest=None):
    fm = FakeMaster(ops=[LENGTH], hparams=HPARAMS, config=CONFIG, checkpoint_dir=directory, latest_checkpoint=latest)
    with pushtune.init(transport=fm, env=fm.env()) as ctx:
        Digits.stop = staticmethod(ctx.preempt.told_by_master if stop else lambda: None)
        train.run_trial(ctx, data)
    training = [[m["stepsCompleted"], m["metrics"]["loss"]] for m in fm.training_metrics]
    checkpoints = [c["stepsCompleted"] for c in fm.checkpoints]
    uuid = fm.checkpoints[-1]["uuid"] if fm.checkpoints else None
    return {"training": training, "checkpoints": checkpoints}, uuid


class FakeRestMaster:
    """rest_train.Master's calls, answered as a master would for one operation of LENGTH."""

    def __init__(self):
        self.reports = []
        self.token = "fake-token"

    def call(self, method, path, body=None, timeout=60):
        if "/signals/preemption" in path:
            time.sleep(0.01)
            return {"preempt": False}
        if path.endswith("/metrics"):
            self.reports += body["reports"]
            return {}
        if path.endswith("/completed_operation"):
            self.reports += body["metrics"]["reports"]
            return {"op": None, "completed": True}
        raise AssertionError(f"unexpected {method} {path}")

    def another(self):
        return self


def with_rest(data, stop, directory, latest=None):
    master = FakeRestMaster()
    env = {
        "PUSHTUNE_TRIAL_ID": "1",
        "PUSHTUNE_TRIAL_RUN_ID": "1",
        "PUSHTUNE_ALLOCATION_ID": "allocation-1",
        "PUSHTUNE_EXPERIMENT_CONFIG": json.dumps(local_experiment_config(CONFIG)),
        "PUSHTUNE_HPARAMS": json.dumps(HPARAMS),
        "PUSHTUNE_TRIAL_SEED": "0",
        "PUSHTUNE_CHECKPOINT_DIR": directory,
        "PUSHTUNE_LATEST_CHECKPOINT": latest or "",
        "PUSHTUNE_OPERATION": json.dumps({"op": {"length": LENGTH}, "completed": False}),
    }
    rest_train.TERMINATED.clear()
    Digits.stop = staticmethod(rest_train.TERMINATED.set if stop else lambda: None)
    checkpoint = rest_train.run_trial(env, master, data)
    training = [[r["stepsCompleted"], r["metrics"]["loss"]] for r in master.reports if r["group"] == "training"]
    checkpoints = [checkpoint["stepsCompleted"]] if checkpoint else []
    return {"training": training, "checkpoints": checkpoints}, checkpoint and checkpoint["uuid"]


def main():
    run = {"sdk": with_sdk, "rest": with_rest}[sys.argv[1]]
    data = Digits(*example.Digits.load().__dict__.values())
    directory = tempfile.mkdtemp(prefix="sklearn-digits-stop-")
    with contextlib.redirect_stdout(sys.stderr):  # the trials' own lines
        stopped, uuid = run(data, True, directory)
        resumed, _ = run(data, False, directory, uuid)
        straight, _ = run(data, False, tempfile.mkdtemp(prefix="sklearn-digits-straight-"))
    print(json.dumps({"stopped": stopped, "resumed": resumed, "straight": straight}))


if __name__ == "__main__":
    main()
