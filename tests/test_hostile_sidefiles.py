"""Side files of a scan under hostile conditions (issue 15): the errors file with stdout output, targets checked
before any input is read, checkpoints that were edited."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pillscan.cli import main

OFFER = "selling oxy 30 m30 blues, cashapp, text me on telegram"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _posts(path: Path, n: int = 6) -> Path:
    lines = [json.dumps({"id": str(i), "text": OFFER if i % 2 else f"hello {i}"}) for i in range(n)]
    path.write_text("\n".join([*lines, "{broken"]) + "\n")
    return path


def test_errors_file_with_stdout_output_is_finished(tmp_path: Path, capsys: Any) -> None:
    posts = _posts(tmp_path / "in.jsonl")
    errors = tmp_path / "e.jsonl"
    code, out, _ = run(capsys, "scan", str(posts), "-o", "-", "--errors", str(errors), "--all")
    assert code == 0
    assert len(out.splitlines()) == 6
    assert errors.is_file() and not (tmp_path / "e.jsonl.partial").exists()
    assert [json.loads(line)["position"] for line in errors.read_text().splitlines()] == [7]


@pytest.mark.parametrize("option", ["--summary", "--report", "--errors"])
def test_unwritable_extra_targets_are_refused_before_reading(
    tmp_path: Path, capsys: Any, monkeypatch: Any, option: str
) -> None:
    posts = _posts(tmp_path / "in.jsonl")
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anyway
        pytest.skip("running as root")
    read: list[str] = []
    import pillscan.readers as readers

    real = readers.read_records
    monkeypatch.setattr(readers, "read_records", lambda *a, **k: read.append("x") or real(*a, **k))
    try:
        code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(locked / "x"))
    finally:
        locked.chmod(0o700)
    assert code == 1 and "not writable" in err
    assert read == [] and not (tmp_path / "o.jsonl").exists()


def _scan_a_fifo_in_a_child(tmp_path: Path, option: str, target: Path, wrap: list[str]) -> tuple[int, str]:
    """Scan a FIFO no one writes to, in a child process: reading any input would block it until the timeout."""
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    out.mkdir()
    output = str(target if option == "-o" else out / "o.jsonl")
    args = ["scan", str(fifo), "-o", output, *([option, str(target)] if option != "-o" else [])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        proc = subprocess.run(
            [*wrap, sys.executable, "-m", "pillscan", *args], env=env, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the scan opened its input before refusing the target (it blocked on the FIFO)")
    assert list(out.iterdir()) == []
    return proc.returncode, proc.stderr


_TARGET_OPTIONS = ["-o", "--summary", "--report", "--errors"]


@pytest.mark.parametrize("option", _TARGET_OPTIONS)
def test_read_only_target_directory_is_refused_before_reading_even_as_root(tmp_path: Path, option: str) -> None:
    # chmod does not stop root, a read-only file system does: the target's directory is a read-only tmpfs
    # mounted in a mount namespace of the child's own (nothing outside the test sees it).
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no permission to make a mount namespace (the chmod test covers non-root users)")
    ro = tmp_path / "ro"
    ro.mkdir()
    mount = ["unshare", "--mount", "--propagation", "private", "sh", "-c"]
    mount += ['mount -t tmpfs -o ro,size=64k tmpfs "$1" && shift && exec "$@"', "sh", str(ro)]
    code, err = _scan_a_fifo_in_a_child(tmp_path, option, ro / "x.jsonl", mount)
    assert code == 1 and "not writable" in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("option", _TARGET_OPTIONS)
def test_target_under_a_regular_file_is_refused_before_reading(tmp_path: Path, option: str) -> None:
    (tmp_path / "afile").write_text("a file, not a directory\n")
    code, err = _scan_a_fifo_in_a_child(tmp_path, option, tmp_path / "afile" / "x.jsonl", [])
    assert code == 1 and "Not a directory" in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("option", ["--summary", "--report"])
def test_missing_extra_directory_is_refused_before_reading(
    tmp_path: Path, capsys: Any, monkeypatch: Any, option: str
) -> None:
    posts = _posts(tmp_path / "in.jsonl")
    read: list[str] = []
    import pillscan.readers as readers

    real = readers.read_records
    monkeypatch.setattr(readers, "read_records", lambda *a, **k: read.append("x") or real(*a, **k))
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(tmp_path / "no/x"))
    assert code == 1 and "does not exist" in err and read == []


def _interrupted(tmp_path: Path, capsys: Any) -> tuple[Path, Path, dict[str, Any]]:
    """A scan interrupted after its first chunk (its checkpoint left behind)."""
    import pillscan.engines.local as local

    posts = _posts(tmp_path / "in.jsonl", n=40)
    out = tmp_path / "o.jsonl"
    real = local.LocalScan._finish_chunk
    calls = []

    def stop_after_one(self: Any, *a: Any) -> None:
        real(self, *a)
        calls.append(1)
        if len(calls) == 1:
            self.stop.signum = 15

    local.LocalScan._finish_chunk = stop_after_one  # type: ignore[method-assign]
    try:
        code, _, _ = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "10", "--workers", "1", "--all")
    finally:
        local.LocalScan._finish_chunk = real  # type: ignore[method-assign]
    assert code != 0
    ckpt = tmp_path / "o.jsonl.checkpoint.json"
    return posts, out, json.loads(ckpt.read_text())


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["tally"].__setitem__("consumed", d["tally"]["consumed"] - 5),
        lambda d: d.__setitem__("tally", {}),
        lambda d: d["tally"].__setitem__("out_bytes", 3),
    ],
    ids=["consumed", "empty-tally", "out-bytes"],
)
def test_edited_checkpoint_is_refused(tmp_path: Path, capsys: Any, edit: Any) -> None:
    posts, out, data = _interrupted(tmp_path, capsys)
    edit(data)
    (tmp_path / "o.jsonl.checkpoint.json").write_text(json.dumps(data))
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "10", "--all", "--resume")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "checkpoint" in lines[0] and "without --resume" in lines[0], err
    assert not out.exists()


def test_refused_resume_names_the_differing_option(tmp_path: Path, capsys: Any) -> None:
    posts, out, _ = _interrupted(tmp_path, capsys)
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "20", "--all", "--resume")
    assert code == 1 and "chunk_size" in err, err
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "10", "--flagged-only", "--resume")
    assert code == 1 and "flagged_only" in err, err
    code, _, _ = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "10", "--all", "--resume")
    assert code == 0 and len(out.read_text().splitlines()) == 40


def test_checkpoint_with_a_valid_checksum_but_a_bad_tally_is_refused(tmp_path: Path, capsys: Any) -> None:
    from pillscan.engines.checkpoint import body_digest

    posts, out, data = _interrupted(tmp_path, capsys)
    del data["sha256"]
    data["tally"] = {**data["tally"], "read": data["tally"]["read"] + 1}
    data["sha256"] = body_digest(data)
    (tmp_path / "o.jsonl.checkpoint.json").write_text(json.dumps(data))
    code, _, err = run(capsys, "scan", str(posts), "-o", str(out), "--chunk-size", "10", "--all", "--resume")
    assert code == 1 and "do not add up" in err and "without --resume" in err, err


@pytest.mark.parametrize("option", ["--errors", "--summary", "--report"])
def test_second_scan_sharing_a_side_file_is_refused_up_front(
    tmp_path: Path, capsys: Any, monkeypatch: Any, option: str
) -> None:
    """Another live process holds the side file's lock (as a running scan does): refused before reading."""
    posts = _posts(tmp_path / "in.jsonl")
    shared = tmp_path / "shared.out"
    (tmp_path / "shared.out.lock").write_text(f"{os.getppid()}\n")  # a live process that is not us
    read: list[str] = []
    import pillscan.readers as readers

    real = readers.read_records
    monkeypatch.setattr(readers, "read_records", lambda *a, **k: read.append("x") or real(*a, **k))
    code, _, err = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), option, str(shared))
    assert code == 1 and "another scan" in err and str(shared) in err, err
    assert read == [] and not shared.exists() and not (tmp_path / "o.jsonl").exists()
    assert (tmp_path / "shared.out.lock").exists()  # the other scan's lock is left alone


