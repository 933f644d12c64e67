"""Context columns: who posted, when, where; links only from what identifies a post for sure."""

from __future__ import annotations

from pillscan.accounts import AccountTally, write_accounts
from pillscan.context import context_of


def test_x_links_by_status_id() -> None:
    ctx = context_of({"created_at": "Tue Sep 05 14:00:00 +0000 2023"}, "1699000000000000003", platform="x")
    assert ctx["url"] == "https://x.com/i/status/1699000000000000003" and ctx["created_at"] == "2023-09-05T14:00:00Z"
    assert context_of({"created_at": "Tue Sep 05 16:00:00 +0200 2023"}, "1")["created_at"] == "2023-09-05T14:00:00Z"
    assert context_of({"created_at": "Xyz Sep 05 16:00:00 +0200 2023"}, "1")["created_at"].startswith("Xyz")
    assert context_of({}, "not-a-number", platform="x")["url"] == ""


def test_reddit_permalink_author_and_unix_time() -> None:
    meta = {"author": "throwaway_9931", "created_utc": 1706000500, "subreddit": "sneakermarket",
            "permalink": "/r/sneakermarket/comments/a2/x/"}  # fmt: skip
    ctx = context_of(meta, "t3_a2", platform="reddit")
    assert ctx == {
        "author": "throwaway_9931",
        "channel": "sneakermarket",
        "created_at": "2024-01-23T09:01:40Z",
        "url": "https://www.reddit.com/r/sneakermarket/comments/a2/x/",
        "platform": "reddit",
    }


def test_telegram_links_only_for_a_public_username() -> None:
    meta = {"from": "Blue Market", "date": "2024-01-10T18:05:12", "chat": "Blue Market"}
    assert context_of(meta, "1987654321:2", platform="telegram")["url"] == ""
    ctx = context_of({**meta, "chat_username": "@bluemarket"}, "1987654321:2", platform="telegram")
    assert ctx["url"] == "https://t.me/bluemarket/2" and ctx["author"] == "Blue Market"


def test_only_http_links_from_an_export_and_kept_columns() -> None:
    meta = {"url": "javascript:alert(1)", "keep:likes": 12, "keep:tags": ["a", "b"]}
    ctx = context_of(meta, "1", platform="csv", keep=("likes", "tags", "missing"))
    assert ctx["url"] == "" and ctx["likes"] == 12 and ctx["tags"] == '["a", "b"]' and ctx["missing"] == ""
    assert context_of({"url": "https://example.org/p/1"}, "1")["url"] == "https://example.org/p/1"
    assert context_of({"timestamp": 1701000200000}, "1")["created_at"] == "2023-11-26T12:03:20Z"  # milliseconds


def test_accounts_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"id": "1", "decision": "offer", "score": 0.9, "drugs": ["oxycodone"], "author": "a", "created_at": "2024-02",
         "text": "oxy 30s", "url": "https://x.com/i/status/1"},
        {"id": "2", "decision": "review", "score": 0.3, "drugs": [], "author": "a", "created_at": "2024-01"},
        {"id": "3", "decision": "clean", "score": 0.01, "drugs": [], "author": "b"},
        {"id": "4", "decision": "offer", "score": 0.7, "drugs": ["alprazolam"], "author": "c"},
    ]  # fmt: skip
    tally = AccountTally("author").add_all(rows)
    assert [k for k, _ in tally.ranked()] == ["a", "c"]  # b has nothing flagged
    assert write_accounts(tally, tmp_path / "acc.csv") == 2
    lines = (tmp_path / "acc.csv").read_text().splitlines()
    assert lines[0].startswith("author,offers,review,posts,first_seen,last_seen,platforms,top_drugs,example_id")
    assert lines[1] == "a,1,1,2,2024-01,2024-02,,oxycodone (1),1,https://x.com/i/status/1,oxy 30s"


def test_messenger_time_and_sender() -> None:
    ctx = context_of({"from": "Jay", "timestamp_ms": 1708000200000, "thread": "Jay", "platform": "instagram"}, "x:1")
    assert (ctx["author"], ctx["created_at"], ctx["platform"], ctx["url"]) == (
        "Jay", "2024-02-15T12:30:00Z", "instagram", "",
    )  # fmt: skip


def test_clean_rows_with_context_are_the_bytes_json_writes() -> None:
    """The fast JSON line of a clean row with context columns is byte for byte the general encoder's."""
    import json

    from pillscan.records import Result
    from pillscan.writers import encode_chunk, result_row

    odd = ["", 'q"uote\\', "ünï 💊", "\x00\x1f\u2028", "\ud83d lone", "</script>"]
    keep = ("likes", 'we"ird', "n")
    recs = [(f"id{i}", f"text {v}", "src", i, (v, "c", "t", "u", "p", v, str(i), i)) for i, v in enumerate(odd)]
    recs.append(("plain", "text", "src", 99))  # (no context: the row as before)
    results = [Result(score=0.01 * i, decision="clean") for i in range(len(recs))]
    payload, n = encode_chunk(recs, results, "jsonl", keep=keep)
    want = [
        json.dumps(result_row(r, res, keep=keep), ensure_ascii=False, separators=(",", ":"))
        for r, res in zip(recs, results, strict=True)
    ]
    assert n == len(recs) and payload == ("\n".join(want) + "\n").encode("utf-8", "backslashreplace")


def test_small_numbers_are_no_unix_times() -> None:
    assert context_of({"time": "x", "created_at": 45293.5}, "1")["created_at"] == "45293.5"  # (an Excel serial day)
    assert context_of({"created_at": "1700000000"}, "1")["created_at"] == "2023-11-14T22:13:20Z"
    assert context_of({"created_at": -5}, "1")["created_at"] == "-5"


def test_reddit_links_from_ids_when_the_dump_has_no_permalink() -> None:
    sub = context_of({"reddit_name": "t3_a2", "author": "[deleted]", "platform": "reddit"}, "t3_a2")
    assert sub["url"] == "https://www.reddit.com/comments/a2/" and sub["author"] == ""
    com = context_of({"reddit_name": "t1_c3", "link_id": "t3_a9", "platform": "reddit"}, "t1_c3")
    assert com["url"] == "https://www.reddit.com/comments/a9/comment/c3/"
    bad = context_of({"reddit_name": "t1_c3", "link_id": "t3_../../evil", "platform": "reddit"}, "x")
    assert bad["url"] == ""


def test_an_account_keeps_only_the_start_of_its_example_post() -> None:
    from pillscan.accounts import EXAMPLE_CHARS

    rows = [{"id": str(i), "decision": "offer", "score": i / 10, "author": f"a{i % 2}",
             "platform": ["x", "reddit"][i % 2], "text": "oxy " * 100_000} for i in range(6)]  # fmt: skip
    tally = AccountTally("author").add_all(rows)
    best = tally.groups["a1"].best[1]
    assert best is not None and len(best["text"]) == EXAMPLE_CHARS and best["id"] == "5"
    assert list(tally.groups["a0"].platforms) == ["x"] and list(tally.groups["a1"].platforms) == ["reddit"]
