"""Shared test setup and helpers: every test runs with no user model setting (no $PILLSCAN_MODEL, a
config file path of its own); a keyword model with the real Model's interface, and JSONL posts to scan.

Test modules import them (``from conftest import FakeModel``); the tests directory is on ``sys.path`` under
pytest's default import mode, and a child process that needs them inserts it (see ``test_faults.py``).
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import time
import zipfile
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


# --- exports with who posted, when and where (issue 13: context columns, accounts) --------------------------

OFFER = "xanax bars 2mg, snap me for the menu"
CLEAN = "Police warn parents about fake pills"
REVIEW = "my doctor changed my xanax dose"
M30 = "blue m30 available, telegram @plugz"


def x_archive_export(root: Path, username: str | None = "bluepharm_", *, zipped: bool = False) -> Path:
    """An X archive (``data/tweets.js`` and, with a ``username``, ``data/account.js``) in a folder, or zipped;
    returns the folder ``data`` or the zip."""
    days = ("Tue Sep 05 14:00:00", "Wed Sep 06 09:30:00", "Thu Sep 07 10:00:00")
    tweets = [
        {"tweet": {"id_str": f"169900000000000000{i}", "full_text": text, "created_at": f"{day} +0000 2023"}}
        for i, (text, day) in enumerate(zip((OFFER, CLEAN, REVIEW), days, strict=True), start=1)
    ]
    files = {"data/tweets.js": "window.YTD.tweets.part0 = " + json.dumps(tweets)}
    if username is not None:
        account = [{"account": {"email": "a@b.c", "username": username, "accountId": "42"}}]
        files["data/account.js"] = "window.YTD.account.part0 = " + json.dumps(account)
    if zipped:
        path = root / "twitter-archive.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for name, body in files.items():
                zf.writestr(name, body)
        return path
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return root / "data"


def telegram_export(path: Path, *, username: str | None) -> Path:
    """A Telegram Desktop export of one public channel (``username`` None: no username, so no links)."""
    chat: dict[str, Any] = {"name": "Blue Market", "type": "public_channel", "id": 1987654321}
    if username is not None:
        chat["username"] = username
    chat["messages"] = [
        {"id": 2, "type": "message", "date": "2024-01-10T18:05:12", "from": "Blue Market", "text": OFFER,
         "text_entities": [{"type": "plain", "text": OFFER}]},
        {"id": 3, "type": "message", "date": "2024-01-11T08:00:00", "from": "Blue Market",
         "text": [{"type": "bold", "text": "blue m30 available"}, ", telegram @plugz"]},
        {"id": 4, "type": "message", "date": "2024-01-12T08:00:00", "from": "Blue Market", "text": CLEAN},
    ]  # fmt: skip
    path.write_text(json.dumps(chat), encoding="utf-8")
    return path


def usernames_csv(path: Path) -> Path:
    """A spreadsheet export with usernames, times, links and likes (one author a formula)."""
    rows = [
        ("Username", "Created At", "Permalink", "Likes", "Tweet"),
        ("plug_one", "2024-02-01 10:00", "https://x.com/plug_one/status/11", "3", OFFER),
        ("plug_one", "2024-02-03 10:00", "https://x.com/plug_one/status/12", "0", M30),
        ("=HYPERLINK(\"http://evil\")", "2024-02-02 10:00", "javascript:alert(1)", "7", OFFER),
        ("nurse_amy", "2024-02-04 10:00", "https://x.com/nurse_amy/status/14", "12", CLEAN),
    ]  # fmt: skip
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


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
