"""The scoring cascade: the word stage scores as its scikit-learn equivalent, clears only what it should, and
round-trips through a model bundle; bundles without it still load and score."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from pillscan.generate import generate_corpus
from pillscan.intent import pill_evidence, supply_evidence
from pillscan.model import MEDIUM_CHARS, Model, WordStage, load_model, save_model
from pillscan.pipeline import build_pipeline, fit_word_stage
from pillscan.signals import normalize_and_count


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray]:
    df = generate_corpus(1500, seed=11)
    return df["text"].tolist(), df["label"].to_numpy(dtype=int)


@pytest.fixture(scope="module")
def cascaded(corpus: tuple[list[str], np.ndarray]) -> Model:
    texts, labels = corpus
    pipeline = build_pipeline().fit(texts, labels)
    normalized, counts = normalize_and_count(texts)
    stage = fit_word_stage(normalized, counts, labels)
    stage.cut = float(np.median(stage.raw(normalized, counts)))
    stage.cleared_raw = -7.5
    return Model(pipeline, (1.0, 0.0), {"offer": 0.5, "review": 0.25}, {}, cleared_raw=-6.0, word_stage=stage)


def test_word_stage_equals_tfidf_and_linear_model(corpus: tuple[list[str], np.ndarray]) -> None:
    texts, labels = corpus
    normalized, counts = normalize_and_count(texts)
    stage = fit_word_stage(normalized[:1000], counts[:1000], labels[:1000])
    # The same vectorizer refitted on the same texts: its vocabulary and idf are the stage's.
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b", lowercase=False, dtype=np.float64,
    ).fit(normalized[:1000])  # fmt: skip
    assert set(vectorizer.vocabulary_) == set(stage.terms)
    coef = np.zeros(len(vectorizer.vocabulary_))
    for term, j in vectorizer.vocabulary_.items():
        assert stage.terms[term][0] == pytest.approx(vectorizer.idf_[j])
        coef[j] = stage.terms[term][1]
    # Unseen texts, with repeated words (sublinear tf), unknown words and empty text.
    probe = [*normalized[1000:], "", "xanax xanax xanax dm me", "zzqx unseenword"]
    probe_counts = np.vstack([counts[1000:], normalize_and_count(probe[-3:])[1]])
    expected = (
        vectorizer.transform(probe) @ coef
        + np.log1p(probe_counts.astype(np.float64)) @ stage.signal_coef
        + stage.intercept
    )
    np.testing.assert_allclose(stage.raw(probe, probe_counts), expected, rtol=1e-9, atol=1e-9)
    assert sp.issparse(vectorizer.transform(probe))


def test_cascade_passes_survivors_unchanged_and_clears_the_rest(
    cascaded: Model, corpus: tuple[list[str], np.ndarray]
) -> None:
    # Long texts are scored in windows, medium ones with pill and supply evidence in narrow pieces too.
    texts = [t for t in corpus[0][:500] if len(t) <= MEDIUM_CHARS]
    full = cascaded.decision_function(texts, cascade=False)
    # The pipeline computes TF-IDF in float32, pillscan's scorer in float64: equal to float32 precision.
    np.testing.assert_allclose(full, cascaded.pipeline.decision_function(texts), rtol=0, atol=1e-5)
    fast = cascaded.decision_function(texts)
    assert cascaded.word_stage is not None
    normalized, counts = normalize_and_count(texts)
    passed = cascaded.word_stage.passes(normalized, counts)
    # ... and a post naming a pill with a supply cue reaches the full model whatever the word stage says.
    rescued = ~passed & pill_evidence(counts) & supply_evidence(normalized, counts)
    survive = passed | rescued
    assert 0 < survive.sum() < len(texts)
    np.testing.assert_allclose(fast[survive], full[survive], rtol=1e-9, atol=1e-9)
    assert (fast[~survive] == -7.5).all()  # the word stage's score, not the evidence test's (-6.0)


def test_a_pill_with_a_supply_cue_is_never_cleared(cascaded: Model) -> None:
    assert cascaded.word_stage is not None
    stage = WordStage(cascaded.word_stage.terms, cascaded.word_stage.signal_coef, cascaded.word_stage.intercept)
    stage.cut, stage.cleared_raw = math.inf, -9.0  # a word stage that clears everything
    model = Model(cascaded.pipeline, (1.0, 0.0), {"offer": 0.5, "review": 0.25}, {}, word_stage=stage)
    texts = ["tengo xanax si alguien ocupa", "xanax 2mg", "selling my old bike, hmu"]
    raw = model.decision_function(texts)
    assert raw[0] == pytest.approx(model.decision_function(texts[:1], cascade=False)[0])  # full model
    assert raw[1] == raw[2] == -9.0  # a pill without supply, supply without a pill: cleared


def test_cut_at_minus_infinity_clears_nothing(cascaded: Model, corpus: tuple[list[str], np.ndarray]) -> None:
    texts = corpus[0][:200]
    assert cascaded.word_stage is not None
    stage = WordStage(cascaded.word_stage.terms, cascaded.word_stage.signal_coef, cascaded.word_stage.intercept)
    model = Model(cascaded.pipeline, (1.0, 0.0), {"offer": 0.5, "review": 0.25}, {}, word_stage=stage)
    np.testing.assert_allclose(model.decision_function(texts), model.decision_function(texts, cascade=False))


def test_bundle_keeps_the_word_stage_and_old_bundles_load(cascaded: Model, tmp_path, corpus) -> None:
    texts = corpus[0][:100]
    path = save_model(cascaded, tmp_path / "m.joblib")
    loaded = load_model(path)
    assert loaded.word_stage is not None and loaded.word_stage.cut == cascaded.word_stage.cut  # type: ignore[union-attr]
    np.testing.assert_allclose(loaded.decision_function(texts), cascaded.decision_function(texts))
    # A bundle written before the word stage existed: the evidence test is the cascade.
    old = Model(cascaded.pipeline, (1.0, 0.0), {"offer": 0.5, "review": 0.25}, {}, cleared_raw=-6.0)
    old_path = save_model(old, tmp_path / "old.joblib")
    old_loaded = load_model(old_path)
    assert old_loaded.word_stage is None
    scores = old_loaded.decision_function(texts)
    assert (scores == -6.0).any() and np.isfinite(scores).all()


def _save_format_1(model: Model, path) -> None:
    """A bundle as pillscan wrote it before the numeric form was stored (format 1), with its card."""
    import json
    import pickle

    import joblib

    from pillscan.model import card_path_for, file_sha256

    fitted = {"pipeline": model.pipeline, "word_stage": model.word_stage}
    payload = {
        "bundle_format": 1,
        "fitted": pickle.dumps(fitted),
        "calibration": model.calibration,
        "thresholds": model.thresholds,
        "cleared_raw": model.cleared_raw,
    }
    joblib.dump(payload, path, compress=("zlib", 3))
    card = {"sha256": file_sha256(path), "versions": {}}
    card_path_for(path).write_text(json.dumps(card))


def test_format_1_bundles_load_and_score_the_same(cascaded: Model, tmp_path, corpus) -> None:
    texts = corpus[0][:200]
    old_path = tmp_path / "format1.joblib"
    _save_format_1(cascaded, old_path)
    old = load_model(old_path)
    assert old.linear is None  # built from the pipeline on first use
    np.testing.assert_allclose(old.decision_function(texts), cascaded.decision_function(texts), atol=1e-9)
    new = load_model(save_model(old, tmp_path / "format2.joblib"))
    assert new.linear is not None and isinstance(new._pipeline, bytes)  # the pipeline is not unpickled yet
    np.testing.assert_allclose(new.decision_function(texts), cascaded.decision_function(texts), atol=1e-9)
    assert type(new.pipeline).__name__ == "Pipeline"  # ... until asked for


def test_scoring_with_the_default_model_never_imports_scikit_learn() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pillscan.model import load_model\n"
        "model = load_model()\n"
        "model.score(['xanax bars 2mg dm me on snap', 'lovely weather today'])\n"
        "model.explain('percs for sale, hit my telegram')\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_moved_pipeline_names_still_resolve_from_the_model_module() -> None:
    import pillscan.model
    import pillscan.pipeline

    for name in ("TextNormalizer", "SignalFeaturizer", "build_pipeline", "fit_word_stage"):
        assert getattr(pillscan.model, name) is getattr(pillscan.pipeline, name)
    with pytest.raises(AttributeError):
        pillscan.model.no_such_name  # noqa: B018
