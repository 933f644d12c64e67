"""Retraining with ``--extra`` in seconds: the generated corpus and its fitted features, cached on disk.

Most of a ``pillscan train`` run goes into things that do not depend on a team's labels: generating the corpus,
normalising it, and fitting the TF-IDF vocabularies of each cross-validation fold and of the final model. This
module does that work once and keeps it in the user cache directory (platformdirs; ``$PILLSCAN_CACHE_DIR``
overrides), so that a retrain with extra rows only transforms those rows and refits the linear classifiers.

What the cache holds, for one :class:`~pillscan.train.TrainConfig` (its key also covers pillscan's version,
scikit-learn's version and the bytes of the generator, lexicon and feature modules, so any change makes a new
key): the filtered generated corpus, its normalised texts and signal counts, the cross-validation folds, and for
each fold and for the final model the fitted feature union and the generated rows' feature matrix.

What it changes, and the card says so (``training.features``): the vocabularies are fitted on the generated
rows only, so a word that only the extra rows use is no feature (its character n-grams mostly are); the folds
of the generated rows do not move when extra rows are added, and each extra row is held out in exactly one
fold (its ``template`` suffix) and never counts as a held-out platform style. Without extra rows the cached
path trains the same model as the uncached one.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "CACHE_ENV",
    "CorpusFeatures",
    "FoldMatrices",
    "build_corpus_features",
    "cache_dir",
    "cache_key",
    "corpus_features",
    "extra_splits",
]

CACHE_ENV = "PILLSCAN_CACHE_DIR"
#: Format of the cached file; bump when the fields of CorpusFeatures change.
CACHE_FORMAT = 1
#: Modules whose code decides the generated rows or their features: their bytes are part of the cache key.
KEY_MODULES = (
    "pillscan.generate",
    "pillscan.normalize",
    "pillscan.signals",
    "pillscan.intent",
    "pillscan.features",
    "pillscan.pipeline",
    "pillscan.lexicon",
)
#: TrainConfig fields that decide the corpus, its features or the folds (C, thresholds etc. do not).
KEY_FIELDS = ("n", "seed", "positive_rate", "folds", "exclude_kinds", "intent_weight", "hold_out_styles")


def cache_dir() -> Path:
    """``$PILLSCAN_CACHE_DIR``, else pillscan's user cache directory."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("pillscan") / "features"


