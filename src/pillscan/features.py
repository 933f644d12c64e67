"""What training and scoring share about the features, so that neither imports the other.

``pipeline.py`` (scikit-learn, training) and ``model.py`` (NumPy-only scoring) both build on these: the word
n-gram settings, how inputs are coerced to text, which signal columns count as drug evidence, and the cascade's
word stage (fitted by ``pipeline.fit_word_stage``, scored by ``model.Model``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pillscan.fastlinear import NgramScorer
from pillscan.signals import signal_feature_names

__all__ = ["EVIDENCE_NAMES", "WORD_TFIDF", "WordStage", "as_texts", "evidence_mask"]

#: The word n-gram features: one definition for the full pipeline and the cascade's word stage, whose
#: plain-Python scorer mirrors exactly this tokenisation (see WordStage).
WORD_TFIDF: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "min_df": 2,
    "max_features": 200_000,
    "sublinear_tf": True,
    "token_pattern": r"(?u)\b\w+\b",
    "lowercase": False,
}

#: Columns of signal_counts that count as drug evidence for the cascade (emoji codes include 💊 and 🔌).
EVIDENCE_NAMES = ("drug", "imprint", "dose", "slang_ambiguous", "no_prescription", "emoji")
_EVIDENCE_COLUMNS = [signal_feature_names().index(name) for name in EVIDENCE_NAMES]


def as_texts(X: Iterable[Any]) -> list[str]:
    """Inputs as a list of strings: ``None`` becomes ``""``, anything else that is not a string ``str(x)``.

    A bare string (or bytes) is refused: iterating it would score each character as a post of its own.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(f"expected a list of texts, got one {type(X).__name__}; wrap it in a list: [text]")
    return [x if isinstance(x, str) else ("" if x is None else str(x)) for x in X]


def evidence_mask(counts: np.ndarray) -> np.ndarray:
    """True for rows of :func:`pillscan.signals.signal_counts` with any drug evidence (the cascade's test)."""
    return np.asarray(counts)[:, _EVIDENCE_COLUMNS].sum(axis=1) > 0


@dataclass
class WordStage:
    """Stage two of the cascade: word 1-2 TF-IDF plus log1p signal counts into a linear model, scored by
    :class:`pillscan.fastlinear.NgramScorer` (a few µs per post, several times cheaper than scikit-learn's
    vectorizer and far cheaper than the character n-grams it spares).

    ``terms`` maps each vocabulary term to ``(idf, coefficient)``; the score of a text is that of
    ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, norm="l2", lowercase=False)`` (with the same
    vocabulary and idf) followed by the linear model (:func:`pillscan.pipeline.fit_word_stage` builds one, a test
    checks the two agree). A candidate whose score is below ``cut`` is cleared with ``cleared_raw``.
    """

    terms: dict[str, tuple[float, float]]
    signal_coef: np.ndarray
    intercept: float
    cut: float = -math.inf
    cleared_raw: float = 0.0

    def raw(self, normalized: Sequence[str], counts: np.ndarray) -> np.ndarray:
        """Stage-two scores of normalised texts with their :func:`pillscan.signals.signal_counts` rows."""
        scorer = self.__dict__.get("_scorer")
        if scorer is None:
            terms = list(self.terms.items())
            scorer = NgramScorer(
                "word",
                {term: j for j, (term, _) in enumerate(terms)},
                np.array([idf for _, (idf, _) in terms]),
                np.array([coef for _, (_, coef) in terms]),
                WORD_TFIDF["ngram_range"],
            )
            self.__dict__["_scorer"] = scorer
        text_part = scorer(normalized)
        signal_part = np.log1p(np.asarray(counts, dtype=np.float64)) @ self.signal_coef
        return text_part + signal_part + self.intercept

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_scorer"}  # rebuilt on first use

    def passes(self, normalized: Sequence[str], counts: np.ndarray) -> np.ndarray:
        """True for the texts that go on to the full model."""
        return self.raw(normalized, counts) >= self.cut


# Bundles written before this module existed pickled the word stage as ``pillscan.model.WordStage``; pickling it
# under that name keeps every bundle readable both ways and a retrained model's bytes the same as before the move
# (pillscan.model re-exports the class, so unpickling finds it there).
WordStage.__module__ = "pillscan.model"
