"""Scaling of the dask engine: the same multi-file Parquet input scanned by 1 and by 2 Dask workers.

    python benchmarks/dask_scaling.py              # 1,000,000 posts
    python benchmarks/dask_scaling.py --n 200000   # quicker

Posts come from a generated corpus (~1% offers), tiled with a per-copy suffix so no two texts are equal, and are
written as 20 Parquet files. Each run starts a fresh ``LocalCluster`` (processes, one thread each); the time
includes cluster start-up and writing the output, i.e. what a user waits for.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from pillscan.engines.dask import scan_dask
from pillscan.generate import generate_corpus
from pillscan.model import default_model_path, load_model, save_model


def make_posts(n: int, folder: Path, files: int = 20, seed: int = 0) -> None:
    """``n`` posts in ``files`` Parquet files: a 50k generated base (1% offers) tiled with unique suffixes."""
    base = generate_corpus(min(n, 50_000), seed=seed, positive_rate=0.01)["text"].tolist()
    per_file = -(-n // files)
    for f in range(files):
        lo, hi = f * per_file, min(n, (f + 1) * per_file)
        texts = [f"{base[i % len(base)]} #{i // len(base)}" for i in range(lo, hi)]
        pd.DataFrame({"id": [f"p{i}" for i in range(lo, hi)], "text": texts}).to_parquet(
            folder / f"posts-{f:02d}.parquet", row_group_size=20_000
        )


def main() -> None:
    """Print a table of posts/s for 1 and 2 workers and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="posts to scan (default 1,000,000)")
    parser.add_argument("--model", help="model file (default: the bundled one, else a small one trained here)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.model:
            model = load_model(args.model)
        elif default_model_path().exists():
            model = load_model()
        else:
            from pillscan.train import TrainConfig, train_model

            print("no default model: training a small one (n=5000)")
            model = load_model(save_model(train_model(config=TrainConfig(n=5000, folds=2))[0], tmp / "small.joblib"))
        (tmp / "in").mkdir()
        t0 = time.perf_counter()
        make_posts(args.n, tmp / "in")
        print(f"generated {args.n:,} posts in 20 Parquet files in {time.perf_counter() - t0:.0f} s; model {model.name}")

        rows = []
        for workers in (int(w) for w in args.workers.split(",")):
            t0 = time.perf_counter()
            summary = scan_dask([tmp / "in"], output=tmp / f"out-{workers}", model=model, workers=workers)
            elapsed = time.perf_counter() - t0
            rows.append((workers, summary.read, summary.flagged, elapsed, summary.read / elapsed))

    print("\n| workers | posts | flagged | seconds | posts/s | vs 1 worker |\n|---:|---:|---:|---:|---:|---:|")
    for workers, read, flagged, elapsed, rate in rows:
        print(f"| {workers} | {read:,} | {flagged:,} | {elapsed:.1f} | {rate:,.0f} | {rate / rows[0][4]:.2f}x |")


if __name__ == "__main__":
    main()
