"""Words for people: which words of a post an explanation lists, and in what unit.

An explanation removes each word of the post in turn and measures how far the score falls (occlusion). Listed
are the words as the user wrote them, without the punctuation around them ("zelle," is listed as "zelle"), and
without stop words ("y", "the", "de"), which move a linear model's score only by accident. The number is the
change in the score's log-odds when the word is removed: +1.0 means the odds of "offer" are e (2.7) times higher
with the word than without it.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["EXPLAIN_UNIT", "STOP_WORDS", "display_word", "explanation_terms"]

EXPLAIN_UNIT = "change in log-odds of an offer when the word is removed"
_STOP_WORDS_TEXT = """
a an and are as at be been but by do for from had has have he her his i if in into is it its me my no not of on or
our she so that the their them then there these they this to too up us was we were what when which who will with
you your yours im i'm it's u ur
al con de del el en es la las le les lo los mi mis o para pero por que se si su sus te tu un una uno y ya
"""
#: English and Spanish function words (the languages pillscan generates); listed words never include these.
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
#: Stripped from both ends of a listed word (emoji, @handles, $prices and #tags keep their marks).
_EDGE_PUNCTUATION = "\"'`.,;:!?¡¿()[]{}<>«»“”‘’…-–—_*~/\\|"


def display_word(word: str) -> str:
    """The word as listed: punctuation stripped from its ends; ``""`` if nothing worth listing is left."""
    core = word.strip(_EDGE_PUNCTUATION)
    if not core or core.lower() in STOP_WORDS:
        return ""
    return core


def explanation_terms(
    words: Sequence[str], effects: Sequence[float], *, top: int = 8
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """``(raising, lowering)``: up to ``top`` listed words with the largest positive and negative effects (a
    word that occurs twice is listed once, with its larger effect)."""
    best: dict[str, float] = {}
    for word, effect in zip(words, effects, strict=True):
        shown = display_word(word)
        if shown and (shown not in best or abs(effect) > abs(best[shown])):
            best[shown] = round(float(effect), 3)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    raising = [t for t in ranked if t[1] > 0][:top]
    lowering = [t for t in reversed(ranked) if t[1] < 0][:top]
    return raising, lowering
