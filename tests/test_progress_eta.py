"""Progress percentage/ETA maths with a fake clock, and the input-size rule (regular files only)."""

from __future__ import annotations

import os
from pathlib import Path

from pillscan.progress import Eta, format_eta, input_total_bytes


def test_eta_waits_for_enough_data_then_is_smoothed_and_never_negative() -> None:
    eta = Eta(1000, min_seconds=2.0, min_fraction=0.01)
    eta.update(0, 100.0)
    assert eta.seconds_left() is None  # no rate yet
    eta.update(10, 101.0)  # 10 B/s, but only 1 s in
    assert eta.seconds_left() is None
    eta.update(20, 102.0)  # 2 s in, 2% done, rate 10 B/s
    assert eta.seconds_left() == 98.0
    eta.update(220, 103.0)  # a burst: 200 B/s instantaneous, smoothed to 0.3*200 + 0.7*10 = 67
    left = eta.seconds_left()
    assert left is not None and abs(left - 780 / 67.0) < 1e-9
    eta.update(5000, 104.0)  # more than the total (e.g. a file grew): clamped
    assert eta.fraction() == 1.0
    assert eta.seconds_left() == 0.0


def test_eta_ignores_clock_not_moving_and_backwards_counts() -> None:
    eta = Eta(100, min_seconds=0.0, min_fraction=0.0)
    eta.update(0, 5.0)
    eta.update(10, 5.0)  # same instant: no division by zero
    assert eta.seconds_left() is None
    eta.update(5, 6.0)  # fewer bytes than before: the count never goes back, so 10 B/s over the 1 s
    assert eta.seconds_left() == 9.0
    assert eta.fraction() == 0.1
    eta.update(5, 7.0)  # no progress for a second: the rate falls, the estimate grows, stays finite and >= 0
    left = eta.seconds_left()
    assert left is not None and left > 9.0


def test_format_eta() -> None:
    assert [format_eta(s) for s in (-3, 0.4, 42, 185, 3720)] == ["0s", "0s", "42s", "3m05s", "1h02m"]


def test_input_total_bytes_regular_files_only(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_bytes(b"x" * 10)
    d = tmp_path / "d"
    d.mkdir()
    (d / "b.jsonl.gz").write_bytes(b"y" * 7)
    assert input_total_bytes([a, d]) == 17
    assert input_total_bytes(["-"]) is None
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    assert input_total_bytes([a, fifo]) is None
    assert input_total_bytes([tmp_path / "missing"]) is None
