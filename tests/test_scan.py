"""The batch engine: order, accounting, output formats, locking, atomic output, checkpoint and resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import TEXTS, FakeModel, interrupt_after, read_jsonl, write_jsonl
from pillscan.engines import local as local_engine
from pillscan.engines.chunks import skip_items
from pillscan.errors import InputError, PillscanError
from pillscan.scan import ScanInterrupted, ScanSummary, scan
from pillscan.writers import OutputError


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "posts.jsonl", 500, bad_every=50)


def test_every_record_is_scored_or_skipped_and_listed(posts: Path, tmp_path: Path) -> None:
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    summary = scan([posts], output=out, model=FakeModel(), workers=1, chunk_size=64, errors_path=errors)
    rows = read_jsonl(out)
    errs = read_jsonl(errors)
    assert summary.read == 500 == summary.written + summary.skipped
    assert summary.skipped == 10 == len(errs)
    assert len(rows) == summary.written == summary.output_rows
    assert [e["position"] for e in errs] == list(range(50, 501, 50))
    assert all(e["source"] == str(posts) and e["reason"] for e in errs)
    assert set(rows[0]) == {"id", "source", "position", "score", "decision", "drugs", "signals", "reasons", "text"}
    assert rows[0]["decision"] == "offer" and rows[0]["drugs"] == ["xanax"]
    assert rows[0]["signals"][0] == {"name": "drug:xanax", "text": "xanax", "start": 0, "end": 5}
    assert summary.flagged == sum(r["decision"] == "offer" for r in rows)
    assert summary.review == sum(r["decision"] == "review" for r in rows)
    assert summary.by_drug["xanax"] > 0 and "percs" not in summary.by_drug  # by_drug counts offers only
    assert sum(summary.score_hist) == summary.written
    assert summary.by_source[str(posts)]["skipped"] == 10
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.lock"))


def test_two_workers_keep_input_order_and_bytes(posts: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    scan([posts], output=one, model=FakeModel(), workers=1, chunk_size=17)
    summary = scan([posts], output=two, model=FakeModel(), workers=2, chunk_size=17)
    assert two.read_bytes() == one.read_bytes()
    ids = [r["id"] for r in read_jsonl(two)]
    assert ids == sorted(ids, key=lambda s: int(s[1:]))
    assert summary.read == summary.written + summary.skipped == 500


def test_flagged_only_writes_offers_and_review_but_counts_all(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "flagged.jsonl"
    summary = scan([posts], output=out, model=FakeModel(), workers=1, flagged_only=True, include_text=False)
    rows = read_jsonl(out)
    assert {r["decision"] for r in rows} == {"offer", "review"}
    assert "text" not in rows[0]
    assert summary.output_rows == len(rows) == summary.flagged + summary.review
    assert summary.written + summary.skipped == summary.read == 500


def test_csv_and_parquet_outputs(posts: Path, tmp_path: Path) -> None:
    import pandas as pd

    csv_sum = scan([posts], output=tmp_path / "out.csv", model=FakeModel(), workers=1)
    frame = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert list(frame.columns) == [
        "id",
        "source",
        "position",
        "score",
        "decision",
        "drugs",
        "signals",
        "reasons",
        "author",  # (CSV and Parquet have the context columns always: one schema whatever the input; issue 13)
        "channel",
        "created_at",
        "url",
        "platform",
        "text",
    ]
    assert len(frame) == csv_sum.written
    assert frame.loc[0, "signals"] == "drug:xanax;contact:snap"

    pq_sum = scan([posts], output=tmp_path / "out.parquet", model=FakeModel(), workers=1, chunk_size=100)
    table = pd.read_parquet(tmp_path / "out.parquet")
    assert len(table) == pq_sum.written
    assert list(table.loc[0, "drugs"]) == ["xanax"]
    assert table.loc[0, "signals"][0]["start"] == 0


def test_threshold_override_changes_decisions(posts: Path, tmp_path: Path) -> None:
    strict = scan([posts], output=tmp_path / "s.jsonl", model=FakeModel(), workers=1, threshold=0.95)
    loose = scan([posts], output=tmp_path / "l.jsonl", model=FakeModel(), workers=1, threshold=0.2)
    assert strict.flagged == 0 and strict.thresholds["offer"] == 0.95
    assert loose.flagged > 0 and loose.review == 0


def test_second_scan_of_the_same_output_is_refused(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.lock").write_text(f"{os.getppid()}\n")  # a live process holds it
    with pytest.raises(OutputError, match="another scan"):
        scan([posts], output=out, model=FakeModel(), workers=1)
    assert not out.exists()


def test_stale_lock_of_a_dead_process_is_taken_over(posts: Path, tmp_path: Path, caplog: Any) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "out.jsonl.lock").write_text(f"{dead.pid}\n")
    summary = scan([posts], output=tmp_path / "out.jsonl", model=FakeModel(), workers=1)
    assert summary.written == 490
    assert "stale lock" in caplog.text
    assert not (tmp_path / "out.jsonl.lock").exists()


def test_failed_scan_leaves_no_output(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 300)
    with open(src, "a") as fh:
        fh.write(json.dumps({"id": "x", "text": "BOOM"}) + "\n")
    out = tmp_path / "out.jsonl"
    before = src.read_bytes()
    with pytest.raises(RuntimeError, match="exploded"):
        scan([src], output=out, model=FakeModel(), workers=1, chunk_size=50, errors_path=tmp_path / "e.jsonl")
    assert not out.exists() and not (tmp_path / "e.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    assert src.read_bytes() == before


def test_unusable_output_is_a_clear_error(posts: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        scan([posts], output=tmp_path / "nope" / "out.jsonl", model=FakeModel(), workers=1)
    with pytest.raises(OutputError, match="also an input"):
        scan([posts], output=posts, model=FakeModel(), workers=1)
    with pytest.raises(InputError):
        scan([tmp_path / "missing.jsonl"], output=tmp_path / "o.jsonl", model=FakeModel(), workers=1)
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "o.jsonl.lock").exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory(posts: Path, tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            scan([posts], output=locked / "out.jsonl", model=FakeModel(), workers=1)
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_interrupt_then_resume_gives_identical_bytes(tmp_path: Path, fmt: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 2000, bad_every=97)
    full, part = tmp_path / f"full.{fmt}", tmp_path / f"part.{fmt}"
    opts: dict[str, Any] = {"model": FakeModel(), "workers": 1, "chunk_size": 100, "checkpoint_every": 3}
    expected = scan([src], output=full, errors_path=tmp_path / "full-errors.jsonl", **opts)

    with pytest.raises(ScanInterrupted) as info:
        scan([src], output=part, errors_path=tmp_path / "e.jsonl", progress=interrupt_after(7), **opts)
    assert info.value.exit_code == 130 and "--resume" in str(info.value)
    assert not part.exists()  # nothing complete-looking at the output path
    assert (tmp_path / f"part.{fmt}.partial").exists() and (tmp_path / f"part.{fmt}.checkpoint.json").exists()

    resumed = scan([src], output=part, errors_path=tmp_path / "e.jsonl", resume=True, **opts)
    assert part.read_bytes() == full.read_bytes()
    assert (tmp_path / "e.jsonl").read_bytes() == (tmp_path / "full-errors.jsonl").read_bytes()
    assert resumed.resumed_at == 700
    for key in ("read", "written", "skipped", "flagged", "review", "by_drug", "by_signal", "score_hist"):
        assert getattr(resumed, key) == getattr(expected, key), key
    assert not (tmp_path / f"part.{fmt}.checkpoint.json").exists()


def test_resume_refuses_changed_options_or_inputs(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 1000)
    out = tmp_path / "out.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "workers": 1, "chunk_size": 100}
    with pytest.raises(ScanInterrupted):
        scan([src], output=out, progress=interrupt_after(2), **opts)
    with pytest.raises(OutputError, match="option flagged_only differs"):
        scan([src], output=out, resume=True, flagged_only=True, **opts)
    with open(src, "a") as fh:
        fh.write(json.dumps({"text": "one more"}) + "\n")
    with pytest.raises(OutputError, match="input files changed"):
        scan([src], output=out, resume=True, **opts)
    # Without --resume the stale checkpoint is discarded and the scan starts again.
    summary = scan([src], output=out, **opts)
    assert summary.read == 1001 and not (tmp_path / "out.jsonl.checkpoint.json").exists()


def test_summary_and_report_files(posts: Path, tmp_path: Path) -> None:
    summary = scan(
        [posts],
        output=tmp_path / "out.jsonl",
        model=FakeModel(),
        workers=1,
        summary_path=tmp_path / "summary.json",
        report_path=tmp_path / "report.html",
    )
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved == json.loads(json.dumps(summary.to_dict()))
    assert saved["read"] == saved["written"] + saved["skipped"]
    page = (tmp_path / "report.html").read_text()
    assert "<mark" in page and "data:image/png;base64," in page


def test_summary_is_a_frozen_record() -> None:
    s = ScanSummary(1, 1, 0, 1, 0, 0, {}, {}, {}, (1,), {"offer": 0.5}, "m", 0.1, 10.0, "o")
    with pytest.raises(AttributeError):
        s.read = 2  # type: ignore[misc]
    assert s.to_dict()["score_hist"] == [1]


def test_not_a_model_is_refused(posts: Path, tmp_path: Path) -> None:
    with pytest.raises(PillscanError, match="not a model"):
        scan([posts], output=tmp_path / "o.jsonl", model=object(), workers=1)


def test_skip_items_drops_consumed_records_across_chunks() -> None:
    chunks = [[1, 2, 3], [4, 5], [6, 7, 8]]
    assert list(skip_items(iter(chunks), 4)) == [[5], [6, 7, 8]]
    assert list(skip_items(iter(chunks), 0)) == chunks


def test_disk_full_is_a_clear_error_and_leaves_input_alone(
    posts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    writers = sys.modules["pillscan.writers"]

    def full(self: Any, payload: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers.ChunkWriter, "write", full)
    before = posts.read_bytes()
    with pytest.raises(OutputError, match="No space left on device"):
        scan([posts], output=tmp_path / "out.jsonl", model=FakeModel(), workers=1)
    assert posts.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.jsonl"]


@pytest.mark.slow
def test_spawned_workers_score_exactly_like_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pillscan used as a library from a threaded program starts workers with spawn: the loaded model (its numeric
    # form, the pipeline still as pickle bytes) is pickled to each worker instead of shared by fork.
    from pillscan.model import load_model

    posts = tmp_path / "posts.jsonl"
    with open(posts, "w", encoding="utf-8") as fh:
        for i in range(300):
            text = [*TEXTS, "Percs 30s 💊🔌 snap me, cashapp", "x a n a x 2mg, t.me/plug"][i % 7]
            fh.write(json.dumps({"id": f"p{i}", "text": f"{text} {i}"}) + "\n")
    model = load_model()
    one, spawned = tmp_path / "one.jsonl", tmp_path / "spawned.jsonl"
    scan([posts], output=one, model=model, workers=1, chunk_size=64)
    monkeypatch.setattr(local_engine, "start_method", lambda: "spawn")
    summary = scan([posts], output=spawned, model=model, workers=2, chunk_size=64)
    assert spawned.read_bytes() == one.read_bytes()
    assert summary.written == 300 and summary.flagged > 0


def test_scan_restores_the_garbage_collector(posts: Path, tmp_path: Path) -> None:
    import gc

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    scan([str(posts)], output=tmp_path / "out.jsonl", model=FakeModel(), workers=1)
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen
    with pytest.raises(InputError):  # and after a scan that fails
        scan([str(tmp_path / "missing.jsonl")], output=tmp_path / "out2.jsonl", model=FakeModel(), workers=1)
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


# --- the shared pieces: options, accounting, public names ---------------------------------------------------


def test_options_are_checked_once_for_every_engine(tmp_path: Path) -> None:
    from pillscan.scan import ScanOptions

    out = tmp_path / "o.jsonl"
    for engine in ("local", "dask"):
        with pytest.raises(InputError, match="no input"):
            ScanOptions.of([], output=out, engine=engine)
        with pytest.raises(InputError, match="chunk size"):
            ScanOptions.of(["x"], output=out, chunk_size=0, engine=engine)
        with pytest.raises(PillscanError, match="between 0 and 1"):
            ScanOptions.of(["x"], output=out, threshold=1.5, engine=engine)
    with pytest.raises(PillscanError, match="unknown engine 'spark'"):
        scan(["x"], output=out, engine="spark")
    options = ScanOptions.of("one.jsonl", output=out, threshold=0.3)
    assert options.inputs == ("one.jsonl",)
    with pytest.raises(AttributeError):
        options.threshold = 0.9  # type: ignore[misc]
    model = FakeModel()
    assert options.thresholds(model) == {"offer": 0.3, "review": 0.25}
    assert ScanOptions.of("x", output=out, threshold=0.1).thresholds(model) == {"offer": 0.1, "review": 0.1}
    assert ScanOptions.of("x", output=out).thresholds(model) == {"offer": 0.5, "review": 0.25}


def _tallies(n_parts: int) -> tuple[list[Any], Any]:
    """``n_parts`` part tallies of one input (equal scores everywhere: every tie is broken by input order), and
    the tally of the same chunks added one after another as the local engine does."""
    from pillscan.engines.accounting import Tally
    from pillscan.engines.chunks import process_chunk
    from pillscan.records import ReadError

    model, whole, parts = FakeModel(), Tally(), []
    for part in range(n_parts):
        tally = Tally(part=part)
        for c in range(3):
            recs = [(f"p{part}-{c}-{i}", "xanax bars, snap me", "in.jsonl", part * 100 + c * 30 + i) for i in range(30)]
            errs = [ReadError("in.jsonl", part * 100 + c * 30 + 29, f"bad {part}-{c}")]
            out = process_chunk(model, recs, threshold=None, fmt="jsonl", include_text=True, flagged_only=False)
            tally.add(out, errs, len(recs) + 1)
            whole.add(out, errs, len(recs) + 1)
        parts.append(tally)
    return parts, whole


def test_tally_merge_keeps_input_order_whatever_order_the_parts_finish() -> None:
    from pillscan.engines.accounting import TOP_K, Tally

    parts, whole = _tallies(4)
    forward, backward = Tally(part=-1), Tally(part=-1)
    for t in parts:
        forward.merge(t)
    for t in reversed(parts):
        backward.merge(t)
    assert forward.top_rows() == backward.top_rows()
    assert [r["id"] for r in forward.top_rows()] == [f"p0-{c}-{i}" for c in range(2) for i in range(30)][:TOP_K]
    assert forward.skip_examples == backward.skip_examples
    summary = backward.summary(thresholds={}, model_name="m", elapsed=1.0, posts=1, output="o", errors="e")
    assert summary.skip_examples == ("in.jsonl:29: bad 0-0", "in.jsonl:59: bad 0-1", "in.jsonl:89: bad 0-2")
    # The local engine's rule (one tally, chunks in order) picks the same rows: ties go to the earlier post.
    assert [r["id"] for r in whole.top_rows()] == [r["id"] for r in forward.top_rows()]
    assert (forward.read, forward.scored, forward.skipped, forward.offer) == (whole.read, whole.scored, 12, 360)


def test_checkpoint_of_another_version_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 500)
    out = tmp_path / "out.jsonl"
    opts: dict[str, Any] = {"model": FakeModel(), "workers": 1, "chunk_size": 100}
    with pytest.raises(ScanInterrupted):
        scan([src], output=out, progress=interrupt_after(2), **opts)
    ckpt = tmp_path / "out.jsonl.checkpoint.json"
    data = json.loads(ckpt.read_text())
    ckpt.write_text(json.dumps({**data, "version": 1}))
    with pytest.raises(OutputError, match="another pillscan version"):
        scan([src], output=out, resume=True, **opts)
    ckpt.write_text(json.dumps({**data, "tally": {**data["tally"], "bogus": 1}}))
    with pytest.raises(OutputError, match="edited or damaged"):
        scan([src], output=out, resume=True, **opts)


def test_public_names_stay_where_they_were() -> None:
    import pillscan
    from pillscan.engines import dask as dask_engine

    facade = sys.modules["pillscan.scan"]  # (``pillscan.scan`` the attribute is the function)

    assert pillscan.scan is facade.scan and pillscan.ScanSummary is facade.ScanSummary
    for name in ("ScanInterrupted", "ScanProgress", "ScanSummary", "write_outputs", "HIST_BINS", "TOP_K"):
        assert hasattr(facade, name), name
    for name in ("scan_dask", "score_partition", "output_meta", "register_model", "model_loads", "ModelPlugin"):
        assert hasattr(dask_engine, name), name
    from pillscan.errors import OutputError as moved
    from pillscan.writers import OutputError as where_it_was

    assert moved is where_it_was is OutputError
