"""The input readers of ``pillscan scan``: samples, overrides, compressed inputs, nasty files, fuzzing.

Big and binary nasty inputs are generated in tmp_path at test time so the repository stays small.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pillscan.errors import InputError, PillscanError
from pillscan.readers import CHOICES, detect_format, read_records
from pillscan.records import ReadError, Record

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def read_all(paths: list[str | Path] | str | Path, **kwargs: object) -> list[Record | ReadError]:
    if not isinstance(paths, list):
        paths = [paths]
    return [item for chunk in read_records(paths, **kwargs) for item in chunk]  # type: ignore[arg-type]


def split(items: list[Record | ReadError]) -> tuple[list[Record], list[ReadError]]:
    records = [i for i in items if isinstance(i, Record)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(records) + len(errors) == len(items)
    return records, errors


# --- the committed samples -------------------------------------------------------------------------

SAMPLE_EXPECTATIONS = [
    # file, detected format, records, skips
    ("posts.csv", "csv", 10, 0),
    ("posts.jsonl", "jsonl", 8, 0),
    ("posts.txt", "txt", 5, 0),
    ("x-archive/data/tweets.js", "x-archive", 5, 0),
    ("telegram/result.json", "telegram", 4, 3),
    ("facebook/posts/your_posts_1.json", "facebook", 3, 1),
    ("facebook/messages/inbox/carlos_abc123/message_1.json", "facebook", 3, 1),
    ("instagram/content/posts_1.json", "instagram", 3, 1),
    ("instagram/messages/inbox/jay_xyz789/message_1.json", "instagram", 2, 1),
    ("reddit/reddit_sample.jsonl", "reddit", 6, 1),
]
PLANTED = {
    "csv-03", "csv-07", "j-02", "j-06", "1699000000000000003", "1987654321:2", "1987654321:5", "fb:1700200000",
    "inbox/carlos_abc123:1701000200000", "ig:1707200000", "inbox/jay_xyz789:1708000200000", "t3_a2", "t1_c3",
}  # fmt: skip


@pytest.mark.parametrize(("name", "fmt", "n_records", "n_skips"), SAMPLE_EXPECTATIONS)
def test_sample_is_detected_and_read(name: str, fmt: str, n_records: int, n_skips: int) -> None:
    path = SAMPLES / name
    assert detect_format(path) == fmt
    records, errors = split(read_all(path))
    assert (len(records), len(errors)) == (n_records, n_skips)
    assert all(r.source == str(path) and r.position >= 1 for r in records)
    assert all(r.text.strip() for r in records)
    ids = [r.id for r in records]
    assert len(set(ids)) == len(ids)


def test_samples_directory_reads_everything_with_planted_offers() -> None:
    records, errors = split(read_all(SAMPLES))
    assert len(records) == 49 and len(errors) == 8
    ids = {r.id for r in records}
    assert ids >= PLANTED
    # The posts.txt planted offer has a generated id: source and line.
    txt = [r for r in records if r.source.endswith("posts.txt")]
    assert txt[1].id == f"{SAMPLES / 'posts.txt'}:2" and "footballs" in txt[1].text


def test_facebook_and_instagram_mojibake_is_repaired() -> None:
    by_id = {r.id: r for r in read_all([SAMPLES / "facebook", SAMPLES / "instagram"]) if isinstance(r, Record)}
    assert by_id["fb:1700000000"].text.startswith("Feliz cumpleaños")
    assert "Ana Pérez" in by_id["fb:1700000000"].text
    assert "💊" in by_id["fb:1700200000"].text and "envío" in by_id["fb:1700200000"].text
    assert "💊" in by_id["inbox/carlos_abc123:1701000200000"].text
    assert by_id["inbox/carlos_abc123:1701000400000"].text == "¿Vas a venir el sábado a la comida?"
    assert "café con leche" in by_id["ig:1707100000"].text
    assert by_id["inbox/carlos_abc123:1701000200000"].meta["from"] == "Carlos Ruiz"


def test_fix_mojibake_leaves_real_text_alone() -> None:
    from pillscan.readers._fields import fix_mojibake

    assert fix_mojibake("\u00f0\u009f\u0092\u008a") == "💊"
    assert fix_mojibake("café") == "café"  # genuine Latin-1 range text: not valid UTF-8 bytes, unchanged
    assert fix_mojibake("💊 ok") == "💊 ok"


def test_platform_specifics() -> None:
    tweets = {r.id: r for r in read_all(SAMPLES / "x-archive/data/tweets.js") if isinstance(r, Record)}
    assert "Roxy 30s & blues" in tweets["1699000000000000003"].text  # &amp; unescaped
    assert tweets["1699000000000000003"].meta["created_at"].startswith("Thu Sep 07")
    telegram = read_all(SAMPLES / "telegram/result.json")
    menu = next(r for r in telegram if r.id == "1987654321:2")
    assert isinstance(menu, Record) and menu.text.startswith("MENU\n💊 M30s") and "@plugname" in menu.text
    reasons = [e.reason for e in telegram if isinstance(e, ReadError)]
    assert reasons == [
        "service message (create_channel)",
        "no text (photo without caption)",
        "service message (pin_message)",
    ]
    reddit = {r.id: r for r in read_all(SAMPLES / "reddit/reddit_sample.jsonl")}
    assert isinstance(reddit["t1_c1"], ReadError) and reddit["t1_c1"].reason == "comment [deleted]"
    removed = reddit["t3_a2"]
    assert isinstance(removed, Record) and removed.meta["selftext_removed"] is True
    assert reddit["t3_a1"].text.startswith("Adderall shortage again?\n\nPharmacy")  # type: ignore[union-attr]


# --- compressed inputs, Parquet, chunks -----------------------------------------------------------------

COMPRESSORS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor(level=3).compress(data),
}


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
@pytest.mark.parametrize("name", ["posts.jsonl", "posts.csv", "reddit/reddit_sample.jsonl", "telegram/result.json"])
def test_compressed_variants_read_like_the_original(tmp_path: Path, suffix: str, name: str) -> None:
    original = SAMPLES / name
    packed = tmp_path / (original.name + suffix)
    packed.write_bytes(COMPRESSORS[suffix](original.read_bytes()))
    assert detect_format(packed) == detect_format(original)
    plain = [(type(i).__name__, i.id, getattr(i, "text", None)) for i in read_all(original)]
    unpacked = [(type(i).__name__, i.id, getattr(i, "text", None)) for i in read_all(packed)]
    assert unpacked == plain


def test_reddit_dump_name_without_inner_suffix_is_reddit(tmp_path: Path) -> None:
    dump = tmp_path / "RC_2023-01.zst"
    dump.write_bytes(COMPRESSORS[".zst"]((SAMPLES / "reddit/reddit_sample.jsonl").read_bytes()))
    assert detect_format(dump) == "reddit"
    assert len(split(read_all(dump))[0]) == 6


def test_parquet_is_read_in_batches(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 2500
    table = pa.table({"post_id": [f"p{i}" for i in range(n)], "body": [f"post number {i}" for i in range(n)]})
    table = table.set_column(1, "body", pa.array([*[f"post number {i}" for i in range(n - 1)], None]))
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path, row_group_size=1000)
    chunks = list(read_records([path], chunk_size=700))
    assert all(len(c) <= 700 for c in chunks)
    records, errors = split([i for c in chunks for i in c])
    assert len(records) == n - 1 and records[0].id == "p0" and records[1].text == "post number 1"
    assert [(e.position, e.reason, e.id) for e in errors] == [(n, "empty text", f"p{n - 1}")]


def test_chunks_are_bounded_and_ordered() -> None:
    chunks = list(read_records([SAMPLES / "posts.csv", SAMPLES / "posts.jsonl"], chunk_size=3))
    assert all(1 <= len(c) <= 3 for c in chunks)
    ids = [i.id for c in chunks for i in c]
    assert ids == [f"csv-{i:02d}" for i in range(1, 11)] + [f"j-{i:02d}" for i in range(1, 9)]


# --- column overrides and errors -------------------------------------------------------------------------


def test_text_and_id_column_overrides(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    path.write_text('{"uid": 7, "payload": {"msg": "first"}}\n{"uid": 8, "payload": {"msg": "second"}}\n{"uid": 9}\n')
    records, errors = split(read_all(path, text_col="payload.msg", id_col="uid"))
    assert [(r.id, r.text) for r in records] == [("7", "first"), ("8", "second")]
    assert errors[0].position == 3 and "payload.msg" in errors[0].reason
    csv_records = split(read_all(SAMPLES / "posts.csv", text_col="author", id_col="created_at"))[0]
    assert csv_records[0].text == "tucson_news" and csv_records[0].id == "2024-03-02T09:14:00Z"


def test_missing_text_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("user,score\nann,3\n")
    with pytest.raises(InputError, match=r"no text column found in .*numbers.csv; columns: user, score"):
        read_all(path)
    with pytest.raises(InputError, match=r"text column 'nope' not found .* columns: id, created_at, author, text"):
        read_all(SAMPLES / "posts.csv", text_col="nope")
    jpath = tmp_path / "numbers.jsonl"
    jpath.write_text('{"user": "ann", "score": 3}\n')
    with pytest.raises(InputError, match=r"no text field found .*fields: user, score"):
        read_all(jpath)


def test_bad_paths_and_formats_are_one_line_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        read_records([tmp_path / "missing.csv"])
    with pytest.raises(InputError, match="unknown format 'xml'"):
        read_records([SAMPLES / "posts.csv"], format="xml")
    assert "auto" in CHOICES and "reddit" in CHOICES


def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (SAMPLES / "posts.jsonl").read_bytes()
    fake = io.TextIOWrapper(io.BufferedReader(io.BytesIO(gzip.compress(data))))  # type: ignore[arg-type]
    monkeypatch.setattr(sys, "stdin", fake)
    records, errors = split(read_all("-"))
    assert len(records) == 8 and not errors and records[0].source == "<stdin>"


# --- nasty inputs: every item is a record or a counted error ---------------------------------------------


def _nasty(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


NASTY = [
    # name, bytes, kwargs, expected records, expected errors (position, reason substring)
    # (the badutf8 files hold valid multi-byte UTF-8 too: a UTF-8 file with one corrupt line; a file with no
    # valid multi-byte character and invalid bytes is read in its legacy encoding, see test_hostile_readers.py)
    ("empty.jsonl", b"", {}, 0, []),
    ("empty.csv", b"", {}, 0, []),
    ("blank.txt", b"\n\n  \n", {}, 0, []),
    (
        "ws.jsonl",
        b'{"text": "ok"}\n{"text": "   \\n\\t"}\n{"text": null}\n',
        {},
        1,
        [(2, "empty text"), (3, "empty text")],
    ),
    ("broken.jsonl", b'{"text": "a"}\n{"text": "b"\n{"text": "c"}\n', {}, 2, [(2, "invalid JSON")]),
    ("badutf8.jsonl", b'{"text": "a \xc3\xa9"}\n{"text": "caf\xe9"}\n{"text": "c"}\n', {}, 2, [(2, "invalid UTF-8")]),
    ("badutf8.txt", b"one \xe2\x9c\x93\ntwo \xff\xfe three\nfour\n", {}, 2, [(2, "invalid UTF-8 at byte 5")]),
    ("badutf8.csv", b"id,text\n1,ok \xc3\xb1\n2,bad \xc3\x28 byte\n3,fine\n", {}, 2, [(3, "invalid UTF-8")]),
    ("nul.txt", b"first\nsec\x00ond\nthird\n", {}, 2, [(2, "NUL byte")]),
    ("nul.csv", b"id,text\n1,a\x00b\n2,c\n", {}, 1, [(2, "NUL byte")]),
    (
        "notobj.jsonl",
        b'{"text": "a"}\n42\n[1, 2]\n"bare string post"\n',
        {},
        2,
        [(2, "not a JSON object"), (3, "not a JSON object")],
    ),
    ("deep.jsonl", b"[" * 100_000 + b"\n" + b'{"text": "after"}\n', {}, 1, [(1, "JSON")]),
    ("mixed_endings.txt", b"a one\r\nb two\nc three\rd four\n", {}, 4, []),
    ("utf16.txt", codecs.BOM_UTF16_LE + "hola señor 💊\r\nsegunda línea\r\n".encode("utf-16-le"), {}, 2, []),
    ("utf16.csv", codecs.BOM_UTF16_LE + "id,text\r\n1,año 💊\r\n".encode("utf-16-le"), {}, 1, []),
    ("bom.csv", codecs.BOM_UTF8 + b"text,id\nhello,x1\n", {}, 1, []),
    ("semicolon.csv", "id;text;lang\n1;hola, qué tal;es\n2;hi there;en\n".encode(), {}, 2, []),
    ("tabs.tsv", b"id\ttext\n1\thello, world\n2\tsecond\n", {}, 2, []),
    ("short_row.csv", b"id,author,text\n1,ann,hello\n2,bob\n3,cy,bye\n", {}, 2, [(3, "row has 2 fields")]),
    ("unbalanced.csv", b'id,text\n1,ok\n2,"never closed\n3,swallowed\n', {}, 2, [(3, "unbalanced quote")]),
    ("cut.json", b'[{"text": "one"}, {"text": "two"}, {"text": "thr', {}, 2, [(3, "cut off")]),
    ("strings.json", b'["first post", "second post", 3, {"body": "fourth"}]', {}, 3, [(3, "not a JSON object")]),
    ("wrapped.json", b'{"meta": {"v": 1}, "posts": [{"content": "a"}, {"content": "b"}]}', {}, 2, []),
    ("jsonl_named.json", b'{"text": "a"}\n{"text": "b"}\n', {}, 2, []),
    ("binary.dat", bytes(range(256)) * 40, {}, 0, [(0, "binary file")]),
    ("image.jpg.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(4000), {}, 0, [(0, "binary file")]),
    (
        "long_text.jsonl",
        b'{"text": "' + b"x" * 2000 + b'"}\n{"text": "ok"}\n',
        {"max_text_chars": 1000},
        1,
        [(1, "text too long")],
    ),
    ("long_line.txt", b"y" * 100_000 + b"\nshort\n", {"max_text_chars": 100}, 1, [(1, "line too long")]),
]


@pytest.mark.parametrize(("name", "data", "kwargs", "n_records", "expected_errors"), NASTY, ids=[n[0] for n in NASTY])
def test_nasty_input_is_accounted(
    tmp_path: Path,
    name: str,
    data: bytes,
    kwargs: dict[str, object],
    n_records: int,
    expected_errors: list[tuple[int, str]],
) -> None:
    records, errors = split(read_all(_nasty(tmp_path, name, data), **kwargs))
    assert len(records) == n_records, records
    assert len(errors) == len(expected_errors), errors
    for err, (position, reason) in zip(errors, expected_errors, strict=True):
        assert err.position == position and reason in err.reason, err


def test_decoded_texts_of_odd_encodings(tmp_path: Path) -> None:
    path = _nasty(tmp_path, "u16.txt", codecs.BOM_UTF16_LE + "hola señor 💊\r\nsegunda\r\n".encode("utf-16-le"))
    assert [r.text for r in split(read_all(path))[0]] == ["hola señor 💊", "segunda"]
    path = _nasty(tmp_path, "bom.csv", codecs.BOM_UTF8 + b"text,id\nhello,x1\n")
    assert [(r.id, r.text) for r in split(read_all(path))[0]] == [("x1", "hello")]
    mixed = split(read_all(_nasty(tmp_path, "m.txt", b"a\r\nb\nc\rd\n")))[0]
    assert [(r.position, r.text) for r in mixed] == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]


def test_ten_megabyte_line_and_five_megabyte_post(tmp_path: Path) -> None:
    big_line = _nasty(tmp_path, "big.txt", b"z" * 10_000_000 + b"\nnext post\n")
    records, errors = split(read_all(big_line))
    assert [r.text for r in records] == ["next post"] and errors[0].position == 1
    assert "line too long" in errors[0].reason
    post = json.dumps({"id": "big", "text": "w " * 2_500_000}).encode() + b'\n{"id": "s", "text": "small"}\n'
    path = _nasty(tmp_path, "big.jsonl", post)
    records, errors = split(read_all(path))
    assert [r.id for r in records] == ["s"] and errors[0].id == "big" and "text too long" in errors[0].reason
    records, errors = split(read_all(path, max_text_chars=6_000_000))
    assert [len(r.text) for r in records] == [5_000_000, 5] and not errors


def test_decompression_bomb_streams(tmp_path: Path) -> None:
    # 200 MB of one line, 0.2 MB compressed: read in bounded pieces, reported as one over-long line.
    bomb = zstandard.ZstdCompressor(level=1).compress(b"A" * 200_000_000 + b"\n" + b'{"text": "after"}\n')
    path = _nasty(tmp_path, "bomb.jsonl.zst", bomb)
    records, errors = split(read_all(path, max_text_chars=1000))
    assert [r.text for r in records] == ["after"] and "line too long" in errors[0].reason


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"id": i, "text": f"post {i}"}).encode() + b"\n" for i in range(5000))
    packed = gzip.compress(lines)
    path = _nasty(tmp_path, "cut.jsonl.gz", packed[: len(packed) // 2])
    records, errors = split(read_all(path))
    assert 0 < len(records) < 5000 and len(errors) == 1
    assert [r.id for r in records] == [str(i) for i in range(len(records))]
    assert errors[0].position == len(records) + 1 and "read failed" in errors[0].reason


def test_big_json_array_streams(tmp_path: Path) -> None:
    items = [{"id": f"a{i}", "text": f"post {i} " + "é" * (i % 50)} for i in range(30_000)]
    path = _nasty(tmp_path, "big.json", json.dumps(items, ensure_ascii=False).encode())
    records, errors = split(read_all(path))
    assert len(records) == 30_000 and not errors and records[-1].id == "a29999"


# --- directories -------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_directory_walk_sorted_hidden_skipped_symlink_loop_reported(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text("first\n")
    (root / "b" / "c.jsonl").write_text('{"text": "second"}\n')
    (root / ".hidden.txt").write_text("never read\n")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100))
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    records, errors = split(read_all(root))
    assert [r.text for r in records] == ["first", "second"]
    reasons = Counter(e.reason.split(":")[0] for e in errors)
    assert reasons == Counter({"symlink loop": 1, "broken symlink": 1})


# --- fuzzing: arbitrary bytes never crash a reader ---------------------------------------------------------

FUZZ_FORMATS = [f for f in CHOICES if f != "parquet"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), fmt=st.sampled_from(FUZZ_FORMATS), packed=st.booleans())
def test_fuzz_readers_only_yield_records_or_errors(tmp_path: Path, data: bytes, fmt: str, packed: bool) -> None:
    path = tmp_path / ("fuzz.bin.gz" if packed else "fuzz.bin")
    path.write_bytes(gzip.compress(data) if packed else data)
    try:
        items = read_all(path, format=fmt)
    except PillscanError as exc:
        assert "\n" not in str(exc)
        return
    for item in items:
        assert isinstance(item, (Record, ReadError))
        if isinstance(item, Record):
            assert item.text.strip() and isinstance(item.id, str)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.one_of(
            st.text(max_size=40),
            st.builds(lambda t: json.dumps({"text": t}), st.text(max_size=40)),
            st.builds(lambda t: json.dumps([t]), st.text(max_size=10)),
        ),
        max_size=12,
    ),
    fmt=st.sampled_from(["jsonl", "csv", "txt", "json", "reddit"]),
)
def test_fuzz_structured_text(tmp_path: Path, lines: list[str], fmt: str) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text(
        "\n".join(["text", *lines]) if fmt == "csv" else "\n".join(lines), encoding="utf-8", errors="surrogatepass"
    )
    try:
        items = read_all(path, format=fmt)
    except PillscanError:
        return
    assert all(isinstance(i, (Record, ReadError)) for i in items)
