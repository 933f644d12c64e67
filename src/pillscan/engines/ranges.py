"""Newline-aligned byte ranges of a plain JSONL, CSV/TSV or text file, read by the process that scores them.

Shared by the engines: the local engine's workers each open the file and read one range (:func:`read_range`);
the Dask engine's blocks make generated ids with file positions the same way (:class:`ShiftedSource`).

A range holds whole lines: the planner (:func:`plan_ranges`, in the parent) reads the file once in bounded
pieces, ends each range just after a newline and counts the lines before it, so that positions and generated
ids are file line numbers. What a range starts from is carried from one range to the next and checked: the
JSONL field picker's state (which key holds the text and the id), or the line where a CSV/TSV row starts (a
CSV range reads each row that starts in it to its end, past the range's end if need be). Each range starts
from a guess and reports what it used and where it ended, so the caller can check the guess and read a range
again when it was wrong.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pillscan.errors import InputError
from pillscan.readers import Opened, ReadOptions, Source
from pillscan.readers.delimited import read_delimited_part
from pillscan.readers.jsonl import first_state, read_jsonl_part
from pillscan.readers.text import read_text
from pillscan.records import ReadError, Record

__all__ = [
    "LineRange",
    "ShiftedSource",
    "count_text_lines",
    "first_picker_state",
    "plan_ranges",
    "read_range",
    "stat_key",
    "stat_key_of",
]

_PIECE = 64 * 1024


@dataclass(frozen=True)
class ShiftedSource(Source):
    """A source whose generated ids use file positions, though the reader counts from the range's start."""

    shift: int = 0

    def generated_id(self, position: int) -> str:
        """``name:position`` with the file position, as a reader of the whole file makes it."""
        return f"{self.name}:{position + self.shift}"


@dataclass(frozen=True)
class LineRange:
    """Bytes ``[start, end)`` of ``source``'s file, which hold whole lines; ``lines``: the lines before it."""

    source: Source
    kind: Any  # the file's TextKind (sniffed from its first bytes)
    start: int
    end: int
    lines: int
    stat: tuple[int, int]  # (size, mtime_ns) when planned: a file that changes after is refused
    picker: Any  # JSONL: the field picker's state this range starts from; CSV/TSV: the line its first row starts on
    format: str = "jsonl"  # or "txt", "csv", "tsv"
    layout: Any = None  # CSV/TSV: the header's Layout (pillscan.readers.delimited)
    end_lines: int = 0  # the lines before ``end``


