"""Facebook and Instagram "Download your information" JSON: posts and Messenger/Direct messages.

These exports store UTF-8 bytes as Latin-1 code points ("\\u00f0\\u009f\\u0092\\u008a" for 💊); every string is
repaired with :func:`fix_mojibake`. Items without text (photos, shares, stickers) are reported as skips.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._base import SIGNATURE, Head, Item, Opened
from pillscan.readers._fields import MISSING, FieldPicker, fix_mojibake, make_record, value_to_text
from pillscan.readers._source import ReadOptions, Source
from pillscan.readers.json_doc import find_post_list, load_json_document, records_from_items
from pillscan.records import ReadError

__all__ = [
    "PostParser",
    "is_meta_thread",
    "read_facebook",
    "read_messages",
    "read_meta_export",
    "repair_all",
    "sniff_facebook",
]


def repair_all(value: Any) -> Any:
    """fix_mojibake applied to every string of a parsed JSON value."""
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [repair_all(v) for v in value]
    if isinstance(value, Mapping):
        return {k: repair_all(v) for k, v in value.items()}
    return value


def read_messages(doc: Mapping[str, Any], source: Source, options: ReadOptions, platform: str) -> Iterator[Item]:
    """A Messenger / Instagram Direct thread: ``{"participants": [...], "messages": [{sender_name, content}]}``."""
    thread = doc.get("title") or doc.get("thread_path")
    thread_path = doc.get("thread_path")
    for position, msg in enumerate(doc.get("messages", []), 1):
        if not isinstance(msg, Mapping):
            yield ReadError(source.name, position, "message is not an object")
            continue
        # Messenger exports carry no message ids: thread + millisecond timestamp is stable and unique in practice.
        raw_id = msg.get("id") or msg.get("message_id")
        if raw_id is None and thread_path and "timestamp_ms" in msg:
            raw_id = f"{thread_path}:{msg['timestamp_ms']}"
        ident = None if raw_id is None else str(raw_id)
        content = msg.get("content")
        if not isinstance(content, str) or not content.strip():
            kinds = [k for k in ("photos", "videos", "audio_files", "gifs", "files", "sticker", "share") if k in msg]
            reason = f"no text ({', '.join(kinds)} only)" if kinds else "empty text"
            yield ReadError(source.name, position, reason, ident)
            continue
        meta = {"platform": platform, "kind": "message"}
        for key, out in (("sender_name", "from"), ("timestamp_ms", "timestamp_ms")):
            if key in msg:
                meta[out] = msg[key]
        if thread:
            meta["thread"] = thread
        yield make_record(content, ident, source, position, options, meta)


def _post_text(item: Mapping[str, Any]) -> str | None:
    texts = [d["post"] for d in item.get("data", []) if isinstance(d, Mapping) and isinstance(d.get("post"), str)]
    return "\n".join(texts) if texts else None


#: What a platform reader makes of one post item: (id, text or None, the skip reason if no text, meta).
PostParser = Callable[[Mapping[str, Any]], tuple[str | None, str | None, str, dict[str, Any]]]


def read_meta_export(opened: Opened, platform: str, label: str, parse_post: PostParser) -> Iterator[Item]:
    """A Meta "Download your information" file: a message thread, or a list of posts (possibly wrapped in an
    object); ``parse_post`` reads one post item. Position = item number; items without text are skips."""
    source, options = opened.source, opened.options
    doc = load_json_document(opened)
    if doc is MISSING:
        return
    doc = repair_all(doc)
    if isinstance(doc, Mapping) and isinstance(doc.get("messages"), list):
        yield from read_messages(doc, source, options, platform)
        return
    if isinstance(doc, Mapping):
        found = find_post_list(doc)  # newer exports wrap lists: {"status_updates_v2": [...]}, {"ig_stories": [...]}
        if found is None:
            raise InputError(f"{source.name}: no list of posts found in this {label} export file")
        doc = found[1]
    if not isinstance(doc, list):
        raise InputError(f"{source.name}: not a {label} export (expected a list of posts)")
    picker = FieldPicker(options, source) if options.text_col else None
    for position, item in enumerate(doc, 1):
        if picker is not None:
            yield from records_from_items(iter([(position, item)]), source, options, picker)
            continue
        if not isinstance(item, Mapping):
            yield ReadError(source.name, position, "post is not an object")
            continue
        ident, text, reason, meta = parse_post(item)
        if text is None:
            yield ReadError(source.name, position, reason, ident)
            continue
        yield make_record(text, ident, source, position, options, meta)


def _facebook_post(item: Mapping[str, Any]) -> tuple[str | None, str | None, str, dict[str, Any]]:
    ident = f"fb:{item['timestamp']}" if isinstance(item.get("timestamp"), int) else None
    text = _post_text(item)
    if text is None:
        alt = value_to_text(item.get("text", item.get("content", MISSING)))
        text = alt if alt else None
    title = item.get("title")
    reason = f"no post text ({title})" if isinstance(title, str) and title else "no post text"
    meta: dict[str, Any] = {"platform": "facebook", "kind": "post"}
    if "timestamp" in item:
        meta["timestamp"] = item["timestamp"]
    return ident, text, reason, meta


def read_facebook(opened: Opened) -> Iterator[Item]:
    """your_posts_N.json, message_N.json, or any list of FB items; position = item number."""
    return read_meta_export(opened, "facebook", "Facebook", _facebook_post)


_POSTS_LIST = re.compile(rb'\[\s*\{\s*"timestamp"')


def is_meta_thread(head: Head) -> bool:
    """A Messenger-style message thread (Facebook's and Instagram's): ``participants`` and ``sender_name``."""
    return head.text.startswith(b"{") and b'"participants"' in head.text and b'"sender_name"' in head.text


def sniff_facebook(head: Head) -> int:
    """A message thread (Instagram's when its path says so, see sniff_instagram), or a list of posts with a
    ``timestamp`` first and ``data``."""
    if is_meta_thread(head) or (_POSTS_LIST.match(head.text) and b'"data"' in head.text):
        return SIGNATURE
    return 0
