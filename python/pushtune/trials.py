"""One process, trial after trial. Starting Python, importing a framework and
loading a dataset cost a second or more each time; ``trials()`` pays them once.
It yields the context of the trial this process was started for; when the loop
body is done with it, closes it (delivering everything reported), tells the
master the trial's work is over, and yields the next trial of the same
experiment that the master gives this process, until there is none (or the
process was sent SIGTERM: it is wanted gone and takes no next trial)::

    data = load_dataset()               # once per process
    for ctx in pushtune.trials():
        MyTrial(data).fit(ctx=ctx)      # a fresh model per trial

Between trials the PUSHTUNE_* variables of ``env`` (``os.environ`` by default)
are those of the current trial. Off the cluster it yields the one dry-run
context. ``fit_trials`` is that loop for a Trainer: a fresh trainer for every
trial, made by the callable it is given::

    pushtune.fit_trials(MyTrainer)      # or lambda: MyTrainer(data)"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, Iterator, List, MutableMapping, Optional

from .backoff import DEFAULT_BACKOFF, Backoff
from .context import Context, init
from .environment import FROM_MASTER, is_off_cluster, passable, trial_environment_or_exit
from .errors import RequestError, RetryableError
from .notices import stderr_line
from .push_api import PushApi, TrialIdentity
from .trainer import FitResult, Trainer
from .transport import ConnectionPool, HttpTransport, Transport


def trials(
    *,
    env: Optional[MutableMapping[str, str]] = None,
    transport: Optional[Transport] = None,
    **options: Any,
) -> Iterator[Context]:
    """Yields one context per trial this process runs (see the module's docs).
    ``transport``, if given, serves every trial (tests); ``options`` go to ``init``."""
    own = env is None
    environ: MutableMapping[str, str] = os.environ if env is None else env
    backoff: Backoff = options.get("backoff", DEFAULT_BACKOFF)
    if transport is None and is_off_cluster(environ):
        with init(env=None if own else environ, **options) as ctx:
            yield ctx
        return
    # One pool of kept-alive connections for the process: each trial's transport has the
    # trial's token, and the next trial's requests go on the last one's connections.
    pool: Optional[ConnectionPool] = None
    try:
        while True:
            trial = trial_environment_or_exit(environ, own)
            opened: Optional[HttpTransport] = None
            if transport is None:
                pool = _pool_for(pool, trial.master)
                opened = HttpTransport(trial.master, trial.token, pool=pool)
                link: Transport = opened
            else:
                link = transport
            try:
                with init(env=None if own else environ, transport=link, **options) as ctx:
                    ctx.preempt.defer_ack = True
                    yield ctx
                    if ctx.preempt.stopped_by_signal:
                        # Sent SIGTERM, the process is wanted gone: it takes no other trial. Closed
                        # as a context of its own, it delivers what it reported, its checkpoint and
                        # an acknowledgement kept back (the master may have asked for the stop too).
                        ctx.close()
                        return
                    # Asking for the next trial tells the master the stop it asked for was
                    # acknowledged, and registers the checkpoint taken for it: one request for the three.
                    ctx.close(asking_for_next_trial=True)
                identity = TrialIdentity(trial.trial_id, trial.experiment_id, trial.allocation_id, trial.run_id)
                api = PushApi(link, identity)
                following = ctx.hand_over(lambda checkpoint: _ask_for_next_trial(api, backoff, checkpoint))
            finally:
                # However the trial ends (a break, an error in the loop's body): the long polls
                # still waiting on its connections end.
                if opened is not None:
                    opened.close()
            if following is None:
                return
            # Variables too long to pass to a process this one starts are read from the master again.
            environ.pop(FROM_MASTER, None)
            environ.update(passable(following))
    finally:
        # However the loop ends: no socket is left.
        if pool is not None:
            pool.close()


def fit_trials(make_trainer: Callable[[], Trainer], **options: Any) -> List[FitResult]:
    """Fits a fresh trainer from ``make_trainer`` to every trial the master hands
    this process (``trials(**options)``), one after another, each torn down before
    the next is made; off the cluster, to the one dry-run trial. Logs a line per
    trial (its outcome and batches) and returns their results, in order, when
    there is no next trial. A fit that raises ends it, as a loop body that
    raises ends ``trials()``."""
    log: Callable[[str], None] = options.get("log", stderr_line)
    results: List[FitResult] = []
    for ctx in trials(**options):
        result = make_trainer().fit(ctx=ctx)
        log(f"pushtune: trial {ctx.trial_id} {result.outcome} after {result.batches} batches")
        results.append(result)
    return results


def _pool_for(pool: Optional[ConnectionPool], master: str) -> ConnectionPool:
    """``pool`` if its connections go to ``master``; else a new pool (``pool`` is closed)."""
    if pool is not None and pool.serves(master):
        return pool
    if pool is not None:
        pool.close()
    return ConnectionPool(master)


def _ask_for_next_trial(
    api: PushApi, backoff: Backoff, checkpoint: Optional[Dict[str, Any]]
) -> Optional[Dict[str, str]]:
    """None when there is no next trial, or when the master refuses the ask (the
    allocation was stopped meanwhile; it registered the carried ``checkpoint``
    before refusing): either way this process is done. An ask
    that got no answer is repeated: the master answers a repeated ask the same,
    and registers the same ``checkpoint`` once."""
    failures = 0
    while True:
        try:
            return api.next_trial(checkpoint)
        except RequestError:
            return None
        except RetryableError:
            failures += 1
            time.sleep(backoff.delay(failures))
