"""Planning a Dask scan: inputs (files, directories, globs, fsspec URLs) into partitions, in input order.

A partition is a whole file, a newline-aligned byte range of a plain JSONL file, or a range of a Parquet file's
row groups; CSV, compressed and document formats are one partition per file.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec

from pillscan.engines.options import DEFAULT_BLOCKSIZE
from pillscan.errors import InputError
from pillscan.readers import Source, detect_format, format_named, iter_sources, open_binary, sniff, split_formats
from pillscan.records import ReadError

__all__ = ["Block", "is_remote", "plan_partitions"]

_COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Block:
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


def is_remote(path: str) -> bool:
    """Whether ``path`` is an fsspec URL of another file system (``s3://…``), not a local path."""
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
    found = format_named(url.rsplit("/", 1)[-1])  # (a remote file's content is not read before planning)
    if found is None:
        raise InputError(f"cannot tell the format of {url} from its name; pass --format")
    return found, compression


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
        if codec is not None:
            return False
        try:
            kind = sniff(stream, codec)
        except Exception:  # unreadable: one partition, whose reader reports why
            return False
    return kind.encoding in ("utf-8", "utf-8-sig")


def plan_partitions(
    paths: Sequence[str],
    *,
    format: str = "auto",
    blocksize: int | None = DEFAULT_BLOCKSIZE,
    exclude: Collection[str] = (),
) -> tuple[list[Block], list[ReadError]]:
    """Expand paths (files, directories, globs, fsspec URLs) into partitions, in input order.

    Returns the partitions and the read errors found while listing (broken symlinks, loops), which count as
    skipped. Missing paths raise :class:`InputError`. Files met in a directory walk whose real path is in
    ``exclude`` (what the scan writes) are not read.
    """
    blocks: list[Block] = []
    errors: list[ReadError] = []

    def add(**kw: Any) -> None:
        blocks.append(Block(index=len(blocks), **kw))

    for raw in paths:
        if raw == "-":
            raise InputError("the dask engine reads files, not stdin")
        if is_remote(raw):
            for url in _remote_files(raw):
                fmt, compression = _remote_format(url, format)
                _plan_file(add, url, url, fmt, False, compression, blocksize)
            continue
        expanded = [raw]
        if _GLOB_CHARS.search(raw) and not os.path.exists(raw):
            expanded = sorted(glob.glob(raw, recursive=True))
            if not expanded:
                raise InputError(f"no input files match {raw}")
        for item in iter_sources(expanded, exclude=exclude):
            if isinstance(item, ReadError):
                errors.append(item)
                continue
            if item.path is None:  # a member of a zip archive: workers read files by path
                errors.append(ReadError(item.name, 0, "inside a zip: the dask engine reads files (unzip it first)"))
                continue
            fmt = format if format != "auto" else detect_format(item.path)
            splittable = split_formats().get(fmt) == "lines" and _line_splittable(item.path)
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
    split = split_formats().get(fmt)
    if split == "row-groups":
        if compression is not None:
            raise InputError(f"{name}: Parquet must be a plain file (not compressed)")
        groups, shifts = _parquet_blocks(url, blocksize)
        for groups_i, shift in zip(groups, shifts, strict=True):
            add(source=name, url=url, fmt=fmt, local=local, row_groups=groups_i, shift=shift)
        return
    if splittable is None:
        splittable = split == "lines" and compression is None
    size = 0
    if splittable and blocksize is not None:
        fs, root = fsspec.core.url_to_fs(url)
        size = int(fs.size(root) or 0)
    if not splittable or blocksize is None or size <= blocksize:
        add(source=name, url=url, fmt=fmt, local=local, compression=compression)
        return
    for start in range(0, size, blocksize):
        add(source=name, url=url, fmt=fmt, local=local, start=start, end=min(size, start + blocksize))
