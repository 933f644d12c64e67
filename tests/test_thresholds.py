"""Cross-validation folds that hold out template families and platform/language styles (train.heldout_splits)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold

from pillscan.train import heldout_splits


def _corpus(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    families = np.array([f"family{i}" for i in rng.integers(0, 30, n)])
    styles = np.array(
        [
            f"{p}:{lang}"
            for p, lang in zip(
                rng.choice(["x", "sms", "reddit", "tiktok", "email"], n), rng.choice(["en", "es"], n), strict=True
            )
        ]
    )
    return families, styles


def test_test_families_and_held_out_styles_never_reach_training():
    families, styles = _corpus()
    splits, shifted = heldout_splits(families, styles, 3)
    assert len(splits) == 3
    tested = np.concatenate([test for _, test in splits])
    assert sorted(tested.tolist()) == list(range(len(families)))  # every row is held out exactly once
    for train, test in splits:
        assert not set(families[train]) & set(families[test])
        doubly = test[shifted[test]]
        assert len(doubly)
        assert not set(styles[train]) & set(styles[doubly])  # their style is unseen too
        assert len(train) < len(families) - len(test)  # the held-out styles' rows left training
    assert 0.1 < shifted.mean() < 0.6


def test_without_styles_it_is_group_kfold_on_families():
    families, styles = _corpus()
    splits, shifted = heldout_splits(families, styles, 3, styles_out=False)
    expected = list(GroupKFold(n_splits=3).split(families, groups=families))
    assert all(np.array_equal(a, c) and np.array_equal(b, d) for (a, b), (c, d) in zip(splits, expected, strict=True))
    assert not shifted.any()


def test_too_few_styles_falls_back_to_families_only():
    families, _ = _corpus()
    splits, shifted = heldout_splits(families, np.array(["x:en"] * len(families)), 3)
    assert not shifted.any() and len(splits) == 3


def test_style_folds_do_not_depend_on_row_order():
    families, styles = _corpus()
    _, shifted = heldout_splits(families, styles, 3)
    order = np.random.default_rng(1).permutation(len(families))
    _, shifted_again = heldout_splits(families[order], styles[order], 3)
    # GroupKFold assigns families by size, so the same families are tested together; styles by a hash.
    assert shifted_again.sum() == shifted.sum()


def _flat_peak_scores(seed: int, n: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Held-out-like scores whose F1 is flat over a wide band of cuts: most offers score high and most
    non-offers low, and a share of each is spread evenly, in the proportion that makes every middle cut as good."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(int)
    spread = rng.random(n)
    offers = np.where(spread >= 0.4, rng.beta(12, 1.5, n), rng.uniform(0, 1, n))
    others = np.where(spread >= 0.31, rng.beta(1.5, 12, n), rng.uniform(0, 1, n))
    return y, np.where(y == 1, offers, others)


def _argmax_cut(y: np.ndarray, p: np.ndarray, min_precision: float = 0.5) -> float:
    from sklearn.metrics import precision_recall_curve

    precision, recall, cuts = precision_recall_curve(y, p)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(cuts[np.argmax(np.where(precision[:-1] >= min_precision, f1, -1))])


def test_offer_threshold_is_the_middle_of_the_near_best_cuts():
    from sklearn.metrics import f1_score

    from pillscan.train import OFFER_F1_TOLERANCE, choose_thresholds

    y, p = _flat_peak_scores(0, n=20_000)
    offer = choose_thresholds(y, p, 0.5, 0.95)["offer"]  # (a precision floor that binds nowhere here)
    grid = np.linspace(0.05, 0.95, 181)
    f1 = np.array([f1_score(y, p >= c) if (p >= c).any() else 0.0 for c in grid])
    assert f1_score(y, p >= offer) >= f1.max() - OFFER_F1_TOLERANCE  # still a near-best cut
    assert offer > _argmax_cut(y, p) + 0.02 or offer < _argmax_cut(y, p) - 0.02  # not simply the peak
    band = grid[f1 >= f1.max() - OFFER_F1_TOLERANCE]
    assert band.min() + 0.3 * np.ptp(band) <= offer <= band.max() - 0.3 * np.ptp(band)


def test_offer_threshold_moves_less_between_samples_than_the_argmax():
    """Regression: the arg-max of a flat held-out F1 moved the default model's offer threshold between 0.25 and
    0.50 from one training seed to the next. Over samples of one distribution the middle of the near-best cuts
    spreads less."""
    from pillscan.train import choose_thresholds

    samples = [_flat_peak_scores(seed, n=1500) for seed in range(16)]
    middle = [choose_thresholds(y, p, 0.5, 0.95)["offer"] for y, p in samples]
    argmax = [_argmax_cut(y, p) for y, p in samples]
    assert np.std(middle) < 0.75 * np.std(argmax)


def test_the_review_band_reaches_at_most_down_to_half_the_offer_threshold():
    """Regression: on hard held-out families the cut that keeps 95% of the offers fell to 0.11 (offer 0.39), and
    the review band took in 18% of real tweets and 3.7% of random tokens. Review now stops at half the offer."""
    from pillscan.train import REVIEW_FLOOR, choose_thresholds

    rng = np.random.default_rng(3)
    y = np.r_[np.ones(400), np.zeros(600)].astype(int)
    # a tenth of the offers score like non-offers: keeping 95% of them needs a very low cut
    p = np.r_[rng.uniform(0.6, 1.0, 360), rng.uniform(0.0, 0.1, 40), rng.uniform(0.0, 0.3, 600)]
    cut = choose_thresholds(y, p, 0.75, 0.95)
    assert cut["review"] == pytest.approx(REVIEW_FLOOR * cut["offer"], abs=1e-4)
    # where the 95% cut is above the floor it is kept
    easy = np.r_[rng.uniform(0.6, 1.0, 400), rng.uniform(0.0, 0.3, 600)]
    cut = choose_thresholds(y, easy, 0.75, 0.95)
    assert REVIEW_FLOOR * cut["offer"] < cut["review"] <= cut["offer"]
