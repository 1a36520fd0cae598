"""Checkpoints as a trial sees them: write files into a directory, get a uuid back.

shared_fs storage, the same layout as the TypeScript SDK's (so either SDK reads
the other's checkpoints): checkpoint ``<uuid>`` is the directory
``<root>/<uuid>/`` with the SDK's ``metadata.json`` beside the user's files. A
checkpoint is written into the allocation's staging folder,
``<root>/.pushtune-staging/<allocation>/<uuid>/``, synced, and renamed into
place in one step, with ``<uuid>.published`` left beside it just before; only
then is its report queued for the master. A crash half-way leaves the staging
folder behind, for the master to remove once the process has ended, never a
partial checkpoint under its final name, and never a registered one
(src/protocol/checkpoint-layout.ts)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import threading
import time
import uuid as _uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, TypeVar

from .backoff import Backoff
from .errors import CheckpointNotFoundError, CheckpointStoreError, RequestError, RetryableError, is_fatal
from .metrics import check_steps
from .push_api import PushApi
from .push_sender import PushSender

METADATA_FILE = "metadata.json"
STAGING_DIR = ".pushtune-staging"
PUBLISHED_SUFFIX = ".published"
#: How long ``get_best_validation`` keeps retrying while the master is unreachable.
BEST_VALIDATION_DEADLINE = 10.0

T = TypeVar("T")


class Checkpoints:
    def __init__(
        self,
        root: str,
        api: PushApi,
        sender: PushSender,
        backoff: Backoff,
        latest: Optional[str],
        hold_back: Callable[[], bool] = lambda: False,
        on_fatal: Callable[[BaseException], None] = lambda error: None,
    ) -> None:
        self.root = Path(root)
        self._api = api
        self._sender = sender
        self._backoff = backoff
        self._latest = latest
        self._hold_back = hold_back
        #: Told of a refusal for good (STALE_ALLOCATION, UNAUTHENTICATED, FORBIDDEN) this hears.
        self._on_fatal = on_fatal
        #: A published checkpoint's report kept back for the ask for the next trial.
        self._held: Optional[Dict[str, Any]] = None
        #: The uuid of the last checkpoint this context stored.
        self.last_stored: Optional[str] = None

    @contextlib.contextmanager
    def store_path(self, metadata: Mapping[str, Any]) -> Iterator[Path]:
        """Yields a fresh directory to write the checkpoint's files into. When the
        block ends the SDK adds ``metadata.json``, publishes the directory
        atomically and queues its report (``last_stored`` is its uuid). If the block
        raises, nothing is published. ``metadata`` must hold ``steps_completed``:
        the batches (or the length in the searcher's unit) trained so far."""
        fields: Dict[str, Any] = _as_json(dict(metadata))
        steps = fields.pop("steps_completed", fields.pop("stepsCompleted", None))
        steps = check_steps(steps, "checkpoint metadata steps_completed")
        self._sender.raise_if_failed()
        uuid = str(_uuid.uuid4())
        tmp = self.root / STAGING_DIR / _path_segment(self._api.identity.allocation_id) / uuid
        published = tmp.with_name(uuid + PUBLISHED_SUFFIX)
        try:
            tmp.mkdir(parents=True)
            yield tmp
            document = {
                **fields,
                "uuid": uuid,
                "trialId": self._api.identity.trial_id,
                "stepsCompleted": steps,
                "framework": "pushtune",
            }
            _write_metadata(tmp, document)
            resources = _sync_tree(tmp)
            # Before the rename: a process killed right after it leaves word of a checkpoint not reported.
            published.touch()
            os.rename(tmp, self.root / uuid)
            _sync_dir(self.root)
        except OSError as error:
            _discard(tmp, published)
            raise CheckpointStoreError(uuid, str(self.root), error) from error
        except BaseException:
            _discard(tmp, published)
            raise
        body = {
            "uuid": uuid,
            "trialId": self._api.identity.trial_id,
            "stepsCompleted": steps,
            "resources": resources,
            "metadata": document,
        }
        if self._hold_back():
            # Told to stop in a process that asks for its next trial next: the ask carries it.
            self.release_held()
            self._held = body
        else:
            self._sender.push({"kind": "checkpoint", "body": body})
        self.last_stored = uuid

    @property
    def held_report(self) -> Optional[Dict[str, Any]]:
        """The report of a checkpoint kept back for the ask for the next trial, if any (still held)."""
        return self._held

    def take_held(self) -> Optional[Dict[str, Any]]:
        """The report of a checkpoint kept back for the ask for the next trial, if any; taken once."""
        held, self._held = self._held, None
        return held

    def release_held(self) -> None:
        """Queues the report of a checkpoint kept back, if any (no ask for a next trial will carry it)."""
        held = self.take_held()
        if held is not None:
            self._sender.push({"kind": "checkpoint", "body": held})

    def store(self, metadata: Mapping[str, Any], writer: Callable[[Path], Any]) -> str:
        """``store_path`` with a function that writes the files; returns the new uuid."""
        with self.store_path(metadata) as path:
            writer(path)
        assert self.last_stored is not None
        return self.last_stored

    @contextlib.contextmanager
    def restore_path(self, uuid: Optional[str] = None) -> Iterator[Path]:
        """Yields the directory of checkpoint ``uuid`` (by default the one this trial
        resumes from, PUSHTUNE_LATEST_CHECKPOINT)."""
        yield self.path(self._which(uuid))

    def read_metadata(self, uuid: Optional[str] = None) -> Dict[str, Any]:
        """The checkpoint's metadata: what was passed to ``store_path`` and the SDK's
        fields (``uuid``, ``trialId``, ``stepsCompleted``, also as ``steps_completed``)."""
        which = self._which(uuid)
        try:
            text = (self.path(which) / METADATA_FILE).read_text("utf-8")
        except FileNotFoundError:
            raise CheckpointNotFoundError(which, str(self.root)) from None
        document: Dict[str, Any] = json.loads(text)
        document.setdefault("steps_completed", document.get("stepsCompleted"))
        return document

    def path(self, uuid: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9-]{8,64}", uuid):
            raise ValueError(f'not a checkpoint uuid: "{uuid}"')
        path = self.root / uuid
        if not path.is_dir():
            raise CheckpointNotFoundError(uuid, str(self.root))
        return path

    def get_best_validation(self) -> Optional[float]:
        """The best searcher metric validated so far in the whole experiment, or None.
        Retries for a few seconds if the master is unreachable, then raises."""
        self._sender.raise_if_failed()
        deadline = time.monotonic() + BEST_VALIDATION_DEADLINE
        failures = 0
        while True:
            try:
                return self._api.best_validation()
            except RequestError as error:
                if is_fatal(error):
                    self._on_fatal(error)
                raise
            except RetryableError:
                failures += 1
                delay = self._backoff.delay(failures)
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)

    def _which(self, uuid: Optional[str]) -> str:
        which = uuid or self._latest
        if which is None:
            raise CheckpointNotFoundError("(latest)", str(self.root))
        return which


