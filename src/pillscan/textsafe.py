"""Text shown on a terminal made inert: file names and posts can hold newlines and escape sequences."""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 and C1 controls (ESC starts terminal escape sequences, BEL ends OSC titles) and the bidirectional
# overrides that reorder what a terminal shows; a tab is kept.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def printable(text: str) -> str:
    """``text`` on one line with every control character shown escaped (``\\e]0;title\\x07``, ``\\n``)."""
    return _CONTROLS.sub(_escape, text) if _CONTROLS.search(text) else text
