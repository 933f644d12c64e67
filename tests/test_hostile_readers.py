"""Hostile and messy inputs for the readers (issue 15): each test failed before its fix.

Inputs are built in tmp_path; none is copied from the external evaluation files.
"""

from __future__ import annotations

import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

from pillscan.errors import InputError
from pillscan.readers import read_records
from pillscan.records import ReadError, Record

ROOT = Path(__file__).resolve().parents[1]


def read_all(paths: list[str | Path] | str | Path, **kwargs: object) -> list[Record | ReadError]:
    if not isinstance(paths, list):
        paths = [paths]
    return [item for chunk in read_records(paths, **kwargs) for item in chunk]  # type: ignore[arg-type]


def split(items: list[Record | ReadError]) -> tuple[list[Record], list[ReadError]]:
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, ReadError)]


def _jsonl(n: int) -> bytes:
    return b"".join(json.dumps({"id": f"p{i}", "text": f"post number {i}"}).encode() + b"\n" for i in range(n))


# --- compressed streams ----------------------------------------------------------------------------------


def test_truncated_zstd_is_reported(tmp_path: Path) -> None:
    data = zstandard.ZstdCompressor().compress(_jsonl(50_000))
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(data[: len(data) // 2])
    records, errors = split(read_all(path))
    assert 0 < len(records) < 50_000
    assert len(errors) == 1 and "truncated" in errors[0].reason


def test_whole_zstd_with_several_frames_and_a_skippable_frame_reads_clean(tmp_path: Path) -> None:
    cctx = zstandard.ZstdCompressor(write_checksum=True)
    skippable = (0x184D2A53).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"hello"
    path = tmp_path / "multi.jsonl.zst"
    path.write_bytes(cctx.compress(_jsonl(3000)) + skippable + cctx.compress(_jsonl(10)))
    records, errors = split(read_all(path))
    assert (len(records), errors) == (3010, [])


def _huge_window_zstd() -> bytes:
    # A frame that declares a 1 GiB window (no content size, so the decoder must honour it).
    params = zstandard.ZstdCompressionParameters(window_log=30, enable_ldm=True, write_content_size=False)
    cctx = zstandard.ZstdCompressor(compression_params=params)
    writer_out = cctx.compressobj()
    return writer_out.compress(_jsonl(200)) + writer_out.flush()


def test_zstd_window_over_the_cap_is_a_clear_skip(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl.zst"
    path.write_bytes(_huge_window_zstd())
    records, errors = split(read_all(path))
    assert records == [] and len(errors) == 1
    assert "decoder" in errors[0].reason and "--decoder-memory" in errors[0].reason
    # Lifting the cap reads it.
    records, errors = split(read_all(path, decoder_memory=2**30))
    assert (len(records), errors) == (200, [])


def test_xz_dictionary_over_the_cap_is_a_clear_skip(tmp_path: Path) -> None:
    filters = [{"id": lzma.FILTER_LZMA2, "dict_size": 256 * 1024 * 1024}]
    path = tmp_path / "big-dict.jsonl.xz"
    path.write_bytes(lzma.compress(_jsonl(100), format=lzma.FORMAT_XZ, filters=filters))
    records, errors = split(read_all(path))
    assert records == [] and len(errors) == 1 and "--decoder-memory" in errors[0].reason
    records, errors = split(read_all(path, decoder_memory=512 * 1024 * 1024))
    assert (len(records), errors) == (100, [])


def test_truncated_xz_is_still_reported(tmp_path: Path) -> None:
    data = lzma.compress(_jsonl(20_000))
    path = tmp_path / "cut.jsonl.xz"
    path.write_bytes(data[: len(data) // 2])
    records, errors = split(read_all(path))
    assert 0 < len(records) < 20_000 and len(errors) == 1


# --- binary per record, line endings, encodings ---------------------------------------------------------


def _csv_with_offers(n: int, first_text: str) -> bytes:
    rows = ["id,text", f'0,"{first_text}"']
    rows += [f"{i},selling oxy 30 number {i}" for i in range(1, n)]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("junk", ["\x01\x02\x03\x04\x05" * 170, "\x00" * 90], ids=["controls", "nuls"])
def test_control_characters_in_one_post_do_not_make_the_file_binary(tmp_path: Path, junk: str) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(_csv_with_offers(5000, "junk " + junk + " end"))
    records, errors = split(read_all(path))
    assert len(records) + len(errors) == 5000
    assert len(records) >= 4999 and all(e.position == 2 for e in errors)


def test_a_real_binary_file_is_still_one_skip(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 64)
    records, errors = split(read_all(path))
    assert records == [] and [e.reason for e in errors] == ["binary file, not text"]


def test_cr_only_line_endings_in_csv_and_text(tmp_path: Path) -> None:
    csv_path = tmp_path / "mac.csv"
    csv_path.write_bytes(b'id,text\r1,first post\r2,"quoted, with comma"\r3,third\r')
    records, errors = split(read_all(csv_path))
    assert [(r.id, r.text) for r in records] == [("1", "first post"), ("2", "quoted, with comma"), ("3", "third")]
    assert errors == []
    txt = tmp_path / "mac.txt"
    txt.write_bytes(b"one\rtwo\r\rthree")
    assert [(r.position, r.text) for r in split(read_all(txt))[0]] == [(1, "one"), (2, "two"), (4, "three")]


def test_cr_only_file_larger_than_a_block(tmp_path: Path) -> None:
    lines = [f"post {i} " + "x" * 50 for i in range(20_000)]
    path = tmp_path / "big-mac.txt"
    path.write_bytes("\r".join(lines).encode())
    records, errors = split(read_all(path))
    assert [r.text for r in records] == lines and errors == []


def test_windows_1252_csv_is_detected(tmp_path: Path) -> None:
    text = "id,text\n1,Caf\u00e9 \u2019na\u00efve\u2019 se\u00f1or\n2,vendo oxy 30 \u2013 env\u00edos r\u00e1pidos\n"
    text += "3,d\u00e9j\u00e0 vu \u20ac20\n4,\u00bfpastillas? \u00a1s\u00ed!\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    records, errors = split(read_all(path))
    assert errors == []
    assert [r.text for r in records][1] == "vendo oxy 30 \u2013 env\u00edos r\u00e1pidos"
    assert "\u20ac20" in records[2].text


def test_encoding_option_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("se\u00f1or caf\u00e9\n".encode("latin-1"))
    assert split(read_all(path, encoding="latin-1"))[0][0].text == "se\u00f1or caf\u00e9"
    with pytest.raises(InputError, match="unknown encoding"):
        read_all(path, encoding="klingon-8")


# --- JSON integers, X archive ----------------------------------------------------------------------------


BIG = "9" * 5000


def test_integer_over_4300_digits_in_a_json_array_and_object(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(f'[{{"id": {BIG}, "text": "one"}}, {{"id": 2, "text": "two"}}]')
    records, errors = split(read_all(array))
    assert [r.text for r in records] == ["one", "two"] and records[0].id == BIG and errors == []
    obj = tmp_path / "o.json"
    obj.write_text(f'{{"posts": [{{"id": {BIG}, "text": "one"}}]}}')
    assert [r.id for r in split(read_all(obj))[0]] == [BIG]


def test_integer_over_4300_digits_in_telegram_and_tweets(tmp_path: Path) -> None:
    tg = tmp_path / "result.json"
    tg.write_text(
        f'{{"name": "c", "type": "personal_chat", "id": 1, "messages": [{{"id": {BIG}, "type": "message", '
        '"date": "2024-01-01", "from": "a", "text": "hello"}]}'
    )
    assert [r.text for r in split(read_all(tg))[0]] == ["hello"]
    tw = tmp_path / "tweets.js"
    tw.write_text(f'window.YTD.tweets.part0 = [{{"tweet": {{"id": {BIG}, "full_text": "hi there"}}}}]')
    assert [r.text for r in split(read_all(tw))[0]] == ["hi there"]


def _dm_archive() -> str:
    conv = {
        "dmConversation": {
            "conversationId": "11-22",
            "messages": [
                {"messageCreate": {"id": "m1", "text": "got m30s, dm me", "senderId": "11", "createdAt": "2024"}},
                {"joinConversation": {"initiatingUserId": "22"}},
                {"messageCreate": {"id": "m2", "text": "how much", "senderId": "22"}},
            ],
        }
    }
    return "window.YTD.direct_messages.part0 = " + json.dumps([conv, {"dmConversation": {"messages": []}}])


def test_x_archive_direct_messages(tmp_path: Path) -> None:
    path = tmp_path / "direct-messages.js"
    path.write_text(_dm_archive())
    records, errors = split(read_all(path))
    assert [(r.id, r.text, r.position) for r in records] == [("m1", "got m30s, dm me", 1), ("m2", "how much", 3)]
    assert [(e.position, "joinConversation" in e.reason) for e in errors] == [(2, True)]


def test_tweets_js_without_its_prefix(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(json.dumps([{"tweet": {"id_str": "5", "full_text": "a &amp; b"}}, {"tweet": {"id_str": "6"}}]))
    records, errors = split(read_all(path))
    assert [(r.id, r.text) for r in records] == [("5", "a & b")]
    assert [e.reason for e in errors] == ["tweet has no text"]


# --- analysts' exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_col", "id_col"), [("Post Text", "Post ID"), ("Message Body", "Ref"), ("content_text", "post-id")]
)
def test_common_export_column_names(tmp_path: Path, text_col: str, id_col: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"Author,{id_col},{text_col}\nann,x1,selling bars\n")
    (record,) = split(read_all(path))[0]
    assert record.text == "selling bars"
    if id_col != "Ref":
        assert record.id == "x1"


def test_title_and_body_both_kept(tmp_path: Path) -> None:
    csv_path = tmp_path / "ads.csv"
    csv_path.write_text("id,title,body\n1,Blue M30s,DM for prices\n2,,only a body\n")
    assert [r.text for r in split(read_all(csv_path))[0]] == ["Blue M30s\n\nDM for prices", "only a body"]
    jl = tmp_path / "forum.jsonl"
    jl.write_text('{"id": 1, "title": "Xanax bars", "text": "have 2mg"}\n{"id": 2, "text": "no title"}\n')
    assert [r.text for r in split(read_all(jl))[0]] == ["Xanax bars\n\nhave 2mg", "no title"]


def test_big_zstd_window_stays_bounded_in_memory(tmp_path: Path) -> None:
    # Before, a 2 GiB window was allowed and allocated: 2.2 GB RSS for an 82 KB file. (Peak RSS is the child's
    # VmHWM: ru_maxrss would carry over the parent's peak across fork and exec.)
    path = tmp_path / "w.jsonl.zst"
    params = zstandard.ZstdCompressionParameters(window_log=31, enable_ldm=True, write_content_size=False)
    cctx = zstandard.ZstdCompressor(compression_params=params)
    obj = cctx.compressobj()
    path.write_bytes(obj.compress(_jsonl(1000)) + obj.flush())
    code = (
        "import sys\n"
        "from pillscan.readers import read_records\n"
        f"items = [i for c in read_records([{str(path)!r}]) for i in c]\n"
        "print(len(items), int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    count, rss_kb = map(int, out.split())
    assert count == 1 and rss_kb < 400 * 1024  # one ReadError: the window is refused, not allocated


# --- large JSON documents are streamed -------------------------------------------------------------------


def _telegram_export(n_chats: int, per_chat: int) -> dict[str, object]:
    chats = [
        {
            "name": f"chat {c}",
            "type": "private_group",
            "id": 100 + c,
            "messages": [
                {"id": m, "type": "message", "date": "2024-01-01", "from": "x", "text": f"message {c}-{m}"}
                for m in range(per_chat)
            ]
            + [{"id": per_chat, "type": "service", "action": "pin_message"}],
        }
        for c in range(n_chats)
    ]
    return {"about": "export", "chats": {"about": "", "list": chats}}


def test_large_documents_stream_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pillscan.readers.json_doc as json_doc

    tg = tmp_path / "result.json"
    tg.write_text(json.dumps(_telegram_export(3, 50)))
    doc = tmp_path / "posts.json"
    doc.write_text(json.dumps({"meta": {"v": 1}, "posts": [{"id": i, "text": f"post {i}"} for i in range(300)]}))
    whole = [split(read_all(p)) for p in (tg, doc)]
    monkeypatch.setattr(json_doc, "SMALL_DOCUMENT_CHARS", 1024)
    streamed = [split(read_all(p)) for p in (tg, doc)]
    assert streamed == whole
    assert len(whole[0][0]) == 150 and len(whole[0][1]) == 3 and whole[0][0][0].id == "100:0"
    assert len(whole[1][0]) == 300


def test_large_cut_document_keeps_what_was_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pillscan.readers.json_doc as json_doc

    monkeypatch.setattr(json_doc, "SMALL_DOCUMENT_CHARS", 1024)
    tg = tmp_path / "result.json"
    data = json.dumps(_telegram_export(2, 100))
    tg.write_text(data[: len(data) * 3 // 4])
    records, errors = split(read_all(tg))
    assert 100 < len(records) < 200 and len(errors) == 2  # one service message, then the cut
    assert "cut-off" in errors[-1].reason or "cut off" in errors[-1].reason


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["json", "telegram"])
def test_large_json_documents_stay_bounded_in_memory(tmp_path: Path, kind: str) -> None:
    # ~120 MB documents: parsed whole they cost over a GB of Python objects.
    path = tmp_path / ("result.json" if kind == "telegram" else "big.json")
    text = "x" * 300
    with path.open("w") as fh:
        if kind == "telegram":
            fh.write('{"name": "big", "type": "public_channel", "id": 7, "messages": [')
            item = '{"id": %d, "type": "message", "date": "2024", "from": "a", "text": "%s"}'
        else:
            fh.write('{"meta": {}, "posts": [')
            item = '{"id": %d, "text": "%s"}'
        fh.write(",".join(item % (i, text) for i in range(350_000)))
        fh.write("]}")
    code = (
        "from pillscan.readers import read_records\n"
        f"n = sum(len(c) for c in read_records([{str(path)!r}]))\n"
        "print(n, int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    count, rss_kb = map(int, out.split())
    assert count == 350_000 and rss_kb < 400 * 1024


# --- directory walks -------------------------------------------------------------------------------------


def test_fifo_in_a_directory_is_skipped_not_opened(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("first post\n")
    os.mkfifo(root / "pipe.jsonl")  # opening it would block until a writer comes: forever
    records, errors = split(read_all(root))
    assert [r.text for r in records] == ["first post"]
    assert [(Path(e.source).name, e.reason) for e in errors] == [("pipe.jsonl", "not a regular file (FIFO): not read")]


def test_unusable_files_in_a_directory_are_counted_skips(tmp_path: Path) -> None:
    root = tmp_path / "export"
    root.mkdir()
    (root / "accounts.csv").write_text("user,followers\nann,3\n")
    (root / "case.json").write_text('{"case": 12, "owner": "x"}')
    (root / "good.jsonl").write_text('{"text": "a real post"}\n')
    (root / "notes.jsonl").write_text('{"author": "x", "likes": 3}\n')
    records, errors = split(read_all(root))
    assert [r.text for r in records] == ["a real post"]
    reasons = {Path(e.source).name: e.reason for e in errors}
    assert set(reasons) == {"accounts.csv", "case.json", "notes.jsonl"}
    assert all(e.position == 0 and "no text" in e.reason for e in errors)
    with pytest.raises(InputError, match="no text column"):  # named on its own, it stays a clear error
        read_all(root / "accounts.csv")


# --- delimited files recognised by content -----------------------------------------------------------------


CSV_BODY = 'id,Post Text\n1,"two lines,\nin one post"\n2,selling bars\n'


def test_csv_without_extension_is_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_text(CSV_BODY)
    records, errors = split(read_all(path))
    assert [(r.id, r.text) for r in records] == [("1", "two lines,\nin one post"), ("2", "selling bars")]
    assert errors == []


def test_csv_on_stdin_is_recognised_by_content() -> None:
    code = (
        "from pillscan.readers import read_records\nprint([(i.id, i.text) for c in read_records(['-']) for i in c])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], input=CSV_BODY, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip() == repr([("1", "two lines,\nin one post"), ("2", "selling bars")])


def test_excel_unicode_text_is_utf16_tsv(tmp_path: Path) -> None:
    path = tmp_path / "Export.txt"  # what Excel's "Save as Unicode Text" writes
    body = "ID\tMessage Body\tAuthor\r\n7\tvendo xanax 2mg \U0001f48a\tana\r\n8\tnada que ver\tluis\r\n"
    path.write_bytes(b"\xff\xfe" + body.encode("utf-16-le"))
    records, errors = split(read_all(path))
    assert [(r.id, r.text) for r in records] == [("7", "vendo xanax 2mg \U0001f48a"), ("8", "nada que ver")]
    assert errors == []


def test_plain_text_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a post, with a comma\nanother, also with one\n")
    assert [r.text for r in split(read_all(path))[0]] == ["a post, with a comma", "another, also with one"]


# --- Excel workbooks and zip archives --------------------------------------------------------------------


def test_xlsx_rows_of_every_sheet_with_a_text_column(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Posts"
    sheet.append(["Post ID", "Title", "Post Text"])
    sheet.append([101, "Blues", "m30s, dm me"])
    sheet.append([None, None, None])
    sheet.append([102, None, "plain text row"])
    stats = book.create_sheet("Stats")
    stats.append(["day", "count"])
    stats.append(["mon", 3])
    path = tmp_path / "book.xlsx"
    book.save(path)
    records, errors = split(read_all(path))
    assert [(r.id, r.text, r.position) for r in records] == [
        ("101", "Blues\n\nm30s, dm me", 2),
        ("102", "plain text row", 4),
    ]
    assert len(errors) == 1 and "Stats" in errors[0].reason


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_x_archive_zip_as_downloaded(tmp_path: Path) -> None:
    tweets = 'window.YTD.tweets.part0 = [{"tweet": {"id_str": "9", "full_text": "blues for sale"}}]'
    path = _zip(
        tmp_path / "twitter-2024.zip",
        {
            "data/tweets.js": tweets.encode(),
            "data/direct-messages.js": _dm_archive().encode(),
            "data/account.js": b'window.YTD.account.part0 = [{"account": {"username": "x"}}]',
            "assets/images/a.png": b"\x89PNG....",
            "Your archive.html": b"<html></html>",
            "__MACOSX/._x": b"junk",
        },
    )
    records, errors = split(read_all(path))
    assert sorted(r.id for r in records) == ["9", "m1", "m2"]
    assert all("twitter-2024.zip!/data/" in r.source for r in records)
    assert {Path(e.source).name for e in errors} == {"account.js", "direct-messages.js"}


def test_zip_of_exports_in_a_directory(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    _zip(root / "exports.zip", {"a.csv": b"id,text\n1,first\n", "b.jsonl": b'{"text": "second"}\n', "c.zip": b"PK"})
    records, errors = split(read_all(root))
    assert [r.text for r in records] == ["first", "second"]
    assert [e.reason for e in errors] == ["a zip inside a zip: unzip it first (not read)"]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize(
    "later",
    [b'5,"fine, quoted"', b"5,plain"],
    ids=["closed-by-a-later-quote", "runs-to-the-end"],
)
def test_stray_opening_quote_skips_its_row_only(tmp_path: Path, eol: bytes, later: bytes) -> None:
    rows = [b"id,text", b"1,ok", b'3,"unclosed start', b"4,swallowed before", later, b"6,last"]
    path = tmp_path / "stray.csv"
    path.write_bytes(eol.join(rows) + eol)
    records, errors = split(read_all(path))
    assert [r.id for r in records] == ["1", "4", "5", "6"]
    assert [(e.position, e.reason.split(":")[0]) for e in errors] == [(3, "unbalanced quote")]


def test_stray_quote_in_a_long_file_is_cut_at_the_runaway_limit(tmp_path: Path) -> None:
    from pillscan.readers.delimited import RUNAWAY_LINES

    n = RUNAWAY_LINES + 2000
    lines = ["id,text", "1,ok", '2,"stray start', *(f"{i},row {i}" for i in range(3, n))]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    records, errors = split(read_all(path))
    assert len(records) + len(errors) == len(lines) - 1
    assert [e.position for e in errors] == [3] and records[-1].id == str(n - 1)


def test_multi_line_quoted_posts_and_a_lenient_quote_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(b'id,text\n1,"two\nlines, ""quoted"""\n2,"a"b\n3,end\n')
    records, errors = split(read_all(path))
    assert [(r.id, r.text) for r in records] == [("1", 'two\nlines, "quoted"'), ("2", "ab"), ("3", "end")]
    assert errors == []
