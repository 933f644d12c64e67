"""NgramScorer must give what scikit-learn's TfidfVectorizer followed by a dot product gives."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from pillscan import fastlinear
from pillscan.fastlinear import NgramScorer

CORPUS = [
    "xanax bars 2mg dm me on snap",
    "got perc 30s and blues, hit my telegram",
    "a b c d e a a a",  # one-letter words: padded words shorter than the longest char n-gram
    "news: police seized fake pills pressed with fentanyl",
    "café envío rápido 💊 über straße",  # non-ASCII word characters
    "中文 字符 xanax 字符",
    "x_y under_score __ _",
    "same same same same words words",
    "",
    "   spaces\tand\nnewlines  \r\n everywhere ",
]
PROBES = [
    *CORPUS,
    "totally unseen tokens qqq zzz",
    "xanax xanax xanax xanax bars bars",
    "nul\x00inside a text",
    "\x00",
    "mixed ascii and ünïcödé xanax bars",
    "e",
    "",
]


def _vectorizer(analyzer: str, **kw: object) -> TfidfVectorizer:
    settings_ = {"ngram_range": (2, 5)} if analyzer == "char_wb" else {"ngram_range": (1, 2)}
    settings_.update(kw)  # type: ignore[arg-type]
    if analyzer == "word":
        settings_["token_pattern"] = r"(?u)\b\w+\b"
    return TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, lowercase=False, **settings_)


def _check(vectorizer: TfidfVectorizer, texts: list[str], seed: int = 0) -> None:
    coef = np.random.default_rng(seed).normal(size=len(vectorizer.idf_))
    scorer = NgramScorer.from_vectorizer(vectorizer, coef)
    expected = np.asarray(vectorizer.transform(texts) @ coef, dtype=np.float64)
    np.testing.assert_allclose(scorer(texts), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_equals_sklearn_on_tricky_texts(analyzer: str) -> None:
    vectorizer = _vectorizer(analyzer).fit(CORPUS)
    _check(vectorizer, PROBES)
    _check(vectorizer, PROBES[::-1], seed=1)  # order and chunk composition do not matter
    for text in PROBES:  # nor does scoring one text at a time
        _check(vectorizer, [text], seed=2)


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_chunks_too_big_for_int32_keys_score_the_same(analyzer: str) -> None:
    # Counting sorts (text, n-gram) keys in int32 when a chunk's texts x columns fit, else in int64: a chunk past
    # that bound (columns padded beyond the vocabulary) scores each text exactly as small chunks do.
    vectorizer = _vectorizer(analyzer).fit(CORPUS)
    columns = 2**21
    rng = np.random.default_rng(3)
    idf, coef = np.ones(columns), rng.normal(size=columns)
    idf[: len(vectorizer.idf_)] = vectorizer.idf_
    scorer = NgramScorer(analyzer, dict(vectorizer.vocabulary_), idf, coef, vectorizer.ngram_range)
    texts = [PROBES[i % len(PROBES)] for i in range(1100)]
    assert len(texts) * columns >= 2**31
    big = scorer(texts)
    small = np.concatenate([scorer(texts[i : i + 100]) for i in range(0, len(texts), 100)])
    assert np.array_equal(big, small)
    assert np.count_nonzero(big) > 500


def test_word_unigrams_only_and_bigrams_whose_words_are_not_terms() -> None:
    _check(_vectorizer("word", ngram_range=(1, 1)).fit(CORPUS), PROBES)
    # A fixed vocabulary can hold a pair of words neither of which is a term on its own.
    vectorizer = _vectorizer("word", vocabulary=["xanax bars", "dm", "bars 2mg", "same same"]).fit(CORPUS)
    _check(vectorizer, PROBES)


def test_char_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastlinear, "CACHE_LIMIT", 3)
    vectorizer = _vectorizer("char_wb").fit(CORPUS)
    scorer = NgramScorer.from_vectorizer(vectorizer, np.ones(len(vectorizer.idf_)))
    scorer(PROBES)
    assert scorer._chars is not None and len(scorer._chars) <= 4  # three words and the separator
    _check(vectorizer, PROBES)


def test_pickles_without_its_cache() -> None:
    vectorizer = _vectorizer("char_wb").fit(CORPUS)
    scorer = NgramScorer.from_vectorizer(vectorizer, np.ones(len(vectorizer.idf_)))
    before = scorer(PROBES)
    assert scorer._chars is not None and len(scorer._chars) > 0
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy._chars is not None and len(copy._chars) == 1  # the separator only
    np.testing.assert_array_equal(copy(PROBES), before)


def test_refuses_settings_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="sublinear_tf"):
        NgramScorer.from_vectorizer(TfidfVectorizer(lowercase=False).fit(CORPUS), np.ones(1))
    with pytest.raises(ValueError, match="lowercase"):
        NgramScorer.from_vectorizer(TfidfVectorizer(sublinear_tf=True).fit(CORPUS), np.ones(1))
    with pytest.raises(ValueError, match="n-grams"):
        NgramScorer.from_vectorizer(_vectorizer("word", ngram_range=(1, 3)).fit(CORPUS), np.ones(1))


_ALPHABET = st.sampled_from([*list("abcxyz019_ .,!\t\n\x00éü中💊@$"), "xanax", "bars", " dm "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_ALPHABET, max_size=25).map("".join), min_size=1, max_size=8))
def test_equals_sklearn_on_random_texts(texts: list[str]) -> None:
    fit_on = [*CORPUS, "a b c x y z 0 1 9 _ é ü 中 xanax bars dm", "ab bc xa an na ax ba ar rs"]
    for analyzer in ("word", "char_wb"):
        _check(_vectorizer(analyzer, ngram_range=(1, 2) if analyzer == "word" else (1, 4)).fit(fit_on), texts)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 2**40), st.integers(0, 10**6), max_size=300), st.lists(st.integers(0, 2**40)))
def test_int_map_finds_every_key_and_only_those(mapping: dict[int, int], probes: list[int]) -> None:
    from pillscan.fastlinear import IntMap

    table = IntMap(np.array(list(mapping), dtype=np.int64), np.array(list(mapping.values()), dtype=np.int64))
    keys = np.array([*mapping, *probes], dtype=np.int64)
    assert table.get(keys).tolist() == [mapping.get(k, -1) for k in keys.tolist()]
    assert len(table) == len(mapping)


def test_int_map_refuses_repeated_or_negative_keys() -> None:
    from pillscan.fastlinear import IntMap

    with pytest.raises(ValueError, match="distinct"):
        IntMap(np.array([3, 3]), np.array([1, 2]))
    with pytest.raises(ValueError, match="non-negative"):
        IntMap(np.array([-1]), np.array([1]))


@pytest.mark.parametrize(
    "vectorizer",
    [
        _vectorizer("word").fit(CORPUS),
        _vectorizer("char_wb").fit(CORPUS),
        _vectorizer("word", vocabulary=["xanax bars", "dm", "bars 2mg", "same same"]).fit(CORPUS),
    ],
)
def test_vocabulary_round_trips(vectorizer: TfidfVectorizer) -> None:
    scorer = NgramScorer.from_vectorizer(vectorizer, np.ones(len(vectorizer.idf_)))
    assert scorer.vocabulary() == {term: int(j) for term, j in vectorizer.vocabulary_.items()}
    copy = pickle.loads(pickle.dumps(scorer))
    np.testing.assert_array_equal(copy(PROBES), scorer(PROBES))
