"""A checkpoint's files and directories are all fsynced before it is published,
and those fsyncs run at once, so that they share the filesystem's journal commits."""

import os
import threading
import unittest
from unittest import mock

from pushtune.testing import FakeMaster

from .support import open_context


class CheckpointSyncsTest(unittest.TestCase):
    def test_every_file_and_directory_is_synced_at_once_before_the_checkpoint_is_published(self):
        fm = FakeMaster(ops=[10])
        real_fsync = os.fsync
        synced = []
        lock = threading.Lock()
        # The tree's three fsyncs (two files, their directory) must be under way together:
        # one after another, the first would wait here until the barrier breaks.
        together = threading.Barrier(3, timeout=5)

        def fsync(fd):
            path = os.readlink(f"/proc/self/fd/{fd}")
            with lock:
                synced.append(path)
            if ".pushtune-staging" in path:
                together.wait()
            real_fsync(fd)

        with open_context(fm) as ctx, mock.patch("os.fsync", fsync):
            with ctx.checkpoint.store_path({"steps_completed": 10}) as path:
                (path / "model.bin").write_bytes(b"x" * 10)
                tmp = str(path)
            uuid = ctx.checkpoint.last_stored
        self.assertCountEqual(
            synced,
            [f"{tmp}/model.bin", f"{tmp}/metadata.json", tmp, fm.checkpoint_dir],
        )
        # The root last: the rename into place is what it makes durable.
        self.assertEqual(synced[-1], fm.checkpoint_dir)
        self.assertTrue(os.path.isdir(os.path.join(fm.checkpoint_dir, uuid)))


if __name__ == "__main__":
    unittest.main()
