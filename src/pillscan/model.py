"""The detection model: calibrated scores, the cascade, explanations, and the model bundle.

A bundle is two files side by side: ``NAME.joblib`` (the fitted scikit-learn pipeline and its numeric form,
:class:`pillscan.fastlinear.LinearModel`, which is all that scoring needs) and ``NAME.json`` (the model card).
A joblib file is code: unpickling it can run anything, so :func:`load_model` checks the file's sha256 against
the card *before* unpickling it, and refuses a file without a card unless the caller says it trusts it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from pillscan import __version__
from pillscan.errors import ModelError, UnsafeModelError
from pillscan.fastlinear import LinearModel, NgramScorer
from pillscan.records import Decision, Result, Signal
from pillscan.signals import (
    drugs_named,
    extract_signals,
    normalize_and_count,
    signal_feature_names,
)

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DEFAULT_THRESHOLDS",
    "Explanation",
    "Model",
    "WordStage",
    "default_model_path",
    "evidence_mask",
    "load_model",
    "save_model",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "pillscan-default"
#: Used only when a card carries no thresholds of its own (the trained ones are chosen in train.py).
DEFAULT_THRESHOLDS = {"offer": 0.5, "review": 0.25}
#: Texts longer than this are scored in overlapping windows and the maximum is taken, so that an offer
#: cannot hide inside a long innocent post.
WINDOW_CHARS = 600
WINDOW_STRIDE = 300
WHOLE_TEXT_CHARS = 1200
#: Window sizes and strides for long texts: a wide one for context, a narrow one so that a short offer
#: inside a long post is not diluted by the text around it.
WINDOWS = ((WINDOW_CHARS, WINDOW_STRIDE), (250, 125))
MIN_PARAGRAPH_CHARS = 25
_PARAGRAPH = re.compile(r"\n\s*\n")
#: 2: the fitted pipeline (pickle bytes, scikit-learn) plus its numeric form (pickle bytes, NumPy only), so that
#: scoring never imports scikit-learn; 1: the pipeline only (still loaded; its numeric form is built on use).
BUNDLE_FORMAT = 2
_READABLE_FORMATS = (1, 2)
RETRAIN_HINT = "retrain it with `pillscan train -o MODEL.joblib` (or reinstall pillscan for the bundled default)"


def _as_texts(X: Iterable[Any]) -> list[str]:
    return [x if isinstance(x, str) else ("" if x is None else str(x)) for x in X]


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


# --- the model ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why a text scored as it did: its result, and the words that pushed the score up (or down)."""

    text: str
    result: Result
    top_terms: list[tuple[str, float]] = field(default_factory=list)
    counter_terms: list[tuple[str, float]] = field(default_factory=list)


