"""Input readers for ``pillscan scan``: one module per format, all yielding Records (or ReadErrors) in chunks.

Every input item ends up as exactly one :class:`~pillscan.records.Record` or one
:class:`~pillscan.records.ReadError` (``position`` = 1-based line/row/item number in its file; 0 = the whole
file), so a scan can always report ``read = written + skipped``. Inputs that can't be used at all (missing
path, no text field, unknown format) raise :class:`~pillscan.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from pillscan.errors import InputError, PillscanError
from pillscan.readers._base import Format, Head, Item, Opened
from pillscan.readers._fields import value_to_text
from pillscan.readers._source import (
    COMPRESSED_SUFFIXES,
    CorruptStreamError,
    InputMeter,
    ReadOptions,
    Source,
    TextKind,
    codec_name,
    metering,
    open_binary,
    sniff,
)
from pillscan.readers.archive import is_archive, zip_members
from pillscan.readers.delimited import read_csv, read_tsv, sniff_csv, sniff_tsv
from pillscan.readers.facebook import read_facebook, sniff_facebook
from pillscan.readers.instagram import read_instagram, sniff_instagram
from pillscan.readers.json_doc import read_json, sniff_json
from pillscan.readers.jsonl import read_jsonl, sniff_jsonl
from pillscan.readers.parquet import read_parquet, sniff_parquet
from pillscan.readers.reddit import is_dump_name, read_reddit, sniff_reddit
from pillscan.readers.telegram import read_telegram, sniff_telegram
from pillscan.readers.text import read_text, sniff_text
from pillscan.readers.x_archive import read_x_archive, sniff_x_archive
from pillscan.readers.xlsx import read_xlsx, sniff_xlsx
from pillscan.records import ReadError, Record

__all__ = [
    "CHOICES",
    "FORMATS",
    "CorruptStreamError",
    "Format",
    "InputMeter",
    "Opened",
    "ReadOptions",
    "Source",
    "detect_format",
    "format_named",
    "get_format",
    "iter_sources",
    "metering",
    "open_binary",
    "read_records",
    "read_source",
    "sniff",
    "split_formats",
    "value_to_text",
]

log = logging.getLogger(__name__)

#: Every input format, the only table of them: ``--format``'s choices, detection by name and content, the
#: Dask engine's partitioning and the docs all come from here. Adding a format = its module + one record.
#: Content detection takes the surest sniffer; between equally sure ones, the format listed first (so platform
#: exports come before the generic formats they are written in).
FORMATS: tuple[Format, ...] = (
    Format(
        name="x-archive",
        reader=read_x_archive,
        summary="X/Twitter archive parts (data/tweets.js; notes and direct messages too)",
        sniff=sniff_x_archive,
    ),
    Format(
        name="telegram",
        reader=read_telegram,
        summary="Telegram Desktop export (result.json: one chat or a full export)",
        sniff=sniff_telegram,
    ),
    Format(
        name="instagram",
        reader=read_instagram,
        summary="Instagram data download (posts, reels, stories, Direct messages)",
        sniff=sniff_instagram,
    ),
    Format(
        name="facebook",
        reader=read_facebook,
        summary="Facebook data download (your_posts_N.json, Messenger message_N.json)",
        sniff=sniff_facebook,
    ),
    Format(
        name="reddit",
        reader=read_reddit,
        summary="Reddit dumps (Pushshift / Arctic Shift RS_/RC_ submissions and comments)",
        sniff=sniff_reddit,
        refines="jsonl",
        claims_name=is_dump_name,
    ),
    Format(
        name="jsonl",
        reader=read_jsonl,
        summary="JSON lines, one post object per line",
        suffixes=(".jsonl", ".ndjson", ".jsonlines"),
        sniff=sniff_jsonl,
        split="lines",
    ),
    Format(
        name="json",
        reader=read_json,
        summary="a JSON document holding a list of posts",
        suffixes=(".json",),
        sniff=sniff_json,
        suffix_is_hint=True,
    ),
    Format(
        name="csv",
        reader=read_csv,
        summary="comma-separated values with a header row",
        suffixes=(".csv",),
        sniff=sniff_csv,
        refines="txt",
    ),
    Format(
        name="tsv",
        reader=read_tsv,
        summary="tab-separated values with a header row",
        suffixes=(".tsv", ".tab"),
        sniff=sniff_tsv,
        refines="txt",
    ),
    Format(
        name="xlsx",
        reader=read_xlsx,
        summary="Excel workbook (every sheet whose header row names a text column)",
        suffixes=(".xlsx", ".xlsm"),
        sniff=sniff_xlsx,
        binary=True,
    ),
    Format(
        name="parquet",
        reader=read_parquet,
        summary="Apache Parquet (a text column, optionally an id column)",
        suffixes=(".parquet", ".pq"),
        sniff=sniff_parquet,
        binary=True,
        split="row-groups",
    ),
    Format(
        name="txt",
        reader=read_text,
        summary="plain text, one post per line",
        suffixes=(".txt", ".text"),
        sniff=sniff_text,
    ),
)
#: What ``--format`` accepts: ``auto`` (detect each file) or a format's name.
CHOICES: tuple[str, ...] = ("auto", *(f.name for f in FORMATS))

_BY_NAME = {f.name: f for f in FORMATS}
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}


def get_format(name: str) -> Format:
    """The record of a format by name; InputError (listing the choices) for an unknown one."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputError(f"unknown format {name!r}; choose one of: {', '.join(CHOICES)}") from None


