"""A simulated analyst: label N posts, retrain with ``--extra``, measure on posts nobody labelled.

Run:  nice python benchmarks/feedback.py [--sizes 0,50,100,200,400] [--weight 20] [--external DIR]

For each of ``realworld-dev.csv`` and ``handwritten-dev.jsonl`` (shared/external, evaluation files):

1. split the file in two, stratified by its slice/kind column: a labelling pool and an evaluation half;
2. score the pool with the default model, as a scan would (score, drugs named, source);
3. for each N, pick N posts of the pool either with :func:`pillscan.sample.choose_for_labelling` (what
   ``pillscan sample`` does) or at random, give them their true labels (the analyst), and retrain exactly as
   ``pillscan train --extra`` does (same generated corpus, same weight);
4. print precision, recall and F1 on the evaluation half at each model's own offer threshold, and the time the
   retraining took.

This is the only place where these files' labels enter training, and only here, standing in for an analyst: the
shipped default model never sees them. N = 0 is the default model itself.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pillscan.evaluate import binary_metrics
from pillscan.generate import generate_corpus
from pillscan.labels import read_labels
from pillscan.model import load_model
from pillscan.sample import choose_for_labelling
from pillscan.train import DEFAULT_EXTRA_WEIGHT, TrainConfig, train_model

ROOT = Path(__file__).resolve().parents[1]
FILES = (("realworld-dev.csv", "slice"), ("handwritten-dev.jsonl", "kind"))


def split(frame: pd.DataFrame, by: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Half of every slice to the pool, the other half to evaluation (odd slices: the extra row to evaluation)."""
    rng = np.random.default_rng(seed)
    pool, held = [], []
    for _, part in frame.groupby(by, sort=True):
        order = part.index.to_numpy()[rng.permutation(len(part))]
        pool.extend(order[: len(order) // 2])
        held.extend(order[len(order) // 2 :])
    return frame.loc[sorted(pool)].reset_index(drop=True), frame.loc[sorted(held)].reset_index(drop=True)


def scored_pool(model: object, pool: pd.DataFrame, name: str) -> pd.DataFrame:
    """The pool as a scan output would show it: score, decision, drugs named, source file."""
    results = model.score(pool["text"].tolist(), evidence="all")  # type: ignore[attr-defined]
    return pool.assign(
        score=[r.score for r in results],
        decision=[r.decision for r in results],
        drugs=[list(r.drugs) for r in results],
        source=name,
    )


def pick(pool: pd.DataFrame, n: int, how: str, threshold: float, seed: int) -> pd.DataFrame:
    if n == 0:
        return pool.iloc[:0]
    if how == "pillscan":
        # Only what a scan output has: text, score, drugs, source (never the slice or the label).
        chosen = choose_for_labelling(pool[["text", "score", "drugs", "source"]], n, threshold, seed=seed)
        return pool.loc[pool["text"].isin(set(chosen["text"]))].drop_duplicates("text").head(n)
    return pool.sample(n=min(n, len(pool)), random_state=seed)


def evaluate(model: object, held: pd.DataFrame) -> dict[str, float]:
    scores = np.asarray(model.predict_proba(held["text"].tolist()))  # type: ignore[attr-defined]
    m = binary_metrics(held["label"].to_numpy(), scores >= model.thresholds["offer"], scores)  # type: ignore[attr-defined]
    return {"precision": m.precision, "recall": m.recall, "f1": m.f1, "n": m.n}


def run(args: argparse.Namespace) -> int:
    external = Path(args.external)
    sizes = [int(x) for x in args.sizes.split(",")]
    default = load_model()
    threshold = default.thresholds["offer"]
    config = TrainConfig(seed=0)
    t0 = time.perf_counter()
    corpus = generate_corpus(config.n, seed=config.seed, positive_rate=config.positive_rate)
    print(
        f"generated the training corpus once ({len(corpus):,} rows, {time.perf_counter() - t0:.0f} s); "
        f"default model {default.name}, offer threshold {threshold}; extra weight {args.weight:g}",
        flush=True,
    )
    rows = []
    for file_name, by in FILES:
        frame = read_labels(external / file_name).frame
        pool, held = split(frame, by, args.seed)
        pool = scored_pool(default, pool[pool["label"] != -1], file_name)  # an analyst labels offer / not offer
        base = evaluate(default, held)
        rows.append((file_name, 0, "-", base, 0.0))
        print(f"{file_name}: pool {len(pool):,} (labels 0/1), evaluation half {base['n']:,} labelled rows", flush=True)
        for n in [s for s in sizes if s > 0]:
            for how in ("pillscan", "random"):
                chosen = pick(pool, n, how, threshold, args.seed)
                with tempfile.TemporaryDirectory() as tmp:
                    labels = Path(tmp) / f"labels-{how}-{n}.csv"
                    chosen[["text", "label"]].to_csv(labels, index=False)
                    start = time.perf_counter()
                    model, _ = train_model(
                        corpus, extra=[labels], config=config, extra_weight=args.weight, progress=lambda _m: None
                    )
                    seconds = time.perf_counter() - start
                result = evaluate(model, held)
                rows.append((file_name, len(chosen), how, result, seconds))
                print(
                    f"  {how:<8} N={len(chosen):>3} ({int(chosen['label'].sum())} offers): "
                    f"P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f}  "
                    f"retrained in {seconds:.0f} s",
                    flush=True,
                )
    print()
    print("| file | labels | chosen by | precision | recall | F1 | retraining (s) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for file_name, n, how, r, seconds in rows:
        print(
            f"| {file_name} | {n} | {how} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {seconds:.0f} |"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", default=str(ROOT.parent / "shared" / "external"))
    parser.add_argument("--sizes", default="0,50,100,200,400")
    parser.add_argument("--weight", type=float, default=DEFAULT_EXTRA_WEIGHT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not (Path(args.external) / FILES[0][0]).exists():
        print(f"no {FILES[0][0]} in {args.external} (pass --external DIR)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
