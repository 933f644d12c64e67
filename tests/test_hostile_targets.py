"""Where a scan writes, under attack (issue 15): planted symlinks are never followed, special files are never
renamed over: the output and errors file refuse them, the summary and report write to a stream in place. Everything
is made in tmp_path; the one test that writes to /dev/null itself checks it is still the character device after."""

from __future__ import annotations

import json
import os
import socket
import threading
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


@pytest.mark.parametrize("option", ["-o", "--errors"])
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


def _scan_with(tmp_path: Path, posts: Path, capsys: Any, option: str, target: Path) -> tuple[int, str]:
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(target))
    return code, err


def _no_side_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".lock", ".tmp", ".partial")))


@pytest.mark.parametrize("option", ["--summary", "--report"])
def test_summary_and_report_to_a_fifo_are_written_in_place(
    tmp_path: Path, posts: Path, capsys: Any, caplog: Any, option: str
) -> None:
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, err = _scan_with(tmp_path, posts, capsys, option, fifo)
    reader.join(10)
    assert code == 0 and fifo.is_fifo() and got, err
    what = "summary" if option == "--summary" else "report"
    said = [m for m in caplog.messages if m.startswith(f"writing the {what} to {fifo} in place")]
    assert len(said) == 1  # said once, on stderr (a log warning)
    if option == "--summary":
        assert json.loads(got[0])["read"] == 2
    else:
        assert b"<html" in got[0]
    assert _no_side_files(tmp_path) == []


def test_summary_to_stdout_through_a_proc_link_is_written_in_place(tmp_path: Path, posts: Path, capfd: Any) -> None:
    # A symlink to /proc/self/fd/1 (what /dev/stdout is): renamed over, it would have become a regular file.
    link = tmp_path / "stdout-link"
    link.symlink_to("/proc/self/fd/1")
    code = main(["scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--summary", str(link)])
    out, err = capfd.readouterr()
    assert code == 0 and link.is_symlink(), err
    assert json.loads(out)["written"] == 2
    assert _no_side_files(tmp_path) == []


def test_summary_and_report_to_dev_null_leave_it_a_character_device(tmp_path: Path, posts: Path, capsys: Any) -> None:
    before = os.stat("/dev/null")
    dev = sorted(os.listdir("/dev"))
    code, _, err = run(
        capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--summary", "/dev/null", "--report", "/dev/null"
    )
    assert code == 1 and "the summary and the report are the same file" in err  # (one stream, two files: refused)
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--summary", "/dev/null")
    after = os.stat("/dev/null")
    assert code == 0, err
    assert Path("/dev/null").is_char_device() and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(os.listdir("/dev")) == dev  # no lock or temporary made next to it


def test_summary_to_a_socket_is_still_refused(tmp_path: Path, posts: Path, capsys: Any) -> None:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, err = _scan_with(tmp_path, posts, capsys, "--summary", path)
    assert code == 1 and "a socket" in err and "a FIFO, a terminal or /dev/stdout" in err, err
    assert not (tmp_path / "o.jsonl").exists()
