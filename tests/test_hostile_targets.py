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


@pytest.mark.parametrize("option", ["-o", "--errors"])
def test_system_files_that_are_no_stream_are_refused(tmp_path: Path, posts: Path, capsys: Any, option: str) -> None:
    # A symlink made here into /proc (a file there, not an open descriptor): refused before anything is written,
    # with what to do instead. The errors file (resumable, removed after a failure) is never written to a stream.
    status = tmp_path / "status-link"
    status.symlink_to("/proc/self/status")
    targets = [status] if option == "-o" else [status, tmp_path / "null-link"]
    if option == "--errors":
        (tmp_path / "null-link").symlink_to("/dev/null")
    for target in targets:
        args = ["scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(target)]
        if option == "-o":
            args = ["scan", str(posts), "-o", str(target)]
        code, _, err = run(capsys, *args)
        assert code == 1 and "system file" in err and len(err.strip().splitlines()) == 1, err
        if option == "-o":
            assert "use -o - and redirect it (-o - > /dev/null" in err, err
        else:
            assert "to a regular file and read it from there" in err and "-o -" not in err, err
        assert target.is_symlink()
    assert Path("/dev/null").is_char_device()


def _args(tmp_path: Path, posts: Path, option: str, target: Path | str) -> list[str]:
    if option == "-o":
        return ["scan", str(posts), "-o", str(target)]
    return ["scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(target)]


def _side_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".lock", ".tmp", ".partial", ".json")))


def _check_written(option: str, data: bytes) -> None:
    if option == "-o":
        assert [json.loads(line)["position"] for line in data.splitlines()] == [1, 2]
    elif option == "--summary":
        assert json.loads(data)["read"] == 2
    else:
        assert b"<html" in data


STREAMABLE = ["-o", "--summary", "--report"]


@pytest.mark.parametrize("option", STREAMABLE)
def test_a_fifo_target_is_written_in_place(tmp_path: Path, posts: Path, capsys: Any, caplog: Any, option: str) -> None:
    # Renamed over, a FIFO became a regular file and its reader waited forever; now the reader gets the bytes.
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run(capsys, *_args(tmp_path, posts, option, fifo))
    reader.join(10)
    assert code == 0 and fifo.is_fifo() and got, err
    _check_written(option, got[0])
    said = [m for m in caplog.messages if m.startswith("writing the ") and f"to {fifo} in place" in m]
    assert len(said) == 1  # said once, on stderr (a log warning)
    assert _side_files(tmp_path) == []


@pytest.mark.parametrize("option", STREAMABLE)
def test_stdout_through_a_proc_link_is_written_in_place(tmp_path: Path, posts: Path, capfd: Any, option: str) -> None:
    # A symlink to /proc/self/fd/1 (what /dev/stdout is): renamed over, it would have become a regular file.
    link = tmp_path / "stdout-link"
    link.symlink_to("/proc/self/fd/1")
    code = main(_args(tmp_path, posts, option, link))
    out, err = capfd.readouterr()
    assert code == 0 and link.is_symlink(), err
    _check_written(option, out.encode())
    assert _side_files(tmp_path) == []


def test_dev_null_stays_a_character_device(tmp_path: Path, posts: Path, capsys: Any) -> None:
    before = os.stat("/dev/null")
    dev = sorted(os.listdir("/dev"))
    code, _, err = run(capsys, "scan", str(posts), "-o", "/dev/null", "--summary", "/dev/null", "--report", "/dev/null")
    assert code == 1 and "the summary and the report are the same file" in err  # (one stream, two files: refused)
    code, _, err = run(capsys, "scan", str(posts), "-o", "/dev/null", "--summary", "/dev/null")
    after = os.stat("/dev/null")
    assert code == 0 and "read 2 = written 2 + skipped 0" in err, err
    assert Path("/dev/null").is_char_device() and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(os.listdir("/dev")) == dev  # no lock, partial, checkpoint or temporary made next to it


def test_a_stream_output_cannot_resume_or_be_parquet(tmp_path: Path, posts: Path, capsys: Any) -> None:
    code, _, err = run(capsys, "scan", str(posts), "-o", "/dev/null", "--resume")
    assert code == 1 and "--resume needs" in err
    code, _, err = run(capsys, "scan", str(posts), "-o", "/dev/null", "--out-format", "parquet")
    assert code == 1 and "Parquet cannot be written to /dev/null" in err


@pytest.mark.parametrize("option", STREAMABLE)
def test_a_socket_target_is_still_refused(tmp_path: Path, posts: Path, capsys: Any, option: str) -> None:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, _, err = run(capsys, *_args(tmp_path, posts, option, path))
    assert code == 1 and "a socket" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o.jsonl").exists()
