"""Interpretable evidence in a post: named signals with their span in the original text.

Every name comes from the lexicons (``drugs.json``, ``cues.json``); nothing here lists vocabulary.

=============================  ==================================================================================
signal name                    fires on
=============================  ==================================================================================
``drug:<canonical>``           a brand, generic, slang, misspelling or Spanish name (``xanax`` → ``drug:alprazolam``)
``imprint:<canonical>``        an imprint code with letters and digits, >= 3 characters (``M30`` →
                               ``imprint:oxycodone``); bare numbers (``512``) and 2-character codes (``K9``) are not
                               matched: they are everyday numbers and words
``slang:ambiguous``            ambiguous slang (``bars``, ``blues``, ``30s``); it *also* yields ``drug:<canonical>``
                               when the same text has other drug evidence: a drug name, an imprint, a dose, the
                               pill emoji, a number right before it (``90 bars``), or its own drug's emoji code
                               right next to it (``bars 🍫``, ``🔵🔵 blues``)
``dose``                       a strength: ``2mg``, ``0.5 mg``, ``10/325``, ``7.5/325``
``quantity``                   ``100x``, ``x100``, ``qty 50``, ``100 pills``, ``50 tabs``, a number before a drug
``price``                      a money amount (``$20``, ``20$``, ``20 usd``, ``20 dollars``, ``300 pesos``)
``handle``                     an ``@handle``, an e-mail, a phone number, or a link to a contact app (``t.me/…``)
``url``                        a link
``contact:<name>``             ``cues.json`` group ``contact`` (``contact:snapchat``, ``contact:telegram``, …)
``payment:<name>``             group ``payment`` (``payment:cashapp``, ``payment:crypto``, …)
``shipping:<name>``            group ``shipping`` (``shipping:stealth``, ``shipping:overnight``, …)
``claim:<name>``               group ``claims`` (``claim:pressed``, ``claim:pharma_grade``, …)
``sale:<name>``                group ``sale`` (``sale:selling``, ``sale:menu``, …), and ``sale:discount`` ("65 % off")
``no_prescription``            group ``no_prescription`` (``no script``, ``sin receta``)
``emoji:<name>``               group ``emoji_code`` (``emoji:plug`` for 🔌, ``emoji:pill`` for 💊, …)
``obfuscation:<kind>``         ``leetspeak``, ``spacing`` (``x a n a x``), ``homoglyph`` (Cyrillic/Greek letters in
                               a Latin word), ``zero_width`` (an invisible character inside a word), ``fullwidth``
                               (fullwidth or mathematical letters, or 2+ small-capital, circled, parenthesized or
                               squared letters in a row: ``ᴘᴇʀᴄs``, ``🆇🅰🅽🅰🆇``), ``upside_down`` (``sɔɹǝd``),
                               ``split`` (``x / anax``), ``reversed`` (``enodocyxo``)
=============================  ==================================================================================

How spans are found: the text is normalised by :func:`pillscan.normalize.normalize_with_offsets`, which keeps
for every normalised character the original span it came from; lexicon forms are normalised the same way and
matched whole-word on the normalised text (one Aho-Corasick automaton over all forms, so the cost per post
does not grow with the lexicon). A match on normalised characters ``i..j`` maps back to
``text[starts[i]:ends[j-1]]``, so ``Signal.text`` is exactly what the post says, obfuscated or not.
Forms of one or two characters (``sc``, ``wa``, ``pm``) must stand alone as words and are ignored right after
a number (``5 pm``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import ahocorasick
import numpy as np

from pillscan.lexicon import load_lexicon
from pillscan.normalize import (
    FLAG_JOIN,
    FLAG_LEET,
    FLAG_REVERSED,
    FLAG_SPLIT,
    FLAG_UPSIDE_DOWN,
    MAX_CHARS,
    as_text,
    normalize_text,
    normalize_with_flags,
    normalize_with_offsets,
)
from pillscan.records import Signal

__all__ = [
    "SIGNAL_GROUPS",
    "drugs_named",
    "extract_signals",
    "has_ascii_digit",
    "normalize_and_count",
    "signal_counts",
    "signal_feature_names",
    "spam_spellings",
]

#: Group prefixes of signal names (``group`` or ``group:name``).
SIGNAL_GROUPS: tuple[str, ...] = (
    "drug",
    "imprint",
    "slang",
    "dose",
    "quantity",
    "price",
    "handle",
    "url",
    "contact",
    "payment",
    "shipping",
    "claim",
    "sale",
    "no_prescription",
    "emoji",
    "obfuscation",
)
_CUE_PREFIX = {"claims": "claim", "emoji_code": "emoji"}

# Columns of signal_counts; "drug" counts drug names plus ambiguous slang backed by other evidence.
_COUNT_COLUMNS: tuple[str, ...] = (
    "drug",
    "drug_in_scope",
    "imprint",
    "dose",
    "slang_ambiguous",
    "contact",
    "payment",
    "shipping",
    "claim",
    "sale",
    "no_prescription",
    "emoji",
    "price",
    "quantity",
    "handle",
    "url",
    "obfuscation",
)
_COMBINATIONS: tuple[str, ...] = ("sale", "contact", "price", "payment", "shipping", "no_prescription")
_FEATURES = _COUNT_COLUMNS + tuple(f"drug_and_{c}" for c in _COMBINATIONS)
_COLUMN = {name: i for i, name in enumerate(_FEATURES)}


@dataclass(frozen=True)
class _Entry:
    """What a matched form means: its signal name, count column and (for drugs) the canonical name."""

    name: str
    column: str
    canonical: str = ""
    in_scope: bool = False


_NON_WORD = re.compile(r"[^a-z0-9_]")
_TRAILING_NUMBER = re.compile(r"(?<![a-z0-9_])\d+ ?$")
_DOUBLED = re.compile(r"([a-z])\1")
_PLACEHOLDER_ENTRIES = {
    "pricetoken": _Entry("price", "price"),
    "handletoken": _Entry("handle", "handle"),
    "phonetoken": _Entry("handle", "handle"),
    "urltoken": _Entry("url", "url"),
}


def _form_key(form: str) -> str:
    return _NON_WORD.sub(" ", normalize_text(form)).strip()


def _l_for_i(key: str) -> list[str]:
    """Spellings with ``l`` written for ``i`` ("vlcodin", "prescrlptlon"): a spam trick the leetspeak fold
    cannot undo, since ``l`` is a letter in its own right. Only for keys of 5+ letters with at most 3 i's."""
    where = [k for k, ch in enumerate(key) if ch == "i"]
    if len(key) < 5 or not where or len(where) > 3:
        return []
    out = []
    for mask in range(1, 1 << len(where)):
        chars = list(key)
        for bit, k in enumerate(where):
            if mask >> bit & 1:
                chars[k] = "l"
        out.append("".join(chars))
    return out


