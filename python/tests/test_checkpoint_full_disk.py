"""A checkpoint the checkpoint storage has no room for: the trial is told which
checkpoint and why (ENOSPC), nothing is published or reported, the temporary
directory is gone, and the checkpoint before it is still whole. Needs a tmpfs
(root); skipped where mounting is not allowed."""

import errno
import os
import re
import subprocess
import tempfile
import unittest

import pushtune
from pushtune.testing import FakeMaster

from .support import open_context


def mount_small_disk(megabytes: int) -> str:
    """A tmpfs of ``megabytes`` on a fresh directory, unmounted when the test ends."""
    directory = tempfile.mkdtemp(prefix="pushtune-small-disk-")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", directory],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        os.rmdir(directory)
        raise unittest.SkipTest(f"cannot mount a tmpfs ({mounted.stderr.strip()})")
    return directory


def fill(directory: str) -> str:
    """Fills the disk of ``directory`` up to its last byte; the file that does it."""
    filler = os.path.join(directory, "filler")
    with open(filler, "ab", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return filler


class CheckpointFullDiskTest(unittest.TestCase):
    def setUp(self) -> None:
        self.disk = mount_small_disk(4)
        self.addCleanup(os.rmdir, self.disk)
        self.addCleanup(subprocess.run, ["umount", "--lazy", self.disk], check=True)

    def test_a_checkpoint_a_full_disk_cannot_take_fails_naming_it_and_enospc(self):
        checkpoint_dir = os.path.join(self.disk, "checkpoints")
        os.mkdir(checkpoint_dir)
        fm = FakeMaster(ops=[10], checkpoint_dir=checkpoint_dir)
        with open_context(fm) as ctx:
            before = ctx.checkpoint.store({"steps_completed": 10}, lambda p: (p / "w").write_text("10"))
            filler = fill(self.disk)
            with self.assertRaises(pushtune.CheckpointStoreError) as raised:
                ctx.checkpoint.store({"steps_completed": 20}, lambda p: (p / "w.bin").write_bytes(b"x" * 2**20))
            self.assertRegex(
                str(raised.exception),
                "^checkpoint [0-9a-f-]{36} could not be stored in " + re.escape(checkpoint_dir) + ": ENOSPC",
            )
            self.assertEqual(raised.exception.errno, errno.ENOSPC)
            self.assertIsInstance(raised.exception, OSError)
            self.assertEqual(sorted(os.listdir(checkpoint_dir)), sorted([before, ".pushtune-staging"]))
            # Nothing of the failed one is left in the staging folder.
            staging = os.path.join(checkpoint_dir, ".pushtune-staging", "allocation-1")
            self.assertEqual(os.listdir(staging), [before + ".published"])
            os.remove(filler)
            ctx.flush()
            self.assertEqual([c["uuid"] for c in fm.checkpoints], [before])
            with ctx.checkpoint.restore_path(before) as path:
                self.assertEqual((path / "w").read_text(), "10")


if __name__ == "__main__":
    unittest.main()