class Model:
    """A trained, calibrated pillscan model with its card. Use :func:`load_model` to get one.

    Scoring runs on ``linear``, the numeric form of the fitted pipeline (no scikit-learn involved); the
    scikit-learn ``pipeline`` itself is unpickled only when something asks for it (training, evaluation tools).
    """

    def __init__(
        self,
        pipeline: Any,
        calibration: tuple[float, float],
        thresholds: dict[str, float],
        card: dict[str, Any],
        path: Path | None = None,
        cleared_raw: float | None = None,
        word_stage: WordStage | None = None,
        *,
        linear: LinearModel | None = None,
    ) -> None:
        #: The fitted scikit-learn pipeline, or the pickle bytes of one (verified, unpickled on first use).
        self._pipeline = pipeline
        self.calibration = calibration
        self.thresholds = thresholds
        self.card = card
        self.path = path
        #: The cascade: posts with no drug evidence at all (no drug name, imprint, dose, ambiguous slang, drug
        #: emoji or "no prescription") are not run through the n-gram features; they get ``cleared_raw``, the
        #: typical raw score of such posts in training. ``None`` disables it (every post gets the full model).
        self.cleared_raw = cleared_raw
        #: The cascade's word stage: a word-level linear model that clears posts whose score is far below the
        #: review band, so that only the rest pay for character n-grams. When present it replaces the evidence
        #: test above (which clears offers that name no drug). ``None``: no word stage.
        self.word_stage = word_stage
        #: The pipeline's decision function in numeric form (built from the pipeline when not given).
        self.linear = linear
        self._clean_results: dict[float, Result] = {}

    @property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline (imports scikit-learn on first use)."""
        if isinstance(self._pipeline, bytes):
            try:
                self._pipeline = pickle.loads(self._pipeline)
            except Exception as exc:  # a foreign pickle can raise nearly anything
                raise ModelError(f"could not load the pipeline of {self.name}: {exc}; {RETRAIN_HINT}") from exc
        return self._pipeline

    def linear_model(self) -> LinearModel:
        """The numeric form of the pipeline that scoring uses."""
        if self.linear is None:
            from pillscan.pipeline import linear_model_of

            self.linear = linear_model_of(self.pipeline)
        return self.linear

    # scores ------------------------------------------------------------------------------------------
    def decision_function(self, texts: Sequence[str], *, cascade: bool = True) -> np.ndarray:
        """Raw linear scores, texts longer than the window scored per window (maximum taken)."""
        texts = _as_texts(texts)
        windows, owners = _windows(texts)
        raw = self._raw_scores(windows, cascade=cascade)
        if len(windows) == len(texts):
            return raw
        out = np.full(len(texts), -np.inf)
        np.maximum.at(out, np.asarray(owners), raw)
        return out

    def _raw_scores(self, texts: list[str], *, cascade: bool) -> np.ndarray:
        """The pipeline's decision function, each text normalised once and the cascade applied.

        Equal to ``self.pipeline.decision_function(texts)`` for every text the cascade passes (a test checks it).
        With a ``word_stage``, texts whose word-level score is far below the review band are cleared; bundles
        without one clear texts with no drug evidence (``cleared_raw``). The rest get the full model.
        """
        if not texts:
            return np.zeros(0)
        normalized, counts = normalize_and_count(texts)
        out = np.empty(len(texts))
        keep = None
        if cascade and self.word_stage is not None:
            survive = self.word_stage.passes(normalized, counts)
            out[~survive] = self.word_stage.cleared_raw
            keep = np.flatnonzero(survive)
        elif cascade and self.cleared_raw is not None:  # bundles from before stage two: evidence test only
            evidence = evidence_mask(counts)
            out[~evidence] = self.cleared_raw
            keep = np.flatnonzero(evidence)
        if keep is None:
            out[:] = self._full_raw(normalized, counts)
        elif len(keep):
            out[keep] = self._full_raw([normalized[i] for i in keep], counts[keep])
        return out

    def _full_raw(self, normalized: list[str], counts: np.ndarray) -> np.ndarray:
        """The full pipeline's decision function on already normalised texts and their signal counts
        (computed by :class:`pillscan.fastlinear.LinearModel`; a test checks it against the pipeline)."""
        return self.linear_model().decision_function(normalized, counts)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Map raw scores to calibrated probabilities (Platt scaling fitted on held-out template groups)."""
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * raw + b)))

    def predict_proba(self, texts: Sequence[str], *, cascade: bool = True) -> np.ndarray:
        """Calibrated probability that each text offers pills for sale."""
        return self.calibrate(self.decision_function(texts, cascade=cascade))

    def decide(self, score: float, threshold: float | None = None) -> Decision:
        """``offer`` at or above the offer threshold, ``review`` in the band below it, else ``clean``."""
        offer = self.thresholds["offer"] if threshold is None else threshold
        review = min(self.thresholds["review"], offer)
        if score >= offer:
            return "offer"
        if score >= review:
            return "review"
        return "clean"

    def score(self, texts: Sequence[str], *, threshold: float | None = None, evidence: str = "flagged") -> list[Result]:
        """Score texts: calibrated probability, decision, and the drugs, signals and reasons behind it.

        Evidence (signals with spans) costs more than the score itself, so by default it is extracted for
        ``offer`` and ``review`` results only (``evidence="flagged"``); ``evidence="all"`` extracts it for every
        text, ``"none"`` for none.
        """
        texts = _as_texts(texts)
        probs = self.predict_proba(texts).tolist() if texts else []
        offer = self.thresholds["offer"] if threshold is None else threshold
        review = min(self.thresholds["review"], offer)
        clean = self._clean_results  # clean results carry no evidence: one shared (frozen) Result per score
        results: list[Result] = []
        for text, prob in zip(texts, probs, strict=True):
            score = round(prob, 4)
            decision: Decision = "offer" if prob >= offer else "review" if prob >= review else "clean"
            if evidence == "all" or (evidence == "flagged" and decision != "clean"):
                signals = extract_signals(text)
                results.append(
                    Result(
                        score=score,
                        decision=decision,
                        drugs=drugs_named(signals),
                        signals=signals,
                        reasons=reasons_from_signals(signals),
                    )
                )
            elif decision == "clean":
                result = clean.get(score)
                if result is None:
                    result = clean[score] = Result(score=score, decision="clean")
                results.append(result)
            else:
                results.append(Result(score=score, decision=decision))
        return results

    # explanations -------------------------------------------------------------------------------------
    def explain(self, text: str, *, top: int = 8) -> Explanation:
        """Score one text and find the words that drive it, by removing each word in turn (occlusion).

        Occlusion works on the words of the original text, so the explanation names what the user sees,
        even when the model saw a de-obfuscated form.
        """
        result = self.score([text], evidence="all")[0]
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)][:400]
        if not spans:
            return Explanation(text=text, result=result)
        variants = [text[:s] + " " + text[e:] for s, e in spans]
        base = float(self.decision_function([text], cascade=False)[0])
        drops = base - self.decision_function(variants, cascade=False)
        order = np.argsort(-drops)
        top_terms = [(text[spans[i][0] : spans[i][1]], round(float(drops[i]), 3)) for i in order[:top]]
        top_terms = [t for t in top_terms if t[1] > 0]
        counter = [(text[spans[i][0] : spans[i][1]], round(float(drops[i]), 3)) for i in order[::-1][:top]]
        counter = [t for t in counter if t[1] < 0]
        return Explanation(text=text, result=result, top_terms=top_terms, counter_terms=counter)

    @property
    def name(self) -> str:
        return str(self.card.get("name", "model"))


