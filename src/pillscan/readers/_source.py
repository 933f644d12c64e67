"""Opening one input: file or stdin, transparent decompression, encoding and binary sniffing, bounded lines.

Everything here streams: a compressed file is decompressed as it is read, and a line is never read into memory
beyond ``ReadOptions.line_cap`` bytes, so a decompression bomb or a 10 GB line costs time, not memory.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
import os
import sys
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from pillscan.errors import InputError

__all__ = [
    "COMPRESSED_SUFFIXES",
    "DEFAULT_DECODER_MEMORY",
    "CorruptStreamError",
    "InputMeter",
    "ReadOptions",
    "Source",
    "TextKind",
    "codec_name",
    "display_name",
    "iter_lines",
    "metering",
    "open_binary",
    "sniff",
]

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
#: 128 MiB: every standard zstd level (up to --ultra -22's 128 MiB window) and xz preset (-9e: 64 MiB) fits;
#: a stream asking for more (zstd --long=31 uses 2 GiB) is refused with a message naming the option.
DEFAULT_DECODER_MEMORY = 128 * 1024 * 1024


@dataclass(frozen=True)
class ReadOptions:
    """What the caller asked for; shared by all readers."""

    text_col: str | None = None
    id_col: str | None = None
    max_text_chars: int = 1_000_000
    chunk_size: int = 2000
    #: The text encoding to use instead of the detected one (``--encoding``); None = detect.
    encoding: str | None = None
    #: Most memory a decompressor may use (zstd window, xz dictionary); ``--decoder-memory`` lifts it.
    decoder_memory: int = 0  # 0: DEFAULT_DECODER_MEMORY
    #: Columns/fields holding who posted, when and the post's link (``--author-col`` …); None = detected.
    author_col: str | None = None
    time_col: str | None = None
    url_col: str | None = None
    #: Further columns copied to the output rows (``--keep-col``), by their names in the input.
    keep_cols: tuple[str, ...] = ()

    @property
    def line_cap(self) -> int:
        """Longest line (bytes) read into memory: room for a max-length text with JSON escapes around it."""
        return 8 * self.max_text_chars + 65_536


@dataclass(frozen=True)
class Source:
    """One input file (or stdin when ``path`` is None); ``name`` is what records and errors report."""

    name: str
    path: Path | None
    #: Found in a directory walk (not named by the user): a file that cannot be used at all is then a counted
    #: skip with its reason, and the scan goes on; a file given by name stays a clear error.
    walked: bool = field(default=False, kw_only=True)
    #: Opens the input when it is no file of its own (a member of a zip archive); ``path`` is then None.
    opener: Callable[[], BinaryIO] | None = field(default=None, kw_only=True, compare=False, repr=False)
    #: The name to detect the format from when there is no ``path`` (``data/tweets.js`` inside a zip).
    hint: Path | None = field(default=None, kw_only=True, compare=False)

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 (Latin-1 bytes on Linux) arrives with surrogate escapes, which no
        # output can hold: the name shown and written escapes those bytes (\xe9); ``path`` still opens it.
        if not self.name.isascii():
            object.__setattr__(self, "name", display_name(self.name))

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


def display_name(name: str) -> str:
    """``name`` as text every output can hold: undecodable bytes and lone surrogates shown as escapes."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "surrogatepass").decode(
            "utf-8", "backslashreplace"
        )


def _only_escapes(name: str) -> bool:
    return all(not "\ud800" <= ch <= "\udfff" or "\udc80" <= ch <= "\udcff" for ch in name)


class InputMeter:
    """Bytes of input files read so far, for a progress display: each file counts as stored (a compressed file by
    the compressed bytes its decompressor has consumed), measured from the open file's own position, and in full
    once it is closed. Workers reading byte ranges report each finished range with :meth:`add`.

    Files are held by weak reference: metering never keeps a file open. Reading the meter costs a ``tell()`` per
    open file; nothing is done per record.
    """

    def __init__(self) -> None:
        self.finished = 0
        self._open: list[tuple[weakref.ref[BinaryIO], int]] = []

    def watch(self, fh: BinaryIO) -> None:
        """Count ``fh`` (a regular file opened for reading) from now on."""
        try:
            size = os.fstat(fh.fileno()).st_size
        except (OSError, ValueError, io.UnsupportedOperation):
            return
        self._open.append((weakref.ref(fh), size))

    def add(self, n: int) -> None:
        """Count ``n`` bytes read elsewhere (a worker's finished byte range)."""
        self.finished += n

    def bytes_read(self) -> int:
        """Bytes read so far (files closed or gone count in full)."""
        reading = 0
        still: list[tuple[weakref.ref[BinaryIO], int]] = []
        for ref, size in self._open:
            fh = ref()
            if fh is None or fh.closed:
                self.finished += size
                continue
            with contextlib.suppress(OSError, ValueError):
                reading += min(fh.tell(), size)
            still.append((ref, size))
        self._open = still
        return self.finished + reading


