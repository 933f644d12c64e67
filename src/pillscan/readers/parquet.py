"""Parquet: read by record batches (only the text and id columns), so memory is bounded by the batch size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from pillscan.errors import InputError
from pillscan.readers._base import SIGNATURE, Head, Item, Opened
from pillscan.readers._context import RowContext, header_context, row_meta
from pillscan.readers._fields import (
    ID_CANDIDATES,
    TEXT_CANDIDATES,
    listing,
    make_record,
    pick_column,
    value_to_text,
)
from pillscan.readers._source import ReadOptions, Source
from pillscan.records import ReadError

__all__ = [
    "ParquetColumns",
    "batch_items",
    "parquet_columns",
    "read_parquet",
    "sniff_parquet",
]


class ParquetColumns(NamedTuple):
    """The columns a Parquet scan reads: text, id (if any), then the context columns (``context`` indexes them)."""

    names: list[str]
    has_id: bool
    context: RowContext


def parquet_columns(columns: list[str], source: Source, options: ReadOptions) -> ParquetColumns:
    """The columns to read: the text column, the id column if there is one, then the context columns (author,
    time, link, channel, kept ones); InputError if there is no text column or an asked column is missing."""
    text_idx = pick_column(columns, options.text_col, TEXT_CANDIDATES, "text", source)
    if text_idx is None:
        raise InputError(
            f"no text column found in {source.name}; columns: {listing(columns)} (choose one with --text-col)"
        )
    id_idx = pick_column(columns, options.id_col, ID_CANDIDATES, "id", source)
    names = [columns[text_idx]] + ([columns[id_idx]] if id_idx is not None else [])
    context: RowContext = []
    for key, idx in header_context(columns, options, source, [i for i in (text_idx, id_idx) if i is not None]):
        if columns[idx] not in names:
            names.append(columns[idx])
        context.append((key, names.index(columns[idx])))
    return ParquetColumns(names, id_idx is not None, context)


def batch_items(
    batch: Any, columns: ParquetColumns, source: Source, position: int, options: ReadOptions
) -> Iterator[Item]:
    """Records (or ReadErrors) for one Arrow batch of ``columns``; positions continue after ``position``."""
    texts = batch.column(0).to_pylist()
    ids = batch.column(1).to_pylist() if columns.has_id else [None] * len(texts)
    cells = [batch.column(i).to_pylist() for i in range(len(columns.names))] if columns.context else []
    for row, (raw, raw_id) in enumerate(zip(texts, ids, strict=True)):
        position += 1
        ident = None if raw_id is None else str(raw_id)
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ReadError(source.name, position, f"invalid UTF-8 at byte {exc.start + 1}", ident)
                continue
        text = value_to_text(raw)
        if text is None:
            yield ReadError(source.name, position, "empty text" if raw is None else "text is not a string", ident)
            continue
        meta = row_meta(columns.context, [c[row] for c in cells]) if cells else None
        yield make_record(text, ident, source, position, options, meta)


def read_parquet(opened: Opened) -> Iterator[Item]:
    """Rows in file order; position = 1-based row number."""
    source, options = opened.source, opened.options
    if source.path is None or opened.kind.compression is not None:
        raise InputError(f"{source.name}: Parquet must be a plain seekable file (not stdin, not compressed)")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pfile = pq.ParquetFile(source.path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"cannot read Parquet file {source.name}: {exc}") from None
    wanted = parquet_columns(list(pfile.schema_arrow.names), source, options)
    position = 0
    try:
        for batch in pfile.iter_batches(batch_size=max(1, options.chunk_size), columns=wanted.names):
            yield from batch_items(batch, wanted, source, position, options)
            position += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        yield ReadError(source.name, position + 1, f"corrupt Parquet data: {exc}")


def sniff_parquet(head: Head) -> int:
    """Parquet files start with the magic bytes ``PAR1``."""
    return SIGNATURE if head.text.startswith(b"PAR1") else 0