def _path_segment(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", name):
        raise ValueError(f'not an allocation id: "{name}"')
    return name


def _discard(tmp: Path, published: Path) -> None:
    """What an unfinished checkpoint left in the staging folder."""
    shutil.rmtree(tmp, ignore_errors=True)
    with contextlib.suppress(OSError):
        published.unlink()


def _as_json(value: Any) -> Any:
    """``value`` as the TypeScript SDK's ``JSON.stringify`` writes it: a float JSON
    cannot hold (NaN, infinity) becomes None (null), tuples become lists. Then
    the metadata file is JSON either SDK reads, and the master takes its report."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(item) for item in value]
    return value


def _write_metadata(directory: Path, document: Mapping[str, Any]) -> None:
    try:
        with open(directory / METADATA_FILE, "x", encoding="utf-8") as f:
            f.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    except FileExistsError:
        raise ValueError(f"a checkpoint must not contain {METADATA_FILE}: the SDK writes it") from None


def _utf8_path(relative: str) -> str:
    """``relative``, a file's path in a checkpoint, when UTF-8 can spell it: the master
    names a checkpoint's files by their UTF-8 paths and refuses any other. A name of
    bytes that are no UTF-8 reaches Python as lone surrogates (``surrogateescape``)."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"a checkpoint's file {relative!r} has a name that is not valid UTF-8, "
            "which the master cannot name: rename it"
        ) from None
    return relative


def _sync_tree(directory: Path) -> Dict[str, int]:
    """fsyncs every file and directory under ``directory``, all at once; returns the
    files' sizes by relative ``/``-separated path. Every fsync has returned when this
    does, so the tree is as durable as when they ran one by one, but they share the
    filesystem's journal commits: a model file, the metadata file and their
    directory synced one after another cost three disk round trips, at once about one."""
    resources: Dict[str, int] = {}
    paths: List[str] = []
    for current, _dirs, files in os.walk(directory):
        for name in files:
            full = os.path.join(current, name)
            if not os.path.isfile(full):
                continue
            paths.append(full)
            relative = _utf8_path(os.path.relpath(full, directory).replace(os.sep, "/"))
            resources[relative] = os.path.getsize(full)
        paths.append(current)
    _fsync_all(paths)
    return dict(sorted(resources.items()))


#: How many fsyncs run at once: each holds a file descriptor and a thread meanwhile.
SYNC_CONCURRENCY = 8


def _fsync_all(paths: List[str]) -> None:
    """fsyncs ``paths`` (files, and directories where the filesystem allows it)
    on up to ``SYNC_CONCURRENCY`` threads, this one among them; raises the first
    failure once all are done."""
    pending = list(reversed(paths))
    lock = threading.Lock()
    errors: List[BaseException] = []

    def work() -> None:
        while True:
            with lock:
                if not pending or errors:
                    return
                path = pending.pop()
            try:
                _fsync(path)
            except BaseException as error:  # noqa: BLE001 - raised by the caller's thread
                with lock:
                    errors.append(error)

    helpers = [
        threading.Thread(target=work, name="pushtune-fsync", daemon=True)
        for _ in range(min(SYNC_CONCURRENCY, len(paths)) - 1)
    ]
    for helper in helpers:
        helper.start()
    work()
    for helper in helpers:
        helper.join()
    if errors:
        raise errors[0]


def _fsync(path: str) -> None:
    if os.path.isdir(path):
        _sync_dir(Path(path))
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(path: Path) -> None:
    """A directory fsync makes a rename durable; some filesystems refuse it, which is fine."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
