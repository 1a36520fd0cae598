"""A fractional length is converted to batches on the decimal it is written as:
``{epochs: 1.1}`` of 50,000 records at 100 a batch is 550 batches, not the 551
that ceil gives the binary product 550.0000000000001. A length that falls
between two batches still rounds up. Same numbers as
tests/sdk/fractional-lengths.test.ts for the TypeScript SDK."""

from __future__ import annotations

import unittest

from pushtune.experiment_config import local_experiment_config
from pushtune.lengths import LengthConverter


def converter(records_per_epoch: int, batch_size: float) -> LengthConverter:
    config = local_experiment_config({"records_per_epoch": records_per_epoch, "global_batch_size": batch_size})
    return LengthConverter(config, {})


class FractionalLengthsTest(unittest.TestCase):
    def test_fractional_epochs_are_converted_on_their_decimal_and_rounded_up(self) -> None:
        cases = [
            (1.1, 50_000, 100, 550),
            (2.2, 50_000, 10, 11_000),
            (2.18, 60_000, 100, 1308),
            (0.5, 1000, 32, 16),  # 15.625: rounded up
            (1.1001, 50_000, 100, 551),  # 550.05: rounded up
        ]
        for epochs, records, batch, batches in cases:
            with self.subTest(epochs=epochs, records=records, batch=batch):
                lengths = converter(records, batch)
                got = lengths.to_batches({"unit": "epochs", "value": epochs}, "min_validation_period")
                self.assertEqual(got, batches)
                self.assertIsInstance(got, int)

    def test_a_fractional_batch_size_divides_records_on_its_decimal_too(self) -> None:
        # 2.1 / 0.3 is 7.000000000000001 in binary floats.
        lengths = converter(1000, 0.3)
        self.assertEqual(lengths.to_batches({"unit": "records", "value": 2.1}, "min_checkpoint_period"), 7)
        self.assertEqual(lengths.to_batches({"unit": "records", "value": 2.2}, "min_checkpoint_period"), 8)


if __name__ == "__main__":
    unittest.main()
