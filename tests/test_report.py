"""The HTML report: self-contained, hostile text escaped, evidence highlighted from signal spans."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pillscan.report import collect_rows, highlight, render_report, write_report

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


def test_write_report_from_a_jsonl_output_lists_every_flagged_row(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    rows = [_row(f"xanax snap {i}", i / 100, "offer" if i >= 50 else "review", id=f"post{i}") for i in range(80)]
    rows.append(_row("nothing", 0.01, "clean", id="clean1"))
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    path = write_report(out, {**SUMMARY, "flagged": 30, "review": 50}, tmp_path / "report.html")
    page = path.read_text()
    assert "All 80 flagged posts are listed (30 offers, 50 for review)" in page
    assert "id post79<" in page and "id post0<" in page and "id clean1<" not in page
    assert page.index("id post79<") < page.index("id post0<")  # by score


def test_huge_scans_list_the_top_and_a_stated_sample_of_the_review_band() -> None:
    rows = [_row("xanax snap", 0.9 - i / 1e6, "offer", id=f"o{i}") for i in range(300)]
    rows += [_row("xanax snap", 0.3 - i / 1e6, "review", id=f"r{i}") for i in range(400)]
    sel = collect_rows(iter(rows), max_rows=100, review_sample=40, seed=1)
    ids = [r["id"] for r in sel.rows]
    assert ids[:100] == [f"o{i}" for i in range(100)]  # the top 100 by score
    assert sel.sampled == 40 and len(set(ids[100:])) == 40 and all(i.startswith("r") for i in ids[100:])
    assert len({i for i in ids[100:] if int(i[1:]) >= 200}) > 5  # drawn from the whole band, not its start
    assert collect_rows(iter(rows), max_rows=100, review_sample=40, seed=1).rows == sel.rows  # seeded
    page = render_report(iter(rows), {**SUMMARY, "flagged": 300, "review": 400}, max_rows=100, review_sample=40)
    assert "700 posts were flagged (300 offers, 400 for review)" in page and "random sample of 40" in page
    assert page.count("<tr data-i=") == 140


def test_report_made_from_fewer_rows_than_the_scan_flagged_says_so() -> None:
    page = render_report([_row("xanax", 0.9, "offer")], {**SUMMARY, "flagged": 5000, "review": 10})
    assert "The scan flagged 5,010 posts in all; only the 1 it kept" in page


def test_accounts_are_grouped_with_counts_times_and_drugs() -> None:
    rows = [
        {**_row("xanax snap", 0.9, "offer", id="1"), "author": "seller", "created_at": "2024-03-02T10:00:00Z"},
        {**_row("xanax snap", 0.8, "offer", id="2"), "author": "seller", "created_at": "2024-01-05T10:00:00Z"},
        {**_row("xanax snap", 0.3, "review", id="3"), "author": "other", "created_at": "2024-02-01T00:00:00Z"},
    ]
    sel = collect_rows(rows)
    seller = sel.accounts.groups["seller"]
    assert (seller.offers, seller.review, seller.first, seller.last) == (
        2,
        0,
        "2024-01-05T10:00:00Z",
        "2024-03-02T10:00:00Z",
    )
    assert seller.drugs == {"alprazolam": 2} and sel.accounts.groups["other"].review == 1
    page = render_report(rows, SUMMARY)
    assert "data-account='seller'" in page and "2 accounts (author) posted flagged posts" in page
    assert "no author or channel field" in render_report([_row("xanax", 0.9, "offer")], SUMMARY)


PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "<svg/onload=alert(4)>",
    '"><iframe src=javascript:alert(5)>',
    "'><body onload=alert(6)>",
    "<!--<script>alert(7)//-->",
    "<a href='javascript:alert(8)'>x</a>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "\u2028\u2029</SCRIPT ><base href=https://evil.example/>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
]


ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "h1",
    "h2",
    "div",
    "b",
    "span",
    "nav",
    "button",
    "section",
    "p",
    "label",
    "select",
    "option",
    "input",
    "kbd",
    "code",
    "noscript",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "ul",
    "li",
    "mark",
    "figure",
    "figcaption",
    "img",
    "script",
}


def _tags(page: str) -> list[tuple[str, list[str]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[str]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [name for name, _ in attrs]))

    Collect().feed(page)
    return found


def test_injection_payloads_in_every_field_stay_text() -> None:
    rows = []
    for i, p in enumerate(PAYLOADS):
        row = _row(f"xanax {p} snap", 0.9 - i / 100, "offer", id=p, source=p)
        row.update(author=p, created_at=p, platform=p, url=f"javascript:alert({i})", drugs=[p], reasons=[p])
        row["signals"].append({"name": p, "text": p, "start": 0, "end": 5})
        rows.append(row)
    summary = {
        **SUMMARY,
        "model": PAYLOADS[0],
        "output": PAYLOADS[2],
        "skip_examples": PAYLOADS,
        "by_drug": {p: 1 for p in PAYLOADS},
        "by_source": {p: {"flagged": 1, "review": 0} for p in PAYLOADS},
    }
    page = render_report(rows, summary)
    _, _, rest = page.partition("<script type='application/json' id='pillscan-data'>")
    data, _, tail = rest.partition("</script>")
    for p in PAYLOADS:
        assert p not in page  # nothing reaches the page as markup ...
    assert "<" not in data and ">" not in data and "\u2028" not in data  # ... nor breaks out of the data block
    assert json.loads(data)["rows"][0]["id"] == PAYLOADS[0]  # which still round-trips the text exactly
    tags = _tags(page)  # what a browser would build: only the page's own elements and attributes
    assert {t for t, _ in tags} <= ALLOWED_TAGS, {t for t, _ in tags} - ALLOWED_TAGS
    attrs = {a for _, names in tags for a in names}
    assert not {a for a in attrs if a.startswith("on")} and "href" not in attrs and "style" not in attrs
    assert tail.count("<script") == 1 and "<script id='pillscan-app'>" in tail  # only the page's own script
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "script-src 'sha256-" in csp


def test_csp_hashes_match_the_inline_style_and_script() -> None:
    import base64
    import hashlib

    page = render_report([_row("xanax", 0.9, "offer")], SUMMARY)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)  # type: ignore[union-attr]
    script = re.search(r"<script id='pillscan-app'>(.*?)</script>", page, re.S).group(1)  # type: ignore[union-attr]
    for body in (style, script):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page


def test_report_with_nothing_flagged(tmp_path: Path) -> None:
    empty = {**SUMMARY, "flagged": 0, "review": 0, "by_drug": {}, "by_signal": {}, "by_source": {}}
    page = write_report([], empty, tmp_path / "r.html").read_text()
    assert "No post reached the review band" in page


def test_a_scan_report_lists_every_flagged_post_not_only_the_kept_top(tmp_path: Path) -> None:
    from conftest import FakeModel, write_jsonl
    from pillscan.scan import scan

    src = write_jsonl(tmp_path / "in.jsonl", 500)  # 100 offers + 100 for review: more than the scan keeps (50)
    for out in (tmp_path / "out.jsonl", tmp_path / "out.csv"):
        report = tmp_path / f"{out.suffix[1:]}.html"
        summary = scan([src], output=out, model=FakeModel(), workers=1, report_path=report)
        page = report.read_text()
        assert summary.flagged + summary.review == 200
        assert "All 200 flagged posts are listed (100 offers, 100 for review)" in page
        assert page.count("<tr data-i=") == 200


def test_the_labels_export_knows_each_posts_context():
    # The report's "Export labels" writes channel, platform and created_at beside account and url (report.js reads
    # them from each row's data); they were missing, so a team's labels lost when and where a post was made.
    from pillscan.accounts import AccountTally
    from pillscan.report import _row_data

    row = {
        "id": "t-1", "source": "x.zip", "author": "@seller", "channel": "pillchat", "platform": "x",
        "created_at": "2026-01-02T03:04:05Z", "url": "https://x.com/i/status/1", "score": 0.9, "decision": "offer",
        "text": "percs 30 each",
    }  # fmt: skip
    data = _row_data(row, AccountTally("auto"))
    assert (data["channel"], data["platform"], data["time"], data["url"]) == (
        "pillchat", "x", "2026-01-02T03:04:05Z", "https://x.com/i/status/1",
    )  # fmt: skip
    script = (Path(__file__).resolve().parents[1] / "src/pillscan/report_assets/report.js").read_text()
    assert "r.channel, r.platform, r.time, r.url" in script