# Spellings made only of English words (/usr/share/dict/words; tests/test_spellings.py checks the list is complete).
# fmt: off
_NOT_SPELLINGS = frozenset((
    "ac iq", "act iq", "ar vigil", "art vigil", "co zip", "de as", "de pas", "di stat", "diaz pam", "elva se",
    "gab pin", "hal ion", "imo vane", "ion min", "kama ra", "levi ra", "lo tab", "met date", "meta ate", "meta date",
    "mir az", "mo vigil", "neuron tin", "no co", "nor co", "norm son", "nu vigil", "op ana", "op na", "ox ir",
    "pr oscar", "pr scar", "pr vigil", "prop cia", "pros ar", "rem ron", "reva io", "rita lin", "sub tex", "ta al",
    "ta pal", "tap al", "ten ate", "tram al", "ty lox", "ty ox", "va release", "val release", "val um", "vi agra",
    "vi odin", "via ra", "vic din", "vic odin",
))
# Pieces a split name may not have (``meth dose``, ``am bien``, ``mod alert`` are words, not a name cut in two).
_WORD_PIECES = frozenset((
    "all", "alert", "am", "an", "and", "are", "at", "bien", "car", "code", "con", "dose", "el", "en", "es", "esta",
    "et", "for", "he", "her", "in", "is", "it", "la", "los", "me", "mod", "on", "or", "per", "phone", "pro", "rest",
    "so", "tape", "the", "to", "un",
))
# fmt: on


