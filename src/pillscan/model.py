"""The detection model: calibrated scores, the cascade, explanations; loading and saving it as a bundle.

Scoring is NumPy-only. The bundle's file format, card and version checks live in :mod:`pillscan.bundle`, the
features that training and scoring share in :mod:`pillscan.features`; the names that callers import from here
(``load_model``, ``save_model``, ``default_model_path``, ``WordStage``, ``evidence_mask`` …) still resolve here.
"""

from __future__ import annotations

import logging
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pillscan.bundle import (
    BUNDLE_FORMAT,
    DEFAULT_MODEL_NAME,
    DEFAULT_THRESHOLDS,
    RETRAIN_HINT,
    Bundle,
    card_path_for,
    default_model_path,
    file_sha256,
    read_bundle,
    runtime_versions,
    write_bundle,
)
from pillscan.errors import ModelError
from pillscan.fastlinear import LinearModel
from pillscan.features import WORD_TFIDF, WordStage, as_texts, evidence_mask
from pillscan.intent import cue_reasons, pill_evidence, supply_evidence
from pillscan.records import Decision, Result, Signal
from pillscan.signals import drugs_named, extract_signals, normalize_and_count, signal_feature_names
from pillscan.wording import explanation_terms

__all__ = [
    "BUNDLE_FORMAT",
    "DEFAULT_MODEL_NAME",
    "DEFAULT_THRESHOLDS",
    "RETRAIN_HINT",
    "WORD_TFIDF",
    "Explanation",
    "Model",
    "WordStage",
    "card_path_for",
    "default_model_path",
    "evidence_mask",
    "file_sha256",
    "load_model",
    "reasons_from_signals",
    "runtime_versions",
    "save_model",
]

log = logging.getLogger(__name__)

