"""Workers that read their own input: byte ranges of plain JSONL (and CSV) files give the bytes one process gives."""

from __future__ import annotations

import gzip
import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import TEXTS, FakeModel, interrupt_after, write_jsonl
from pillscan import readers
from pillscan.engines import local as local_engine
from pillscan.engines import split
from pillscan.engines.ranges import LineRange, read_range
from pillscan.errors import InputError
from pillscan.readers import ReadOptions
from pillscan.scan import ScanInterrupted, scan

SUMMARY_KEYS = ("read", "written", "skipped", "output_rows", "flagged", "review", "by_drug", "by_signal")


@pytest.fixture(autouse=True)
def _small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    # (ranges of a few lines, so that a small file is cut in many places)
    monkeypatch.setattr(split, "MIN_RANGE_BYTES", 1)


def _scan_all(tmp_path: Path, inputs: list[Path], counts: tuple[int, ...] = (1, 2, 3), **kw: Any) -> list[Any]:
    """Scan with each worker count; returns (output bytes, errors bytes, summary dict, report rows) for each."""
    runs = []
    for workers in counts:
        out, errs, summ = (tmp_path / f"out{workers}.jsonl", tmp_path / f"e{workers}.jsonl", tmp_path / f"s{workers}")
        s = scan(inputs, output=out, model=FakeModel(), workers=workers, errors_path=errs, summary_path=summ, **kw)
        summary = json.loads(summ.read_text())
        for key in ("elapsed_s", "posts_per_s", "output", "errors"):
            summary.pop(key)
        runs.append((out.read_bytes(), errs.read_bytes(), summary, s))
    for run in runs[1:]:
        assert run[0] == runs[0][0]
        assert run[1] == runs[0][1]
        assert run[2] == runs[0][2]
    return runs


def _lines(path: Path, lines: list[str], ending: str = "\n", last: bool = True) -> Path:
    path.write_bytes((ending.join(lines) + (ending if last else "")).encode())
    return path


def test_jsonl_with_bad_lines_is_byte_identical_for_1_2_3_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 1500, bad_every=37)

    def parent_reads(*args: Any, **kw: Any) -> Any:
        raise AssertionError("the parent read a plain JSONL file itself")

    monkeypatch.setattr(split, "read_source", parent_reads)  # (one worker reads in-process, not through split)
    runs = _scan_all(tmp_path, [src], chunk_size=40)
    summary = runs[0][3]
    assert summary.read == 1500 and summary.skipped == len(runs[0][1].splitlines()) == 40
    positions = [json.loads(line)["position"] for line in runs[0][1].splitlines()]
    assert positions == list(range(37, 1501, 37))  # file line numbers, whichever range read them


def test_the_file_is_cut_into_ranges_read_by_workers(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 500)
    csv = tmp_path / "b.csv"
    csv.write_text('id,text\n1,"a\nb"\n')
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    tasks = list(split.plan_tasks([str(src), str(csv), str(gz)], ReadOptions(chunk_size=50), "auto", ()))
    kinds = [kind for kind, _ in tasks]
    ranges = [t for kind, t in tasks if kind == "range"]
    assert len(ranges) >= 9 and kinds[: len(ranges)] == ["range"] * len(ranges)
    assert set(kinds[len(ranges) :]) == {"chunk"}  # the gzip file is read by the parent
    assert ranges[-1].format == "csv" and ranges[-1].picker == 2  # (its first row starts on line 2)
    ranges = [r for r in ranges if r.format == "jsonl"]
    assert ranges[0].start == 0 and ranges[-1].end == src.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(ranges))
    data = src.read_bytes()
    assert all(data[r.end - 1 : r.end] == b"\n" for r in ranges)
    assert [r.lines for r in ranges] == [data[: r.start].count(b"\n") for r in ranges]


def test_line_endings_bom_blank_lines_and_no_final_newline(tmp_path: Path) -> None:
    rows = [json.dumps({"text": f"{TEXTS[i % 5]} {i}"}) if i % 9 else "" for i in range(300)]
    crlf = _lines(tmp_path / "crlf.jsonl", rows, "\r\n")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + _lines(tmp_path / "x", rows, last=False).read_bytes())
    os.unlink(tmp_path / "x")
    cr_only = _lines(tmp_path / "cr.jsonl", rows, "\r")
    runs = _scan_all(tmp_path, [crlf, bom, cr_only], chunk_size=16)
    out = [json.loads(line) for line in runs[0][0].splitlines()]
    assert len(out) == 3 * sum(1 for r in rows if r)
    assert out[0]["id"] == f"{crlf}:2" and out[-1]["id"] == f"{cr_only}:300"


