"""The task a Dask worker runs for one partition: read, score and write it, hand back its counts.

Rows never travel back to the client: each partition becomes one part file (``part.NNNNN.EXT``) and, if it had
read errors and an errors file was asked for, one errors part; the client only merges the partitions' tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import fsspec

from pillscan.engines.accounting import Tally, error_lines
from pillscan.engines.chunks import chunked, process_chunk, split_items
from pillscan.engines.dask.blocks import read_block
from pillscan.engines.dask.models import worker_model
from pillscan.engines.dask.plan import Block
from pillscan.errors import OutputError
from pillscan.readers import ReadOptions
from pillscan.writers import ChunkWriter

__all__ = ["OUT_EXT", "Job", "part_name", "scan_block"]

OUT_EXT = {"parquet": "parquet", "jsonl": "jsonl", "csv": "csv"}


@dataclass(frozen=True)
class Job:
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
    keep: tuple[str, ...] = ()  # the output names of the kept columns


def part_name(index: int, fmt: str) -> str:
    """The part file of partition ``index`` (sorting the names sorts the partitions)."""
    return f"part.{index:05d}.{OUT_EXT[fmt]}"


def scan_block(block: Block, shift: int, job: Job) -> Tally:
    """Read, score and write one partition as ``part.NNNNN.EXT``; returns its counts (never its rows)."""
    model = worker_model(job.model_key)
    tally = Tally(part=block.index)
    name = part_name(block.index, job.out_fmt)
    err_fh: Any = None
    try:
        with fsspec.open(f"{job.out_dir}/{name}", "wb") as fh:
            writer = ChunkWriter(fh, job.out_fmt, job.include_text, owns_file=False, keep=job.keep)
            for chunk in chunked(read_block(block, shift, job.read), job.chunk_size):
                recs, errs = split_items(chunk, job.read.keep_cols)
                out = process_chunk(
                    model,
                    recs,
                    threshold=job.threshold,
                    fmt=job.out_fmt,
                    include_text=job.include_text,
                    flagged_only=job.flagged_only,
                    keep=job.keep,
                )
                writer.write(out.payload)
                out.payload = None
                tally.add(out, errs, len(chunk))
                if errs and job.errors_dir is not None:
                    if err_fh is None:
                        err_fh = fsspec.open(f"{job.errors_dir}/{name}.errors.jsonl", "wb").open()
                    err_fh.write(error_lines(errs))
            writer.close()
    except OSError as exc:
        raise OutputError(f"cannot write {job.out_dir}/{name}: {exc.strerror or exc}") from exc
    finally:
        if err_fh is not None:
            err_fh.close()
    return tally
