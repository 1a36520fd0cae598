"""pushtune: what a Python trial imports. The core context (``init``) for any
training loop, ``trials()`` to run trial after trial in one process, and
``pushtune.testing.FakeMaster`` to test trial code without a server."""

from .backoff import Backoff
from .checkpoints import METADATA_FILE, Checkpoints
from .context import Context, TrainReports, init
from .errors import (
    CheckpointNotFoundError,
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
from .searcher import SearcherOperation
from .transport import HttpTransport, Transport
from .trials import trials

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "CheckpointNotFoundError",
    "Checkpoints",
    "Context",
    "HttpTransport",
    "InvalidHP",
    "InvalidReportError",
    "METADATA_FILE",
    "PreemptedError",
    "Preemption",
    "PushtuneError",
    "RequestError",
    "RetryableError",
    "SearcherOperation",
    "TrainReports",
    "Transport",
    "TrialEnvironmentError",
    "UnexpectedResponseError",
    "init",
    "trials",
]
