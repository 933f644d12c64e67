"""The table of input formats (pillscan.readers.FORMATS): complete, consistent, and what detection and the CLI use."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pillscan.errors import InputError
from pillscan.readers import CHOICES, FORMATS, detect_format, format_named, get_format, read_records, split_formats
from pillscan.readers._base import Head

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
REDDIT_LINE = b'{"subreddit": "x", "selftext": "percs for sale, dm me", "title": "t", "name": "t3_a"}\n'


def test_every_format_has_one_record_with_a_unique_name_and_suffixes() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names)) and "auto" not in names
    suffixes = [s for f in FORMATS for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes)), "a suffix may name only one format"
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)
    assert ("auto", *names) == CHOICES
    for fmt in FORMATS:
        assert callable(fmt.reader) and fmt.summary
        assert fmt.refines is None or fmt.refines in names
        assert fmt.split in (None, "lines", "row-groups")


def test_the_cli_offers_exactly_the_table() -> None:
    from pillscan.cli import cli

    scan = cli.commands["scan"]
    option = next(p for p in scan.params if p.name == "in_format")
    assert tuple(option.type.choices) == CHOICES


def test_content_detection_falls_back_to_text_for_anything() -> None:
    from pillscan.readers import _format_from_content

    assert _format_from_content(Head.of(b"hello\nworld\n", None)) == "txt"
    assert _format_from_content(Head.of(b"\x00\x01\x02", None)) == "txt"
    assert _format_from_content(Head.of(b'{"a": 1}\n{"a": 2}\n', None)) == "jsonl"
    assert _format_from_content(Head.of(b'{"a": [1, 2]}', None)) == "json"


def test_equally_sure_sniffers_go_to_the_format_listed_first() -> None:
    from pillscan.readers import _format_from_content

    # A Messenger-style thread is Facebook's and Instagram's: the folder decides, and Instagram is listed first.
    thread = b'{"participants": [{"name": "a"}], "messages": [{"sender_name": "a", "content": "hi"}]}'
    assert _format_from_content(Head.of(thread, Path("inbox/a/message_1.json"))) == "facebook"
    assert _format_from_content(Head.of(thread, Path("instagram/inbox/a/message_1.json"))) == "instagram"
    # An old Telegram export only hints (HINT), and beats the generic JSON document (also HINT) by coming first;
    # JSON lines (STRUCTURE) beat it.
    old = b'{\n "name": "c",\n "messages": [{"date": "2024", "from": "a", "text": "hi"}]}'
    assert _format_from_content(Head.of(old, None)) == "telegram"
    lines = b'{"messages": 1, "date": 2, "from": 3}\n{"messages": 1}\n'
    assert _format_from_content(Head.of(lines, None)) == "jsonl"


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".jsonlines"])
def test_a_reddit_dump_named_like_json_lines_is_reddit_whatever_the_spelling(tmp_path: Path, suffix: str) -> None:
    # .jsonlines used to be taken at its word (jsonl) while .jsonl and .ndjson were refined to reddit.
    dump = tmp_path / f"dump{suffix}"
    dump.write_bytes(REDDIT_LINE * 3)
    assert detect_format(dump) == "reddit"
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(b'{"text": "a"}\n{"text": "b"}\n')
    assert detect_format(plain) == "jsonl"


def test_a_decisive_suffix_is_not_second_guessed_by_content(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(REDDIT_LINE * 3)
    assert detect_format(path) == "csv"


def test_a_json_suffix_only_hints(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes((SAMPLES / "telegram" / "result.json").read_bytes())
    assert detect_format(path) == "telegram"
    packed = tmp_path / "result.json.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert detect_format(packed) == "telegram"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("posts.csv", "csv"),
        ("posts.CSV.gz", "csv"),
        ("posts.tab", "tsv"),
        ("posts.jsonlines.zst", "jsonl"),
        ("notes.text", "txt"),
        ("part-0.pq", "parquet"),
        ("export.json", "json"),
        ("RS_2024-01.zst", "reddit"),
        ("askreddit_comments.jsonl", "reddit"),
        ("tweets.js", None),
        ("README", None),
    ],
)
def test_format_named_reads_only_the_name(name: str, expected: str | None) -> None:
    assert format_named(name) == expected


def test_split_formats_are_the_ones_the_dask_engine_cuts() -> None:
    assert split_formats() == {"parquet": "row-groups", "jsonl": "lines"}


def test_unknown_format_is_a_one_line_error_listing_the_choices() -> None:
    with pytest.raises(InputError, match="unknown format 'xml'; choose one of: auto, x-archive"):
        get_format("xml")
    with pytest.raises(InputError, match="unknown format 'auto'"):
        get_format("auto")  # auto is a choice, not a format
    with pytest.raises(InputError, match="unknown format 'xml'"):
        read_records([SAMPLES / "posts.csv"], format="xml")


def test_only_binary_formats_read_binary_files(tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    items = [item for chunk in read_records([binary]) for item in chunk]
    assert [getattr(i, "reason", None) for i in items] == ["binary file, not text"]
    assert [f.name for f in FORMATS if f.binary] == ["xlsx", "parquet"]  # (an .xlsx is a zip)
