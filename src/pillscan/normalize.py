"""De-obfuscation: turn a post into a canonical lower-case form that the model and signal matchers share.

``normalize_text`` is pure, never raises and is idempotent. Steps, in order:

1. Inputs longer than :data:`MAX_CHARS` are cut (long texts are scored in windows by the model).
2. Every non-ASCII character is folded on its own, through a cache built lazily per character: NFKC
   (fullwidth ``ｘ`` → ``x``, ligatures, math letters), lower case, diacritics stripped (``envío`` → ``envio``),
   zero-width/format characters, variation selectors, skin tones and lone surrogates dropped, Cyrillic/Greek
   homoglyphs mapped to Latin (``хanax`` → ``xanax``), small capitals (``ᴘᴇʀᴄs`` → ``percs``) and parenthesized
   letters (``⒳⒜⒩⒜⒳``) to their letter, other whitespace/control characters to a space, and pictographs to word
   tokens (``💊`` → `` emoji_pill ``). Negative circled/squared letters (``🅰``, ``🅿️``) are emoji when alone or
   repeated (🅿️ is Percocet's emoji code) and letters when two or more different ones stand in a row
   (``🆇🅰🅽🅰🆇`` → ``xanax``). Folding per character (not whole-string NFKC) is what makes the result a fixed
   point: every folded character folds to itself.
3. ASCII lower case; then upside-down words read the right way up: a word of 3+ letters holding a turned letter
   (``ɐ ǝ ɥ ɯ ɹ ʇ ʌ ʍ ʎ ʞ ɟ ƃ ɔ``…) whose letters turned (``u``↔``n``, ``p``↔``d``, ``b``↔``q``; for capitals only
   ``M``↔``W``) and read backwards spell a lexicon word (``sɔɹǝd`` → ``percs``, ``X∀N∀X`` → ``xanax``). IPA and
   other text that uses these letters spells no lexicon word upside down and keeps them. A phrase of such words
   (short gaps of spaces and punctuation between them) is read in its order, last word first: ``ǝlɐs ɹoɟ sɔɹǝd``
   → ``percs for sale``.
4. Placeholders: e-mail and ``@handle`` → ``handletoken``; URLs → ``urltoken HOST`` (the host is kept so that
   ``t.me``/``wa.me`` links still name their app); phone numbers → ``phonetoken``; money amounts (``$20``,
   ``$ 20``, ``20$``, ``20 usd``, ``20 dollars``, ``20 pesos``) → ``pricetoken`` (the amount itself is dropped:
   it is noise for the classifier, and ``price`` signals keep the original span); ``$name`` cashtags →
   ``cashtag``; codes (hashes, base64, UUIDs, order and tracking numbers, wallets, keys: a run of 8+ letters,
   digits and ``+/=-`` with a piece of 8+ letters and digits, two or more of each, that is no dose, no name with a
   number and no leetspeak word) → ``codetoken``. Each placeholder must start and end at a token edge, which keeps
   them stable on a second pass.
5. Whitespace collapsed.
6. Spaced or dotted letters joined: a run of >= 3 single letters/digits with the same separator
   (space, ``.``, ``-``, ``*``, ``~``, ``|``, ``•``, ``·``), at least half of them letters:
   ``x a n a x`` / ``x.a.n.a.x`` / ``X 4 N 4 X`` → ``xanax`` (the digits then go through leetspeak).
   Single letters/digits with any mix of separators (``.-*~|•·',/+:;`` with or without spaces around, as spam
   e-mail is tokenised: ``v . 1 . c . 0 . d - 1 . n``, ``v ' a , l ' i , u , m``) are joined only where they spell a
   lexicon word as leetspeak does (``pillscan.lexicon.leet_vocabulary``; the longest such stretch from the left,
   leetspeak undone, a trailing number kept: ``o . x . y 3 0`` → ``oxy30``), so initials, lists, grades and dates
   stay. Names split in two or three by ``/ * | . -`` (no space, or a space on both sides) are joined where the
   pieces spell a drug name of the lexicon (``x / anax``, ``phe/ntermine``, ``perc.s``), unless the lexicon writes
   the name in those pieces (``k-pin``); ``and/or``, ``w/``, ``10/325``, dates and sentence ends spell no name.
7. Leetspeak inside words (``0→o 1→i 3→e 4→a 5→s 7→t @→a $→s``): only a lone digit/symbol in a token of
   >= 2 letters, and between two letters only when the token has >= 3 letters (``x4n4x`` → ``xanax``,
   ``0xyc0d0ne`` → ``oxycodone``, ``perc0`` → ``perco``); numbers with units and codes stay
   (``2mg``, ``5mg``, ``30s``, ``m30``, ``10/325``, ``100x``, ``t3s``). A token is undone only when the result
   spells a lexicon word (``pillscan.lexicon.leet_vocabulary``: drug, cue and intent words, a word cut short to 5+
   letters, with or without a plural ``s``): leetspeak disguises a word; hashes, base64, UUIDs, order and
   tracking numbers keep their digits (``e5b37aed``, ``yKzfAb3gQ1Lb``).
8. Repeated letters squeezed: a run of >= 3 equal letters becomes ONE letter (``cheaaap`` → ``cheap``,
   ``xaaanax`` → ``xanax``); runs of two are kept (``xannax``). One letter, not two, because elongation
   usually stretches a letter that the word has once; the signal matcher also indexes lexicon forms with
   doubled letters collapsed, so ``zannnnies`` → ``zanies`` still matches ``zannies``.

9. Drug names written backwards: a whole word of 6+ letters that is an in-scope brand, generic or slang name of
   the lexicon reversed (``enodocyxo`` → ``oxycodone``), where the reverse is no lexicon word (and, checked by
   tests/test_disguises.py against /usr/share/dict/words, no English word).

Each decoding raises a flag (``FLAG_*``) that ``pillscan.signals`` reports as an obfuscation kind. Steps 6-9 can
expose new matches for each other (a squeezed ``aaa`` is a single letter); when any of them
changed the text the whole pass is repeated until nothing changes, which guarantees idempotency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pillscan.lexicon import leet_vocabulary, load_lexicon

__all__ = [
    "MAX_CHARS",
    "MAX_EXPANSION",
    "TracedText",
    "as_text",
    "fold_char",
    "fold_chars",
    "normalize_many",
    "normalize_text",
    "normalize_with_flags",
    "normalize_with_offsets",
]

#: Longest input normalised; the rest is dropped. The model scores long texts in windows well below this.
MAX_CHARS = 100_000
#: Upper bound on output length per input character (an emoji expands to a `` emoji_<name> `` token).
MAX_EXPANSION = 64

# Flags reported by the internal pass (used by pillscan.signals to name obfuscation kinds).
FLAG_JOIN = 1
FLAG_LEET = 2
FLAG_SQUEEZE = 4
FLAG_UPSIDE_DOWN = 8
FLAG_SPLIT = 16
FLAG_REVERSED = 32

# Lower-case Cyrillic, Greek and Armenian letters that pass for Latin ones in a Latin word.
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ӏ": "l",
    "ԛ": "q", "ԝ": "w", "ь": "b", "п": "n", "г": "r", "и": "u", "ɡ": "g", "ı": "i", "ȷ": "j",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "ω": "w", "μ": "u", "ϲ": "c", "ϳ": "j",
    "օ": "o", "ս": "u", "հ": "h", "ց": "g", "ա": "w",
}  # fmt: skip
# Small capitals ("LATIN LETTER SMALL CAPITAL X", which NFKC leaves as they are; their modifier forms NFKC to them).
_SMALL_CAPITALS = {
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ꞯ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
# Letters in a box or a circle that NFKC does not decompose: negative circled 🅐-🅩 and negative squared 🅰-🆉
# (U+1F150-1F169, U+1F170-1F189). Alone they are emoji (🅿️ is Percocet's code, 🅰️/🅱️ blood types) and keep their
# emoji token; two or more different ones in a row spell a word (🆇🅰🅽🅰🆇) and fold to letters.
_NEGATIVE_CIRCLED = 0x1F150
_NEGATIVE_SQUARED = 0x1F170
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc"})
_EMOJI_MIN_CODEPOINT = 0x2190  # So below this (©, °, ¦) are kept as they are
_MAX_NAME = 56


def _fold_once(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).lower()):
        if ch.isascii():
            out.append(ch.lower())
            continue
        category = unicodedata.category(ch)
        if category in _DROP_CATEGORIES or category == "Sk":
            continue  # combining marks (diacritics), zero-width/format, skin tones, unassigned
        if category in _SPACE_CATEGORIES:
            out.append(" ")
        elif ch in _HOMOGLYPHS:
            out.append(_HOMOGLYPHS[ch])
        elif ch in _SMALL_CAPITALS:
            out.append(_SMALL_CAPITALS[ch])
        elif category == "So" and ord(ch) >= _EMOJI_MIN_CODEPOINT:
            name = re.sub(r"[^a-z0-9]+", "_", unicodedata.name(ch, "symbol").lower()).strip("_")
            if len(name) > _MAX_NAME:  # cut at a word edge: "emoji_negative_squared_latin_capital_letter_p"
                name = name[: name.rfind("_", 0, _MAX_NAME)]
            out.append(f" emoji_{name} ")
        else:
            out.append(ch)
    return "".join(out)


_fold_cache: dict[str, str] = {}


def fold_char(ch: str) -> str:
    """The folded form of one character (step 2): a string every character of which folds to itself."""
    cached = _fold_cache.get(ch)
    if cached is not None:
        return cached
    code = ord(ch)
    if 0x249C <= code <= 0x24B5 or 0x1F110 <= code <= 0x1F129:  # parenthesized ⒜ 🄐: NFKC would give "(a)"
        result = chr(ord("a") + (code - 0x249C if code <= 0x24B5 else code - 0x1F110))
        _fold_cache[ch] = result
        return result
    result = ch
    for _ in range(6):  # NFKC/lower/NFD interplay settles in one or two rounds; six is a safe ceiling
        folded = _fold_once(result)
        if folded == result:
            break
        result = folded
    else:
        result = ""  # a character that never settles is dropped rather than risk non-idempotent output
    _fold_cache[ch] = result
    return result


_run_cache: dict[str, str] = {}
_RUN_CACHE_LIMIT = 200_000


def _enclosed_letter(ch: str) -> str:
    """The letter of a negative circled or negative squared capital (``🅰`` → ``a``), else ``""``."""
    code = ord(ch)
    for first in (_NEGATIVE_CIRCLED, _NEGATIVE_SQUARED):
        if first <= code < first + 26:
            return chr(ord("a") + code - first)
    return ""


def fold_chars(run: str) -> list[str]:
    """The folded form of each character of a run of non-ASCII characters (step 2): :func:`fold_char`, except
    that two or more different negative circled/squared letters in a row (variation selectors between them
    allowed) are letters (``🆇🅰🅽🅰🆇`` → ``xanax``), not emoji."""
    pieces = [fold_char(c) for c in run]
    if run.isascii() or max(run) < "\U0001f150":
        return pieces
    letters = [_enclosed_letter(c) for c in run]
    i, n = 0, len(run)
    while i < n:
        if not letters[i]:
            i += 1
            continue
        j, seen = i, []
        while j < n and (letters[j] or run[j] == "\ufe0f"):
            if letters[j]:
                seen.append(j)
            j += 1
        if len({letters[k] for k in seen}) >= 2:
            for k in seen:
                pieces[k] = letters[k]
        i = j
    return pieces


def _fold_run(match: re.Match[str]) -> str:
    run = match.group()
    folded = _run_cache.get(run)
    if folded is None:
        folded = "".join(fold_chars(run))
        if len(_run_cache) < _RUN_CACHE_LIMIT:
            _run_cache[run] = folded
    return folded


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # \t\n\v\f\r and \x1c-\x1f are already whitespace

# --- placeholders -------------------------------------------------------------------------------------------
# Every placeholder starts with one of these characters and must not be followed by one: a replacement then
# never changes what its neighbours see, so a second pass finds exactly the same placeholders.
_EDGE = r"a-z0-9_@$€£+("
_BEFORE = rf"(?<![{_EDGE}])"
_AFTER = rf"(?![{_EDGE}])"
# Three regexes, each run only when a cheap search shows it could match (most posts need none of them).
_AT = re.compile(
    _BEFORE + r"(?:(?P<email>[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
    r"|(?P<handle>@[a-z0-9_](?:[a-z0-9_.]*[a-z0-9_])?))" + _AFTER
)
_URL_HINT = re.compile(r"://|www\.|\.[a-z]{2,}/")
_URL = re.compile(
    _BEFORE + r"(?P<url>(?:https?://|www\.)[^\s<>\"']+?|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>\"']*?)"
    r"(?=[.,;:!?)\]}'\"]*(?:\s|$))"
)
_MONEY_HINT = re.compile(r"[$€£]|\d(?:[\s.-]?\d{3}|\s*(?:usd|dollar|buck|peso|mxn|dll|eur))")
_MONEY = re.compile(
    r"(?=[\d$€£+(])"
    + _BEFORE
    + r"(?:(?P<phone>(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,3}\)|\d{2,3})[\s.-]?\d{3,4}[\s.-]?\d{4})"
    r"|(?P<price>[$€£]\s*\d+(?:[.,]\d+)*"
    r"|\d+(?:[.,]\d+)*\s*(?:[$€£]|usd|dollars?|bucks|pesos?|mxn|dlls?|eur|euros?))"
    r"|(?P<cashtag>\$[a-z][a-z0-9_]{2,}))" + _AFTER
)


# Codes: a run of letters, digits and + / = - (base64, hex, UUIDs, order and tracking numbers, wallets, keys) of
# 8+ characters holding a piece of 8+ letters and digits with at least two of each that is no number with a unit,
# no name with a number ("iphone15", "gg249") and no word in leetspeak. Replaced as a whole by "codetoken".
_CODE_HINT = re.compile(r"[0-9][a-z]|[a-z][0-9]")
_CODE = re.compile(
    rf"(?<![{_EDGE}/=-])(?=[a-z+/=-]*[0-9][a-z+/=-]*[0-9])(?=[0-9+/=-]*[a-z][0-9+/=-]*[a-z])"
    rf"(?P<code>[a-z0-9+/=-]{{8,}})(?![{_EDGE}/=-])"
)  # (the lookaheads: two digits and two letters, so that few runs reach the Python check)
_CODE_PIECE = re.compile(r"[a-z0-9]{8,}")
_LEADING_LETTERS = re.compile(r"[a-z]+")


def _placeholder_steps(text: str) -> list[re.Pattern[str]]:
    """The placeholder regexes worth running on ``text`` (a cheap necessary condition for each)."""
    steps = []
    if "@" in text:
        steps.append(_AT)
    if _URL_HINT.search(text):
        steps.append(_URL)
    if _MONEY_HINT.search(text):
        steps.append(_MONEY)
    if _CODE_HINT.search(text):
        steps.append(_CODE)
    return steps


def _is_code(chunk: str) -> bool:
    """Whether a run matched by ``_CODE`` is a code rather than words, numbers, doses or imprints."""
    for piece in _CODE_PIECE.findall(chunk):
        digits = sum(c.isdigit() for c in piece)
        if digits < 2 or len(piece) - digits < 2:
            continue
        unit = _UNIT_SUFFIX.search(piece)
        if unit is not None and (unit.start() == 0 or not any(c.isdigit() for c in piece[: unit.start()])):
            continue  # "100mg", "xanax2mg"
        if _TRAILING_NUMBER.fullmatch(piece) or _deleet_token(piece) != piece or _spells_a_word(piece):
            continue  # "iphone15", "gg249"; "0xyc0d0ne"; "8upren0rph1ne", "0xyc0d0nehcl"
        return True
    return False


def _spells_a_word(piece: str) -> bool:
    """Whether a letters-and-digits piece read as heavy leetspeak is, or starts like, a lexicon word, or its
    leading letters are one ("oxy30x10", "percs10x")."""
    targets = _leet_targets()
    lead = _LEADING_LETTERS.match(piece)
    if lead is not None and len(lead.group()) >= 3 and lead.group() in targets:
        return True
    for table in _HEAVY_LEET:
        word = piece.translate(table)
        if word.isalpha() and (word in targets or word[:5] in targets or word[:-1] in targets):
            return True
    return False


_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)*([a-z0-9.-]*)")


def _placeholder(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "url":
        host = _URL_HOST.match(match.group())
        name = host.group(1).strip(".-") if host else ""
        return f" urltoken {name} " if name else " urltoken "
    return {
        "email": " handletoken ",
        "handle": " handletoken ",
        "phone": " phonetoken ",
        "price": " pricetoken ",
        "cashtag": " cashtag ",
        "code": " codetoken " if _is_code(match.group()) else match.group(),
    }[kind or "price"]


# --- spaced letters, leetspeak, elongation ------------------------------------------------------------------
_SPACED = re.compile(r"(?<![a-z0-9_@$])[a-z0-9](?P<sep> |\.|-|\*|~|\||•|·)[a-z0-9](?:(?P=sep)[a-z0-9])+(?![a-z0-9_@$])")


def _join_spaced(match: re.Match[str]) -> str:
    letters = match.group()[::2]
    if sum(c.isalpha() for c in letters) * 2 < len(letters):
        return match.group()  # mostly digits: a date, a version or a list of numbers
    return letters


_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
# Heavier leetspeak than the normaliser undoes (8 for b, 9 for g, 1 for l), only to tell a word from a code.
_HEAVY_LEET = (
    str.maketrans({**_LEET, "8": "b", "9": "g"}),
    str.maketrans({**_LEET, "1": "l", "8": "b", "9": "g"}),
)
# Tokens holding at least one letter and one leet character.
_LEET_TOKEN = re.compile(r"(?<![a-z0-9@$])(?=[a-z0-9@$]*[a-z])[a-z0-9@$]*[013457@$][a-z0-9@$]*(?![a-z0-9@$])")
_UNIT_SUFFIX = re.compile(
    r"\d+(?:[.,]\d+)?(?:mg|mcg|ug|ml|g|gr|gm|k|x|s|pk|pc|pcs|ct|lb|lbs|oz|h|hr|hrs|am|pm|st|nd|rd|th|mm|cm|"
    r"km|yo|yr|yrs|min|mins|day|days|d|w|m|y)$"
)
_TRAILING_NUMBER = re.compile(r"[a-z]+\d{2,}[a-z]?$")


def _deleet(match: re.Match[str]) -> str:
    return _deleet_token(match.group())


_token_cache: dict[str, str] = {}


def _deleet_token(token: str) -> str:
    cached = _token_cache.get(token)
    if cached is None:
        cached = _deleet_uncached(token)
        if len(_token_cache) < _RUN_CACHE_LIMIT:
            _token_cache[token] = cached
    return cached


def _deleet_uncached(token: str) -> str:
    letters = sum(c.isalpha() for c in token)
    if letters < 2:
        return token
    # Numbers with units ("5mg", "30s", "100x") and codes ending in a number ("m30", "rp30", "gg249").
    unit = _UNIT_SUFFIX.search(token)
    if unit is not None and unit.start() == 0:
        return token
    if _TRAILING_NUMBER.fullmatch(token):
        return token
    # A multi-letter unit inside a token ("xanax2mg") keeps its number; a lone "x"/"s" there is a letter.
    multi_letter_unit = unit is not None and sum(c.isalpha() for c in unit.group()) >= 2
    protected_from = unit.start() if unit is not None and multi_letter_unit else len(token)
    chars = list(token)
    n = len(token)
    for i, c in enumerate(token):
        if c not in _LEET or i >= protected_from:
            continue
        before = token[i - 1] if i > 0 else ""
        after = token[i + 1] if i + 1 < n else ""
        if (before and not before.isalpha()) or (after and not after.isalpha()):
            continue  # part of a run of digits/symbols: a number, not a letter in disguise
        if before and after and letters < 3:
            continue  # "t3s", "m3x": too short to tell a code from a word
        chars[i] = _LEET[c]
    new = "".join(chars)
    core = new[:protected_from]
    if new != token and not _disguises_a_word(_NUMBER_TAIL.sub("", core)):
        return token  # a code (hash, order number, base64), not a word in disguise
    return new


_DOUBLES = re.compile(r"([a-z])\1+")
_LEET_ALL = str.maketrans(_LEET)
_NUMBER_TAIL = re.compile(r"\d\d+$")  # "0xy30", "p3rc0c37": a strength or count after the word
_vocabulary: list[frozenset[str]] = []


def _leet_targets() -> frozenset[str]:
    """The lexicon words (``pillscan.lexicon.leet_vocabulary``) with doubled letters collapsed, ``i`` for ``l``
    and ``l`` for ``i`` (spam's ``va1ium``, ``f0calln``), and their prefixes of 5+ letters (``perc0`` → ``perco``)."""
    if not _vocabulary:
        out: set[str] = set()
        for word in leet_vocabulary():
            for form in {word, _DOUBLES.sub(r"\1", word), word.replace("l", "i"), word.replace("i", "l")}:
                if len(form) >= 3:
                    out.update(form[:k] for k in range(5, len(form)))
                    out.add(form)
        _vocabulary.append(frozenset(out))
    return _vocabulary[0]


def _reset_vocabulary() -> None:
    """Forget the leet targets and the de-leeted tokens (tests swap the lexicons in)."""
    _vocabulary.clear()
    _token_cache.clear()
    _names_cache.clear()
    _reversed_cache.clear()
    _ends_cache.clear()
    _prefix_cache.clear()


def _disguises_a_word(core: str) -> bool:
    """Whether a de-leeted token (its unit and a trailing number of 2+ digits cut off) is a lexicon word, one cut
    short to 5+ letters, or either with or without a plural ``s``. Leetspeak hides words; any other letters are a
    code, whatever digits they hold (``e5b37aed``, ``yKzfAb3gQ1Lb``)."""
    core = core.translate(_LEET_ALL)  # as later passes will have it ("t0do" → "todo", "s0ma" → "soma")
    if not core.isalpha():
        return False
    targets = _leet_targets()
    squeezed = _DOUBLES.sub(r"\1", core)
    forms = (core, squeezed if len(squeezed) >= 3 else "", core[:-1] if core.endswith("s") else "", core + "s")
    return any(form in targets for form in forms)


# A leet character next to a letter (the leet character first: far rarer than letters, so faster to find).
_LEET_HINT = re.compile(r"[013457@$](?:(?<=[a-z].)|(?=[a-z]))")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$")


def _words_around(text: str, hint: re.Pattern[str], chars: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the words (maximal runs of ``chars``) that hold a match of ``hint``, each once, in order."""
    spans: list[tuple[int, int]] = []
    done = 0
    n = len(text)
    for match in hint.finditer(text):
        a = match.start()
        if a < done:
            continue  # same word as the previous match
        while a > 0 and text[a - 1] in chars:
            a -= 1
        b = match.end()
        while b < n and text[b] in chars:
            b += 1
        done = b
        spans.append((a, b))
    return spans


def _deleet_text(text: str) -> str:
    """``_LEET_TOKEN.sub(_deleet, text)``, faster: only tokens where a leet character touches a letter."""
    pieces: list[str] = []
    pos = 0
    for a, b in _words_around(text, _LEET_HINT, _TOKEN_CHARS):
        token = text[a:b]
        new = _deleet_token(token)
        if new != token:
            pieces += (text[pos:a], new)
            pos = b
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


_REPEATS = re.compile(r"([a-z])\1\1+")


# --- disguises decoded only where they spell a lexicon word: upside-down, mixed separators, split, reversed -------
# Each finder returns edits ``(start, end, replacement)``, sorted and non-overlapping; a replacement stands for
# its whole span (for evidence spans, see _traced_edits).
Edit = tuple[int, int, str]

# Turned letters (as step 2 leaves them: lower case) and what they stand for upside down.
_TURNED = {
    "ɐ": "a", "ɔ": "c", "ǝ": "e", "ɟ": "f", "ⅎ": "f", "ƃ": "g", "ᵷ": "g", "ɥ": "h", "ᴉ": "i", "ɾ": "j",
    "ʞ": "k", "ꞁ": "l", "ɯ": "m", "ɹ": "r", "ᴚ": "r", "ʇ": "t", "ʌ": "v", "ʍ": "w", "ʎ": "y", "∀": "a",
    "⅄": "y", "⅁": "g",
}  # fmt: skip
# Characters flip-text generators also use that are ordinary elsewhere: read as turned only inside a word that
# has a turned letter above.
_TURNED_TOO = {"λ": "v", "ן": "l", "⊥": "t", "∩": "u", "ᗺ": "b", "ᗡ": "d"}
# Upside down, lower-case b d n p q u turn into q p u d b n; capitals keep their letter, but M and W swap.
_UPSIDE_DOWN_TABLES = (
    str.maketrans({**_TURNED, **_TURNED_TOO, "b": "q", "d": "p", "n": "u", "p": "d", "q": "b", "u": "n"}),
    str.maketrans({**_TURNED, **_TURNED_TOO, "m": "w", "w": "m"}),
)
_TURNED_HINT = re.compile("[" + "".join(_TURNED) + "]")
_TURNED_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz" + "".join(_TURNED) + "".join(_TURNED_TOO))


# A piece of an upside-down phrase read the right way up: (start, end) of what it reads in the text, what it reads
# as, and whether it is a word (a gap between words keeps its characters).
FlipPiece = tuple[int, int, str, bool]
_FLIP_GAP = 4  # at most this many characters (no letters or digits) between two words of one upside-down phrase


def _flipped_phrases(text: str) -> list[tuple[int, int, list[FlipPiece]]]:
    """Upside-down phrases: runs of words holding a turned letter with short gaps of punctuation and spaces
    between them, at least one word of 3+ letters reading as a lexicon word upside down (each letter turned, the
    word backwards). Each is ``(start, end, pieces)``, the pieces in reading order: flipped text is written
    backwards, so the last word comes first (``ǝlɐs ɹoɟ sɔɹǝd`` → ``percs for sale``). A word that reads as no
    letters stays as written. IPA and other text that uses these letters reads as no lexicon word and is left
    alone."""
    runs: list[list[tuple[int, int]]] = []
    for a, b in _words_around(text, _TURNED_HINT, _TURNED_WORD_CHARS):
        gap = text[runs[-1][-1][1] : a] if runs else "-" * (_FLIP_GAP + 1)
        if len(gap) <= _FLIP_GAP and not any(c.isalnum() for c in gap):
            runs[-1].append((a, b))
        else:
            runs.append([(a, b)])
    phrases: list[tuple[int, int, list[FlipPiece]]] = []
    for run in runs:
        phrase = _read_upside_down(text, run)
        if phrase:
            phrases.append((run[0][0], run[-1][1], phrase))
    return phrases


def _read_upside_down(text: str, words: list[tuple[int, int]]) -> list[FlipPiece]:
    """The pieces of a run of flipped words in reading order (see :func:`_flipped_phrases`), or ``[]`` when no
    word of it reads as a lexicon word upside down."""
    for table in _UPSIDE_DOWN_TABLES:
        readings = [text[a:b].translate(table)[::-1] for a, b in words]
        readable = [word.isascii() and word.isalpha() for word in readings]
        if any(ok and len(word) >= 3 and _disguises_a_word(word) for ok, word in zip(readable, readings, strict=True)):
            pieces: list[FlipPiece] = []
            for k in range(len(words) - 1, -1, -1):
                a, b = words[k]
                pieces.append((a, b, readings[k] if readable[k] else text[a:b], True))
                if k:
                    pieces.append((words[k - 1][1], a, text[words[k - 1][1] : a], False))
            return pieces
    return []


def _upside_down_edits(text: str) -> list[Edit]:
    """Upside-down phrases (:func:`_flipped_phrases`) replaced by what they read."""
    return [(a, b, "".join(piece[2] for piece in pieces)) for a, b, pieces in _flipped_phrases(text)]


# Single letters and digits with any mix of separators (spam e-mail is tokenised with spaces around punctuation):
# "v . 1 . c . 0 . d - 1 . n", "v ' i , o , x , x". Joined only where they spell a lexicon word.
_SEPARATORS = ".\\-*~|•·',/+:;"
_PIECE = r"[a-z0-9](?![a-z0-9_@$])"
_MIXED = re.compile(rf"(?<![a-z0-9_@$]){_PIECE}(?:(?: ?[{_SEPARATORS}] ?| ){_PIECE}){{2,}}")
# A necessary condition: a separator that is not a space between two single pieces (one space either side allowed);
# it starts with the separator, which lets the regex engine skip ahead to one.
_MIXED_HINT = re.compile(
    rf"[{_SEPARATORS}](?:(?<=[a-z0-9][{_SEPARATORS}])(?<![a-z0-9_@$][a-z0-9][{_SEPARATORS}])"
    rf"|(?<=[a-z0-9] [{_SEPARATORS}])(?<![a-z0-9_@$][a-z0-9] [{_SEPARATORS}])) ?{_PIECE}"
)
_ALNUM = re.compile(r"[a-z0-9]")
_MAX_PIECES = 40  # a longer run of single characters is a list or a puzzle, not a name


def _spelled_word(chars: str) -> str:
    """The word single characters spell, leetspeak undone and a trailing number kept (``0xy30`` → ``oxy30``),
    when it is a lexicon word (see :func:`_disguises_a_word`) of mostly letters; else ``""``."""
    letters = sum(c.isalpha() for c in chars)
    if letters < 2 or letters * 2 < len(chars):
        return ""
    core = _NUMBER_TAIL.sub("", chars)
    if len(core) < 3 or not _disguises_a_word(core):
        return ""
    return core.translate(_LEET_ALL) + chars[len(core) :]


def _mixed_edits(text: str) -> list[Edit]:
    """Runs of 3+ single letters/digits with mixed separators that spell a lexicon word; in a longer run, the
    longest such stretch from the left (``a v.i.c.o.d.i.n`` → ``a vicodin``)."""
    edits: list[Edit] = []
    for run in _MIXED.finditer(text):
        if not any(c in _SEPARATORS for c in run.group()):
            continue  # spaces only: step 6 has joined the run if it could (mostly letters)
        places = [run.start() + m.start() for m in _ALNUM.finditer(run.group())]
        if len(places) > _MAX_PIECES:
            continue
        chars = "".join(text[k] for k in places)
        i = 0
        while i + 3 <= len(places):
            for j in _word_ends(chars, i):
                word = _spelled_word(chars[i:j])
                if word:
                    edits.append((places[i], places[j - 1] + 1, word))
                    i = j
                    break
            else:
                i += 1
    return edits


_prefix_cache: list[frozenset[str]] = []


def _word_ends(chars: str, i: int) -> list[int]:
    """Where a word that :func:`_spelled_word` may accept can end in ``chars[i:]``, longest first: the
    stretches whose leetspeak-undone, squeezed form starts a squeezed lexicon word, each also with a plural ``s``
    or a number of 2+ digits after it. Bounds the work on long runs by the length of the lexicon's words."""
    if not _prefix_cache:
        starts: set[str] = set()
        for word in _leet_targets():
            squeezed = _DOUBLES.sub(r"\1", word)
            starts.update(squeezed[:k] for k in range(1, len(squeezed) + 1))
        _prefix_cache.append(frozenset(starts))
    prefixes = _prefix_cache[0]
    ends: set[int] = set()
    squeezed = ""
    n = len(chars)
    for j in range(i, n):
        c = chars[j].translate(_LEET_ALL)
        if not squeezed or squeezed[-1] != c:
            squeezed += c
        if squeezed not in prefixes:
            if c == "s":
                ends.add(j + 1)  # a plural
            break
        ends.add(j + 1)
    for j in list(ends):
        digits = j
        while digits < n and chars[digits].isdigit():
            digits += 1
        if digits - j >= 2:
            ends.add(digits)  # a strength or count after the word ("oxy30")
    return sorted((j for j in ends if j - i >= 3), reverse=True)


# Names split in two or three by / * | . - (with or without spaces): "x / anax", "phe/ntermine", "perc.s".
# A splitter between two letters, with no space or a space on both sides ("x/anax", "x / anax"; not the end of a
# sentence, "done. next"): where a split name can be.
_SPLIT_HINT = re.compile(r"[/*|.\-](?:(?<=[a-z][/*|.\-])(?=[a-z])|(?<=[a-z] [/*|.\-])(?= [a-z]))")
_LETTERS_AT = re.compile(r"[a-z]+")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")
_SPLIT_GAP = re.compile(r"[/*|.\-]| [/*|.\-] ")
_TOKEN_CHARS_BEFORE = frozenset("0123456789_@$")  # a piece glued to one of these is part of a code or handle
_LONG_WORD = re.compile(r"(?<![a-z0-9_@$])[a-z]{6,}(?![a-z0-9_@$])")
_names_cache: list[tuple[frozenset[str], frozenset[str], dict[str, str]]] = []


def _drug_names() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    """From the drug lexicon: its one-word names of 4+ letters, its names of several words (``co codamol``), and
    the in-scope one-word brand, generic and slang names of 6+ letters keyed by their reverse, where the reverse
    is no lexicon word (``enodocyxo`` → ``oxycodone``)."""
    if not _names_cache:
        single: set[str] = set()
        several: set[str] = set()
        reversed_names: dict[str, str] = {}
        for drug in load_lexicon().drugs:
            for form in drug.names:
                key = " ".join(_ALNUM_RUN.findall(form.lower().replace("'", "").replace("’", "")))  # perc's
                if " " in key:
                    several.add(key)
                elif len(key) >= 4 and key.isalpha():
                    single.add(key)
            for form in drug.brands + drug.generics + drug.slang if drug.in_scope else ():
                if form.isalpha() and form.isascii() and len(form) >= 6:
                    reversed_names[form.lower()[::-1]] = form.lower()
        vocabulary = leet_vocabulary()
        for reverse in list(reversed_names):
            if reverse in vocabulary or reverse in single or reverse == reversed_names[reverse]:
                del reversed_names[reverse]  # read either way, or a palindrome: no disguise
        _names_cache.append((frozenset(single), frozenset(several), reversed_names))
    return _names_cache[0]


_reversed_cache: list[frozenset[bytes]] = []
_ends_cache: list[bytes] = []


def _reversed_ends() -> bytes:
    """A table of 256 * 256 bytes: 1 at ``first * 256 + last`` for the first and last letter of each drug name
    written backwards, so that :func:`ascii_hints` looks up only the runs of letters that can be one."""
    if not _ends_cache:
        table = bytearray(256 * 256)
        for word in _reversed_bytes():
            table[word[0] * 256 + word[-1]] = 1
        _ends_cache.append(bytes(table))
    return _ends_cache[0]


def _reversed_bytes() -> frozenset[bytes]:
    """The drug names written backwards (keys of ``_drug_names()[2]``), as ASCII bytes for :func:`ascii_hints`."""
    if not _reversed_cache:
        _reversed_cache.append(frozenset(word.encode("ascii") for word in _drug_names()[2]))
    return _reversed_cache[0]


# Drug names (with a plural s) cut into two English words (/usr/share/dict/words; tests/test_disguises.py checks
# the list is complete): "code-in", "handle/bars", "mod-alert" mean the words, not a disguised name.
# fmt: off
_WORD_SPLITS = frozenset((
    "act iq", "ad di", "ad dies", "ad dis", "add is", "adder al", "adder all", "addie ss", "art vigil", "art vigils",
    "at ivan", "at ivs", "barr as", "barr ass", "blue berries", "co dine", "co dines", "cod ines", "code in",
    "code ina", "code ines", "code ins", "con zip", "con zips", "concert as", "concert ta", "de pas", "de pass",
    "fe nt", "fe ttys", "fen ta", "fen ts", "fen ty", "focal in", "focal ins", "ga bass", "gab as", "gab ass",
    "handle bars", "handlebar ss", "hi dross", "hid ross", "imo vane", "imo vanes", "johnnie ss", "kp in", "kp ins",
    "levitt ra", "lib rum", "lib rums", "lyric as", "meta date", "meta dates", "meta dona", "meta done",
    "methadon es", "mod alert", "mod alerts", "mod vigil", "mod vigils", "neuron tin", "neuron tins", "nor co",
    "nu vigil", "nu vigils", "op ana", "op anna", "ox is", "ox iss", "per cs", "per css", "per kiss", "perk is",
    "perk iss", "perky ss", "pr oscar", "pr oscars", "pro scar", "pro scars", "pro vigil", "pro vigils", "pros car",
    "pros cars", "ri ttys", "rita len", "rita lens", "rita lin", "roche ss", "roxie ss", "roxy ss", "so ma", "so mas",
    "so mass", "sub oxen", "ta pal", "ta pals", "tap al", "tram al", "tram idol", "tram idols", "ty lox", "ultra ms",
    "val release", "val releases", "val um", "vi agra", "vi cs", "vi css", "vic odin", "vic ss",
))
# fmt: on


def _split_name(pieces: list[str]) -> str:
    """The drug name ``pieces`` spell together (a plural ``s`` allowed), unless the lexicon writes that name in
    these pieces (``k-pin``) or they are two English words (``code-in``); else ``""``."""
    single, several, _ = _drug_names()
    word = "".join(pieces)
    if len(word) < 4 or not (word in single or (word[-1] == "s" and word[:-1] in single)):
        return ""
    spaced = " ".join(pieces)
    return "" if spaced in several or spaced in _WORD_SPLITS else word


def _split_edits(text: str) -> list[Edit]:
    """Two or three letter pieces around ``/ * | . -`` that spell a drug name of the lexicon (``x / anax`` →
    ``xanax``); never numbers (``10/325``), dates, ``and/or`` or ``w/``, which spell no name."""
    edits: list[Edit] = []
    done = 0
    n = len(text)
    for hit in _SPLIT_HINT.finditer(text):
        if hit.start() < done:
            continue
        a = hit.start() - 1 if text[hit.start() - 1] != " " else hit.start() - 2
        while a > 0 and "a" <= text[a - 1] <= "z":
            a -= 1
        if a > 0 and text[a - 1] in _TOKEN_CHARS_BEFORE:
            continue  # letters glued to a digit or handle: a code, not a name
        token = text.rfind(" ", 0, a) + 1
        if text.startswith("urltoken ", token - 9) and token >= 9:
            continue  # a link's host (t.me, pills-shop.com): not a name
        pieces: list[str] = []
        ends: list[int] = []
        pos = a
        while len(pieces) < 3:
            letters = _LETTERS_AT.match(text, pos)
            if letters is None:
                break
            pieces.append(letters.group())
            ends.append(letters.end())
            gap = _SPLIT_GAP.match(text, letters.end())
            if gap is None:
                break
            pos = gap.end()
        done = ends[0]  # (unless a name is found: then the next splitter may start a chain at the next piece)
        for k in (3, 2):
            word = _split_name(pieces[:k]) if len(pieces) >= k else ""
            if word and (ends[k - 1] == n or text[ends[k - 1]] not in _TOKEN_CHARS_BEFORE):
                edits.append((a, ends[k - 1], word))
                done = ends[k - 1]
                break
    return edits


def _reversed_edits(text: str) -> list[Edit]:
    """Whole words that are an in-scope drug name written backwards (``enodocyxo`` → ``oxycodone``)."""
    names = _drug_names()[2]
    edits: list[Edit] = []
    for word in _LONG_WORD.finditer(text):
        name = names.get(word.group())
        if name is not None:
            edits.append((word.start(), word.end(), name))
    return edits


def _apply_edits(text: str, edits: list[Edit]) -> str:
    pieces: list[str] = []
    pos = 0
    for a, b, out in edits:
        pieces += (text[pos:a], out)
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


# A step of the traced pass: (flag raised when it changes something, hint bit without which it changes nothing,
# pattern and replacement, or None, "" and an edit finder).
Step = tuple[int, int, re.Pattern[str] | None, Callable[[re.Match[str]], str] | str, Callable[[str], list[Edit]] | None]


def _reference_pass(text: str) -> tuple[str, int]:
    """One pass of the normaliser written plainly; :func:`_one_pass` is the same function, guarded for speed."""
    if not text.isascii():
        text = _NON_ASCII_RUN.sub(_fold_run, text)
    text = text.lower()
    text = _ASCII_CONTROL.sub(" ", text)
    flags = 0
    new = _apply_edits(text, _upside_down_edits(text))
    if new != text:
        flags, text = FLAG_UPSIDE_DOWN, new
    for pattern in _placeholder_steps(text):
        text = pattern.sub(_placeholder, text)
    text = " ".join(text.split())
    new = _SPACED.sub(_join_spaced, text)
    if new != text:
        flags, text = flags | FLAG_JOIN, new
    new = _apply_edits(text, _mixed_edits(text))
    if new != text:
        flags, text = flags | FLAG_JOIN, new
    new = _apply_edits(text, _split_edits(text))
    if new != text:
        flags, text = flags | FLAG_SPLIT, new
    new = _LEET_TOKEN.sub(_deleet, text)
    if new != text:
        flags, text = flags | FLAG_LEET, new
    new = _REPEATS.sub(r"\1", text)
    if new != text:
        flags, text = flags | FLAG_SQUEEZE, new
    new = _apply_edits(text, _reversed_edits(text))
    if new != text:
        flags, text = flags | FLAG_REVERSED, new
    return text, flags


# Cheap necessary conditions for each step, so that a text skips the regexes that cannot match it. Each
# starts with a rare character, which lets the regex engine skip ahead instead of trying every position.
# The second and third letters of a run of >= 3 space-separated letters (after the third: a space, another
# character _SPACED's lookahead accepts, or the end), which everyday text rarely has ("a b" is rare, " a " not).
_SPACED_HINT_SPACE = re.compile(r" [a-z0-9] [a-z0-9](?![a-z0-9])")
_SPACED_HINT_SEP = re.compile(r"([.\-*~|•·])[a-z0-9]\1")
_MONEY_HINT_FAST = re.compile(
    r"[\d$€£](?:(?<=[$€£])|(?<=\d)(?:[\s.-]?\d{3}|\s*(?:usd|dollar|buck|peso|mxn|dll|eur)))"
)  # the same as _MONEY_HINT, with the character class first
_MONEY_HINT_ASCII = re.compile(
    r"[0-9$](?:(?<=\$)|(?<=[0-9])(?:[\s.-]?[0-9]{3}|\s*(?:usd|dollar|buck|peso|mxn|dll|eur)))"
)  # the same on ASCII text


# --- the same hints by one scan over the bytes of an ASCII text ---------------------------------------------
# Compiled (mypyc, see hatch_build.py), a loop over bytes is several times faster than the regex engine trying
# each hint pattern at every position; interpreted, it is far slower, so the pure-Python build keeps the regexes.
# Each function computes exactly what the regexes above compute (tests/test_normalize.py checks both ways).
_BYTE_SCANS: bool = not __file__.endswith(".py")
# Each hint bit is the flag of the step it guards.
HINT_SPACED = FLAG_JOIN  # _SPACED_HINT_SPACE or _SPACED_HINT_SEP matches
HINT_LEET = FLAG_LEET  # _LEET_HINT matches
HINT_REPEAT = FLAG_SQUEEZE  # _REPEATS matches
HINT_REVERSED = FLAG_REVERSED  # a run of 6+ letters is a drug name written backwards (see _reversed_edits)
HINT_MIXED = 64  # _MIXED_HINT matches (single characters with mixed separators)
HINT_SPLIT = 128  # _SPLIT_HINT matches (a splitter between two letters)


def _is_alnum_byte(c: int) -> bool:
    return 97 <= c <= 122 or 48 <= c <= 57


def _is_space_byte(c: int) -> bool:
    """What ``\\s`` matches among ASCII characters (str patterns): \\t \\n \\v \\f \\r, \\x1c-\\x1f and space."""
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


def _is_word_byte(c: int) -> bool:
    """``[a-z0-9_@$]``: what a single piece (_PIECE) may not touch."""
    return 97 <= c <= 122 or 48 <= c <= 57 or c == 95 or c == 64 or c == 36


def _single_piece_before(data: bytes, i: int) -> bool:
    """A single letter or digit ends at ``i`` (``data[i - 1]``) or one space before: the left side of _MIXED_HINT."""
    if i >= 1 and _is_alnum_byte(data[i - 1]):
        return i < 2 or not _is_word_byte(data[i - 2])
    return i >= 2 and data[i - 1] == 32 and _is_alnum_byte(data[i - 2]) and (i < 3 or not _is_word_byte(data[i - 3]))


def _single_piece_after(data: bytes, i: int, n: int) -> bool:
    """A single letter or digit starts at ``i + 1`` or one space after: the right side of _MIXED_HINT."""
    spaced = i + 2 < n and data[i + 1] == 32 and _is_alnum_byte(data[i + 2])
    if spaced and (i + 3 >= n or not _is_word_byte(data[i + 3])):
        return True
    return i + 1 < n and _is_alnum_byte(data[i + 1]) and (i + 2 >= n or not _is_word_byte(data[i + 2]))


def _letters_around(data: bytes, i: int, n: int, last_space: int, prev_space: int) -> bool:
    """A letter on both sides of ``data[i]``, or a space and then a letter on both sides (_SPLIT_HINT), where the
    letters before are not part of a link's host (``urltoken t.me``, which :func:`_split_edits` skips).
    ``last_space`` and ``prev_space``: the indices of the last two spaces before ``i`` (-1: none), so that the
    start of the token is found without scanning back (a scan made ``a-a-a-...`` quadratic)."""
    if i >= 1 and i + 1 < n and 97 <= data[i - 1] <= 122 and 97 <= data[i + 1] <= 122:
        a = i - 1
    elif (
        i >= 2
        and i + 2 < n
        and data[i - 1] == 32
        and data[i + 1] == 32
        and 97 <= data[i - 2] <= 122
        and 97 <= data[i + 2] <= 122
    ):
        a = i - 2
    else:
        return False
    while a > 0 and 97 <= data[a - 1] <= 122:
        a -= 1
    token = (last_space if last_space < a else prev_space) + 1  # (at most one space, data[i - 1], lies past a)
    return token < 9 or data[token - 9 : token] != b"urltoken "


def ascii_hints(data: bytes) -> int:
    """``HINT_*`` bits of an ASCII lower-case text (as bytes) in one pass: the spaced-letter hints, a leet
    character next to a letter, a letter three times in a row, a run of letters that is a drug name written
    backwards, single characters around a separator, and a splitter between letters."""
    n = len(data)
    out = 0
    run = 0  # letters so far in the current run of letters
    ends = _reversed_ends()
    last_space = prev_space = -1  # the last two spaces seen (for _letters_around)
    back1 = back2 = -1  # the two bytes before data[i] (a letter three times in a row is found at its third)
    for i in range(n):
        c = data[i]
        if 97 <= c <= 122:
            run += 1
            if c == back1 and c == back2:
                out |= HINT_REPEAT
            back2, back1 = back1, c
            continue
        back2, back1 = back1, c
        if run >= 6 and ends[data[i - run] * 256 + data[i - 1]] and data[i - run : i] in _reversed_bytes():
            out |= HINT_REVERSED
        run = 0
        if c == 32:  # " x y" not followed by a letter or digit
            prev_space, last_space = last_space, i
            if (
                i + 3 < n
                and _is_alnum_byte(data[i + 1])
                and data[i + 2] == 32
                and _is_alnum_byte(data[i + 3])
                and (i + 4 >= n or not _is_alnum_byte(data[i + 4]))
            ):
                out |= HINT_SPACED
        elif c == 48 or c == 49 or c == 51 or c == 52 or c == 53 or c == 55 or c == 64 or c == 36:  # 0134 57@$
            if (i > 0 and 97 <= data[i - 1] <= 122) or (i + 1 < n and 97 <= data[i + 1] <= 122):
                out |= HINT_LEET
        elif c == 46 or c == 45 or c == 42 or c == 124 or c == 47 or c == 126 or _SEPARATOR_BYTES[c]:
            out |= _separator_hints(data, i, n, c, last_space, prev_space)
    if run >= 6 and ends[data[n - run] * 256 + data[n - 1]] and data[n - run :] in _reversed_bytes():
        out |= HINT_REVERSED
    return out


# The separators of _MIXED that neither spaced letters nor split names use: ' , + : ;
_SEPARATOR_BYTES = bytes(1 if chr(c) in "',+:;" else 0 for c in range(256))


def _separator_hints(data: bytes, i: int, n: int, c: int, last_space: int, prev_space: int) -> int:
    """The hints a separator of _MIXED (``. - * ~ | ' , / + : ;``) at ``data[i]`` gives: ``.x.`` and the like
    (_SPACED_HINT_SEP), single characters on both sides (_MIXED_HINT), letters on both sides (_SPLIT_HINT)."""
    out = 0
    spacer = c == 46 or c == 45 or c == 42 or c == 126 or c == 124  # ".x." "-x-" "*x*" "~x~" "|x|"
    if spacer and i + 2 < n and _is_alnum_byte(data[i + 1]) and data[i + 2] == c:
        out |= HINT_SPACED
    if _single_piece_before(data, i) and _single_piece_after(data, i, n):
        out |= HINT_MIXED
    if (c == 46 or c == 45 or c == 42 or c == 124 or c == 47) and _letters_around(data, i, n, last_space, prev_space):
        out |= HINT_SPLIT
    return out


# The money hint of an ASCII text by byte classes: digits as "0", whitespace (``\\s``) as " ", "." and "-" as ".", every
# other byte as it is; then one search for a literal "0", which the regex engine skips to at C speed (a loop over
# the bytes, even compiled, cost several times more).
_MONEY_CLASSES = bytes(
    48 if 48 <= c <= 57 else 32 if _is_space_byte(c) else 46 if c in (45, 46) else c for c in range(256)
)
_MONEY_AFTER_DIGIT = re.compile(rb"0(?:[ .]?000| *(?:usd|dollar|buck|peso|mxn|dll|eur))")


def _money_hint_ascii(data: bytes) -> bool:
    """``_MONEY_HINT_ASCII.search(text) is not None`` for an ASCII text (as bytes)."""
    if b"$" in data:
        return True
    classes = data.translate(_MONEY_CLASSES)
    return b"0" in classes and _MONEY_AFTER_DIGIT.search(classes) is not None


# Codes (_CODE) in an ASCII text by byte classes: digits as "0", letters as "a", "+/=-" as "+", every other byte as a
# space. _CODE_HINT is a digit next to a letter ("0a" or "a0"); a _CODE match lies in a run of 8+ code characters
# with two digits and two letters, so a text without such a run skips the _CODE regex (which tries every position).
_CODE_CLASSES = bytes(48 if 48 <= c <= 57 else 97 if 97 <= c <= 122 else 43 if c in b"+/=-" else 32 for c in range(256))


def _code_hint_classes(classes: bytes) -> bool:
    """``_CODE_HINT.search(text) is not None`` for an ASCII text, from its ``_CODE_CLASSES`` translation."""
    return b"0" in classes and (b"0a" in classes or b"a0" in classes)  # (most texts have no digit: one memchr)


def _code_candidate(classes: bytes) -> bool:
    """Whether an ASCII text (its ``_CODE_CLASSES`` translation) has a run of 8+ code characters with two digits
    and two letters: a necessary condition for a ``_CODE`` match."""
    return any(len(run) >= 8 and run.count(b"0") >= 2 and run.count(b"a") >= 2 for run in classes.split())


def _fast_placeholder_steps(text: str) -> list[re.Pattern[str]]:
    """:func:`_placeholder_steps` (the same list), the hints of an ASCII text taken from its byte classes."""
    if not text.isascii():
        return _placeholder_steps(text)
    data = text.encode("ascii")
    steps = []
    if "@" in text:
        steps.append(_AT)
    if ("/" in text or "www." in text) and _URL_HINT.search(text):  # (each alternative of _URL_HINT holds one)
        steps.append(_URL)
    if _money_hint_ascii(data):  # (_MONEY_HINT on ASCII text is _MONEY_HINT_ASCII)
        steps.append(_MONEY)
    if _code_hint_classes(data.translate(_CODE_CLASSES)):
        steps.append(_CODE)
    return steps


def _may_hold_code(text: str) -> bool:
    """False only when ``_CODE`` cannot match ``text`` (an ASCII text without a run that could be a code)."""
    return not text.isascii() or _code_candidate(text.encode("ascii").translate(_CODE_CLASSES))


def _hints(text: str) -> int:
    """``HINT_*`` bits of a normalised-so-far text: by :func:`ascii_hints` when compiled and the text is ASCII,
    else by the regexes."""
    if _BYTE_SCANS and text.isascii():
        return ascii_hints(text.encode("ascii"))
    spaced = _SPACED_HINT_SPACE.search(text) is not None or _SPACED_HINT_SEP.search(text) is not None
    leet = _LEET_HINT.search(text) is not None
    hints = (HINT_SPACED if spaced else 0) | (HINT_LEET if leet else 0) | (HINT_REPEAT if _REPEATS.search(text) else 0)
    hints |= HINT_MIXED if _MIXED_HINT.search(text) is not None else 0
    hints |= HINT_SPLIT if _SPLIT_HINT.search(text) is not None else 0
    return hints | (HINT_REVERSED if _reversed_hint(text) else 0)


def _reversed_hint(text: str) -> bool:
    """Whether a run of 6+ letters of ``text`` is a drug name written backwards (what :func:`ascii_hints` finds);
    for ASCII text by splitting its bytes into runs of letters, which is all C code (unlike a regex's matches)."""
    if text.isascii():
        return not _reversed_bytes().isdisjoint(text.encode("ascii").translate(_LETTERS_ONLY).split())
    return not _drug_names()[2].keys().isdisjoint(_LETTER_RUN.findall(text))


_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))  # every byte but a-z to a space


