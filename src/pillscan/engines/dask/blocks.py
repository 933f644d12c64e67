"""Reading one partition on a Dask worker, with the ids and positions the local engine gives the same records.

A JSONL byte range starts at the first line that starts inside it; the client counts the newlines before each
range first (:func:`count_newlines`, :func:`line_shifts`) so that positions and generated ids are file positions.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import fsspec

from pillscan.engines.dask.plan import Block
from pillscan.engines.ranges import ShiftedSource
from pillscan.errors import InputError
from pillscan.readers import Opened, ReadOptions, Source, get_format, read_source, sniff
from pillscan.readers.jsonl import read_jsonl
from pillscan.readers.parquet import batch_items, parquet_columns
from pillscan.records import ReadError, Record

__all__ = ["count_newlines", "line_shifts", "read_block"]


def count_newlines(url: str, start: int, end: int) -> tuple[int, bool]:
    """Newlines in bytes ``[start, end)`` and whether the last of those bytes is one."""
    n, last, remaining = 0, b"", end - start
    with fsspec.open(url, "rb") as fh:
        fh.seek(start)
        while remaining > 0:
            piece = fh.read(min(8 * 2**20, remaining))
            if not piece:
                break
            n += piece.count(b"\n")
            last = piece[-1:]
            remaining -= len(piece)
    return n, last == b"\n"


def line_shifts(counts: list[tuple[int, bool]]) -> list[int]:
    """Lines before each block of one file: a block starts at the first line that starts inside it."""
    shifts = [0]
    total = 0
    for n, ends_with_newline in counts[:-1]:
        total += n
        # A block's first line starts after the first newline at or after its start - 1.
        shifts.append(total + (0 if ends_with_newline else 1))
    return shifts


def _block_bytes(url: str, start: int, end: int) -> bytes:
    """The lines that start in ``[start, end)``, the last one completed past ``end``."""
    with fsspec.open(url, "rb") as fh:
        if start > 0:
            fh.seek(start - 1)
            fh.readline()  # the rest of the line that started in the block before
        pos = fh.tell()
        if pos >= end:
            return b""
        data: bytes = fh.read(end - pos)
        if data and not data.endswith(b"\n"):
            data += fh.readline()
    return data


def read_block(block: Block, shift: int, options: ReadOptions) -> Iterator[Record | ReadError]:
    """Records and read errors of one partition, with file positions (as the local engine reports them)."""
    if block.row_groups is not None:
        items = _read_parquet_groups(block, options)
    elif block.end is not None:
        source = ShiftedSource(block.source, None, shift)
        stream: Any = io.BufferedReader(io.BytesIO(_block_bytes(block.url, block.start, block.end)))
        kind = sniff(stream, None, options.encoding)
        items = read_jsonl(Opened(source, stream, kind, options)) if stream.peek(1) else iter(())
    elif block.local:
        items = read_source(Source(block.source, Path(block.url)), options, block.fmt)
    else:
        items = _read_remote_file(block, options)
    shift += block.shift
    if not shift:
        yield from items
        return
    for item in items:
        yield replace(item, position=item.position + shift)


def _read_remote_file(block: Block, options: ReadOptions) -> Iterator[Record | ReadError]:
    with fsspec.open(block.url, "rb", compression=block.compression) as fh:
        stream = io.BufferedReader(fh)
        kind = sniff(stream, block.compression)
        if not kind.head:
            return
        yield from get_format(block.fmt).reader(Opened(Source(block.source, None), stream, kind, options))


def _read_parquet_groups(block: Block, options: ReadOptions) -> Iterator[Record | ReadError]:
    """Rows of some row groups; positions count from 1 within the block (the caller adds ``block.shift``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = ShiftedSource(block.source, None, block.shift)
    with fsspec.open(block.url, "rb") as fh:
        try:
            pfile = pq.ParquetFile(fh)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"cannot read Parquet file {block.source}: {exc}") from None
        wanted = parquet_columns(list(pfile.schema_arrow.names), source, options)
        position = 0
        try:
            batches = pfile.iter_batches(
                batch_size=max(1, options.chunk_size), columns=wanted.names, row_groups=list(block.row_groups or ())
            )
            for batch in batches:
                yield from batch_items(batch, wanted, source, position, options)
                position += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            yield ReadError(block.source, position + 1, f"corrupt Parquet data: {exc}")
