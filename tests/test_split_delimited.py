"""Workers that read their own input, for CSV/TSV and text files: the ranges give the items, ids, positions and
skips that the reader of the whole file gives, whatever the ranges cut (quoted newlines, stray quotes)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import TEXTS, FakeModel
from pillscan.engines import local as local_engine
from pillscan.engines import split
from pillscan.engines.ranges import LineRange, read_range
from pillscan.errors import InputError
from pillscan.readers import ReadOptions, Source, read_source
from pillscan.scan import scan

OPTIONS = ReadOptions(chunk_size=3, max_text_chars=1000)  # (line cap 73,536 bytes)


@pytest.fixture(autouse=True)
def _small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_RANGE_BYTES", 1)  # (ranges of a few lines: cut in many places)


def _split_read(path: Path, options: ReadOptions = OPTIONS) -> tuple[list[Any], int, int]:
    """The file's items as the split engine gives them (ranges read in order, each read again from where the
    range before it says the next row starts, as the local engine's scorer does); how many ranges, re-reads."""
    tasks = list(split.plan_tasks([str(path)], options, "auto", ()))
    assert tasks and all(kind == "range" for kind, _ in tasks), "the file was not split"
    items: list[Any] = []
    carry: Any = None
    rereads = 0
    for _, rng in tasks:
        got, state = read_range(rng, options)
        if rng.start and rng.picker != carry:
            got, state = read_range(replace(rng, picker=carry), options)
            rereads += 1
        items += got
        carry = state
    return items, len(tasks), rereads


def _whole(path: Path, options: ReadOptions = OPTIONS) -> list[Any]:
    return list(read_source(Source(str(path), path), options))


def _same(path: Path, options: ReadOptions = OPTIONS) -> tuple[list[Any], int, int]:
    items, n, rereads = _split_read(path, options)
    assert items == _whole(path, options)
    return items, n, rereads


HOSTILE_ROWS = [
    b"1,plain xanax bars,alice,https://x.test/1",
    b'2,"quoted, with comma",bob,https://x.test/2',
    b'3,"two\nlines of ""pills""",carol,u3',
    b'4,"many\n\n\nlines\nhere\n",dave,u4',
    b'5,"a"b lenient,erin,u5',
    b"",
    b'6,=HYPERLINK("http://evil"),frank,u6',
    b'7,"unclosed start,gina,u7',
    b"8,swallowed before,hal,u8",
    b'9,"fine, quoted",ivan,u9',
    b"10",
    b"11,NUL \x00 here,jo,u11",
    b"13,+cmd|' /C calc'!A0,lee,u13",
    b'14,"ends ""quoted""",max,u14',
]


def _csv(path: Path, rows: list[bytes], eol: bytes = b"\n", bom: bool = False, header: bytes = b"") -> Path:
    head = header or b"id,text,author,url"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + eol.join([head, *rows]) + eol)
    return path


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_hostile_csv_ranges_give_the_whole_files_items(tmp_path: Path, eol: bytes, bom: bool) -> None:
    # (an invalid UTF-8 byte in the first 64 kB makes the file Windows-1252, which is read whole)
    padding = [f"{i},{TEXTS[i % 5]} {'pad ' * 100},x,y".encode() for i in range(200)]
    path = _csv(tmp_path / "h.csv", HOSTILE_ROWS * 8 + padding + [b"12,bad utf8 \xff\xfe,kim,u12"], eol, bom)
    items, n, rereads = _same(path)
    assert n >= 20 and rereads > 0  # (a stray quote puts the quote-parity guess off: read again from the row start)
    reasons = {item.reason.split(":")[0] for item in items if hasattr(item, "reason")}
    assert {"unbalanced quote", "row has 1 fields, the header has 4", "invalid UTF-8 at byte 13 of line"} <= {
        r.rsplit(" ", 1)[0] if r.startswith("invalid UTF-8") else r for r in reasons
    }
    assert any(getattr(i, "meta", None) for i in items)  # (author and url columns come along)


def test_a_stray_quote_that_runs_to_the_end_and_one_over_the_runaway_limit(tmp_path: Path) -> None:
    from pillscan.readers.delimited import RUNAWAY_LINES

    rows = [f"{i},row {i} {TEXTS[i % 5]}".encode() for i in range(RUNAWAY_LINES + 300)]
    rows[40] = b'40,"stray start'
    rows[RUNAWAY_LINES + 100] = b'x,"stray to the end'
    items, n, _ = _same(_csv(tmp_path / "s.csv", rows, header=b"id,text"), replace(OPTIONS, chunk_size=50))
    assert n > 100 and [i.position for i in items if hasattr(i, "reason")] == [42, RUNAWAY_LINES + 102]


def test_a_huge_field_over_the_line_cap_and_huge_lines(tmp_path: Path) -> None:
    big = b"pills " * 4000  # 24 kB lines: a quoted field of 4 of them is over the 73.5 kB cap
    rows = [b"1,short", b'2,"' + b"\n".join([big] * 4) + b'"', b"3,after", b"4," + big * 4, b'5,"' + big + b'"']
    items, _, _ = _same(_csv(tmp_path / "b.csv", rows * 3, header=b"id,text"))
    reasons = [i.reason.split(":")[0] for i in items if hasattr(i, "reason")]
    assert reasons.count("unbalanced quote") == 3 and reasons.count("line too long") == 3


