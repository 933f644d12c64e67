"""The same scan on a Dask cluster: inputs split into partitions, scored on workers, written as part files.

Each partition (a Parquet row-group range, a newline-aligned byte range of a JSONL file, or a whole CSV or
compressed file) is read on a worker by pillscan's own readers, scored in bounded chunks by the same code as the
local engine (:func:`pillscan.scan._process_chunk`) and written as one part file; only small counts travel back
to the client. So ids, scores, decisions and the summary are those of :func:`pillscan.scan.scan`.

The model reaches each worker once: a :class:`ModelPlugin` carries the model file's bytes, checks their sha256
on the worker, loads the model and keeps it in a per-process cache keyed by that sha256.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import heapq
import io
import json
import logging
import math
import os
import pickle
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec
import pandas as pd
from distributed.diagnostics.plugin import WorkerPlugin

from pillscan.errors import InputError, ModelError, PillscanError, UnsafeModelError
from pillscan.readers import detect_format, iter_sources, read_source
from pillscan.readers._base import Opened
from pillscan.readers._fields import value_to_text
from pillscan.readers._source import ReadOptions, Source, _CorruptStream, open_binary, sniff
from pillscan.readers.parquet import batch_items, parquet_columns
from pillscan.records import ReadError, Record, Result
from pillscan.scan import (
    HIST_BINS,
    TOP_K,
    ScanProgress,
    ScanSummary,
    _ChunkOut,
    _model_name,
    _process_chunk,
    _resolve_model,
    _score_texts,
    _Tally,
    write_outputs,
)
from pillscan.writers import ChunkWriter, OutputError, result_row

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "ModelPlugin",
    "output_meta",
    "register_model",
    "scan_dask",
    "score_partition",
]

log = logging.getLogger(__name__)

DEFAULT_BLOCKSIZE = 32 * 2**20  # bytes of input per partition (uncompressed Parquet bytes for row groups)
_OUT_EXT = {"parquet": "parquet", "jsonl": "jsonl", "csv": "csv"}
_PART = re.compile(r"^part\.\d+\.(parquet|jsonl|csv)$")
_REMOTE_FORMATS = {
    ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
    ".txt": "txt", ".json": "json",
}  # fmt: skip
_COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
_GLOB_CHARS = re.compile(r"[*?\[]")

# --- the model on the workers ---------------------------------------------------------------------------

_MODELS: dict[str, Any] = {}  # per worker process: key (sha256) -> loaded model
_LOADS: Counter[str] = Counter()  # how often each key was loaded in this process (tests check "once")
_MODELS_LOCK = threading.Lock()


class ModelPlugin(WorkerPlugin):
    """Carries a model to every worker (also ones that join later) and loads it there once.

    A pillscan bundle travels as its file bytes plus its card; the worker checks the bytes' sha256, writes them
    to its local directory and loads them with :func:`pillscan.model.load_model` (which checks the card and the
    scikit-learn version again). Any other model object travels pickled.
    """

    def __init__(self, key: str, payload: bytes, *, card: dict[str, Any] | None, kind: str, trust: bool) -> None:
        self.key = key
        self.name = f"pillscan-model-{key[:16]}"
        self.payload = payload
        self.digest = hashlib.sha256(payload).hexdigest()
        self.card = card
        self.kind = kind
        self.trust = trust

    def setup(self, worker: Any) -> None:
        """Verify and load the model into this worker process's cache (nothing to do if already there)."""
        with _MODELS_LOCK:
            if self.key in _MODELS:
                return
            if hashlib.sha256(self.payload).hexdigest() != self.digest:
                raise UnsafeModelError("the model bytes that reached this worker do not match their sha256")
            if self.kind == "bundle":
                from pillscan.model import load_model

                folder = Path(getattr(worker, "local_directory", None) or _tmpdir()) / "pillscan-models"
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{self.key[:16]}.joblib"
                path.write_bytes(self.payload)
                if self.card:
                    path.with_suffix(".json").write_text(json.dumps(self.card), encoding="utf-8")
                model = load_model(path, trust=self.trust)
            else:
                model = pickle.loads(self.payload)  # pickled by our own client from a live model object
            _MODELS[self.key] = model
            _LOADS[self.key] += 1
            log.info("pillscan model %s loaded on %s", self.key[:12], getattr(worker, "address", "?"))

    def teardown(self, worker: Any) -> None:
        """Drop the model when the plugin is unregistered (a scan on a shared cluster frees its memory)."""
        with _MODELS_LOCK:
            _MODELS.pop(self.key, None)


