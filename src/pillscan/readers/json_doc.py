"""JSON documents: a top-level array of posts (streamed item by item) or an object holding one list of posts.

Arrays are parsed incrementally with ``json.JSONDecoder.raw_decode`` over a sliding buffer, so a file of a few
hundred MB never sits in memory as one Python object. An array cut off mid-file yields every complete item and
then one ReadError; an item that is not valid JSON stops the file with a ReadError (an array can't be resynced).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, BinaryIO, cast

from pillscan.errors import InputError
from pillscan.readers._base import HINT, Head, Item, Opened
from pillscan.readers._context import ObjectContext
from pillscan.readers._fields import MISSING, FieldPicker, has_undecodable, make_record, value_to_text
from pillscan.readers._source import ReadOptions, Source
from pillscan.records import ReadError

__all__ = [
    "DocumentBroken",
    "iter_json_array",
    "load_json_document",
    "open_document",
    "read_json",
    "records_from_items",
    "sniff_json",
    "stream_items",
    "text_stream",
]

_CHUNK = 1 << 20
_WS = " \t\r\n"
# Names under which an object usually keeps its list of posts, best first.
_LIST_KEYS = ("posts", "messages", "data", "items", "results", "records", "tweets", "comments", "children", "entries")


class _ArrayEnd(Exception):
    """The array is broken: the reason goes into one ReadError."""


def text_stream(opened: Opened) -> io.TextIOWrapper:
    """The opened stream as text; invalid UTF-8 bytes become surrogates so they can be reported per item."""
    encoding = opened.kind.encoding or "utf-8"
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # tolerate a BOM
    errors = "surrogateescape" if encoding.startswith("utf-8") else "replace"
    return io.TextIOWrapper(opened.stream, encoding=encoding, errors=errors)


def iter_json_array(text: io.TextIOBase, max_item_chars: int, prefix_chars: int = 0) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, value)`` for each item of the JSON array in ``text`` (1-based), streaming.

    ``prefix_chars`` allows that much text before the ``[`` (the X archive's ``window.YTD… =``).
    Raises _ArrayEnd(reason) when the array is cut off or broken after the items already yielded.
    """
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    eof = False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = text.read(_CHUNK)
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_ws() -> bool:
        nonlocal pos
        while True:
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            if pos < n:
                return True
            if not more():
                return False

    if not skip_ws():
        raise _ArrayEnd("empty JSON document")
    start = buf.find("[", pos, pos + prefix_chars + 1)
    while start < 0 and len(buf) - pos <= prefix_chars and more():
        start = buf.find("[", pos, pos + prefix_chars + 1)
    if start < 0:
        raise _ArrayEnd("not a JSON array")
    pos = start + 1
    index = 0
    while True:
        if not skip_ws():
            raise _ArrayEnd(f"JSON array cut off after item {index}")
        if buf[pos] == "]":
            return
        if index:
            if buf[pos] != ",":
                raise _ArrayEnd(f"invalid JSON after item {index}: expected ',' or ']'")
            pos += 1
            if not skip_ws():
                raise _ArrayEnd(f"JSON array cut off after item {index}")
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except RecursionError:
                raise _ArrayEnd(f"item {index + 1} nested too deeply") from None
            except ValueError as exc:
                if not isinstance(exc, json.JSONDecodeError):  # an integer of more than 4,300 digits
                    decoder = _decoder_with_long_ints()  # (slower; only for the rest of this file)
                    continue
                if len(buf) - pos <= max_item_chars and more():
                    continue
                if eof and len(buf) - pos <= max_item_chars:
                    raise _ArrayEnd(f"JSON array cut off or broken in item {index + 1}: {exc.msg}") from None
                raise _ArrayEnd(f"item {index + 1} longer than {max_item_chars:,} chars or broken") from None
            if end == len(buf) and not eof and more():  # a number may continue in the next chunk
                continue
            break
        index += 1
        pos = end
        yield index, value


