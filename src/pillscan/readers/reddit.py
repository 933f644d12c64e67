"""Reddit dumps (Pushshift / Arctic Shift): JSONL of submissions (``title`` + ``selftext``) and comments (``body``).

Comments whose body is ``[deleted]``/``[removed]`` carry no text: skipped with that reason. A removed submission
keeps its title (often the part that matters) and is read from it, with ``meta["selftext_removed"] = True``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pillscan.readers._base import STRUCTURE, Head, Item, Opened
from pillscan.readers._context import ObjectContext
from pillscan.readers._fields import MISSING, FieldPicker, make_record
from pillscan.readers._source import iter_lines
from pillscan.readers.jsonl import parse_json_line
from pillscan.records import ReadError

__all__ = ["is_dump_name", "read_reddit", "sniff_reddit"]

_GONE = ("[deleted]", "[removed]")


def read_reddit(opened: Opened) -> Iterator[Item]:
    """Position = line number; id = ``name`` (t3_…/t1_…) or ``id``."""
    source, options = opened.source, opened.options
    name = source.name
    picker = FieldPicker(options, source) if options.text_col else None
    context = ObjectContext(options, detect=False)
    for lineno, line in iter_lines(opened.stream, opened.kind, options.line_cap):
        if line is None:
            yield ReadError(name, lineno, f"line too long: more than {options.line_cap:,} bytes")
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            obj, reason = parse_json_line(line)
            if obj is MISSING:
                continue
            yield ReadError(name, lineno, reason or "invalid JSON")
            continue
        if not isinstance(obj, dict):
            yield ReadError(name, lineno, f"not a JSON object (got {type(obj).__name__})")
            continue
        raw_id = obj.get(options.id_col) if options.id_col else (obj.get("name") or obj.get("id"))
        ident = None if raw_id is None else str(raw_id)
        meta = {k: obj[k] for k in ("subreddit", "author", "created_utc", "permalink", "link_id") if k in obj}
        meta.update(platform="reddit", reddit_name=_fullname(obj))
        meta = context.meta(obj, meta) or meta
        if picker is not None:
            value = picker.text(obj)
            if not isinstance(value, str):
                yield ReadError(name, lineno, picker.missing_reason(obj), ident)
                continue
            yield make_record(value, ident, source, lineno, options, meta)
            continue
        if "body" in obj:  # comment
            body = obj.get("body")
            if body in _GONE:
                yield ReadError(name, lineno, f"comment {body}", ident)
                continue
            if not isinstance(body, str):
                yield ReadError(name, lineno, "empty text", ident)
                continue
            meta["kind"] = "comment"
            yield make_record(body, ident, source, lineno, options, meta)
            continue
        title: str = obj["title"] if isinstance(obj.get("title"), str) else ""
        selftext: str = obj["selftext"] if isinstance(obj.get("selftext"), str) else ""
        meta["kind"] = "submission"
        if selftext in _GONE:
            meta["selftext_removed"] = True
            selftext = ""
        if title in _GONE:
            title = ""
        if not title and not selftext:
            yield ReadError(name, lineno, "no text (no title, selftext or body)", ident)
            continue
        text = f"{title}\n\n{selftext}" if title and selftext.strip() else (title or selftext)
        yield make_record(text, ident, source, lineno, options, meta)


def _fullname(obj: dict[str, Any]) -> str:
    """The post's fullname (``t3_…`` submission, ``t1_…`` comment), from ``name`` or its kind and ``id``."""
    name = obj.get("name")
    if isinstance(name, str):
        return name
    ident = obj.get("id")
    return f"{'t1' if 'body' in obj else 't3'}_{ident}" if isinstance(ident, str) else ""


#: Pushshift / Arctic Shift dump names: ``RS_2024-01``, ``RC_2023-01``, ``<subreddit>_comments``.
_DUMP_NAME = re.compile(r"^R[SC]_\d{4}-\d{2}|_(submissions|comments)$", re.IGNORECASE)
_DUMP_SUFFIXES = ("", ".jsonl", ".ndjson", ".jsonlines", ".json")


def is_dump_name(stem: str, suffix: str) -> bool:
    """A dump's name (compressed or not, with or without a JSON suffix) says Reddit whatever the content."""
    return suffix in _DUMP_SUFFIXES and bool(_DUMP_NAME.search(stem))


def sniff_reddit(head: Head) -> int:
    """JSON lines whose first line has a ``subreddit`` and a ``selftext`` (submissions) or ``body`` (comments)."""
    first = head.first_line
    if head.looks_like_jsonl and b'"subreddit"' in first and (b'"selftext"' in first or b'"body"' in first):
        return STRUCTURE
    return 0
