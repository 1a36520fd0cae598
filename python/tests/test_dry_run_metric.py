"""A dry run has no experiment config, so its searcher metric is the default
(validation_loss): a Trainer whose evaluate() returns another is told so, and
how to name its own; with the metric named, the dry run takes it."""

import unittest

import pushtune
from pushtune.errors import InvalidReportError


class ErrorRate(pushtune.Trainer):
    def train_batch(self, batch_index):
        return {"loss": 1.0}

    def evaluate(self):
        return {"validation_error": 0.25}

    def save(self, path):
        pass

    def load(self, path):
        pass


def dry_run(**options):
    return pushtune.init(env={}, dry_run={"print": lambda line: None, "max_length": 2, **options}, handle_sigterm=False)


class DryRunMetricTest(unittest.TestCase):
    def test_a_dry_run_without_the_metric_names_the_option_that_sets_it(self):
        with dry_run() as ctx:
            with self.assertRaises(InvalidReportError) as raised:
                ErrorRate().fit(ctx)
        message = str(raised.exception)
        self.assertIn('searcher\'s metric "validation_loss"', message)
        self.assertIn("['validation_error']", message)
        self.assertIn('dry_run={"config": {"searcher": {"metric": "..."}}}', message)

    def test_a_dry_run_takes_the_metric_its_option_names(self):
        with dry_run(config={"searcher": {"metric": "validation_error"}}) as ctx:
            result = ErrorRate().fit(ctx)
        self.assertEqual((result.outcome, result.batches), ("completed", 2))


if __name__ == "__main__":
    unittest.main()