def test_tsv_with_a_title_column_and_kept_columns(tmp_path: Path) -> None:
    rows = [f'{i}\tTitle {i}\t"{TEXTS[i % 5]}\nline two"\t{i * 7}'.encode() for i in range(60)]
    path = _csv(tmp_path / "t.tsv", rows, header=b"id\ttitle\ttext\tscore")
    options = replace(OPTIONS, keep_cols=("score",))
    items, _, rereads = _same(path, options)
    assert items[0].text.startswith("Title 0") and items[5].meta == {"keep:score": "35"}
    assert rereads == 0  # (ranges end after an even number of quotes: outside the quoted newlines)


def test_ranges_cut_inside_quoted_fields_are_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pillscan.engines import ranges

    monkeypatch.setattr(ranges, "_settle", lambda fh, odd: (0, 0))  # (no quote-parity guess: cut anywhere)
    rows = [f'{i},"{TEXTS[i % 5]}\nline two\nthree, ""quoted""",{i * 7}'.encode() for i in range(90)]
    items, n, rereads = _same(_csv(tmp_path / "q.csv", rows, header=b"id,text,score"))
    assert n > 20 and rereads > 10 and len(items) == 90 and items[89].position == 2 + 89 * 3


@pytest.mark.parametrize("seed", range(12))
def test_random_csv_of_quotes_and_newlines(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    parts = ["a", "b c", '"', '""', "\n", "\r\n", ",", " ", "xanax", "\r", "\x00", "é"]
    rows = []
    for i in range(150):
        cells = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(2)]
        if rng.random() < 0.5:
            cells[1] = '"' + cells[1].replace('"', '""') + '"'
        rows.append(f"{i},{cells[0]},{cells[1]}".encode())
    _same(_csv(tmp_path / "r.csv", rows, header=b"id,author,text"), replace(OPTIONS, chunk_size=rng.randint(1, 6)))


def test_text_files_with_lone_crs_and_over_long_lines(tmp_path: Path) -> None:
    long_with_crs = b"x\r" * 40_000  # over the line cap: one skip, and its CRs are not counted as lines
    lines = [b"first\rsecond", b"", b"  ", b"nul \x00", b"bad \xff", long_with_crs, b"third\r\rfourth", b"x\r"]
    path = tmp_path / "p.txt"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines * 20 + [b"last, no newline"]))
    items, n, _ = _same(path)
    assert n > 10 and [(i.position, i.text) for i in items[:2]] == [(1, "first"), (2, "second")]
    crlf = tmp_path / "c.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines * 5) + b"\r\n")
    _same(crlf)


def test_files_that_stay_whole(tmp_path: Path) -> None:
    cr_only = _csv(tmp_path / "cr.csv", [r for r in HOSTILE_ROWS if b"\n" not in r], b"\r")
    cp1252 = tmp_path / "w.csv"
    cp1252.write_bytes(b"id,text\n1,caf\xe9 pills\n2,na\xefve\n")
    no_text = tmp_path / "n.csv"
    no_text.write_bytes(b"a,b\n1,2\n")
    for path in (cr_only, cp1252):
        assert {kind for kind, _ in split.plan_tasks([str(path)], OPTIONS, "auto", ())} == {"chunk"}
    with pytest.raises(InputError, match=r"no text column found in .*n\.csv; columns: a, b"):
        list(split.plan_tasks([str(no_text)], OPTIONS, "auto", ()))  # (the reader's own refusal)


def test_scans_are_byte_identical_for_1_2_3_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _csv(d / "a.csv", HOSTILE_ROWS * 6, b"\r\n", bom=True)
    _csv(d / "b.tsv", [f'{i}\t"{TEXTS[i % 5]}\n{i}"'.encode() for i in range(80)], header=b"id\ttext")
    (d / "c.txt").write_bytes(b"\n".join(f"{TEXTS[i % 5]}\r{i}".encode() for i in range(120)))
    _csv(d / "d.csv", [r for r in HOSTILE_ROWS if b"\n" not in r], b"\r")  # (CR-only: read by the parent)
    reread: list[int] = []
    original = local_engine.range_chunk

    def counted(model: Any, rng: LineRange, *args: Any) -> Any:
        reread.append(rng.start)  # (in the parent only)
        return original(model, rng, *args)

    monkeypatch.setattr(local_engine, "range_chunk", counted)
    runs = []
    for workers in (1, 2, 3):
        out, errs, summ = (tmp_path / f"o{workers}.csv", tmp_path / f"e{workers}.jsonl", tmp_path / f"s{workers}")
        scan([d], output=out, model=FakeModel(), workers=workers, errors_path=errs, summary_path=summ,
             chunk_size=4, keep_cols=("url",), include_text=True)  # fmt: skip
        summary = json.loads(summ.read_text())
        for key in ("elapsed_s", "posts_per_s", "output", "errors"):
            summary.pop(key)
        runs.append((out.read_bytes(), errs.read_bytes(), summary))
    assert runs[1] == runs[0] and runs[2] == runs[0]
    assert reread and b",\"'=HYPERLINK" in runs[0][0] and b"unbalanced quote" in runs[0][1]
