"""What readers keep of a post's context in ``Record.meta``: who posted, when, its link and channel, and the
columns asked for with ``--keep-col`` (``keep:NAME``). :func:`pillscan.context.context_of` makes the output
columns of it.

Two shapes of input: rows under a header (CSV, TSV, Excel, Parquet), whose columns are found once per file
(:func:`header_context`), and JSON objects (JSONL, JSON documents, platform records), whose fields are found per
record from its keys (:class:`ObjectContext`, cached by the tuple of keys): the same record gives the same
context whichever part of a file a worker reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pillscan.context import AUTHOR_CANDIDATES, CHANNEL_CANDIDATES, TIME_CANDIDATES, URL_CANDIDATES
from pillscan.readers._fields import MISSING, dotted, field_key, pick_column
from pillscan.readers._source import ReadOptions, Source

__all__ = ["ObjectContext", "RowContext", "header_context", "row_meta"]

#: (meta key, the ReadOptions field that overrides it, the names detected)
_ROLES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("author", "author_col", AUTHOR_CANDIDATES),
    ("created_at", "time_col", TIME_CANDIDATES),
    ("url", "url_col", URL_CANDIDATES),
    ("channel", None, CHANNEL_CANDIDATES),
)
_CACHE_LIMIT = 1024  # key tuples remembered per reader (files whose records all differ in shape stay bounded)

#: (meta key, column index) for each context column found in a header
RowContext = list[tuple[str, int]]


def header_context(header: Sequence[str], options: ReadOptions, source: Source, taken: Sequence[int]) -> RowContext:
    """The context columns of a header: asked ones (InputError when absent), else the first candidate present
    that is not the text or id column (``taken``); then each ``--keep-col``."""
    columns = list(header)
    found: RowContext = []
    for key, option, candidates in _ROLES:
        wanted = getattr(options, option) if option else None
        if wanted is not None:
            idx = pick_column(columns, wanted, (), key.replace("created_at", "time"), source)
        else:
            free = [c if i not in taken else "" for i, c in enumerate(columns)]
            idx = pick_column(free, None, candidates, key, source)
        if idx is not None:
            found.append((key, idx))
    for name in options.keep_cols:
        idx = pick_column(columns, name, (), "kept", source)
        assert idx is not None
        found.append((f"keep:{name}", idx))
    return found


def row_meta(found: RowContext, row: Sequence[Any], meta: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The meta of one row under a header (cells past the row's end are empty)."""
    if not found:
        return meta
    out = dict(meta) if meta else {}
    n = len(row)
    for key, idx in found:
        out[key] = row[idx] if idx < n else ""
    return out


class ObjectContext:
    """Finds the context fields of JSON objects; overrides and kept columns may be dotted (``user.screen_name``).

    ``detect=False`` (platform readers, which know their fields): nothing is detected; the columns the user named
    (``--author-col`` …, ``--keep-col``) are still taken, over what the reader found.
    """

    def __init__(self, options: ReadOptions, *, detect: bool = True) -> None:
        self.detect = detect
        self.asked = [(key, dotted(getattr(options, opt))) for key, opt, _ in _ROLES if opt and getattr(options, opt)]
        self.asked += [(f"keep:{name}", dotted(name)) for name in options.keep_cols]
        self.skip = {key for key, _ in self.asked}
        self.cache: dict[tuple[Any, ...], list[tuple[str, str]]] = {}

    def _detect(self, keys: tuple[Any, ...]) -> list[tuple[str, str]]:
        if not self.detect:
            return []
        lowered: dict[str, str] = {}
        for k in keys:
            if isinstance(k, str):
                lowered.setdefault(field_key(k), k)
        out = []
        for key, _, candidates in _ROLES:
            if key in self.skip:
                continue
            name = next((lowered[c] for c in candidates if c in lowered), None)
            if name is not None:
                out.append((key, name))
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        self.cache[keys] = out
        return out

    def meta(self, obj: Mapping[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """What ``obj`` says of its post's context, added to ``base`` (a reader's own meta); None for nothing."""
        found: list[tuple[str, str]] = []
        if self.detect:
            keys = tuple(obj)
            cached = self.cache.get(keys)
            found = cached if cached is not None else self._detect(keys)
        if not found and not self.asked:
            return base
        out = dict(base) if base else {}
        for key, name in found:
            out.setdefault(key, obj[name])
        for key, get in self.asked:
            value = get(obj)
            out[key] = None if value is MISSING else value
        return out
