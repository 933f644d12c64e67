"""Noise and evasion at levels 0-3: typos, leetspeak, spaced/dotted letters, homoglyphs, fullwidth letters,
zero-width characters, emoji in place of words.

Applied to both labels alike (negatives get obfuscated too), so obfuscation alone is never a label cue.
Key words (the drug names a post used) are hit harder than ordinary words, as evaders do.
"""

from __future__ import annotations

import random
import re

LEVELS = (0, 1, 2, 3)

_LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1", "g": "9", "b": "8"}
_HOMO = {
    "a": "аα",
    "c": "с",
    "e": "еε",
    "i": "іι",
    "o": "оο",
    "p": "рρ",
    "s": "ѕ",
    "x": "хχ",
    "y": "уγ",
    "k": "κ",
    "n": "η",
    "v": "ν",
    "A": "АΑ",
    "B": "ВΒ",
    "E": "ЕΕ",
    "M": "МΜ",
    "O": "ОΟ",
    "P": "РΡ",
    "X": "ХΧ",
    "T": "ТΤ",
}
_ZW = ("\u200b", "\u200c", "\u200d", "\u2060")
_SEPS = (" ", ".", "-", "*", "_", "•", " ", "/")
_EMOJI_FOR = {
    "pills": "💊",
    "pill": "💊",
    "money": "💰",
    "cash": "💵",
    "plug": "🔌",
    "fire": "🔥",
    "ship": "📦",
    "shipping": "📦",
    "delivery": "🚚",
    "phone": "📱",
    "text": "📲",
    "snap": "👻",
    "school": "🏫",
    "study": "📚",
    "sleep": "😴",
    "love": "❤️",
    "heart": "❤️",
    "party": "🎉",
    "blue": "🔵",
    "hot": "🔥",
    "mail": "📬",
    "new": "🆕",
}
_TOKEN = re.compile(r"(\s+)")
_VOWELS = "aeiou"


def _typo(w: str, rng: random.Random) -> str:
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 1)
    r = rng.random()
    if r < 0.3:
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    if r < 0.55:
        return w[:i] + w[i + 1 :]
    if r < 0.8:
        return w[:i] + w[i] + w[i:]
    c = w[i].lower()
    if c in _VOWELS:
        return w[:i] + rng.choice(_VOWELS) + w[i + 1 :]
    return w[:i] + w[i] * 2 + w[i + 1 :]


def _leet(w: str, rng: random.Random, p: float) -> str:
    out = []
    for ch in w:
        sub = _LEET.get(ch.lower())
        out.append(rng.choice(sub) if sub and rng.random() < p else ch)
    return "".join(out)


def _homoglyph(w: str, rng: random.Random, p: float) -> str:
    out = []
    for ch in w:
        sub = _HOMO.get(ch)
        out.append(rng.choice(sub) if sub and rng.random() < p else ch)
    return "".join(out)


def _fullwidth(w: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)


def _spaced(w: str, rng: random.Random) -> str:
    sep = rng.choice(_SEPS)
    return sep.join(w)


def _zero_width(w: str, rng: random.Random) -> str:
    if len(w) < 2:
        return w
    i = rng.randrange(1, len(w))
    return w[:i] + rng.choice(_ZW) + w[i:]


def _break(w: str, rng: random.Random) -> str:
    """Break a word with one inserted symbol or a doubled vowel: ``x*anax``, ``cheaap``."""
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 1)
    if rng.random() < 0.5:
        return w[:i] + rng.choice(("*", ".", "-", "'", "_", " ", "^")) + w[i:]
    for j, ch in enumerate(w):
        if ch in _VOWELS and j > 0:
            return w[: j + 1] + ch + w[j + 1 :]
    return w + w[-1]


def _heavy(w: str, rng: random.Random, level: int, tactics: set[str]) -> str:
    """One evasion technique on a key word; the menu widens with the level."""
    r = rng.random()
    if level == 1:
        if r < 0.5:
            tactics.add("typo")
            return _typo(w, rng)
        tactics.add("leet")
        return _leet(w, rng, 0.35)
    choices = ["leet", "spaced", "break", "typo"]
    if level >= 3:
        choices += ["homoglyph", "fullwidth", "zero_width", "homoglyph", "spaced"]
    t = rng.choice(choices)
    tactics.add(t)
    if t == "leet":
        return _leet(w, rng, 0.6)
    if t == "spaced":
        return _spaced(w, rng)
    if t == "break":
        return _break(w, rng)
    if t == "typo":
        return _typo(w, rng)
    if t == "homoglyph":
        return _homoglyph(w, rng, 0.6)
    if t == "fullwidth":
        return _fullwidth(w)
    return _zero_width(w, rng)


# (key-word probability, other-word probability, emoji-substitution probability)
_RATES = {1: (0.3, 0.03, 0.0), 2: (0.6, 0.06, 0.25), 3: (0.9, 0.14, 0.4)}


def obfuscate(text: str, level: int, rng: random.Random, keywords: set[str]) -> tuple[str, set[str]]:
    """Apply noise of ``level`` (0-3) to ``text``; ``keywords`` are lower-case words to hit harder.

    Returns the new text and the set of tactics used. Level 3 always changes at least one word.
    """
    tactics: set[str] = set()
    if level <= 0 or not text:
        return text, tactics
    p_key, p_other, p_emoji = _RATES[min(level, 3)]
    tokens = _TOKEN.split(text)
    changed = False
    for i in range(0, len(tokens), 2):
        w = tokens[i]
        if not w or not any(c.isalpha() for c in w):
            continue
        low = w.lower()
        new = w
        if low in _EMOJI_FOR and rng.random() < p_emoji:
            new = _EMOJI_FOR[low]
            tactics.add("emoji_sub")
        elif low.strip(".,!?:;") in keywords:
            if rng.random() < p_key:
                new = _heavy(w, rng, level, tactics)
        elif rng.random() < p_other:
            if level >= 3 and rng.random() < 0.5:
                new = rng.choice((_homoglyph(w, rng, 0.5), _zero_width(w, rng), _leet(w, rng, 0.5)))
                tactics.add("homoglyph_other")
            else:
                new = _typo(w, rng)
                tactics.add("typo")
        if new != w:
            tokens[i] = new
            changed = True
    if level >= 3 and not changed:
        idx = [i for i in range(0, len(tokens), 2) if len(tokens[i]) > 1 and any(c.isalpha() for c in tokens[i])]
        if idx:
            i = rng.choice(idx)
            tokens[i] = _homoglyph(tokens[i], rng, 1.0) if rng.random() < 0.5 else _zero_width(tokens[i], rng)
            tactics.add("homoglyph")
    if level >= 2 and rng.random() < 0.15:
        tactics.add("case_noise")
        return "".join(tokens).swapcase() if rng.random() < 0.3 else "".join(tokens).upper(), tactics
    return "".join(tokens), tactics
