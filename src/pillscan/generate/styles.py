"""Unicode letter styles people type to slip words past keyword filters (and type for fun, in any post).

Mathematical bold and script, small capitals, circled, fullwidth and upside-down letters; split and
reversed words. Each maps ASCII letters (digits where a style has them) and leaves everything else alone.
"""

from __future__ import annotations

import string

__all__ = ["STYLES", "restyle"]


def _offset_map(upper: int | None, lower: int | None, digit: int | None = None) -> dict[int, str]:
    table: dict[int, str] = {}
    for i, c in enumerate(string.ascii_uppercase):
        if upper is not None:
            table[ord(c)] = chr(upper + i)
    for i, c in enumerate(string.ascii_lowercase):
        if lower is not None:
            table[ord(c)] = chr(lower + i)
    for i, c in enumerate(string.digits):
        if digit is not None:
            table[ord(c)] = chr(digit + i)
    return table


_SMALL_CAPS = dict(zip(string.ascii_lowercase, "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))
_FLIPPED = dict(zip(string.ascii_lowercase, "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz", strict=True))
_CIRCLED_DIGITS = "⓪①②③④⑤⑥⑦⑧⑨"

_TABLES: dict[str, dict[int, str]] = {
    "math_bold": _offset_map(0x1D400, 0x1D41A, 0x1D7CE),
    "math_script": _offset_map(0x1D4D0, 0x1D4EA),
    "math_sans_bold": _offset_map(0x1D5D4, 0x1D5EE, 0x1D7EC),
    "fullwidth": _offset_map(0xFF21, 0xFF41, 0xFF10),
    "circled": {
        **_offset_map(0x24B6, 0x24D0),
        **{ord(d): c for d, c in zip(string.digits, _CIRCLED_DIGITS, strict=True)},
    },
    "small_caps": {
        **{ord(k): v for k, v in _SMALL_CAPS.items()},
        **{ord(k.upper()): v for k, v in _SMALL_CAPS.items()},
    },
}
STYLES = (*_TABLES, "upside_down", "split", "reversed")


def restyle(text: str, name: str, sep: str = " ") -> str:
    """``text`` written in style ``name`` (``split`` puts ``sep`` between letters; ``reversed`` reverses)."""
    if name in _TABLES:
        return text.translate(_TABLES[name])
    if name == "upside_down":
        return "".join(_FLIPPED.get(c.lower(), c) for c in reversed(text))
    if name == "split":
        return " ".join(sep.join(w) for w in text.split(" "))
    if name == "reversed":
        return text[::-1]
    raise ValueError(f"unknown style {name!r}")
