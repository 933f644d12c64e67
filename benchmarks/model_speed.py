"""What a scanned post costs: the previous default model against the current one, and where the time goes.

Two tables, both from the pillscan that is installed (run it from ``pip install .`` for the compiled build):

* ``python benchmarks/model_speed.py --n 200000 --workers 2 --repeat 3`` times ``pillscan scan`` (JSONL in,
  JSONL out) with the model before issue 12 (``models/pillscan-default.joblib`` and its card at ``--old-ref``,
  read with ``git show``) and with the current default model, the runs interleaved (old, new, old, new, ...),
  and prints posts/s (median of ``--repeat``) and their ratio. The input is generated as benchmarks/throughput.py
  makes it (posts at 1% offers, ``{"id", "text"}`` lines), or given with ``--input``.
* ``--stages`` times the stages of one process's scan of the same input (reading, normalisation and signal
  counts, the cascade's word stage, the full model's blocks, evidence, encoding, writing) and prints µs per post
  for each, for the current model (``--model`` for another).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

OLD_REF = "043f67d~1"  # the last commit with the default model from before issue 12 (git log -- models/)
_BLOCK = 50_000
_REPO = Path(__file__).resolve().parents[1]


def write_input(path: Path, n: int, seed: int) -> None:
    """``n`` generated posts at 1% offers, in blocks with their own seeds (as benchmarks/throughput.py does)."""
    from pillscan.generate import generate_corpus

    with path.open("w", encoding="utf-8") as out:
        for block, start in enumerate(range(0, n, _BLOCK)):
            df = generate_corpus(min(_BLOCK, n - start), seed=seed + 1000 * block, positive_rate=0.01)
            out.writelines(
                json.dumps({"id": f"b{block}-{i}", "text": t}) + "\n" for i, t in zip(df["id"], df["text"], strict=True)
            )


def old_model(workdir: Path, ref: str) -> Path:
    """The default model and card at git ``ref``, written into ``workdir``."""
    for suffix in (".joblib", ".json"):
        blob = subprocess.run(
            ["git", "-C", str(_REPO), "show", f"{ref}:models/pillscan-default{suffix}"],
            capture_output=True,
            check=True,
        ).stdout
        (workdir / f"old-default{suffix}").write_bytes(blob)
    return workdir / "old-default.joblib"


def scan_seconds(model: Path | None, src: Path, out: Path, workers: int, extra: list[str]) -> float:
    """Wall time of one ``pillscan scan`` run (a fresh process: imports and model load included)."""
    cmd = [sys.executable, "-m", "pillscan", "scan", str(src), "-o", str(out), "--workers", str(workers), "-q"]
    if model is not None:
        cmd += ["--model", str(model)]
    start = time.perf_counter()
    subprocess.run(cmd + extra, check=True)
    return time.perf_counter() - start


def compare(args: argparse.Namespace, workdir: Path, src: Path, n: int) -> None:
    models: dict[str, Path | None] = {f"old ({args.old_ref})": old_model(workdir, args.old_ref), "current": None}
    times: dict[str, list[float]] = {name: [] for name in models}
    extra = ["--flagged-only"] if args.flagged_only else []
    for _ in range(args.repeat):
        for name, model in models.items():
            times[name].append(scan_seconds(model, src, workdir / "out.jsonl", args.workers, extra))
    rate = {name: n / statistics.median(t) for name, t in times.items()}
    old, new = rate.values()
    print(f"pillscan scan --workers {args.workers}{' --flagged-only' if extra else ''}, {n:,} posts (JSONL), ", end="")
    print(f"median of {args.repeat} interleaved runs ({_build()})")
    print("| model | posts/s | runs (s) |")
    print("|---|---|---|")
    for name, t in times.items():
        print(f"| {name} | {rate[name]:,.0f} | {', '.join(f'{s:.2f}' for s in t)} |")
    print(f"| current / old | {new / old:.3f} | |")


def _build() -> str:
    import pillscan

    return pillscan.build_description()


# --- stages ---------------------------------------------------------------------------------------------------


class Stages:
    """Exclusive wall time per named stage: a stage's time does not include the stages called inside it."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*a: Any, **k: Any) -> Any:
            self._stack.append([0.0])
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent = time.perf_counter() - start
                inner = self._stack.pop()[0]
                self.total[name] = self.total.get(name, 0.0) + spent - inner
                if self._stack:
                    self._stack[-1][0] += spent

        return timed

    def patch(self, owner: Any, attr: str, name: str) -> None:
        setattr(owner, attr, self.wrap(name, getattr(owner, attr)))


