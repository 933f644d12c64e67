"""The local engine's work list when workers read their own input: byte ranges of plain JSONL, CSV/TSV and text
files, and chunks of records read here from everything else (compressed files, documents, stdin, zip members).

The items come in input order, as :func:`pillscan.readers.read_records` would give them, so that the output,
ids, positions, the errors file and the checkpoint's count of items are the same whichever way a file is read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from pillscan.engines.ranges import LineRange, count_text_lines, first_picker_state, plan_ranges
from pillscan.errors import InputError
from pillscan.readers import (
    Opened,
    ReadOptions,
    Source,
    detect_format,
    iter_sources,
    open_binary,
    read_source,
    sniff,
)
from pillscan.readers.delimited import Layout, delimited_layout
from pillscan.records import ReadError, Record

__all__ = ["MIN_RANGE_BYTES", "Cursor", "Task", "plan_tasks", "resume_tasks"]

#: A range holds about a chunk of lines (estimated from the file's first bytes), and at least this many bytes.
MIN_RANGE_BYTES = 64 * 1024

#: ``("range", LineRange)``: a worker reads it; ``("chunk", items)``: records read here, in input order.
Task = tuple[str, Any]


def plan_tasks(
    paths: Sequence[str | Path], options: ReadOptions, format: str, exclude: Collection[str | Path]
) -> Iterator[Task]:
    """The scan's work, in input order."""
    return _tasks_of(iter_sources(paths, exclude=exclude), options, format)


def _tasks_of(sources: Iterator[Source | ReadError], options: ReadOptions, format: str) -> Iterator[Task]:
    for source in sources:
        if isinstance(source, ReadError):
            yield "chunk", [source]
            continue
        ranges = _ranges_of(source, options, format)
        if ranges is not None:
            for rng in ranges:
                yield "range", rng
            continue
        yield from _read_here(source, options, format)


#: Where a split scan stopped: after the range of file ``name`` ending at byte ``end`` (``lines`` before it),
#: and the state carried to the next range (see :func:`pillscan.engines.ranges.read_range`).
Cursor = tuple[str, int, int, Any]


def resume_tasks(
    paths: Sequence[str | Path], options: ReadOptions, format: str, exclude: Collection[str | Path], cursor: Cursor
) -> Iterator[Task] | None:
    """The work left after ``cursor`` (the files before its file were read whole, its file up to its byte): the
    rest of that file in ranges, then the files after it; None when the file cannot be split now (then the
    caller skips the items read before, as for any resumed scan)."""
    name, end, lines, _ = cursor
    sources = list(iter_sources(paths, exclude=exclude))
    places = [i for i, s in enumerate(sources) if not isinstance(s, ReadError) and s.name == name]
    if len(places) != 1:  # (a file named twice: which one was meant is not said)
        return None
    source = sources[places[0]]
    assert isinstance(source, Source)
    ranges = _ranges_of(source, options, format, (end, lines))
    return None if ranges is None else _then(ranges, iter(sources[places[0] + 1 :]), options, format)


def _then(
    ranges: Iterator[LineRange], sources: Iterator[Source | ReadError], options: ReadOptions, format: str
) -> Iterator[Task]:
    for rng in ranges:
        yield "range", rng
    yield from _tasks_of(sources, options, format)


def _read_here(source: Source, options: ReadOptions, format: str) -> Iterator[Task]:
    """One file read in this process, in chunks (an unusable walked file is one counted skip, as always)."""
    chunk: list[Record | ReadError] = []
    try:
        for item in read_source(source, options, format):
            chunk.append(item)
            if len(chunk) >= options.chunk_size:
                yield "chunk", chunk
                chunk = []
    except InputError as exc:
        if not source.walked:
            raise
        chunk.append(ReadError(source.name, 0, f"not read: {exc}"))
    if chunk:
        yield "chunk", chunk


def _ranges_of(
    source: Source, options: ReadOptions, format: str, begin: tuple[int, int] = (0, 0)
) -> Iterator[LineRange] | None:
    """The ranges of a plain UTF-8 file in lines (JSONL whose first record names its text field, CSV/TSV whose
    header names a text column, text); else None (the file is read here, as one stream)."""
    path = source.path
    if path is None or source.opener is not None or options.encoding is not None or not path.is_file():
        return None
    try:
        stream, codec = open_binary(source, options.decoder_memory)
        with stream:
            kind = sniff(stream, codec)
        fmt = format if format != "auto" else detect_format(path)
    except Exception:  # (whatever is wrong with it, the reader reports it as it always does)
        return None
    head = kind.head
    if codec is not None or kind.encoding not in ("utf-8", "utf-8-sig") or b"\n" not in head:
        return None  # (a file of lone CRs, too: the readers' line numbers count those otherwise)
    size = max(MIN_RANGE_BYTES, options.chunk_size * (len(head) // max(1, head.count(b"\n"))))
    if fmt == "txt":
        cap = options.line_cap
        return plan_ranges(source, kind, size, None, format=fmt, count=count_text_lines(cap), hold=cap + 1, begin=begin)
    if fmt in ("csv", "tsv"):
        layout = _layout(source, kind, options, fmt)
        if layout is None:
            return None
        return plan_ranges(source, kind, size, layout.first_row, format=fmt, layout=layout, begin=begin)
    state = first_picker_state(kind, source, options) if fmt == "jsonl" else None
    if state is None:
        return None
    return plan_ranges(source, kind, size, state, begin=begin)


def _layout(source: Source, kind: Any, options: ReadOptions, fmt: str) -> Layout | None:
    """A delimited file's header, read from its beginning (None when it has none: then the reader says why)."""
    try:
        stream, _ = open_binary(source, options.decoder_memory)
        with stream:
            return delimited_layout(Opened(source, stream, kind, options), "," if fmt == "csv" else "\t")
    except InputError:
        return None