_LETTER_RUN = re.compile(r"[a-z]{6,}(?![a-z])")


def _one_pass(text: str) -> tuple[str, int]:
    if not text.isascii():
        text = _NON_ASCII_RUN.sub(_fold_run, text)
    text = text.lower()
    printable = text.isprintable()  # every ASCII control character is unprintable; of whitespace, only " " prints
    if not printable:
        text = _ASCII_CONTROL.sub(" ", text)
    flags = 0
    if not text.isascii() and _TURNED_HINT.search(text) is not None:  # upside-down words
        edits = _upside_down_edits(text)
        if edits:
            flags, text = FLAG_UPSIDE_DOWN, _apply_edits(text, edits)
    # Decide all four placeholder steps on the same text, as _placeholder_steps does.
    at = "@" in text
    url = ("/" in text or "www." in text) and _URL_HINT.search(text) is not None
    # \d also matches non-ASCII digits; an ASCII text is checked by byte classes (see _money_hint_ascii).
    ascii = text.isascii()
    classes = b""
    if not ascii:
        money = _MONEY_HINT_FAST.search(text) is not None
        code = _CODE_HINT.search(text) is not None
    else:
        data = text.encode("ascii")
        money = _money_hint_ascii(data)
        classes = data.translate(_CODE_CLASSES)
        code = _code_hint_classes(classes)
    if at:
        text = _AT.sub(_placeholder, text)
    if url:
        text = _URL.sub(_placeholder, text)
    if money:
        text = _MONEY.sub(_placeholder, text)
    if code and ascii and (at or url or money):  # (placeholders are ASCII: the text still is)
        classes = text.encode("ascii").translate(_CODE_CLASSES)
    if code and (not ascii or _code_candidate(classes)):
        text = _CODE.sub(_placeholder, text)
    # Collapse whitespace, unless the only whitespace is single inner spaces already (placeholders add only " "s).
    if not printable or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    # Steps 6-9, each only when its hint says it can change the text (hints computed again after a change).
    hints = _hints(text)
    if hints & HINT_SPACED:
        new = _SPACED.sub(_join_spaced, text)
        if new != text:
            flags, text = flags | FLAG_JOIN, new
            hints = _hints(text)
    text, joined = _join_steps(text, hints)
    if joined:
        flags |= joined
        hints = _hints(text)
    if hints & HINT_LEET:
        new = _deleet_text(text)
        if new is not text:
            flags, text = flags | FLAG_LEET, new
            hints = _hints(text)
    if hints & HINT_REPEAT:  # (sub with a template costs a Python call even when nothing matches)
        new = _REPEATS.sub(r"\1", text)
        flags |= FLAG_SQUEEZE
        if new != text:
            text, hints = new, _hints(new)
    if hints & HINT_REVERSED:
        edits = _reversed_edits(text)
        if edits:
            flags, text = flags | FLAG_REVERSED, _apply_edits(text, edits)
    return text, flags


