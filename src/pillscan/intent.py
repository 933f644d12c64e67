"""Who is speaking and why: supply, demand, report, warning, first-person use and joke cues in normalised text.

An offer is *supply x pill - framing* (design.md section 1): the same pill name is an offer in "got percs if
anyone needs", a request in "anyone got percs?", a report in "police say he was selling percs" and a warning in
"fake percs are killing kids". The n-gram model is additive and cannot express that conjunction; these counts,
crossed with pill evidence by :func:`intent_features`, give the linear model the conjunction as features of its own
(:class:`pillscan.pipeline.IntentFeaturizer`).

Phrases live in ``lexicons/intent.json`` and are matched on the word view of normalised text, whole words,
leftmost-longest and without overlap, so ``if anyone needs`` counts once as supply and not also as the demand
word ``need``. One Aho-Corasick pass per text (a few microseconds).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import ahocorasick
import numpy as np

from pillscan.normalize import normalize_text
from pillscan.signals import has_ascii_digit, signal_feature_names

__all__ = [
    "FEATURE_NAMES",
    "INTENT_FEATURES",
    "INTENT_GROUPS",
    "cue_reasons",
    "intent_counts",
    "intent_cues",
    "intent_features",
    "pill_evidence",
    "supply_evidence",
]

#: The cue groups of ``lexicons/intent.json``, in column order.
INTENT_GROUPS: tuple[str, ...] = ("supply", "demand", "report", "warning", "personal", "joke")
#: Columns of :func:`intent_counts`: one per group, then ``deal`` (a price said as "3 for 80" / "2 x 50").
INTENT_FEATURES: tuple[str, ...] = (*INTENT_GROUPS, "deal")
#: Phrases that count in no group but hold their words, longest match first, so that they count nowhere else: a
#: seller's "you need" / "no need for a script" is no request for pills.
NEUTRAL_GROUP = "neutral"

_NON_WORD = re.compile(r"[^a-z0-9_]+")
# A count for a price, with or without a currency: "1 for 30", "3 for 80", "5 for pricetoken", "2x50", "25 for the
# 30s", "5+ pricetoken" / "10+ 4 each", "1k count", "minimum 10", and a menu of tiers one a line ("1 - 10" / "3 - 25":
# line breaks are spaces after normalisation, so two tiers in a row make one match); and a discount ("70% off",
# "70%-off", "50 % descuento", "80 % savings") and a price in cents without a currency ("225.00", "29.99": spam
# mangles the sign away, tokenised mail writes "225 . 00") as spam writes its offers. The count's digits are
# matched once, before the alternatives (the regex runs on every text with a digit: factored, it costs about what
# the two-shape regex did).
# Written with its first character (a digit, or the "m" of "min") first and the look-behind after it, so that the
# regex engine skips to those characters instead of trying every position; it matches exactly what
#   (?<![a-z0-9.])(?:\d{1,3}(?:FOR|TIERS|EACH|k count|CENTS)|(?:minimum|min) \d{1,3}|\d{1,2} ?% ?(?:- ?)?(?:off|...))
#   (?![a-z0-9])
# matches, in the same order (tests/test_intent.py checks the two against each other).
_TIER_PRICE = r" ?(?:-|=|:|emoji_black_rightwards_arrow) ?(?:\d{2,4}|pricetoken)"
_DEAL = re.compile(
    r"[\dm](?<![a-z0-9.][\dm])(?:(?<=\d)(?:\d{0,2}(?: ?(?:for|x|por|pa) ?(?:\d{2,4}|pricetoken|the \d{1,2}s)"
    rf"|{_TIER_PRICE}(?: ?[,|]? \d{{1,3}}{_TIER_PRICE})+"
    r"| ?\+ ?(?:pricetoken|\d{1,3} ?(?:each|ea))|k count| ?\. ?(?:00|95|99)(?! ?(?:mg|mcg|ml|am|pm)(?![a-z0-9])))"
    r"|\d? ?% ?(?:- ?)?(?:off|discount|descuento|savings?))"
    r"|(?<=m)in(?:imum)? \d{1,3})(?![a-z0-9])"
)


@cache
def _phrases() -> dict[str, tuple[str, ...]]:
    raw = json.loads(resources.files("pillscan").joinpath("lexicons/intent.json").read_text(encoding="utf-8"))
    return {group: tuple(raw[group]) for group in (*INTENT_GROUPS, NEUTRAL_GROUP)}


# Every byte but [a-z0-9_] a space: the word view of ASCII text by one table look-up (nearly all normalised text).
_VIEW_TABLE = bytes([c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_" else 32 for c in range(256)])


def _view(norm: str) -> str:
    """Words of ``norm`` joined by two spaces and padded by one: a key `` w1  w2 `` then matches whole words,
    and two neighbouring phrases do not compete for the one space between them."""
    words = norm.encode("ascii").translate(_VIEW_TABLE).split() if norm.isascii() else None
    if words is not None:
        return " " + b"  ".join(words).decode("ascii") + " "
    return " " + "  ".join(_NON_WORD.sub(" ", norm).split()) + " "


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    # Neutral phrases get column -1: matched (so their words count nowhere else), then skipped.
    for column, group in [*enumerate(INTENT_GROUPS), (-1, NEUTRAL_GROUP)]:
        for phrase in _phrases()[group]:
            words = _NON_WORD.sub(" ", phrase.lower()).split()
            if words:
                automaton.add_word(" " + "  ".join(words) + " ", (column, phrase))
    automaton.make_automaton()
    return automaton


#: Cues that name a standard when a number of four digits or more follows: "iso" is not "in search of" in e-mail
#: header residue ("charset = iso-8859-7") or "iso 9001"; a buyer's "iso 2 bars" still asks.
_STANDARD_NAMES = frozenset({"iso"})


def _cue_matches(view: str) -> list[tuple[int, str]]:
    """``(column, phrase)`` of the cues in a word view (:func:`_view`), longest match first, without the neutral
    phrases (column -1: matched only so that their words count nowhere else) and standards' names."""
    found = []
    for end, (column, phrase) in _automaton().iter_long(view):
        if column < 0:
            continue
        if phrase in _STANDARD_NAMES:
            code = view[end + 2 : end + 6]  # (the key ends with a space; the next word starts after a second one)
            if len(code) == 4 and code.isdigit():
                continue
        found.append((column, phrase))
    return found