def spam_spellings(key: str) -> list[str]:
    """How spam misspells a one-word name of 5+ letters on purpose, each a key for the word view: two
    neighbouring letters swapped (``vicdoin``), a letter doubled (``vicodinn``), ``i`` typed for ``l`` (``VaIium``,
    ``Va1ium``), a symbol or space inside (``xan*ax``, ``va|ium``: the word view reads them as a space), and for
    6+ letters one inner letter dropped (``valum``). The first letter is kept; split pieces must not be words."""
    n = len(key)
    if n < 5 or not key.isalpha():
        return []
    out = {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(1, n - 1)}
    out.update(key[:i] + key[i] + key[i:] for i in range(n))
    if n >= 6:
        out.update(key[:i] + key[i + 1 :] for i in range(1, n - 1))
    if "l" in key:
        out.update((key.replace("l", "i", 1), key.replace("l", "i")))
    for i in range(2, n - 1):
        for cut in (key[:i] + " " + key[i:], key[:i] + " " + key[i + 1 :]):
            if not any(part in _WORD_PIECES or len(part) < 2 for part in cut.split()):
                out.add(cut)
    out.discard(key)
    return sorted(out)


@cache
def _automaton() -> ahocorasick.Automaton:
    """One automaton over every lexicon form, keyed `` form `` on the space-padded word view of a text."""
    lex = load_lexicon()
    table: dict[str, list[_Entry]] = {}

    def add(form: str, entry: _Entry) -> None:
        key = _form_key(form)
        if key and entry not in table.setdefault(key, []):
            table[key].append(entry)

    for drug in lex.drugs:
        strong = _Entry(f"drug:{drug.canonical}", "drug", drug.canonical, drug.in_scope)
        for form in drug.names:
            add(form, strong)
            squeezed = _DOUBLED.sub(r"\1", _form_key(form))  # "zannies" also as "zanies" (see normalize)
            if len(squeezed) >= 5:
                add(squeezed, strong)
            for variant in _l_for_i(_form_key(form)):
                add(variant, strong)
        for form in drug.ambiguous_slang:
            add(form, _Entry("slang:ambiguous", "slang_ambiguous", drug.canonical, drug.in_scope))
        imprint = _Entry(f"imprint:{drug.canonical}", "imprint", drug.canonical, drug.in_scope)
        for form in drug.imprints:
            compact = re.sub(r"[\s-]", "", form)
            if len(compact) >= 3 and re.search(r"[A-Za-z]", form) and re.search(r"\d", form):
                add(form, imprint)
                add(compact, imprint)
    coded = {
        _form_key(form): drug.canonical
        for drug in lex.drugs
        if drug.in_scope and lex.coded_slang
        for form in drug.emoji
    }
    for group, names in lex.cues.items():
        prefix = _CUE_PREFIX.get(group, group)
        for name, forms in names.items():
            signal = prefix if name == group else f"{prefix}:{name}"
            entry = _Entry(signal, prefix)
            for form in forms:
                # An emoji code names the drug it codes for (🍫 alprazolam), which backs that drug's slang next to it.
                code = coded.get(_form_key(form), "") if group == "emoji_code" else ""
                add(form, _Entry(signal, prefix, code) if code else entry)
                if group == "no_prescription":
                    for variant in _l_for_i(_form_key(form)):
                        add(variant, entry)
    for key, entry in _PLACEHOLDER_ENTRIES.items():
        add(key, entry)
    # Deliberate misspellings of brand and generic names, where they clash with no form above.
    for drug in lex.drugs if lex.spam_spellings else ():
        strong = _Entry(f"drug:{drug.canonical}", "drug", drug.canonical, drug.in_scope)
        for form in drug.brands + drug.generics:
            for variant in spam_spellings(_form_key(form)):
                if variant not in table and variant not in _NOT_SPELLINGS:
                    table[variant] = [strong]
    automaton = ahocorasick.Automaton()
    for key, entries in table.items():
        padded = f" {key} "
        automaton.add_word(padded, (len(padded), len(key) <= 2, tuple(entries)))
    automaton.make_automaton()
    return automaton