def _tmpdir() -> str:
    import tempfile

    return tempfile.gettempdir()


def _model_plugin(model: Any, trust: bool) -> ModelPlugin:
    path = getattr(model, "path", None)
    card = getattr(model, "card", None)
    from pillscan.model import Model

    if isinstance(model, Model) and path is not None and Path(path).exists():
        payload = Path(path).read_bytes()
        key = str(card["sha256"]) if card and card.get("sha256") else hashlib.sha256(payload).hexdigest()
        if card and card.get("sha256") and hashlib.sha256(payload).hexdigest() != key:
            raise UnsafeModelError(f"{Path(path).name} changed on disk since it was loaded; load it again")
        return ModelPlugin(key, payload, card=dict(card) if card else None, kind="bundle", trust=trust or not card)
    try:
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable custom model
        raise ModelError(f"cannot send the model to Dask workers: {type(exc).__name__}: {exc}") from exc
    return ModelPlugin(hashlib.sha256(payload).hexdigest(), payload, card=None, kind="pickle", trust=True)


def register_model(client: Client, model: Any = None, *, trust: bool = False) -> str:
    """Send ``model`` (loaded model, path, or None for the default) to every worker of ``client``; returns its key.

    Pass the key to :func:`score_partition` (``model_key=``) so partitions use the model the workers already hold.
    """
    plugin = _model_plugin(_resolve_model(model, trust), trust)
    client.register_plugin(plugin, name=plugin.name)
    return plugin.key


def _worker_model(key: str) -> Any:
    model = _MODELS.get(key)
    if model is None:
        raise ModelError(f"model {key[:12]} is not loaded on this worker; call register_model(client, ...) first")
    return model


def _model_from_path(path: str | Path | None, trust: bool) -> Any:
    """Load a model file once per process (cached by path, size and mtime): for plain ``map_partitions`` use."""
    from pillscan.model import default_model_path, load_model

    p = Path(path) if path is not None else default_model_path()
    try:
        st = p.stat()
        key = f"path:{p.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        key = f"path:{p}"
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = load_model(p, trust=trust)
            _LOADS[key] += 1
    return model


def model_loads() -> dict[str, int]:
    """How many times each model was loaded in this process (run it on workers with ``client.run``)."""
    return dict(_LOADS)


# --- planning: inputs -> partitions ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """One partition of the input: a whole file, a byte range of a JSONL file, or Parquet row groups."""

    index: int
    source: str  # the name records report (as the local engine names it)
    url: str  # what fsspec opens
    fmt: str
    local: bool
    start: int = 0
    end: int | None = None  # byte range end (JSONL split); None: the whole file
    row_groups: tuple[int, ...] | None = None  # Parquet: these groups
    shift: int = 0  # positions before this block (Parquet: rows of the earlier groups)
    compression: str | None = None


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _remote_files(path: str) -> list[str]:
    fs, root = fsspec.core.url_to_fs(path)
    if _GLOB_CHARS.search(root):
        found = sorted(fs.glob(root))
    elif fs.isdir(root):
        found = sorted(p for p in fs.find(root) if not any(part.startswith((".", "_")) for part in p.split("/")[-1:]))
    elif fs.exists(root):
        found = [root]
    else:
        raise InputError(f"cannot read {path}: no such file or directory")
    if not found:
        raise InputError(f"no input files match {path}")
    return [fs.unstrip_protocol(p) for p in found]


def _remote_format(url: str, fmt: str) -> tuple[str, str | None]:
    name = url.rsplit("/", 1)[-1].lower()
    compression = None
    for suffix, codec in _COMPRESSION.items():
        if name.endswith(suffix):
            compression, name = codec, name[: -len(suffix)]
    if fmt != "auto":
        return fmt, compression
    for suffix, found in _REMOTE_FORMATS.items():
        if name.endswith(suffix):
            return found, compression
    raise InputError(f"cannot tell the format of {url} from its name; pass --format")


