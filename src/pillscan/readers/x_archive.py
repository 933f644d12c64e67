"""X/Twitter archive: ``data/tweets.js`` = ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``.

Direct messages (``direct-messages.js``, ``direct-messages-group.js``) hold conversations, each a list of
``messageCreate`` entries and events (joins, leaves): every message is a post, every event a counted skip.
A ``tweets.js`` saved without its ``window.YTD… =`` prefix (a plain JSON array) reads the same.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from pillscan.readers._base import SIGNATURE, Head, Item, Opened
from pillscan.readers._context import ObjectContext
from pillscan.readers._fields import FieldPicker, make_record
from pillscan.readers._source import Source
from pillscan.readers.json_doc import guarded_array, iter_json_array, records_from_items, text_stream
from pillscan.records import ReadError

__all__ = ["MAX_ACCOUNT_BYTES", "YTD_PREFIX", "archive_username", "read_x_archive", "sniff_x_archive"]

YTD_PREFIX = re.compile(rb"^\s*window\.YTD\.([A-Za-z0-9_\-]+)\.part\d+\s*=\s*\[")
# Parts of an archive that hold posts; the rest (account, followers, ads…) has no text to scan.
_POST_PARTS = ("tweet", "note", "direct_message", "direct-message")
MAX_ACCOUNT_BYTES = 1 << 20  # account.js is a few hundred bytes; a larger one is not read


def read_x_archive(opened: Opened) -> Iterator[Item]:
    """Tweets (``full_text``, ``id_str``, ``created_at``); DMs and notes too; position = item number."""
    source, options = opened.source, opened.options
    match = YTD_PREFIX.match(opened.kind.head.lstrip(b"\xef\xbb\xbf"))
    part = match.group(1).decode() if match else "tweets"
    if not any(p in part.lower() for p in _POST_PARTS) and options.text_col is None:
        yield ReadError(source.name, 0, f"X archive part '{part}' holds no posts (not read)")
        return
    items = iter_json_array(text_stream(opened), options.line_cap, prefix_chars=200)
    yield from guarded_array(_tweets(items, opened), source)


def archive_username(source: Source) -> str | None:
    """The archive owner's username from ``account.js`` beside this part (a folder or the same zip), if any."""
    try:
        if source.path is not None:
            path = source.path.parent / "account.js"
            if not path.is_file() or path.stat().st_size > MAX_ACCOUNT_BYTES:
                return None
            data = path.read_bytes()
        elif source.hint is not None and "!/" in source.name:
            member = str(PurePosixPath(source.hint.as_posix()).parent / "account.js")
            with zipfile.ZipFile(source.name.rsplit("!/", 1)[0]) as zf:
                if zf.getinfo(member).file_size > MAX_ACCOUNT_BYTES:
                    return None
                data = zf.read(member)
        else:
            return None
        text = data.decode("utf-8", "replace")
        account = json.loads(text[text.index("[") :])[0]["account"]
    except (OSError, KeyError, IndexError, TypeError, ValueError, RecursionError, zipfile.BadZipFile):
        return None
    name = account.get("username") if isinstance(account, Mapping) else None
    return name if isinstance(name, str) and name.strip() else None


def _tweets(items: Iterator[tuple[int, Any]], opened: Opened) -> Iterator[Item]:
    source, options = opened.source, opened.options
    picker = FieldPicker(options, source)
    context = ObjectContext(options, detect=False)
    owner = archive_username(source)
    position = 0  # one per tweet, or per message of a DM conversation
    for _, item in items:
        conversation = item.get("dmConversation") if isinstance(item, Mapping) else None
        if isinstance(conversation, Mapping) and options.text_col is None:
            for message in conversation.get("messages") or ():
                position += 1
                yield _direct_message(message, conversation.get("conversationId"), position, opened)
            continue
        position += 1
        tweet = item.get("tweet") if isinstance(item, Mapping) else None
        if not isinstance(tweet, Mapping) or options.text_col is not None:
            # Notes, other parts, or a user-chosen field: the generic text/id detection.
            yield from records_from_items(iter([(position, item)]), source, options, picker)
            continue
        text = tweet.get("full_text", tweet.get("text"))
        ident = tweet.get("id_str", tweet.get("id"))
        ident = None if ident is None else str(ident)
        if not isinstance(text, str):
            yield ReadError(source.name, position, "tweet has no text", ident)
            continue
        meta = {"platform": "x", "created_at": tweet.get("created_at"), "author": owner}
        yield make_record(_unescape(text), ident, source, position, options, context.meta(tweet, meta))


def _unescape(text: str) -> str:
    # The archive keeps Twitter's HTML escaping (&amp; &lt; &gt;) in full_text.
    return html.unescape(text) if "&" in text else text


def _direct_message(message: Any, conversation: Any, position: int, opened: Opened) -> Item:
    """One entry of a DM conversation: a message (``messageCreate``) or an event that is not a post."""
    source = opened.source
    kind = next(iter(message), "?") if isinstance(message, Mapping) and message else "?"
    body = message.get("messageCreate") if isinstance(message, Mapping) else None
    if not isinstance(body, Mapping):
        return ReadError(source.name, position, f"direct-message event '{kind}' (not a message)")
    ident = body.get("id")
    ident = None if ident is None else str(ident)
    text = body.get("text")
    if not isinstance(text, str):
        return ReadError(source.name, position, "direct message has no text", ident)
    said = (("created_at", body.get("createdAt")), ("conversation", conversation), ("author", body.get("senderId")))
    meta = {k: v for k, v in said if v}
    meta.update(platform="x", kind="direct_message")  # (a message has no public link)
    return make_record(_unescape(text), ident, source, position, opened.options, meta)


# A part saved without its prefix: a JSON array whose first item wraps a tweet, a DM conversation or a note.
_BARE_PART = re.compile(rb'\[\s*\{\s*"(tweet|dmConversation|noteTweet)"\s*:\s*\{')


def sniff_x_archive(head: Head) -> int:
    """An archive part starts ``window.YTD.<part>.part<N> = [`` (or, prefix removed, ``[{"tweet": {``)."""
    return SIGNATURE if YTD_PREFIX.match(head.text) or _BARE_PART.match(head.text) else 0