def test_records_that_change_shape_keep_their_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The ranges after the first guess the text field from the first record; here the records change field
    # half-way, and a record holding both fields is read from the field the record before it taught.
    rows = [json.dumps({"id": f"a{i}", "text": f"xanax {i} snap me"}) for i in range(100)]
    rows += [json.dumps({"post_id": f"b{i}", "body": f"percs {i}"}) for i in range(100)]
    rows += [json.dumps({"text": f"ignored {i}", "body": f"m30 {i} telegram @x"}) for i in range(100)]
    rows += [json.dumps({"nothing": i}) for i in range(20)]
    src = _lines(tmp_path / "shapes.jsonl", rows)
    reread: list[int] = []
    original = local_engine.range_chunk

    def counted(model: Any, rng: LineRange, *args: Any) -> Any:
        reread.append(rng.start)  # (in the parent only: a forked worker counts in its own memory)
        return original(model, rng, *args)

    monkeypatch.setattr(local_engine, "range_chunk", counted)
    runs = _scan_all(tmp_path, [src], chunk_size=10)
    assert len(reread) >= 2  # the ranges after each change of shape were read again, in the parent
    texts = [json.loads(line)["text"] for line in runs[0][0].splitlines()]
    assert texts[150].startswith("percs") and texts[250].startswith("m30")
    assert runs[0][3].skipped == 20


def test_a_directory_of_mixed_files(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    write_jsonl(d / "a.jsonl", 400, bad_every=13)
    (d / "b.csv").write_text('id,text\n1,"xanax\nsnap me"\n2,"line ""two""\r\n"\n' * 30)
    _lines(d / "c.txt", [f"{TEXTS[i % 5]} {i}" for i in range(200)], "\r\n")
    (d / "d.jsonl.gz").write_bytes(gzip.compress(write_jsonl(tmp_path / "g.jsonl", 100).read_bytes()))
    (d / "e.json").write_text(json.dumps([{"text": "oxy for sale, dm"}, {"text": ""}]))
    (d / "f.jsonl").write_text('{"no_text_field": 1}\n{"x": 2}\n')  # a walked file with no text field: one skip
    (d / "g.jsonl").write_bytes(b"")
    runs = _scan_all(tmp_path, [d], chunk_size=25)
    assert runs[0][3].read == runs[0][3].written + runs[0][3].skipped
    assert b"not read" in runs[0][1]


def test_flagged_only_and_csv_output(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 600, bad_every=50)
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"o{workers}.csv"
        scan([src], output=out, model=FakeModel(), workers=workers, chunk_size=30, flagged_only=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 100


def _parent_must_not_read(*args: Any, **kw: Any) -> Any:
    def reading() -> Any:
        raise AssertionError("the parent read the input itself")
        yield

    return reading()


@pytest.mark.parametrize("stop_after", [2, 9, 17, 30])
def test_a_split_scan_of_several_files_resumes_where_it_stopped(
    tmp_path: Path, stop_after: int, caplog: pytest.LogCaptureFixture
) -> None:
    # (files split into ranges and one read by the parent: a stop after any task; the files after it too)
    d = tmp_path / "in"
    d.mkdir()
    _hostile_csv(d / "a.csv", 300)
    (d / "b.jsonl.gz").write_bytes(gzip.compress(write_jsonl(tmp_path / "g.jsonl", 120, bad_every=11).read_bytes()))
    _lines(d / "c.txt", [f"{TEXTS[i % 5]}\r{i}" if i % 7 else "" for i in range(200)])
    write_jsonl(d / "d.jsonl", 400, bad_every=23)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "chunk_size": 20, "checkpoint_every": 1}
    whole = scan([d], output=full, errors_path=tmp_path / "full-e.jsonl", workers=1, **opts)
    with pytest.raises(ScanInterrupted):
        scan([d], output=part, errors_path=tmp_path / "e.jsonl", progress=interrupt_after(stop_after), workers=2,
             **opts)  # fmt: skip
    caplog.set_level("INFO", logger="pillscan.engines.local")
    resumed = scan([d], output=part, errors_path=tmp_path / "e.jsonl", resume=True, workers=2, **opts)
    assert resumed.resumed_at > 0 and resumed.read == whole.read
    if stop_after in (2, 30):  # (stopped in a.csv, and in d.jsonl: after a range)
        assert "in ranges after byte" in caplog.text
    assert part.read_bytes() == full.read_bytes()
    assert (tmp_path / "e.jsonl").read_bytes() == (tmp_path / "full-e.jsonl").read_bytes()


def test_stopped_again_with_one_worker_then_resumed_with_two(tmp_path: Path) -> None:
    # (the one-worker scan reads in chunks: the checkpoint it leaves must not keep the first scan's cursor)
    src = _hostile_csv(tmp_path / "in.csv", 900)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "chunk_size": 20, "checkpoint_every": 1}
    scan([src], output=full, workers=1, **opts)
    for workers, resume in ((2, False), (1, True)):
        with pytest.raises(ScanInterrupted):
            scan([src], output=part, progress=interrupt_after(6), workers=workers, resume=resume, **opts)
    assert scan([src], output=part, resume=True, workers=2, **opts).resumed_at > 0
    assert part.read_bytes() == full.read_bytes()