def _parquet_blocks(url: str, blocksize: int | None) -> tuple[list[tuple[int, ...]], list[int]]:
    """Row groups grouped to about ``blocksize`` uncompressed bytes, and the rows before each group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with fsspec.open(url, "rb") as fh:
            meta = pq.ParquetFile(fh).metadata
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"cannot read Parquet file {url}: {exc}") from None
    groups: list[tuple[int, ...]] = []
    shifts: list[int] = []
    current: list[int] = []
    size = rows = first = 0
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        if current and blocksize is not None and size >= blocksize:
            groups.append(tuple(current))
            shifts.append(first)
            current, size, first = [], 0, rows
        current.append(i)
        size += rg.total_byte_size
        rows += rg.num_rows
    if current or not groups:
        groups.append(tuple(current))
        shifts.append(first)
    return groups, shifts


def _line_splittable(path: Path) -> bool:
    """A plain UTF-8 file can be cut at newlines; compressed or UTF-16 files are read whole."""
    stream, codec = open_binary(Source(str(path), path))
    with stream:
        try:
            kind = sniff(stream, codec)
        except _CorruptStream:
            return False
    return codec is None and kind.encoding in ("utf-8", "utf-8-sig")


def plan_partitions(
    paths: Sequence[str], *, format: str = "auto", blocksize: int | None = DEFAULT_BLOCKSIZE
) -> tuple[list[_Block], list[ReadError]]:
    """Expand paths (files, directories, globs, fsspec URLs) into partitions, in input order.

    Returns the partitions and the read errors found while listing (broken symlinks, loops), which count as
    skipped. Missing paths raise :class:`InputError`.
    """
    blocks: list[_Block] = []
    errors: list[ReadError] = []

    def add(**kw: Any) -> None:
        blocks.append(_Block(index=len(blocks), **kw))

    for raw in paths:
        if raw == "-":
            raise InputError("the dask engine reads files, not stdin")
        if _is_remote(raw):
            for url in _remote_files(raw):
                fmt, compression = _remote_format(url, format)
                _plan_file(add, url, url, fmt, False, compression, blocksize)
            continue
        expanded = [raw]
        if _GLOB_CHARS.search(raw) and not os.path.exists(raw):
            expanded = sorted(glob.glob(raw, recursive=True))
            if not expanded:
                raise InputError(f"no input files match {raw}")
        for item in iter_sources(expanded):
            if isinstance(item, ReadError):
                errors.append(item)
                continue
            assert item.path is not None
            fmt = format if format != "auto" else detect_format(item.path)
            splittable = fmt == "jsonl" and _line_splittable(item.path)
            _plan_file(add, item.name, str(item.path.resolve()), fmt, True, None, blocksize, splittable)
    return blocks, errors


def _plan_file(
    add: Callable[..., None],
    name: str,
    url: str,
    fmt: str,
    local: bool,
    compression: str | None,
    blocksize: int | None,
    splittable: bool | None = None,
) -> None:
    if fmt == "parquet":
        if compression is not None:
            raise InputError(f"{name}: Parquet must be a plain file (not compressed)")
        groups, shifts = _parquet_blocks(url, blocksize)
        for groups_i, shift in zip(groups, shifts, strict=True):
            add(source=name, url=url, fmt=fmt, local=local, row_groups=groups_i, shift=shift)
        return
    if splittable is None:
        splittable = fmt == "jsonl" and compression is None
    size = 0
    if splittable and blocksize is not None:
        fs, root = fsspec.core.url_to_fs(url)
        size = int(fs.size(root) or 0)
    if not splittable or blocksize is None or size <= blocksize:
        add(source=name, url=url, fmt=fmt, local=local, compression=compression)
        return
    for start in range(0, size, blocksize):
        add(source=name, url=url, fmt=fmt, local=local, start=start, end=min(size, start + blocksize))


# --- reading one partition (on a worker) ----------------------------------------------------------------


@dataclass(frozen=True)
class _ShiftedSource(Source):
    """A source whose generated ids use file positions, though the reader counts from the block's start."""

    shift: int = 0

    def generated_id(self, position: int) -> str:
        """``name:position`` with the file position, as the local engine makes it."""
        return f"{self.name}:{position + self.shift}"


def _count_newlines(url: str, start: int, end: int) -> tuple[int, bool]:
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


def _line_shifts(counts: list[tuple[int, bool]]) -> list[int]:
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


