"""pushtune: what a Python trial imports. The core context (``init``) for any
training loop, the ``Trainer`` for those who would rather fill in a class,
``trials()`` to run trial after trial in one process (``fit_trials()``: with
a fresh Trainer for each), and ``pushtune.testing.FakeMaster`` to test trial
code without a server."""

from .backoff import Backoff
from .checkpoints import METADATA_FILE, Checkpoints
from .context import Context, TrainReports, init
from .errors import (
    CheckpointNotFoundError,
    CheckpointStoreError,
    InvalidHP,
    InvalidReportError,
    PreemptedError,
    PushtuneError,
    RequestError,
    RetryableError,
    TrialEnvironmentError,
    UnexpectedResponseError,
)
from .preemption import Preemption
from .search_runner import (
    NondeterministicSearchError,
    SearchMethod,
    SearchRunner,
    SearchState,
    close,
    shutdown,
    validate_after,
)
from .searcher import SearcherOperation
from .trainer import FitResult, Trainer
from .transport import HttpTransport, Transport
from .trials import fit_trials, trials

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "CheckpointNotFoundError",
    "CheckpointStoreError",
    "Checkpoints",
    "Context",
    "FitResult",
    "HttpTransport",
    "InvalidHP",
    "InvalidReportError",
    "METADATA_FILE",
    "NondeterministicSearchError",
    "PreemptedError",
    "Preemption",
    "PushtuneError",
    "RequestError",
    "RetryableError",
    "SearchMethod",
    "SearchRunner",
    "SearchState",
    "SearcherOperation",
    "TrainReports",
    "Trainer",
    "Transport",
    "TrialEnvironmentError",
    "UnexpectedResponseError",
    "close",
    "fit_trials",
    "init",
    "shutdown",
    "trials",
    "validate_after",
]
