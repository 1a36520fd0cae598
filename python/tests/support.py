"""What the SDK's tests share: a FakeMaster served over real HTTP, a recording
transport, and running a trial script in a child process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pushtune
from pushtune.environment import read_trial_environment
from pushtune.errors import RequestError, RetryableError
from pushtune.testing import FakeMaster

PYTHON_DIR = Path(__file__).resolve().parent.parent
FAST = pushtune.Backoff(initial=0.01, maximum=0.05)


def open_context(fm: Any, env: Optional[Dict[str, str]] = None, **options: Any) -> pushtune.Context:
    """A context on ``fm`` (any transport) with fast retries and no SIGTERM handler;
    ``options`` go to ``Context`` (``min_report_interval``, ``min_ask_interval``…)."""
    options.setdefault("backoff", FAST)
    options.setdefault("handle_sigterm", False)
    trial = read_trial_environment(env if env is not None else fm.env())
    return pushtune.Context(trial, fm, dry_run=False, **options)


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class Scripted:
    """A transport that answers from a script: each request is given to ``answer``,
    which returns a value or raises; every request is recorded."""

    def __init__(self, answer: Callable[[str, str, Any], Any]) -> None:
        self.answer = answer
        self.calls: List[Tuple[str, str, Any]] = []
        self.lock = threading.Lock()

    def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None) -> Any:
        with self.lock:
            self.calls.append((method, path, body))
        return self.answer(method, path, body)

    def paths(self) -> List[str]:
        with self.lock:
            return [p for _, p, _ in self.calls]


def two_trials(
    first: FakeMaster, second: FakeMaster, handed: Optional[List[int]] = None, length: int = 5
) -> Scripted:
    """A transport for a process started for ``first``'s trial (allocation ``a-1``,
    trial 1) to which the master hands ``second``'s (``a-2``, trial 2, its first
    operation ``length``) when asked for the next trial, and nothing after it;
    ``handed`` records each hand-over."""

    def answer(method: str, path: str, body: Any) -> Any:
        if path.endswith("/next_trial"):
            if "/a-1/" in path:
                if handed is not None:
                    handed.append(2)
                operation = json.dumps({"op": {"length": length}, "completed": False})
                return {"env": {**second.env(), "PUSHTUNE_OPERATION": operation}}
            return {"env": None}
        of_first = "/trials/1/" in path or "/a-1/" in path or (isinstance(body, dict) and body.get("trialId") == 1)
        return (first if of_first else second).request(method, path, body)

    return Scripted(answer)


class HttpFakeMaster:
    """A FakeMaster behind a real HTTP server on 127.0.0.1. ``status_override``
    lets a test answer the next requests with a given status and body."""

    def __init__(self, fm: FakeMaster, token: str = "fake-token") -> None:
        self.fm = fm
        self.token = token
        self.received: List[str] = []
        #: The client address of each request, in order: one per connection the SDK opened.
        self.peers: List[Tuple[str, int]] = []
        self.overrides: List[Tuple[int, Dict[str, str], Any]] = []
        #: The next this many requests are applied, then their connection closes unanswered.
        self.lose_answers = 0
        #: The next this many requests are answered, then their connection closes (an idle timeout).
        self.hang_up_after_answers = 0
        #: Set once a connection was closed by one of the two above.
        self.hung_up = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer._handle(self, "GET")

            def do_POST(self) -> None:
                outer._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> Dict[str, str]:
        return {**self.fm.env(), "PUSHTUNE_MASTER": self.url, "PUSHTUNE_TOKEN": self.token}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        path = h.path
        self.received.append(f"{method} {path}")
        self.peers.append(h.client_address)
        prefix = "/api/v1"
        if h.headers.get("authorization") != f"Bearer {self.token}":
            return self._send(h, 401, {"error": {"code": "UNAUTHENTICATED", "message": "bad token"}})
        if self.overrides:
            status, headers, body = self.overrides.pop(0)
            return self._send(h, status, body, headers)
        try:
            answer = self.fm.request(method, path[len(prefix) :], json.loads(raw) if raw else None)
        except RetryableError as error:
            return self._send(h, 503, {"error": {"code": "UNAVAILABLE", "message": str(error)}})
        except RequestError as error:
            return self._send(h, error.status, {"error": {"code": error.code, "message": str(error)}})
        if self.lose_answers > 0:
            self.lose_answers -= 1
            return self._hang_up(h)
        self._send(h, 200, answer if answer is not None else {})
        if self.hang_up_after_answers > 0:
            self.hang_up_after_answers -= 1
            self._hang_up(h)

    def _hang_up(self, h: BaseHTTPRequestHandler) -> None:
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)
        self.hung_up.set()

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: Any, headers: Optional[Dict[str, str]] = None) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        try:
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout under test)


#: A trial's body (indented under its ``ctx``, the names ``time`` and ``pushtune``
#: imported): trains one step a millisecond, prints "training" at step 50, and once
#: told to stop checkpoints its steps and acknowledges.
TRAIN_UNTIL_PREEMPTED = """    steps = 0
    for op in ctx.searcher.operations():
        while steps < op.length and not ctx.preempt.should_preempt():
            steps += 1
            ctx.train.report_training_metrics(steps, {"loss": 1.0})
            if steps == 50:
                print("training", flush=True)
            time.sleep(0.001)
        break
    with ctx.checkpoint.store_path({"steps_completed": steps}) as path:
        (path / "state").write_text(str(steps))
    ctx.preempt.acknowledge()
"""


def run_script(code: str, env: Dict[str, str], timeout: float = 60.0, **kwargs: Any) -> subprocess.Popen:
    """Starts ``python -c code`` with ``env`` on top of a minimal environment and the SDK importable."""
    full = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(PYTHON_DIR),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def sigterm_while_training(
    test: Any, code: str, stderr_unread: bool = False
) -> Tuple[FakeMaster, "subprocess.Popen[str]", str, str]:
    """Runs ``code`` (a trial that prints "training" once it trains) against a fake master
    of one endless operation, sends it SIGTERM once it trains, and waits for it to end:
    the fake master, the process, its stdout and its stderr. ``stderr_unread``: the
    reader of the trial's stderr is gone before the SIGTERM (a write there fails)."""
    fm = FakeMaster(ops=[10**6])
    server = HttpFakeMaster(fm)
    test.addCleanup(server.close)
    child = run_script(code, server.env())
    test.addCleanup(lambda: child.poll() is None and child.kill())
    test.assertEqual(child.stdout.readline().strip(), "training")
    if stderr_unread:
        child.stderr.close()
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    return fm, child, out, err