def intent_counts(normalized: Sequence[str]) -> np.ndarray:
    """Counts of each cue group (columns :data:`INTENT_FEATURES`) in already normalised texts (float32)."""
    width = len(INTENT_FEATURES)
    deal = len(INTENT_GROUPS)
    flat = [0.0] * (len(normalized) * width)
    for i, norm in enumerate(normalized):
        base = i * width
        for column, _phrase in _cue_matches(_view(norm)):
            flat[base + column] += 1.0
        if has_ascii_digit(norm):
            flat[base + deal] = float(len(_DEAL.findall(norm)))
    return np.array(flat, dtype=np.float32).reshape(len(normalized), width)


def intent_cues(normalized: str) -> list[tuple[str, str]]:
    """The cues found in one normalised text, as ``(group, phrase)`` in text order (for explanations)."""
    found = [(INTENT_GROUPS[column], phrase) for column, phrase in _cue_matches(_view(normalized))]
    found += [("supply", match.group(0)) for match in _DEAL.finditer(normalized)]
    return found


#: Columns of :func:`intent_features`: log1p of each cue count, then the conjunctions with pill evidence.
CONJUNCTIONS: tuple[str, ...] = ("pill_x_supply", "pill_x_demand", "pill_x_framing", "pill_x_supply_only")
FEATURE_NAMES: tuple[str, ...] = (*INTENT_FEATURES, *CONJUNCTIONS)
_SUPPLY, _DEMAND, _DEAL_COL = INTENT_FEATURES.index("supply"), INTENT_FEATURES.index("demand"), len(INTENT_GROUPS)
_FRAMING = [INTENT_FEATURES.index(group) for group in ("report", "warning", "personal", "joke")]


def intent_features(normalized: Sequence[str], pill: np.ndarray) -> np.ndarray:
    """Model features of normalised texts (columns :data:`FEATURE_NAMES`, float64): log1p of the cue counts,
    and 0/1 conjunctions of pill evidence (``pill``: True where the text names or codes an in-scope pill) with
    supply, with demand, with framing (report, warning, first-person use, joke), and with supply alone (no
    demand, no framing): the shape of an offer that an additive model of the counts cannot express."""
    counts = intent_counts(normalized).astype(np.float64)
    pill = np.asarray(pill, dtype=bool)
    supply = (counts[:, _SUPPLY] + counts[:, _DEAL_COL]) > 0
    demand = counts[:, _DEMAND] > 0
    framing = counts[:, _FRAMING].sum(axis=1) > 0
    crossed = np.column_stack([pill & supply, pill & demand, pill & framing, pill & supply & ~demand & ~framing])
    return np.hstack([np.log1p(counts), crossed.astype(np.float64)])


_PILL_COLUMNS = [signal_feature_names().index(name) for name in ("drug_in_scope", "imprint")]


def pill_evidence(counts: np.ndarray) -> np.ndarray:
    """True for rows of :func:`pillscan.signals.signal_counts` that name an in-scope pill or an imprint code
    (ambiguous slang counts there only when other evidence backs it)."""
    return np.asarray(counts)[:, _PILL_COLUMNS].sum(axis=1) > 0


_CUE_LABEL = {"personal": "first-person use", "deal": "supply"}


def cue_reasons(text: str, *, limit: int = 4, normalized: str | None = None) -> tuple[str, ...]:
    """Readable reasons for the cues in a raw text (``supply cue ("if anyone needs")``), at most ``limit``,
    each phrase once: why an explanation says who is speaking. ``normalized``: ``normalize_text(text)`` when the
    caller has it already."""
    seen: set[tuple[str, str]] = set()
    reasons: list[str] = []
    for group, phrase in intent_cues(normalize_text(text) if normalized is None else normalized):
        if (group, phrase) not in seen and len(reasons) < limit:
            seen.add((group, phrase))
            reasons.append(f'{_CUE_LABEL.get(group, group)} cue ("{phrase}")')
    return tuple(reasons)


_SALE_COLUMNS = [signal_feature_names().index(name) for name in ("contact", "payment", "price", "shipping")]


def supply_evidence(normalized: Sequence[str], counts: np.ndarray) -> np.ndarray:
    """True for texts with a supply cue, a deal ("3 for 80") or a sale signal (contact, payment, price,
    shipping) in their :func:`pillscan.signals.signal_counts` row. Not the generic ``sale`` signal: it fires
    on "buy", which asks as often as it sells."""
    if not len(normalized):
        return np.zeros(0, dtype=bool)
    out = np.asarray(counts)[:, _SALE_COLUMNS].sum(axis=1) > 0
    rest = np.flatnonzero(~out).tolist()  # (the cues are counted only where no sale signal decided it already)
    if rest:
        cues = intent_counts([normalized[i] for i in rest])
        out[rest] = cues[:, _SUPPLY] + cues[:, _DEAL_COL] > 0
    return out
