"""Who posted, when, and where the post lives: the context columns of a scan's output rows.

Readers keep what an export says about a post in ``Record.meta`` (each in its own words: Telegram's ``from`` and
``date``, Reddit's ``author`` and ``created_utc``, an X archive's ``created_at``). :func:`context_of` turns that
into the same columns for every format — ``author``, ``channel``, ``created_at``, ``url``, ``platform`` — plus
the columns a user asked to keep (``--keep-col``). Links are built only from what identifies a post for sure: an
X status id, a Reddit permalink, a public Telegram channel's username, or an http(s) URL column of the export.

Values are made safe to show: names and times on one line without control characters, each cut at
:data:`MAX_NAME_CHARS` (a link longer than :data:`MAX_URL_CHARS` is dropped, never cut), lone surrogates replaced.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AUTHOR_CANDIDATES",
    "CHANNEL_CANDIDATES",
    "CONTEXT_COLUMNS",
    "MAX_KEEP_CHARS",
    "MAX_NAME_CHARS",
    "MAX_URL_CHARS",
    "TIME_CANDIDATES",
    "URL_CANDIDATES",
    "context_of",
    "context_row",
    "keep_names",
]

CONTEXT_COLUMNS = ("author", "channel", "created_at", "url", "platform")
#: Generic exports (CSV, JSONL): the first column present (case-insensitive) wins; --author-col etc. override.
AUTHOR_CANDIDATES = (
    "author", "username", "user_name", "screen_name", "user", "handle", "from", "sender", "account", "posted_by",
)  # fmt: skip
TIME_CANDIDATES = ("created_at", "timestamp", "date", "time", "created_utc", "created", "posted_at", "datetime")
URL_CANDIDATES = ("url", "permalink", "link", "post_url", "href")
CHANNEL_CANDIDATES = ("channel", "chat", "subreddit", "group", "thread", "forum")
MAX_NAME_CHARS = 256  # an author, channel, time or platform longer than this is cut (with "…")
MAX_URL_CHARS = 2048  # a longer link is dropped: a cut link leads elsewhere
MAX_KEEP_CHARS = 10_000  # a kept column's value is cut here (with "…")

# Controls (C0, DEL, C1), bidirectional overrides and line/paragraph separators: never part of a name.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Hosts whose links tell the platform of a generic export's row.
_HOSTS = (
    ("x.com", "x"), ("twitter.com", "x"), ("t.me", "telegram"), ("reddit.com", "reddit"),
    ("facebook.com", "facebook"), ("instagram.com", "instagram"),
)  # fmt: skip
_X_TIME = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}")  # X's created_at
_REDDIT_ID = re.compile(r"t[13]_[a-z0-9]{1,16}")
_PLAUSIBLE, _YEAR_10000 = 1e8, 253402300800  # Unix times of 1973-03-03 and 10000-01-01: a post's time is between
_PLATFORM_OF_HOST: dict[str, str] = {}  # (a cache: a scan's links come from few hosts)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _clean(value: str) -> str:
    if not value.isascii() and _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value


def _text(value: Any) -> str:
    """A name on one line: no control characters, runs of whitespace as one space, at most MAX_NAME_CHARS."""
    if value is None:
        return ""
    if type(value) is str:
        # (the common case, checked cheaply: printable excludes controls, line breaks and lone surrogates)
        if len(value) <= MAX_NAME_CHARS and value.isprintable() and "  " not in value:
            return value.strip(" ")
        text = value
    elif isinstance(value, Mapping):  # an API's user object: {"screen_name": …}
        found = next((value[k] for k in ("screen_name", "username", "name") if isinstance(value.get(k), str)), "")
        return _text(found)
    elif value is None or isinstance(value, (bool, list, tuple, bytes)):
        return ""
    else:
        text = str(value)
    if not text.isprintable():
        text = _CONTROLS.sub(" ", text)
    return _cut(_clean(" ".join(text.split())), MAX_NAME_CHARS)


def _when(value: Any) -> str:
    """ISO 8601 (UTC) for Unix times in seconds or milliseconds (from 1973 on) and X's ``Tue Sep 05 14:00:00 +0000
    2023`` (so that times sort as text); any other value as the export wrote it."""
    if isinstance(value, bool) or value in (None, ""):
        return ""
    if type(value) is str and _X_TIME.fullmatch(value):
        try:
            stamp = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(timezone.utc)
            return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return _text(value)
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()):
        try:
            number = float(value)
            if number > 1e11:  # milliseconds (Messenger's timestamp_ms)
                number /= 1000
            if not _PLAUSIBLE <= number < _YEAR_10000:  # (an Excel serial day, a count: not a Unix time)
                return _text(value)
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(number))
        except (OverflowError, OSError, ValueError):
            return _text(value)
    return _text(value)


def _link(value: Any) -> str:
    """An http(s) link as given (no whitespace or control inside), else ``""``."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if len(url) > MAX_URL_CHARS or not url[:8].lower().startswith(("https://", "http://")):
        return ""
    # (printable: no controls, no line breaks, no lone surrogates, no space but " ")
    return url if url.isprintable() and " " not in url else ""