# Columns of signal_counts that count as drug evidence for the cascade (emoji codes include 💊 and 🔌).
_EVIDENCE_NAMES = ("drug", "imprint", "dose", "slang_ambiguous", "no_prescription", "emoji")
_EVIDENCE_COLUMNS = [signal_feature_names().index(name) for name in _EVIDENCE_NAMES]


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
    vocabulary and idf) followed by the linear model (:func:`fit_word_stage` builds one, a test checks the two
    agree). A candidate whose score is below ``cut`` is cleared with ``cleared_raw``.
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


def _windows(texts: list[str]) -> tuple[list[str], list[int]]:
    """Texts to score and the text each came from. Short texts are scored whole. A long one is scored in
    overlapping windows (every passage of up to WINDOW_STRIDE characters lies inside one), paragraph by
    paragraph (an offer pasted between two paragraphs of chatter stands alone), and, up to WHOLE_TEXT_CHARS,
    whole, so that cues spread across a long offer still meet. Its score is the maximum."""
    windows: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        if len(text) <= WINDOW_CHARS:
            windows.append(text)
            owners.append(i)
            continue
        pieces = [text] if len(text) <= WHOLE_TEXT_CHARS else []
        for size, stride in WINDOWS:
            pieces += [text[start : start + size] for start in range(0, max(len(text) - stride, 1), stride)]
        paragraphs = [p for p in _PARAGRAPH.split(text) if len(p.strip()) >= MIN_PARAGRAPH_CHARS]
        if len(paragraphs) > 1:
            pieces += [p for p in paragraphs if len(p) <= WINDOW_CHARS]
        windows.extend(pieces)
        owners.extend([i] * len(pieces))
    return windows, owners


