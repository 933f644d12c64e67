"""Training: grouped cross-validation on template families, calibration, thresholds, the model card.

Row-level splits of a template generator are meaningless (a test row is a sibling of a training row), so
every held-out figure here comes from whole template families left out of training (GroupKFold).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import GroupKFold

from pillscan.errors import InputError
from pillscan.evaluate import binary_metrics, load_labelled
from pillscan.features import evidence_mask
from pillscan.model import Model
from pillscan.pipeline import build_pipeline, fit_word_stage
from pillscan.signals import normalize_and_count

__all__ = [
    "EXTRA_SHARE",
    "EXTRA_WEIGHT_CAP",
    "TrainConfig",
    "choose_thresholds",
    "extra_row_weight",
    "heldout_splits",
    "load_extra",
    "train_and_save",
    "train_model",
]

log = logging.getLogger(__name__)

#: The cascade's stage two lets through this share of the held-out rows the full model flags (review or offer).
CASCADE_KEEP = 0.98


#: Cuts whose held-out F1 is within this of the best count as equally good; the offer threshold is their middle.
OFFER_F1_TOLERANCE = 0.01
#: The review band reaches down to the cut that keeps ``review_recall`` of the held-out offers, but never below this
#: share of the offer threshold: on hard held-out families the 95% cut fell to 0.11 (offer 0.39), which put 18% of
#: real tweets, 23% of ham e-mail and 3.7% of random tokens in review and sent a third more posts past the cascade.
REVIEW_FLOOR = 0.5


@dataclass(frozen=True)
class TrainConfig:
    """How the default model is trained; ``pillscan train`` with no options uses exactly this."""

    n: int = 30_000
    seed: int = 0
    positive_rate: float = 0.35
    folds: int = 3
    #: ``offer``: the best-F1 threshold on held-out families among those with at least this precision. Held-out
    #: families are a harsh test (whole styles never seen in training), so precision there is a floor, not a goal.
    offer_precision: float = 0.75
    #: ... or rather the middle of the cuts whose held-out F1 is within this of that best (see choose_thresholds).
    offer_f1_tolerance: float = OFFER_F1_TOLERANCE
    #: ... and ``review`` (a human looks at these) the threshold that catches this share of held-out offers.
    review_recall: float = 0.95
    C: float = 1.0
    #: Kinds generated for completeness but left out of training: lifestyle-drug (Viagra/Cialis-only) spam is
    #: *out of scope*, not a counter-example. Trained as a negative it teaches that pharmacy-spam shape means
    #: "no offer", and real spam mixes Viagra with Xanax and Valium.
    exclude_kinds: tuple[str, ...] = ("lifestyle_spam",)
    #: Weight of the supply/demand/framing block (:class:`pillscan.pipeline.IntentFeaturizer`); None leaves it out.
    intent_weight: float | None = 1.0
    #: Hold out platform/language styles as well as template families in cross-validation, and choose the
    #: thresholds on the rows held out both ways (see :func:`heldout_splits`).
    hold_out_styles: bool = True


def _fingerprint(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for text, label in zip(frame["text"], frame["label"], strict=True):
        digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _plateau_centre(cuts: np.ndarray, f1: np.ndarray, tolerance: float) -> float:
    """The middle (in score) of the cuts whose ``f1`` is within ``tolerance`` of the best (-1 marks excluded
    cuts). All such cuts, not only the run around the best one: on a finite held-out sample F1 is noisy, so that
    run breaks off near wherever the noise put the peak."""
    good = cuts[f1 >= f1.max() - tolerance]
    return float((good.min() + good.max()) / 2)


def choose_thresholds(
    labels: np.ndarray,
    probs: np.ndarray,
    offer_precision: float,
    review_recall: float,
    weights: np.ndarray | None = None,
    f1_tolerance: float = OFFER_F1_TOLERANCE,
) -> dict:
    """Thresholds from held-out scores: ``offer`` is the middle of the cuts whose F1 is within ``f1_tolerance``
    of the best F1 among cuts whose precision reaches ``offer_precision``; ``review`` is the highest cut that
    still catches ``review_recall`` of the offers but at least :data:`REVIEW_FLOOR` times ``offer``. ``weights``:
    how much each row counts (a team's labelled rows count with their training weight).

    Why the middle and not the best cut: held-out F1 is flat over a wide range of cuts (0.30-0.55 within 0.01
    for the default model), so where exactly it peaks is noise; the arg-max moved the offer threshold between
    0.25 and 0.50 from one training seed to the next, and with it every precision/recall figure."""
    precision, recall, cuts = precision_recall_curve(labels, probs, sample_weight=weights)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = precision >= offer_precision
    offer = _plateau_centre(cuts, np.where(ok, f1, -1.0), f1_tolerance) if ok.any() else 0.99
    reach = np.where(recall >= review_recall)[0]
    offer = min(max(offer, 0.05), 0.99)
    review = float(cuts[reach[-1]]) if len(reach) else 0.0
    review = max(review, offer * REVIEW_FLOOR)  # a post under half the offer threshold is no close call
    return {"offer": round(offer, 4), "review": round(min(max(review, 0.02), offer), 4)}


def _styles(frame: pd.DataFrame) -> np.ndarray:
    """A row's style: its platform and language (``?`` where the corpus does not say)."""
    platform = frame["platform"].astype(str) if "platform" in frame else pd.Series("?", index=frame.index)
    lang = frame["lang"].astype(str) if "lang" in frame else pd.Series("?", index=frame.index)
    return (platform.fillna("?") + ":" + lang.fillna("?")).to_numpy()


def heldout_splits(
    groups: np.ndarray, styles: np.ndarray, folds: int, *, styles_out: bool = True
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Cross-validation folds that hold out template families and, with ``styles_out``, styles too.

    Fold k tests on the k-th share of the families (GroupKFold) and trains on the rows of the other families
    whose style (platform and language) is not in the k-th share of the styles. Returns the ``(train, test)``
    index pairs and a mask of the test rows whose style was held out as well: rows the fold's model saw
    neither the family nor the style of. Without ``styles_out`` it is GroupKFold on families and the mask is
    all False.
    """
    shifted = np.zeros(len(groups), dtype=bool)
    family_folds = list(GroupKFold(n_splits=folds).split(groups, groups=groups))
    unique_styles = np.unique(styles)
    if not styles_out or len(unique_styles) < folds:
        return family_folds, shifted
    style_fold = dict(
        zip(
            unique_styles[np.argsort([hashlib.sha256(s.encode()).hexdigest() for s in unique_styles])],
            np.arange(len(unique_styles)) % folds,
            strict=True,
        )
    )
    row_style_fold = np.array([style_fold[s] for s in styles])
    splits = []
    for k, (train_idx, test_idx) in enumerate(family_folds):
        splits.append((train_idx[row_style_fold[train_idx] != k], test_idx))
        shifted[test_idx[row_style_fold[test_idx] == k]] = True
    return splits, shifted


#: The default weight of a team's labelled ("extra") rows. The rule: together they weigh EXTRA_SHARE of what the
#: generated rows weigh (one each), so that a few hundred real labels matter against ~30,000 generated rows however
#: many there are (200 labels on 29,508 generated rows: 73.8 each; 2,000: 7.4), and no single row weighs more than
#: EXTRA_WEIGHT_CAP generated rows (a handful of labels, or one wrong one, cannot outweigh a generated template
#: family, ~200 rows) nor less than one. ``--extra-weight`` sets a fixed weight instead.
EXTRA_SHARE = 0.5
EXTRA_WEIGHT_CAP = 100.0


def extra_row_weight(generated_rows: int, extra_rows: int) -> float:
    """The default weight of each of ``extra_rows`` labelled rows added to ``generated_rows`` (see EXTRA_SHARE)."""
    if extra_rows <= 0:
        return 1.0
    return round(min(EXTRA_WEIGHT_CAP, max(1.0, EXTRA_SHARE * generated_rows / extra_rows)), 2)


def load_extra(
    paths: Sequence[str | Path], *, folds: int = 3, text_col: str | None = None, label_col: str | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Read and validate extra labelled files (before any generating or fitting): the rows to add (labels 0/1;
    -1 and skip rows are counted and left out) and, per file, what the card records about it.

    Each file's rows are spread over ``folds`` groups (alternating within each label), so that grouped
    cross-validation holds out a share of them in each fold: their out-of-fold scores tell how the model does
    on labels it was not trained on.
    """
    from pillscan.labels import read_labels

    frames, records = [], []
    for path in paths:
        labels = read_labels(path, text_col=text_col, label_col=label_col)
        frame = labels.frame[labels.frame["label"].isin([0, 1])].reset_index(drop=True)
        if frame.empty:
            raise InputError(f"{path}: no rows labelled offer (1) or not an offer (0) ({labels.describe()})")
        rank = frame.groupby("label").cumcount().to_numpy()
        name = Path(path).name
        frames.append(
            pd.DataFrame(
                {
                    "text": frame["text"].astype(str),
                    "label": frame["label"].astype(int),
                    "template": [f"extra:{name}:{k % max(folds, 1)}" for k in rank],
                    "kind": frame["kind"].astype(str) if "kind" in frame else "extra",
                    "obfuscation": -1,
                    "extra": True,
                }
            )
        )
        records.append(
            {
                "file": name,
                "sha256": labels.sha256,
                "rows": labels.rows_in_file,
                "rows_used": len(frame),
                "offers": int((frame["label"] == 1).sum()),
                "not_offers": int((frame["label"] == 0).sum()),
                "left_out": labels.rows_in_file - len(frame),
            }
        )
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), records


def _extra_before_after(
    baseline: Any, frame: pd.DataFrame, is_extra: np.ndarray, probs: np.ndarray, cut: float
) -> dict[str, Any]:
    """Metrics on the extra rows: out of fold ("after") and, with a baseline model, before retraining."""
    if not is_extra.any():
        return {}
    y = frame["label"].to_numpy(dtype=int)[is_extra]
    after = binary_metrics(y, probs[is_extra] >= cut, probs[is_extra]).to_dict()
    out: dict[str, Any] = {"rows": int(is_extra.sum()), "after": {**after, "threshold": cut}}
    if baseline is not None:
        scores = np.asarray(baseline.predict_proba(frame["text"].astype(str)[is_extra].tolist()))
        base_cut = float(baseline.thresholds["offer"])
        before = binary_metrics(y, scores >= base_cut, scores).to_dict()
        out["before"] = {**before, "threshold": base_cut, "model": str(getattr(baseline, "name", "model"))}
    return out


def _splits(
    frame: pd.DataFrame, folds: int, config: TrainConfig
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The cross-validation folds of ``frame`` (see :func:`heldout_splits`)."""
    groups = frame["template"].astype(str).to_numpy()
    return heldout_splits(groups, _styles(frame), folds, styles_out=config.hold_out_styles)


def _fit(pipe: Any, texts: list[str], labels: np.ndarray, weights: np.ndarray | None) -> Any:
    """Fit a pipeline, passing per-row weights to its final step (the classifier) when there are any."""
    if weights is None:
        return pipe.fit(texts, labels)
    return pipe.fit(texts, labels, **{f"{pipe.steps[-1][0]}__sample_weight": weights})


def train_model(
    data: pd.DataFrame | str | Path | None = None,
    *,
    extra: Sequence[str | Path] = (),
    config: TrainConfig = TrainConfig(),
    progress: Callable[[str], None] | None = None,
    extra_weight: float | None = None,
    extra_text_col: str | None = None,
    extra_label_col: str | None = None,
    baseline: Any = None,
    feature_cache: bool | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Train, cross-validate on held-out template families, calibrate and choose thresholds.

    ``data`` is a generated corpus (frame or file); ``None`` generates the default one. ``extra`` files are a
    team's own labelled rows (validated first, see :func:`load_extra`), each weighing ``extra_weight``
    generated rows (None: :func:`extra_row_weight`). Returns the fitted model (with its card) and the held-out
    metrics; with extra rows these include ``extra_heldout``: the extra rows scored out of fold ("after": by the
    fold model that did not see them) and, when a ``baseline`` model is given, by that model ("before"). The
    offer threshold is chosen on the held-out generated rows and the extra rows' out-of-fold scores together,
    each extra row counted with its weight.

    ``feature_cache`` (default: on when extra rows are added to the generated corpus) reads the generated
    corpus and its fitted features from the cache of :mod:`pillscan.featurecache` (building it the first time),
    so that only the classifiers are refitted; the card records it under ``training.features``.
    """
    say = progress or log.info
    source: dict[str, Any]
    started = time.perf_counter()
    if extra_weight is not None and (extra_weight <= 0 or not math.isfinite(extra_weight)):
        raise InputError(f"the extra rows' weight must be a positive number, not {extra_weight}")
    extra_frame, extra_files = load_extra(extra, folds=config.folds, text_col=extra_text_col, label_col=extra_label_col)
    for record in extra_files:
        say(
            f"extra rows from {record['file']}: using {record['rows_used']} of {record['rows']} "
            f"({record['offers']} offers, {record['not_offers']} not offers)"
        )
    cached = None
    if data is None and (len(extra_frame) > 0 if feature_cache is None else feature_cache):
        from pillscan.featurecache import corpus_features

        cached = corpus_features(config, say, lambda corpus, folds: _splits(corpus, folds, config))
        corpus = cached.corpus
        source = {
            "generator_seed": config.seed,
            "generated_rows": config.n,
            "positive_rate": config.positive_rate,
            "features": cached.card(),
        }
    elif data is None:
        from pillscan.generate import generate_corpus

        say(f"generating {config.n:,} synthetic rows (seed {config.seed})")
        corpus = generate_corpus(config.n, seed=config.seed, positive_rate=config.positive_rate)
        source = {
            "generator_seed": config.seed,
            "generated_rows": config.n,
            "positive_rate": config.positive_rate,
        }
    elif isinstance(data, pd.DataFrame):
        corpus, source = data, {"frame_rows": len(data)}
    else:
        corpus = load_labelled(data)
        source = {"file": Path(data).name}
    if "template" not in corpus:
        raise InputError("training data needs a `template` column (the grammar family) for grouped evaluation")
    corpus = corpus[corpus["label"].isin([0, 1])]
    if "kind" in corpus and config.exclude_kinds:
        corpus = corpus[~corpus["kind"].isin(config.exclude_kinds)]
    corpus = corpus.reset_index(drop=True)
    frame = pd.concat([corpus, extra_frame], ignore_index=True) if len(extra_frame) else corpus
    is_extra = np.arange(len(frame)) >= len(corpus)
    weight_rule = "given" if extra_weight is not None else f"default: together {EXTRA_SHARE:g} of the generated rows"
    if extra_weight is None:
        extra_weight = extra_row_weight(len(corpus), int(is_extra.sum()))
    if is_extra.any():
        say(f"each of your {int(is_extra.sum())} rows weighs {extra_weight:g} generated rows")
    weights = np.where(is_extra, extra_weight, 1.0) if is_extra.any() else None
    texts = frame["text"].astype(str).tolist()
    labels = frame["label"].to_numpy(dtype=int)
    groups = frame["template"].astype(str).to_numpy()
    if len(set(labels)) < 2:
        raise InputError("training data needs both offers (label 1) and non-offers (label 0)")

    n_groups = len(set(groups))
    folds = min(config.folds, n_groups)
    raw_oof = np.zeros(len(frame))
    # The cascade's stage two is fitted per fold too, so its cut is chosen on held-out families (see below).
    stage2_oof = np.zeros(len(frame))
    if cached is not None:
        from pillscan.featurecache import FoldMatrices, extra_splits

        extra_texts = texts[len(corpus) :]
        normalized_new, counts_new = normalize_and_count(extra_texts)
        normalized_all = cached.normalized + list(normalized_new)
        counts_all = np.vstack([cached.counts, np.asarray(counts_new).reshape(len(extra_texts), -1)])
        extra_folds = np.array([int(g.rsplit(":", 1)[1]) % len(cached.splits) for g in groups[len(corpus) :]], int)
        splits, shifted = extra_splits(cached, extra_folds)
        clf_template = build_pipeline(C=config.C, seed=config.seed, intent_weight=config.intent_weight).steps[-1][1]
        matrices = FoldMatrices(cached, extra_texts, clf_template)
        folds = len(splits)
    else:
        normalized_all, counts_all = normalize_and_count(texts)
        splits, shifted = _splits(frame, folds, config)
    say(
        f"grouped cross-validation: {folds} folds over {n_groups} template families"
        + (" and platform/language styles" if config.hold_out_styles else "")
        + f", {len(frame):,} rows"
    )
    for fold, (train_idx, test_idx) in enumerate(splits, 1):
        if cached is not None:
            raw_oof[test_idx] = matrices.fold_raw(fold - 1, train_idx, test_idx, labels, weights)
        else:
            pipe = build_pipeline(C=config.C, seed=config.seed, intent_weight=config.intent_weight)
            fold_weights = None if weights is None else weights[train_idx]
            _fit(pipe, [texts[i] for i in train_idx], labels[train_idx], fold_weights)
            probe = Model(pipeline=pipe, calibration=(1.0, 0.0), thresholds={}, card={})
            raw_oof[test_idx] = probe.decision_function([texts[i] for i in test_idx])
        stage2 = fit_word_stage(
            [normalized_all[i] for i in train_idx],
            counts_all[train_idx],
            labels[train_idx],
            sample_weight=None if weights is None else weights[train_idx],
        )
        stage2_oof[test_idx] = stage2.raw([normalized_all[i] for i in test_idx], counts_all[test_idx])
        say(f"  fold {fold}/{folds} done ({time.perf_counter() - started:.0f} s)")

    platt = LogisticRegression(C=1e4).fit(raw_oof.reshape(-1, 1), labels)
    calibration = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    probs = 1.0 / (1.0 + np.exp(-(calibration[0] * raw_oof + calibration[1])))
    # Thresholds from the rows held out twice over (their family and their platform/language style were both
    # unseen by the fold's model): real posts differ from the generator in both ways at once.
    pick = shifted if shifted.any() and len(set(labels[shifted])) == 2 else np.ones(len(frame), bool)
    # A team's labelled rows (scored out of fold) join them, each counted with its training weight: they are the
    # best evidence there is about the posts the team scans.
    cut_rows = pick | is_extra
    thresholds = choose_thresholds(
        labels[cut_rows],
        probs[cut_rows],
        config.offer_precision,
        config.review_recall,
        None if weights is None else weights[cut_rows],
        config.offer_f1_tolerance,
    )

    flagged = probs >= thresholds["offer"]
    heldout = binary_metrics(labels, flagged, probs).to_dict()
    extra_heldout = _extra_before_after(baseline, frame, is_extra, probs, thresholds["offer"])
    heldout_shifted = binary_metrics(labels[pick], flagged[pick], probs[pick]).to_dict()
    by_obfuscation = {}
    if "obfuscation" in frame:
        for level, idx in frame.groupby("obfuscation").indices.items():
            positives = idx[labels[idx] == 1]
            if len(positives) and int(np.asarray(level).item()) >= 0:
                by_obfuscation[str(level)] = round(float(flagged[positives].mean()), 4)
    by_kind = (
        {str(kind): round(float(flagged[idx].mean()), 4) for kind, idx in frame.groupby("kind").indices.items()}
        if "kind" in frame
        else {}
    )

    # The cascade. Rows with no drug evidence (evidence_mask) would be one cheap stage, but on held-out families
    # it clears offers that name no drug ("finals help, link in bio") and costs F1, so it is only recorded here
    # (cleared_raw, for comparison and old bundles). The stage that runs is the word stage: a word-level model
    # that clears rows scoring below a cut chosen on held-out families so that CASCADE_KEEP of the rows the full
    # model puts at review or offer still reach it. The card records the share cleared and the held-out F1.
    evidence = evidence_mask(counts_all)
    cleared_raw = float(np.median(raw_oof[~evidence])) if (~evidence).any() else None
    cascade: dict[str, Any] = {"enabled": cleared_raw is not None}
    stage2_cut: float | None = None
    stage2_raw = 0.0
    flagged_full = probs >= thresholds["review"]
    if flagged_full.any():
        ranked = np.sort(stage2_oof[flagged_full])
        stage2_cut = float(ranked[math.floor((1.0 - CASCADE_KEEP) * len(ranked))])
    cleared2 = stage2_oof < stage2_cut if stage2_cut is not None else np.zeros(len(frame), bool)
    if cleared2.any():
        stage2_raw = float(np.median(raw_oof[cleared2]))
    else:
        stage2_cut = None
    cascade["enabled"] = stage2_cut is not None or cleared_raw is not None

    def prob(raw: float) -> float:
        return 1.0 / (1.0 + math.exp(-(calibration[0] * raw + calibration[1])))

    def f1_when_cleared(cleared: np.ndarray, raw: float) -> float:
        return round(binary_metrics(labels, np.where(cleared, prob(raw), probs) >= thresholds["offer"]).f1, 4)

    cascade.update(
        {
            "stage": "word" if stage2_cut is not None else "evidence",
            "heldout_f1_full_model": round(heldout["f1"], 4),
            "word_stage_keep": CASCADE_KEEP,
            "word_stage_cut": None if stage2_cut is None else round(stage2_cut, 4),
            "word_stage_cleared_raw": round(stage2_raw, 4),
            "word_stage_rows_cleared": round(float(cleared2.mean()), 4),
            "word_stage_offers_cleared": round(float((cleared2 & (labels == 1)).sum() / max(labels.sum(), 1)), 4),
            "heldout_f1_word_stage": f1_when_cleared(cleared2, stage2_raw),
        }
    )
    if cleared_raw is not None:
        cascade.update(
            {
                "cleared_raw": round(cleared_raw, 4),
                "evidence_rows_cleared": round(float((~evidence).mean()), 4),
                "evidence_offers_cleared": round(float((~evidence & (labels == 1)).sum() / max(labels.sum(), 1)), 4),
                "heldout_f1_evidence_stage": f1_when_cleared(~evidence, cleared_raw),
            }
        )

    say(f"fitting the final model on all {len(frame):,} rows")
    unfitted = build_pipeline(C=config.C, seed=config.seed, intent_weight=config.intent_weight)
    if cached is not None:
        pipeline = matrices.final_pipeline(unfitted, labels, weights)
    else:
        pipeline = _fit(unfitted, texts, labels, weights)
    elapsed = time.perf_counter() - started
    curve = []
    for cut in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        at = binary_metrics(labels, probs >= cut)
        curve.append({"threshold": cut, "precision": round(at.precision, 4), "recall": round(at.recall, 4)})
    metrics = {
        "heldout_templates": heldout,
        "heldout_templates_and_styles": {**heldout_shifted, "rows_share": round(float(pick.mean()), 4)},
        "heldout_curve": curve,
        "cascade": cascade,
        "heldout_recall_by_obfuscation": by_obfuscation,
        "heldout_flag_rate_by_kind": by_kind,
    }
    if extra_heldout:
        metrics["extra_heldout"] = extra_heldout
    card = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "description": "Flags posts that offer prescription-type pills for sale (counterfeit Xanax, Adderall, "
        "Oxy/Percocet, M30 blues, ...).",
        "intended_use": "Triage of social-media posts, listings and messages by trust-and-safety teams, "
        "researchers and investigators; a human reviews what is flagged.",
        "limitations": "Trained only on synthetic text that pillscan generates (English and Spanish); real "
        "slang moves fast, and posts unlike any template family may be missed. Scores are calibrated on "
        "held-out synthetic families, not on real text.",
        "training": {
            "rows": len(frame),
            "offers": int(labels.sum()),
            "template_families": n_groups,
            "extra_files": [Path(p).name for p in extra],
            "extra": [{**record, "weight": extra_weight, "weight_rule": weight_rule} for record in extra_files],
            "sha256": _fingerprint(frame),
            "seconds": round(elapsed, 1),
            "config": {k: getattr(config, k) for k in config.__dataclass_fields__},
            **source,
        },
        "metrics": metrics,
    }
    say(f"trained in {elapsed:.0f} s; held-out families: PR-AUC {heldout['pr_auc']}, F1 {heldout['f1']}")
    model = Model(pipeline=pipeline, calibration=calibration, thresholds=thresholds, card=card, cleared_raw=cleared_raw)
    if stage2_cut is not None:
        # The cascade (continued): the final word stage is fitted on all rows, with the held-out cut.
        model.word_stage = fit_word_stage(normalized_all, counts_all, labels, sample_weight=weights)
        model.word_stage.cut = stage2_cut
        model.word_stage.cleared_raw = stage2_raw
    return model, metrics


def _format_before_after(extra: dict[str, Any], baseline: Any, extra_files: list[dict[str, Any]]) -> list[str]:
    def line(name: str, m: dict[str, Any]) -> str:
        scores = f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"
        return f"  {name:<7} {scores}  (threshold {m['threshold']:.3f})"

    lines = [f"your {extra['rows']} labelled rows (offer vs not), each scored without having been trained on:"]
    if "before" in extra:
        lines.append(line("before", extra["before"]) + f"  model {extra['before']['model']}")
        seen = {e.get("sha256") for e in (getattr(baseline, "card", {}).get("training", {}).get("extra") or [])}
        if seen & {e["sha256"] for e in extra_files}:
            lines.append("          (that model was trained on some of these files: its figures are not held out)")
    lines.append(line("after", extra["after"]) + "  out of fold (each row scored by a fold model without it)")
    return lines


def train_and_save(
    data: str | Path | None = None,
    *,
    extra: Sequence[str | Path] = (),
    extra_weight: float | None = None,
    text_col: str | None = None,
    label_col: str | None = None,
    config: TrainConfig = TrainConfig(),
    output: str | Path | None = None,
    set_default: bool = False,
    progress: Callable[[str], None] | None = None,
    echo: Callable[[str], Any] = print,
) -> Path:
    """What ``pillscan train`` does: train (extra files validated first), save, say where and how it did.

    Without ``output`` the model goes to the user data directory (never into the package or a checkout);
    ``set_default`` makes it the model every command uses (see :mod:`pillscan.config`).
    """
    from pillscan.config import set_default_model, user_models_dir
    from pillscan.model import card_path_for, load_model, save_model

    target = Path(output) if output is not None else user_models_dir() / "pillscan-custom.joblib"
    load_extra(extra, folds=config.folds, text_col=text_col, label_col=label_col)  # fail fast, before loading anything
    baseline = load_model() if extra else None  # "before": the model the commands use now
    model, metrics = train_model(
        data,
        extra=extra,
        config=config,
        progress=progress,
        extra_weight=extra_weight,
        extra_text_col=text_col,
        extra_label_col=label_col,
        baseline=baseline,
    )
    path = save_model(model, target)
    held = metrics["heldout_templates"]
    echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and its card {card_path_for(path).name}")
    echo(f"held-out template families: PR-AUC {held['pr_auc']}  F1 {held['f1']}  thresholds {model.thresholds}")
    if "extra_heldout" in metrics:
        for text in _format_before_after(metrics["extra_heldout"], baseline, model.card["training"]["extra"]):
            echo(text)
    if set_default:
        echo(f"every command now uses {path} (set in {set_default_model(path)}; `pillscan info` shows it)")
    elif output is None:
        echo(
            f"no -o given, so it went to your user data directory. Use it with --model {path}, "
            f"PILLSCAN_MODEL={path}, or `pillscan train ... --set-default`"
        )
    return path
