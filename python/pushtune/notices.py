"""Where the SDK's notices go unless the caller's ``log`` option says otherwise."""

import sys


def stderr_line(line: str) -> None:
    """A line on stderr, flushed at once."""
    print(line, file=sys.stderr, flush=True)