def _x_url(ident: str) -> str:
    return f"https://x.com/i/status/{ident}" if ident.isdigit() else ""


def _reddit_url(meta: Mapping[str, Any]) -> str:
    """The dump's permalink, else one made of the post's ids (``t3_`` submission, ``t1_`` comment of ``link_id``)."""
    link = meta.get("permalink")
    if isinstance(link, str) and link.startswith("/r/"):
        return _link("https://www.reddit.com" + link)
    if link:
        return _link(link)
    name, post = str(meta.get("reddit_name") or ""), str(meta.get("link_id") or "")
    if _REDDIT_ID.fullmatch(name) and name.startswith("t3_"):
        return f"https://www.reddit.com/comments/{name[3:]}/"
    if _REDDIT_ID.fullmatch(name) and name.startswith("t1_") and _REDDIT_ID.fullmatch(post) and post.startswith("t3_"):
        return f"https://www.reddit.com/comments/{post[3:]}/comment/{name[3:]}/"
    return ""


def _telegram_url(meta: Mapping[str, Any], ident: str) -> str:
    username = _text(meta.get("chat_username")).lstrip("@")
    message = ident.rpartition(":")[2]
    if username and message.isdigit() and re.fullmatch(r"[A-Za-z0-9_]{4,64}", username):
        return f"https://t.me/{username}/{message}"
    return ""


def _platform_of(url: str) -> str:
    """The platform a link's host names (``x.com``, ``mobile.twitter.com``: x), else ``""``."""
    host = url.split("/", 3)[2].rpartition("@")[2].partition(":")[0].lower() if url.count("/") >= 2 else ""
    found = _PLATFORM_OF_HOST.get(host)
    if found is None:
        found = next((name for suffix, name in _HOSTS if host == suffix or host.endswith("." + suffix)), "")
        if len(_PLATFORM_OF_HOST) < 1024:
            _PLATFORM_OF_HOST[host] = found
    return found


def _first(meta: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    value = meta.get(keys[0])  # (readers use the first name; the others are platforms' own words)
    if value is not None and value != "":
        return value
    for key in keys[1:]:
        value = meta.get(key)
        if value is not None and value != "":
            return value
    return None


def _kept(value: Any) -> Any:
    """A kept column's value: numbers and booleans as they are, lists and objects as JSON, text cut."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError, RecursionError):
            value = str(value)
    return _cut(_clean(value), MAX_KEEP_CHARS)


def context_of(
    meta: Mapping[str, Any], ident: str, *, platform: str | None = None, keep: Sequence[str] = ()
) -> dict[str, Any]:
    """The context columns of one post (``""`` where the export does not say), then each kept column."""
    platform = _text(platform or meta.get("platform"))
    author = _text(_first(meta, ("author", "from", "sender_name")))
    when = _when(_first(meta, ("created_at", "created_utc", "date", "timestamp", "timestamp_ms")))
    url = _link(meta.get("url"))
    if not url and platform == "x" and meta.get("kind") != "direct_message":
        url = _x_url(str(ident))
    elif not url and platform == "reddit":
        url = _reddit_url(meta)
    elif not url and platform == "telegram":
        url = _telegram_url(meta, str(ident))
    channel = _text(_first(meta, ("channel", "chat", "subreddit", "thread")))
    if platform == "telegram" and not author:
        author = channel
    elif platform == "reddit" and author == "[deleted]":
        author = ""  # (a deleted account is no account: grouping would lump them together)
    out: dict[str, Any] = {
        "author": author,
        "channel": channel,
        "created_at": when,
        "url": url,
        "platform": platform or (_platform_of(url) if url else ""),
    }
    for name in keep:
        out[name] = _kept(meta.get(f"keep:{name}"))
    return out


def context_row(meta: Mapping[str, Any], ident: str, keep: Sequence[str] = ()) -> tuple[Any, ...] | None:
    """:func:`context_of` as a tuple in column order (the context columns, then the kept ones): what an output
    row carries; None when the post has no context at all and no column was asked to be kept."""
    if not meta and not keep:
        return None
    values = tuple(context_of(meta, ident).values())
    if not keep:
        return values if any(values) else None
    return values + tuple(_kept(meta.get(f"keep:{name}")) for name in keep)  # (a kept "url" is no context url)


def keep_names(keep: Sequence[str], taken: Sequence[str]) -> tuple[str, ...]:
    """The output names of the kept columns (``--keep-col``), in order, each once: a name that is already an
    output column (``score``, ``author``) is written as ``input_<name>``. ValueError for an unusable name."""
    names: list[str] = []
    for raw in dict.fromkeys(keep):
        if not raw or not raw.strip() or not raw.isprintable():
            raise ValueError(f"--keep-col {raw!r}: a column name must be printable and not blank")
        name = f"input_{raw}" if raw in taken else raw
        if name in taken or name in names:
            raise ValueError(f"--keep-col {raw!r}: its output name {name!r} is already taken")
        names.append(name)
    return tuple(names)
