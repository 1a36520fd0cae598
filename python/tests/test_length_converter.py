"""LengthConverter: lengths in the Trainer's one currency, batches."""

from __future__ import annotations

import unittest

from pushtune.experiment_config import local_experiment_config
from pushtune.lengths import LengthConverter


class LengthConverterTest(unittest.TestCase):
    def test_progress_is_in_the_searchers_unit_and_capped_at_the_operations_length(self) -> None:
        config = local_experiment_config({"searcher": {"max_length": {"records": 1050}}})
        lengths = LengthConverter(config, {"global_batch_size": 100})
        self.assertEqual(lengths.op_to_batches(1050), 11)
        # 11 batches of 100 are 1,100 records, more than the operation's 1,050.
        self.assertEqual([lengths.progress(b, 1050) for b in (4, 8, 11)], [400, 800, 1050])

    def test_the_batch_size_in_the_config_wins_over_the_hyperparameter(self) -> None:
        config = local_experiment_config({"global_batch_size": 50, "searcher": {"max_length": {"records": 1000}}})
        self.assertEqual(LengthConverter(config, {"global_batch_size": 100}).op_to_batches(1000), 20)

    def test_an_epoch_length_without_records_per_epoch_is_refused_with_the_field_to_set(self) -> None:
        config = local_experiment_config({"searcher": {"max_length": {"epochs": 2}}})
        with self.assertRaisesRegex(ValueError, "records_per_epoch"):
            LengthConverter(config, {"global_batch_size": 100}).op_to_batches(2)


if __name__ == "__main__":
    unittest.main()
