"""Scan exported posts: :func:`scan` checks what it is asked (:class:`ScanOptions`) and runs an engine.

Two engines do the work, with the same chunk code, accounting and output checks (:mod:`pillscan.engines`):

- ``local`` (:class:`pillscan.engines.local.LocalScan`): a process pool on this machine, output in input order,
  ``OUT.partial`` renamed at the end, ``OUT.lock`` against two scans of one output, a checkpoint that lets
  ``resume=True`` continue an interrupted scan to the same bytes;
- ``dask`` (:mod:`pillscan.engines.dask`): partitions scored on a Dask cluster into a directory of part files.

Every record read is either scored (and written, unless ``flagged_only`` leaves a clean one out) or skipped
(and listed in the errors file), so ``read == written + skipped`` always holds. Files the scan writes are
checked before anything is written (see :mod:`pillscan.engines.targets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pillscan.engines.accounting import ScanProgress, ScanSummary, write_outputs
from pillscan.engines.checkpoint import CHECKPOINT_VERSION
from pillscan.engines.chunks import HIST_BINS, TOP_K, TOP_TEXT_CHARS
from pillscan.engines.options import CHECKPOINT_EVERY_CHUNKS, ScanOptions
from pillscan.errors import PillscanError, ScanInterrupted

__all__ = [
    "CHECKPOINT_EVERY_CHUNKS",
    "CHECKPOINT_VERSION",
    "HIST_BINS",
    "TOP_K",
    "TOP_TEXT_CHARS",
    "ScanInterrupted",
    "ScanOptions",
    "ScanProgress",
    "ScanSummary",
    "run_scan",
    "scan",
    "write_outputs",
]


def scan(
    paths: str | Path | Iterable[str | Path],
    *,
    output: str | Path,
    model: Any = None,
    format: str = "auto",
    text_col: str | None = None,
    id_col: str | None = None,
    out_format: str | None = None,
    flagged_only: bool = False,
    include_text: bool = True,
    errors_path: str | Path | None = None,
    summary_path: str | Path | None = None,
    workers: int | None = None,
    chunk_size: int = 2000,
    resume: bool = False,
    threshold: float | None = None,
    progress: Callable[[ScanProgress], None] | None = None,
    report_path: str | Path | None = None,
    trust_model: bool = False,
    max_text_chars: int = 1_000_000,
    handle_signals: bool = True,
    checkpoint_every: int = CHECKPOINT_EVERY_CHUNKS,
    engine: str = "local",
    scheduler: Any = None,
    encoding: str | None = None,
    decoder_memory: int = 0,
    author_col: str | None = None,
    time_col: str | None = None,
    url_col: str | None = None,
    keep_cols: Iterable[str] = (),
    group_by: str | None = None,
    accounts_path: str | Path | None = None,
    label_sample: int = 0,
    label_sample_path: str | Path | None = None,
) -> ScanSummary:
    """Score every post in ``paths`` and write one row per post to ``output`` (``"-"``: JSONL on stdout).

    ``engine="dask"`` runs the same scan on a Dask cluster (``scheduler``: an address, a Client, or None for a
    local cluster of ``workers`` processes); see :func:`pillscan.engines.dask.scan_dask`.

    ``model`` is a loaded model, a model path, or None for the bundled default. ``workers`` processes score
    chunks in parallel (default: one per CPU; 1 scores in this process); output keeps the input order.
    Raises :class:`ScanInterrupted` after SIGINT/SIGTERM (a checkpoint is saved: call again with
    ``resume=True``) and other :class:`PillscanError` subclasses for unusable input or output.
    ``encoding`` replaces the detected text encoding of every input; ``decoder_memory`` (bytes) lifts the cap
    on a decompressor's window (see :func:`pillscan.readers.read_records`).

    Output rows carry who posted, when and the post's link (``author``, ``channel``, ``created_at``, ``url``,
    ``platform``) where the export has them; ``author_col``/``time_col``/``url_col`` name those columns instead
    of detecting them and ``keep_cols`` copies further input columns (see :mod:`pillscan.context`).
    ``group_by`` (``author``, ``channel`` or ``source``) writes the accounts table (flagged posts per group) to
    ``accounts_path`` (default: ``OUT.accounts.csv``; ``.jsonl`` for JSON lines).

    ``label_sample`` N chooses N posts of the output worth labelling, as ``pillscan sample`` does
    (:func:`pillscan.sample.choose_for_labelling`), and writes them to ``label_sample_path`` (default:
    ``OUT.to-label.csv``) as the CSV ``pillscan train --extra`` reads once its label column is filled in.
    """
    params = dict(locals())  # (the parameters, as passed: one list of them, the signature's)
    params["keep_cols"] = (keep_cols,) if isinstance(keep_cols, str) else tuple(keep_cols)
    return run_scan(ScanOptions.of(params.pop("paths"), **params))


def run_scan(options: ScanOptions) -> ScanSummary:
    """Run the scan ``options`` describe on the engine they name."""
    if options.engine == "dask":
        try:
            from pillscan.engines.dask import DaskScan
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in ("dask", "distributed"):
                raise PillscanError("the dask engine needs dask: pip install 'pillscan[dask]'") from exc
            raise PillscanError("the dask engine is not available in this installation") from exc
        return DaskScan(options).run()
    from pillscan.engines.local import LocalScan

    return LocalScan(options).run()
