"""Seconds to score one adversarial 100,000-character post, evidence included, per kind of attack.

Usage: python benchmarks/hostile_posts.py [--chars 100000] [--runs 3]

The posts are the ones tests/test_hostile_posts.py checks for linear growth (a URL followed by 50,000
punctuation pairs, a word of 50,000 zero-width characters, homoglyphs, emoji, …). Printed: the median of
``--runs`` runs of ``normalize_text``, ``extract_signals`` and ``Model.score(evidence="all")`` on each, on one
core, with the bundled model. The target of issue 15 is under 1 s per post for the whole score.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pillscan.model import load_model
from pillscan.normalize import normalize_text
from pillscan.signals import extract_signals
from test_hostile_posts import ADVERSARIAL


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    model = load_model()
    model.score(["warm up: oxy 30 for sale"], evidence="all")
    print(f"{'attack':<14} {'normalize s':>12} {'signals s':>10} {'score s':>8}")
    worst = 0.0
    for name, build in sorted(ADVERSARIAL.items()):
        text = build(args.chars)
        norm = _median(lambda t=text: normalize_text(t), args.runs)
        sig = _median(lambda t=text: extract_signals(t), args.runs)
        full = _median(lambda t=text: model.score([t], evidence="all"), args.runs)
        worst = max(worst, full)
        print(f"{name:<14} {norm:>12.3f} {sig:>10.3f} {full:>8.3f}", flush=True)
    print(f"worst score time: {worst:.3f} s per {args.chars:,}-character post")


if __name__ == "__main__":
    main()
