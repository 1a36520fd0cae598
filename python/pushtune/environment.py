"""The trial's environment (DESIGN §4): everything the master tells a trial's process."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, MutableMapping, Optional
from urllib.parse import urlsplit

from .errors import TrialEnvironmentError
from .experiment_config import ExperimentConfig, local_experiment_config, read_experiment_config

Env = MutableMapping[str, str]

#: What a user whose trial cannot start should know.
_WHAT_TO_DO = (
    " (a master sets every PUSHTUNE_* variable when it starts a trial;"
    " without PUSHTUNE_TRIAL_ID the script runs a local dry run)"
)


@dataclass
class TrialEnvironment:
    master: str
    token: str
    trial_id: int
    experiment_id: int
    allocation_id: str
    run_id: int
    hparams: Dict[str, Any]
    trial_seed: int
    #: The checkpoint to resume from, or None for a fresh start.
    latest_checkpoint: Optional[str]
    #: shared_fs root: checkpoint ``<uuid>`` lives in ``<checkpoint_dir>/<uuid>/``.
    checkpoint_dir: str
    config: ExperimentConfig
    #: PUSHTUNE_OPERATION: what asking for the trial's operation answered when the
    #: master started it, so the trial need not ask; None: ask.
    operation: Optional[Dict[str, Any]]


#: PUSHTUNE_FROM_MASTER: the names (comma-separated) of the PUSHTUNE_* variables a
#: launcher left out of a trial process's environment because their values were too
#: long to pass (Linux refuses to start a process with one variable over 128 KiB).
#: The trial reads them from ``GET /allocations/{id}/environment``.
FROM_MASTER = "PUSHTUNE_FROM_MASTER"

#: The variables a launcher may leave out: their values grow with the experiment's config.
LONG_VARIABLES = ("PUSHTUNE_HPARAMS", "PUSHTUNE_EXPERIMENT_CONFIG")


#: The longest value (UTF-8 bytes) of a LONG_VARIABLES variable passed in a process's
#: environment. Linux refuses to start a process with one variable over 128 KiB (E2BIG).
LONGEST_PASSED_BYTES = 32 * 1024


def passable(env: Mapping[str, str]) -> Dict[str, str]:
    """``env`` as a process may be given it: a variable of LONG_VARIABLES longer than
    LONGEST_PASSED_BYTES is left out, and PUSHTUNE_FROM_MASTER names it."""
    out = dict(env)
    left = [name for name in LONG_VARIABLES if len(out.get(name, "").encode()) > LONGEST_PASSED_BYTES]
    for name in left:
        del out[name]
    if left:
        out[FROM_MASTER] = ",".join(left)
    return out


def left_out(env: Mapping[str, str]) -> List[str]:
    """The variables PUSHTUNE_FROM_MASTER says the launcher left out of ``env`` as too
    long to pass (only names of LONG_VARIABLES count): the trial reads them from the
    master (``with_variables_from_master``)."""
    listed = env.get(FROM_MASTER, "").split(",")
    return [name for name in LONG_VARIABLES if name in listed and not env.get(name)]


def is_off_cluster(env: Mapping[str, str]) -> bool:
    """No trial. A process that has a PUSHTUNE_TRIAL_ID was started as a trial, and a
    trial without its master's URL is an error, never a dry run: it would "train" on
    its own, exit 0 and look done. PUSHTUNE_MASTER and PUSHTUNE_TOKEN alone are the
    CLI's (a user's shell exports them for it), so a script run there is still a dry run."""
    return not env.get("PUSHTUNE_TRIAL_ID")


def dry_run_reason(env: Mapping[str, str]) -> str:
    """Why a process runs a dry run, for its first line."""
    return "not started by a master (no PUSHTUNE_TRIAL_ID)" if env.get("PUSHTUNE_MASTER") else "PUSHTUNE_MASTER is not set"


def read_trial_environment(env: Mapping[str, str]) -> TrialEnvironment:
    """Reads PUSHTUNE_*; reports every missing or malformed variable at once."""
    problems: List[str] = []
    from_master = left_out(env)

    def text(name: str) -> str:
        value = env.get(name, "")
        if value == "" and name not in from_master:
            problems.append(f"{name} is not set")
        return value

    def integer(name: str, minimum: int) -> int:
        value = text(name)
        if value == "":
            return minimum
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            problems.append(f'{name} must be an integer >= {minimum}, got "{value}"')
        return number

    def url(name: str) -> str:
        value = text(name)
        if value != "" and not _is_http_url(value):
            problems.append(f'{name} must be the master\'s http:// or https:// URL, got "{value}"')
        return value

    def hparams() -> Dict[str, Any]:
        value = text("PUSHTUNE_HPARAMS")
        if value == "":
            return {}
        try:
            return parse_hparams(value)
        except ValueError as error:
            problems.append(f"PUSHTUNE_HPARAMS: {error}")
            return {}

    def config() -> ExperimentConfig:
        value = text("PUSHTUNE_EXPERIMENT_CONFIG")
        if value == "":
            return local_experiment_config()
        try:
            return read_experiment_config(value)
        except ValueError as error:
            problems.append(f"PUSHTUNE_EXPERIMENT_CONFIG: {error}")
            return local_experiment_config()

    result = TrialEnvironment(
        master=url("PUSHTUNE_MASTER"),
        token=text("PUSHTUNE_TOKEN"),
        trial_id=integer("PUSHTUNE_TRIAL_ID", 1),
        experiment_id=integer("PUSHTUNE_EXPERIMENT_ID", 1),
        allocation_id=text("PUSHTUNE_ALLOCATION_ID"),
        run_id=integer("PUSHTUNE_TRIAL_RUN_ID", 1),
        hparams=hparams(),
        trial_seed=integer("PUSHTUNE_TRIAL_SEED", 0),
        latest_checkpoint=env.get("PUSHTUNE_LATEST_CHECKPOINT") or None,
        checkpoint_dir=text("PUSHTUNE_CHECKPOINT_DIR"),
        config=config(),
        operation=_read_operation(env.get("PUSHTUNE_OPERATION")),
    )
    if problems:
        raise TrialEnvironmentError(f"pushtune: cannot start this trial: {'; '.join(problems)}{_WHAT_TO_DO}")
    return result


def trial_environment_or_exit(env: Mapping[str, str], own_process: bool) -> TrialEnvironment:
    """``read_trial_environment`` for the SDK's entry points. When the environment is
    the process's own, an unusable one ends the process at once with one line on
    stderr and exit status 1: a traceback would only bury the reason in the
    trial's logs. An environment passed in gets the error raised instead."""
    try:
        return read_trial_environment(env)
    except TrialEnvironmentError as error:
        if not own_process:
            raise
        print(str(error), file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and bool(parts.hostname)
    except ValueError:
        return False


def _read_operation(raw: Optional[str]) -> Optional[Dict[str, Any]]:
    """A hint, not an order: anything but a well-formed answer means "ask"."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if is_operation_response(value) else None


def parse_hparams(text: str) -> Dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object of hyperparameters")
    return value


def trial_environment_variables(t: TrialEnvironment) -> Dict[str, str]:
    """Every PUSHTUNE_* variable a trial gets (for fakes and dry runs)."""
    variables = {
        "PUSHTUNE_MASTER": t.master,
        "PUSHTUNE_TOKEN": t.token,
        "PUSHTUNE_TRIAL_ID": str(t.trial_id),
        "PUSHTUNE_EXPERIMENT_ID": str(t.experiment_id),
        "PUSHTUNE_ALLOCATION_ID": t.allocation_id,
        "PUSHTUNE_TRIAL_RUN_ID": str(t.run_id),
        "PUSHTUNE_HPARAMS": json.dumps(t.hparams),
        "PUSHTUNE_TRIAL_SEED": str(t.trial_seed),
        "PUSHTUNE_LATEST_CHECKPOINT": t.latest_checkpoint or "",
        "PUSHTUNE_CHECKPOINT_DIR": t.checkpoint_dir,
        "PUSHTUNE_EXPERIMENT_CONFIG": json.dumps(t.config),
    }
    if t.operation is not None:
        variables["PUSHTUNE_OPERATION"] = json.dumps(t.operation)
    return variables


# Checks of the master's answers; they accept what the protocol schemas accept.


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_operation_response(x: Any) -> bool:
    if not isinstance(x, dict) or not isinstance(x.get("completed"), bool):
        return False
    if "preempt" in x and not isinstance(x["preempt"], bool):
        return False
    op = x.get("op", "missing")
    if op is None:
        return True
    return isinstance(op, dict) and _is_int(op.get("length")) and op["length"] >= 1


def is_preemption_response(x: Any) -> bool:
    return isinstance(x, dict) and isinstance(x.get("preempt"), bool)


def is_best_metric_response(x: Any) -> bool:
    if not isinstance(x, dict) or "metric" not in x:
        return False
    metric = x["metric"]
    return metric is None or (isinstance(metric, (int, float)) and not isinstance(metric, bool))


def is_environment_response(x: Any) -> bool:
    if not isinstance(x, dict) or not isinstance(x.get("env"), dict):
        return False
    return all(isinstance(v, str) for v in x["env"].values())


def is_next_trial_response(x: Any) -> bool:
    if not isinstance(x, dict) or "env" not in x:
        return False
    env = x["env"]
    return env is None or (isinstance(env, dict) and all(isinstance(v, str) for v in env.values()))