def _join_steps(text: str, hints: int) -> tuple[str, int]:
    """Mixed separators and split names (steps 6b, 6c), each where its hint allows, and the flags they raise."""
    flags = 0
    if hints & HINT_MIXED:
        edits = _mixed_edits(text)
        if edits:
            flags, text = FLAG_JOIN, _apply_edits(text, edits)
            hints = _hints(text)
    if hints & HINT_SPLIT:
        edits = _split_edits(text)
        if edits:
            flags, text = flags | FLAG_SPLIT, _apply_edits(text, edits)
    return text, flags


def as_text(text: object) -> str:
    """``text`` itself if it is a string; ``None`` becomes ``""`` and anything else ``str(text)``."""
    if isinstance(text, str):
        return text
    return "" if text is None else str(text)


def normalize_with_flags(text: object) -> tuple[str, int]:
    """``normalize_text`` plus a bit mask of the de-obfuscation steps that fired (``FLAG_*``)."""
    out, flags = _one_pass(as_text(text)[:MAX_CHARS])
    if flags:
        for _ in range(8):  # each repeat strictly shortens the text or removes a leet character
            again, more = _one_pass(out)
            if again == out:
                break
            out = again
            flags |= more
    return out, flags


def normalize_text(text: object) -> str:
    """Canonical de-obfuscated form of ``text`` (see the module docstring); pure, idempotent, never raises."""
    return normalize_with_flags(text)[0]


