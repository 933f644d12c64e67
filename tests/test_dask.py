"""The dask engine: the same rows and summary as the local engine, on a real two-process LocalCluster."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import dask.dataframe as dd  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from conftest import FakeModel, write_jsonl  # noqa: E402
from pillscan.cli import cli, main  # noqa: E402
from pillscan.engines.dask import model_loads, output_meta, register_model, scan_dask, score_partition  # noqa: E402
from pillscan.errors import InputError, ModelError  # noqa: E402
from pillscan.model import Model, load_model, save_model  # noqa: E402
from pillscan.scan import scan  # noqa: E402
from pillscan.writers import OutputError  # noqa: E402

N_FILES, PER_FILE = 3, 400


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pillscan.train import TrainConfig, train_model

    model, _ = train_model(config=TrainConfig(n=2000, folds=2))
    return save_model(model, tmp_path_factory.mktemp("model") / "tiny.joblib")


@pytest.fixture(scope="session")
def model(model_path: Path) -> Model:
    return load_model(model_path)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="session")
def posts() -> pd.DataFrame:
    from pillscan.generate import generate_corpus

    frame = generate_corpus(N_FILES * PER_FILE, seed=3)[["id", "text"]].copy()
    frame["id"] = frame["id"].astype(str)
    return frame.reset_index(drop=True)


def _files(posts: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    for i in range(N_FILES):
        yield i, posts.iloc[i * PER_FILE : (i + 1) * PER_FILE].copy()


@pytest.fixture(scope="session")
def parquet_dir(posts: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three Parquet files of 4 row groups; file 1 has empty texts and, late in the file, missing ids."""
    root = tmp_path_factory.mktemp("pq")
    for i, part in _files(posts):
        if i == 1:
            part.loc[part.index[:3], "text"] = None
            part.loc[part.index[-5:], "id"] = None
        part.to_parquet(root / f"posts-{i}.parquet", row_group_size=100)
    return root


@pytest.fixture(scope="session")
def jsonl_dir(posts: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three JSONL files (cut into several byte-range partitions by a small blocksize): broken lines,
    blank lines, empty texts and records without an id near the end of a file."""
    root = tmp_path_factory.mktemp("jl")
    for i, part in _files(posts):
        with open(root / f"posts-{i}.jsonl", "w", encoding="utf-8") as fh:
            for j, (ident, text) in enumerate(zip(part["id"], part["text"], strict=True)):
                if j % 97 == 5:
                    fh.write("{broken json\n\n")
                rec: dict[str, Any] = {"text": "" if j == 11 else text}
                if j < PER_FILE - 4:
                    rec["id"] = ident
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return root


def _rows(path: Path) -> list[dict[str, Any]]:
    files = sorted(path.glob("part.*")) if path.is_dir() else [path]
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return sorted(rows, key=lambda r: (r["source"], r["position"]))


def _report_rows(page: Path) -> list[tuple[str, float]]:
    """(id, score) of the posts a report lists, in the page's order (from its JSON data block)."""
    html = page.read_text(encoding="utf-8")
    data = html.split("<script type='application/json' id='pillscan-data'>", 1)[1].split("</script>", 1)[0]
    return [(str(r["id"]), float(r["score"])) for r in json.loads(data)["rows"]]


COUNTS = ("read", "written", "skipped", "output_rows", "flagged", "review", "by_drug", "by_signal", "by_source")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["parquet", "jsonl"])
def test_dask_scan_matches_the_local_engine(
    kind: str, parquet_dir: Path, jsonl_dir: Path, model: Model, client: Client, tmp_path: Path
) -> None:
    src = parquet_dir if kind == "parquet" else jsonl_dir
    local = scan(
        [src],
        output=tmp_path / "local.jsonl",
        model=model,
        workers=1,
        errors_path=tmp_path / "le.jsonl",
        report_path=tmp_path / "local.html",
    )
    before = client.run(model_loads)
    summary = scan_dask(
        [src],
        output=tmp_path / "dask.jsonl",
        model=model,
        scheduler=client,
        blocksize=20_000,  # several partitions per file (byte ranges / row groups)
        errors_path=tmp_path / "de.jsonl",
        summary_path=tmp_path / "summary.json",
        report_path=tmp_path / "dask.html",
    )
    after = client.run(model_loads)
    local_rows, dask_rows = _rows(tmp_path / "local.jsonl"), _rows(tmp_path / "dask.jsonl")
    assert len(list((tmp_path / "dask.jsonl").glob("part.*"))) > N_FILES  # files really were split
    assert [r["id"] for r in dask_rows] == [r["id"] for r in local_rows]
    assert dask_rows == local_rows  # same ids, positions, scores, decisions, signals, text
    assert any(":" in r["id"] and r["id"].startswith(str(src)) for r in dask_rows)  # generated ids agree too
    assert {k: summary.to_dict()[k] for k in COUNTS} == {k: local.to_dict()[k] for k in COUNTS}
    assert summary.read == summary.written + summary.skipped and summary.skipped > 0
    assert _rows(tmp_path / "de.jsonl") == _rows(tmp_path / "le.jsonl")
    # One rule for both engines: the report's best rows (ties: the earlier post) and the skip examples.
    assert summary.skip_examples == local.skip_examples and len(summary.skip_examples) == 3
    local_listed, dask_listed = (_report_rows(tmp_path / f"{e}.html") for e in ("local", "dask"))
    # The local report lists every flagged post (read back from the output); Dask's lists the best rows the scan
    # kept, which must be the same rows, in the same order, as the head of the local list.
    assert len(dask_listed) > 10 and dask_listed == local_listed[: len(dask_listed)]
    assert json.loads((tmp_path / "summary.json").read_text())["read"] == summary.read
    key = str(model.card["sha256"])
    assert all(after[w].get(key, 0) - before[w].get(key, 0) == 1 for w in after)  # once per worker, not per task


