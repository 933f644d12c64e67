"""Input readers for ``pillscan scan``: one module per format, all yielding Records (or ReadErrors) in chunks.

Every input item ends up as exactly one :class:`~pillscan.records.Record` or one
:class:`~pillscan.records.ReadError` (``position`` = 1-based line/row/item number in its file; 0 = the whole
file), so a scan can always report ``read = written + skipped``. Inputs that can't be used at all (missing
path, no text field, unknown format) raise :class:`~pillscan.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from pillscan.errors import InputError, PillscanError
from pillscan.readers._base import Item, Opened, ReaderFn
from pillscan.readers._source import (
    COMPRESSED_SUFFIXES,
    ReadOptions,
    Source,
    _CorruptStream,
    open_binary,
    sniff,
)
from pillscan.readers.delimited import read_csv, read_tsv
from pillscan.readers.facebook import read_facebook
from pillscan.readers.instagram import read_instagram
from pillscan.readers.json_doc import read_json
from pillscan.readers.jsonl import read_jsonl
from pillscan.readers.parquet import read_parquet
from pillscan.readers.reddit import read_reddit
from pillscan.readers.telegram import read_telegram
from pillscan.readers.text import read_text
from pillscan.readers.x_archive import YTD_PREFIX, read_x_archive
from pillscan.records import ReadError, Record

__all__ = ["FORMATS", "ReadOptions", "detect_format", "iter_sources", "read_records", "read_source"]

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = (
    "auto", "csv", "tsv", "jsonl", "json", "parquet", "txt",
    "x-archive", "telegram", "facebook", "instagram", "reddit",
)  # fmt: skip

_READERS: dict[str, ReaderFn] = {
    "csv": read_csv,
    "tsv": read_tsv,
    "jsonl": read_jsonl,
    "json": read_json,
    "parquet": read_parquet,
    "txt": read_text,
    "x-archive": read_x_archive,
    "telegram": read_telegram,
    "facebook": read_facebook,
    "instagram": read_instagram,
    "reddit": read_reddit,
}

_BY_SUFFIX = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
    ".parquet": "parquet", ".pq": "parquet", ".txt": "txt", ".text": "txt",
}  # fmt: skip
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
        ".zip",
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
_REDDIT_NAME = re.compile(r"^R[SC]_\d{4}-\d{2}|_(submissions|comments)$", re.IGNORECASE)


def _inner_suffixes(path: Path) -> list[str]:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return suffixes


def _stem(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        if suffix.lower() in COMPRESSED_SUFFIXES or suffix.lower() in _BY_SUFFIX or suffix.lower() == ".json":
            name = name[: -len(suffix)]
    return name


def _format_from_content(head: bytes, path: Path | None) -> str:
    """Guess a format from the first (decompressed) bytes, and the path for platform hints."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if YTD_PREFIX.match(text):
        return "x-archive"
    if text.startswith(b"PAR1"):
        return "parquet"
    where = str(path).lower().replace("\\", "/") if path else ""
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0]
        if b'"text_entities"' in head or re.search(
            rb'"type"\s*:\s*"(personal_chat|private_group|public_channel|'
            rb'private_channel|public_supergroup|private_supergroup|bot_chat|saved_messages)"',
            head,
        ):
            return "telegram"
        if b'"participants"' in head and b'"sender_name"' in head:
            return "instagram" if "instagram" in where else "facebook"
        if re.match(rb'\{\s*"ig_', text):
            return "instagram"
        if _looks_like_jsonl(text):
            if b'"subreddit"' in first_line and (b'"selftext"' in first_line or b'"body"' in first_line):
                return "reddit"
            return "jsonl"
        if b'"messages"' in head and (b'"date"' in head and b'"from"' in head):
            return "telegram"
        return "json"
    if text.startswith(b"["):
        if re.match(rb'\[\s*\{\s*"(media|creation_timestamp)"', text) or "instagram" in where:
            return "instagram"
        if re.match(rb'\[\s*\{\s*"timestamp"', text) and b'"data"' in head:
            return "facebook"
        return "json"
    return "txt"


def _looks_like_jsonl(text: bytes) -> bool:
    """An object that ends on its first line, and another line after it (one line is a JSON document)."""
    first, _, rest = text.partition(b"\n")
    if not rest.strip():
        return False
    first = first.strip()
    if not first.endswith(b"}"):
        return False
    import json

    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def _detect(path: Path | None, head: bytes) -> str:
    """The format from the path's name when that is unambiguous, else from the first bytes of content."""
    if path is None:
        return _format_from_content(head, None)
    suffixes = _inner_suffixes(path)
    last = suffixes[-1] if suffixes else ""
    if _REDDIT_NAME.search(_stem(path)) and last in ("", ".jsonl", ".ndjson", ".json"):
        return "reddit"
    if last in _BY_SUFFIX and last not in (".jsonl", ".ndjson", ".txt", ".text"):
        return _BY_SUFFIX[last]
    if last in (".txt", ".text"):
        return "txt"
    guess = _format_from_content(head, path)
    if last in (".jsonl", ".ndjson"):
        return "reddit" if guess == "reddit" else "jsonl"
    return guess


def detect_format(path: Path) -> str:
    """The format of one file (never ``"auto"``): from its name when that is unambiguous, else its content."""
    path = Path(path)
    stream, codec = open_binary(Source(str(path), path))
    with stream:
        try:
            head = sniff(stream, codec).head
        except _CorruptStream:
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
        else:
            yield Source(str(path), path)
    if skipped:
        log.info("%s: passed over %d media/web files (not posts)", directory, skipped)


def read_source(source: Source, options: ReadOptions, format: str = "auto") -> Iterator[Item]:
    """Read one file (or stdin): records and read errors, in order. Raises InputError for unusable inputs."""
    try:
        stream, codec = open_binary(source)
    except InputError:
        if source.path is not None and source.path.is_dir():
            raise InputError(f"{source.name} is a directory") from None
        raise
    with stream:
        try:
            kind = sniff(stream, codec)
        except _CorruptStream as exc:
            yield ReadError(source.name, 0, str(exc))
            return
        if not kind.head:
            log.warning("%s is empty: no records", source.name)
            return
        fmt = format
        if fmt == "auto":
            fmt = _detect(source.path, kind.head)
        if fmt != "parquet" and kind.binary:
            yield ReadError(source.name, 0, "binary file, not text")
            return
        opened = Opened(source, stream, kind, options)
        position = 0
        try:
            for item in _READERS[fmt](opened):
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
) -> Iterator[list[Record | ReadError]]:
    """Stream records in bounded chunks, in input order; bad records come as ReadError in their place.

    ``path == "-"`` reads stdin (format sniffed from content). Raises InputError for a missing path, an unknown
    format, or a file with no usable text field (the message lists the fields/columns found). Files found in a
    directory walk whose real path is in ``exclude`` are not read (see :func:`iter_sources`).
    """
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    if chunk_size < 1:
        raise InputError("chunk_size must be at least 1")
    if not paths:
        raise InputError("no input given")
    options = ReadOptions(text_col=text_col, id_col=id_col, max_text_chars=max_text_chars, chunk_size=chunk_size)
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
        for item in read_source(source, options, fmt):
            append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
                append = chunk.append
    if chunk:
        yield chunk
