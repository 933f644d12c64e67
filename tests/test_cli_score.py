"""``pillscan score``: files, directories, globs and stdin; per file or per line; table and machine formats."""

from __future__ import annotations

import csv
import io
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import FakeModel
from pillscan.cli import main

OFFER = "xanax bars, snap me"
CLEAN = "lovely weather for a walk"


@dataclass
class _Explanation:
    top_terms: list[tuple[str, float]] = field(default_factory=list)


class ExplainingFake(FakeModel):
    def explain(self, text: str) -> _Explanation:
        return _Explanation([(w, 1.0) for w in text.split() if w.strip(",").lower() in {"xanax", "snap"}])


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    model = ExplainingFake()
    try:
        import pillscan.model as model_module
    except ImportError:  # the real model module is not importable yet
        model_module = types.ModuleType("pillscan.model")
        monkeypatch.setitem(sys.modules, "pillscan.model", model_module)
    monkeypatch.setattr(model_module, "load_model", lambda path=None, trust=False: model, raising=False)
    return model


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "offer.txt").write_text(OFFER + "\n")
    (tmp_path / "clean.md").write_text(CLEAN + "\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mixed.txt").write_text(f"{CLEAN}\n\n{OFFER}\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0binary")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("xanax snap")
    return tmp_path


def test_one_score_per_file_as_jsonl_when_piped(files: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "score", str(files / "offer.txt"), str(files / "clean.md"))
    assert code == 0
    got = rows(out)
    assert [r["decision"] for r in got] == ["offer", "clean"]
    assert got[0]["name"].endswith("offer.txt") and got[0]["drugs"] == ["xanax"]
    assert {"score", "signals", "reasons"} <= set(got[0])


def test_per_line_names_lines_and_skips_blank_ones(files: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "score", "--per-line", str(files / "sub" / "mixed.txt"))
    assert code == 0
    got = rows(out)
    assert [r["name"].rsplit(":", 1)[1] for r in got] == ["1", "3"]
    assert [r["decision"] for r in got] == ["clean", "offer"]


def test_directories_recurse_and_skip_binary_and_hidden(files: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "score", str(files))
    assert code == 0
    names = sorted(Path(r["name"]).name for r in rows(out))
    assert names == ["clean.md", "mixed.txt", "offer.txt"]
    assert "binary" in err


def test_globs_are_expanded(files: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "score", str(files / "**" / "*.txt"))
    assert code == 0
    assert sorted(Path(r["name"]).name for r in rows(out)) == ["mixed.txt", "offer.txt"]
    code, _, err = run(capsys, "score", str(files / "*.nothing"))
    assert code == 1 and "no files match" in err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{OFFER}\n{CLEAN}\n"))
    code, out, _ = run(capsys, "score", "--per-line", "-")
    assert code == 0 and [r["decision"] for r in rows(out)] == ["offer", "clean"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(OFFER))
    code, out, _ = run(capsys, "score")  # no FILE and a piped stdin: read it
    assert code == 0 and rows(out)[0]["name"] == "<stdin>"


def test_no_input_on_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", tty)
    assert run(capsys, "score")[0] == 2


def test_formats_json_csv_table(files: Path, capsys: Any) -> None:
    paths = [str(files / "offer.txt"), str(files / "clean.md")]
    code, out, _ = run(capsys, "score", "--format", "json", *paths)
    assert code == 0 and [r["decision"] for r in json.loads(out)] == ["offer", "clean"]
    code, out, _ = run(capsys, "score", "--format", "csv", *paths)
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["decision"] for r in table] == ["offer", "clean"]
    code, out, _ = run(capsys, "score", "--format", "table", *paths)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:2] == ["score", "decision"]
    assert "offer" in lines[1] and "xanax bars" in lines[1] and "clean" in lines[2]
    assert "\x1b[" not in out  # no colour when stdout is not a terminal


def test_explain_adds_top_terms(files: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "score", "--explain", str(files / "offer.txt"))
    assert code == 0 and [t[0] for t in rows(out)[0]["top_terms"]] == ["xanax", "snap"]


def test_fail_on_flag_and_threshold(files: Path, capsys: Any) -> None:
    assert run(capsys, "score", "--fail-on-flag", str(files / "offer.txt"))[0] == 3
    assert run(capsys, "score", "--fail-on-flag", str(files / "clean.md"))[0] == 0
    code, out, _ = run(capsys, "score", "--threshold", "0.95", "--fail-on-flag", str(files / "offer.txt"))
    assert code == 0 and rows(out)[0]["decision"] == "review"


def test_missing_file_is_one_line_error(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(capsys, "score", str(tmp_path / "nope.txt"))
    assert code == 1 and err == f"pillscan: error: no such file: {tmp_path / 'nope.txt'}\n"