#: Texts longer than this are scored in overlapping windows and the maximum is taken, so that an offer
#: cannot hide inside a long innocent post. (300 was tried: it caught 1.4 points more real pharmacy spam, padded
#: with word salad, but posts of 300-600 characters hold 15% of a generated scan's characters, and their windows and
#: narrow pieces made scoring 1.5-1.7x slower.)
WINDOW_CHARS = 600
WINDOW_STRIDE = 300
WHOLE_TEXT_CHARS = 1200
#: Window sizes and strides for long texts: a wide one for context, a narrow one so that a short offer
#: inside a long post is not diluted by the text around it.
WINDOWS = ((WINDOW_CHARS, WINDOW_STRIDE), (250, 125))
MIN_PARAGRAPH_CHARS = 25
#: Windows of a long text that hold pill evidence are scored again in pieces this long (see decision_function).
NARROW_CHARS = 100
#: Texts up to WINDOW_CHARS are scored whole; those longer than this that show pill and supply evidence are
#: scored again in narrow pieces too (a short pitch followed by word salad, footers or disclaimers).
MEDIUM_CHARS = 250
_PARAGRAPH = re.compile(r"\n\s*\n")


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

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> Model:
        """The model held by a bundle read with :func:`pillscan.bundle.read_bundle`."""
        return cls(
            pipeline=bundle.pipeline,
            calibration=bundle.calibration,
            thresholds=bundle.thresholds,
            card=bundle.card,
            path=bundle.path,
            cleared_raw=bundle.cleared_raw,
            word_stage=bundle.word_stage,
            linear=bundle.linear,
        )

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
        return self._decide(as_texts(texts), cascade=cascade)[0]

    def _decide(self, texts: list[str], *, cascade: bool) -> tuple[np.ndarray, list[str | None]]:
        """:meth:`decision_function`, and each text's normalised form where the text was scored whole (it is
        then already computed; None for a text scored in windows only), for the evidence of flagged texts."""
        windows, owners = _windows(texts)
        if len(windows) == len(texts):  # every text scored whole
            raw, normalized, counts = self._raw_scores(windows, cascade=cascade)
            whole: list[str | None] = list(normalized)
        else:
            raw, normalized, counts = self._unique_raw_scores(windows, cascade=cascade)
            whole = [None] * len(texts)
            for j, owner in enumerate(owners):  # (a window is a piece of its text: of the same length, it is the text)
                if whole[owner] is None and len(windows[j]) == len(texts[owner]):
                    whole[owner] = normalized[j]
        # An offer run inline into chatter is diluted even in a 250-character window, and a spam pitch by the
        # word salad after it: the windows of a long text that hold pill evidence, and medium texts scored whole
        # that show pill and supply evidence, are scored again in narrow pieces (only those: their cost stays
        # small). A piece stripped of its context (a news sentence listing pills) must show supply itself to count.
        alone = np.bincount(np.asarray(owners, dtype=np.intp))[owners] == 1  # a text's only window: scored whole
        candidates = _narrow_candidates(windows, alone, normalized, counts)
        pieces, piece_owners = _narrow_windows(windows, owners, alone, candidates)
        if not pieces:
            if len(windows) == len(texts):
                return raw, whole
        else:
            raw = np.concatenate([raw, self._piece_raw(pieces)])
            owners = owners + piece_owners
        out = np.full(len(texts), -np.inf)
        np.maximum.at(out, np.asarray(owners), raw)
        return out, whole

    def _piece_raw(self, pieces: list[str]) -> np.ndarray:
        """Raw scores of narrow pieces: the full model's where the piece shows pill and supply evidence itself,
        -inf elsewhere (those pieces are not scored at all). Each distinct piece is counted once. A piece with
        pill and supply evidence always passes the cascade, so this equals scoring every piece and masking."""
        distinct, position = _distinct(pieces)
        normalized, counts = normalize_and_count(distinct)
        gate = np.flatnonzero(pill_evidence(counts))
        gate = gate[supply_evidence([normalized[i] for i in gate.tolist()], counts[gate])]
        raw = np.full(len(distinct), -np.inf)
        if len(gate):
            raw[gate] = self._full_raw([normalized[i] for i in gate.tolist()], counts[gate])
        return raw[position]

    def _unique_raw_scores(self, texts: list[str], *, cascade: bool) -> tuple[np.ndarray, list[str], np.ndarray]:
        """:meth:`_raw_scores` with each distinct text scored once. The windows of a long repetitive post (100k
        pill emoji, ``oxy`` x 25,000) are nearly all equal; a text's score depends on that text alone, so this
        gives the same numbers for a fraction of the work."""
        distinct, position = _distinct(texts)
        if len(distinct) == len(texts):
            return self._raw_scores(texts, cascade=cascade)
        raw, normalized, counts = self._raw_scores(distinct, cascade=cascade)
        return raw[position], [normalized[i] for i in position.tolist()], counts[position]

    def _raw_scores(self, texts: list[str], *, cascade: bool) -> tuple[np.ndarray, list[str], np.ndarray]:
        """The pipeline's decision function, each text normalised once and the cascade applied.

        Equal to ``self.pipeline.decision_function(texts)`` for every text the cascade passes (a test checks it).
        With a ``word_stage``, texts whose word-level score is far below the review band are cleared; bundles
        without one clear texts with no drug evidence (``cleared_raw``). The rest get the full model.
        """
        if not texts:
            return np.zeros(0), [], np.zeros((0, len(signal_feature_names())), dtype=np.float32)
        normalized, counts = normalize_and_count(texts)
        out = np.empty(len(texts))
        keep = None
        if cascade and self.word_stage is not None:
            survive = self.word_stage.passes(normalized, counts)
            # The word stage is additive and has no supply cues: a post that names a pill and shows supply
            # ("barras de xanax, 5 por 40, entrego hoy") always goes on to the full model.
            rescue = np.flatnonzero(~survive & pill_evidence(counts))
            if len(rescue):
                survive[rescue] = supply_evidence([normalized[i] for i in rescue], counts[rescue])
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
        return out, normalized, counts

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
        texts = as_texts(texts)
        raw, normalized = self._decide(texts, cascade=True) if texts else (np.zeros(0), [])
        probs = self.calibrate(raw).tolist()  # (what predict_proba gives)
        offer = self.thresholds["offer"] if threshold is None else threshold
        review = min(self.thresholds["review"], offer)
        clean = self._clean_results  # clean results carry no evidence: one shared (frozen) Result per score
        results: list[Result] = []
        for text, prob, norm in zip(texts, probs, normalized, strict=True):
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
                        reasons=reasons_from_signals(signals) + cue_reasons(text, normalized=norm),
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
        even when the model saw a de-obfuscated form. Each word's number is the change in log-odds of an offer
        when it is removed (:data:`pillscan.wording.EXPLAIN_UNIT`).
        """
        result = self.score([text], evidence="all")[0]
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)][:400]
        if not spans:
            return Explanation(text=text, result=result)
        # Blanked, not cut out: the rest of the text keeps its offsets, so a long text's windows stay where they
        # were and a word's number is its own, not the shift of every window after it.
        variants = [text[:s] + " " * (e - s) + text[e:] for s, e in spans]
        base = float(self.decision_function([text], cascade=False)[0])
        drops = base - self.decision_function(variants, cascade=False)
        # In log-odds of the calibrated score (raw score x the calibration slope), without punctuation and
        # stop words (see pillscan.wording).
        words = [text[s:e] for s, e in spans]
        top_terms, counter = explanation_terms(words, (drops * self.calibration[0]).tolist(), top=top)
        return Explanation(text=text, result=result, top_terms=top_terms, counter_terms=counter)

    @property
    def name(self) -> str:
        return str(self.card.get("name", "model"))


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


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in first-seen order, and where each of ``texts`` is among them."""
    index: dict[str, int] = {}
    position = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.intp, count=len(texts))
    return list(index), position