def normalize_many(texts: Iterable[object]) -> list[str]:
    """``normalize_text`` over many texts (``None`` becomes ``""``)."""
    return [normalize_with_flags(t)[0] for t in texts]


# --- the same pipeline, keeping track of where each output character came from ----------------------------
Offsets = list[int]


@dataclass(frozen=True)
class TracedText:
    """A normalised text with, for each character ``k``, the span ``original[starts[k]:ends[k]]`` it came from.

    ``edits`` lists ``(flag, start, end)``: original spans that spaced-letter joining, leetspeak or squeezing
    changed (``FLAG_*``), so callers can name the obfuscation and point at it.
    """

    text: str
    starts: Offsets
    ends: Offsets
    flags: int
    edits: tuple[tuple[int, int, int], ...]

    def span(self, i: int, j: int) -> tuple[int, int]:
        """The original span of normalised characters ``text[i:j]`` (``i < j``). Offsets grow along the text,
        except in an upside-down phrase, whose words are read in the reverse order (``ǝlɐs ɹoɟ``: ``for sale``)."""
        start, end = self.starts[i], self.ends[j - 1]
        if start >= end:  # a phrase read backwards: its first word read is the last written
            return min(start, self.starts[j - 1]), max(end, self.ends[i])
        return start, end


def _traced_sub(
    pattern: re.Pattern[str],
    replacement: Callable[[re.Match[str]], str] | str,
    text: str,
    starts: Offsets,
    ends: Offsets,
    changed: list[tuple[int, int]] | None = None,
    per_char: bool = True,
) -> tuple[str, Offsets, Offsets]:
    """``pattern.sub`` that carries the offsets along. With ``per_char`` a replacement as long as its match
    (leetspeak: one character for one) keeps each character's origin; any other replacement, and every one
    when ``per_char`` is off (placeholders, which may be as long as the match by chance), stands for the whole
    match."""
    pieces: list[str] = []
    new_starts: Offsets = []
    new_ends: Offsets = []
    pos = 0
    for match in pattern.finditer(text):
        a, b = match.span()
        if callable(replacement):
            out = replacement(match)
        elif "\\" in replacement:
            out = match.expand(replacement)
        else:
            out = replacement  # a literal: match.expand would parse it as a template on every match
        if out == match.group():
            continue
        if changed is not None:
            changed.append((starts[a], ends[b - 1]))
        pieces.append(text[pos:a])
        new_starts += starts[pos:a]
        new_ends += ends[pos:a]
        if per_char and len(out) == b - a:  # one character for one (leetspeak): each keeps its own origin
            new_starts += starts[a:b]
            new_ends += ends[a:b]
        else:  # every replacement character stands for the whole match
            new_starts += [starts[a]] * len(out)
            new_ends += [ends[b - 1]] * len(out)
        pieces.append(out)
        pos = b
    if not pieces:
        return text, starts, ends
    pieces.append(text[pos:])
    new_starts += starts[pos:]
    new_ends += ends[pos:]
    return "".join(pieces), new_starts, new_ends


