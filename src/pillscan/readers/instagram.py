"""Instagram "Download your information" JSON: posts (``content/posts_1.json``), reels/stories, and messages.

Captions sit in ``media[0].title`` for single-media posts and in the item's ``title`` for albums.
Same Latin-1 mojibake as Facebook, repaired the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._base import Item, Opened
from pillscan.readers._fields import MISSING, FieldPicker, make_record
from pillscan.readers.facebook import read_messages, repair_all
from pillscan.readers.json_doc import find_post_list, load_json_document, records_from_items
from pillscan.records import ReadError

__all__ = ["read_instagram"]


def _caption(item: Mapping[str, Any]) -> str | None:
    title = item.get("title")
    if isinstance(title, str) and title.strip():
        return title
    media = item.get("media")
    if isinstance(media, list):
        for m in media:
            if isinstance(m, Mapping) and isinstance(m.get("title"), str) and m["title"].strip():
                return str(m["title"])
    return None


def read_instagram(opened: Opened) -> Iterator[Item]:
    """Posts/reels/stories captions or Direct messages; position = item number; items without caption skipped."""
    source, options = opened.source, opened.options
    doc = load_json_document(opened)
    if doc is MISSING:
        return
    doc = repair_all(doc)
    if isinstance(doc, Mapping) and isinstance(doc.get("messages"), list):
        yield from read_messages(doc, source, options, "instagram")
        return
    if isinstance(doc, Mapping):
        found = find_post_list(doc)  # {"ig_reels_media": [...]}, {"ig_stories": [...]}
        if found is None:
            raise InputError(f"{source.name}: no list of posts found in this Instagram export file")
        doc = found[1]
    if not isinstance(doc, list):
        raise InputError(f"{source.name}: not an Instagram export (expected a list of posts)")
    picker = FieldPicker(options, source) if options.text_col else None
    for position, item in enumerate(doc, 1):
        if picker is not None:
            yield from records_from_items(iter([(position, item)]), source, options, picker)
            continue
        if not isinstance(item, Mapping):
            yield ReadError(source.name, position, "post is not an object")
            continue
        stamp = item.get("creation_timestamp")
        if stamp is None and isinstance(item.get("media"), list) and item["media"]:
            first = item["media"][0]
            stamp = first.get("creation_timestamp") if isinstance(first, Mapping) else None
        # IG posts have no id in the export; the creation time is stable across re-exports.
        ident = f"ig:{stamp}" if isinstance(stamp, int) else None
        text = _caption(item)
        if text is None:
            yield ReadError(source.name, position, "no caption", ident)
            continue
        meta: dict[str, Any] = {"platform": "instagram", "kind": "post"}
        if stamp is not None:
            meta["timestamp"] = stamp
        yield make_record(text, ident, source, position, options, meta)
