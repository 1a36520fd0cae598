"""Runs the SDK's unit tests and prints one JSON line per test (and per subtest),
for the repository's test runner to count: {"id", "outcome", "detail"}. The
tests' own output goes to stderr."""

from __future__ import annotations

import json
import sys
import unittest
from pathlib import Path


class JsonResult(unittest.TestResult):
    def __init__(self) -> None:
        super().__init__()
        self.rows = []
        self._subtests_failed = set()

    def _row(self, test, outcome, detail=""):
        self.rows.append({"id": test.id(), "outcome": outcome, "detail": detail})

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() not in self._subtests_failed:
            self._row(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._row(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._row(test, "failed", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._row(test, "skipped", reason)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is None:
            self._row(subtest, "passed")
        else:
            self._subtests_failed.add(test.id())
            self._row(subtest, "failed", self._exc_info_to_string(err, test))


def main() -> int:
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), top_level_dir=str(here.parent))
    result = JsonResult()
    suite.run(result)
    for row in result.rows:
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