@pytest.mark.slow
def test_cli_dask_engine_writes_a_parquet_directory(
    parquet_dir: Path, model_path: Path, client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "scored"
    result = CliRunner().invoke(
        cli,
        ["scan", str(parquet_dir), "-o", str(out), "--engine", "dask", "--scheduler", client.scheduler.address,
         "--model", str(model_path), "--flagged-only", "--summary", str(tmp_path / "s.json")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "s.json").read_text())
    frame = pd.read_parquet(out)
    assert len(frame) == summary["output_rows"] > 0
    assert set(frame["decision"]) <= {"offer", "review"}
    assert summary["read"] == N_FILES * PER_FILE == summary["written"] + summary["skipped"]


@pytest.mark.slow
def test_score_partition_on_a_dask_dataframe(posts: pd.DataFrame, model: Model, client: Client) -> None:
    frame = posts.iloc[:300].copy()
    frame.loc[frame.index[0], "text"] = None
    ddf = dd.from_pandas(frame, npartitions=3)
    key = register_model(client, model)
    scored = ddf.map_partitions(score_partition, model_key=key, meta=output_meta()).compute()
    assert len(scored) == len(frame)  # nothing dropped: the empty one is marked, not lost
    assert scored.iloc[0]["decision"] == "skipped"
    expected = model.score(frame["text"].iloc[1:].tolist())
    assert scored["score"].iloc[1:].tolist() == [r.score for r in expected]
    assert scored["decision"].iloc[1:].tolist() == [r.decision for r in expected]


@pytest.mark.parametrize("how", ["environment", "config file"])
def test_score_partition_without_a_model_uses_the_active_model(
    posts: pd.DataFrame, model: Model, model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """No model_path, no model_key: the model every command uses ($PILLSCAN_MODEL, then the config file), as in
    the local engine, not always the bundled default."""
    if how == "environment":
        monkeypatch.setenv("PILLSCAN_MODEL", str(model_path))
    else:
        config = tmp_path / "config.json"
        config.write_text(json.dumps({"model": str(model_path)}), encoding="utf-8")
        monkeypatch.setenv("PILLSCAN_CONFIG", str(config))
    frame = posts.iloc[:200].copy()
    scored = score_partition(frame)
    expected = [r.score for r in model.score(frame["text"].tolist())]
    assert scored["score"].tolist() == expected
    monkeypatch.delenv("PILLSCAN_MODEL", raising=False)
    monkeypatch.setenv("PILLSCAN_CONFIG", str(tmp_path / "none.json"))
    bundled = score_partition(frame)["score"].tolist()
    assert bundled != expected  # the two models differ, so the check above could fail
    monkeypatch.setenv("PILLSCAN_MODEL", str(tmp_path / "missing.joblib"))
    with pytest.raises(ModelError, match="PILLSCAN_MODEL"):
        score_partition(frame)


def test_refuses_stdin_and_a_file_as_output(parquet_dir: Path, model: Model, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="stdin"):
        scan_dask(["-"], output=tmp_path / "o", model=model)
    (tmp_path / "taken").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        scan_dask([parquet_dir], output=tmp_path / "taken", model=model)


# --- the local engine's output checks, on the Dask engine -----------------------------------------------------


def test_an_errors_file_summary_or_report_that_is_an_input_is_refused(tmp_path: Path, capsys: Any) -> None:
    # (Before: ``--errors in.jsonl`` emptied the input and exited 0.) Refused before any cluster starts.
    src = write_jsonl(tmp_path / "in.jsonl", 50)
    before = src.read_bytes()
    for option in ("errors_path", "summary_path", "report_path"):
        with pytest.raises(OutputError, match="is also an input"):
            scan_dask([src], output=tmp_path / "out", model=FakeModel(), **{option: src})
    assert main(["scan", str(src), "--engine", "dask", "-o", str(tmp_path / "out"), "--errors", str(src)]) == 1
    err = capsys.readouterr().err
    assert "is also an input" in err and len(err.strip().splitlines()) == 1
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_outputs_inside_the_output_directory_or_inputs_inside_it_are_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 50)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="inside the output directory"):
        scan_dask([src], output=out, model=FakeModel(), summary_path=out / "summary.json")
    out.mkdir()
    (out / "part.00000.parquet").write_bytes(b"")
    with pytest.raises(OutputError, match="inside the output directory"):
        scan_dask([out], output=out, model=FakeModel())


