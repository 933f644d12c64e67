"""Who posted, when, and where the post lives: the context columns of a scan's output rows.

Readers keep what an export says about a post in ``Record.meta`` (each in its own words: Telegram's ``from`` and
``date``, Reddit's ``author`` and ``created_utc``, an X archive's ``created_at``). :func:`context_of` turns that
into the same columns for every format — ``author``, ``channel``, ``created_at``, ``url``, ``platform`` — plus
the columns a user asked to keep (``--keep-col``). Links are built only from what identifies a post for sure: an
X status id, a Reddit permalink, a public Telegram channel's username, or a URL column of the export itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AUTHOR_CANDIDATES",
    "CHANNEL_CANDIDATES",
    "CONTEXT_COLUMNS",
    "TIME_CANDIDATES",
    "URL_CANDIDATES",
    "context_of",
]

CONTEXT_COLUMNS = ("author", "channel", "created_at", "url", "platform")
#: Generic exports (CSV, JSONL): the first column present (case-insensitive) wins; --author-col etc. override.
AUTHOR_CANDIDATES = ("author", "username", "user", "screen_name", "user_name", "handle", "from", "sender", "account")
TIME_CANDIDATES = ("created_at", "timestamp", "date", "time", "created_utc", "created", "posted_at", "datetime")
URL_CANDIDATES = ("url", "permalink", "link", "post_url", "href")
CHANNEL_CANDIDATES = ("channel", "chat", "subreddit", "group", "thread", "forum")


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _when(value: Any) -> str:
    """ISO 8601 (UTC) for Unix times in seconds or milliseconds; any other value as the export wrote it."""
    if isinstance(value, bool) or value in (None, ""):
        return ""
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds (Messenger's timestamp_ms)
            number /= 1000
        try:
            return datetime.fromtimestamp(number, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return str(value)
    return _text(value)


def _x_url(ident: str) -> str:
    return f"https://x.com/i/status/{ident}" if ident.isdigit() else ""


def _reddit_url(meta: Mapping[str, Any]) -> str:
    link = _text(meta.get("permalink"))
    if link.startswith("/r/"):
        return "https://www.reddit.com" + link
    return link if link.startswith("https://") else ""


def _telegram_url(meta: Mapping[str, Any], ident: str) -> str:
    username = _text(meta.get("chat_username")).lstrip("@")
    message = ident.rpartition(":")[2]
    if username and message.isdigit():
        return f"https://t.me/{username}/{message}"
    return ""


def context_of(
    meta: Mapping[str, Any], ident: str, *, platform: str | None = None, keep: Sequence[str] = ()
) -> dict[str, Any]:
    """The context columns of one post (``""`` where the export does not say), then each kept column."""
    platform = platform or _text(meta.get("platform"))
    author = _text(meta.get("author") or meta.get("from") or meta.get("sender_name"))
    when = _when(meta.get("created_at") or meta.get("created_utc") or meta.get("date") or meta.get("timestamp"))
    url = _text(meta.get("url"))
    if not url.lower().startswith(("https://", "http://")):
        url = ""
    if not url and platform == "x":
        url = _x_url(ident)
    elif not url and platform == "reddit":
        url = _reddit_url(meta)
    elif not url and platform == "telegram":
        url = _telegram_url(meta, ident)
    channel = _text(meta.get("channel") or meta.get("chat") or meta.get("subreddit") or meta.get("thread"))
    if platform == "telegram" and not author:
        author = channel
    out: dict[str, Any] = {
        "author": author,
        "channel": channel,
        "created_at": when,
        "url": url,
        "platform": platform or "",
    }
    for name in keep:
        value = meta.get(f"keep:{name}", "")
        out[name] = "" if value is None else value if isinstance(value, (str, int, float, bool)) else str(value)
    return out
