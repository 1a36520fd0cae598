"""The errors the SDK raises.

A push is either worth retrying (the master was unreachable or overloaded; the
request may or may not have landed) or final (the master answered with a
stable error code; sending it again will not help).
"""

from __future__ import annotations

import errno
from typing import Any, Optional


class PushtuneError(Exception):
    """Base class of every error the SDK raises."""


class RetryableError(PushtuneError):
    """Network failure, timeout, 429 or 5xx: send again later."""

    def __init__(
        self, message: str, status: Optional[int] = None, retry_after: Optional[float] = None
    ) -> None:
        super().__init__(message)
        #: The HTTP status, or None when no answer came back at all.
        self.status = status
        #: The master's ``Retry-After`` in seconds, when it gave one.
        self.retry_after = retry_after


class RequestError(PushtuneError):
    """The master answered 4xx with a stable code: this request will never succeed as it is."""

    def __init__(self, code: str, message: str, status: int, details: Any = None) -> None:
        hint = _WHAT_TO_DO.get(code)
        super().__init__(f"{message} ({code}: {hint})" if hint else f"{message} ({code})")
        self.code = code
        self.status = status
        self.details = details


class UnexpectedResponseError(PushtuneError):
    """The master answered something that does not match the protocol."""

    def __init__(self, message: str, body: Any) -> None:
        super().__init__(message)
        self.body = body


class InvalidReportError(PushtuneError, ValueError):
    """A metric or step the SDK refuses before anything is sent."""


class PreemptedError(PushtuneError):
    """Why ``ctx.preempt`` fired when the master (or SIGTERM) asks the trial to stop."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "the master asked this trial to stop (preemption): checkpoint and exit"
        )


class InvalidHP(PushtuneError):
    """Raise from setup, train_batch or evaluate when the hyperparameters cannot work: the trial exits early."""


class TrialEnvironmentError(PushtuneError):
    """This process cannot be the trial it was started as (a PUSHTUNE_* variable is missing or malformed)."""


class CheckpointNotFoundError(PushtuneError, FileNotFoundError):
    def __init__(self, uuid: str, root: str) -> None:
        super().__init__(f"checkpoint {uuid} not found in {root}")
        self.uuid = uuid


class CheckpointStoreError(PushtuneError, OSError):
    """The file system refused a checkpoint (ENOSPC: its disk is full; EDQUOT,
    EACCES, ...): nothing was published or reported. ``errno`` is the system's."""

    def __init__(self, uuid: str, root: str, error: OSError) -> None:
        code = errno.errorcode.get(error.errno or 0, "")
        what = f"{code}: {error.strerror}" if code and error.strerror else str(error)
        super().__init__(f"checkpoint {uuid} could not be stored in {root}: {what}")
        self.errno = error.errno
        self.uuid = uuid


#: What a refusal means for the trial, by code.
_WHAT_TO_DO = {
    "STALE_ALLOCATION": "a newer run of this trial took over, so this process must stop; the master goes on with the trial",
    "UNAUTHENTICATED": "the master does not accept PUSHTUNE_TOKEN; a trial must use the token its master gave it",
    "FORBIDDEN": "a trial's token may only report for its own trial",
    "METRIC_CONFLICT": "this step was reported before with other values; after a restart, report the same values again",
    "OP_MISMATCH": "complete the operation the master handed out, with its length",
}

#: Codes after which this process must stop pushing for good: its token is wrong,
#: or a newer allocation of the trial superseded it (a fencing token).
FATAL_CODES = frozenset({"STALE_ALLOCATION", "UNAUTHENTICATED", "FORBIDDEN"})


def is_fatal(error: BaseException) -> bool:
    return isinstance(error, RequestError) and error.code in FATAL_CODES


_STATUS_CODES = {
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "INVALID_TRANSITION",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def code_for_status(status: int) -> str:
    """The code a 4xx without a well-formed error body is given."""
    return _STATUS_CODES.get(status, "BAD_REQUEST")
