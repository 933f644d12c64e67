"""Scan output: turn scored records into JSONL, CSV or Parquet, and write them to a file in chunks.

Encoding (``encode_chunk``) is a pure function that runs in the worker processes, so the parent process only
appends ready-made bytes (JSONL/CSV) or Arrow tables (Parquet) to the output file, in input order.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from pillscan.context import CONTEXT_COLUMNS
from pillscan.errors import OutputError
from pillscan.records import Result
from pillscan.safefiles import fresh_no_follow, no_follow
from pillscan.textsafe import spreadsheet_cell

__all__ = [
    "BASE_COLUMNS",
    "COLUMNS",
    "OUT_FORMATS",
    "ChunkWriter",
    "OutputError",
    "csv_cell",
    "encode_chunk",
    "open_writer",
    "out_format_for",
    "output_columns",
    "result_row",
]

OUT_FORMATS = ("jsonl", "csv", "parquet")
COLUMNS = ("id", "source", "position", "score", "decision", "drugs", "signals", "reasons", "text")
#: Every column an output row can have, in order: the context columns and the kept ones (``--keep-col``) come
#: after ``reasons`` and before ``text``.
BASE_COLUMNS = COLUMNS[:-1]

# (id, text, source, position[, context]): what a worker needs of a Record; a plain tuple pickles ~3x faster.
# ``context`` (see pillscan.context.context_row) is None or the values of CONTEXT_COLUMNS and then the kept
# columns; a 4-tuple is a record without context.
RecordTuple = tuple[Any, ...]


def output_columns(include_text: bool = True, keep: Sequence[str] = ()) -> tuple[str, ...]:
    """The columns of CSV and Parquet output (JSONL rows have the context ones only when the post has context)."""
    return (*BASE_COLUMNS, *CONTEXT_COLUMNS, *keep, *(("text",) if include_text else ()))


_JSON_SEPARATORS = (",", ":")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=_JSON_SEPARATORS).encode


def out_format_for(path: str | Path, out_format: str | None = None) -> str:
    """The output format: ``out_format`` if given, else from the file extension (JSONL by default)."""
    if out_format is not None:
        fmt = out_format.lower()
        if fmt not in OUT_FORMATS:
            raise OutputError(f"unknown output format {out_format!r}; choose one of {', '.join(OUT_FORMATS)}")
        return fmt
    name = str(path).lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        if name.endswith(suffix):
            raise OutputError(f"compressed output is not supported ({path}); compress the finished file instead")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    suffix = Path(name).suffix
    if suffix in ("", ".jsonl", ".ndjson", ".jsonlines") or not suffix[1:].isalnum() or suffix[1:].isdigit():
        return "jsonl"  # (no extension: /dev/stdout, a pipe, "out"; ".1" or ".2024-01" name no format)
    # -o x.json or x.xlsx used to get JSON lines under that name: a file that is not what its name says.
    raise OutputError(
        f"cannot tell the output format from {Path(str(path)).name!r}: name it .jsonl, .csv or .parquet, "
        "or pass --out-format"
    )


def _context(rec: RecordTuple) -> tuple[Any, ...] | None:
    return rec[4] if len(rec) > 4 else None


def result_row(
    rec: RecordTuple, res: Result, *, include_text: bool = True, keep: Sequence[str] = (), full: bool = False
) -> dict[str, Any]:
    """One output row as a dict (the JSONL/Parquet shape): signals keep their spans so evidence can be shown.

    The context columns (then the ``keep`` ones) follow ``reasons`` when the record has context, or always
    (``""`` for none) with ``full``.
    """
    row: dict[str, Any] = {
        "id": rec[0],
        "source": rec[2],
        "position": rec[3],
        "score": res.score,
        "decision": res.decision,
        "drugs": list(res.drugs),
        "signals": [{"name": s.name, "text": s.text, "start": s.start, "end": s.end} for s in res.signals],
        "reasons": list(res.reasons),
    }
    context = _context(rec)
    if context is not None:
        row.update(zip((*CONTEXT_COLUMNS, *keep), context, strict=True))
    elif full:
        row.update(dict.fromkeys((*CONTEXT_COLUMNS, *keep), ""))
    if include_text:
        row["text"] = rec[1]
    return row


_quote = json.encoder.encode_basestring  # ensure_ascii=False string encoding (what _dumps uses)


def _clean_line(rec: RecordTuple, score: float, include_text: bool, keys: Sequence[str] = ()) -> str:
    """The JSON line of a clean result without evidence (most rows), byte for byte what ``_dumps`` writes.

    ``keys``: the JSON-quoted names of the context and kept columns (a record with context has one string each).
    """
    ident, text, source, position = rec[:4]
    context = _context(rec)
    if (
        type(ident) is not str
        or type(source) is not str
        or type(position) is not int
        or type(score) is not float
        or (include_text and type(text) is not str)
        or (context is not None and (len(context) != len(keys) or any(type(v) is not str for v in context)))
    ):
        keep = [json.loads(k) for k in keys[len(CONTEXT_COLUMNS) :]]
        return _dumps(result_row(rec, Result(score=score, decision="clean"), include_text=include_text, keep=keep))
    head = f'{{"id":{_quote(ident)},"source":{_quote(source)},"position":{position!r},"score":{score!r},'
    tail = '"decision":"clean","drugs":[],"signals":[],"reasons":[]'
    if context is not None:
        tail += "".join([f",{k}:{_quote(v)}" for k, v in zip(keys, context, strict=True)])
    if include_text:
        return f'{head}{tail},"text":{_quote(text)}}}'
    return f"{head}{tail}}}"


def csv_cell(value: Any) -> Any:
    """A CSV cell from posts or file names, made inert for spreadsheets (:func:`pillscan.textsafe.spreadsheet_cell`)."""
    return spreadsheet_cell(value)


def _csv_header(include_text: bool, keep: Sequence[str] = ()) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(c) for c in output_columns(include_text, keep)])
    return buf.getvalue().encode("utf-8", "replace")


def _csv_context(context: tuple[Any, ...] | None, width: int) -> list[Any]:
    if context is None:
        return [""] * width
    return [csv_cell(v if isinstance(v, str) else json.dumps(v)) for v in context]


def encode_chunk(
    records: Sequence[RecordTuple],
    results: Sequence[Result],
    fmt: str,
    *,
    include_text: bool = True,
    flagged_only: bool = False,
    keep: Sequence[str] = (),
) -> tuple[Any, int]:
    """Encode one chunk of scored records: ``(payload, rows)``; bytes for JSONL/CSV, a pyarrow Table for Parquet.

    With ``flagged_only`` the clean records are left out (they are still scored and counted by the caller).
    ``keep``: the output names of the kept columns (the last values of each record's context).
    """
    pairs = [(rec, res) for rec, res in zip(records, results, strict=True)]
    if flagged_only:
        pairs = [p for p in pairs if p[1].decision != "clean"]
    if fmt == "jsonl":
        keys = [_quote(name) for name in (*CONTEXT_COLUMNS, *keep)]
        lines = [
            _clean_line(rec, res.score, include_text, keys)
            if res.decision == "clean" and not (res.signals or res.drugs or res.reasons)
            else _dumps(result_row(rec, res, include_text=include_text, keep=keep))
            for rec, res in pairs
        ]
        text = "\n".join(lines) + "\n" if lines else ""
        # A lone surrogate (from a JSON "\ud800" escape in the input) can't be UTF-8: keep it as a JSON escape.
        return text.encode("utf-8", "backslashreplace"), len(lines)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        # With "\n" line ends, the csv module leaves a lone CR unquoted, and every reader splits the row there:
        # a row holding a CR is written with every field quoted (rare; the other rows stay as they were).
        quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
        width = len(CONTEXT_COLUMNS) + len(keep)
        for rec, res in pairs:
            row: list[Any] = [
                csv_cell(rec[0]),
                csv_cell(rec[2]),
                rec[3],
                res.score,
                res.decision,
                ";".join(res.drugs),
                ";".join(dict.fromkeys(s.name for s in res.signals)),
                csv_cell("; ".join(res.reasons)),
                *_csv_context(_context(rec), width),
            ]
            if include_text:
                row.append(csv_cell(rec[1]))
            (quoted if any(isinstance(c, str) and "\r" in c for c in row) else writer).writerow(row)
        return buf.getvalue().encode("utf-8", "replace"), len(pairs)
    if fmt == "parquet":
        import pyarrow as pa

        dicts = [result_row(rec, res, include_text=include_text, keep=keep, full=True) for rec, res in pairs]
        for one in dicts:
            for name in keep:
                if not isinstance(one[name], str):
                    one[name] = json.dumps(one[name])
        schema = parquet_schema(include_text, keep)
        columns = {name: [r[name] for r in dicts] for name in schema.names}
        return pa.Table.from_pydict(columns, schema=schema), len(dicts)
    raise OutputError(f"unknown output format {fmt!r}")


def parquet_schema(include_text: bool = True, keep: Sequence[str] = ()) -> Any:
    """The Arrow schema of Parquet scan output (signals as a list of structs with their spans; the context and
    kept columns as strings)."""
    import pyarrow as pa

    signal = pa.struct([("name", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
    fields = [
        ("id", pa.string()),
        ("source", pa.string()),
        ("position", pa.int64()),
        ("score", pa.float64()),
        ("decision", pa.string()),
        ("drugs", pa.list_(pa.string())),
        ("signals", pa.list_(signal)),
        ("reasons", pa.list_(pa.string())),
        *((name, pa.string()) for name in (*CONTEXT_COLUMNS, *keep)),
    ]
    if include_text:
        fields.append(("text", pa.string()))
    return pa.schema(fields)


class ChunkWriter:
    """Appends encoded chunks to an output file; knows its byte length so a checkpoint can record it."""

    def __init__(
        self,
        fh: IO[bytes],
        fmt: str,
        include_text: bool,
        *,
        start_bytes: int = 0,
        owns_file: bool = True,
        keep: Sequence[str] = (),
    ) -> None:
        self.fh = fh
        self.owns_file = owns_file
        self.fmt = fmt
        self.include_text = include_text
        self.keep = tuple(keep)
        self.bytes_written = start_bytes
        self._pq: Any = None
        if fmt == "csv" and start_bytes == 0:
            self.write(_csv_header(include_text, self.keep))

    def write(self, payload: Any) -> None:
        """Append one encoded chunk (bytes, or a pyarrow Table for Parquet: one row group per chunk)."""
        if self.fmt == "parquet":
            if self._pq is None:
                import pyarrow.parquet as pq

                self._pq = pq.ParquetWriter(self.fh, parquet_schema(self.include_text, self.keep), compression="zstd")
            if payload.num_rows:
                self._pq.write_table(payload)
            return
        if payload:
            self.fh.write(payload)
            self.bytes_written += len(payload)

    def sync(self) -> None:
        """Flush to the disk (before a checkpoint claims these bytes)."""
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        """Finish the file (Parquet footer) and flush it to disk; the file object is closed too."""
        if self.fmt == "parquet":
            if self._pq is None:
                import pyarrow.parquet as pq

                self._pq = pq.ParquetWriter(self.fh, parquet_schema(self.include_text, self.keep), compression="zstd")
            self._pq.close()
        if not self.owns_file:
            self.fh.flush()
        elif not self.fh.closed:
            self.sync()
            self.fh.close()


def open_writer(
    path: Path, fmt: str, include_text: bool, *, resume_bytes: int | None = None, keep: Sequence[str] = ()
) -> ChunkWriter:
    """Open ``path`` for a fresh scan, or (``resume_bytes``) truncate it to a checkpoint and append."""
    if resume_bytes is None:
        # (a symlink planted at OUT.partial is never followed: see pillscan.safefiles)
        return ChunkWriter(open(path, "wb", opener=fresh_no_follow), fmt, include_text, keep=keep)
    fh: IO[bytes] = open(path, "r+b", opener=no_follow)  # noqa: SIM115
    fh.truncate(resume_bytes)
    fh.seek(resume_bytes)
    return ChunkWriter(fh, fmt, include_text, start_bytes=resume_bytes, keep=keep)