def test_a_file_named_twice_resumes_by_skipping_items(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 300, bad_every=17)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "chunk_size": 20, "checkpoint_every": 1}
    scan([src, src], output=full, workers=1, **opts)
    with pytest.raises(ScanInterrupted):
        scan([src, src], output=part, progress=interrupt_after(20), workers=2, **opts)
    caplog.set_level("INFO", logger="pillscan.engines.local")
    assert scan([src, src], output=part, resume=True, workers=2, **opts).resumed_at > 300
    assert part.read_bytes() == full.read_bytes() and "in ranges after byte" not in caplog.text


def _hostile_csv(path: Path, n: int) -> Path:
    """Quoted newlines, stray quotes (one closed by a later quote), a formula cell, CRLF and a byte-order mark."""
    cells = ['"two\nlines: {}"', '"a"b {}', "=cmd() {}", '"stray {}', "after {}", '"closes, {}"', "{}"]
    rows = [f"{i},{cells[i % 7].format(TEXTS[i % 5])}" for i in range(n)]
    path.write_bytes(("\ufeffid,text\r\n" + "\r\n".join(rows) + "\r\n").encode())
    return path


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
@pytest.mark.parametrize(("first", "second"), [(2, 2), (2, 1), (1, 2)])
def test_interrupted_split_scan_resumes_to_identical_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: int, second: int, kind: str
) -> None:
    if kind == "jsonl":
        src = write_jsonl(tmp_path / "in.jsonl", 2000, bad_every=97)
    else:
        src = _hostile_csv(tmp_path / "in.csv", 2000)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "chunk_size": 100, "checkpoint_every": 3}
    scan([src], output=full, errors_path=tmp_path / "full-e.jsonl", workers=1, **opts)
    with pytest.raises(ScanInterrupted):
        scan([src], output=part, errors_path=tmp_path / "e.jsonl", progress=interrupt_after(7), workers=first, **opts)
    if first == second == 2:  # a split scan resumes in ranges, from where it stopped: the parent reads nothing
        monkeypatch.setattr(readers, "read_records", _parent_must_not_read)
    resumed = scan([src], output=part, errors_path=tmp_path / "e.jsonl", resume=True, workers=second, **opts)
    assert resumed.resumed_at > 0
    assert part.read_bytes() == full.read_bytes()
    assert (tmp_path / "e.jsonl").read_bytes() == (tmp_path / "full-e.jsonl").read_bytes()


def test_a_file_that_changes_after_planning_is_a_clear_error(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 50)
    rng = next(split.plan_tasks([str(src)], ReadOptions(chunk_size=5), "auto", ()))[1]
    assert isinstance(rng, LineRange)
    with open(src, "a") as fh:
        fh.write(json.dumps({"text": "appended"}) + "\n")
    with pytest.raises(InputError, match="changed while it was being scanned"):
        read_range(rng, ReadOptions(chunk_size=5))


def test_a_scan_whose_input_grows_meanwhile_stops_with_that_error(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 3000)
    seen: list[Any] = []

    def grow(p: Any) -> None:
        seen.append(p)
        if len(seen) == 1:
            with open(src, "a") as fh:
                fh.write(json.dumps({"text": "late"}) + "\n")

    with pytest.raises(InputError, match="changed while"):
        scan([src], output=tmp_path / "o.jsonl", model=FakeModel(), workers=2, chunk_size=20, progress=grow)
    assert not (tmp_path / "o.jsonl").exists()


def test_the_default_model_gives_the_same_bytes_from_ranges(tmp_path: Path) -> None:
    from pillscan.generate.stream import iter_corpus

    src = tmp_path / "gen.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i, post in enumerate(iter_corpus(600, seed=5, positive_rate=0.2)):
            fh.write(json.dumps({"id": f"g{i}", "text": post.text}) + "\n")
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"m{workers}.jsonl"
        summary = scan([src], output=out, workers=workers, chunk_size=50)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert summary.read == 600 and summary.flagged > 0
