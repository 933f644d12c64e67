"""Instagram "Download your information" JSON: posts (``content/posts_1.json``), reels/stories, and messages.

Captions sit in ``media[0].title`` for single-media posts and in the item's ``title`` for albums.
Same Latin-1 mojibake as Facebook, repaired the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pillscan.readers._base import Item, Opened
from pillscan.readers.facebook import read_meta_export

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
