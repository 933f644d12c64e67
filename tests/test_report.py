"""The HTML report: self-contained, hostile text escaped, evidence highlighted from signal spans."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pillscan.report import highlight, render_report, write_report

SUMMARY: dict[str, Any] = {
    "read": 3,
    "written": 3,
    "skipped": 0,
    "flagged": 1,
    "review": 1,
    "posts_per_s": 1000.0,
    "by_drug": {"alprazolam": 1},
    "by_signal": {"contact:snapchat": 1, "drug:alprazolam": 1},
    "by_source": {"a.jsonl": {"read": 3, "scored": 3, "skipped": 0, "flagged": 1, "review": 1}},
    "score_hist": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    "thresholds": {"offer": 0.5, "review": 0.25},
    "model": "test-model",
    "output": "out.jsonl",
}

HOSTILE = '<script>alert("x")</script> xanax 2mg <img src=x onerror=alert(1)> snap me'


def _row(text: str, score: float, decision: str, **extra: Any) -> dict[str, Any]:
    signals = [
        {"name": "drug:alprazolam", "text": "xanax", "start": text.find("xanax"), "end": text.find("xanax") + 5},
        {"name": "contact:snapchat", "text": "snap", "start": text.find("snap"), "end": text.find("snap") + 4},
    ]
    return {
        "id": extra.get("id", "1"),
        "source": extra.get("source", "a.jsonl"),
        "position": 1,
        "score": score,
        "decision": decision,
        "drugs": ["alprazolam"],
        "signals": [s for s in signals if s["start"] >= 0],
        "reasons": ["names a pill", "contact off-platform"],
        "text": text,
    }


def test_highlight_escapes_text_and_marks_evidence() -> None:
    row = _row(HOSTILE, 0.9, "offer")
    out = highlight(HOSTILE, row["signals"])
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert '<mark title="drug:alprazolam">xanax</mark>' in out
    assert '<mark title="contact:snapchat">snap</mark>' in out


def test_highlight_merges_overlaps_and_ignores_bad_spans() -> None:
    text = "buy oxy 30 today"
    signals = [
        {"name": "drug:oxycodone", "start": 4, "end": 7},
        {"name": "dose", "start": 4, "end": 10},
        {"name": "bogus", "start": 50, "end": 60},
        {"name": "inverted", "start": 3, "end": 1},
        {"name": "no-span"},
    ]
    out = highlight(text, signals)
    assert re.fullmatch(r'buy <mark title="([^"]+)">oxy 30</mark> today', out)
    assert set(re.search(r'title="([^"]+)"', out).group(1).split(", ")) == {"drug:oxycodone", "dose"}  # type: ignore[union-attr]


def test_long_posts_are_elided_around_evidence() -> None:
    text = "a" * 5000 + " xanax " + "b" * 5000
    out = highlight(text, [{"name": "drug:alprazolam", "start": 5001, "end": 5006}])
    assert "<mark" in out and len(out) < 1200 and "…" in out


def test_report_is_self_contained_and_escapes_everything(tmp_path: Path) -> None:
    rows = [
        _row(HOSTILE, 0.91, "offer", id='"><b>id</b>', source="<i>src</i>"),
        _row("maybe percs xanax", 0.3, "review"),
        _row("nothing here", 0.01, "clean"),
    ]
    page = render_report(rows, SUMMARY)
    assert "<script>" not in page and "<b>id</b>" not in page and "<i>src</i>" not in page
    assert page.count("data:image/png;base64,") == 4
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)  # nothing fetched from the network
    assert "Content-Security-Policy" in page
    assert "nothing here" not in page  # clean posts are not listed
    assert page.index("0.910") < page.index("0.300")  # ranked by score


def test_write_report_from_a_jsonl_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(
        "".join(json.dumps(_row(f"xanax snap {i}", i / 100, "offer", id=f"post{i}")) + "\n" for i in range(80))
    )
    path = write_report(out, SUMMARY, tmp_path / "report.html")
    page = path.read_text()
    assert "Top 50 flagged posts" in page and "id post79<" in page and "id post29<" not in page


def test_report_with_nothing_flagged(tmp_path: Path) -> None:
    empty = {**SUMMARY, "flagged": 0, "review": 0, "by_drug": {}, "by_signal": {}, "by_source": {}}
    page = write_report([], empty, tmp_path / "r.html").read_text()
    assert "No post reached the review band" in page
