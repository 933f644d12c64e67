"""Issue 13 item 1 end to end: output rows keep who posted, when and where; ``--group-by`` says which accounts
sell; the report links posts back. X archive, Telegram channel, CSV with usernames, JSONL across workers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    CLEAN,
    OFFER,
    REVIEW,
    FakeModel,
    interrupt_after,
    read_jsonl,
    telegram_export,
    usernames_csv,
    x_archive_export,
)
from pillscan.cli import main
from pillscan.engines import split
from pillscan.errors import InputError
from pillscan.scan import ScanInterrupted, scan


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    """Every model the CLI loads is the keyword FakeModel."""
    import pillscan.model as model_module

    model = FakeModel()
    monkeypatch.setattr(model_module, "load_model", lambda path=None, trust=False: model)
    return model


def _report_data(page: Path) -> list[dict[str, Any]]:
    html = page.read_text(encoding="utf-8")
    data = html.split("<script type='application/json' id='pillscan-data'>", 1)[1].split("</script>", 1)[0]
    return list(json.loads(data)["rows"])


def _accounts(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _cli(*args: str | Path) -> int:
    return main(["-q", "scan", *map(str, args)])


# --- the three exports of the "Done when" -------------------------------------------------------------


@pytest.mark.parametrize("zipped", [False, True])
def test_x_archive_rows_link_to_the_post_and_name_the_archive_owner(
    tmp_path: Path, fake_model: FakeModel, zipped: bool
) -> None:
    src = x_archive_export(tmp_path, zipped=zipped)
    out, acc, page = tmp_path / "out.jsonl", tmp_path / "acc.csv", tmp_path / "r.html"
    assert _cli(src, "-o", out, "--group-by", "author", "--accounts", acc, "--report", page) == 0
    rows = read_jsonl(out)
    assert [r["url"] for r in rows] == [f"https://x.com/i/status/169900000000000000{i}" for i in (1, 2, 3)]
    assert {r["author"] for r in rows} == {"bluepharm_"} and {r["platform"] for r in rows} == {"x"}
    assert rows[0]["created_at"] == "2023-09-05T14:00:00Z"  # (X's own format as ISO 8601: times sort as text)
    assert list(rows[0])[8:14] == ["author", "channel", "created_at", "url", "platform", "text"]
    (table,) = _accounts(acc)
    assert table["author"] == "bluepharm_" and (table["offers"], table["review"], table["posts"]) == ("1", "1", "3")
    assert table["example_url"] == "https://x.com/i/status/1699000000000000001" and table["top_drugs"] == "xanax (1)"
    assert (table["first_seen"], table["last_seen"]) == ("2023-09-05T14:00:00Z", "2023-09-07T10:00:00Z")
    data = _report_data(page)
    assert {r["url"] for r in data} == {rows[0]["url"], rows[2]["url"]} and {r["account"] for r in data} == {
        "bluepharm_"
    }


def test_x_archive_without_its_account_file_still_links(tmp_path: Path, fake_model: FakeModel) -> None:
    src = x_archive_export(tmp_path, username=None)
    assert _cli(src, "-o", tmp_path / "out.jsonl") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert rows[0]["author"] == "" and rows[0]["url"].startswith("https://x.com/i/status/")


@pytest.mark.parametrize("username", ["bluemarket", None])
def test_telegram_channel_links_only_when_public(tmp_path: Path, fake_model: FakeModel, username: str | None) -> None:
    src = telegram_export(tmp_path / "result.json", username=username)
    out, acc, page = tmp_path / "out.csv", tmp_path / "acc.jsonl", tmp_path / "r.html"
    assert _cli(src, "-o", out, "--group-by", "author", "--accounts", acc, "--report", page) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    want = [f"https://t.me/bluemarket/{i}" for i in (2, 3, 4)] if username else ["", "", ""]
    assert [r["url"] for r in rows] == want
    assert {(r["author"], r["channel"], r["platform"]) for r in rows} == {("Blue Market", "Blue Market", "telegram")}
    (table,) = [json.loads(line) for line in acc.read_text(encoding="utf-8").splitlines()]
    assert table["author"] == "Blue Market" and table["offers"] == 2 and table["posts"] == 3
    assert table["first_seen"] == "2024-01-10T18:05:12" and table["last_seen"] == "2024-01-11T08:00:00"
    assert table["example_url"] == want[0] and table["top_drugs"] == {"m30": 1, "xanax": 1}
    assert sorted(r["url"] for r in _report_data(page)) == sorted(want[:2])
    # a named column applies to a platform export too: its own field, or any other one
    assert _cli(src, "-o", tmp_path / "k.jsonl", "--keep-col", "text_entities", "--author-col", "date") == 0
    kept = read_jsonl(tmp_path / "k.jsonl")
    assert kept[0]["author"] == "2024-01-10T18:05:12" and json.loads(kept[0]["text_entities"])[0]["type"] == "plain"
    assert kept[1]["text_entities"] == ""


def test_csv_with_usernames_keeps_columns_and_groups_accounts(tmp_path: Path, fake_model: FakeModel) -> None:
    src = usernames_csv(tmp_path / "export.csv")
    out, acc, page = tmp_path / "out.csv", tmp_path / "acc.csv", tmp_path / "r.html"
    assert _cli(src, "-o", out, "--keep-col", "Likes", "--group-by", "author", "--accounts", acc, "--report", page) == 0
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header == (
        "id,source,position,score,decision,drugs,signals,reasons,author,channel,created_at,url,platform,Likes,text"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["author"] for r in rows] == ["plug_one", "plug_one", '\'=HYPERLINK("http://evil")', "nurse_amy"]
    assert [r["Likes"] for r in rows] == ["3", "0", "7", "12"]
    assert rows[0]["url"] == "https://x.com/plug_one/status/11" and rows[0]["platform"] == "x"
    assert rows[2]["url"] == "" and rows[0]["created_at"] == "2024-02-01 10:00"  # (javascript: is no link)
    table = _accounts(acc)
    assert [t["author"] for t in table] == ["plug_one", '\'=HYPERLINK("http://evil")']  # (inert in a spreadsheet)
    assert (table[0]["offers"], table[0]["posts"], table[0]["first_seen"], table[0]["last_seen"]) == (
        "2", "2", "2024-02-01 10:00", "2024-02-03 10:00",
    )  # fmt: skip
    data = _report_data(page)
    assert {r["url"] for r in data} == {"https://x.com/plug_one/status/11", "https://x.com/plug_one/status/12", ""}
    assert {r["account"] for r in data} == {"plug_one", '=HYPERLINK("http://evil")'}  # (read back unmarked)


def test_column_overrides_and_group_by_source_and_channel(tmp_path: Path, fake_model: FakeModel) -> None:
    src = tmp_path / "forum.csv"
    src.write_text(
        "post,poster,when,thread,link\n"
        f'"{OFFER}",alice,1706000500,pills,https://forum.example/t/1\n'
        f'"{OFFER}",bob,1706000600,pills,https://forum.example/t/2\n'
        f'"{CLEAN}",carol,1706000700,news,https://forum.example/t/3\n'
    )
    out, acc = tmp_path / "out.jsonl", tmp_path / "acc.csv"
    args = ["--author-col", "poster", "--time-col", "when", "--url-col", "link"]
    assert _cli(src, "-o", out, *args, "--group-by", "channel", "--accounts", acc) == 0
    rows = read_jsonl(out)
    assert (rows[0]["author"], rows[0]["channel"], rows[0]["created_at"], rows[0]["url"]) == (
        "alice", "pills", "2024-01-23T09:01:40Z", "https://forum.example/t/1",
    )  # fmt: skip
    (table,) = _accounts(acc)
    assert table["channel"] == "pills" and table["offers"] == "2"
    assert _cli(src, "-o", tmp_path / "o2.jsonl", "--group-by", "source") == 0
    (by_file,) = _accounts(tmp_path / "o2.accounts.csv")  # (the default name: beside the output)
    assert by_file["source"] == str(src) and by_file["offers"] == "2" and by_file["posts"] == "3"


def test_plain_rows_are_unchanged(tmp_path: Path, fake_model: FakeModel) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "1", "text": OFFER}) + "\n" + json.dumps({"id": "2", "text": CLEAN}) + "\n")
    assert _cli(src, "-o", tmp_path / "out.jsonl") == 0
    assert [list(r) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        ["id", "source", "position", "score", "decision", "drugs", "signals", "reasons", "text"]
    ] * 2


def test_reddit_permalink_and_parquet_columns(tmp_path: Path, fake_model: FakeModel) -> None:
    import pyarrow.parquet as pq

    src = tmp_path / "RS_2024-01.jsonl"
    sub = {"name": "t3_a2", "subreddit": "sneakermarket", "author": "throwaway_9931", "created_utc": 1706000500,
           "permalink": "/r/sneakermarket/comments/a2/x/", "title": "xanax bars", "selftext": "snap me",
           "url": "https://i.imgur.com/not-the-post.png", "score": 5}  # fmt: skip
    src.write_text(json.dumps(sub) + "\n")
    out = tmp_path / "out.parquet"
    assert _cli(src, "-o", out, "--keep-col", "score", "--keep-col", "url") == 0
    table = pq.read_table(out)
    assert table.column_names[8:] == [
        "author", "channel", "created_at", "url", "platform", "input_score", "input_url", "text",
    ]  # fmt: skip
    row = table.to_pylist()[0]
    assert row["url"] == "https://www.reddit.com/r/sneakermarket/comments/a2/x/" and row["input_score"] == "5"
    assert (row["author"], row["channel"], row["created_at"]) == (
        "throwaway_9931",
        "sneakermarket",
        "2024-01-23T09:01:40Z",
    )
    assert row["input_url"] == "https://i.imgur.com/not-the-post.png" and row["score"] == 0.9


# --- the same bytes for any worker count, and after --resume ---------------------------------------------------


def _context_jsonl(path: Path, n: int) -> Path:
    texts = [OFFER, CLEAN, REVIEW, "blue m30 available, telegram @plugz"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            rec: dict[str, Any] = {"id": f"p{i}", "text": texts[i % 4], "likes": i % 7}
            if i % 3:
                rec.update(user=f"acct{i % 11}", timestamp=1700000000 + i, permalink=f"https://forum.example/p/{i}")
            if i % 50 == 17:
                fh.write("{broken\n")
            fh.write(json.dumps(rec) + "\n")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_context_bytes_identical_for_1_2_3_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setattr(split, "MIN_RANGE_BYTES", 1)
    src = _context_jsonl(tmp_path / "in.jsonl", 600)
    outs = []
    for workers in (1, 2, 3):
        out, acc = tmp_path / f"o{workers}.{fmt}", tmp_path / f"a{workers}.csv"
        scan([src], output=out, model=FakeModel(), workers=workers, chunk_size=25, keep_cols=["likes"],
             group_by="author", accounts_path=acc)  # fmt: skip
        outs.append((out.read_bytes(), acc.read_bytes()))
    assert outs[0] == outs[1] == outs[2]
    rows = read_jsonl(tmp_path / "o1.jsonl") if fmt == "jsonl" else []
    if rows:
        assert rows[0] == {**rows[0], "author": "", "url": "", "likes": 0}  # (kept columns: present in every row)
        assert rows[1]["author"] == "acct1" and rows[1]["created_at"] == "2023-11-14T22:13:21Z"


def test_resume_gives_the_same_bytes_and_refuses_other_context_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "MIN_RANGE_BYTES", 1)
    src = _context_jsonl(tmp_path / "in.jsonl", 1500)
    full, part = tmp_path / "full.csv", tmp_path / "part.csv"
    opts: dict[str, Any] = {"model": FakeModel(), "chunk_size": 100, "checkpoint_every": 2, "keep_cols": ["likes"]}
    scan([src], output=full, workers=1, **opts)
    with pytest.raises(ScanInterrupted):
        scan([src], output=part, progress=interrupt_after(6), workers=2, **opts)
    with pytest.raises(Exception, match="option keep"):
        scan([src], output=part, resume=True, workers=1, **{**opts, "keep_cols": ["likes", "id"]})
    with pytest.raises(Exception, match="author_col"):
        scan([src], output=part, resume=True, workers=1, author_col="likes", **opts)
    resumed = scan([src], output=part, resume=True, workers=1, **opts)
    assert resumed.resumed_at > 0 and part.read_bytes() == full.read_bytes()


# --- hostile inputs -------------------------------------------------------------------------------------------


def test_hostile_author_values(tmp_path: Path, fake_model: FakeModel) -> None:
    src = tmp_path / "in.jsonl"
    recs = [
        {"id": "1", "text": OFFER, "author": "x" * 2_000_000},
        {"id": "2", "text": OFFER, "author": "evil\r\n\x1b]0;pwned\x07\u202ename\u2028", "url": "https://a.b/c d"},
        {"id": "3", "text": OFFER, "author": {"nested": [1, 2]}, "created_at": True, "channel": 12.5},
        {"id": "4", "text": OFFER, "author": ["a", "b"], "timestamp": 10**30, "url": "https://x.com/" + "a" * 5000},
        {"id": "5", "text": OFFER, "author": "@\ud83d lone", "url": 42},
        {"id": "6", "text": OFFER, "user": {"screen_name": "api_user", "id": 7}},
    ]
    src.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        assert _cli(src, "-o", out, "--group-by", "author", "--accounts", tmp_path / f"acc-{fmt}.csv") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert len(rows[0]["author"]) == 256 and rows[0]["author"].endswith("…")
    assert rows[1]["author"] == "evil ]0;pwned name" and rows[1]["url"] == ""
    assert (rows[2]["author"], rows[2]["created_at"], rows[2]["channel"]) == ("", "", "12.5")
    assert rows[3]["author"] == "" and rows[3]["url"] == "" and rows[3]["created_at"] == str(10**30)
    assert rows[4]["author"] == "@\ufffd lone" and rows[4]["url"] == ""
    assert rows[5]["author"] == "api_user"
    table = _accounts(tmp_path / "acc-csv.csv")
    assert {t["author"] for t in table} == {rows[0]["author"], rows[1]["author"], "'@\ufffd lone", "api_user"}
    assert all("\r" not in t["author"] and "\x1b" not in t["author"] for t in table)


def test_keep_col_names_collisions_and_missing_columns(tmp_path: Path, fake_model: FakeModel, capsys: Any) -> None:
    src = usernames_csv(tmp_path / "export.csv")
    out = tmp_path / "o.csv"
    assert _cli(src, "-o", out, "--keep-col", "Missing") == 1
    assert "kept column 'Missing' not found in" in capsys.readouterr().err and not out.exists()
    assert _cli(src, "-o", out, "--author-col", "Nope") == 1
    assert "author column 'Nope' not found" in capsys.readouterr().err
    assert _cli(src, "-o", out, "--keep-col", " ") == 1
    assert "must be printable and not blank" in capsys.readouterr().err
    assert _cli(src, "-o", out, "--keep-col", "text", "--keep-col", "input_text") == 1
    assert "already taken" in capsys.readouterr().err
    with pytest.raises(InputError, match="not -o -"):
        scan([src], output="-", model=FakeModel(), group_by="author")
    # in a directory walk, a file without the kept column is one counted skip and the scan goes on
    folder = tmp_path / "dir"
    folder.mkdir()
    usernames_csv(folder / "a.csv")
    (folder / "b.csv").write_text(f"text,Likes\n{OFFER},1\n")
    summary = scan([folder], output=tmp_path / "w.jsonl", model=FakeModel(), workers=1, keep_cols=["Username"])
    assert summary.read == 5 and summary.skipped == 1
    assert [r["Username"] for r in read_jsonl(tmp_path / "w.jsonl")][:2] == ["plug_one", "plug_one"]
    # a JSON record without a kept field: an empty cell (JSON records need not share their fields)
    jl = tmp_path / "x.jsonl"
    jl.write_text(json.dumps({"text": OFFER, "tags": ["a", "b"]}) + "\n" + json.dumps({"text": CLEAN}) + "\n")
    scan([jl], output=tmp_path / "x-out.jsonl", model=FakeModel(), workers=1, keep_cols=["tags"])
    assert [r["tags"] for r in read_jsonl(tmp_path / "x-out.jsonl")] == ['["a","b"]'.replace(",", ", "), ""]


def test_group_by_without_any_author_says_so(tmp_path: Path, caplog: Any) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": OFFER}) + "\n")
    scan([src], output=tmp_path / "o.jsonl", model=FakeModel(), workers=1, group_by="author")
    assert (tmp_path / "o.accounts.csv").read_text().startswith("author,offers,review,posts,")
    assert "no flagged post says its author" in caplog.text


@pytest.mark.parametrize(
    ("accounts", "extra", "message"),
    [
        ("o.jsonl", [], "the output and the accounts table are the same file"),
        ("INPUT", [], "is also an input"),
        ("r.html", ["--report", "r.html"], "the report and the accounts table are the same file"),
        ("nodir/a.csv", [], "directory nodir does not exist"),
    ],
)
def test_accounts_file_targets_are_checked_before_reading(
    tmp_path: Path, fake_model: FakeModel, capsys: Any, monkeypatch: pytest.MonkeyPatch, accounts: str,
    extra: list[str], message: str
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    src = usernames_csv(tmp_path / "export.csv")
    target = str(src) if accounts == "INPUT" else accounts
    assert _cli(src, "-o", "o.jsonl", "--accounts", target, *extra) == 1
    assert message in capsys.readouterr().err and not (tmp_path / "o.jsonl").exists()
