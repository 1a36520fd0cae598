"""
The sklearn-digits trial written against pushtune's REST API alone: no SDK,
only Python's standard library beside scikit-learn. It trains what train.py
trains (the model and data of digits.py, the same epochs in the same order,
so the same validations at the same lengths), and it too runs trial after
trial in one process: when its trial is done, or must give its slot up, it
checkpoints and asks the master for another trial instead of exiting.

The loop, with the trial's PUSHTUNE_* variables (README, "REST API"):

- the operation: PUSHTUNE_OPERATION, then the answers below; ``{op: {length}}``
  trains until that total length (absolute: a resumed trial trains only what
  is left), validates and sends ``POST …/searcher/completed_operation`` with
  its metrics, whose answer is the next operation; ``{op: null}`` asks
  ``GET …/searcher/operation?waitSeconds=N`` (a long poll) until there is one;
  ``{completed: true}`` ends the trial; ``{preempt: true}`` asks it to stop;
- inside a long operation it pushes its training metrics and progress once a
  second (``POST …/metrics``), the rest with the completion;
- a thread long-polls ``GET /allocations/{id}/signals/preemption`` so that a
  trial told to stop while it trains (a pause, a kill) stops at its next report
  of the training loss (every ``scheduling_unit`` epochs);
- at its end the trial writes its checkpoint (``model.pkl`` beside a
  ``metadata.json``, the SDKs' layout) under PUSHTUNE_CHECKPOINT_DIR and asks
  ``POST /allocations/{id}/next_trial`` with it: one request registers the
  checkpoint, acknowledges a stop and hands this process the next trial's
  variables, or none (then it exits 0).

Every push is idempotent, so a request that fails on the way (no answer, a
5xx) is sent again. It validates only at the end of each operation and
checkpoints only when its run ends (``min_validation_period`` and
``min_checkpoint_period`` are the SDK's business). ``PUSHTUNE_*`` must be set:
``train.py`` is the one to run without a master.

    entrypoint: /usr/bin/python3 rest_train.py
"""

from __future__ import annotations

import http.client
import json
import math
import os
import pickle
import signal
import sys
import threading
import time
import uuid as uuid_module
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from digits import CLASSES, Digits, new_model, read_hparams, validate

#: How long the master may hold a long poll before it answers "nothing yet".
LONG_POLL_SECONDS = 30
#: Tries of one request before the trial gives up on the master.
ATTEMPTS = 8
#: Seconds between pushes of the training metrics and progress inside an operation.
PUSH_INTERVAL = 1.0


