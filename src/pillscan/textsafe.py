"""Text shown on a terminal made inert: file names and posts can hold newlines and escape sequences."""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "printable", "spreadsheet_cell", "spreadsheet_text"]

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


#: A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd|...): OWASP's advice
#: for CSV injection is to prefix such a cell with a single quote, which shows it as the text it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKED = (*FORMULA_START, "'")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell made inert for spreadsheets: ``'`` before a cell starting with a FORMULA_START character, and
    before one already starting with ``'`` and such a character (or another ``'``), so that
    :func:`spreadsheet_text` gives back exactly the original. Anything but a string is returned as it is.
    (The report's "Export labels" applies the same rule in report_assets/report.js.)"""
    if isinstance(value, str) and value and (value[0] in FORMULA_START or (value[0] == "'" and value[1:2] in _MARKED)):
        return "'" + value
    return value


def spreadsheet_text(value: object) -> object:
    """The original text of a cell written by :func:`spreadsheet_cell` (its ``'`` marker dropped); a cell a
    spreadsheet saved (which drops the marker itself) or one never marked is returned as it is."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _MARKED:
        return value[1:]
    return value
