"""Hostile conditions around a scan (issue 15): the parent killed outright, library noise on stderr."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
CLI = [sys.executable, "-c", "import sys; from pillscan.cli import main; sys.exit(main())"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    posts = tmp_path / "in.jsonl"
    with posts.open("w") as fh:
        for i in range(300_000):
            fh.write(json.dumps({"id": str(i), "text": f"post number {i} about the weather and the bus"}) + "\n")
    proc = subprocess.Popen(
        [*CLI, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--workers", "2", "-q"],
        env=ENV,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the scan never started its two workers"
        time.sleep(1.0)  # (workers busy scoring)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if _alive(w)], "pool workers outlived their killed parent"
    finally:
        for w in workers:  # (only the workers this test started)
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_no_library_noise_on_stderr(tmp_path: Path) -> None:
    # A fresh matplotlib cache makes matplotlib log "generated new fontManager" at INFO, which the CLI's INFO
    # logging used to print as a pillscan line.
    posts = tmp_path / "in.txt"
    posts.write_text("selling oxy 30 m30 blues, cashapp\nhello there\n")
    env = {**ENV, "MPLCONFIGDIR": str(tmp_path / "mpl-cache")}
    out = subprocess.run(
        [*CLI, "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "fontManager" not in out.stderr and "font" not in out.stderr.lower()
    assert all(line.startswith("pillscan: ") for line in out.stderr.splitlines()), out.stderr