#: The meter of the scan running in this process (see :func:`metering`); None: nothing is counted.
_meter: list[InputMeter] = []


@contextlib.contextmanager
def metering(meter: InputMeter | None) -> Iterator[None]:
    """Count the input files read in this block on ``meter`` (None: count nothing)."""
    if meter is None:
        yield
        return
    _meter.append(meter)
    try:
        yield
    finally:
        _meter.remove(meter)


def _open_raw(source: Source, watch: bool = False) -> BinaryIO:
    if source.opener is not None:
        try:
            return source.opener()
        except (OSError, ValueError, RuntimeError) as exc:  # zipfile: BadZipFile is an Exception
            raise InputError(f"cannot read {source.name}: {exc}") from None
        except Exception as exc:
            raise InputError(f"cannot read {source.name}: {exc}") from None
    if source.path is None:
        return sys.stdin.buffer
    try:
        fh = open(source.path, "rb")  # noqa: SIM115 (the caller closes it)
    except OSError as exc:
        raise InputError(f"cannot read {source.name}: {exc.strerror or exc}") from None
    if watch and _meter:
        _meter[-1].watch(fh)
    return fh


def open_binary(
    source: Source, decoder_memory: int = 0, *, watch: bool = False
) -> tuple[io.BufferedReader, str | None]:
    """Open ``source`` for reading, decompressing by magic number; returns a peekable stream and the codec.

    ``decoder_memory`` (bytes, 0 = DEFAULT_DECODER_MEMORY) caps the zstd window and the xz dictionary.
    ``watch``: the file's bytes count on the running scan's :class:`InputMeter` (a file being read for its
    records, not one opened only to look at its first bytes).
    """
    raw = _open_raw(source, watch)
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    head = buffered.peek(8)[:8]
    limit = decoder_memory or DEFAULT_DECODER_MEMORY
    for magic, codec in _MAGIC:
        if head.startswith(magic):
            raw_stream = _Read1Raw(_decompressor(codec, buffered, limit), codec, limit)
            return io.BufferedReader(raw_stream, buffer_size=_READ_BUFFER), codec
    return buffered, None


class _Read1Raw(io.RawIOBase):
    """Raw view of a decompressor that returns what one underlying read gives (``read1``).

    A plain buffered read loops until its buffer is full, so a truncated file would lose the whole last
    buffer to the EOFError; with read1 everything decompressed before the cut is still delivered.
    """

    def __init__(self, inner: Any, codec: str = "", limit: int = DEFAULT_DECODER_MEMORY) -> None:
        self._inner = inner
        self._codec = codec
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read1(len(buffer))
        except (OSError, EOFError):
            raise
        except Exception as exc:  # zstandard.ZstdError, lzma.LZMAError
            if "memory" in str(exc).lower():
                raise OSError(
                    f"the {self._codec} stream needs more than {self._limit >> 20} MiB of decoder memory "
                    f"(raise the limit with --decoder-memory)"
                ) from None
            raise OSError(f"corrupt {self._codec} data: {exc}") from None
        if not data and isinstance(self._inner, _ZstdReader) and not self._inner.complete:
            raise EOFError("zstd stream cut off inside a frame (truncated file)")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _decompressor(codec: str, stream: BinaryIO, limit: int) -> Any:
    if codec == "gz":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if codec == "bz2":
        return bz2.BZ2File(stream, mode="rb")
    if codec == "xz":
        return _LzmaReader(stream, limit)
    return _ZstdReader(stream, limit)


