"""Progress percentage/ETA maths with a fake clock, the input-size rule (regular files only), and the progress
line a scan feeds: bytes read by the local and split engines, plain and gzip inputs, a FIFO, a terminal."""

from __future__ import annotations

import gzip
import io
import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FakeModel, write_jsonl
from pillscan.engines import local
from pillscan.progress import Eta, ProgressLine, format_eta, input_total_bytes
from pillscan.scan import ScanProgress, scan


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


# --- the progress line, fed by the scan ----------------------------------------------------------------------


def _progress(read: int, done: int, total: int | None, elapsed: float = 1.0) -> ScanProgress:
    return ScanProgress(read, read, 0, 0, 0, elapsed, done, total)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_shows_share_and_eta_when_the_size_is_known() -> None:
    clock, out = _Clock(), io.StringIO()
    line = ProgressLine(out, clock=clock)
    line(_progress(0, 0, 1000))
    assert "  0%  ETA     --" in out.getvalue()  # no rate yet: a placeholder, never a made-up time
    for t, done in ((1.0, 100), (2.0, 200), (3.0, 300)):
        clock.now = t
        line(_progress(done, done, 1000))
    last = out.getvalue().rsplit("\r", 1)[-1]
    assert last.startswith(" 30%  ETA     7s ") and "300 posts" in last  # 700 bytes to go at 100 B/s
    line.close()
    assert out.getvalue().endswith("\r\x1b[K")


def test_progress_line_shows_counts_only_when_the_size_is_unknown() -> None:
    out = io.StringIO()
    ProgressLine(out)(_progress(5, 0, None))
    assert "%" not in out.getvalue() and "ETA" not in out.getvalue() and "5 posts" in out.getvalue()


def test_progress_line_redraws_a_few_times_a_second_at_most() -> None:
    # A scan reports every chunk; the line must not cost the scan a terminal write each time.
    clock, out = _Clock(), io.StringIO()
    line = ProgressLine(out, clock=clock)
    for i in range(10_000):
        clock.now = i / 10_000  # 10,000 reports within one second
        line(_progress(i, i, 10_000))
    assert 1 <= out.getvalue().count("\r") <= 5


def _bytes_seen(tmp_path: Path, src: Path, workers: int) -> list[ScanProgress]:
    seen: list[ScanProgress] = []
    scan([src], output=tmp_path / "o.jsonl", model=FakeModel(), workers=workers, chunk_size=200, progress=seen.append)
    return seen


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("compressed", [False, True])
def test_scan_reports_the_bytes_of_input_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, compressed: bool
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 12_000)
    if compressed:  # counted by the compressed bytes consumed: what the file's size on disk is made of
        src = tmp_path / "in.jsonl.gz"
        src.write_bytes(gzip.compress((tmp_path / "in.jsonl").read_bytes()))
    kinds: list[str] = []
    real_plan = local.plan_tasks

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for task in real_plan(*args, **kwargs):
            kinds.append(task[0])
            yield task

    monkeypatch.setattr(local, "plan_tasks", spy)
    seen = _bytes_seen(tmp_path, src, workers)
    size = src.stat().st_size
    assert {p.bytes_total for p in seen} == {size}
    done = [p.bytes_read for p in seen]
    assert done == sorted(done) and done[-1] == size
    assert any(0 < d < size for d in done), done  # it moves during the scan, not only at the end
    if workers == 2 and not compressed:  # the split engine: workers read byte ranges; finished ones count
        assert set(kinds) == {"range"} and len(kinds) > 3
    elif workers == 2:
        assert set(kinds) == {"chunk"}  # a gzip file is read by the parent


def test_fifo_input_has_no_total_and_loses_nothing(tmp_path: Path) -> None:
    # A pipe named as input (``pillscan scan <(zcat x.gz)``) can be read once. The zip check used to read its first
    # bytes and drop them: 92 of 6,000 posts lost from ``<(cat in.jsonl)``, and a FIFO whose writer had finished
    # then blocked the scan forever.
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    body = write_jsonl(tmp_path / "body.jsonl", 500).read_bytes()
    writer = threading.Thread(target=lambda: fifo.write_bytes(body), daemon=True)
    writer.start()
    seen = _bytes_seen(tmp_path, fifo, 1)
    writer.join(5)
    assert seen[-1].read == 500 and seen[-1].skipped == 0
    assert {p.bytes_total for p in seen} == {None}
    out = io.StringIO()
    line = ProgressLine(out)
    for p in seen:
        line(p)
    assert "%" not in out.getvalue() and "200 posts" in out.getvalue()  # (the first report; the rest came too soon)


def test_scan_on_a_terminal_shows_the_share_read(tmp_path: Path) -> None:
    # The CLI draws the line only on a terminal: run it under a pseudo-terminal and read what it drew.
    src = write_jsonl(tmp_path / "in.jsonl", 3000)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pillscan", "scan", str(src), "-o", str(tmp_path / "o.jsonl"), "--chunk-size", "500"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    os.close(child)
    drawn = b""
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not data:
            break
        drawn += data
    assert proc.wait(60) == 0
    os.close(main)
    assert re.search(rb"\r +\d+%  ETA +(--|\d+s) +[\d,]+ posts", drawn), drawn[-400:]
