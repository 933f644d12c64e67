"""The Dask engine's client side: check the targets, plan partitions, run one task per partition, assemble.

The output is a directory of part files, built as ``OUT.partial/`` and moved into place at the end; the errors
file is assembled from the partitions' errors parts in input order. On a local file system the output gets the
local engine's checks (:mod:`pillscan.engines.targets`): ``OUT.lock`` against two scans of one output, no
errors file, summary or report that is an input, and nothing the scan writes read back as input.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsspec

from pillscan.engines.accounting import ScanProgress, ScanSummary, Tally, error_lines, write_outputs
from pillscan.engines.chunks import ChunkOut
from pillscan.engines.dask.blocks import count_newlines, line_shifts
from pillscan.engines.dask.models import model_plugin
from pillscan.engines.dask.plan import Block, is_remote, plan_partitions
from pillscan.engines.dask.tasks import OUT_EXT, Job, scan_block
from pillscan.engines.options import DEFAULT_BLOCKSIZE, ScanOptions, model_name
from pillscan.engines.targets import Target, check_targets, output_lock, side_path
from pillscan.errors import OutputError, PillscanError
from pillscan.records import ReadError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DaskScan", "scan_dask"]

log = logging.getLogger(__name__)

_PART = re.compile(r"^part\.\d+\.(parquet|jsonl|csv)$")


@contextlib.contextmanager
def _client(scheduler: str | Client | None, workers: int) -> Iterator[Client]:
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
    # Processes with one thread each: scoring is CPU-bound Python, threads would share one GIL.
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
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
        if out_format not in OUT_EXT:
            raise OutputError(f"unknown output format {out_format!r}; choose one of parquet, jsonl, csv")
        return out_format
    name = output.rstrip("/").lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    return "parquet"


def _files_under(directory: str) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(directory) for f in files]


class DaskScan:
    """One scan by the Dask engine: checks the options and targets when built, then :meth:`run` scans."""

    def __init__(self, options: ScanOptions) -> None:
        self.started = time.perf_counter()
        o = self.opts = options
        if o.resume:
            raise PillscanError("--resume is not supported by the dask engine; run the scan again")
        self.out = str(o.output)
        if self.out == "-":
            raise OutputError("the dask engine writes a directory of part files, not stdout; give -o DIR")
        self.fmt = _out_format(self.out, o.out_format)
        self.fs, self.out_root = _output_dir(self.out)
        self.partial = f"{self.out_root}.partial"
        self.err_parts = f"{self.partial}.errors" if o.errors_path is not None else None
        self.local = "file" in self.fs.protocol and not is_remote(self.out)
        if o.group_by is not None and not self.local:
            raise OutputError("--group-by needs a local output directory (the table is made from its part files)")
        self.exclude = self._check_local_targets() if self.local else frozenset()
        self.model = o.model_obj()

    def _check_local_targets(self) -> frozenset[str]:
        """The local engine's checks, for an output directory; returns the real paths not to read as input."""
        o, root = self.opts, os.path.realpath(self.out_root)
        for p in o.inputs:
            if is_remote(p) or p == "-":
                continue
            real = os.path.realpath(p)
            if real == root or real.startswith(root + os.sep):
                raise OutputError(f"input {p} is inside the output directory {self.out}; write the output elsewhere")
        targets = [
            Target(what, Path(path), (side_path(Path(path), ".tmp"),))
            for what, path in (
                ("errors file", o.errors_path),
                ("summary", o.summary_path),
                ("report", o.report_path),
                ("accounts table", o.accounts_path),
                ("posts to label", o.label_sample_path),
            )
            if path is not None
        ]
        written = [self.out_root, self.partial, *([self.err_parts] if self.err_parts else [])]
        for t in targets:
            real = os.path.realpath(t.path)
            if any(real == os.path.realpath(d) or real.startswith(os.path.realpath(d) + os.sep) for d in written):
                raise OutputError(
                    f"the {t.what} {t.path} is inside the output directory {self.out}; write it elsewhere"
                )
        own = check_targets([p for p in o.inputs if not is_remote(p)], targets)
        earlier = [os.path.realpath(f) for d in written if os.path.isdir(d) for f in _files_under(d)]
        return own | frozenset(earlier) | {os.path.realpath(self._lock_path())}

    def _lock_path(self) -> Path:
        return Path(f"{self.out_root}.lock")

    def run(self) -> ScanSummary:
        """Scan, write the part files, errors file, summary and report; return the summary."""
        o = self.opts
        lock = output_lock(self._lock_path(), self.out) if self.local else contextlib.nullcontext()
        with lock:
            tally = self._scan_to_parts()
        summary = tally.summary(
            thresholds=o.thresholds(self.model),
            model_name=model_name(self.model),
            elapsed=time.perf_counter() - self.started,
            posts=tally.read,
            output=self.out,
            errors=str(o.errors_path) if o.errors_path is not None else None,
        )
        write_outputs(
            summary,
            tally.top_rows(),
            o.summary_path,
            o.report_path,
            output=self.out_root if self.local else None,  # (the report and accounts table read every part)
            out_format=self.fmt,
            include_text=o.include_text,
            group_by=o.group_by,
            accounts_path=o.accounts_path,
            label_sample=(o.label_sample, o.label_sample_path),
        )
        return summary

    def _scan_to_parts(self) -> Tally:
        o, fs = self.opts, self.fs
        plugin = model_plugin(self.model, o.trust_model)
        blocks, list_errors = plan_partitions(
            list(o.inputs), format=o.format, blocksize=o.blocksize, exclude=self.exclude
        )
        log.info("%d partitions from %d input paths", len(blocks), len(o.inputs))
        tally = Tally(part=-1)  # (what listing the inputs found comes before every partition)
        if list_errors:
            tally.add(ChunkOut.empty(), list_errors, len(list_errors))
        for path in (self.partial, self.err_parts):
            if path is not None:
                if fs.exists(path):
                    fs.rm(path, recursive=True)
                fs.makedirs(path, exist_ok=True)
        completed = False
        try:
            with _client(o.scheduler, o.n_workers) as client:
                client.register_plugin(plugin, name=plugin.name)
                try:
                    self._run(client, blocks, self._job(plugin.key), tally)
                finally:
                    with contextlib.suppress(Exception):  # a dead cluster can't unregister; nothing to free then
                        client.unregister_worker_plugin(plugin.name)
            if fs.exists(self.out_root):
                fs.rm(self.out_root, recursive=True)
            fs.mv(self.partial, self.out_root, recursive=True)
            if o.errors_path is not None and self.err_parts is not None:
                _concat_errors(fs, self.err_parts, o.errors_path, list_errors)
            completed = True
        finally:
            if not completed:
                for path in (self.partial, self.err_parts):
                    if path is not None and fs.exists(path):
                        fs.rm(path, recursive=True)
        return tally

    def _job(self, model_key: str) -> Job:
        o = self.opts
        return Job(
            model_key=model_key,
            read=o.read_options(),  # (every read option reaches the workers' readers: --encoding, --keep-col …)
            keep=o.keep_names,
            out_dir=self.fs.unstrip_protocol(self.partial),
            out_fmt=self.fmt,
            errors_dir=self.fs.unstrip_protocol(self.err_parts) if self.err_parts is not None else None,
            include_text=o.include_text,
            flagged_only=o.flagged_only,
            threshold=o.threshold,
            chunk_size=o.chunk_size,
        )

    def _run(self, client: Client, blocks: list[Block], job: Job, tally: Tally) -> None:
        """Submit one task per partition and fold their counts in as they finish (rows stay on the workers)."""
        from distributed import as_completed

        shifts = _shifts(client, blocks)
        futures = [client.submit(scan_block, b, shifts.get(b.index, 0), job, pure=False) for b in blocks]
        for future in as_completed(futures):
            part = future.result()
            future.release()
            tally.merge(part)
            if self.opts.progress is not None:
                self.opts.progress(tally.progress(time.perf_counter() - self.started))