def split_formats() -> dict[str, str]:
    """The formats whose large files the Dask engine splits into several partitions, and how (see Format.split)."""
    return {f.name: f.split for f in FORMATS if f.split is not None}


# Files a directory walk passes over (media in platform exports, the X archive's viewer code): not inputs.
_NOT_POSTS = frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".heic",
        ".bmp",
        ".svg",
        ".ico",
        ".mp4",
        ".mov",
        ".webm",
        ".mkv",
        ".avi",
        ".mp3",
        ".m4a",
        ".ogg",
        ".opus",
        ".wav",
        ".html",
        ".md",
        ".htm",
        ".css",
        ".pdf",
        ".tar",
        ".7z",
        ".rar",
        ".exe",
        ".dll",
        ".so",
        ".woff",
        ".woff2",
        ".ttf",
    ]
)


def _inner_suffixes(path: Path) -> list[str]:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return suffixes


def _stem(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        if suffix.lower() in COMPRESSED_SUFFIXES or suffix.lower() in _BY_SUFFIX:
            name = name[: -len(suffix)]
    return name


def _format_from_content(head: Head) -> str:
    """The format whose sniffer is surest of ``head`` (the first listed among equals)."""
    best, best_level = FORMATS[-1], 0
    for fmt in FORMATS:
        level = fmt.sniff(head) if fmt.sniff is not None else 0
        if level > best_level:
            best, best_level = fmt, level
    return best.name


def _format_from_name(path: Path) -> Format | None:
    """The format a file's name settles on its own (compression suffixes ignored), or ``None``."""
    suffixes = _inner_suffixes(path)
    last = suffixes[-1] if suffixes else ""
    stem = _stem(path)
    for fmt in FORMATS:
        if fmt.claims_name is not None and fmt.claims_name(stem, last):
            return fmt
    return _BY_SUFFIX.get(last)


def format_named(name: str) -> str | None:
    """The format a file name names (``posts.csv.gz``: ``csv``), for inputs whose content cannot be read
    before choosing (remote files of the Dask engine); ``None`` when the name does not say."""
    fmt = _format_from_name(Path(name))
    return fmt.name if fmt is not None else None


def _detect(path: Path | None, head: bytes) -> str:
    """The format from the path's name when that is unambiguous, else from the first bytes of content."""
    view = Head.of(head, path)
    named = _format_from_name(path) if path is not None else None
    if named is None or named.suffix_is_hint:
        return _format_from_content(view)
    if any(f.refines == named.name for f in FORMATS):
        guess = _format_from_content(view)
        if _BY_NAME[guess].refines == named.name:
            return guess
    return named.name


def _utf8_head(kind: TextKind) -> bytes:
    """The first bytes as UTF-8, so that sniffers read a UTF-16 or Windows-1252 file as they read any other."""
    if kind.encoding in (None, "utf-8", "utf-8-sig"):
        return kind.head
    return kind.head.decode(kind.encoding, "replace").lstrip("\ufeff").encode("utf-8", "replace")


def detect_format(path: Path) -> str:
    """The format of one file (never ``"auto"``): from its name when that is unambiguous, else its content."""
    path = Path(path)
    stream, codec = open_binary(Source(str(path), path))
    with stream:
        try:
            head = _utf8_head(sniff(stream, codec))
        except CorruptStreamError:
            head = b""
    return _detect(path, head)


def _check_paths(paths: Sequence[str | Path]) -> list[Path | None]:
    """Fail early, with one line, on a missing or unreadable top-level path (None = stdin)."""
    resolved: list[Path | None] = []
    for raw in paths:
        if str(raw) == "-":
            resolved.append(None)
            continue
        path = Path(raw)
        if not path.exists():
            kind = "broken symlink" if path.is_symlink() else "no such file or directory"
            raise InputError(f"cannot read {raw}: {kind}")
        if not os.access(path, os.R_OK):
            raise InputError(f"cannot read {raw}: permission denied")
        resolved.append(path)
    return resolved


def iter_sources(paths: Sequence[str | Path], *, exclude: Collection[str | Path] = ()) -> Iterator[Source | ReadError]:
    """Expand paths into files: directories recursively (sorted, hidden names skipped, symlink loops reported).

    Missing or unreadable top-level paths raise InputError before anything is read. A file met in a directory
    walk whose real path is in ``exclude`` is passed over silently (logged): a scan excludes its own output,
    ``.partial``, ``.lock``, checkpoint, errors and summary files, so an output written inside an input
    directory is never read back as posts. Files named explicitly in ``paths`` are never excluded here (the
    scan refuses an input that is also one of its outputs).
    """
    return _expand(_check_paths(paths), frozenset(os.path.realpath(p) for p in exclude))


def _expand(resolved: list[Path | None], exclude: frozenset[str] = frozenset()) -> Iterator[Source | ReadError]:
    seen: set[str] = set()
    for path in resolved:
        if path is None:
            yield Source("<stdin>", None)
        elif path.is_dir():
            yield from _walk(path, seen, (), exclude)
        elif is_archive(path):
            yield from zip_members(path, _NOT_POSTS)
        else:
            yield Source(str(path), path)


def _walk(
    directory: Path, seen: set[str], ancestors: tuple[str, ...], exclude: frozenset[str] = frozenset()
) -> Iterator[Source | ReadError]:
    real = os.path.realpath(directory)
    if real in ancestors:
        yield ReadError(str(directory), 0, f"symlink loop: {directory} points back to {real} (not followed)")
        return
    if real in seen:
        yield ReadError(str(directory), 0, f"directory {real} already read through another path (not read twice)")
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield ReadError(str(directory), 0, f"cannot list directory: {exc.strerror or exc}")
        return
    skipped = 0
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen, (*ancestors, real), exclude)
        elif exclude and os.path.realpath(path) in exclude:
            log.info("%s: not read (a file this scan writes)", path)
        elif not os.path.exists(path):
            yield ReadError(str(path), 0, "broken symlink")
        elif path.suffix.lower() in _NOT_POSTS:
            skipped += 1
        elif (special := _special_kind(entry)) is not None:
            # Opening a FIFO blocks until a writer comes (forever); a device never ends: never read in a walk.
            yield ReadError(str(path), 0, f"not a regular file ({special}): not read")
        elif is_archive(path):
            yield from zip_members(path, _NOT_POSTS)
        else:
            yield Source(str(path), path, walked=True)
    if skipped:
        log.info("%s: passed over %d media/web files (not posts)", directory, skipped)


