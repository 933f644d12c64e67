"""What every format reader receives: the source, its opened (decompressed) stream and the options."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pillscan.readers._source import ReadOptions, Source, TextKind
from pillscan.records import ReadError, Record

__all__ = ["Item", "Opened", "ReaderFn"]

Item = Record | ReadError


@dataclass
class Opened:
    """An input ready to read: where it came from, its decompressed stream, what it looks like, the options."""

    source: Source
    stream: io.BufferedReader
    kind: TextKind
    options: ReadOptions


ReaderFn = Callable[[Opened], Iterator[Item]]
