"""Instagram "Download your information" JSON: posts (``content/posts_1.json``), reels/stories, and messages.

Captions sit in ``media[0].title`` for single-media posts and in the item's ``title`` for albums.
Same Latin-1 mojibake as Facebook, repaired the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pillscan.readers._base import SIGNATURE, Head, Item, Opened
from pillscan.readers.facebook import is_meta_thread, read_meta_export

__all__ = ["read_instagram", "sniff_instagram"]


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


def _instagram_post(item: Mapping[str, Any]) -> tuple[str | None, str | None, str, dict[str, Any]]:
    stamp = item.get("creation_timestamp")
    if stamp is None and isinstance(item.get("media"), list) and item["media"]:
        first = item["media"][0]
        stamp = first.get("creation_timestamp") if isinstance(first, Mapping) else None
    # IG posts have no id in the export; the creation time is stable across re-exports.
    ident = f"ig:{stamp}" if isinstance(stamp, int) else None
    meta: dict[str, Any] = {"platform": "instagram", "kind": "post"}
    if stamp is not None:
        meta["timestamp"] = stamp
    return ident, _caption(item), "no caption", meta


def read_instagram(opened: Opened) -> Iterator[Item]:
    """Posts/reels/stories captions or Direct messages; position = item number; items without caption skipped."""
    return read_meta_export(opened, "instagram", "Instagram", _instagram_post)


_IG_OBJECT = re.compile(rb'\{\s*"ig_')
_IG_LIST = re.compile(rb'\[\s*\{\s*"(media|creation_timestamp)"')


def sniff_instagram(head: Head) -> int:
    """A message thread under an ``instagram`` folder, an object of ``ig_…`` lists (not a thread), or a list of
    posts (``media`` or ``creation_timestamp`` first, or any list under an ``instagram`` folder)."""
    in_instagram = "instagram" in head.where
    if is_meta_thread(head):
        return SIGNATURE if in_instagram else 0
    if _IG_OBJECT.match(head.text):
        return SIGNATURE
    if head.text.startswith(b"[") and (_IG_LIST.match(head.text) or in_instagram):
        return SIGNATURE
    return 0