def _int_or_digits(digits: str) -> int | str:
    """An integer, or its digits as text when Python refuses to convert that many (over 4,300)."""
    try:
        return int(digits)
    except ValueError:
        return digits


def _decoder_with_long_ints() -> json.JSONDecoder:
    """A decoder for the rare document with huge integers (an id of 5,000 digits is kept as its digits)."""
    return json.JSONDecoder(parse_int=_int_or_digits)


def loads(data: str) -> Any:
    """``json.loads`` that keeps integers over 4,300 digits as their digits instead of failing."""
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return _decoder_with_long_ints().decode(data)


def records_from_items(
    items: Iterator[tuple[int, Any]], source: Source, options: ReadOptions, picker: FieldPicker | None = None
) -> Iterator[Item]:
    """Turn JSON values (dicts or bare strings) into records with the usual text/id detection."""
    name = source.name
    picker = picker or FieldPicker(options, source)
    context = ObjectContext(options)
    for index, obj in items:
        meta = None
        if isinstance(obj, str):
            text = obj
            ident = None
        elif isinstance(obj, Mapping):
            raw = picker.text(obj)
            ident = picker.ident(obj)
            if raw is MISSING:
                yield ReadError(name, index, picker.missing_reason(obj), ident)
                continue
            maybe = value_to_text(raw)
            if maybe is None:
                yield ReadError(name, index, "empty text" if raw is None else "text is not a string", ident)
                continue
            text = maybe
            meta = context.meta(obj)
        else:
            yield ReadError(name, index, f"not a JSON object (got {type(obj).__name__})")
            continue
        if has_undecodable(text):
            yield ReadError(name, index, "invalid UTF-8 in text", ident)
            continue
        yield make_record(text, ident, source, index, options, meta)


def load_json_document(opened: Opened) -> Any:
    """Parse a whole (small) JSON document; platform exports are a few MB. Raises InputError when broken."""
    stream = text_stream(opened)
    limit = 64 * opened.options.line_cap  # 512 MB by default: beyond that a JSON object is not an export file
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{opened.source.name} is a JSON object larger than {limit:,} chars; convert it to JSONL")
    if not data.strip():
        return MISSING
    try:
        return loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON in {opened.source.name} at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"invalid JSON in {opened.source.name}: nested too deeply") from None


#: A JSON object up to this many characters is parsed whole (fast); a larger one is streamed with ijson,
#: item by item, so a 400 MB document costs the memory of one post, not 3 GB of Python objects.
SMALL_DOCUMENT_CHARS = 32 * 1024 * 1024
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


class DocumentBroken(Exception):
    """A streamed JSON document is cut off or invalid after the items already read."""


def open_document(opened: Opened) -> tuple[Any, BinaryIO | None]:
    """``(document, None)`` for a small JSON document, ``(MISSING, stream)`` for a large one to stream.

    Raises InputError when a small document is broken. The stream gives the document's bytes as UTF-8.
    """
    stream = text_stream(opened)
    data = stream.read(SMALL_DOCUMENT_CHARS)
    if len(data) < SMALL_DOCUMENT_CHARS:
        return _parse_whole(data, opened.source.name), None
    return MISSING, cast(BinaryIO, io.BufferedReader(_Utf8Raw(data, stream), buffer_size=1 << 20))


def _parse_whole(data: str, name: str) -> Any:
    if not data.strip():
        return MISSING
    try:
        return loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON in {name} at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"invalid JSON in {name}: nested too deeply") from None