# A dose: (?<![a-z0-9.])(?:\d+(?:[.,]\d+)? ?(?:mg|mcg|ug|ml)|\d{1,3}(?:\.\d)?/\d{3})(?![a-z0-9/]), and a
# quantity: (?<![a-z0-9.])(?:\d+ ?x|x ?\d+|(?:qty|cantidad):? ?\d+|\d+ ?(?:pills?|...))(?![a-z0-9]). Both are
# written with their first character first and the look-behind after it: the regex engine then skips to the
# candidates instead of testing the look-behind at every position (twice as fast; tests check they are equal).
_DOSE = re.compile(r"\d(?<![a-z0-9.]\d)(?:\d*(?:[.,]\d+)? ?(?:mg|mcg|ug|ml)|\d{0,2}(?:\.\d)?/\d{3})(?![a-z0-9/])")
_QUANTITY = re.compile(
    r"[\dxqc](?<![a-z0-9.][\dxqc])(?:(?<=\d)\d* ?x|(?<=x) ?\d+|(?<=q)ty:? ?\d+|(?<=c)antidad:? ?\d+"
    r"|(?<=\d)\d* ?(?:pills?|pastillas?|tabs?|tablets?|tabletas?|pcs|pieces?|piezas?|ct|count|units?|caps|capsules?))"
    r"(?![a-z0-9])"
)
# A discount ("65 % off", "up to 80% savings"): a sale cue the word lexicon cannot hold (the % sign).
_DISCOUNT = re.compile(r"(?<![a-z0-9.])\d{1,2} ?% ?-? ?(?:off|discount|descuento|savings?|less)(?![a-z0-9])")
# Each pattern starts with the rare character it is about, so the regex engine skips ahead to it:
# an invisible character run between two word characters,
_ZW = "\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_ZERO_WIDTH = re.compile(rf"[{_ZW}](?<=\w[{_ZW}])[{_ZW}]*(?=\w)")
# fullwidth or mathematical letters and digits, or two or more styled letters in a row (small capitals, circled,
# parenthesized, squared; one ASCII letter may sit between two: ``ᴏxʏ``, since small capital x does not exist;
# a lone Ⓜ or 🅿️ is an emoji),
_WIDE = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff"
_STYLED = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ\u249c-\u24e9\U0001f110-\U0001f149"
_NEGATIVE = "\U0001f150-\U0001f169\U0001f170-\U0001f189"  # 🅐 🅰: two different ones in a row (as normalize reads them)
_FULLWIDTH = re.compile(
    rf"[{_WIDE}]+|[{_STYLED}]\ufe0f?(?:[a-zA-Z]?[{_STYLED}]\ufe0f?)+"
    rf"|(?P<neg>[{_NEGATIVE}])\ufe0f?(?:(?P=neg)\ufe0f?)*(?!(?P=neg))[{_NEGATIVE}]"
)
_HOMOGLYPH_CHARS = "авеёкмнорстухіїјѕһԁӏԛԝαβεηικνορτυχγωϲօսհ"
_HG = _HOMOGLYPH_CHARS + _HOMOGLYPH_CHARS.upper()
# a Cyrillic/Greek/Armenian look-alike right after or right before a Latin letter.
_HOMOGLYPH = re.compile(rf"[{_HG}](?:(?<=[a-zA-Z].)|(?=[a-zA-Z]))")
_RAW_KINDS = (("zero_width", _ZERO_WIDTH), ("fullwidth", _FULLWIDTH), ("homoglyph", _HOMOGLYPH))
# Every one of them needs one of these characters: one search tells most non-ASCII posts they have none.
_RAW_ANY = re.compile(rf"[{_ZW}{_WIDE}{_STYLED}{_NEGATIVE}{_HG}]")
# Substrings that every match of _DOSE (a unit or a slash) and of _QUANTITY (x, qty or a unit word) holds.
_DOSE_NEEDS = ("mg", "ml", "ug", "mcg", "/")
_QUANTITY_NEEDS = (
    "x", "qty", "cantidad", "pill", "pastilla", "tab", "pcs", "piece", "pieza", "ct", "count", "unit", "cap",
)  # fmt: skip
_NUMBER_PATTERNS = (_DOSE, _QUANTITY, _DISCOUNT)  # (in the order of _number_forms)
_WORD_AROUND = re.compile(r"\S+")


