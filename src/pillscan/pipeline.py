"""The scikit-learn side of the model: the transformers, the untrained pipeline, and fitting the word stage.

Only training, evaluation and tools that need the fitted pipeline import this module (and scikit-learn):
scoring and scanning run on the numeric form of a trained model (:class:`pillscan.fastlinear.LinearModel`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from pillscan.fastlinear import LinearModel, NgramScorer
from pillscan.features import WORD_TFIDF, WordStage, as_texts
from pillscan.intent import FEATURE_NAMES as INTENT_FEATURE_NAMES
from pillscan.intent import intent_features, pill_evidence
from pillscan.normalize import normalize_many
from pillscan.signals import normalize_and_count, signal_counts, signal_feature_names

__all__ = [
    "IntentFeaturizer",
    "SignalFeaturizer",
    "TextNormalizer",
    "build_pipeline",
    "fit_word_stage",
    "linear_model_of",
]


# --- scikit-learn transformers --------------------------------------------------------------------------


class StatelessTextTransformer(TransformerMixin, BaseEstimator):
    """What pillscan's text transformers share: they take a sequence of strings and need no fit (their columns
    come from the lexicons), which they tell scikit-learn through their tags."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


class TextNormalizer(StatelessTextTransformer):
    """De-obfuscate texts with :func:`pillscan.normalize.normalize_text` (stateless)."""

    def fit(self, X: Iterable[str], y: Any = None) -> TextNormalizer:
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        return normalize_many(as_texts(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(["normalized_text"], dtype=object)


class SignalFeaturizer(StatelessTextTransformer):
    """Counts of interpretable signals per text (drugs, contact, payment, ...), squashed with log1p (stateless:
    the columns come from the lexicon, so it needs no fit)."""

    def fit(self, X: Iterable[str], y: Any = None) -> SignalFeaturizer:
        self.feature_names_ = _signal_names()
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        counts = signal_counts(as_texts(X))
        matrix = sp.csr_matrix(counts, dtype=np.float64)
        matrix.data = np.log1p(matrix.data)
        return matrix

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return _signal_names()


def _signal_names() -> np.ndarray:
    return np.asarray([f"signal:{n}" for n in signal_feature_names()], dtype=object)


class IntentFeaturizer(StatelessTextTransformer):
    """Supply, demand and framing cues and their conjunctions with pill evidence
    (:func:`pillscan.intent.intent_features`), so that a linear model can express *supply x pill - framing*
    (stateless: the columns come from the lexicon)."""

    def fit(self, X: Iterable[str], y: Any = None) -> IntentFeaturizer:
        self.feature_names_ = _intent_names()
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        normalized, counts = normalize_and_count(as_texts(X))
        return sp.csr_matrix(intent_features(normalized, pill_evidence(counts)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return _intent_names()


def _intent_names() -> np.ndarray:
    return np.asarray([f"intent:{n}" for n in INTENT_FEATURE_NAMES], dtype=object)


def build_pipeline(
    *,
    C: float = 1.0,
    char_ngrams: tuple[int, int] = (2, 5),
    signal_weight: float = 1.0,
    intent_weight: float | None = 1.0,
    seed: int = 0,
) -> Pipeline:
    """The untrained pipeline: normalised word 1-2 and char_wb n-gram TF-IDF, plus signal features and (unless
    ``intent_weight`` is None) supply/demand/framing cues crossed with pill evidence, into LR."""
    text_features = Pipeline(
        [
            ("normalize", TextNormalizer()),
            (
                "tfidf",
                FeatureUnion(
                    [
                        (
                            "word",
                            TfidfVectorizer(**WORD_TFIDF, dtype=np.float32),
                        ),
                        (
                            "char",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=char_ngrams,
                                min_df=3,
                                max_features=300_000,
                                sublinear_tf=True,
                                lowercase=False,
                                dtype=np.float32,
                            ),
                        ),
                    ]
                ),
            ),
        ]
    )
    intent_block = [("intent", IntentFeaturizer())] if intent_weight is not None else []
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [("text", text_features), ("signals", SignalFeaturizer()), *intent_block],
                    transformer_weights={
                        "text": 1.0,
                        "signals": signal_weight,
                        **({"intent": intent_weight} if intent_weight is not None else {}),
                    },
                ),
            ),
            (
                "clf",
                LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear"),
            ),
        ]
    )


def fit_word_stage(
    normalized: Sequence[str],
    counts: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = 1.0,
    sample_weight: np.ndarray | None = None,
) -> WordStage:
    """Fit stage two on normalised training texts, their signal counts and labels (``cut`` is set by the caller);
    ``sample_weight``: per-row weights (a team's own labelled rows weigh more than generated ones)."""
    vectorizer = TfidfVectorizer(**WORD_TFIDF, dtype=np.float64)
    words = vectorizer.fit_transform(list(normalized))
    signals = sp.csr_matrix(np.log1p(np.asarray(counts, dtype=np.float64)))
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")
    clf.fit(sp.hstack([words, signals], format="csr"), labels, sample_weight=sample_weight)
    coef = clf.coef_[0]
    n_words = words.shape[1]
    idf = vectorizer.idf_
    terms = {term: (float(idf[j]), float(coef[j])) for term, j in vectorizer.vocabulary_.items()}
    return WordStage(terms=terms, signal_coef=coef[n_words:].astype(np.float64), intercept=float(clf.intercept_[0]))


def linear_model_of(pipeline: Pipeline) -> LinearModel:
    """The fitted pipeline's decision function in numeric form: one scorer per TF-IDF block, the signal
    coefficients and the intercept (equal to ``pipeline.decision_function`` to float32 precision)."""
    union: FeatureUnion = pipeline.named_steps["features"]
    parts = dict(union.transformer_list)
    weights = union.transformer_weights or {}
    clf = pipeline.named_steps["clf"]
    coef = np.asarray(clf.coef_[0], dtype=np.float64)
    text_weight = float(weights.get("text", 1.0))
    blocks: list[tuple[NgramScorer, float]] = []
    start = 0
    for _, vectorizer in parts["text"].named_steps["tfidf"].transformer_list:
        width = len(vectorizer.idf_)
        blocks.append((NgramScorer.from_vectorizer(vectorizer, coef[start : start + width]), text_weight))
        start += width
    n_signals = len(signal_feature_names())
    signal_coef = coef[start : start + n_signals] * float(weights.get("signals", 1.0))
    intent_coef = coef[start + n_signals :] * float(weights.get("intent", 1.0)) if "intent" in parts else None
    return LinearModel(blocks, signal_coef, float(clf.intercept_[0]), intent_coef)
