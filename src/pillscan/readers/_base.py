"""What every format reader receives (the source, its opened stream, the options) and what describes a format."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pillscan.readers._source import ReadOptions, Source, TextKind
from pillscan.records import ReadError, Record

__all__ = ["ANYTHING", "HINT", "SIGNATURE", "STRUCTURE", "Format", "Head", "Item", "Opened", "ReaderFn", "Sniffer"]

Item = Record | ReadError


@dataclass
class Opened:
    """An input ready to read: where it came from, its decompressed stream, what it looks like, the options."""

    source: Source
    stream: io.BufferedReader
    kind: TextKind
    options: ReadOptions


ReaderFn = Callable[[Opened], Iterator[Item]]


# --- the format record ------------------------------------------------------------------------------------

#: How sure a content sniffer is. Detection takes the highest; ties go to the format listed first.
SIGNATURE = 4  # the format's own marker (X's ``window.YTD``, Parquet's ``PAR1``, Telegram's ``text_entities``)
STRUCTURE = 3  # a layout several formats share, told apart by what the lines hold (JSON lines)
HINT = 2  # a weak sign, taken only when nothing surer matches (a JSON document, an old Telegram export)
ANYTHING = 1  # the format that takes whatever no other format claims (plain text)


@dataclass
class Head:
    """The first (decompressed) bytes of an input as content sniffers see them."""

    #: The bytes, BOM and leading whitespace stripped.
    text: bytes
    #: The path, lower-cased with ``/`` separators (``""`` for stdin), for platform hints in folder names.
    where: str = ""

    @classmethod
    def of(cls, head: bytes, path: Path | None) -> Head:
        """The sniffers' view of ``head``, the first bytes of the file at ``path`` (``None``: stdin)."""
        where = str(path).lower().replace("\\", "/") if path else ""
        return cls(head.lstrip(b"\xef\xbb\xbf \t\r\n"), where)

    @property
    def first_line(self) -> bytes:
        return self.text.split(b"\n", 1)[0]

    @cached_property
    def looks_like_jsonl(self) -> bool:
        """An object that ends on its first line, and another line after it (one line is a JSON document)."""
        first, _, rest = self.text.partition(b"\n")
        first = first.strip()
        if not rest.strip() or not first.startswith(b"{") or not first.endswith(b"}"):
            return False
        try:
            json.loads(first)
        except ValueError:
            return False
        return True


#: A content sniffer: how sure it is (SIGNATURE … ANYTHING) that a head is its format; 0 for no.
Sniffer = Callable[[Head], int]


@dataclass(frozen=True)
class Format:
    """One input format: everything pillscan needs to know about it, in one place (see ``readers.FORMATS``)."""

    #: The name users pass to ``--format``.
    name: str
    #: Turns an opened input into records and read errors.
    reader: ReaderFn
    #: One line for ``--help`` and the docs.
    summary: str
    #: File name suffixes (lower case, after any compression suffix) that name this format.
    suffixes: tuple[str, ...] = ()
    #: Content detection: how sure this format is of a head (``None``: never detected by content).
    sniff: Sniffer | None = None
    #: The suffixes only hint: a local file's content decides (a ``.json`` file may be a Telegram export); the
    #: suffix names the format where the content cannot be read first (remote inputs of the Dask engine).
    suffix_is_hint: bool = False
    #: A file whose name says this other format but whose content sniffs as this one is this one (a Reddit
    #: dump named ``.jsonl``).
    refines: str | None = None
    #: Claims a file by its name alone: ``(stem, last suffix) -> bool`` (Reddit's ``RS_2024-01.zst``).
    claims_name: Callable[[str, str], bool] | None = None
    #: The reader takes binary files (every other format refuses a binary file).
    binary: bool = False
    #: How the Dask engine splits one large file into partitions: ``"lines"`` (byte ranges cut at line
    #: boundaries), ``"row-groups"``, or ``None`` (one partition per file).
    split: str | None = None