def _raw_obfuscation(text: str) -> list[tuple[str, int, int]]:
    """Obfuscation visible only in the raw text: (kind, start, end) spans of the words that use it."""
    if text.isascii():
        return []
    found: list[tuple[str, int, int]] = []
    for kind, pattern in _RAW_KINDS:
        reach = -1  # end of the last word found for this kind: a match inside it is the same word
        for match in pattern.finditer(text):
            start, end = match.span()
            if start < reach:
                continue  # (widening every match again would be quadratic on a 100k-char word)
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            found.append((kind, start, end))
            reach = end
    return found


def _number_before(view: str, i: int) -> int:
    """Start of a number that ends right before ``view[i]`` (one space allowed), or -1: what
    ``_TRAILING_NUMBER.search(view, max(0, i - 12), i)`` finds, read back from ``i`` for an ASCII word view (which
    holds only ``[a-z0-9_ ]``; the regex tries every position of the twelve characters)."""
    low = max(0, i - 12)
    if not view.isascii():
        match = _TRAILING_NUMBER.search(view, low, i)
        return match.start() if match else -1
    end = i - 1 if i > low and view[i - 1] == " " else i
    start = end
    while start > low and "0" <= view[start - 1] <= "9":
        start -= 1
    if start == end or (start > 0 and _is_word_char(view[start - 1])):
        return -1  # no digit; or the number goes on before the twelve characters, or is glued to a word
    return start


