"""What one post costs a scan worker, in CPU instructions (callgrind), for one or more pillscan installations.

Usage: python benchmarks/post_cost.py --python VENV_A/bin/python [--python VENV_B/bin/python ...]
                                      [--input POSTS.jsonl] [--warm 2000] [--n 2000]

Each installation runs a worker's path (the JSONL reader, ``process_chunk``: scoring, evidence, encoding the output
rows) under ``valgrind --tool=callgrind`` twice: on ``--warm`` posts, then on the same posts followed by the ``--n``
next ones. The difference of the two instruction counts over ``--n`` is the instructions per post, with the model
loaded and the caches of the first posts warm. Instruction counts do not move with the machine's load (timings on
a shared machine do), so two builds can be compared one after the other; the ratio column is each installation's
count over the first one's. ``PYTHONHASHSEED=0`` keeps a run repeatable (two runs differ by well under 1%).
Needs valgrind; a run of 4,000 posts takes about a minute per installation. The input defaults to generated posts
at 1% offers, as benchmarks/throughput.py makes them (``--seed``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

_HARNESS = """
import sys
from pillscan.engines.chunks import process_chunk, split_items
from pillscan.model import default_model_path, load_model
from pillscan.readers import read_records

model = load_model(default_model_path())
with open(sys.argv[1], "wb") as out:
    for path in sys.argv[2:]:
        for chunk in read_records([path], format="jsonl"):
            records, _errors = split_items(chunk)
            done = process_chunk(model, records, threshold=None, fmt="jsonl", include_text=True, flagged_only=False)
            out.write(done.payload)
"""
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _instructions(python: str, files: list[Path], workdir: Path) -> int:
    """Instructions callgrind counts for the harness over ``files``."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONPATH", None)  # (the installation's own pillscan, not a checkout's)
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={workdir / 'callgrind.out'}", python, "-c"]
    done = subprocess.run(
        [*cmd, _HARNESS, str(workdir / "out.jsonl"), *map(str, files)], capture_output=True, text=True, env=env
    )
    found = _REFS.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{python}: the harness failed under callgrind: {done.stderr.strip()[-400:]}")
    return int(found[-1].replace(",", ""))


def _split_input(source: Path, warm: int, n: int, workdir: Path) -> tuple[Path, Path]:
    lines = source.read_bytes().splitlines(keepends=True)
    if len(lines) < warm + n:
        raise SystemExit(f"{source} has {len(lines)} lines; --warm {warm} + --n {n} are needed")
    first, second = workdir / "warm.jsonl", workdir / "measured.jsonl"
    first.write_bytes(b"".join(lines[:warm]))
    second.write_bytes(b"".join(lines[warm : warm + n]))
    return first, second


def _generate(path: Path, n: int, seed: int) -> None:
    from pillscan.generate.stream import iter_corpus

    with path.open("w", encoding="utf-8") as out:
        for i, post in enumerate(iter_corpus(n, seed=seed, positive_rate=0.01)):
            out.write(json.dumps({"id": f"p{i}", "text": post.text}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", action="append", required=True, help="a Python with pillscan installed")
    parser.add_argument("--input", default=None, help="JSONL posts ({'id', 'text'} lines); default: generated")
    parser.add_argument("--warm", type=int, default=2000, help="posts scanned before the measured ones")
    parser.add_argument("--n", type=int, default=2000, help="posts measured")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated input")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pillscan-post-cost-") as tmp:
        workdir = Path(tmp)
        source = Path(args.input) if args.input else workdir / "posts.jsonl"
        if not args.input:
            _generate(source, args.warm + args.n, args.seed)
        warm, measured = _split_input(source, args.warm, args.n, workdir)
        print(f"instructions per post (callgrind), {args.n:,} posts after {args.warm:,} warm-up posts")
        print("| python | build | instructions per post | ratio |")
        print("|---|---|---:|---:|")
        first = 0.0
        for python in args.python:
            build = subprocess.run(
                [python, "-c", "import pillscan; print(pillscan.build_description())"], capture_output=True, text=True
            ).stdout.strip()
            per_post = (_instructions(python, [warm, measured], workdir) - _instructions(python, [warm], workdir)) / (
                args.n
            )
            first = first or per_post
            print(f"| {python} | {build} | {per_post:,.0f} | {per_post / first:.3f} |", flush=True)


if __name__ == "__main__":
    main()