def test_side_file_locks_are_released_after_the_scan(tmp_path: Path, capsys: Any) -> None:
    posts = _posts(tmp_path / "in.jsonl")
    args = ["--errors", str(tmp_path / "e.jsonl"), "--summary", str(tmp_path / "s.json")]
    for _ in range(2):  # a second scan after the first is not refused
        code, _, _ = run(capsys, "scan", str(posts), "-o", "-", *args)
        assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl", "in.jsonl", "s.json"]


def test_stale_side_files_of_a_killed_scan_are_removed_and_nothing_else(
    tmp_path: Path, capsys: Any, caplog: Any
) -> None:
    posts = _posts(tmp_path / "in.jsonl")
    stale = [
        tmp_path / ".s.json.abcd_123.tmp",
        tmp_path / ".o.jsonl.checkpoint.json.k2j4h5g6.tmp",
        tmp_path / "o.jsonl.partial",
        tmp_path / "e.jsonl.partial",
    ]
    kept = [tmp_path / ".s.json.short.tmp", tmp_path / ".other.json.abcd1234.tmp", tmp_path / "s.json.tmp"]
    for f in stale + kept:
        f.write_text("left over\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (tmp_path / ".r.html.zzzzzzzz.tmp").symlink_to(victim)  # a planted symlink with our pattern: not ours
    code, _, _ = run(
        capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--errors", str(tmp_path / "e.jsonl"),
        "--summary", str(tmp_path / "s.json"), "--report", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert code == 0
    assert [f for f in stale if f.exists()] == [] and all(f.exists() for f in kept)
    assert victim.read_text() == "keep me\n" and (tmp_path / ".r.html.zzzzzzzz.tmp").is_symlink()
    said = [r.getMessage() for r in caplog.records if "stale file" in r.getMessage()]
    assert len(said) == 1 and "4 stale file(s)" in said[0], said
    caplog.clear()
    code, _, _ = run(capsys, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"))
    assert code == 0 and "stale file" not in caplog.text
