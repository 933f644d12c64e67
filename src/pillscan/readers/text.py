"""Plain text: one post per line. Blank lines separate posts and are not records."""

from __future__ import annotations

from collections.abc import Iterator

from pillscan.readers._base import ANYTHING, Head, Item, Opened
from pillscan.readers._fields import make_record
from pillscan.readers._source import iter_lines
from pillscan.records import ReadError

__all__ = ["read_text", "sniff_text"]


def read_text(opened: Opened) -> Iterator[Item]:
    """Each non-blank line is a post; position = line number (a lone CR also ends a line)."""
    source, options = opened.source, opened.options
    name = source.name
    lineno = 0
    for _, line in iter_lines(opened.stream, opened.kind, options.line_cap):
        lineno += 1
        if line is None:
            yield ReadError(name, lineno, f"line too long: more than {options.line_cap:,} bytes")
            continue
        # Old Mac / mixed endings: a CR inside a line is a line break too (positions count it as one).
        parts = line.split(b"\r") if b"\r" in line else (line,)
        for i, part in enumerate(parts):
            if i:
                lineno += 1
            if not part or part.isspace():
                continue
            if b"\x00" in part:
                yield ReadError(name, lineno, "NUL byte in line (corrupt or binary data)")
                continue
            try:
                text = part.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ReadError(name, lineno, f"invalid UTF-8 at byte {exc.start + 1}")
                continue
            yield make_record(text, None, source, lineno, options)


def sniff_text(head: Head) -> int:
    """Anything is text, one post per line (when nothing else matches)."""
    return ANYTHING
