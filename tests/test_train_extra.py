"""``train --extra``: validated before any generating, weighted, recorded in the card, written where it says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pillscan.errors import InputError

# Hand-written for this test (not from shared/external): offers in a style the generator does not write.
OFFERS = [
    "restock day. blue ones n white ones, ask for the sheet",
    "got the good blue ones again, sheet in my close friends",
    "white ones + blue ones back, sheet for regulars only",
    "blue ones are in, ask for the sheet before they go",
    "sheet updated, blue ones and white ones, regulars know",
    "ask for the sheet, white ones restocked today",
]
NOT_OFFERS = [
    "the blue ones on the flag stand for the sea",
    "printed the sheet music for the choir tonight",
    "restock day at the grocery store, so many blue ones (berries)",
    "white ones or blue ones? buying new sneakers lol",
    "my regulars at the cafe know the sheet cake is on fridays",
    "ask for the sheet at the front desk of the hotel",
]


def _labels(path: Path, extra: list[tuple[str, str]] = ()) -> Path:  # type: ignore[assignment]
    rows = [(t, "offer") for t in OFFERS] + [(t, "not_offer") for t in NOT_OFFERS] + list(extra)
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(path, index=False)
    return path


def test_bad_extra_labels_stop_training_before_any_generating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pillscan.generate
    from pillscan.train import train_model

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("generated before validating the extra rows")

    monkeypatch.setattr(pillscan.generate, "generate_corpus", boom)
    bad = _labels(tmp_path / "bad.csv", [("x", "definitely")])
    with pytest.raises(InputError, match="first at line 14: 'definitely'"):
        train_model(extra=[bad])
    with pytest.raises(InputError, match="weight must be a positive number"):
        train_model(extra=[_labels(tmp_path / "ok.csv")], extra_weight=0)


def test_extra_rows_spread_over_folds_and_leave_out_what_cannot_train(tmp_path: Path) -> None:
    from pillscan.train import load_extra

    path = _labels(tmp_path / "l.csv", [("weed carts", "-1"), ("hmm", "skip")])
    frame, records = load_extra([path], folds=3)
    assert len(frame) == 12 and set(frame["label"]) == {0, 1}
    assert sorted(frame["template"].unique()) == ["extra:l.csv:0", "extra:l.csv:1", "extra:l.csv:2"]
    assert frame.groupby("template")["label"].sum().tolist() == [2, 2, 2]  # offers spread evenly too
    (rec,) = records
    assert (rec["rows"], rec["rows_used"], rec["left_out"], rec["offers"]) == (14, 12, 2, 6)


@pytest.mark.slow
def test_weight_moves_the_model_and_the_card_records_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pillscan.generate import generate_corpus
    from pillscan.train import TrainConfig, extra_row_weight, train_and_save, train_model

    corpus = generate_corpus(400, seed=3)
    labels = _labels(tmp_path / "mine.csv")
    config = TrainConfig(n=400, folds=2)
    light, _ = train_model(corpus, extra=[labels], config=config, extra_weight=1.0)
    heavy, metrics = train_model(corpus, extra=[labels], config=config, extra_weight=40.0)
    gap_light = light.predict_proba(OFFERS).mean() - light.predict_proba(NOT_OFFERS).mean()
    gap_heavy = heavy.predict_proba(OFFERS).mean() - heavy.predict_proba(NOT_OFFERS).mean()
    assert gap_heavy > gap_light + 0.1  # heavier extra rows separate the team's own offers better
    assert metrics["extra_heldout"]["rows"] == 12 and 0 <= metrics["extra_heldout"]["after"]["f1"] <= 1

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    said: list[str] = []
    path = train_and_save(extra=[labels], config=config, echo=said.append, set_default=False)
    assert path == tmp_path / "data" / "pillscan" / "models" / "pillscan-custom.joblib"
    card = json.loads(path.with_suffix(".json").read_text())
    (extra,) = card["training"]["extra"]
    assert extra["file"] == "mine.csv" and extra["rows_used"] == 12
    generated = card["training"]["rows"] - 12
    assert extra["weight"] == extra_row_weight(generated, 12) == round(0.5 * generated / 12, 2)
    import hashlib

    assert extra["sha256"] == hashlib.sha256(labels.read_bytes()).hexdigest()
    text = "\n".join(said)
    assert "before" in text and "after" in text and "no -o given" in text and "PILLSCAN_MODEL=" in text
    assert np.isfinite(card["metrics"]["extra_heldout"]["before"]["f1"])


def test_feature_cache_is_built_once_read_back_and_rebuilt_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pillscan.train import TrainConfig, train_model

    monkeypatch.setenv("PILLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    config = TrainConfig(n=900, seed=3)
    labels = _labels(tmp_path / "l.csv")
    first, m1 = train_model(extra=[labels], config=config, progress=lambda _m: None)
    (cache_file,) = (tmp_path / "cache").glob("corpus-features-*.joblib")
    features = first.card["training"]["features"]
    assert features["cache"] == "built" and features["key"] in cache_file.name
    second, m2 = train_model(extra=[labels], config=config, progress=lambda _m: None)
    assert second.card["training"]["features"] == {**features, "cache": "read"}
    # Read back, the cached features train the same model as the run that built them.
    assert m2["extra_heldout"]["after"] == m1["extra_heldout"]["after"]
    assert np.allclose(second.predict_proba(OFFERS + NOT_OFFERS), first.predict_proba(OFFERS + NOT_OFFERS))
    cache_file.write_bytes(b"not a cache")
    third, _ = train_model(extra=[labels], config=config, progress=lambda _m: None)
    assert third.card["training"]["features"]["cache"] == "built"
    # Another corpus is another key.
    other, _ = train_model(extra=[labels], config=TrainConfig(n=900, seed=4), progress=lambda _m: None)
    assert other.card["training"]["features"]["key"] != features["key"]


def test_the_default_extra_weight_rule() -> None:
    """Labelled rows together weigh half the generated rows, each between 1 and 100 generated rows."""
    from pillscan.train import EXTRA_WEIGHT_CAP, extra_row_weight

    assert extra_row_weight(29_508, 200) == 73.77  # 200 labels: 14,754 rows' worth, half of 29,508
    assert extra_row_weight(29_508, 2_000) == 7.38
    assert extra_row_weight(29_508, 10) == EXTRA_WEIGHT_CAP  # ten labels cannot outweigh a template family
    assert extra_row_weight(29_508, 100_000) == 1.0  # never less than a generated row
    assert extra_row_weight(29_508, 0) == 1.0


def test_threshold_counts_the_labelled_rows_with_their_weight() -> None:
    """The offer threshold is chosen on held-out rows where each row counts with its weight: heavy rows whose
    best cut differs from the rest move it there."""
    from pillscan.train import choose_thresholds

    rng = np.random.default_rng(0)
    # Generated rows: offers score high, the best cut is high. Labelled rows: offers score ~0.3.
    gen_y = np.r_[np.ones(500), np.zeros(500)].astype(int)
    gen_p = np.r_[rng.uniform(0.6, 1.0, 500), rng.uniform(0.0, 0.5, 500)]
    own_y = np.r_[np.ones(50), np.zeros(50)].astype(int)
    own_p = np.r_[rng.uniform(0.25, 0.35, 50), rng.uniform(0.0, 0.2, 50)]
    y, p = np.r_[gen_y, own_y], np.r_[gen_p, own_p]
    light = choose_thresholds(y, p, 0.75, 0.95, np.r_[np.ones(1000), np.ones(100)])["offer"]
    heavy = choose_thresholds(y, p, 0.75, 0.95, np.r_[np.ones(1000), np.full(100, 80.0)])["offer"]
    assert light > 0.45 and heavy < 0.3


def test_train_says_how_many_rows_of_each_file_it_uses_before_it_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pillscan.generate
    from pillscan.train import TrainConfig, train_model

    class Stop(Exception):
        pass

    def stop(*args: object, **kwargs: object) -> None:
        raise Stop

    monkeypatch.setattr(pillscan.generate, "generate_corpus", stop)
    said: list[str] = []
    labels = _labels(tmp_path / "mine.csv", [("weed carts", "-1"), ("hmm", "skip")])
    with pytest.raises(Stop):
        train_model(extra=[labels], config=TrainConfig(n=400), progress=said.append, feature_cache=False)
    assert said[0] == "extra rows from mine.csv: using 12 of 14 (6 offers, 6 not offers)"


def _feedback_benchmark() -> object:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "feedback.py"
    spec = importlib.util.spec_from_file_location("feedback_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_feedback_benchmark_oracle_f1_is_the_best_any_threshold_gives() -> None:
    """The benchmark's diagnostic column: the best F1 over all thresholds, not the F1 at the model's own."""
    bench = _feedback_benchmark()
    labels = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    scores = np.array([0.9, 0.8, 0.35, 0.3, 0.2, 0.1, 0.05, 0.6])
    # Cut at 0.35 flags 0.9, 0.8, 0.6, 0.35: 3 of 4 offers, 1 false alarm -> P 0.75, R 0.75, F1 0.75.
    # Cut at 0.8 flags two offers only -> P 1, R 0.5, F1 0.667; no cut does better than 0.75.
    assert bench.best_f1(labels, scores) == pytest.approx(0.75)  # type: ignore[attr-defined]
    perfect = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.6, 0.4])
    assert bench.best_f1(labels, perfect) == pytest.approx(1.0)  # type: ignore[attr-defined]


def test_feedback_benchmark_refuses_an_unknown_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _feedback_benchmark()
    (tmp_path / "realworld-dev.csv").write_text("text,label\nx,1\n", encoding="utf-8")
    assert bench.main(["--external", str(tmp_path), "--files", "other.csv"]) == 2  # type: ignore[attr-defined]
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "other.csv" in err and "handwritten-dev.jsonl" in err
