"""What the context columns (issue 13) cost a scan: the same generated posts with and without who/when/where.

``python benchmarks/context_cost.py --n 50000 --repeat 5`` writes two JSONL inputs of the same ``--n`` generated
posts (1% offers, pillscan.generate.stream.iter_corpus): ``{"id", "text"}`` lines, and the same lines with a
``user``, a Unix ``timestamp`` and a ``permalink`` (+ ``--keep-col likes`` with a ``likes`` field). It times, in
this one process, what a local scan does per chunk (read, context, score with the default model, encode JSONL),
the two inputs interleaved, and prints the best of ``--repeat`` for each, µs per post and the ratio.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def _write_inputs(folder: Path, n: int, seed: int) -> tuple[Path, Path]:
    from pillscan.generate.stream import iter_corpus

    plain, rich = folder / "plain.jsonl", folder / "context.jsonl"
    with open(plain, "w", encoding="utf-8") as a, open(rich, "w", encoding="utf-8") as b:
        for i, post in enumerate(iter_corpus(n, seed=seed, positive_rate=0.01)):
            rec = {"id": f"p{i}", "text": post.text}
            a.write(json.dumps(rec, ensure_ascii=False) + "\n")
            rec.update(user=f"acct{i % 997}", timestamp=1_700_000_000 + i, permalink=f"https://x.com/i/status/{i}")
            rec["likes"] = i % 13
            b.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return plain, rich


def _time(path: Path, model: object, keep: tuple[str, ...]) -> float:
    from pillscan.engines.chunks import process_chunk, split_items
    from pillscan.readers import read_records

    start = time.perf_counter()
    for chunk in read_records([path], keep_cols=keep):
        recs, _ = split_items(chunk, keep)
        process_chunk(model, recs, threshold=None, fmt="jsonl", include_text=True, flagged_only=False, keep=keep)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from pillscan.model import load_model

    model = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        plain, rich = _write_inputs(Path(tmp), args.n, args.seed)
        _time(plain, model, ())  # (warm-up: caches, lazy imports)
        runs: dict[str, list[float]] = {"no context": [], "author, time, link, 1 kept column": []}
        for _ in range(args.repeat):
            runs["no context"].append(_time(plain, model, ()))
            runs["author, time, link, 1 kept column"].append(_time(rich, model, ("likes",)))
    base = min(runs["no context"])
    print(f"| input ({args.n:,} posts) | best of {args.repeat} (s) | µs per post | ratio |")
    print("|---|---|---|---|")
    for name, times in runs.items():
        best = min(times)
        print(f"| {name} | {best:.2f} | {best / args.n * 1e6:.1f} | {best / base:.2f} |")


if __name__ == "__main__":
    main()