def _code_files() -> list[Path]:
    files: list[Path] = []
    for name in KEY_MODULES:
        module = import_module(name)
        origin = Path(str(getattr(module, "__file__", "") or ""))
        if origin.name.startswith("__init__."):  # a package: all of its files (code, lexicons, pools)
            files += sorted(p for p in origin.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif origin.is_file():
            files.append(origin)
    lexicons = Path(str(import_module("pillscan.lexicons").__file__)).parent
    files += sorted(p for p in lexicons.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def cache_key(config: Any) -> str:
    """What the cached work depends on, hashed: the config's corpus/feature fields, the versions of pillscan,
    scikit-learn and Python, and the bytes of the generator, lexicon and feature code."""
    import sklearn

    from pillscan.version import __version__

    digest = hashlib.sha256()
    fields = {name: getattr(config, name) for name in KEY_FIELDS}
    digest.update(repr((CACHE_FORMAT, __version__, sklearn.__version__, sys.version_info[:2], fields)).encode())
    root = Path(str(import_module("pillscan").__file__)).parent
    for path in _code_files():
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


@dataclass
class CorpusFeatures:
    """The label-independent part of training on the generated corpus (see the module docstring)."""

    key: str
    corpus: pd.DataFrame
    normalized: list[str]
    counts: np.ndarray
    splits: list[tuple[np.ndarray, np.ndarray]]
    shifted: np.ndarray
    fold_features: list[Any]
    fold_matrices: list[sp.csr_matrix]
    final_features: Any
    final_matrix: sp.csr_matrix
    seconds_to_build: float = 0.0
    #: "built" (made by this run) or "read" (from the cache file); not stored.
    status: str = field(default="built", compare=False)

    def card(self) -> dict[str, Any]:
        """What the model card records about the features a model was trained with."""
        return {
            "cache": self.status,
            "key": self.key,
            "vocabulary": "fitted on the generated rows only (extra rows are transformed, not fitted)",
        }


def _fit_features(texts: list[str], train_idx: np.ndarray, config: Any) -> tuple[Any, sp.csr_matrix]:
    """The fold's feature union fitted on its training rows, and every row's features (float32)."""
    from pillscan.pipeline import build_pipeline

    union = build_pipeline(C=config.C, seed=config.seed, intent_weight=config.intent_weight).named_steps["features"]
    rest = np.setdiff1d(np.arange(len(texts)), train_idx)
    fitted = union.fit_transform([texts[i] for i in train_idx])
    parts = [sp.csr_matrix(fitted, dtype=np.float32)]
    if len(rest):
        parts.append(sp.csr_matrix(union.transform([texts[i] for i in rest]), dtype=np.float32))
    order = np.argsort(np.concatenate([train_idx, rest]), kind="stable")
    return union, sp.vstack(parts, format="csr")[order]


#: ``splitter(corpus, folds)`` -> the folds' ``(train, test)`` index pairs and the mask of rows held out by style
#: too (training passes :func:`pillscan.train.corpus_splits`; this module does not import training).
Splitter = Callable[[pd.DataFrame, int], tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]]


def build_corpus_features(config: Any, say: Callable[[str], None], splitter: Splitter) -> CorpusFeatures:
    """Generate the corpus and fit everything label-independent (what the cache stores)."""
    from pillscan.generate import generate_corpus
    from pillscan.signals import normalize_and_count

    started = time.perf_counter()
    say(f"generating {config.n:,} synthetic rows (seed {config.seed}) and fitting their features, for the cache")
    corpus = generate_corpus(config.n, seed=config.seed, positive_rate=config.positive_rate)
    corpus = corpus[corpus["label"].isin([0, 1])]
    if "kind" in corpus and config.exclude_kinds:
        corpus = corpus[~corpus["kind"].isin(config.exclude_kinds)]
    corpus = corpus.reset_index(drop=True)
    texts = corpus["text"].astype(str).tolist()
    normalized, counts = normalize_and_count(texts)
    groups = corpus["template"].astype(str).to_numpy()
    folds = min(config.folds, len(set(groups)))
    splits, shifted = splitter(corpus, folds)
    fold_features, fold_matrices = [], []
    for k, (train_idx, _) in enumerate(splits, 1):
        union, matrix = _fit_features(texts, train_idx, config)
        fold_features.append(union)
        fold_matrices.append(matrix)
        say(f"  features of fold {k}/{len(splits)} fitted ({time.perf_counter() - started:.0f} s)")
    final_features, final_matrix = _fit_features(texts, np.arange(len(texts)), config)
    return CorpusFeatures(
        key=cache_key(config),
        corpus=corpus,
        normalized=list(normalized),
        counts=np.asarray(counts),
        splits=[(np.asarray(a), np.asarray(b)) for a, b in splits],
        shifted=np.asarray(shifted),
        fold_features=fold_features,
        fold_matrices=fold_matrices,
        final_features=final_features,
        final_matrix=final_matrix,
        seconds_to_build=round(time.perf_counter() - started, 1),
    )


def _read(path: Path, key: str) -> CorpusFeatures | None:
    import joblib

    try:
        found = joblib.load(path)
    except Exception:  # a damaged or foreign cache file is rebuilt, never trusted
        return None
    if not isinstance(found, CorpusFeatures) or found.key != key:
        return None
    found.status = "read"
    return found


def _write(features: CorpusFeatures, path: Path, say: Callable[[str], None]) -> None:
    import joblib

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            joblib.dump(features, fh)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only or full cache directory costs speed next time, nothing else
        say(f"could not write the feature cache {path}: {exc.strerror or exc} (the next retrain rebuilds it)")


def corpus_features(config: Any, say: Callable[[str], None], splitter: Splitter) -> CorpusFeatures:
    """The cached generated corpus and features for ``config``: read from the cache, or built and stored."""
    key = cache_key(config)
    path = cache_dir() / f"corpus-features-{key}.joblib"
    started = time.perf_counter()
    if path.is_file():
        found = _read(path, key)
        if found is not None:
            say(f"generated corpus and its features read from the cache {path} ({time.perf_counter() - started:.1f} s)")
            return found
        say(f"the feature cache {path} is unreadable or stale: rebuilding it")
    built = build_corpus_features(config, say, splitter)
    _write(built, path, say)
    say(f"feature cache written to {path} (key {key}, built in {built.seconds_to_build:.0f} s)")
    return built


class FoldMatrices:
    """The cached generated rows' features plus the extra rows' (transformed by each fold's fitted union), and
    the classifier refitted on them: what a fold's or the final model's fit costs once features are cached."""

    def __init__(self, cached: CorpusFeatures, extra_texts: Sequence[str], clf_template: Any) -> None:
        self.cached = cached
        self.template = clf_template
        extra = list(extra_texts)

        def stack(union: Any, matrix: sp.csr_matrix) -> sp.csr_matrix:
            if not extra:
                return matrix
            return sp.vstack([matrix, sp.csr_matrix(union.transform(extra), dtype=np.float32)], format="csr")

        self.folds = [stack(u, m) for u, m in zip(cached.fold_features, cached.fold_matrices, strict=True)]
        self.final = stack(cached.final_features, cached.final_matrix)

    def _fit(self, matrix: sp.csr_matrix, labels: np.ndarray, weights: np.ndarray | None) -> Any:
        from sklearn.base import clone

        return clone(self.template).fit(matrix, labels, sample_weight=weights)

    def fold_raw(
        self, k: int, train_idx: np.ndarray, test_idx: np.ndarray, labels: np.ndarray, weights: np.ndarray | None
    ) -> np.ndarray:
        """Fit fold ``k``'s classifier on ``train_idx`` and return the raw scores of ``test_idx``."""
        matrix = self.folds[k]
        clf = self._fit(matrix[train_idx], labels[train_idx], None if weights is None else weights[train_idx])
        return np.asarray(clf.decision_function(matrix[test_idx]))

    def final_pipeline(self, pipeline: Any, labels: np.ndarray, weights: np.ndarray | None) -> Any:
        """``pipeline`` (an unfitted :func:`~pillscan.pipeline.build_pipeline`) with the cached fitted features
        and a classifier fitted on every row."""
        clf = self._fit(self.final, labels, weights)
        pipeline.steps[0] = (pipeline.steps[0][0], self.cached.final_features)
        pipeline.steps[-1] = (pipeline.steps[-1][0], clf)
        return pipeline


def extra_splits(
    cached: CorpusFeatures, extra_folds: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The cached folds with the extra rows (indices after the generated ones) added: extra row ``i`` is tested
    in fold ``extra_folds[i]`` and trained on in every other fold."""
    offset = len(cached.corpus)
    ids = offset + np.arange(len(extra_folds))
    splits = []
    for k, (train_idx, test_idx) in enumerate(cached.splits):
        splits.append(
            (np.concatenate([train_idx, ids[extra_folds != k]]), np.concatenate([test_idx, ids[extra_folds == k]]))
        )
    return splits, np.concatenate([cached.shifted, np.zeros(len(ids), dtype=bool)])
