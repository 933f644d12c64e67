"""JSON Lines / NDJSON: one JSON object per line; the fast path of pillscan's readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._base import STRUCTURE, Head, Item, Opened
from pillscan.readers._context import ObjectContext
from pillscan.readers._fields import MISSING, FieldPicker, make_record, value_to_text
from pillscan.readers._source import iter_lines
from pillscan.records import ReadError

__all__ = ["first_state", "parse_json_line", "read_jsonl", "read_jsonl_part", "sniff_jsonl"]


def parse_json_line(line: bytes) -> tuple[object, str | None]:
    """Parse one line; returns (value, None) or (None, reason). Blank lines give (MISSING, None)."""
    try:
        return json.loads(line), None
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start + 1}"
    except ValueError as exc:
        if not line.strip():
            return MISSING, None
        return None, f"invalid JSON: {exc}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"


def read_jsonl(opened: Opened, picker: FieldPicker | None = None) -> Iterator[Item]:
    """One record per line; position = line number. Blank lines are not records; broken lines are ReadErrors.

    ``picker``: the field picker to use (one that has already read earlier lines of the file), else a new one.
    """
    source, options = opened.source, opened.options
    name = source.name
    picker = picker if picker is not None else FieldPicker(options, source)
    context = ObjectContext(options)
    # The C scanner directly: json.loads would re-detect the encoding and re-check the tail on every line.
    scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    tk: str | None = None
    ik: str | None = None
    stale = True
    for lineno, line in iter_lines(opened.stream, opened.kind, options.line_cap):
        if line is None:
            yield ReadError(name, lineno, f"line too long: more than {options.line_cap:,} bytes")
            continue
        try:
            s = line.decode()
            obj, end = scan_once(s, 0)
            if end != len(s) and not s[end:].isspace():
                raise ValueError("extra data")
        except (ValueError, RecursionError, StopIteration):
            obj, reason = parse_json_line(line)
            if obj is MISSING:
                continue
            if reason is not None:
                yield ReadError(name, lineno, reason)
                continue
        if type(obj) is dict:
            # Hot path: once the text/id keys are known, plain dict lookups (fall back to the picker if absent).
            if stale:  # the picker's keys change only when it is asked to look at a record itself
                tk, ik = picker.text_key, picker.id_key
                stale = False
            raw = obj.get(tk, MISSING) if tk is not None else MISSING
            if raw is MISSING:
                raw = picker.text(obj)
                stale = True
            if ik is not None and type(ident := obj.get(ik)) is str:
                pass
            else:
                ident = picker.ident(obj)
                stale = True
            if raw is MISSING:
                yield ReadError(name, lineno, picker.missing_reason(obj), ident)
                continue
            text = raw if type(raw) is str else value_to_text(raw)
            meta = context.meta(obj)
        elif type(obj) is str:  # a JSON string per line is a bare text
            text, ident, meta = obj, None, None
        else:
            yield ReadError(name, lineno, f"not a JSON object (got {type(obj).__name__})")
            continue
        if text is None:
            yield ReadError(name, lineno, "empty text" if raw is None else "text is not a string", ident)
            continue
        yield make_record(text, ident, source, lineno, options, meta)


def sniff_jsonl(head: Head) -> int:
    """An object that ends on its first line, and another line after it."""
    return STRUCTURE if head.looks_like_jsonl else 0


def read_jsonl_part(opened: Opened, state: tuple[Any, ...] | None) -> tuple[list[Item], tuple[Any, ...] | None]:
    """The items of a part of a file (a byte range of it), read with a field picker that continues from
    ``state`` (what :func:`first_state` or an earlier part reported; None: a new picker), and its state after."""
    picker = FieldPicker(opened.options, opened.source)
    if state is not None:
        picker.restore(state)
    items = list(read_jsonl(opened, picker))
    return items, picker.state()


def first_state(opened: Opened) -> tuple[Any, ...] | None:
    """The field picker's state after the first record of ``opened`` (None: no record, or one the picker
    refuses, e.g. with no text field)."""
    picker = FieldPicker(opened.options, opened.source)
    try:
        for _ in read_jsonl(opened, picker):
            return picker.state() if picker.seen_any else None
    except InputError:
        return None
    return None