class Refused(Exception):
    """The master answered 4xx: the request is wrong or this allocation is over; sending it again will not help."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class Master:
    """Requests to the master with one trial's token, on a kept-alive connection."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme != "http" or not parts.hostname:
            raise SystemExit(f"rest_train.py: PUSHTUNE_MASTER must be an http:// URL, got {url!r}")
        self.url = url
        self.host, self.port = parts.hostname, parts.port or 80
        self.root = f"{parts.path}/api/v1"
        self.token = token
        self.connection: Optional[http.client.HTTPConnection] = None

    def call(self, method: str, path: str, body: Any = None, timeout: float = 60) -> Any:
        payload = None if body is None else json.dumps(body, allow_nan=False).encode()
        headers = {"authorization": f"Bearer {self.token}", "accept": "application/json"}
        if payload is not None:
            headers["content-type"] = "application/json"
        for attempt in range(1, ATTEMPTS + 1):
            if attempt > 1:
                time.sleep(min(0.1 * 2**attempt, 5))
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
                self.connection.timeout = timeout
                if self.connection.sock is not None:
                    self.connection.sock.settimeout(timeout)
                self.connection.request(method, self.root + path, body=payload, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                self.close()  # a connection that failed once is not trusted again
                if attempt == ATTEMPTS:
                    raise
                continue
            if response.status < 300:
                return json.loads(text)
            if response.status >= 500 or response.status == 429:
                continue  # the master's trouble, not the request's: sent again
            error = json.loads(text).get("error", {}) if text.startswith("{") else {}
            raise Refused(response.status, error.get("code", "?"), error.get("message", text[:300]))
        raise RuntimeError(f"{method} {path}: the master kept failing ({response.status}: {text[:300]})")

    def another(self) -> Master:
        """A client of the same master with the same token, on a connection of its own."""
        return Master(self.url, self.token)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class StopWatch:
    """Long-polls whether the master wants this allocation to stop, on a connection of its own;
    ``fired`` is set when it does (or when the process got SIGTERM)."""

    def __init__(self, master: Master, allocation_id: str) -> None:
        self.fired = threading.Event()
        self.ended = threading.Event()
        self.master = master.another()
        self.path = f"/allocations/{allocation_id}/signals/preemption?timeoutSeconds={LONG_POLL_SECONDS}"
        threading.Thread(target=self.run, daemon=True, name="stop-watch").start()

    def run(self) -> None:
        try:
            while not self.ended.is_set() and not self.fired.is_set():
                if self.master.call("GET", self.path, timeout=LONG_POLL_SECONDS + 10)["preempt"]:
                    self.fired.set()
        except Exception:
            pass  # the allocation ended (409) or the master is gone: the main loop hears of it itself

    def stop_now(self) -> bool:
        return self.fired.is_set() or TERMINATED.is_set()

    def end(self) -> None:
        """Lets the thread go; its last long poll ends when the allocation does."""
        self.ended.set()


#: SIGTERM came (the master ends an allocation that ignored a stop, or the machine shuts down).
TERMINATED = threading.Event()


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def store_checkpoint(root: Path, allocation: str, trial_id: int, epochs: int, model: Any) -> Dict[str, Any]:
    """Writes ``model.pkl`` and ``metadata.json`` into a new directory of ``root``, synced and
    renamed into place in one step; returns the checkpoint's report (the body of ``POST /checkpoints``).
    Written in the allocation's staging folder, with word left there just before it is published:
    the master removes what a killed process left half-written or never reported."""
    uuid = str(uuid_module.uuid4())
    tmp = root / ".pushtune-staging" / allocation / uuid
    tmp.mkdir(parents=True)
    metadata = {"uuid": uuid, "trialId": trial_id, "stepsCompleted": epochs, "framework": "pushtune-rest"}
    files = {"model.pkl": pickle.dumps(model), "metadata.json": json.dumps(metadata).encode()}
    for name, data in files.items():
        with open(tmp / name, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    tmp.with_name(uuid + ".published").touch()
    os.rename(tmp, root / uuid)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return {
        "uuid": uuid,
        "trialId": trial_id,
        "stepsCompleted": epochs,
        "resources": {name: len(data) for name, data in files.items()},
        "metadata": metadata,
    }


def run_trial(env: Dict[str, str], master: Master, digits: Digits) -> Optional[Dict[str, Any]]:
    """Runs one trial until it is done or told to stop; returns its checkpoint's report, if it trained."""
    trial_id, run_id = int(env["PUSHTUNE_TRIAL_ID"]), int(env["PUSHTUNE_TRIAL_RUN_ID"])
    if env.get("PUSHTUNE_FROM_MASTER"):
        # Variables too long for a process's environment: the master gives them.
        env = {**env, **master.call("GET", f"/allocations/{env['PUSHTUNE_ALLOCATION_ID']}/environment")["env"]}
    config = json.loads(env["PUSHTUNE_EXPERIMENT_CONFIG"])
    metric = config["searcher"]["metric"]
    unit = max(1, int(config.get("scheduling_unit") or 1))
    hp = read_hparams(json.loads(env["PUSHTUNE_HPARAMS"]))
    if isinstance(hp, str):
        print(f"sklearn-digits (REST): {hp}", file=sys.stderr)
        master.call("POST", f"/trials/{trial_id}/early_exit", {"reason": "INVALID_HP"})
        return None
    seed = int(env["PUSHTUNE_TRIAL_SEED"])
    root = Path(env["PUSHTUNE_CHECKPOINT_DIR"])
    model, epochs = new_model(hp, seed), 0
    latest = env.get("PUSHTUNE_LATEST_CHECKPOINT")
    if latest:
        # A promoted, paused or restarted trial goes on from its checkpoint.
        model = pickle.loads((root / latest / "model.pkl").read_bytes())
        epochs = int(json.loads((root / latest / "metadata.json").read_text())["stepsCompleted"])
        print(f"trial {trial_id} run {run_id}: resumed at epoch {epochs}")
    resumed_at = epochs
    watch = StopWatch(master, env["PUSHTUNE_ALLOCATION_ID"])
    operation_path = f"/trials/{trial_id}/searcher/operation?waitSeconds={LONG_POLL_SECONDS}"
    first = env.get("PUSHTUNE_OPERATION")
    answer = json.loads(first) if first else master.call("GET", operation_path, timeout=LONG_POLL_SECONDS + 10)
    reports: List[Dict[str, Any]] = []
    losses: List[float] = []

    def report_training() -> None:
        """The mean training loss since the last report, as a report at the current epoch."""
        if losses:
            loss = sum(losses) / len(losses)
            reports.append(
                {"group": "training", "stepsCompleted": epochs, "metrics": {"loss": loss}, "reportTime": now_iso()}
            )
            losses.clear()

    pushed_at = time.monotonic()
    try:
        while not (answer.get("preempt") or answer["completed"] or TERMINATED.is_set()):
            if answer["op"] is None:  # nothing decided yet: ask again, waiting on the master
                answer = master.call("GET", operation_path, timeout=LONG_POLL_SECONDS + 10)
                continue
            length = int(answer["op"]["length"])
            while epochs < length:
                model.partial_fit(*digits.epoch(seed, epochs), classes=CLASSES)
                epochs += 1
                if not math.isfinite(model.loss_):
                    print(f"sklearn-digits (REST): the training loss diverged at epoch {epochs}", file=sys.stderr)
                    master.call("POST", f"/trials/{trial_id}/early_exit", {"reason": "INVALID_HP"})
                    return None
                losses.append(model.loss_)
                if epochs % unit == 0 or epochs == length:
                    report_training()
                    if epochs < length and time.monotonic() - pushed_at >= PUSH_INTERVAL:
                        # What it trained so far, for the web UI and `pushtune trial list`.
                        body = {"reports": reports, "trialRunId": run_id, "progress": epochs}
                        master.call("POST", f"/trials/{trial_id}/metrics", body)
                        reports, pushed_at = [], time.monotonic()
                # It stops only where it has just reported: a trial resumed from that checkpoint
                # reports the training losses of one that never stopped.
                if epochs % unit == 0 and watch.stop_now():
                    break
            if epochs < length:
                break  # told to stop in the middle of the operation
            metrics = validate(model, digits)
            reports.append({"group": "validation", "stepsCompleted": epochs, "metrics": metrics})
            answer = master.call(
                "POST",
                f"/trials/{trial_id}/searcher/completed_operation",
                {
                    "op": {"length": length},
                    "searcherMetric": metrics[metric],
                    "metrics": {"reports": reports, "trialRunId": run_id},
                },
            )
            reports = []
        report_training()
        if reports:
            master.call("POST", f"/trials/{trial_id}/metrics", {"reports": reports, "trialRunId": run_id})
    finally:
        watch.end()
    # Done, or told to stop (a pause, or its slot is wanted while it waits for a promotion).
    allocation = env["PUSHTUNE_ALLOCATION_ID"]
    return store_checkpoint(root, allocation, trial_id, epochs, model) if epochs > resumed_at else None


def main() -> None:
    if "PUSHTUNE_MASTER" not in os.environ:
        raise SystemExit("rest_train.py runs under a pushtune master (PUSHTUNE_* are not set); try train.py")
    # On SIGTERM the trial stops at its next report, checkpoints, and the process takes no other trial.
    signal.signal(signal.SIGTERM, lambda *_: TERMINATED.set())
    digits = Digits.load()  # once per process: every trial uses the same split
    env = dict(os.environ)
    master = Master(env["PUSHTUNE_MASTER"], env["PUSHTUNE_TOKEN"])
    while True:
        allocation = env["PUSHTUNE_ALLOCATION_ID"]
        checkpoint = run_trial(env, master, digits)
        if TERMINATED.is_set():
            if checkpoint is not None:
                master.call("POST", "/checkpoints", checkpoint)
            master.call("POST", f"/allocations/{allocation}/signals/ack_preemption", {})
            return
        body = {} if checkpoint is None else {"checkpoint": checkpoint}
        try:
            following = master.call("POST", f"/allocations/{allocation}/next_trial", body)["env"]
        except Refused as refused:
            # The allocation ended meanwhile (the master took this process for gone): the
            # checkpoint is registered all the same, and the process has no trial to run.
            print(f"sklearn-digits (REST): no next trial ({refused})", file=sys.stderr)
            return
        if following is None:
            return
        env.pop("PUSHTUNE_OPERATION", None)  # the next trial's, if it has one, is in `following`
        env.update(following)
        master.token = env["PUSHTUNE_TOKEN"]


if __name__ == "__main__":
    main()