def _is_word_char(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9" or ch == "_"


def _matches(view: str) -> list[tuple[int, int, _Entry]]:
    """Whole-word lexicon matches on a normalised text's word view: (start, end, entry), end exclusive.

    In no particular order (callers count or sort them).
    """
    found: list[tuple[int, int, _Entry]] = []
    for end, (length, short, entries) in _automaton().iter(f" {view} "):
        start = end - length + 1  # in view coordinates (the padding space before the form is dropped)
        if short and _number_before(view, start) >= 0:
            continue  # "5 pm", "2 wa": a unit after a number, not an app
        for entry in entries:
            found.append((start, end - 1, entry))
    if len(found) < 2 or len({entry.name for _, _, entry in found}) == len(found):
        return found  # no name matched twice: nothing can be nested
    # "snap me" and the "snap" inside it are one piece of evidence: keep the longest match of each name.
    found.sort(key=lambda m: (m[0], -m[1]))
    kept: list[tuple[int, int, _Entry]] = []
    reach: dict[str, int] = {}
    for start, stop, entry in found:
        if reach.get(entry.name, -1) >= stop:
            continue
        reach[entry.name] = stop
        kept.append((start, stop, entry))
    return kept


_DRUG_EVIDENCE = frozenset({"drug", "imprint", "dose"})


def _coded_slang(matches: list[tuple[int, int, _Entry]]) -> frozenset[int]:
    """Starts of the ambiguous slang written right next to its own drug's emoji code ("bars 🍫", "🔵🔵 blues",
    "ladders 🪜"): the DEA chart's code backs the street name as a number does ("90 bars"). Next to: the code is the
    word right before or right after it (words are one space apart in the view)."""
    starts = {(e.canonical, a) for a, _, e in matches if e.column == "emoji" and e.canonical}
    stops = {(e.canonical, b) for _, b, e in matches if e.column == "emoji" and e.canonical}
    return frozenset(
        a
        for a, b, e in matches
        if e.column == "slang_ambiguous" and ((e.canonical, b + 1) in starts or (e.canonical, a - 1) in stops)
    )


# Obfuscation kinds named by the normaliser's flags (pillscan.normalize.FLAG_*).
_FLAG_KINDS = {
    FLAG_LEET: "leetspeak",
    FLAG_JOIN: "spacing",
    FLAG_UPSIDE_DOWN: "upside_down",
    FLAG_SPLIT: "split",
    FLAG_REVERSED: "reversed",
}


#: At most this many signals of one name are kept per post: 50 "💊" are all the evidence 100,000 of them give,
#: and a cap keeps the evidence of a hostile post (and its output line) bounded.
MAX_SIGNALS_PER_NAME = 50
#: Longer texts are read for evidence in segments of at most MAX_CHARS characters that overlap by this much,
#: so an offer at the end of a 150k-character post is found and a signal across a cut is not lost.
_SEGMENT_OVERLAP = 1000


def extract_signals(text: object) -> tuple[Signal, ...]:
    """All signals in ``text``, ordered by position; ``text[s.start:s.end] == s.text`` for each.

    At most MAX_SIGNALS_PER_NAME of each name; a text longer than MAX_CHARS is read in overlapping segments.
    """
    text = as_text(text)
    out: list[tuple[str, int, int]] = []
    for start, end in _segments(text):
        _segment_signals(text[start:end], start, out)
    unique = sorted(set(out), key=lambda s: (s[1], -s[2], s[0]))
    # "on sale" and "sale" inside it are one piece of evidence: keep the longest span of each name.
    kept: list[tuple[str, int, int]] = []
    reach: dict[str, int] = {}
    counts: dict[str, int] = {}
    for name, start, end in unique:
        if reach.get(name, -1) >= end or counts.get(name, 0) >= MAX_SIGNALS_PER_NAME:
            continue
        reach[name] = end
        counts[name] = counts.get(name, 0) + 1
        kept.append((name, start, end))
    unique = sorted(kept, key=lambda s: (s[1], s[2], s[0]))
    return tuple(Signal(name, text[start:end], start, end) for name, start, end in unique if start < end)


def _segments(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of at most MAX_CHARS that cover ``text``, cut at whitespace where there is some."""
    if len(text) <= MAX_CHARS:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start = 0
    while True:
        end = start + MAX_CHARS
        if end >= len(text):
            pieces.append((start, len(text)))
            return pieces
        cut = max(text.rfind(" ", end - _SEGMENT_OVERLAP, end), text.rfind("\n", end - _SEGMENT_OVERLAP, end))
        end = cut if cut > start else end
        pieces.append((start, end))
        start = end - _SEGMENT_OVERLAP


def _segment_signals(text: str, offset: int, out: list[tuple[str, int, int]]) -> None:
    """Append ``(name, start, end)`` for the signals in one segment (spans shifted by ``offset``)."""
    traced = normalize_with_offsets(text)
    norm = traced.text
    view = _word_view(norm)
    counts: dict[str, int] = {}

    def emit(name: str, i: int, j: int) -> None:
        # (capped here already, before the spans are built: the final cap keeps the first of each name)
        n = counts.get(name, 0)
        if n < MAX_SIGNALS_PER_NAME:
            counts[name] = n + 1
            start, end = traced.span(i, j)
            out.append((name, start + offset, end + offset))

    matches = _matches(view)
    columns = {entry.column for _, _, entry in matches}
    number_forms = _number_forms(norm)
    columns.update(("dose",) if number_forms[0] and _DOSE.search(norm) else ())
    has_pill_emoji = any(entry.name == "emoji:pill" for _, _, entry in matches)
    evidence = bool(columns & _DRUG_EVIDENCE) or has_pill_emoji
    url_ends = {stop for start, stop, entry in matches if entry.column == "url"}
    coded = _coded_slang(matches)
    for start, stop, entry in matches:
        emit(entry.name, start, stop)
        if entry.column == "contact" and start - 1 in url_ends:
            emit("handle", start, stop)  # a link to a contact app (t.me/…, wa.me/…)
        if entry.column in ("drug", "slang_ambiguous"):
            number = _number_before(view, start)
            if number >= 0:
                emit("quantity", number, stop)
            if entry.column == "slang_ambiguous" and (evidence or number >= 0 or start in coded):
                emit(f"drug:{entry.canonical}", start, stop)
    for pattern, name, may in zip(_NUMBER_PATTERNS, ("dose", "quantity", "sale:discount"), number_forms, strict=True):
        if may:
            for match in pattern.finditer(norm):
                emit(name, *match.span())
    for flag, start, end in traced.edits:
        if flag in _FLAG_KINDS:
            out.append((f"obfuscation:{_FLAG_KINDS[flag]}", start + offset, end + offset))
    out.extend((f"obfuscation:{kind}", start + offset, end + offset) for kind, start, end in _raw_obfuscation(text))


@cache
def _in_scope_names() -> frozenset[str]:
    return frozenset(d.canonical for d in load_lexicon().in_scope_drugs)


def drugs_named(signals: Iterable[Signal]) -> tuple[str, ...]:
    """Canonical names of the in-scope drugs that ``signals`` name (sorted, no duplicates)."""
    in_scope = _in_scope_names()
    names = set()
    for sig in signals:
        group, _, name = sig.name.partition(":")
        if group in ("drug", "imprint") and name in in_scope:
            names.add(name)
    return tuple(sorted(names))


def signal_feature_names() -> list[str]:
    """Names of the columns of :func:`signal_counts`."""
    return list(_FEATURES)


# The word view of an ASCII text: every character but [a-z0-9_] becomes a space (as _NON_WORD.sub does).
_VIEW_TABLE = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_" else 32 for c in range(256))


def _word_view(norm: str) -> str:
    """``_NON_WORD.sub(" ", norm)``; a byte-level table lookup for ASCII text (nearly all normalised text)."""
    if norm.isascii():
        return norm.encode("ascii").translate(_VIEW_TABLE).decode("ascii")
    return _NON_WORD.sub(" ", norm)


_ANY_DIGIT = re.compile(r"\d")
_DIGIT_CHARS = "0123456789"
_N_FEATURES = len(_FEATURES)
_C_DRUG, _C_IN_SCOPE, _C_IMPRINT, _C_DOSE = (_COLUMN[c] for c in ("drug", "drug_in_scope", "imprint", "dose"))
_C_QUANTITY, _C_OBFUSCATION, _C_SALE = _COLUMN["quantity"], _COLUMN["obfuscation"], _COLUMN["sale"]
_COMBINATION_COLUMNS = tuple((_COLUMN[c], _COLUMN[f"drug_and_{c}"]) for c in _COMBINATIONS)


def has_ascii_digit(text: str) -> bool:
    """Whether ``text`` holds one of 0-9: ten substring searches at C speed (several times cheaper than looking
    each character up in a set)."""
    return any(digit in text for digit in _DIGIT_CHARS)


def _has_digit(norm: str) -> bool:
    """Whether ``norm`` holds a digit (``\\d``: any Unicode digit); dose and quantity patterns all need one."""
    if norm.isascii():
        return has_ascii_digit(norm)
    return _ANY_DIGIT.search(norm) is not None


def _number_forms(norm: str) -> tuple[bool, bool, bool]:
    """Whether a dose, a quantity and a discount can be in ``norm``. Each holds a digit (most posts skip all three
    regexes) and one of a few substrings, far cheaper to look for than to run the regex."""
    if not _has_digit(norm):
        return False, False, False
    return any(unit in norm for unit in _DOSE_NEEDS), any(word in norm for word in _QUANTITY_NEEDS), "%" in norm


def _counts_from(text: str, norm: str, flags: int) -> list[float]:
    """One row of :func:`signal_counts` from a raw text and its normalised form and flags."""
    row = [0.0] * _N_FEATURES
    view = _word_view(norm)
    col = _COLUMN
    ambiguous = backed_ambiguous = 0
    pill_emoji = False
    matches = _matches(view)
    coded = _coded_slang(matches) if any(entry.canonical for _, _, entry in matches if entry.column == "emoji") else ()
    for start, _stop, entry in matches:
        column = entry.column
        row[col[column]] += 1
        if column == "drug":
            if entry.in_scope:
                row[_C_IN_SCOPE] += 1
        elif column != "slang_ambiguous":
            pill_emoji = pill_emoji or entry.name == "emoji:pill"
            continue
        if _number_before(view, start) >= 0:
            row[_C_QUANTITY] += 1
            backed_ambiguous += column == "slang_ambiguous"
        elif column == "slang_ambiguous" and start in coded:
            backed_ambiguous += 1
        ambiguous += column == "slang_ambiguous" and entry.in_scope
    doses = 0
    dose_may, quantity_may, discount_may = _number_forms(norm)
    if dose_may:
        doses = len(_DOSE.findall(norm))
        row[_C_DOSE] += doses
    if quantity_may:
        row[_C_QUANTITY] += len(_QUANTITY.findall(norm))
    if discount_may:
        row[_C_SALE] += len(_DISCOUNT.findall(norm))
    # Ambiguous slang counts as a drug when other evidence backs it (see the table above).
    if row[_C_DRUG] or row[_C_IMPRINT] or doses or pill_emoji:
        backed_ambiguous = ambiguous
    row[_C_DRUG] += backed_ambiguous
    row[_C_IN_SCOPE] += backed_ambiguous
    raw_kinds = 0
    if not text.isascii() and _RAW_ANY.search(text) is not None:
        raw_kinds = sum(pattern.search(text) is not None for _, pattern in _RAW_KINDS)
    row[_C_OBFUSCATION] = raw_kinds + (sum(1 for flag in _FLAG_KINDS if flags & flag) if flags else 0)
    if row[_C_IN_SCOPE] or row[_C_IMPRINT]:
        for cue, combined in _COMBINATION_COLUMNS:
            row[combined] = 1.0 if row[cue] else 0.0
    return row


def signal_counts(texts: Sequence[object]) -> np.ndarray:
    """Per-text signal counts, one row per text, columns :func:`signal_feature_names` (float32)."""
    rows = []
    for text in texts:
        text = as_text(text)
        norm, flags = normalize_with_flags(text)
        rows.append(_counts_from(text, norm, flags))
    return np.array(rows, dtype=np.float32).reshape(len(rows), _N_FEATURES)


def normalize_and_count(texts: Sequence[object]) -> tuple[list[str], np.ndarray]:
    """``(normalize_many(texts), signal_counts(texts))`` with each text normalised once, not twice.

    For pipelines that need both (word/char features on the normalised text, plus signal counts).
    """
    normalized: list[str] = []
    rows = []
    for text in texts:
        text = as_text(text)
        norm, flags = normalize_with_flags(text)
        normalized.append(norm)
        rows.append(_counts_from(text, norm, flags))
    return normalized, np.array(rows, dtype=np.float32).reshape(len(rows), _N_FEATURES)


def _clear_caches() -> None:
    """Forget everything built from the lexicons (tests swap the lexicons in)."""
    _automaton.cache_clear()
    _in_scope_names.cache_clear()
