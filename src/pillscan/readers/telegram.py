"""Telegram Desktop export ``result.json``: one chat (``messages``) or a full export (``chats.list``).

Text is a string or a list of entities (``"plain"``, ``{"type": "bold", "text": "…"}``). Service messages and media
without a caption are not posts: each is reported as a skip with its reason, so read = records + skips holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pillscan.errors import InputError
from pillscan.readers._base import HINT, SIGNATURE, Head, Item, Opened
from pillscan.readers._fields import MISSING, make_record, value_to_text
from pillscan.readers.json_doc import load_json_document
from pillscan.records import ReadError

__all__ = ["read_telegram", "sniff_telegram"]

_MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "poll", "location_information", "contact_information")


def _chats(doc: Any) -> list[Mapping[str, Any]]:
    if isinstance(doc, Mapping) and isinstance(doc.get("messages"), list):
        return [doc]
    if isinstance(doc, Mapping) and isinstance(doc.get("chats"), Mapping):
        chats = doc["chats"].get("list")
        if isinstance(chats, list):
            return [c for c in chats if isinstance(c, Mapping)]
    raise InputError("not a Telegram export: expected an object with 'messages' or 'chats.list'")


def read_telegram(opened: Opened) -> Iterator[Item]:
    """Messages in file order; position = message number in the file; id = ``chat_id:message_id``."""
    source, options = opened.source, opened.options
    doc = load_json_document(opened)
    if doc is MISSING:
        return
    position = 0
    for chat in _chats(doc):
        chat_id = chat.get("id", chat.get("name", "chat"))
        chat_name = chat.get("name")
        for msg in chat.get("messages", []):
            position += 1
            if not isinstance(msg, Mapping):
                yield ReadError(source.name, position, "message is not an object")
                continue
            ident = f"{chat_id}:{msg['id']}" if "id" in msg else None
            if msg.get("type", "message") != "message":
                yield ReadError(source.name, position, f"service message ({msg.get('action', msg.get('type'))})", ident)
                continue
            text = value_to_text(msg.get("text", ""))
            if text is None:
                yield ReadError(source.name, position, "text is not a string", ident)
                continue
            if not text.strip():
                media = next((k for k in _MEDIA_KEYS if k in msg), None)
                reason = f"no text ({media} without caption)" if media else "empty text"
                yield ReadError(source.name, position, reason, ident)
                continue
            meta = {k: v for k, v in (("date", msg.get("date")), ("from", msg.get("from")), ("chat", chat_name)) if v}
            yield make_record(text, ident, source, position, options, meta)


_CHAT_TYPE = re.compile(
    rb'"type"\s*:\s*"(personal_chat|private_group|public_channel|'
    rb'private_channel|public_supergroup|private_supergroup|bot_chat|saved_messages)"'
)


def sniff_telegram(head: Head) -> int:
    """A Telegram Desktop export: one JSON document with ``text_entities`` or a chat ``type``; exports from
    before ``text_entities`` only hint at it (``messages`` with a ``date`` and a ``from``)."""
    text = head.text
    if not text.startswith(b"{"):
        return 0
    if b'"text_entities"' in text or _CHAT_TYPE.search(text):
        return SIGNATURE
    if b'"messages"' in text and b'"date"' in text and b'"from"' in text:
        return HINT
    return 0