def stat_key(path: Path) -> tuple[int, int]:
    """What tells a file changed: its size and modification time."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _count_newlines(piece: bytes) -> int:
    return piece.count(b"\n")


def first_picker_state(kind: Any, source: Source, options: ReadOptions) -> tuple[Any, ...] | None:
    """The field picker's state after the file's first record (read from its first bytes), the guess every
    range after the first starts from; None when the first bytes hold no record or the picker would refuse it
    (no text field: the file is then read whole, where that is reported as it always is)."""
    stream: Any = io.BufferedReader(io.BytesIO(kind.head.rsplit(b"\n", 1)[0] + b"\n"))
    return first_state(Opened(source, stream, kind, options))


def plan_ranges(
    source: Source,
    kind: Any,
    size: int,
    picker: Any,
    *,
    format: str = "jsonl",
    layout: Any = None,
    count: Callable[[bytes], int] = _count_newlines,
    hold: int = _PIECE,
    begin: tuple[int, int] = (0, 0),
) -> Iterator[LineRange]:
    """The file's ranges in order, each about ``size`` bytes, ending after a newline (or at the end of the file).

    Reads the file once in bounded pieces (a line longer than a piece is followed piece by piece); ``count``
    gives the lines a reader numbers in whole lines (a line of ``hold`` bytes or more counts as one). A CSV/TSV
    range ends, where it can, after an even number of double quotes from the file's start (outside a quoted
    field, in a well-formed file): only a guess that spares reading a range again, which the reader checks.
    ``begin``: the byte offset and lines before it where the first range starts (a resumed scan's).
    """
    assert source.path is not None
    stat = stat_key(source.path)
    start, lines = begin
    with open(source.path, "rb") as fh:
        fh.seek(start)
        while True:
            piece = fh.read(size)
            if not piece:
                return
            nbytes, n, quotes = _whole_lines(fh, piece, count, hold)
            end = start + nbytes
            if format in ("csv", "tsv"):
                more, more_lines = _settle(fh, bool(quotes & 1))
                end, n = end + more, n + more_lines
                picker = picker if not start else lines + 1  # (where its first row starts, if the guess holds)
            yield LineRange(source, kind, start, end, lines, stat, picker, format, layout, lines + n)
            start, lines = end, lines + n


def _whole_lines(fh: Any, piece: bytes, count: Callable[[bytes], int], hold: int) -> tuple[int, int, int]:
    """``piece`` (just read from ``fh``) and what ``fh`` holds up to the end of its last line: its bytes, lines
    and double quotes (``fh`` is left after them)."""
    nbytes = len(piece)
    body = piece.rfind(b"\n") + 1
    n = count(piece[:body]) if body else 0
    quotes = piece.count(b'"')
    tail = piece[body:]  # the start of a line that goes on in the next piece (or the file's last line)
    while tail:
        more = fh.read(_PIECE)
        if not more:
            break
        cut = more.find(b"\n")
        if cut >= 0:
            nbytes += cut + 1
            fh.seek(fh.tell() - len(more) + cut + 1)
            n += count(tail + more[: cut + 1]) if len(tail) < hold else 1
            quotes += more.count(b'"', 0, cut + 1)
            break
        nbytes += len(more)
        quotes += more.count(b'"')
        tail = tail + more if len(tail) < hold else tail  # (held up to ``hold`` bytes: then one line)
    return nbytes, n, quotes


#: Lines a CSV range may go on for to end outside a quoted field, before its end is taken where it is.
_SETTLE_LINES = 256


def _settle(fh: Any, odd: bool) -> tuple[int, int]:
    """Whole lines read on from ``fh`` while the double quotes so far are odd (at most ``_SETTLE_LINES``): their
    bytes and lines. The next range counts its quotes from its start (still odd here: a stray quote, taken as
    closed)."""
    nbytes = n = 0
    line = b"\n"
    while (odd and n < _SETTLE_LINES) or line[-1:] != b"\n":
        line = fh.readline(_PIECE)
        if not line:
            break
        nbytes += len(line)
        n += line[-1:] == b"\n"
        odd ^= bool(line.count(b'"') & 1)
    return nbytes, n


class _RangeRaw(io.RawIOBase):
    """Reads ``prefix`` and then bytes ``[start, end)`` of an open file."""

    def __init__(self, fh: Any, start: int, end: int, prefix: bytes) -> None:
        fh.seek(start)
        self.fh, self.left, self.prefix = fh, end - start, prefix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.prefix:
            n = min(len(buffer), len(self.prefix))
            buffer[:n], self.prefix = self.prefix[:n], self.prefix[n:]
            return n
        if self.left <= 0:
            return 0
        data = self.fh.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def read_range(rng: LineRange, options: ReadOptions) -> tuple[list[Record | ReadError], Any]:
    """The records and read errors of one range, with file positions, and the state at its end (JSONL: the
    field picker's; CSV/TSV: the line where the next row starts, which may lie past the range's end).

    A range after the first is read behind one empty line (so that nothing in it is taken for the file's
    byte-order mark), which its positions leave out. Raises InputError when the file changed since planning.
    """
    assert rng.source.path is not None
    prefix = b"\n" if rng.start else b""
    shift = rng.lines - len(prefix)
    delimited = rng.format in ("csv", "tsv")
    source = rng.source if delimited else ShiftedSource(rng.source.name, rng.source.path, shift=shift)
    with open(rng.source.path, "rb") as fh:
        if stat_key_of(fh) != rng.stat:
            raise InputError(f"{rng.source.name} changed while it was being scanned; scan it again")
        # (a row of a CSV range may go on past its end: the rest of the file is there to be read)
        end = rng.stat[0] if delimited else rng.end
        stream: Any = io.BufferedReader(_RangeRaw(fh, rng.start, end, prefix), 64 * 1024)
        opened = Opened(source, stream, rng.kind, options)
        if delimited:
            stop = None if rng.end == rng.stat[0] else rng.end_lines + 1
            return read_delimited_part(opened, rng.layout, rng.picker, stop, shift)
        if rng.format == "txt":
            items: list[Record | ReadError] = list(read_text(opened))
            state = None
        else:
            items, state = read_jsonl_part(opened, rng.picker if rng.start else None)
    if shift:
        items = [replace(item, position=item.position + shift) for item in items]
    return items, state


def count_text_lines(cap: int) -> Callable[[bytes], int]:
    """What the text reader numbers in whole lines: each line, and each CR alone inside a line that is not
    over ``cap`` bytes (an over-long line is one skip, whatever it holds)."""

    def count(whole: bytes) -> int:
        n = whole.count(b"\n")
        if whole.count(b"\r") == whole.count(b"\r\n"):
            return n
        for line in whole.split(b"\n")[:-1]:
            if len(line) + 1 <= cap:
                n += line.count(b"\r") - line.endswith(b"\r")
        return n

    return count


def stat_key_of(fh: Any) -> tuple[int, int]:
    """:func:`stat_key` of an open file."""
    st = os.fstat(fh.fileno())
    return st.st_size, st.st_mtime_ns
