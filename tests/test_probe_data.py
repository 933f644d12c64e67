"""benchmarks/data/pill_talk_probe.jsonl: the hand-written pill-talk probe set parses and keeps its documented shape."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "pill_talk_probe.jsonl"
README = PROBE.parent / "README.md"
NEGATIVE_KINDS = {
    "need_or_ask",
    "own_use",
    "joke_meme",
    "lyrics_music",
    "report_gossip",
    "warning_grief",
    "news_opinion",
    "other_sale",
    "slang_collision",
}
POSITIVE_KINDS = {"casual_offer"}
WORD = re.compile(r"\w+")
MAX_OVERLAP = 0.7  # share of the two texts' distinct words (Jaccard) above which two posts count as near-duplicates


def _rows() -> list[dict]:
    lines = PROBE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _rows()


def _overlap(a: str, b: str) -> float:
    x, y = set(WORD.findall(a.lower())), set(WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x and y else 0.0


def test_rows_have_the_documented_fields_and_values(rows) -> None:
    assert len(rows) >= 350
    for row in rows:
        assert set(row) == {"id", "text", "label", "kind", "lang"}, row
        assert re.fullmatch(r"pt-\d{4}", row["id"]), row["id"]
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] and row["text"], row["id"]
        assert row["label"] in (0, 1) and row["lang"] in ("en", "es"), row["id"]
        assert row["kind"] in (POSITIVE_KINDS if row["label"] else NEGATIVE_KINDS), row["id"]
    assert len({row["id"] for row in rows}) == len(rows)


def test_offers_are_rare_and_every_kind_and_language_is_present(rows) -> None:
    positives = sum(row["label"] for row in rows)
    assert 0 < positives <= 0.15 * len(rows)
    assert {row["kind"] for row in rows} == NEGATIVE_KINDS | POSITIVE_KINDS
    spanish = sum(row["lang"] == "es" for row in rows)
    assert 0.10 * len(rows) <= spanish <= 0.25 * len(rows)


def test_no_two_posts_are_near_duplicates(rows) -> None:
    close = [
        (a["id"], b["id"]) for a, b in itertools.combinations(rows, 2) if _overlap(a["text"], b["text"]) > MAX_OVERLAP
    ]
    assert not close, close[:10]


def test_overlap_rule_catches_a_reworded_copy() -> None:
    post = "got percs if anyone needs them hmu before ten tonight"
    assert _overlap(post, post.replace("tonight", "today")) > MAX_OVERLAP
    assert _overlap(post, "my back hurts and the pharmacy is closed") <= MAX_OVERLAP


def test_readme_counts_match_the_file(rows) -> None:
    table = dict(re.findall(r"^\| `(\w+)` \| [01] \| (\d+) \|", README.read_text(encoding="utf-8"), re.MULTILINE))
    counts = {kind: sum(row["kind"] == kind for row in rows) for kind in NEGATIVE_KINDS | POSITIVE_KINDS}
    assert {kind: int(n) for kind, n in table.items()} == counts