class _LzmaReader:
    """xz/lzma streams (several in a row too) with a memory limit; output bounded by each read's size."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._dec = lzma.LZMADecompressor(memlimit=limit)
        self._started = False  # a stream has begun (so its end marker is due)

    def read1(self, size: int) -> bytes:
        while True:
            if self._dec.eof:
                rest = self._dec.unused_data
                self._dec = lzma.LZMADecompressor(memlimit=self._limit)
                self._started = False
                if not rest:
                    rest = self._stream.read(_READ_BUFFER)
                    if not rest:
                        return b""
                data = rest
            elif self._dec.needs_input:
                data = self._stream.read(_READ_BUFFER)
                if not data:
                    if self._started:
                        raise EOFError("compressed file ended before the end-of-stream marker was reached")
                    return b""
            else:
                data = b""
            if data.strip(b"\x00") == b"" and not self._started:
                continue  # stream padding between xz streams
            self._started = True
            out = self._dec.decompress(data, max_length=size)
            if out:
                return out

    def close(self) -> None:
        self._stream.close()


class _ZstdReader:
    """zstd frames, streamed, with a window cap, that know whether the input ended at a frame boundary.

    zstandard's reader reports a truncated file as a clean end; the frame headers tell: the compressed bytes
    pass through a small parser of block headers (it never decompresses anything).
    """

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        import zstandard

        self._frames = _ZstdFrames()
        tee = _Tee(stream, self._frames.feed)
        dctx = zstandard.ZstdDecompressor(max_window_size=max(limit, 1 << 20))
        self._reader = dctx.stream_reader(cast(BinaryIO, tee), read_across_frames=True, closefd=True)

    @property
    def complete(self) -> bool:
        """True when the input seen so far ends exactly after a whole frame."""
        return self._frames.at_boundary

    def read1(self, size: int) -> bytes:
        return bytes(self._reader.read1(size))

    def close(self) -> None:
        self._reader.close()


class _Tee(io.RawIOBase):
    """A raw reader that hands every chunk it reads to ``seen`` as well."""

    def __init__(self, stream: BinaryIO, seen: Any) -> None:
        self._stream = stream
        self._seen = seen

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        self._seen(data)
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._seen(data)
        return data

    def close(self) -> None:
        self._stream.close()
        super().close()


_ZSTD_MAGIC = 0xFD2FB528
_FCS_SIZES = (0, 2, 4, 8)
_DICT_ID_SIZES = (0, 1, 2, 4)


class _ZstdFrames:
    """Follows zstd frame and block headers (RFC 8878) over a byte stream to know where frames end."""

    def __init__(self) -> None:
        self._want = 4  # header bytes to collect for the current state
        self._header = b""
        self._skip = 0  # payload bytes to pass over
        self._state = "magic"
        self._checksum = False
        self.lost = False  # not a stream this parser understands: the decompressor reports it

    @property
    def at_boundary(self) -> bool:
        """True at the start of a frame (or when the parser gave up: then it claims nothing)."""
        return self.lost or (self._state == "magic" and not self._header and not self._skip)

    def feed(self, data: bytes) -> None:
        """Consume the next compressed bytes."""
        pos, n = 0, len(data)
        while pos < n and not self.lost:
            if self._skip:
                step = min(self._skip, n - pos)
                self._skip -= step
                pos += step
                continue
            take = min(self._want - len(self._header), n - pos)
            self._header += data[pos : pos + take]
            pos += take
            if len(self._header) == self._want:
                header, self._header = self._header, b""
                self._advance(header)

    def _advance(self, header: bytes) -> None:
        value = int.from_bytes(header, "little")
        if self._state == "magic":
            if value == _ZSTD_MAGIC:
                self._state, self._want = "descriptor", 1
            elif value & 0xFFFFFFF0 == 0x184D2A50:
                self._state, self._want = "skippable", 4
            else:
                self.lost = True
        elif self._state == "skippable":
            self._state, self._want, self._skip = "magic", 4, value
        elif self._state == "descriptor":
            single = value >> 5 & 1
            self._checksum = bool(value >> 2 & 1)
            fcs = _FCS_SIZES[value >> 6] or single
            self._skip = (0 if single else 1) + _DICT_ID_SIZES[value & 3] + fcs
            self._state, self._want = "block", 3
        else:  # a block header: last-block bit, type, size
            kind, size = value >> 1 & 3, value >> 3
            if kind == 3:
                self.lost = True
                return
            self._skip = 1 if kind == 1 else size
            if value & 1:
                self._skip += 4 if self._checksum else 0
                self._state, self._want = "magic", 4


def sniff(stream: io.BufferedReader, compression: str | None = None, encoding: str | None = None) -> TextKind:
    """Look at the first bytes (without consuming them): BOM, UTF-16 without BOM, a legacy encoding, or binary.

    ``encoding`` (``--encoding``) is used as given instead of the detected one.
    """
    try:
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    except (OSError, EOFError, ValueError, LookupError) as exc:  # corrupt compressed data
        raise CorruptStreamError(f"cannot decompress: {exc}") from None
    except Exception as exc:  # zstandard raises its own ZstdError
        raise CorruptStreamError(f"cannot decompress: {exc}") from None
    if encoding is not None:
        return TextKind(codec_name(encoding), head, compression)
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
    valid = _valid_utf8(head)
    # NULs or control bytes in valid UTF-8 are a problem of the records that hold them (each is skipped or
    # read on its own); only a sample that is not text in any encoding makes the whole file binary.
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if sample and not valid and (nuls >= max(3, 0.01 * len(sample)) or controls > 0.1 * len(sample)):
        return TextKind(None, head, compression)
    if valid:
        return TextKind("utf-8", head, compression)
    return TextKind(_legacy_encoding(head), head, compression)


def codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1, utf-16)") from None


def _valid_utf8(head: bytes) -> bool:
    """True when ``head`` is UTF-8 (a character cut at the end of the sample allowed).

    A sample with invalid bytes still counts as UTF-8 when it also holds valid multi-byte characters (a UTF-8
    file with a corrupt line: that line alone is reported); with none (or 50 times more invalid bytes), it is
    in a legacy encoding: a Windows-1252 "é" is never valid UTF-8, and such text rarely forms a valid
    multi-byte sequence by chance.
    """
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return True
    text = head.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > 0 and 50 * good >= bad


def _legacy_encoding(head: bytes) -> str:
    """The encoding of a sample that is not UTF-8 (Excel's Windows-1252 CSV, Latin-1, Shift-JIS …)."""
    from charset_normalizer import from_bytes

    best = from_bytes(head[:_SNIFF_BYTES]).best()
    name = best.encoding if best is not None else "cp1252"
    try:
        name = codecs.lookup(name).name
    except LookupError:
        name = "cp1252"
    return "cp1252" if name.startswith("utf") else name


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


class CorruptStreamError(Exception):
    """Raised by sniff when the compressed stream cannot even be started."""


def iter_lines(stream: io.BufferedReader, kind: TextKind, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line_number, line_bytes)`` with line endings stripped; ``None`` for a line longer than ``cap``.

    Lines are UTF-8 bytes (UTF-16/32 input is transcoded), so JSON and text readers share one fast path.
    An over-long line is skipped in bounded pieces, never held in memory.
    """
    if kind.encoding not in ("utf-8", "utf-8-sig"):
        yield from _iter_transcoded_lines(stream, kind.encoding or "utf-8", cap)
        return
    if b"\r" in kind.head and b"\n" not in kind.head:  # old Mac line endings: CR alone ends a line
        yield from _iter_cr_lines(stream, cap)
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


def _iter_cr_lines(stream: io.BufferedReader, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """Lines ended by CR (or LF, or CRLF), read in bounded blocks; ``None`` for a line longer than ``cap``."""
    lineno = 0
    pending = b""
    carry = b""  # a CR that ends a block: the next block may start with its LF
    too_long = False
    first = True
    while True:
        block = stream.read1(_READ_BUFFER)
        if first and block.startswith(codecs.BOM_UTF8):
            block = block[3:]
        first = False
        data = pending + carry + block
        carry = b""
        if block and data.endswith(b"\r"):
            data, carry = data[:-1], b"\r"
        parts = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        pending = parts.pop()
        for line in parts:
            lineno += 1
            yield lineno, None if too_long else line
            too_long = False
        if len(pending) > cap:
            pending, too_long = b"", True
        if not block:
            if pending or too_long:
                yield lineno + 1, None if too_long else pending
            return


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