def _narrow_candidates(windows: list[str], alone: np.ndarray, normalized: list[str], counts: np.ndarray) -> np.ndarray:
    """Which windows to cut into narrow pieces: those of long texts (more than one window) that hold pill
    evidence, and medium texts (over MEDIUM_CHARS, scored whole: ``alone``) that hold pill and supply evidence."""
    candidates = pill_evidence(counts) & np.fromiter((len(w) > NARROW_CHARS for w in windows), bool, len(windows))
    single = np.flatnonzero(candidates & alone)
    medium = [j for j in single.tolist() if len(windows[j]) > MEDIUM_CHARS]
    candidates[single] = False
    if medium:
        candidates[medium] = supply_evidence([normalized[j] for j in medium], counts[medium])
    return candidates


def _narrow_windows(
    windows: list[str], owners: list[int], alone: np.ndarray, candidates: np.ndarray
) -> tuple[list[str], list[int]]:
    """Narrow pieces of the ``candidates`` among ``windows``, and the text each came from. A window of a long text
    (one of several) is cut into pieces of NARROW_CHARS, stride half that; a medium text (its only window) into its
    lines, and a line over 1.5 x NARROW_CHARS into pieces of NARROW_CHARS end to end: a spam pitch is a line of
    its own (the subject, "NN % off <pill>"), and the text is paid about once more instead of twice."""
    pieces: list[str] = []
    piece_owners: list[int] = []
    stride = NARROW_CHARS // 2
    for j in np.flatnonzero(candidates).tolist():
        window = windows[j]
        if not alone[j]:
            cut = [window[s : s + NARROW_CHARS] for s in range(0, len(window) - stride, stride)]
        else:
            cut = [piece for line in window.split("\n") for piece in _line_pieces(line)]
        pieces.extend(cut)
        piece_owners.extend([owners[j]] * len(cut))
    return pieces, piece_owners


def _line_pieces(line: str) -> list[str]:
    if len(line) <= NARROW_CHARS * 3 // 2:
        return [line] if line.strip() else []
    return [line[s : s + NARROW_CHARS] for s in range(0, len(line), NARROW_CHARS)]


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


def load_model(path: str | Path | None = None, *, trust: bool = False) -> Model:
    """Load a model bundle (the bundled default when ``path`` is ``None``), verifying its card's sha256 and
    scikit-learn version before unpickling (see :func:`pillscan.bundle.read_bundle`).

    ``trust=True`` allows a model file without a card (the file is then unpickled unchecked: only do this
    for files from a source you trust). A tampered file is refused whatever ``trust`` says.
    """
    return Model.from_bundle(read_bundle(path, trust=trust))


def save_model(model: Model, path: str | Path) -> Path:
    """Write ``NAME.joblib`` and its card ``NAME.json`` (with versions and the sha256 of the joblib file)."""
    bundle = Bundle(
        pipeline=model.pipeline,
        calibration=model.calibration,
        thresholds=model.thresholds,
        card=model.card,
        cleared_raw=model.cleared_raw,
        word_stage=model.word_stage,
        linear=model.linear_model(),
    )
    model.path = write_bundle(path, bundle)
    model.card = bundle.card
    return model.path


# Moved to pillscan.pipeline (which imports scikit-learn); still reachable here, also for bundles pickled with
# these classes under their old module.
_MOVED_TO_PIPELINE = ("SignalFeaturizer", "TextNormalizer", "build_pipeline", "fit_word_stage")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_PIPELINE:
        from pillscan import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
