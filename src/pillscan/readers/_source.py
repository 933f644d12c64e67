"""Opening one input: file or stdin, transparent decompression, encoding and binary sniffing, bounded lines.

Everything here streams: a compressed file is decompressed as it is read, and a line is never read into memory
beyond ``ReadOptions.line_cap`` bytes, so a decompression bomb or a 10 GB line costs time, not memory.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pillscan.errors import InputError

__all__ = ["COMPRESSED_SUFFIXES", "ReadOptions", "Source", "TextKind", "iter_lines", "open_binary", "sniff"]

# Magic numbers decide compression; the suffix is only used to find the inner format (posts.jsonl.gz).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gz"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zst"),
)
COMPRESSED_SUFFIXES = frozenset({".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd"})
_SNIFF_BYTES = 64 * 1024
_READ_BUFFER = 256 * 1024


@dataclass(frozen=True)
class ReadOptions:
    """What the caller asked for; shared by all readers."""

    text_col: str | None = None
    id_col: str | None = None
    max_text_chars: int = 1_000_000
    chunk_size: int = 2000

    @property
    def line_cap(self) -> int:
        """Longest line (bytes) read into memory: room for a max-length text with JSON escapes around it."""
        return 8 * self.max_text_chars + 65_536


@dataclass(frozen=True)
class Source:
    """One input file (or stdin when ``path`` is None); ``name`` is what records and errors report."""

    name: str
    path: Path | None

    def generated_id(self, position: int) -> str:
        """A stable id for a record that has none: the source and its position."""
        return f"{self.name}:{position}"


@dataclass(frozen=True)
class TextKind:
    """What the first bytes of a (decompressed) stream look like."""

    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16-le", ...; None when the stream is binary
    head: bytes
    compression: str | None

    @property
    def binary(self) -> bool:
        """True when the content is not text in any encoding we read."""
        return self.encoding is None


def _open_raw(source: Source) -> BinaryIO:
    if source.path is None:
        return sys.stdin.buffer
    try:
        return open(source.path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {source.name}: {exc.strerror or exc}") from None


def open_binary(source: Source) -> tuple[io.BufferedReader, str | None]:
    """Open ``source`` for reading, decompressing by magic number; returns a peekable stream and the codec."""
    raw = _open_raw(source)
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    head = buffered.peek(8)[:8]
    for magic, codec in _MAGIC:
        if head.startswith(magic):
            raw_stream = _Read1Raw(_decompressor(codec, buffered))
            return io.BufferedReader(raw_stream, buffer_size=_READ_BUFFER), codec
    return buffered, None


class _Read1Raw(io.RawIOBase):
    """Raw view of a decompressor that returns what one underlying read gives (``read1``).

    A plain buffered read loops until its buffer is full, so a truncated file would lose the whole last
    buffer to the EOFError; with read1 everything decompressed before the cut is still delivered.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _decompressor(codec: str, stream: BinaryIO) -> Any:
    if codec == "gz":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if codec == "bz2":
        return bz2.BZ2File(stream, mode="rb")
    if codec == "xz":
        return lzma.LZMAFile(stream, mode="rb")
    import zstandard

    # Reddit dumps are compressed with --long=31: allow the 2 GB window, still streamed.
    dctx = zstandard.ZstdDecompressor(max_window_size=2**31)
    return dctx.stream_reader(stream, read_across_frames=True, closefd=True)


def sniff(stream: io.BufferedReader, compression: str | None = None) -> TextKind:
    """Look at the first bytes (without consuming them): BOM, UTF-16 without BOM, or binary."""
    try:
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    except (OSError, EOFError, ValueError, LookupError) as exc:  # corrupt compressed data
        raise _CorruptStream(f"cannot decompress: {exc}") from None
    except Exception as exc:  # zstandard raises its own ZstdError
        raise _CorruptStream(f"cannot decompress: {exc}") from None
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return TextKind(enc, head, compression)
    sample = head[:8192]
    nuls = sample.count(0)
    if nuls:
        # UTF-16 without a BOM: every other byte is zero for Latin text.
        even, odd = sample[0::2], sample[1::2]
        if len(sample) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return TextKind("utf-16-le", head, compression)
        if len(sample) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return TextKind("utf-16-be", head, compression)
    # A stray NUL in a text file is a per-line problem; many NULs or control bytes mean a binary file.
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if sample and (nuls >= max(3, 0.01 * len(sample)) or controls > 0.1 * len(sample)):
        return TextKind(None, head, compression)
    return TextKind("utf-8", head, compression)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


class _CorruptStream(Exception):
    """Raised by sniff when the compressed stream cannot even be started."""


def iter_lines(stream: io.BufferedReader, kind: TextKind, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line_number, line_bytes)`` with line endings stripped; ``None`` for a line longer than ``cap``.

    Lines are UTF-8 bytes (UTF-16/32 input is transcoded), so JSON and text readers share one fast path.
    An over-long line is skipped in bounded pieces, never held in memory.
    """
    if kind.encoding not in ("utf-8", "utf-8-sig"):
        yield from _iter_transcoded_lines(stream, kind.encoding or "utf-8", cap)
        return
    readline = stream.readline
    lineno = 0
    first = True
    while True:
        line = readline(cap)
        if not line:
            return
        lineno += 1
        if first:
            first = False
            if line.startswith(codecs.BOM_UTF8):
                line = line[3:]
        if line[-1:] != b"\n" and len(line) >= cap:
            while True:  # drain the rest of the over-long line
                rest = readline(cap)
                if not rest or rest[-1:] == b"\n":
                    break
            yield lineno, None
            continue
        if line[-1:] == b"\n":
            line = line[:-2] if line[-2:-1] == b"\r" else line[:-1]
        yield lineno, line


def _iter_transcoded_lines(stream: io.BufferedReader, encoding: str, cap: int) -> Iterator[tuple[int, bytes | None]]:
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    lineno = 0
    while True:
        line = text.readline(cap)
        if not line:
            return
        lineno += 1
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.endswith(("\n", "\r")) and len(line) >= cap:
            while True:
                rest = text.readline(cap)
                if not rest or rest.endswith(("\n", "\r")):
                    break
            yield lineno, None
            continue
        yield lineno, line.rstrip("\r\n").encode("utf-8", "surrogatepass")