def _traced_edits(text: str, starts: Offsets, ends: Offsets, edits: list[Edit]) -> tuple[str, Offsets, Offsets]:
    """:func:`_apply_edits` carrying the offsets along: each replacement stands for its whole span."""
    if not edits:
        return text, starts, ends
    new_starts: Offsets = []
    new_ends: Offsets = []
    pos = 0
    for a, b, out in edits:
        new_starts += starts[pos:a]
        new_ends += ends[pos:a]
        new_starts += [starts[a]] * len(out)
        new_ends += [ends[b - 1]] * len(out)
        pos = b
    new_starts += starts[pos:]
    new_ends += ends[pos:]
    return _apply_edits(text, edits), new_starts, new_ends


def _traced_phrases(
    text: str, starts: Offsets, ends: Offsets, phrases: list[tuple[int, int, list[FlipPiece]]]
) -> tuple[str, Offsets, Offsets]:
    """Upside-down phrases read the right way up, carrying the offsets along: each word read stands for the word
    it was written as (elsewhere in the phrase, since the order is reversed); gaps keep their characters'."""
    pieces: list[str] = []
    new_starts: Offsets = []
    new_ends: Offsets = []
    pos = 0
    for a, b, phrase in phrases:
        pieces.append(text[pos:a])
        new_starts += starts[pos:a]
        new_ends += ends[pos:a]
        for src_a, src_b, out, word in phrase:
            pieces.append(out)
            if word:
                new_starts += [starts[src_a]] * len(out)
                new_ends += [ends[src_b - 1]] * len(out)
            else:
                new_starts += starts[src_a:src_b]
                new_ends += ends[src_a:src_b]
        pos = b
    pieces.append(text[pos:])
    new_starts += starts[pos:]
    new_ends += ends[pos:]
    return "".join(pieces), new_starts, new_ends


