"""Finding the text and id of a record, turning values into text, and building a Record or a ReadError."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._source import ReadOptions, Source
from pillscan.records import ReadError, Record

__all__ = [
    "ID_CANDIDATES",
    "MISSING",
    "TEXT_CANDIDATES",
    "TITLE_CANDIDATES",
    "FieldPicker",
    "dotted",
    "field_key",
    "find_title",
    "fix_mojibake",
    "join_title",
    "listing",
    "make_record",
    "pick_column",
    "value_to_text",
    "without_surrogates",
]

# Order matters: the first one present wins. "title" alone is a last resort (a headline is still text).
TEXT_CANDIDATES = (
    "text", "full_text", "content", "body", "message", "post", "caption", "selftext", "description",
    "tweet", "comment", "msg", "post_text", "message_text", "message_body", "content_text", "body_text",
    "post_body", "post_content", "tweet_text", "comment_text", "status", "title",
)  # fmt: skip
# A title kept with the text when both are present (a Reddit submission, a forum thread, a marketplace ad).
TITLE_CANDIDATES = ("title", "subject", "headline")
# "name" is deliberately absent: in generic data it is usually a person (Reddit's fullname is handled there).
ID_CANDIDATES = ("id", "id_str", "post_id", "message_id", "tweet_id", "comment_id", "uuid", "guid", "_id", "key")
_COMBINED = "title+selftext"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
Getter = Callable[[Mapping[str, Any]], Any]


def dotted(path: str) -> Getter:
    """A getter for ``path``: the key itself, else dotted steps into objects and lists (MISSING if absent)."""
    parts = path.split(".")

    def get(obj: Mapping[str, Any]) -> Any:
        if path in obj:
            return obj[path]
        cur: Any = obj
        for part in parts:
            if isinstance(cur, Mapping) and part in cur:
                cur = cur[part]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return MISSING
        return cur

    return get


class _Key:
    """Getter for one top-level key; readers may read ``.name`` to do the lookup inline (hot path)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, obj: Mapping[str, Any]) -> Any:
        return obj.get(self.name, MISSING)


def _key(name: str) -> Getter:
    return _Key(name)


def join_title(title: Any, body: Any) -> Any:
    """Title and body as one text (both kept when both are text); the non-empty one, else the body."""
    parts = [p for p in (title, body) if isinstance(p, str) and p.strip() and p not in ("[deleted]", "[removed]")]
    return "\n\n".join(parts) if parts else (body if body is not None else title)


def _title_selftext(obj: Mapping[str, Any]) -> Any:
    return join_title(obj.get("title"), obj.get("selftext"))


class _TitleAnd:
    """Getter for ``title`` + ``body`` keys, joined."""

    def __init__(self, title: str, body: str) -> None:
        self.title, self.body = title, body

    def __call__(self, obj: Mapping[str, Any]) -> Any:
        body = obj.get(self.body, MISSING)
        if body is MISSING:
            return MISSING
        return join_title(obj.get(self.title), body)