def test_a_live_scan_of_the_same_output_directory_is_refused(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 50)
    (tmp_path / "out.lock").write_text(f"{os.getppid()}\n")  # a live process holds it
    with pytest.raises(OutputError, match="another scan"):
        scan_dask([src], output=tmp_path / "out", model=FakeModel())
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


@pytest.mark.slow
def test_output_inside_the_input_directory_is_never_read_back(model: Model, client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    write_jsonl(folder / "posts.jsonl", 300, bad_every=50)
    opts: dict[str, Any] = {"model": model, "scheduler": client, "errors_path": folder / "errors.jsonl"}
    first = scan_dask([folder], output=folder / "scored.jsonl", summary_path=folder / "s.json", **opts)
    rows = _rows(folder / "scored.jsonl")
    errors = (folder / "errors.jsonl").read_bytes()
    again = scan_dask([folder], output=folder / "scored.jsonl", summary_path=folder / "s.json", **opts)
    assert first.read == again.read == 300 and again.skipped == 6
    assert _rows(folder / "scored.jsonl") == rows and (folder / "errors.jsonl").read_bytes() == errors
    assert not (folder / "scored.jsonl.lock").exists()


def test_dask_forwards_the_encoding_option(tmp_path: Path, client: Client, model: Model) -> None:
    """A cp1252 CSV scans the same under the Dask engine as locally, detected and with --encoding forced
    (the forced case: bytes that are also valid UTF-8, so only a forwarded --encoding reads them as cp1252)."""
    src = tmp_path / "in.csv"
    src.write_bytes("id,text\n1,vendo oxicodona Ã©nvios rÃ¡pidos\n2,hola\n3,caf\u00e9 y m\u00e1s\n".encode("cp1252"))
    for encoding in (None, "cp1252"):
        tag = encoding or "auto"
        scan([src], output=tmp_path / f"l-{tag}.jsonl", model=model, workers=1, encoding=encoding)
        scan_dask(
            [src], output=tmp_path / f"d-{tag}", model=model, scheduler=client, encoding=encoding, out_format="jsonl"
        )
        local, dask = _rows(tmp_path / f"l-{tag}.jsonl"), _rows(tmp_path / f"d-{tag}")
        assert [r["text"] for r in dask] == [r["text"] for r in local], encoding
    assert _rows(tmp_path / "d-cp1252")[0]["text"] == "vendo oxicodona Ã©nvios rÃ¡pidos"


def test_dask_forwards_the_decoder_memory_option(tmp_path: Path, client: Client) -> None:
    """An xz file whose dictionary (256 MiB) is over the default cap is one skip naming --decoder-memory under the
    Dask engine too, as locally; with the cap lifted (``decoder_memory``) every record is read."""
    import lzma

    body = "".join(json.dumps({"id": str(i), "text": f"post {i}"}) + "\n" for i in range(100)).encode()
    src = tmp_path / "big-dict.jsonl.xz"
    filters = [{"id": lzma.FILTER_LZMA2, "dict_size": 256 * 1024 * 1024}]
    src.write_bytes(lzma.compress(body, format=lzma.FORMAT_XZ, filters=filters))
    opts: dict[str, Any] = {"model": FakeModel(), "scheduler": client, "out_format": "jsonl", "flagged_only": False}
    capped = scan_dask([src], output=tmp_path / "capped", errors_path=tmp_path / "e.jsonl", **opts)
    assert (capped.read, capped.written, capped.skipped) == (1, 0, 1)
    errors = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert len(errors) == 1 and "--decoder-memory" in errors[0]["reason"]
    lifted = scan_dask([src], output=tmp_path / "lifted", decoder_memory=512 * 1024 * 1024, **opts)
    assert (lifted.read, lifted.written, lifted.skipped) == (100, 100, 0)
    assert [r["id"] for r in _rows(tmp_path / "lifted")] == [str(i) for i in range(100)]


def test_dask_lone_surrogate_in_a_flagged_post(tmp_path: Path, client: Client, model: Model) -> None:
    src = tmp_path / "in.jsonl"
    offer = "selling oxy 30 m30 blues, cashapp, text me on telegram"
    rows = [{"id": str(i), "text": (offer + " \ud83d") if i % 2 else "hello there"} for i in range(40)]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    for fmt in ("jsonl", "parquet"):
        out = tmp_path / f"out-{fmt}"
        summary = scan_dask(
            [src], output=out, model=model, scheduler=client, out_format=fmt, report_path=tmp_path / f"{fmt}.html"
        )
        assert summary.read == 40 and summary.skipped == 0
        assert "\ufffd" in (tmp_path / f"{fmt}.html").read_text(encoding="utf-8")


def test_dask_keeps_context_and_writes_the_accounts_table_from_every_part(
    tmp_path: Path, client: Client, model: Model
) -> None:
    """Context and kept columns reach the part files; the accounts table and the report read every part and
    match the local engine's (issue 13)."""
    folder = tmp_path / "in"
    folder.mkdir()
    offer = "selling oxy 30 m30 blues, cashapp, text me on telegram"
    for f in range(2):
        lines = ["Username,Created At,Permalink,Likes,text"]
        lines += [
            f"acct{i % 3},2024-0{f + 1}-1{i},https://x.com/a/status/{f}{i},{i},{offer if i % 2 else 'hi'}"
            for i in range(6)
        ]
        (folder / f"p{f}.csv").write_text("\n".join(lines) + "\n")
    common: dict[str, Any] = {"model": model, "keep_cols": ["Likes"], "group_by": "author"}
    scan([folder], output=tmp_path / "l.jsonl", workers=1, accounts_path=tmp_path / "l.csv",
         report_path=tmp_path / "l.html", **common)  # fmt: skip
    scan_dask([folder], output=tmp_path / "d", scheduler=client, out_format="jsonl", accounts_path=tmp_path / "d.csv",
              report_path=tmp_path / "d.html", **common)  # fmt: skip
    assert len(list((tmp_path / "d").glob("part.*.jsonl"))) == 2
    local, dask = _rows(tmp_path / "l.jsonl"), _rows(tmp_path / "d")
    assert [(r["author"], r["url"], r["Likes"]) for r in dask] == [(r["author"], r["url"], r["Likes"]) for r in local]
    assert (tmp_path / "d.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()
    assert (tmp_path / "d.csv").read_text().count("\n") == 4  # header + acct0..2, all with offers
    pages = [(tmp_path / p).read_text(encoding="utf-8") for p in ("l.html", "d.html")]
    data = [json.loads(p.split("id='pillscan-data'>", 1)[1].split("</script>", 1)[0])["rows"] for p in pages]
    flagged = sorted(r["url"] for r in local if r["decision"] != "clean")
    assert flagged and sorted(r["url"] for r in data[0]) == sorted(r["url"] for r in data[1]) == flagged