def _patch_stages(stages: Stages) -> None:
    import pillscan.engines.chunks as chunks
    import pillscan.fastlinear as fastlinear
    import pillscan.features as features
    import pillscan.model as model

    stages.patch(chunks, "encode_chunk", "encode rows (JSONL)")
    stages.patch(chunks, "_count_flags", "tallies, kept rows")
    stages.patch(chunks, "_histogram", "tallies, kept rows")
    stages.patch(model.Model, "score", "score(): results")
    stages.patch(model.Model, "decision_function", "windows, cascade glue")
    stages.patch(model, "normalize_and_count", "normalise + signal counts")
    stages.patch(features.WordStage, "passes", "word stage (cascade)")
    stages.patch(model, "supply_evidence", "cascade rescue / pieces")
    stages.patch(model, "pill_evidence", "cascade rescue / pieces")
    stages.patch(model, "extract_signals", "evidence: signals")
    stages.patch(model, "cue_reasons", "evidence: cue reasons")
    stages.patch(fastlinear, "intent_features", "full model: intent features")
    stages.patch(model.Model, "_full_raw", "full model: signals + sum")
    original = fastlinear.NgramScorer.__call__
    timed = {
        "char_wb": stages.wrap("full model: char_wb n-grams", original),
        "word": stages.wrap("word n-grams (word stage and full model)", original),
    }

    def call(self: Any, texts: Any) -> Any:
        return timed[self.analyzer](self, texts)

    fastlinear.NgramScorer.__call__ = call  # type: ignore[method-assign]


def stage_profile(args: argparse.Namespace, src: Path, workdir: Path) -> None:
    from pillscan.engines.chunks import process_chunk, split_items
    from pillscan.model import load_model
    from pillscan.readers import read_records

    stages = Stages()
    _patch_stages(stages)
    model = load_model(args.model)
    # (the word stage's scorer is built on first use: build it before timing)
    model.score(["warm up"])
    stages.total.clear()
    read = stages.wrap("read + parse JSONL", lambda it: next(it, None))
    split = stages.wrap("read + parse JSONL", split_items)
    work = stages.wrap("scoring other", process_chunk)
    n = 0
    start = time.perf_counter()
    with (workdir / "stages.jsonl").open("wb") as out:
        write = stages.wrap("write", out.write)
        chunks: Iterator[Any] = read_records([str(src)], chunk_size=2000)
        while (chunk := read(chunks)) is not None:
            recs, _ = split(chunk)
            n += len(recs)
            done = work(model, recs, threshold=None, fmt="jsonl", include_text=True, flagged_only=args.flagged_only)
            write(done.payload)
    wall = time.perf_counter() - start
    print(f"one process, {n:,} posts, model {model.name} ({_build()}): µs per post by stage (exclusive)")
    print("| stage | µs/post | share |")
    print("|---|---|---|")
    for name, seconds in sorted(stages.total.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {1e6 * seconds / n:.2f} | {seconds / wall:.1%} |")
    untimed = wall - sum(stages.total.values())
    print(f"| (loop, untimed) | {1e6 * untimed / n:.2f} | {untimed / wall:.1%} |")
    print(f"| **total** | **{1e6 * wall / n:.2f}** | {n / wall:,.0f} posts/s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--input", type=Path, help="JSONL posts to scan instead of generated ones")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old-ref", default=OLD_REF, help="git commit holding the previous default model")
    parser.add_argument("--flagged-only", action="store_true")
    parser.add_argument("--stages", action="store_true", help="µs per post by stage, one process")
    parser.add_argument("--model", help="model for --stages (default: the active one)")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pillscan-model-speed-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        src = args.input
        if src is None:
            src = workdir / "posts.jsonl"
            write_input(src, args.n, args.seed)
        n = sum(1 for _ in src.open("rb"))
        if args.stages:
            stage_profile(args, src, workdir)
        else:
            compare(args, workdir, src, n)


if __name__ == "__main__":
    main()
