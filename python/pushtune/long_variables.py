"""Trial variables the launcher left out of this process's environment as too long to
pass (PUSHTUNE_FROM_MASTER names them), read from the master."""

from __future__ import annotations

import time
from typing import Mapping

from .backoff import Backoff
from .environment import FROM_MASTER, TrialEnvironment, left_out
from .errors import RetryableError
from .push_api import PushApi, TrialIdentity
from .transport import Transport


def with_variables_from_master(
    env: Mapping[str, str], trial: TrialEnvironment, transport: Transport, backoff: Backoff
) -> Mapping[str, str]:
    """``env`` with the variables it lacks (``left_out``) read from the master, asking
    again while the master cannot answer; ``env`` itself when it lacks none. A variable
    the master does not give stays unset, and reading the trial from the result says so."""
    names = left_out(env)
    if not names:
        return env
    identity = TrialIdentity(trial.trial_id, trial.experiment_id, trial.allocation_id, trial.run_id)
    api = PushApi(transport, identity)
    failures = 0
    while True:
        try:
            given = api.environment()
            break
        except RetryableError:
            failures += 1
            time.sleep(backoff.delay(failures))
    full = {name: value for name, value in env.items() if name != FROM_MASTER}
    for name in names:
        if name in given:
            full[name] = given[name]
    return full
