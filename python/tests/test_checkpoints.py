"""Checkpoints: published atomically, then registered; the TypeScript SDK's layout."""

import json
import os
import pathlib
import unittest

import pushtune
from pushtune.checkpoints import PUBLISHED_SUFFIX, STAGING_DIR
from pushtune.testing import FakeMaster

from .support import open_context


def staging(fm):
    return pathlib.Path(fm.checkpoint_dir, STAGING_DIR, "allocation-1")


class CheckpointsTest(unittest.TestCase):
    def test_a_checkpoint_is_published_whole_then_registered_with_its_files(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            with ctx.checkpoint.store_path({"steps_completed": 10, "note": "hi"}) as path:
                (path / "model.bin").write_bytes(b"x" * 123)
                (path / "sub").mkdir()
                (path / "sub" / "opt.bin").write_bytes(b"y" * 7)
                # Written in the allocation's staging folder: nothing final exists yet.
                self.assertEqual(path.parent, staging(fm))
                self.assertEqual(os.listdir(fm.checkpoint_dir), [STAGING_DIR])
            uuid = ctx.checkpoint.last_stored
            ctx.flush()
        (registered,) = fm.checkpoints
        self.assertEqual(registered["uuid"], uuid)
        self.assertEqual(registered["stepsCompleted"], 10)
        self.assertEqual(registered["resources"]["model.bin"], 123)
        self.assertEqual(registered["resources"]["sub/opt.bin"], 7)
        self.assertIn("metadata.json", registered["resources"])
        with open(os.path.join(fm.checkpoint_dir, uuid, "metadata.json")) as f:
            metadata = json.load(f)
        self.assertEqual(
            metadata, {"note": "hi", "uuid": uuid, "trialId": 1, "stepsCompleted": 10, "framework": "pushtune"}
        )
        self.assertEqual(sorted(os.listdir(fm.checkpoint_dir)), sorted([STAGING_DIR, uuid]))
        # Word that it was published, for the master to check once the allocation has ended.
        self.assertEqual(os.listdir(staging(fm)), [uuid + PUBLISHED_SUFFIX])

    def test_a_writer_that_fails_publishes_and_registers_nothing(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            with self.assertRaises(RuntimeError):
                with ctx.checkpoint.store_path({"steps_completed": 5}) as path:
                    (path / "half").write_text("half")
                    raise RuntimeError("disk full")
        self.assertEqual(fm.checkpoints, [])
        self.assertEqual(os.listdir(fm.checkpoint_dir), [STAGING_DIR])
        self.assertEqual(os.listdir(staging(fm)), [])

    def test_a_file_whose_name_is_not_utf8_is_refused_before_anything_is_published(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            with self.assertRaisesRegex(ValueError, r"not valid UTF-8.*rename it"):
                with ctx.checkpoint.store_path({"steps_completed": 5}) as path:
                    (path / "good.bin").write_bytes(b"x")
                    with open(os.path.join(os.fsencode(path), b"w\xff.bin"), "wb") as f:
                        f.write(b"y")
        self.assertEqual(fm.checkpoints, [])
        self.assertEqual(os.listdir(fm.checkpoint_dir), [STAGING_DIR])
        self.assertEqual(os.listdir(staging(fm)), [])

    def test_a_trial_restores_its_latest_checkpoint_with_its_metadata(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            uuid = ctx.checkpoint.store({"steps_completed": 4}, lambda p: (p / "w").write_text("4.5"))
        resumed = FakeMaster(ops=[10], latest_checkpoint=uuid, checkpoint_dir=fm.checkpoint_dir)
        with open_context(resumed) as ctx:
            self.assertEqual(ctx.latest_checkpoint, uuid)
            with ctx.checkpoint.restore_path() as path:
                self.assertEqual((path / "w").read_text(), "4.5")
            self.assertEqual(ctx.checkpoint.read_metadata()["steps_completed"], 4)
            with self.assertRaises(pushtune.CheckpointNotFoundError):
                ctx.checkpoint.read_metadata("00000000-0000-0000-0000-000000000000")

    def test_checkpoint_metadata_needs_the_steps_completed(self):
        fm = FakeMaster(ops=[10])
        with open_context(fm) as ctx:
            with self.assertRaisesRegex(pushtune.InvalidReportError, "steps_completed"):
                with ctx.checkpoint.store_path({"epoch": 3}):
                    pass

    def test_the_best_validation_of_the_experiment_is_asked_of_the_master(self):
        fm = FakeMaster(ops=[10], best_validation=0.25)
        with open_context(fm) as ctx:
            self.assertEqual(ctx.checkpoint.get_best_validation(), 0.25)


if __name__ == "__main__":
    unittest.main()
