"""A one-line progress display for long scans: records, posts/s and flags, redrawn in place on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

from pillscan.scan import ScanProgress

__all__ = ["ProgressLine"]


class ProgressLine:
    """Callable progress sink for :func:`pillscan.scan.scan`; redraws at most ``hz`` times a second."""

    def __init__(self, stream: TextIO, *, hz: float = 8.0) -> None:
        self.stream = stream
        self.interval = 1.0 / hz
        self._last = 0.0
        self._shown = False

    def __call__(self, p: ScanProgress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        rate = p.read / p.elapsed_s if p.elapsed_s > 0 else 0.0
        line = f"{p.read:>12,} posts  {rate:>9,.0f}/s  {p.flagged:,} flagged  {p.review:,} review"
        if p.skipped:
            line += f"  {p.skipped:,} skipped"
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the line so the summary starts on a clean line."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
