"""Off the cluster (no PUSHTUNE_TRIAL_ID set), ``init()``
runs the trial against an in-memory master: one operation of the config's
``max_length``, every report printed as a line, checkpoints written to a
temporary directory. So ``python3 train.py`` is enough to debug a trial."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any, Callable, Dict, Mapping, Tuple

from .environment import dry_run_reason, parse_hparams
from .experiment_config import local_experiment_config, normalise_length, read_experiment_config
from .testing.fake_master import FakeMaster


def _stdout_line(line: str) -> None:
    """A report line on stdout. Once its reader has gone (``python3 train.py | head``),
    stdout is pointed at /dev/null, so this line and every later write (the script's
    own, and the flush at exit) are dropped rather than raising BrokenPipeError: what
    the reader wanted, it has."""
    try:
        print(line, file=sys.stdout, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def start_dry_run(
    env: Mapping[str, str], options: Dict[str, Any], log: Callable[[str], None]
) -> Tuple[FakeMaster, Dict[str, str]]:
    """``options``: ``hparams`` (unless PUSHTUNE_HPARAMS is set), ``max_length`` (batches,
    or a length such as ``{"epochs": 2}``), ``config`` (overrides, unless
    PUSHTUNE_EXPERIMENT_CONFIG is set), ``checkpoint_dir``, ``print``."""
    out: Callable[[str], None] = options.get("print") or _stdout_line
    if env.get("PUSHTUNE_EXPERIMENT_CONFIG"):
        config = read_experiment_config(env["PUSHTUNE_EXPERIMENT_CONFIG"])
    else:
        config = local_experiment_config(options.get("config"))
    wanted = options.get("max_length")
    if wanted is None:
        max_length = config["searcher"]["max_length"]
    elif isinstance(wanted, int):
        max_length = {"unit": "batches", "value": wanted}
    else:
        max_length = normalise_length(wanted, "max_length")
    config = {**config, "searcher": {**config["searcher"], "max_length": max_length}}
    hparams = parse_hparams(env["PUSHTUNE_HPARAMS"]) if env.get("PUSHTUNE_HPARAMS") else dict(options.get("hparams") or {})
    checkpoint_dir = (
        options.get("checkpoint_dir") or env.get("PUSHTUNE_CHECKPOINT_DIR") or tempfile.mkdtemp(prefix="pushtune-dry-run-")
    )
    master = FakeMaster(
        ops=[max_length["value"]],
        hparams=hparams,
        config=config,
        checkpoint_dir=str(checkpoint_dir),
        latest_checkpoint=env.get("PUSHTUNE_LATEST_CHECKPOINT") or None,
        on_event=lambda event: out(f"[dry run] {describe(event)}"),
    )
    out(
        f"[dry run] {dry_run_reason(env)}: one operation of {max_length['value']} {max_length['unit']}, "
        f"hparams {json.dumps(hparams)}, checkpoints in {checkpoint_dir}"
    )
    return master, master.env()


def describe(event: Dict[str, Any]) -> str:
    kind = event["type"]
    if kind == "metrics":
        report = event["report"]
        values = " ".join(f"{k}={v}" for k, v in report["metrics"].items())
        return f"{report['group']} metrics at step {report['stepsCompleted']}: {values}"
    if kind == "progress":
        return f"progress {event['progress']}"
    if kind == "completedOperation":
        return f"operation {event['length']} completed, searcher metric {event['searcherMetric']}"
    if kind == "checkpoint":
        c = event["checkpoint"]
        files = len(c["resources"])
        return f"checkpoint {c['uuid']} at step {c['stepsCompleted']} ({files} file{'' if files == 1 else 's'})"
    if kind == "earlyExit":
        return f"early exit: {event['reason']}"
    if kind == "ackPreemption":
        return "preemption acknowledged"
    return "asked for a next trial: a dry run has one"
