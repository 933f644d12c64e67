"""A one-line progress display for long scans: records, posts/s and flags, redrawn in place on a terminal; with
the share of the input read and the time to go when the input's size is known (regular files)."""

from __future__ import annotations

import math
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from pillscan.engines.accounting import ScanProgress

__all__ = ["Eta", "ProgressLine", "format_eta", "input_total_bytes"]


def input_total_bytes(paths: Iterable[str | Path]) -> int | None:
    """Sum of the sizes of the regular files under ``paths`` (as stored: compressed files count compressed).

    ``None`` when any input is stdin (``-``), a FIFO, a device or cannot be sized: then no percentage is shown.
    """
    total = 0
    for raw in paths:
        if str(raw) == "-":
            return None
        try:
            st = os.stat(raw)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode):
            total += st.st_size
        elif stat.S_ISDIR(st.st_mode):
            for root, _dirs, files in os.walk(raw):
                for name in files:
                    try:
                        sub = os.lstat(os.path.join(root, name))
                    except OSError:
                        continue
                    if stat.S_ISREG(sub.st_mode):
                        total += sub.st_size
        else:
            return None
    return total


def format_eta(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``: short enough for a progress line."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Eta:
    """Smoothed time-to-go from bytes done out of a known total.

    The rate is an exponential moving average of bytes/s between updates (``alpha`` weight on the newest), so one
    slow chunk does not swing the estimate. :meth:`seconds_left` is ``None`` until ``min_seconds`` have passed and
    ``min_fraction`` of the total is done, and never negative.
    """

    def __init__(self, total: int, *, alpha: float = 0.3, min_seconds: float = 2.0, min_fraction: float = 0.01) -> None:
        self.total = total
        self.alpha = alpha
        self.min_seconds = min_seconds
        self.min_fraction = min_fraction
        self._t0: float | None = None
        self._last_t = 0.0
        self._last_done = 0
        self._rate: float | None = None
        self.done = 0

    def update(self, done: int, now: float) -> None:
        """Record ``done`` bytes at time ``now`` (monotonic seconds)."""
        if self._t0 is None:
            self._t0 = self._last_t = now
            self._last_done = self.done = done
            return
        dt = now - self._last_t
        if dt <= 0:
            self.done = max(self.done, done)
            return
        self.done = max(self.done, done)
        inst = (self.done - self._last_done) / dt
        self._rate = inst if self._rate is None else self.alpha * inst + (1 - self.alpha) * self._rate
        self._last_t, self._last_done = now, self.done

    def fraction(self) -> float:
        """Share of the total done, clamped to [0, 1]."""
        return min(1.0, self.done / self.total) if self.total > 0 else 1.0

    def seconds_left(self) -> float | None:
        """Smoothed seconds to go, or ``None`` while there is too little data to say."""
        if self._t0 is None or self._rate is None or self._rate <= 0:
            return None
        if self._last_t - self._t0 < self.min_seconds or self.fraction() < self.min_fraction:
            return None
        return max(0.0, (self.total - self.done) / self._rate)


class ProgressLine:
    """Callable progress sink for :func:`pillscan.scan.scan`; redraws at most ``hz`` times a second.

    ``  37%  ETA 2m05s       81,200 posts    4,051/s  12 flagged  3 review`` when the scan knows the size of its
    input (regular files, compressed ones by their compressed bytes); counts only for stdin or a FIFO. The ETA
    (see :class:`Eta`) appears once a couple of seconds and 1% of the input have gone by.
    """

    def __init__(self, stream: TextIO, *, hz: float = 4.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.interval = 1.0 / hz
        self.clock = clock
        self._last = -math.inf
        self._shown = False
        self._eta: Eta | None = None

    def __call__(self, p: ScanProgress) -> None:
        now = self.clock()
        if now - self._last < self.interval:
            return
        self._last = now
        rate = p.read / p.elapsed_s if p.elapsed_s > 0 else 0.0
        line = f"{p.read:>12,} posts  {rate:>9,.0f}/s  {p.flagged:,} flagged  {p.review:,} review"
        if p.skipped:
            line += f"  {p.skipped:,} skipped"
        if p.bytes_total is not None:
            line = self._share(p.bytes_read, p.bytes_total, now) + line
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def _share(self, done: int, total: int, now: float) -> str:
        if self._eta is None or self._eta.total != total:
            self._eta = Eta(total)
        self._eta.update(done, now)
        left = self._eta.seconds_left()
        return f"{math.floor(100 * self._eta.fraction()):>3d}%  ETA {'--' if left is None else format_eta(left):>6}  "

    def close(self) -> None:
        """Erase the line so the summary starts on a clean line."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
