"""Where a scan writes, under attack (issue 15): planted symlinks are never followed, special files are never
renamed over. Everything here is made in tmp_path (no test touches /dev itself)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pillscan.cli import main

OFFER = "selling oxy 30 m30 blues, cashapp, text me on telegram"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text(f"{OFFER}\nhello there\n")
    return path


def test_planted_side_file_symlinks_are_not_followed(tmp_path: Path, posts: Path, capsys: Any) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    victims = {}
    for side in ("out.jsonl.partial", "s.json.tmp", "r.html.tmp", "e.jsonl.partial", "out.jsonl.checkpoint.json.tmp"):
        victim = tmp_path / f"victim-{side}"
        victim.write_text("precious\n")
        (shared / side).symlink_to(victim)
        victims[side] = victim
    args = ["scan", str(posts), "-o", str(shared / "out.jsonl"), "--summary", str(shared / "s.json")]
    code, _, err = run(capsys, *args, "--report", str(shared / "r.html"), "--errors", str(shared / "e.jsonl"))
    assert code == 0, err
    assert all(v.read_text() == "precious\n" for v in victims.values())
    assert len((shared / "out.jsonl").read_text().splitlines()) == 2
    assert (shared / "s.json").read_text().startswith("{") and "<html" in (shared / "r.html").read_text()


def test_fifo_output_is_refused_not_renamed_over(tmp_path: Path, posts: Path, capsys: Any) -> None:
    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "scan", str(posts), "-o", str(fifo))
    assert code == 1 and "FIFO" in err
    assert fifo.is_fifo()


@pytest.mark.parametrize("option", ["-o", "--summary", "--report", "--errors"])
def test_targets_leading_into_dev_or_proc_are_refused(tmp_path: Path, posts: Path, capsys: Any, option: str) -> None:
    # A symlink made here (never /dev itself): renaming over it would only replace the symlink, and the
    # check refuses it before anything is written.
    link = tmp_path / "stdout-link"
    link.symlink_to("/proc/self/fd/1")
    null_link = tmp_path / "null-link"
    null_link.symlink_to("/dev/null")
    for target in (link, null_link):
        args = ["scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(target)]
        if option == "-o":
            args = ["scan", str(posts), "-o", str(target)]
        code, _, err = run(capsys, *args)
        assert code == 1 and "system file" in err, err
        assert len(err.strip().splitlines()) == 1
        # ... and it says what to do instead: rows on stdout for the output, a regular file for the others.
        if option == "-o":
            assert "use -o - and redirect it (-o - > /dev/null" in err, err
        else:
            assert "to a regular file and read it from there" in err and "-o -" not in err, err
        assert target.is_symlink()
    assert Path("/dev/null").is_char_device()
