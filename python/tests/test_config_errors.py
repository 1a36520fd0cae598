"""A config written in Python that the SDK cannot read is refused with an
example written in Python."""

import unittest

from pushtune.experiment_config import local_experiment_config


class ConfigErrorsTest(unittest.TestCase):
    def test_a_length_that_is_not_one_is_refused_with_a_python_dict_as_the_example(self):
        with self.assertRaises(ValueError) as caught:
            local_experiment_config({"searcher": {"max_length": 100}})
        self.assertEqual(
            str(caught.exception),
            "searcher.max_length: expected a length such as {'batches': 100}, got 100",
        )


if __name__ == "__main__":
    unittest.main()