_GROUP_REASON = {
    "contact": "contact off-platform",
    "payment": "payment",
    "shipping": "shipping",
    "claim": "quality claim",
    "sale": "sale wording",
    "emoji": "emoji code",
    "obfuscation": "obfuscated spelling",
}


def reasons_from_signals(signals: Sequence[Signal]) -> tuple[str, ...]:
    """Short human-readable reasons (``names oxycodone ("M30")``, ``payment: cashapp``) from signals."""
    reasons: list[str] = []
    seen: set[str] = set()
    for sig in signals:
        group, _, name = sig.name.partition(":")
        if group in ("drug", "imprint"):
            reason = f'names {name} ("{sig.text.strip()[:40]}")'
            key = f"drug:{name}"
        elif group in _GROUP_REASON:
            reason = f"{_GROUP_REASON[group]}: {name}" if name else _GROUP_REASON[group]
            key = reason
        elif sig.name == "no_prescription":
            reason, key = f'no prescription ("{sig.text.strip()[:40]}")', sig.name
        elif sig.name in ("price", "quantity"):
            reason, key = f'{sig.name} ("{sig.text.strip()[:40]}")', sig.name
        else:
            continue
        if key not in seen:
            seen.add(key)
            reasons.append(reason)
    return tuple(reasons)


# --- the bundle ---------------------------------------------------------------------------------------------


def default_model_path() -> Path:
    """The bundled default model: inside the installed package, or ``models/`` of a source checkout."""
    packaged = Path(str(resources.files("pillscan"))) / "models" / f"{DEFAULT_MODEL_NAME}.joblib"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "models" / f"{DEFAULT_MODEL_NAME}.joblib"


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_path_for(path: Path) -> Path:
    """The card that goes with a model file: same name, ``.json``."""
    return path.with_suffix(".json")


def save_model(model: Model, path: str | Path) -> Path:
    """Write ``NAME.joblib`` and its card ``NAME.json`` (with versions and the sha256 of the joblib file)."""
    path = Path(path)
    if path.suffix != ".joblib":
        path = path.with_suffix(".joblib")
    path.parent.mkdir(parents=True, exist_ok=True)
    # The fitted objects travel as one pickle inside the joblib file: unpickling them from bytes is ~10x
    # faster than joblib's object-by-object load, and every scan worker process pays that load once.
    runtime = {"linear": model.linear_model(), "word_stage": model.word_stage}
    payload = {
        "bundle_format": BUNDLE_FORMAT,
        "fitted": pickle.dumps(model.pipeline, protocol=pickle.HIGHEST_PROTOCOL),
        "runtime": pickle.dumps(runtime, protocol=pickle.HIGHEST_PROTOCOL),
        "calibration": tuple(float(v) for v in model.calibration),
        "thresholds": dict(model.thresholds),
        "cleared_raw": model.cleared_raw,
    }
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(payload, tmp, compress=("zlib", 3))
    tmp.replace(path)
    card = dict(model.card)
    card.update(
        {
            "name": path.stem,
            "file": path.name,
            "sha256": file_sha256(path),
            "bytes": path.stat().st_size,
            "bundle_format": BUNDLE_FORMAT,
            "thresholds": dict(model.thresholds),
            "calibration": list(model.calibration),
            "versions": runtime_versions(),
        }
    )
    card_path_for(path).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    model.card = card
    model.path = path
    return path


def _sklearn_version() -> str:
    """The installed scikit-learn's version, read from its metadata (importing it takes most of a second)."""
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return "not installed"