def field_key(name: str) -> str:
    """A column or field name compared loosely: "Post Text", "post-text" and "post_text" are one name."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def _find(keys: Iterable[str], candidates: tuple[str, ...]) -> str | None:
    lowered: dict[str, str] = {}
    for k in keys:
        if isinstance(k, str):
            lowered.setdefault(field_key(k), k)
    for cand in candidates:
        if cand in lowered:
            return lowered[cand]
    return None


def find_title(keys: Iterable[str], text_key: str) -> str | None:
    """The title field to keep with ``text_key``, if the record has one (and the text is not the title)."""
    if field_key(text_key) in TITLE_CANDIDATES:
        return None
    return _find(keys, TITLE_CANDIDATES)


def pick_column(
    columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, source: Source
) -> int | None:
    """Index of the text/id column in a header: ``wanted`` (exact, then case-insensitive) or the first candidate."""
    if wanted is not None:
        if wanted in columns:
            return columns.index(wanted)
        lowered = [field_key(c) for c in columns]
        if field_key(wanted) in lowered:
            return lowered.index(field_key(wanted))
        raise InputError(f"{what} column {wanted!r} not found in {source.name}; columns: {listing(columns)}")
    found = _find(columns, candidates)
    return None if found is None else columns.index(found)


def listing(keys: Iterable[Any]) -> str:
    """Field names for a one-line message (names with control characters are shown escaped)."""
    names = [str(k) if str(k).isprintable() else repr(str(k)) for k in keys]
    shown = ", ".join(names[:30]) + (f", … ({len(names)} in all)" if len(names) > 30 else "")
    return shown or "(none)"


class FieldPicker:
    """Picks text and id from dict records: the override, else auto-detected on the first record and remembered.

    The remembered getter makes the common case one dict lookup; a record that lacks the remembered field is
    looked at afresh, so mixed records (submissions and comments) still work.
    """

    def __init__(self, options: ReadOptions, source: Source, *, combine_title_selftext: bool = True) -> None:
        self.source = source
        self.text_col = options.text_col
        self.id_col = options.id_col
        self.combine = combine_title_selftext
        self.text_get: Getter | None = dotted(options.text_col) if options.text_col else None
        self.id_get: Getter | None = dotted(options.id_col) if options.id_col else None
        self.seen_any = False

    @property
    def text_key(self) -> str | None:
        """The plain key the text comes from once known (None: not yet known, dotted or combined)."""
        get = self.text_get
        return get.name if isinstance(get, _Key) and self.text_col is None else None

    @property
    def id_key(self) -> str | None:
        """The plain key the id comes from once known."""
        get = self.id_get
        return get.name if isinstance(get, _Key) and self.id_col is None else None

    def _detect_text(self, obj: Mapping[str, Any]) -> Getter | None:
        keys = list(obj.keys())
        lowered = {k.lower() for k in keys if isinstance(k, str)}
        if self.combine and "selftext" in lowered and "title" in lowered:
            return _title_selftext
        found = _find(keys, TEXT_CANDIDATES)
        if found is None:
            return None
        title = find_title(keys, found) if self.combine else None
        return _TitleAnd(title, found) if title is not None else _key(found)

    def text(self, obj: Mapping[str, Any]) -> Any:
        """The raw text value of ``obj`` or MISSING; raises InputError when the first record has no text field."""
        first = not self.seen_any
        self.seen_any = True
        if self.text_get is not None:
            value = self.text_get(obj)
            if value is not MISSING or self.text_col is not None:
                if value is MISSING and first:
                    raise InputError(
                        f"text field {self.text_col!r} not found in {self.source.name}; fields: {listing(obj)}"
                    )
                return value
        getter = self._detect_text(obj)
        if getter is None:
            if first:
                raise InputError(
                    f"no text field found in {self.source.name}; fields: {listing(obj)} (choose one with --text-col)"
                )
            return MISSING
        self.text_get = getter
        return getter(obj)

    def ident(self, obj: Mapping[str, Any]) -> str | None:
        """The record's id as a string, or None when it has none."""
        if self.id_get is None:
            found = _find(obj.keys(), ID_CANDIDATES)
            if found is None:
                return None
            self.id_get = _key(found)
        value = self.id_get(obj)
        if value is MISSING or value is None or isinstance(value, (dict, list)):
            if self.id_col is None and value is MISSING:
                self.id_get = None  # re-detect on the next record
            return None
        return value if isinstance(value, str) else str(value)

    def state(self) -> tuple[Any, ...] | None:
        """What this picker has learnt (its getters) as plain values; None when a getter cannot be described."""
        # (a getter of --text-col/--id-col never changes: every picker of the scan has the same one)
        text = ("asked",) if self.text_col else _describe(self.text_get)
        ident = ("asked",) if self.id_col else _describe(self.id_get)
        return None if "?" in (text, ident) else (text, ident, self.seen_any)

    def restore(self, state: tuple[Any, ...]) -> None:
        """Continue from what another picker had learnt (:meth:`state`) at the end of the records before."""
        text, ident, self.seen_any = state
        if text != ("asked",):
            self.text_get = _undescribe(text)
        if ident != ("asked",):
            self.id_get = _undescribe(ident)

    def missing_reason(self, obj: Mapping[str, Any]) -> str:
        """Why a (later) record had no text: names the field asked for and the fields it has."""
        if self.text_col:
            return f"no field {self.text_col!r} (fields: {listing(obj)})"
        return f"no text field (fields: {listing(obj)})"


def _describe(get: Getter | None) -> Any:
    if get is None:
        return None
    if isinstance(get, _Key):
        return ("key", get.name)
    if isinstance(get, _TitleAnd):
        return ("title", get.title, get.body)
    return ("selftext",) if get is _title_selftext else "?"


def _undescribe(described: Any) -> Getter | None:
    if described is None:
        return None
    if described[0] == "key":
        return _Key(described[1])
    return _TitleAnd(described[1], described[2]) if described[0] == "title" else _title_selftext


def value_to_text(value: Any) -> str | None:
    """A text value as str: strings as-is, numbers formatted, lists of text parts joined; None when not text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):  # Telegram-style entity list: "plain", {"type": "bold", "text": "…"}
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                return None
        return "".join(parts)
    return None


_SURROGATES = re.compile("[\udc80-\udcff]")
# A lone surrogate (a JSON "\ud83d" escape: an emoji cut in half) is no character: UTF-8 output, Parquet, the
# report and checkpoints cannot hold it, so it becomes U+FFFD when the record is made (same length: spans hold).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (same length)."""
    return _LONE_SURROGATE.sub("\ufffd", value) if not value.isascii() else value


def make_record(
    text: str,
    ident: str | None,
    source: Source,
    position: int,
    options: ReadOptions,
    meta: dict[str, Any] | None = None,
) -> Record | ReadError:
    """A Record, or the ReadError that explains why this text can't be one (empty, too long)."""
    if not text or text.isspace():
        return ReadError(source.name, position, "empty text", ident)
    if len(text) > options.max_text_chars:
        return ReadError(
            source.name,
            position,
            f"text too long: {len(text):,} chars > max_text_chars {options.max_text_chars:,}",
            ident,
        )
    if not text.isascii() and _LONE_SURROGATE.search(text):
        text = _LONE_SURROGATE.sub("\ufffd", text)
    if ident is not None and not ident.isascii():
        ident = without_surrogates(ident)
    return Record(
        ident if ident is not None else source.generated_id(position), text, source.name, position, meta or {}
    )


def has_undecodable(text: str) -> bool:
    """True when text decoded with surrogateescape carried invalid UTF-8 bytes."""
    return _SURROGATES.search(text) is not None


def fix_mojibake(text: str) -> str:
    """Repair Facebook/Instagram export text: UTF-8 bytes stored as Latin-1 code points (\\u00f0\\u009f… → 💊).

    Only when the round trip succeeds; real Latin-1 text ("café" stored correctly) is left unchanged.
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
