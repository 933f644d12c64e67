"""Corpus files: CSV, JSONL (optionally gzipped) and Parquet, written from a frame or as rows are made."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from pillscan.errors import InputError

__all__ = ["corpus_format", "write_corpus", "write_rows"]

_PARQUET_BATCH = 50_000


def corpus_format(path: str | Path) -> str:
    """The file format for a corpus path: ``csv``, ``jsonl`` or ``parquet`` (InputError otherwise)."""
    name = Path(path).name.lower()
    for fmt, exts in (("csv", (".csv", ".csv.gz")), ("jsonl", (".jsonl", ".jsonl.gz")), ("parquet", (".parquet",))):
        if name.endswith(exts):
            return fmt
    raise InputError(
        f"cannot write {Path(path).name}: unknown extension; use .csv, .csv.gz, .jsonl, .jsonl.gz or .parquet"
    )


def write_corpus(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a corpus frame as CSV, JSONL or Parquet, by extension (``.csv[.gz]``, ``.jsonl[.gz]``, ``.parquet``)."""
    p = Path(path)
    write_rows([str(c) for c in df.columns], df.itertuples(index=False, name=None), p)
    return p


@contextmanager
def _text_out(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    if path.name.lower().endswith(".gz"):
        # mtime=0 keeps the gzip header, and so the file, identical for a seed.
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
            yield text
            text.flush()
            text.detach()
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh


def write_rows(columns: list[str], rows: Iterable[tuple[Any, ...]], path: str | Path | None) -> Path | None:
    """Write rows (tuples in ``columns`` order) as they come; ``path=None`` writes CSV to stdout.

    Memory stays bounded (Parquet keeps one batch of rows); returns the path written.
    """
    p = Path(path) if path is not None else None
    fmt = corpus_format(p) if p is not None else "csv"
    if fmt == "parquet":
        assert p is not None
        _write_parquet(columns, rows, p)
        return p
    with _text_out(p) as out:
        if fmt == "csv":
            w = csv.writer(out, lineterminator="\n")
            w.writerow(columns)
            w.writerows(rows)
        else:
            dumps = json.JSONEncoder(ensure_ascii=False, default=_plain).encode
            for row in rows:
                out.write(dumps(dict(zip(columns, row, strict=True))))
                out.write("\n")
    return p


def _plain(value: Any) -> Any:
    # NumPy scalars from a frame's rows.
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _write_parquet(columns: list[str], rows: Iterable[tuple[Any, ...]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        nonlocal writer
        table = pa.Table.from_pandas(pd.DataFrame(batch, columns=columns), preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table)
        batch.clear()

    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= _PARQUET_BATCH:
                flush()
        if batch or writer is None:
            flush()
    finally:
        if writer is not None:
            writer.close()