def _read_block(block: _Block, shift: int, options: ReadOptions) -> Iterator[Record | ReadError]:
    """Records and read errors of one partition, with file positions (as the local engine reports them)."""
    if block.row_groups is not None:
        items = _read_parquet_groups(block, options)
    elif block.end is not None:
        source = _ShiftedSource(block.source, None, shift)
        stream: Any = io.BufferedReader(io.BytesIO(_block_bytes(block.url, block.start, block.end)))
        from pillscan.readers.jsonl import read_jsonl

        items = read_jsonl(Opened(source, stream, sniff(stream), options)) if stream.peek(1) else iter(())
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


def _read_remote_file(block: _Block, options: ReadOptions) -> Iterator[Record | ReadError]:
    from pillscan.readers import _READERS

    with fsspec.open(block.url, "rb", compression=block.compression) as fh:
        stream = io.BufferedReader(fh)
        kind = sniff(stream, block.compression)
        if not kind.head:
            return
        yield from _READERS[block.fmt](Opened(Source(block.source, None), stream, kind, options))


def _read_parquet_groups(block: _Block, options: ReadOptions) -> Iterator[Record | ReadError]:
    """Rows of some row groups; positions count from 1 within the block (the caller adds ``block.shift``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = _ShiftedSource(block.source, None, block.shift)
    with fsspec.open(block.url, "rb") as fh:
        try:
            pfile = pq.ParquetFile(fh)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"cannot read Parquet file {block.source}: {exc}") from None
        wanted = parquet_columns(list(pfile.schema_arrow.names), source, options)
        position = 0
        try:
            batches = pfile.iter_batches(
                batch_size=max(1, options.chunk_size), columns=wanted, row_groups=list(block.row_groups or ())
            )
            for batch in batches:
                yield from batch_items(batch, len(wanted) > 1, source, position, options)
                position += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            yield ReadError(block.source, position + 1, f"corrupt Parquet data: {exc}")


# --- scanning one partition (on a worker) ---------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """What every partition task needs besides its block."""

    model_key: str
    read: ReadOptions
    out_dir: str
    out_fmt: str
    errors_dir: str | None
    include_text: bool
    flagged_only: bool
    threshold: float | None
    chunk_size: int


def _chunked(items: Iterable[Record | ReadError], size: int) -> Iterator[list[Record | ReadError]]:
    chunk: list[Record | ReadError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _scan_block(block: _Block, shift: int, job: _Job) -> _Tally:
    """Read, score and write one partition as ``part.NNNNN.EXT``; returns its counts (never its rows)."""
    model = _worker_model(job.model_key)
    tally = _Tally()
    name = f"part.{block.index:05d}.{_OUT_EXT[job.out_fmt]}"
    err_fh: Any = None
    try:
        with fsspec.open(f"{job.out_dir}/{name}", "wb") as fh:
            writer = ChunkWriter(fh, job.out_fmt, job.include_text, owns_file=False)
            for chunk in _chunked(_read_block(block, shift, job.read), job.chunk_size):
                recs = [(r.id, r.text, r.source, r.position) for r in chunk if isinstance(r, Record)]
                errs = [e for e in chunk if isinstance(e, ReadError)]
                out = _process_chunk(
                    model,
                    recs,
                    threshold=job.threshold,
                    fmt=job.out_fmt,
                    include_text=job.include_text,
                    flagged_only=job.flagged_only,
                )
                writer.write(out.payload)
                out.payload = None
                tally.add(out, errs, len(chunk))
                if errs and job.errors_dir is not None:
                    if err_fh is None:
                        err_fh = fsspec.open(f"{job.errors_dir}/{name}.errors.jsonl", "wb").open()
                    err_fh.write(_error_lines(errs))
            writer.close()
    except OSError as exc:
        raise OutputError(f"cannot write {job.out_dir}/{name}: {exc.strerror or exc}") from exc
    finally:
        if err_fh is not None:
            err_fh.close()
    return tally


def _error_lines(errors: list[ReadError]) -> bytes:
    return "".join(
        json.dumps({"source": e.source, "position": e.position, "id": e.id, "reason": e.reason}, ensure_ascii=False)
        + "\n"
        for e in errors
    ).encode("utf-8", "backslashreplace")


def _merge(total: _Tally, part: _Tally) -> None:
    """Add one partition's counts to the run's (order-independent, so partitions can finish in any order)."""
    for name in ("consumed", "read", "scored", "skipped", "rows", "offer", "review"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for mine, theirs in ((total.by_drug, part.by_drug), (total.by_signal, part.by_signal)):
        for k, v in theirs.items():
            mine[k] = mine.get(k, 0) + v
    for src, counts in part.by_source.items():
        s = total.source(src)
        for k, v in counts.items():
            s[k] += v
    total.hist = [a + b for a, b in zip(total.hist, part.hist, strict=True)]
    if part.top:
        total.top = heapq.nsmallest(
            TOP_K, total.top + part.top, key=lambda r: (-r["score"], r["source"], r["position"])
        )
    total.skip_examples = sorted(total.skip_examples + part.skip_examples, key=_example_order)[:3]


def _example_order(example: str) -> tuple[str, int]:
    source, _, rest = example.rpartition(": ")[0].rpartition(":")
    return source, int(rest) if rest.isdigit() else 0


# --- the engine -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _client(scheduler: str | Client | None, workers: int | None) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise PillscanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    n = max(1, workers or os.cpu_count() or 1)
    # Processes with one thread each: scoring is CPU-bound Python, threads would share one GIL.
    with (
        LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _output_dir(output: str) -> tuple[Any, str]:
    fs, root = fsspec.core.url_to_fs(output)
    root = root.rstrip("/")
    if fs.exists(root):
        if not fs.isdir(root):
            raise OutputError(f"output {output} is a file; the dask engine writes a directory of part files")
        foreign = [p for p in fs.ls(root, detail=False) if not _PART.match(p.rstrip("/").rsplit("/", 1)[-1])]
        if foreign:
            raise OutputError(f"output directory {output} holds other files; choose an empty or new directory")
    else:
        parent = root.rsplit("/", 1)[0] if "/" in root else "."
        if parent and not fs.exists(parent):
            raise OutputError(f"output directory {parent} does not exist")
    return fs, root


def _out_format(output: str, out_format: str | None) -> str:
    if out_format is not None:
        if out_format not in _OUT_EXT:
            raise OutputError(f"unknown output format {out_format!r}; choose one of parquet, jsonl, csv")
        return out_format
    name = output.rstrip("/").lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    return "parquet"


def scan_dask(
    paths: str | Path | Iterable[str | Path],
    *,
    output: str | Path,
    model: Any = None,
    scheduler: str | Client | None = None,
    workers: int | None = None,
    format: str = "auto",
    text_col: str | None = None,
    id_col: str | None = None,
    out_format: str | None = None,
    flagged_only: bool = False,
    include_text: bool = True,
    threshold: float | None = None,
    errors_path: str | Path | None = None,
    summary_path: str | Path | None = None,
    report_path: str | Path | None = None,
    blocksize: int | None = DEFAULT_BLOCKSIZE,
    chunk_size: int = 2000,
    max_text_chars: int = 1_000_000,
    trust_model: bool = False,
    progress: Callable[[ScanProgress], None] | None = None,
    resume: bool = False,
) -> ScanSummary:
    """Scan ``paths`` on a Dask cluster into the directory ``output`` (Parquet part files, or JSONL/CSV ones).

    ``scheduler`` is an address (``tcp://host:8786``), a ``distributed.Client``, or None for a local cluster of
    ``workers`` processes. Paths are files, directories, globs or fsspec URLs (``s3://…`` with s3fs installed);
    the output directory and ``errors_path`` must be reachable by every worker (shared disk or object storage).
    ``blocksize`` bounds a partition (bytes of JSONL, uncompressed bytes of Parquet row groups; CSV and compressed
    files are one partition each); ``chunk_size`` posts are scored at a time, so worker memory stays bounded.
    Returns the same :class:`~pillscan.scan.ScanSummary` as the local engine.
    """
    started = time.perf_counter()
    inputs = [str(paths)] if isinstance(paths, (str, Path)) else [str(p) for p in paths]
    if not inputs:
        raise InputError("no input given")
    if resume:
        raise PillscanError("--resume is not supported by the dask engine; run the scan again")
    if chunk_size < 1:
        raise InputError("chunk size must be at least 1")
    if blocksize is not None and blocksize < 1:
        raise InputError("blocksize must be at least 1 byte")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise PillscanError(f"threshold must be between 0 and 1, got {threshold}")
    out = str(output)
    if out == "-":
        raise OutputError("the dask engine writes a directory of part files, not stdout; give -o DIR")
    fmt = _out_format(out, out_format)
    fs, out_root = _output_dir(out)
    partial = f"{out_root}.partial"
    err_parts = f"{partial}.errors" if errors_path is not None else None

    model_obj = _resolve_model(model, trust_model)
    thresholds = {k: float(v) for k, v in dict(model_obj.thresholds).items()}
    if threshold is not None:
        thresholds = {"offer": threshold, "review": min(thresholds.get("review", threshold), threshold)}
    plugin = _model_plugin(model_obj, trust_model)
    blocks, list_errors = plan_partitions(inputs, format=format, blocksize=blocksize)
    log.info("%d partitions from %d input paths", len(blocks), len(inputs))

    tally = _Tally()
    if list_errors:
        tally.add(_ChunkOut(None, 0, 0, 0, 0, {}, {}, {}, [0] * HIST_BINS, []), list_errors, len(list_errors))
    for path in (partial, err_parts):
        if path is not None:
            if fs.exists(path):
                fs.rm(path, recursive=True)
            fs.makedirs(path, exist_ok=True)
    job = _Job(
        model_key=plugin.key,
        read=ReadOptions(text_col=text_col, id_col=id_col, max_text_chars=max_text_chars, chunk_size=chunk_size),
        out_dir=fs.unstrip_protocol(partial),
        out_fmt=fmt,
        errors_dir=fs.unstrip_protocol(err_parts) if err_parts is not None else None,
        include_text=include_text,
        flagged_only=flagged_only,
        threshold=threshold,
        chunk_size=chunk_size,
    )
    completed = False
    try:
        with _client(scheduler, workers) as client:
            client.register_plugin(plugin, name=plugin.name)
            try:
                _run(client, blocks, job, tally, progress, started)
            finally:
                with contextlib.suppress(Exception):  # a dead cluster can't unregister; nothing to free then
                    client.unregister_worker_plugin(plugin.name)
        if fs.exists(out_root):
            fs.rm(out_root, recursive=True)
        fs.mv(partial, out_root, recursive=True)
        if errors_path is not None and err_parts is not None:
            _concat_errors(fs, err_parts, errors_path, list_errors)
        completed = True
    finally:
        if not completed:
            for path in (partial, err_parts):
                if path is not None and fs.exists(path):
                    fs.rm(path, recursive=True)

    elapsed = time.perf_counter() - started
    summary = tally.summary(
        thresholds=thresholds,
        model_name=_model_name(model_obj),
        elapsed=elapsed,
        posts=tally.read,
        output=out,
        errors=str(errors_path) if errors_path is not None else None,
    )
    write_outputs(summary, tally.top, summary_path, report_path)
    return summary


def _run(
    client: Client,
    blocks: list[_Block],
    job: _Job,
    tally: _Tally,
    progress: Callable[[ScanProgress], None] | None,
    started: float,
) -> None:
    """Submit one task per partition and fold their counts in as they finish (rows stay on the workers)."""
    from distributed import as_completed

    # JSONL files cut into byte ranges: count their newlines first so every block knows its first line number.
    split = [b for b in blocks if b.end is not None]
    shifts: dict[int, int] = {}
    if split:
        args = ([b.url for b in split], [b.start for b in split], [b.end for b in split])
        counts = client.gather(client.map(_count_newlines, *args, pure=False))
        by_file: dict[str, list[tuple[int, tuple[int, bool]]]] = {}
        for b, c in zip(split, counts, strict=True):
            by_file.setdefault(b.url, []).append((b.index, c))
        for entries in by_file.values():
            for (index, _), shift in zip(entries, _line_shifts([c for _, c in entries]), strict=True):
                shifts[index] = shift
    futures = [client.submit(_scan_block, b, shifts.get(b.index, 0), job, pure=False) for b in blocks]
    for future in as_completed(futures):
        part = future.result()
        future.release()
        _merge(tally, part)
        if progress is not None:
            progress(
                ScanProgress(
                    tally.read, tally.scored, tally.skipped, tally.offer, tally.review, time.perf_counter() - started
                )
            )


def _concat_errors(fs: Any, parts_dir: str, errors_path: str | Path, list_errors: list[ReadError]) -> None:
    """One errors file in input order: listing errors first, then each partition's, streamed."""
    out_fs, out_root = fsspec.core.url_to_fs(str(errors_path))
    tmp = f"{out_root}.tmp"
    try:
        with out_fs.open(tmp, "wb") as out:
            if list_errors:
                out.write(_error_lines(list_errors))
            for part in sorted(fs.ls(parts_dir, detail=False)):
                with fs.open(part, "rb") as fh:
                    while piece := fh.read(4 * 2**20):
                        out.write(piece)
        out_fs.mv(tmp, out_root)
    except OSError as exc:
        raise OutputError(f"cannot write {errors_path}: {exc.strerror or exc}") from exc
    finally:
        fs.rm(parts_dir, recursive=True)


# --- for people who already hold a Dask dataframe -------------------------------------------------------


def output_meta(include_text: bool = True) -> pd.DataFrame:
    """The empty frame :func:`score_partition` returns, for ``map_partitions(..., meta=output_meta())``."""
    meta = pd.DataFrame(
        {
            "id": pd.Series([], dtype=object),
            "source": pd.Series([], dtype=object),
            "position": pd.Series([], dtype="int64"),
            "score": pd.Series([], dtype="float64"),
            "decision": pd.Series([], dtype=object),
            "drugs": pd.Series([], dtype=object),
            "signals": pd.Series([], dtype=object),
            "reasons": pd.Series([], dtype=object),
        }
    )
    if include_text:
        meta["text"] = pd.Series([], dtype=object)
    return meta


def _missing(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def score_partition(
    df: pd.DataFrame,
    model_path: str | Path | None = None,
    *,
    model_key: str | None = None,
    text_col: str = "text",
    id_col: str | None = "id",
    source_col: str | None = "source",
    position_col: str | None = "position",
    threshold: float | None = None,
    include_text: bool = True,
    flagged_only: bool = False,
    max_text_chars: int = 1_000_000,
    trust_model: bool = False,
) -> pd.DataFrame:
    """Score one pandas partition; ``ddf.map_partitions(score_partition, model_path=..., meta=output_meta())``.

    The model is ``model_key`` from :func:`register_model`, else the file ``model_path`` (None: the bundled
    default) loaded once per worker process. Rows come out in the columns of scan output. A row without usable
    text is kept, with ``decision == "skipped"``, score NaN and the reason, so nothing is silently lost;
    ``flagged_only`` drops only ``clean`` rows. A missing id becomes ``source:position`` like the local engine's.
    """
    if text_col not in df.columns:
        raise InputError(f"text column {text_col!r} not in the partition; columns: {', '.join(map(str, df.columns))}")
    model = _worker_model(model_key) if model_key is not None else _model_from_path(model_path, trust_model)
    n = len(df)
    sources = df[source_col].tolist() if source_col and source_col in df.columns else [""] * n
    positions = (
        [int(p) for p in df[position_col].tolist()] if position_col and position_col in df.columns else list(range(n))
    )
    ids = df[id_col].tolist() if id_col and id_col in df.columns else [None] * n
    recs: list[tuple[str, str, str, int]] = []
    rows: list[dict[str, Any] | None] = []
    for raw, ident, src, pos in zip(df[text_col].tolist(), ids, sources, positions, strict=True):
        src = "" if _missing(src) else str(src)
        ident = f"{src}:{pos}" if _missing(ident) else str(ident)
        text = None if _missing(raw) else value_to_text(raw)
        reason = None
        if text is None or not text.strip():
            reason = "empty text" if text is not None or _missing(raw) else "text is not a string"
        elif len(text) > max_text_chars:
            reason = f"text too long: {len(text):,} chars > max_text_chars {max_text_chars:,}"
        if reason is not None:
            skipped: dict[str, Any] = {
                "id": ident,
                "source": src,
                "position": pos,
                "score": math.nan,
                "decision": "skipped",
                "drugs": [],
                "signals": [],
                "reasons": [reason],
            }
            if include_text:
                skipped["text"] = None if _missing(raw) else str(raw)
            rows.append(skipped)
            continue
        assert text is not None
        recs.append((ident, text, src, pos))
        rows.append(None)
    results: list[Result] = _score_texts(model, [r[1] for r in recs], threshold) if recs else []
    scored = iter(zip(recs, results, strict=True))
    out: list[dict[str, Any]] = []
    for row in rows:
        if row is None:
            rec, res = next(scored)
            if flagged_only and res.decision == "clean":
                continue
            row = result_row(rec, res, include_text=include_text)
        out.append(row)
    meta = output_meta(include_text)
    if not out:
        return meta
    frame = pd.DataFrame(out, columns=list(meta.columns))
    return frame.astype({"position": "int64", "score": "float64"})