def _special_kind(entry: os.DirEntry[str]) -> str | None:
    """``"FIFO"``, ``"socket"``, ``"device"`` for such a directory entry (symlinks followed), else None."""
    try:
        mode = entry.stat().st_mode
    except OSError:
        return None  # (reported when it is opened)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def read_source(source: Source, options: ReadOptions, format: str = "auto") -> Iterator[Item]:
    """Read one file (or stdin): records and read errors, in order. Raises InputError for unusable inputs."""
    try:
        stream, codec = open_binary(source, options.decoder_memory, watch=True)
    except InputError:
        if source.path is not None and source.path.is_dir():
            raise InputError(f"{source.name} is a directory") from None
        raise
    with stream:
        try:
            kind = sniff(stream, codec, options.encoding)
        except CorruptStreamError as exc:
            yield ReadError(source.name, 0, str(exc))
            return
        if not kind.head:
            log.warning("%s is empty: no records", source.name)
            return
        fmt = format
        if fmt == "auto":
            fmt = _detect(source.path or source.hint, _utf8_head(kind))
        if kind.binary and not get_format(fmt).binary:
            yield ReadError(source.name, 0, "binary file, not text")
            return
        opened = Opened(source, stream, kind, options)
        position = 0
        try:
            for item in get_format(fmt).reader(opened):
                position = item.position
                yield item
        except PillscanError:
            raise
        except (OSError, EOFError) as exc:
            # Truncated or corrupt compressed data shows up mid-stream; what was read stays read.
            yield ReadError(source.name, position + 1, f"read failed after position {position}: {exc}")
        except Exception as exc:  # zstandard.ZstdError and friends; never a traceback for bad input
            if type(exc).__module__.startswith(("zstandard", "zlib", "lzma", "_lzma", "gzip", "bz2")):
                yield ReadError(source.name, position + 1, f"read failed after position {position}: {exc}")
            else:
                raise


