"""Keyword baselines that every pillscan model is measured against (benchmarks only, not for triage).

``names_a_pill``: flags any text naming a prescription-type pill (brand, generic, slang, misspelling).
``pill_and_sale_cue``: flags a text naming one AND carrying a sale cue (price, DM, ship, order, CashApp ...).
Both read the same lexicons as pillscan, on lower-cased text with no de-obfuscation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

from pillscan.lexicon import load_lexicon

__all__ = ["names_a_pill", "pill_and_sale_cue"]

_SALE_GROUPS = ("contact", "payment", "shipping", "sale", "no_prescription")


def _alternation(forms: set[str], extra: str = "") -> re.Pattern[str]:
    ordered = sorted((f.lower() for f in forms if f), key=len, reverse=True)
    words = r"(?<!\w)(?:" + "|".join(re.escape(f) for f in ordered) + r")(?!\w)"
    return re.compile(words + (f"|{extra}" if extra else ""))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    names = {form for drug in lex.in_scope_drugs for form in drug.names}
    cues = {form for group in _SALE_GROUPS for forms in lex.cues[group].values() for form in forms}
    cues |= {"online", "free", "save", "offer", "shop", "store", "pharmacy", "meds"}
    # Prices and quantities ("$20", "20 usd", "100x", "x 50", "90 pills") are sale cues too.
    price = r"\$\s?\d|\d\s?(?:usd\b|\$)|\b\d+\s?x\b|\bx\s?\d+\b|\b\d+\s?(?:pills|tabs|tablets|bars|pcs)\b"
    return _alternation(names), _alternation(cues, extra=price)


def names_a_pill(texts: Sequence[str]) -> np.ndarray:
    """Baseline 1: True where the text names a pill."""
    drug_re, _ = _patterns()
    return np.fromiter((bool(drug_re.search(t.lower())) for t in texts), dtype=bool, count=len(texts))


def pill_and_sale_cue(texts: Sequence[str]) -> np.ndarray:
    """Baseline 2: True where the text names a pill and carries a sale cue."""
    drug_re, cue_re = _patterns()
    out = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        low = text.lower()
        out[i] = bool(drug_re.search(low)) and bool(cue_re.search(low))
    return out
