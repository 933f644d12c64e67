"""Telegram Desktop export ``result.json``: one chat (``messages``) or a full export (``chats.list``).

Text is a string or a list of entities (``"plain"``, ``{"type": "bold", "text": "…"}``). Service messages and media
without a caption are not posts: each is reported as a skip with its reason, so read = records + skips holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO, NamedTuple

from pillscan.errors import InputError
from pillscan.readers._base import HINT, SIGNATURE, Head, Item, Opened
from pillscan.readers._context import ObjectContext
from pillscan.readers._fields import MISSING, make_record, value_to_text
from pillscan.readers.json_doc import DocumentBroken, open_document, stream_items
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
    """Messages in file order; position = message number in the file; id = ``chat_id:message_id``.

    A large export (over SMALL_DOCUMENT_CHARS) is streamed message by message.
    """
    doc, large = open_document(opened)
    if large is not None:
        yield from _streamed(opened, large)
        return
    if doc is MISSING:
        return
    position = 0
    context = ObjectContext(opened.options, detect=False)
    for chat in _chats(doc):
        about = _Chat(chat.get("id", chat.get("name", "chat")), chat.get("name"), chat.get("username"))
        for msg in chat.get("messages", []):
            position += 1
            yield _message(msg, about, position, opened, context)


class _Chat(NamedTuple):
    """What a message's chat says of it: its id (part of message ids), name, and public username (links)."""

    id: Any
    name: Any
    username: Any


_CHAT_NOTES = frozenset(
    {"id", "name", "username", "chats.list.item.id", "chats.list.item.name", "chats.list.item.username"}
)


def _streamed(opened: Opened, stream: BinaryIO) -> Iterator[Item]:
    # Telegram writes a chat's name, type and id before its messages, so they are known when messages come.
    notes: dict[str, Any] = {}
    context = ObjectContext(opened.options, detect=False)
    position = noted_at = 0
    items = stream_items(stream, lambda p: p in ("messages", "chats.list.item.messages"), _CHAT_NOTES)
    try:
        for prefix, value in items:
            if prefix in _CHAT_NOTES:
                key = prefix.rsplit(".", 1)[-1]
                if position != noted_at or key in notes:  # the next chat of a full export: forget the last one
                    notes.clear()
                    noted_at = position
                notes[key] = value
                continue
            position += 1
            about = _Chat(notes.get("id", notes.get("name", "chat")), notes.get("name"), notes.get("username"))
            yield _message(value, about, position, opened, context)
    except DocumentBroken as exc:
        yield ReadError(opened.source.name, position + 1, f"{exc} (after message {position})")
        return
    if not position:
        raise InputError("not a Telegram export: expected an object with 'messages' or 'chats.list'")


def _message(msg: Any, chat: _Chat, position: int, opened: Opened, context: ObjectContext) -> Item:
    """One message as a Record, or the ReadError saying why it is not a post."""
    source = opened.source
    if not isinstance(msg, Mapping):
        return ReadError(source.name, position, "message is not an object")
    ident = f"{chat.id}:{msg['id']}" if "id" in msg else None
    if msg.get("type", "message") != "message":
        return ReadError(source.name, position, f"service message ({msg.get('action', msg.get('type'))})", ident)
    text = value_to_text(msg.get("text", ""))
    if text is None:
        return ReadError(source.name, position, "text is not a string", ident)
    if not text.strip():
        media = next((k for k in _MEDIA_KEYS if k in msg), None)
        return ReadError(source.name, position, f"no text ({media} without caption)" if media else "empty text", ident)
    said = (("date", msg.get("date")), ("from", msg.get("from")), ("chat", chat.name), ("chat_username", chat.username))
    meta = {k: v for k, v in said if v}
    meta["platform"] = "telegram"
    return make_record(text, ident, source, position, opened.options, context.meta(msg, meta))


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
