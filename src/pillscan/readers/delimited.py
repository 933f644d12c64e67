"""CSV and TSV: delimiter sniffed from a sample, header row required, quoted newlines, huge fields.

Position = the line number where the row starts (the header is line 1), so an analyst can open the file there.

A stray opening quote (``3,"unclosed start``) would make the following rows one field. A quoted field over
several lines that runs to the end of the file, over ``RUNAWAY_LINES`` lines or the line cap in bytes, or whose
closing quote is followed by more than a delimiter (it was the opening quote of a later field) is taken for
one: that row is a skip with its reason, and reading goes on from the line after its first.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from pillscan.errors import InputError
from pillscan.readers._base import STRUCTURE, Head, Item, Opened
from pillscan.readers._context import RowContext, header_context, row_meta
from pillscan.readers._fields import (
    ID_CANDIDATES,
    TEXT_CANDIDATES,
    field_key,
    find_title,
    join_title,
    listing,
    make_record,
    pick_column,
)
from pillscan.readers._source import iter_lines
from pillscan.records import ReadError

__all__ = [
    "RUNAWAY_LINES",
    "Layout",
    "delimited_layout",
    "read_csv",
    "read_delimited_part",
    "read_tsv",
    "sniff_csv",
    "sniff_tsv",
]

_EOF_MARK = "\x00pillscan-eof\x00"  # NULs never reach the parser otherwise (they are removed below)
_EOF_SENTINEL = _EOF_MARK + "\n"
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 64 * 1024
#: A quoted field over this many lines is taken for a stray opening quote (a post is rarely 500 lines long).
RUNAWAY_LINES = 5000


class _Runaway(Exception):
    """Raised by the line feed inside the CSV parser: the current row has grown implausibly long."""


class _Rows:
    """The CSV parser over numbered lines, keeping the lines of the row being parsed so that a row opened by a
    stray quote can be skipped and the lines after its first one parsed again."""

    def __init__(self, lines: Iterator[tuple[int, str]], delimiter: str, byte_cap: int, fed: int = 0) -> None:
        self.lines, self.delimiter, self.byte_cap = lines, delimiter, byte_cap
        self.pending: list[tuple[int, str]] = []
        self.replay: list[tuple[int, str]] = []
        self.size = 0
        self.fed = fed  # the number of the last line taken from ``lines``
        self.reader = self._new_reader()

    def _feed(self) -> Iterator[str]:
        while True:
            if self.replay:
                item = self.replay.pop(0)
            else:
                fresh = next(self.lines, None)
                if fresh is None:
                    return
                item = fresh
                self.fed = item[0]
            self.pending.append(item)
            self.size += len(item[1])
            if len(self.pending) > RUNAWAY_LINES or self.size > self.byte_cap:
                raise _Runaway
            yield item[1]

    def _new_reader(self) -> Iterator[list[str]]:
        # strict: a closing quote followed by more than a delimiter (the stray quote closed by the next quoted
        # field) is an error, not a field that swallowed the lines in between
        return csv.reader(self._feed(), delimiter=self.delimiter, strict=True)

    def start(self) -> int:
        """The line number where the next row starts."""
        if self.pending:
            return self.pending[0][0]
        if self.replay:
            return self.replay[0][0]
        return -1

    def next_start(self) -> int:
        """Between two rows: the line where the next row starts (the parser reads no line ahead of a row)."""
        return self.replay[0][0] if self.replay else self.fed + 1

    def next_row(self) -> tuple[int, int, list[str]]:
        """The next row with its first line and the line after it (StopIteration at the end)."""
        self.pending, self.size = [], 0
        try:
            row = next(self.reader)
        except csv.Error:
            if len(self.pending) != 1:
                raise _Runaway from None  # a quoted field over several lines that cannot be right
            # one line: read it leniently, as spreadsheets do (1,"a"b -> a"b)
            self.reader = self._new_reader()
            row = next(csv.reader([self.pending[0][1]], delimiter=self.delimiter, strict=False), [])
        first = self.pending[0][0] if self.pending else -1
        end = self.pending[-1][0] + 1 if self.pending else -1
        return first, end, row

    def skip_row_start(self) -> int:
        """Give up the row being parsed: its lines after the first are parsed again; returns its first line."""
        first = self.pending[0][0]
        self.replay = self.pending[1:] + self.replay
        self.pending, self.size = [], 0
        self.reader = self._new_reader()
        return first


@dataclass(frozen=True)
class Layout:
    """What a delimited file's header row teaches (the delimiter, the columns to read), and the line where the
    rows after it start: all that a reader of a part of the file needs from its beginning."""

    delimiter: str
    header_len: int
    text_idx: int
    id_idx: int | None
    title_idx: int | None
    context: RowContext
    first_row: int


def _raise_field_limit(limit: int) -> None:
    # csv.field_size_limit is process-wide; only ever raise it. C long may be 32-bit on Windows.
    current = csv.field_size_limit()
    if current < limit:
        csv.field_size_limit(min(limit, sys.maxsize, 2**31 - 1))


def read_csv(opened: Opened) -> Iterator[Item]:
    """Comma (or sniffed) separated values."""
    return _read_delimited(opened, default_delimiter=",")


def read_tsv(opened: Opened) -> Iterator[Item]:
    """Tab separated values."""
    return _read_delimited(opened, default_delimiter="\t")


def _decoded(opened: Opened, bad: dict[int, str], shift: int = 0) -> Iterator[tuple[int, str]]:
    """The file's lines as text with their numbers (+ ``shift``) and a final end mark; what is wrong with a line
    goes to ``bad`` (the line is read as blank, or with the wrong bytes replaced)."""
    cap = opened.options.line_cap
    lineno = shift
    for n, raw in iter_lines(opened.stream, opened.kind, cap):
        lineno = n + shift
        if raw is None:
            bad[lineno] = f"line too long: more than {cap:,} bytes"
            yield lineno, "\n"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[lineno] = f"invalid UTF-8 at byte {exc.start + 1} of line {lineno}"
            text = raw.decode("utf-8", "replace")
        if "\x00" in text:
            bad[lineno] = f"NUL byte in line {lineno}"
            text = text.replace("\x00", "")
        yield lineno, text + "\n"
    yield lineno + 1, _EOF_SENTINEL


def _read_delimited(opened: Opened, default_delimiter: str) -> Iterator[Item]:
    bad: dict[int, str] = {}
    rows, layout = _start(opened, default_delimiter, bad)
    if layout is not None:
        yield from _row_items(rows, layout, bad, opened, None)


def delimited_layout(opened: Opened, default_delimiter: str) -> Layout | None:
    """The layout of a delimited file, from its first lines (None: an empty file); InputError as its reader."""
    return _start(opened, default_delimiter, {})[1]


def _start(opened: Opened, default_delimiter: str, bad: dict[int, str]) -> tuple[_Rows, Layout | None]:
    """The parser after the header row, and the layout that row gives (None: the file is empty)."""
    source, options = opened.source, opened.options
    name = source.name
    lines = _decoded(opened, bad)
    sample: list[tuple[int, str]] = []
    size = 0
    for item in lines:
        sample.append(item)
        size += len(item[1])
        if len(sample) >= _SAMPLE_LINES or size >= _SAMPLE_CHARS or item[1] is _EOF_SENTINEL:
            break
    delimiter = _sniff_delimiter("".join(t for _, t in sample if t is not _EOF_SENTINEL), default_delimiter)
    _raise_field_limit(options.line_cap)

    def replay() -> Iterator[tuple[int, str]]:
        yield from sample
        yield from lines

    rows = _Rows(replay(), delimiter, options.line_cap)
    try:
        _, first_row, header = rows.next_row()
    except StopIteration:
        return rows, None
    except (csv.Error, _Runaway) as exc:
        raise InputError(f"cannot read the CSV header of {name}: {exc or 'an unbalanced quote'}") from None
    if header == [_EOF_MARK]:
        return rows, None  # empty file
    header = [h.strip() for h in header]
    text_idx = pick_column(header, options.text_col, TEXT_CANDIDATES, "text", source)
    if text_idx is None:
        raise InputError(f"no text column found in {name}; columns: {listing(header)} (choose one with --text-col)")
    id_idx = pick_column(header, options.id_col, ID_CANDIDATES, "id", source)
    title = find_title(header, header[text_idx]) if options.text_col is None else None
    title_idx = header.index(title) if title is not None else None
    taken = [i for i in (text_idx, id_idx, title_idx) if i is not None]
    context = header_context(header, options, source, taken)
    return rows, Layout(delimiter, len(header), text_idx, id_idx, title_idx, context, first_row)


def read_delimited_part(
    opened: Opened, layout: Layout, first: int, stop: int | None, shift: int
) -> tuple[list[Item], int]:
    """The rows of a delimited file that start on lines ``first`` to ``stop - 1`` (``first``: where a row
    starts; ``stop`` None: to the end), read from a stream that holds line ``shift + 1`` onwards; also the line
    where the next row starts.

    A row that starts before ``stop`` is read whole, over the lines after it: the items are those the reader
    of the whole file gives there, and the line returned is where that reader's next row starts.
    """
    _raise_field_limit(opened.options.line_cap)
    bad: dict[int, str] = {}
    lines = (item for item in _decoded(opened, bad, shift) if item[0] >= first)
    rows = _Rows(lines, layout.delimiter, opened.options.line_cap, fed=first - 1)
    items = list(_row_items(rows, layout, bad, opened, stop))
    return items, rows.next_start()


def _row_items(rows: _Rows, layout: Layout, bad: dict[int, str], opened: Opened, stop: int | None) -> Iterator[Item]:
    """The records and skips of the rows after the header (those starting before line ``stop``, if given)."""
    source, options = opened.source, opened.options
    name = source.name
    text_idx, id_idx, title_idx = layout.text_idx, layout.id_idx, layout.title_idx
    ncols_needed = max(text_idx, id_idx if id_idx is not None else -1) + 1
    while True:
        if stop is not None and rows.next_start() >= stop:
            return
        try:
            row_start, end, row = rows.next_row()
        except StopIteration:
            return
        except _Runaway:
            first = rows.skip_row_start()
            yield ReadError(name, first, _RUNAWAY_REASON)
            continue
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                yield ReadError(name, rows.skip_row_start(), _RUNAWAY_REASON)
                continue
            yield ReadError(name, rows.start(), f"malformed CSV row: {reason}")
            continue
        if bad:
            hit = [bad.pop(n) for n in range(row_start, end) if n in bad]
            if hit:
                yield ReadError(name, row_start, hit[0])
                continue
        if not row:
            continue  # blank line
        if _EOF_MARK in row[-1]:
            if row == [_EOF_MARK]:
                return
            yield ReadError(name, rows.skip_row_start(), _RUNAWAY_REASON)
            continue
        if len(row) < ncols_needed:
            yield ReadError(name, row_start, f"row has {len(row)} fields, the header has {layout.header_len}")
            continue
        ident = row[id_idx] if id_idx is not None and row[id_idx] != "" else None
        text = row[text_idx]
        if title_idx is not None and title_idx < len(row) and row[title_idx].strip():
            text = join_title(row[title_idx], text)
        yield make_record(text, ident, source, row_start, options, row_meta(layout.context, row))


_RUNAWAY_REASON = (
    "unbalanced quote: a quoted field opened here does not close where a field can end (or runs over "
    f"{RUNAWAY_LINES:,} lines); the row is skipped and the lines after it are read"
)


def _sniff_delimiter(sample: str, default: str) -> str:
    if not sample.strip():
        return default
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=default + ",;\t|")
    except csv.Error:
        return default
    # The sniffer picks odd delimiters on one-column files; trust it only if the header splits on it.
    first = sample.split("\n", 1)[0]
    if dialect.delimiter != default and first.count(dialect.delimiter) == 0:
        return default
    if default in first and dialect.delimiter not in first:
        return default
    return dialect.delimiter


def _header_names_text(head: Head, delimiters: bytes) -> bool:
    """The first line splits on one of ``delimiters`` into names, one of them a known text column, and a row
    follows: a delimited file with a header, whatever its name (stdin, no extension, Excel's .txt)."""
    first, sep, rest = head.text.partition(b"\n")
    if not sep or not rest.strip():
        return False
    line = first.rstrip(b"\r").decode("utf-8", "replace")
    for delimiter in delimiters.decode():
        names = [field_key(n.strip().strip('"')) for n in line.split(delimiter)]
        if len(names) > 1 and any(n in TEXT_CANDIDATES for n in names):
            return True
    return False


def sniff_csv(head: Head) -> int:
    """A header row separated by commas (or semicolons, pipes) that names a text column."""
    return STRUCTURE if _header_names_text(head, b",;|") else 0


def sniff_tsv(head: Head) -> int:
    """A tab-separated header row that names a text column (Excel's "Unicode Text" is UTF-16 TSV in a .txt)."""
    return STRUCTURE if _header_names_text(head, b"\t") else 0
