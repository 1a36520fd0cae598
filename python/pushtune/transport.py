"""The one seam between the SDK and the master. ``HttpTransport`` speaks REST;
``pushtune.testing.FakeMaster`` implements the same method in memory, so trial
code can be tested without a server."""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import threading
import weakref
import time
from typing import Any, Optional
from urllib.parse import urlsplit

try:  # Protocol is in typing from Python 3.8.
    from typing import Protocol
except ImportError:  # pragma: no cover
    Protocol = object  # type: ignore[assignment,misc]

from .errors import RequestError, RetryableError, code_for_status


class Transport(Protocol):
    def request(
        self, method: str, path: str, body: Any = None, timeout: Optional[float] = None
    ) -> Any:
        """Sends one request. ``path`` is relative to the API root (``/trials/1/progress``,
        query string included). Returns the parsed JSON answer (None when empty);
        raises ``RetryableError`` (network, timeout, 429, 5xx) or ``RequestError``
        (4xx with a stable code). May be called from several threads at once."""
        ...


class HttpTransport:
    """REST over ``http.client``, one kept-alive connection per thread (the SDK's
    threads each have one conversation at a time with the master)."""

    def __init__(self, master: str, token: str, timeout: float = 30.0) -> None:
        parts = urlsplit(master.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {master!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._root = f"{parts.path}/api/v1"
        self._base = f"{parts.scheme}://{parts.netloc}{self._root}"
        self._token = token
        self._timeout = timeout
        self._local = threading.local()
        self._connections: "weakref.WeakSet[http.client.HTTPConnection]" = weakref.WeakSet()

    def request(
        self, method: str, path: str, body: Any = None, timeout: Optional[float] = None
    ) -> Any:
        headers = {"authorization": f"Bearer {self._token}", "accept": "application/json"}
        payload: Optional[bytes] = None
        if body is not None:
            payload = json.dumps(body, allow_nan=False, separators=(",", ":")).encode()
            headers["content-type"] = "application/json"
        wait = self._timeout if timeout is None else timeout
        try:
            status, retry_after, text = self._exchange(method, path, payload, headers, wait)
        except (OSError, http.client.HTTPException) as error:
            self._drop_connection()
            what = "timed out" if isinstance(error, TimeoutError) else "failed"
            raise RetryableError(
                f"{method} {self._base}{path} {what}: {error or type(error).__name__}"
            ) from None

        answer = _parse_json(text)
        if 200 <= status < 300:
            return answer
        error_body = answer.get("error") if isinstance(answer, dict) else None
        if not isinstance(error_body, dict):
            error_body = None
        message = str(error_body.get("message")) if error_body else text[:500]
        if status == 429 or status >= 500:
            raise RetryableError(f"{method} {path}: {status} {message}", status, retry_after)
        code = error_body.get("code") if error_body else None
        if not isinstance(code, str) or not code.isupper():
            code = code_for_status(status)
        details = error_body.get("details") if error_body else None
        raise RequestError(code, f"{method} {path}: {message}", status, details)

    def _exchange(self, method, path, payload, headers, wait):  # type: ignore[no-untyped-def]
        # A kept-alive connection the master closed meanwhile fails at once: that
        # one request is tried once more on a fresh connection.
        for attempt in (1, 2):
            connection = self._connection(wait)
            reused = getattr(self._local, "used", False)
            try:
                connection.request(method, self._root + path, body=payload, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                self._drop_connection()
                if attempt == 2 or not reused:
                    raise
                continue
            self._local.used = True
            if response.getheader("connection", "").lower() == "close":
                self._drop_connection()
            return response.status, _retry_after(response.getheader("retry-after")), text
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Closes every kept-alive connection (a long poll still waiting on one ends)."""
        for connection in list(self._connections):
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            connection.close()

    def _connection(self, wait: float) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = cls(self._host, self._port, timeout=wait)
            self._local.connection = connection
            self._local.used = False
            self._connections.add(connection)
        connection.timeout = wait
        if connection.sock is not None:
            connection.sock.settimeout(wait)
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        self._local.used = False
        if connection is not None:
            connection.close()


def _parse_json(text: str) -> Any:
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _retry_after(header: Optional[str]) -> Optional[float]:
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
