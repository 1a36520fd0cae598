"""The one seam between the SDK and the master. ``HttpTransport`` speaks REST;
``pushtune.testing.FakeMaster`` implements the same method in memory, so trial
code can be tested without a server."""

from __future__ import annotations

import email.utils
import http.client
import json
import math
import selectors
import socket
import threading
import time
from typing import Any, Dict, List, Optional, Protocol, Set, Tuple
from urllib.parse import urlsplit


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


class ConnectionPool:
    """Kept-alive connections to one master, idle between requests. A process that
    runs trial after trial (``trials()``) gives every trial's transport the same
    pool, so the next trial's requests go on the connections of the last one
    instead of opening new ones."""

    def __init__(self, master: str) -> None:
        parts = urlsplit(master.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {master!r}")
        self.master = master
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._lock = threading.Lock()
        #: Connections that carried a request and wait for the next one.
        self._idle: List[http.client.HTTPConnection] = []
        self._closed = False

    def serves(self, master: str) -> bool:
        """Whether this pool's connections go to ``master``."""
        return self.master.rstrip("/") == master.rstrip("/")

    def take(self, wait: float) -> Tuple[http.client.HTTPConnection, bool]:
        """An idle connection (True: it carried a request before) or a new one."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
            while connection is not None and _closed_by_peer(connection):
                connection.close()
                connection = self._idle.pop() if self._idle else None
        if connection is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            return cls(self._host, self._port, timeout=wait), False
        return connection, True

    def give_back(self, connection: http.client.HTTPConnection) -> None:
        """Keeps ``connection`` for the next request; closes it once the pool is closed."""
        with self._lock:
            if not self._closed:
                self._idle.append(connection)
                return
        connection.close()

    @property
    def idle(self) -> int:
        with self._lock:
            return len(self._idle)

    def close(self) -> None:
        """Closes the idle connections; a connection given back later is closed, not kept."""
        with self._lock:
            self._closed = True
            connections, self._idle = self._idle, []
        for connection in connections:
            connection.close()


class HttpTransport:
    """REST over ``http.client``. Kept-alive connections are pooled, not tied to
    a thread: a request takes an idle one (or opens one) and gives it back, so
    the short-lived threads that wait for the master's answers share a few
    connections instead of leaving a socket behind each. ``pool``: connections
    shared with other transports (``trials()``: one per trial, one pool per
    process); without it the transport has a pool of its own."""

    def __init__(
        self, master: str, token: str, timeout: float = 30.0, pool: Optional[ConnectionPool] = None
    ) -> None:
        if pool is not None and not pool.serves(master):
            raise ValueError(f"a pool of connections to {pool.master} cannot serve {master}")
        self._own_pool = pool is None
        # A pool's master is an http(s) URL (its constructor checks it).
        self._pool = ConnectionPool(master) if pool is None else pool
        parts = urlsplit(master.rstrip("/"))
        # The REST API's own URL (``…/api/v1``) is taken for its master's, as the CLI takes it.
        path = parts.path[: -len("/api/v1")] if parts.path.endswith("/api/v1") else parts.path
        self._root = f"{path}/api/v1"
        self._base = f"{parts.scheme}://{parts.netloc}{self._root}"
        self._token = token
        self._timeout = timeout
        self._lock = threading.Lock()
        #: Connections carrying one of this transport's requests now: what ``close`` cuts.
        self._busy: Set[http.client.HTTPConnection] = set()
        self._closed = False

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
            # socket.timeout is a TimeoutError only from Python 3.10 on.
            timed_out = isinstance(error, (TimeoutError, socket.timeout))
            what = "timed out" if timed_out else "failed"
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

    def _exchange(
        self, method: str, path: str, payload: Optional[bytes], headers: Dict[str, str], wait: float
    ) -> Tuple[int, Optional[float], str]:
        # A kept-alive connection the master closed while it was idle is left
        # (``_take``). One that closes under a request fails at once: a GET is
        # tried once more on a fresh connection; a write is not, since the master
        # may have applied it: the push queue resends it as a retry, whose 409
        # then counts as delivered.
        for attempt in (1, 2):
            connection, reused = self._take(wait)
            try:
                connection.request(method, self._root + path, body=payload, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                self._discard(connection)
                if attempt == 2 or not reused or method != "GET":
                    raise
                continue
            except BaseException:
                self._discard(connection)
                raise
            if response.getheader("connection", "").lower() == "close":
                self._discard(connection)
            else:
                self._give_back(connection)
            return response.status, _retry_after(response.getheader("retry-after")), text
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Ends this transport's requests still under way (a long poll still waiting
        ends) and, with a pool of its own, closes the kept-alive connections; a
        connection given back later is closed, not kept."""
        with self._lock:
            self._closed = True
            busy = list(self._busy)
            self._busy.clear()
        for connection in busy:
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            connection.close()
        if self._own_pool:
            self._pool.close()

    @property
    def open_connections(self) -> int:
        """Connections open now: carrying one of this transport's requests, or idle in its pool."""
        with self._lock:
            busy = len(self._busy)
        return busy + self._pool.idle

    def _take(self, wait: float) -> Tuple[http.client.HTTPConnection, bool]:
        """An idle connection of the pool (True: it carried a request before) or a new one."""
        connection, reused = self._pool.take(wait)
        with self._lock:
            self._busy.add(connection)
        connection.timeout = wait
        if connection.sock is not None:
            connection.sock.settimeout(wait)
        return connection, reused

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            kept = not self._closed and connection in self._busy
            self._busy.discard(connection)
        if kept:
            self._pool.give_back(connection)
        else:
            connection.close()

    def _discard(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._busy.discard(connection)
        connection.close()


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle kept-alive connection was closed by the master: between two
    requests nothing is ever there to read, except the end of the stream."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ)
            return bool(selector.select(0))
    except (OSError, ValueError):
        return True


def _parse_json(text: str) -> Any:
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _retry_after(header: Optional[str]) -> Optional[float]:
    """``Retry-After`` in seconds (a number of seconds, or an HTTP date); None when absent.
    A number that is not finite (``inf``, ``nan``, ``1e400``) counts as absent: the
    sender, waiting for it, would never send again."""
    if header is None:
        return None
    try:
        seconds = float(header)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