def read_records(
    paths: Sequence[str | Path],
    *,
    format: str = "auto",
    text_col: str | None = None,
    id_col: str | None = None,
    chunk_size: int = 2000,
    max_text_chars: int = 1_000_000,
    exclude: Collection[str | Path] = (),
    encoding: str | None = None,
    decoder_memory: int = 0,
    author_col: str | None = None,
    time_col: str | None = None,
    url_col: str | None = None,
    keep_cols: Sequence[str] = (),
) -> Iterator[list[Record | ReadError]]:
    """Stream records in bounded chunks, in input order; bad records come as ReadError in their place.

    ``path == "-"`` reads stdin (format sniffed from content). Raises InputError for a missing path, an unknown
    format, or a file with no usable text field (the message lists the fields/columns found). Files found in a
    directory walk whose real path is in ``exclude`` are not read (see :func:`iter_sources`); such a file that
    cannot be used at all (no text field, a cut document) is one ReadError (position 0) and reading goes on.
    ``encoding`` replaces the detected text encoding; ``decoder_memory`` (bytes) lifts the decompressors' cap.
    ``author_col``, ``time_col``, ``url_col`` name the context columns (else detected) and ``keep_cols`` the
    columns kept in each record's ``meta`` (``keep:NAME``); see :mod:`pillscan.context`.
    """
    if format != "auto":
        get_format(format)  # an unknown name fails here, before anything is read
    if chunk_size < 1:
        raise InputError("chunk_size must be at least 1")
    if not paths:
        raise InputError("no input given")
    if encoding is not None:
        codec_name(encoding)  # an unknown encoding fails here, before anything is read
    options = ReadOptions(
        text_col=text_col,
        id_col=id_col,
        max_text_chars=max_text_chars,
        chunk_size=chunk_size,
        encoding=encoding,
        decoder_memory=decoder_memory,
        author_col=author_col,
        time_col=time_col,
        url_col=url_col,
        keep_cols=tuple(keep_cols),
    )
    return _chunks(iter_sources(paths, exclude=exclude), options, format, chunk_size)


def _chunks(
    sources: Iterator[Source | ReadError], options: ReadOptions, fmt: str, size: int
) -> Iterator[list[Record | ReadError]]:
    chunk: list[Record | ReadError] = []
    append = chunk.append
    for source in sources:
        if isinstance(source, ReadError):
            append(source)
            continue
        try:
            for item in read_source(source, options, fmt):
                append(item)
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
                    append = chunk.append
        except InputError as exc:
            if not source.walked:
                raise
            append(ReadError(source.name, 0, f"not read: {exc}"))
    if chunk:
        yield chunk
