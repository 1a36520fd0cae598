"""Checkpoint metadata is JSON as the TypeScript SDK writes it: a value JSON
cannot hold (NaN, infinity) is stored as null, so the checkpoint is written,
readable by either SDK, and registered."""

import json
import math
import unittest

from pushtune.testing import FakeMaster

from .support import open_context


def strict_json(text):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


class CheckpointMetadataJsonTest(unittest.TestCase):
    def test_a_nan_or_infinite_metadata_value_is_stored_and_registered_as_null(self):
        fm = FakeMaster(ops=[10])
        metadata = {"steps_completed": 10, "best": math.nan, "history": [1.0, math.inf], "nested": {"low": -math.inf}}
        with open_context(fm) as ctx:
            uuid = ctx.checkpoint.store(metadata, lambda path: (path / "model.bin").write_bytes(b"x"))
            ctx.flush()
            written = strict_json((ctx.checkpoint.path(uuid) / "metadata.json").read_text())
        expected = {"best": None, "history": [1.0, None], "nested": {"low": None}}
        self.assertEqual({k: written[k] for k in expected}, expected)
        (registered,) = fm.checkpoints
        self.assertEqual({k: registered["metadata"][k] for k in expected}, expected)


if __name__ == "__main__":
    unittest.main()
