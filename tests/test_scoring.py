"""pillscan.scoring: `pillscan score` as a library (inputs, batches, the four output formats)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from pillscan.errors import InputError
from pillscan.records import Result, Signal
from pillscan.scoring import BATCH, SCORE_FORMATS, ScoredText, iter_texts, open_score_writer, score_texts


class KeywordModel:
    """Scores 0.9 for texts that mention xanax, else 0.1; counts its calls (to see the batches)."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, texts: Sequence[str], *, threshold: float | None = None) -> list[Result]:
        self.calls.append(len(texts))
        cut = 0.5 if threshold is None else threshold
        out = []
        for text in texts:
            hit = "xanax" in text
            score = 0.9 if hit else 0.1
            signals = (
                (Signal("drug:alprazolam", 0, 5, "xanax"), Signal("drug:alprazolam", 9, 14, "xanax")) if hit else ()
            )
            out.append(
                Result(
                    score=score,
                    decision="offer" if score >= cut else "clean",
                    drugs=("alprazolam",) if hit else (),
                    signals=signals,
                    reasons=('names alprazolam ("xanax")',) if hit else (),
                )
            )
        return out


class Explaining(KeywordModel):
    def explain(self, text: str) -> object:
        class _Exp:
            top_terms = [("xanax", 1.5)] if "xanax" in text else []

        return _Exp()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "b.txt").write_text("xanax bars\nhello\n\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("just weather", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("more xanax", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("xanax hidden", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01xanax")
    return tmp_path


def test_a_directory_is_walked_sorted_without_hidden_names_and_binaries_are_reported(tree: Path) -> None:
    warnings: list[str] = []
    found = list(iter_texts([str(tree)], warn=warnings.append))
    assert [Path(name).relative_to(tree).as_posix() for name, _ in found] == ["a.txt", "b.txt", "sub/c.md"]
    assert warnings == [f"skipped {tree / 'blob.bin'}: binary file"]


def test_per_line_names_each_non_blank_line(tree: Path) -> None:
    found = list(iter_texts([str(tree / "b.txt")], per_line=True))
    assert found == [(f"{tree / 'b.txt'}:1", "xanax bars"), (f"{tree / 'b.txt'}:2", "hello")]


def test_globs_stdin_and_missing_inputs(tree: Path) -> None:
    assert [name for name, _ in iter_texts([str(tree / "*.txt")])] == [str(tree / "a.txt"), str(tree / "b.txt")]
    assert list(iter_texts(["-"], stdin=io.StringIO("piped xanax"))) == [("<stdin>", "piped xanax")]
    with pytest.raises(InputError, match="no files match"):
        list(iter_texts([str(tree / "*.nothing")]))
    with pytest.raises(InputError, match="no such file: "):
        list(iter_texts([str(tree / "missing.txt")]))


def test_texts_are_scored_in_batches_in_order() -> None:
    model = KeywordModel()
    items = [(f"t{i}", "xanax" if i % 3 == 0 else "no") for i in range(BATCH + 5)]
    scored = list(score_texts(model, items))
    assert model.calls == [BATCH, 5]
    assert [s.name for s in scored] == [name for name, _ in items]
    assert [s.result.decision for s in scored[:3]] == ["offer", "clean", "clean"]
    assert [s.result.decision for s in score_texts(model, items[:3], threshold=0.95)] == ["clean"] * 3


def test_explain_adds_terms_only_when_the_model_explains() -> None:
    def terms(model: KeywordModel, explain: bool) -> tuple[tuple[str, float], ...]:
        return next(score_texts(model, [("n", "xanax")], explain=explain)).top_terms

    assert terms(Explaining(), True) == (("xanax", 1.5),)
    assert terms(Explaining(), False) == ()
    assert terms(KeywordModel(), True) == ()


def _write(fmt: str, scored: list[ScoredText], **kw: object) -> str:
    stream = io.StringIO()
    writer = open_score_writer(fmt, stream, **kw)  # type: ignore[arg-type]
    for item in scored:
        writer.write(item)
    writer.finish()
    return stream.getvalue()


SCORED = list(score_texts(Explaining(), [("a.txt", "xanax xanax, dm me"), ("b.txt", "nice day")], explain=True))


def test_jsonl_and_json_hold_the_same_rows_with_signals_named_once() -> None:
    lines = [json.loads(line) for line in _write("jsonl", SCORED).splitlines()]
    assert lines == json.loads(_write("json", SCORED))
    assert lines[0] == {
        "name": "a.txt",
        "score": 0.9,
        "decision": "offer",
        "drugs": ["alprazolam"],
        "signals": ["drug:alprazolam"],
        "reasons": ['names alprazolam ("xanax")'],
    }
    assert json.loads(_write("jsonl", SCORED, explain=True).splitlines()[0])["top_terms"] == [["xanax", 1.5]]
    assert _write("json", []) == "[]\n"


def test_csv_has_a_header_and_one_row_per_text() -> None:
    rows = list(csv.reader(io.StringIO(_write("csv", SCORED, explain=True))))
    assert rows[0] == ["name", "score", "decision", "drugs", "reasons", "top_terms"]
    assert rows[1] == ["a.txt", "0.9", "offer", "alprazolam", 'names alprazolam ("xanax")', "xanax"]
    assert len(rows) == 3


def test_the_table_colours_only_when_asked_and_strips_escapes_otherwise() -> None:
    hostile = list(score_texts(KeywordModel(), [("x", "xanax \033[31mred\033[0m")]))
    plain = _write("table", hostile)
    assert "\033" not in plain and plain.splitlines()[0].split() == ["score", "decision", "drugs", "reasons", "text"]
    coloured = _write("table", hostile, color=True)
    assert "\033[31m\033[1moffer   \033[0m" in coloured
    long = list(score_texts(KeywordModel(), [("x", "word " * 100)]))
    row = _write("table", long, width=110).splitlines()[1]
    assert row.endswith("  " + ("word " * 7)[:32] + "…  [x]")  # the text gets 110 - 72 - 1 - 4 = 33 columns
    assert "words: xanax (+1.50)" in _write("table", SCORED)


def test_unknown_format_is_a_clear_error() -> None:
    assert SCORE_FORMATS == ("table", "json", "jsonl", "csv")
    with pytest.raises(InputError, match="unknown score format 'xml'"):
        open_score_writer("xml", io.StringIO())
