"""Reading a finished scan output back, row by row (for the report and the accounts table).

JSONL rows come back as written; CSV rows get their list columns (``drugs``, ``signals``: ``;``-joined names)
and numbers back; Parquet rows are read one row group at a time. Memory stays bounded whatever the size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pillscan.errors import InputError
from pillscan.textsafe import spreadsheet_text

__all__ = ["iter_output_rows"]


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            # (cells and column names come back as written: the writer's spreadsheet marker is dropped)
            out: dict[str, Any] = {str(spreadsheet_text(k)): spreadsheet_text(v) for k, v in row.items()}
            if "drugs" in out:
                out["drugs"] = [x for x in (out["drugs"] or "").split(";") if x]
            if "signals" in out:  # CSV keeps the names only: signals without spans (no highlight)
                out["signals"] = [{"name": x} for x in (out["signals"] or "").split(";") if x]
            if "reasons" in out:
                out["reasons"] = [x for x in (out["reasons"] or "").split("; ") if x]
            try:
                out["score"] = float(out.get("score") or 0)
            except ValueError:
                out["score"] = 0.0
            yield out


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as pf:
        for batch in pf.iter_batches(batch_size=4096):
            yield from batch.to_pylist()


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    from pillscan.labels import json_lines  # (compressed or not; a line that is no JSON object: one line error)

    return json_lines(path, "scan output row")


def iter_output_rows(path: str | Path, fmt: str = "jsonl") -> Iterator[dict[str, Any]]:
    """The rows of a scan output written in ``fmt`` (``jsonl``, ``csv`` or ``parquet``): one file, or the Dask
    engine's directory of part files (``part.NNNNN.EXT``, read in partition order)."""
    path = Path(path)
    reader = {"jsonl": _jsonl_rows, "csv": _csv_rows, "parquet": _parquet_rows}.get(fmt)
    if reader is None:
        raise InputError(f"cannot read back a scan output in format {fmt!r}")
    try:
        files = sorted(path.glob(f"part.*.{fmt}")) if path.is_dir() else [path]
        for file in files:
            yield from reader(file)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the scan output {path} back: {exc}") from exc