# The whitespace runs that collapsing changes: two or more characters, or one that is not a plain space.
_WHITESPACE = re.compile(r"\s\s+|[^\S ]")


_DEOBFUSCATION_STEPS: tuple[Step, ...] = (
    (FLAG_JOIN, HINT_SPACED, _SPACED, _join_spaced, None),
    (FLAG_JOIN, HINT_MIXED, None, "", _mixed_edits),
    (FLAG_SPLIT, HINT_SPLIT, None, "", _split_edits),
    (FLAG_LEET, HINT_LEET, _LEET_TOKEN, _deleet, None),
    (FLAG_SQUEEZE, HINT_REPEAT, _REPEATS, r"\1", None),
    (FLAG_REVERSED, HINT_REVERSED, None, "", _reversed_edits),
)


def _traced_pass(text: str) -> TracedText:
    if text.isascii():
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:  # ASCII stretches keep their offsets; each non-ASCII character maps to its folded form
        pieces: list[str] = []
        starts, ends = [], []
        pos = 0
        for run in _NON_ASCII_RUN.finditer(text):
            a, b = run.span()
            pieces.append(text[pos:a])
            starts += range(pos, a)
            ends += range(pos + 1, a + 1)
            for i, folded in enumerate(fold_chars(text[a:b]), a):
                pieces.append(folded)
                starts += [i] * len(folded)
                ends += [i + 1] * len(folded)
            pos = b
        pieces.append(text[pos:])
        starts += range(pos, len(text))
        ends += range(pos + 1, len(text) + 1)
        text = "".join(pieces)
    text = _ASCII_CONTROL.sub(" ", text.lower())  # both keep the length (folded characters are lower-case)
    flags = 0
    edits: list[tuple[int, int, int]] = []
    if not text.isascii():
        phrases = _flipped_phrases(text)
        if phrases:
            flags = FLAG_UPSIDE_DOWN
            edits += [(FLAG_UPSIDE_DOWN, starts[a], ends[b - 1]) for a, b, _ in phrases]
            text, starts, ends = _traced_phrases(text, starts, ends, phrases)
    for pattern in _fast_placeholder_steps(text):
        if pattern is _CODE and not _may_hold_code(text):
            continue  # (no match: the sub would change nothing)
        text, starts, ends = _traced_sub(pattern, _placeholder, text, starts, ends, per_char=False)
    if " ".join(text.split()) != text:  # else every whitespace run is already one inner space
        text, starts, ends = _traced_sub(_WHITESPACE, " ", text, starts, ends)
    if text.startswith(" "):
        text, starts, ends = text[1:], starts[1:], ends[1:]
    if text.endswith(" "):
        text, starts, ends = text[:-1], starts[:-1], ends[:-1]
    hints = _hints(text)  # (the fast pass's guards: a step runs only where it can change the text)
    for flag, hint, regex, replacement, finder in _DEOBFUSCATION_STEPS:
        if not hints & hint:
            continue
        changed: list[tuple[int, int]] = []
        if regex is not None:
            text, starts, ends = _traced_sub(regex, replacement, text, starts, ends, changed)
        elif finder is not None:
            found = finder(text)
            changed = [(starts[a], ends[b - 1]) for a, b, _ in found]
            text, starts, ends = _traced_edits(text, starts, ends, found)
        if changed:
            flags |= flag
            edits += [(flag, a, b) for a, b in changed]
            hints = _hints(text)
    return TracedText(text, starts, ends, flags, tuple(edits))


def normalize_with_offsets(text: object) -> TracedText:
    """``normalize_text`` with a map from output characters back to ``text`` (see :class:`TracedText`).

    Slower than :func:`normalize_text` (a Python loop per non-ASCII character); used for evidence spans.
    """
    traced = _traced_pass(as_text(text)[:MAX_CHARS])
    if not traced.flags:
        return traced
    out, starts, ends, flags, edits = traced.text, traced.starts, traced.ends, traced.flags, list(traced.edits)
    for _ in range(8):
        if _one_pass(out)[0] == out:  # (the fast pass computes the same text without offsets: a fixed point)
            break
        again = _traced_pass(out)
        edits += [(flag, starts[a], ends[b - 1]) for flag, a, b in again.edits]
        starts = [starts[k] for k in again.starts]
        ends = [ends[k - 1] for k in again.ends]
        out = again.text
        flags |= again.flags
    return TracedText(out, starts, ends, flags, tuple(edits))