def _shifts(client: Client, blocks: list[Block]) -> dict[int, int]:
    """Lines before each JSONL byte-range block (counted on the workers first), by block index."""
    split = [b for b in blocks if b.end is not None]
    shifts: dict[int, int] = {}
    if not split:
        return shifts
    args = ([b.url for b in split], [b.start for b in split], [b.end for b in split])
    counts = client.gather(client.map(count_newlines, *args, pure=False))
    by_file: dict[str, list[tuple[int, tuple[int, bool]]]] = {}
    for b, c in zip(split, counts, strict=True):
        by_file.setdefault(b.url, []).append((b.index, c))
    for entries in by_file.values():
        for (index, _), shift in zip(entries, line_shifts([c for _, c in entries]), strict=True):
            shifts[index] = shift
    return shifts


def _concat_errors(fs: Any, parts_dir: str, errors_path: str | Path, list_errors: list[ReadError]) -> None:
    """One errors file in input order: listing errors first, then each partition's, streamed."""
    out_fs, out_root = fsspec.core.url_to_fs(str(errors_path))
    tmp = f"{out_root}.tmp"
    try:
        with out_fs.open(tmp, "wb") as out:
            if list_errors:
                out.write(error_lines(list_errors))
            for part in sorted(fs.ls(parts_dir, detail=False)):
                with fs.open(part, "rb") as fh:
                    while piece := fh.read(4 * 2**20):
                        out.write(piece)
        out_fs.mv(tmp, out_root)
    except OSError as exc:
        raise OutputError(f"cannot write {errors_path}: {exc.strerror or exc}") from exc
    finally:
        fs.rm(parts_dir, recursive=True)


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
    encoding: str | None = None,
    decoder_memory: int = 0,
    author_col: str | None = None,
    time_col: str | None = None,
    url_col: str | None = None,
    keep_cols: Iterable[str] = (),
    group_by: str | None = None,
    accounts_path: str | Path | None = None,
) -> ScanSummary:
    """Scan ``paths`` on a Dask cluster into the directory ``output`` (Parquet part files, or JSONL/CSV ones).

    ``scheduler`` is an address (``tcp://host:8786``), a ``distributed.Client``, or None for a local cluster of
    ``workers`` processes. Paths are files, directories, globs or fsspec URLs (``s3://…`` with s3fs installed);
    the output directory and ``errors_path`` must be reachable by every worker (shared disk or object storage).
    ``blocksize`` bounds a partition (bytes of JSONL, uncompressed bytes of Parquet row groups; CSV and compressed
    files are one partition each); ``chunk_size`` posts are scored at a time, so worker memory stays bounded.
    The context options (``keep_cols``, ``group_by`` …) are :func:`pillscan.scan.scan`'s; the accounts table
    and the report read every part file (a local output). Returns the same
    :class:`~pillscan.scan.ScanSummary` as the local engine.
    """
    params = dict(locals())  # (the parameters, as passed: one list of them, the signature's)
    params["keep_cols"] = (keep_cols,) if isinstance(keep_cols, str) else tuple(keep_cols)
    return DaskScan(ScanOptions.of(params.pop("paths"), engine="dask", **params)).run()
