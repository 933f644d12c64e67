"""When most records of a file are skipped, the scan says so: a wrong format, encoding or text field looks
exactly like that, and a scan that "completed" with a file's posts all in the errors file hides it."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DEFAULT_MAX_SKIP_RATE", "MIN_RECORDS", "too_many_skips"]

#: A file whose share of skipped records is above this fails the scan (``--max-skip-rate``; 1 turns it off).
DEFAULT_MAX_SKIP_RATE = 0.5
#: Files with fewer records are not judged (two broken lines of three say little about the file).
MIN_RECORDS = 3


def too_many_skips(
    by_source: Mapping[str, Mapping[str, int]], max_rate: float = DEFAULT_MAX_SKIP_RATE
) -> list[tuple[str, int, int]]:
    """``(source, read, skipped)`` of each file whose skipped share is over ``max_rate``, worst first."""
    found = [
        (source, int(c.get("read", 0)), int(c.get("skipped", 0)))
        for source, c in by_source.items()
        if c.get("read", 0) >= MIN_RECORDS and c.get("skipped", 0) > max_rate * c.get("read", 0)
    ]
    return sorted(found, key=lambda f: (-f[2] / f[1], f[0]))