def runtime_versions() -> dict[str, str]:
    """Versions that a model file depends on."""
    return {
        "pillscan": __version__,
        "scikit-learn": _sklearn_version(),
        "joblib": joblib.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def load_model(path: str | Path | None = None, *, trust: bool = False) -> Model:
    """Load a model bundle, verifying its card's sha256 and scikit-learn version before unpickling.

    ``trust=True`` allows a model file without a card (the file is then unpickled unchecked: only do this
    for files from a source you trust). A tampered file is refused whatever ``trust`` says.
    """
    path = Path(path) if path is not None else default_model_path()
    if path.is_dir():
        path = path / f"{DEFAULT_MODEL_NAME}.joblib"
    if not path.exists():
        hint = " (the bundled default model is missing: reinstall pillscan)" if path.stem == DEFAULT_MODEL_NAME else ""
        raise ModelError(f"model file not found: {path}{hint}")
    card_path = card_path_for(path)
    card: dict[str, Any] = {}
    if card_path.exists():
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise UnsafeModelError(
                f"model card {card_path} is unreadable ({exc}); refusing to load {path.name}"
            ) from exc
        expected = card.get("sha256")
        if not expected:
            raise UnsafeModelError(f"model card {card_path} has no sha256; refusing to unpickle {path.name}")
        actual = file_sha256(path)
        if actual != expected:
            raise UnsafeModelError(
                f"{path.name} does not match its card (sha256 {actual[:12]}… != {str(expected)[:12]}…): the file "
                "was changed or replaced, and unpickling an unknown file can run arbitrary code; refusing to load it"
            )
        trained_with = str(card.get("versions", {}).get("scikit-learn", ""))
        installed = _sklearn_version()
        if trained_with and _minor(trained_with) != _minor(installed):
            raise ModelError(
                f"{path.name} was trained with scikit-learn {trained_with} but {installed} is installed; {RETRAIN_HINT}"
            )
    elif not trust:
        raise UnsafeModelError(
            f"{path.name} has no model card ({card_path.name}) to verify it against; a joblib file can run "
            "arbitrary code when loaded, so it is refused (pass --trust-model / trust=True only for a file from "
            "a source you trust)"
        )
    else:
        log.warning("loading %s without a card: trusted by the caller, not verified", path)
    try:
        payload = joblib.load(path)
        if isinstance(payload, dict) and isinstance(payload.get("runtime"), bytes):
            # The pipeline stays pickle bytes (already verified) until something asks for it.
            payload.update(pickle.loads(payload.pop("runtime")))
            payload["pipeline"] = payload.pop("fitted", None)
        elif isinstance(payload, dict) and isinstance(payload.get("fitted"), bytes):
            payload.update(pickle.loads(payload.pop("fitted")))
    except Exception as exc:  # a corrupt or foreign pickle can raise nearly anything
        raise ModelError(f"could not load {path.name}: {type(exc).__name__}: {exc}; {RETRAIN_HINT}") from exc
    if not isinstance(payload, dict) or payload.get("bundle_format") not in _READABLE_FORMATS:
        raise ModelError(f"{path.name} is not a pillscan model bundle (format {BUNDLE_FORMAT}); {RETRAIN_HINT}")
    calibration = tuple(payload["calibration"])
    thresholds = dict(payload.get("thresholds") or card.get("thresholds") or DEFAULT_THRESHOLDS)
    if not all(math.isfinite(v) for v in calibration):
        raise ModelError(f"{path.name} has an invalid calibration; {RETRAIN_HINT}")
    return Model(
        pipeline=payload["pipeline"],
        calibration=(float(calibration[0]), float(calibration[1])),
        thresholds=thresholds,
        card=card,
        path=path,
        cleared_raw=payload.get("cleared_raw"),
        word_stage=payload.get("word_stage"),
        linear=payload.get("linear"),
    )


# Moved to pillscan.pipeline (which imports scikit-learn); still reachable here, also for bundles pickled with
# these classes under their old module.
_MOVED_TO_PIPELINE = ("SignalFeaturizer", "TextNormalizer", "build_pipeline", "fit_word_stage")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_PIPELINE:
        from pillscan import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
