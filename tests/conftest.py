"""Shared test setup and helpers: every test runs with no user model setting (no $PILLSCAN_MODEL, a
config file path of its own); a keyword model with the real Model's interface, and JSONL posts to scan.

Test modules import them (``from conftest import FakeModel``); the tests directory is on ``sys.path`` under
pytest's default import mode, and a child process that needs them inserts it (see ``test_faults.py``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pillscan.records import Result, Signal


@pytest.fixture(autouse=True)
def _no_user_model_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PILLSCAN_MODEL", raising=False)
    monkeypatch.setenv("PILLSCAN_CONFIG", str(tmp_path / "pillscan-config.json"))


_DRUG = re.compile(r"(?i)\b(xanax|percs|m30)\b")
_CONTACT = re.compile(r"(?i)\b(snap|telegram|dm)\b")


class FakeModel:
    """A keyword model with the real Model's interface: drug + contact = offer, drug alone = review.

    ``slow`` sleeps per call (to interrupt a scan mid-way); a text containing ``BOOM`` raises.
    """

    def __init__(self, slow: float = 0.0) -> None:
        self.slow = slow
        self.thresholds = {"offer": 0.5, "review": 0.25}
        self.card = {"name": "fake-keywords"}

    def score(self, texts: Sequence[str], *, threshold: float | None = None) -> list[Result]:
        if self.slow:
            time.sleep(self.slow)
        offer_at = self.thresholds["offer"] if threshold is None else threshold
        out = []
        for text in texts:
            if "BOOM" in text:
                raise RuntimeError("model exploded")
            drugs = [Signal("drug:" + m.group(1).lower(), m.group(0), m.start(), m.end()) for m in _DRUG.finditer(text)]
            contacts = [
                Signal("contact:" + m.group(1).lower(), m.group(0), m.start(), m.end()) for m in _CONTACT.finditer(text)
            ]
            score = 0.9 if drugs and contacts else 0.3 if drugs else 0.02
            decision = "offer" if score >= offer_at else "review" if score >= min(0.25, offer_at) else "clean"
            out.append(
                Result(
                    score=score,
                    decision=decision,  # type: ignore[arg-type]
                    drugs=tuple(dict.fromkeys(s.name[5:] for s in drugs)),
                    signals=tuple(sorted(drugs + contacts, key=lambda s: s.start)),
                    reasons=("names a pill", "contact off-platform") if contacts and drugs else (),
                )
            )
        return out


TEXTS = [
    "xanax bars 2mg, snap me for the menu",
    "Police warn parents about fake pills",
    "my doctor changed my percs dose",
    "selling jordans size 10, dm me",
    "blue m30s available, telegram @plugz",
]


def write_jsonl(path: Path, n: int, *, bad_every: int = 0) -> Path:
    """``n`` posts cycling through TEXTS (a broken JSON line every ``bad_every`` lines)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            if bad_every and i % bad_every == bad_every - 1:
                fh.write("{not json\n")
            else:
                fh.write(json.dumps({"id": f"p{i}", "text": f"{TEXTS[i % len(TEXTS)]} #{i}"}) + "\n")
    return path


def interrupt_after(chunks: int) -> Any:
    """A progress callback that sends this process SIGINT after ``chunks`` chunks (to interrupt a scan)."""
    seen: list[Any] = []

    def progress(p: Any) -> None:
        seen.append(p)
        if len(seen) == chunks:
            os.kill(os.getpid(), signal.SIGINT)

    return progress


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