class _Utf8Raw(io.RawIOBase):
    """The text already read plus the rest of a text stream, as UTF-8 bytes (undecodable bytes as they were)."""

    def __init__(self, first: str, rest: io.TextIOBase) -> None:
        self._pending = first.encode("utf-8", "surrogateescape")
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            text = self._rest.read(1 << 20)
            if not text:
                return 0
            self._pending = text.encode("utf-8", "surrogateescape")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def stream_items(
    stream: BinaryIO, wanted: Callable[[str], bool], notes: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Any]]:
    """``(prefix, item)`` for each item of every array ``wanted(prefix)`` accepts (prefix = ijson's path of the
    array, e.g. ``"messages"`` or ``"chats.list.item.messages"``), and ``(prefix, value)`` for the scalars at the
    paths in ``notes`` (a chat's id and name). One item is built at a time. Raises DocumentBroken."""
    import ijson

    events = ijson.parse(stream, use_float=True)
    active: set[str] = set()  # item prefixes of the arrays being streamed
    try:
        for prefix, event, value in events:
            if event == "start_array" and wanted(prefix):
                active.add(prefix + ".item" if prefix else "item")
            elif prefix in active and event in _STARTS:
                yield prefix[: -len(".item")], _build(events, event, value)
            elif prefix in active and event not in _ENDS:
                yield prefix[: -len(".item")], value
            elif prefix in notes:
                yield prefix, value
    except ijson.JSONError as exc:
        raise DocumentBroken(f"invalid or cut-off JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise DocumentBroken(f"unreadable JSON value: {exc}") from None


def _build(events: Iterator[tuple[str, str, Any]], event: str, value: Any) -> Any:
    """The value that starts with ``event``: the following events up to its end, built into Python objects."""
    import ijson

    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if not depth:
                return builder.value
    raise DocumentBroken("JSON document cut off inside an item")


def _post_list_path(prefix: str) -> bool:
    """A top-level (or one level down) array under a well-known name: where a large document keeps its posts."""
    parts = prefix.split(".")
    return len(parts) <= 2 and parts[-1] in _LIST_KEYS and "item" not in parts


def _stream_posts(opened: Opened, stream: BinaryIO) -> Iterator[Item]:
    """The posts of a large JSON object: every item of its arrays under well-known names, streamed."""
    source = opened.source
    index = 0

    def items() -> Iterator[tuple[int, Any]]:
        nonlocal index
        for _, item in stream_items(stream, _post_list_path):
            index += 1
            yield index, item

    try:
        yield from records_from_items(items(), source, opened.options)
    except DocumentBroken as exc:
        yield ReadError(source.name, index + 1, f"{exc} (after item {index})")
        return
    if not index:
        raise InputError(
            f"no list of posts found in the large JSON document {source.name} (looked for: {', '.join(_LIST_KEYS)}); "
            "convert it to JSONL or a JSON array"
        )


def find_post_list(doc: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The list of posts inside an object: a well-known key, else the longest list of objects."""
    lists = {k: v for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], (Mapping, str))}
    for key in _LIST_KEYS:
        if key in lists:
            return key, lists[key]
    if lists:
        key = max(lists, key=lambda k: len(lists[k]))
        return key, lists[key]
    for value in doc.values():  # one level down: {"data": {"children": [...]}}
        if isinstance(value, Mapping):
            found = find_post_list(value)
            if found:
                return found
    return None


def read_json(opened: Opened) -> Iterator[Item]:
    """A JSON array (streamed) or an object holding one list of posts (or one post). Position = item number."""
    source, options = opened.source, opened.options
    head = opened.kind.head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        items = iter_json_array(text_stream(opened), options.line_cap)
        yield from _guarded(records_from_items(items, source, options), source)
        return
    doc, large = open_document(opened)
    if large is not None:
        yield from _stream_posts(opened, large)
        return
    if doc is MISSING:
        return
    found = find_post_list(doc)
    if found is None:
        # A single post as an object.
        yield from records_from_items(iter([(1, doc)]), source, options)
        return
    _, posts = found
    yield from records_from_items(enumerate(posts, 1), source, options)


def _guarded(records: Iterator[Item], source: Source) -> Iterator[Item]:
    """Pass records through; a broken array becomes one ReadError after the items already read."""
    last = 0
    try:
        for item in records:
            last = item.position
            yield item
    except _ArrayEnd as exc:
        yield ReadError(source.name, last + 1, str(exc))


guarded_array = _guarded


def sniff_json(head: Head) -> int:
    """Any JSON object or array (when no platform format claims it)."""
    return HINT if head.text.startswith((b"{", b"[")) else 0
