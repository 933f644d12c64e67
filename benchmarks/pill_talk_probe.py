"""Share of pill talk a model flags as an offer, per kind, on the probe set benchmarks/data/pill_talk_probe.jsonl.

Usage: python benchmarks/pill_talk_probe.py [--model PATH] [--top 15]

Printed: per kind, the posts scoring at or above the model's ``offer`` threshold; the recall of the offers (label 1)
and the flag rate of the rest (label 0), overall and per language; the ``--top`` highest-scoring label-0 posts and
every missed offer, with their scores. The probe is for evaluation only (benchmarks/data/README.md): never train on
it or tune a threshold to it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pillscan.model import load_model

PROBE = Path(__file__).resolve().parent / "data" / "pill_talk_probe.jsonl"


def _share(scores: list[float], threshold: float) -> str:
    hits = sum(score >= threshold for score in scores)
    return f"{hits}/{len(scores)} ({hits / len(scores):.1%})" if scores else "0/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="model file (default: the bundled default model)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    model = load_model(args.model)
    rows = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()]
    scores = [float(s) for s in model.predict_proba([row["text"] for row in rows])]
    scored = list(zip(rows, scores, strict=True))
    threshold = model.thresholds["offer"]
    print(f"offer threshold {threshold}; {len(rows)} posts")
    for kind in sorted({row["kind"] for row in rows}, key=lambda k: (k == "casual_offer", k)):
        print(f"  {kind:16s} >= offer: {_share([s for r, s in scored if r['kind'] == kind], threshold)}")
    for lang in ("all", "en", "es"):
        picked = [(r, s) for r, s in scored if lang in ("all", r["lang"])]
        flagged = _share([s for r, s in picked if r["label"] == 0], threshold)
        recall = _share([s for r, s in picked if r["label"] == 1], threshold)
        print(f"  {lang}: label 0 flagged {flagged}, label 1 recall {recall}")
    ranked = sorted(((s, r) for r, s in scored), key=lambda pair: -pair[0])
    print(f"highest-scoring label 0 (top {args.top}):")
    for score, row in [pair for pair in ranked if pair[1]["label"] == 0][: args.top]:
        print(f"  {score:.3f} {row['id']} {row['kind']}: {row['text']}")
    print("missed label 1:")
    for score, row in reversed([pair for pair in ranked if pair[1]["label"] == 1 and pair[0] < threshold]):
        print(f"  {score:.3f} {row['id']} {row['lang']}: {row['text']}")


if __name__ == "__main__":
    main()
