"""How well a plain model trained on the synthetic corpus carries over to real text.

Trains TF-IDF (word 1-2) + LogisticRegression on generated rows only, then reports precision/recall/F1
on ../shared/external/realworld-dev.csv (label -1 rows left out of the metrics) and the flag rate per
slice at threshold 0.5. Used to find gaps in the generator; the real texts are never trained on.

    python benchmarks/corpus_transfer.py [--n 20000] [--seed 0] [--real PATH]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.pipeline import make_pipeline

from pillscan.generate import generate_corpus

DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "external" / "realworld-dev.csv"


def main() -> None:
    """Train on synthetic rows, print metrics on the real-world evaluation file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    corpus = generate_corpus(args.n, seed=args.seed)
    t_gen = time.perf_counter() - t0
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=4.0),
    )
    model.fit(corpus["text"], corpus["label"])

    real = pd.read_csv(args.real)
    real["score"] = model.predict_proba(real["text"].astype(str))[:, 1]
    real["flag"] = (real["score"] >= args.threshold).astype(int)
    scored = real[real["label"] != -1]
    y, p = scored["label"], scored["flag"]
    print(f"trained on {args.n} synthetic rows (seed {args.seed}, generated in {t_gen:.1f}s)")
    print(f"real-world dev, label -1 left out: n={len(scored)}  threshold={args.threshold}")
    print(f"{'':24}{'precision':>10}{'recall':>8}{'F1':>7}")
    print(f"{'tfidf+logreg (ours)':24}{precision_score(y, p):>10.3f}{recall_score(y, p):>8.3f}{f1_score(y, p):>7.3f}")
    print(f"{'keyword: pill name':24}{0.765:>10.3f}{0.817:>8.3f}{0.790:>7.3f}")
    print(f"{'keyword: name AND cue':24}{0.967:>10.3f}{0.622:>8.3f}{0.757:>7.3f}")
    print()
    print(f"{'slice':32}{'label':>6}{'n':>6}{'flag rate':>11}")
    for (slice_, label), g in real.groupby(["slice", "label"]):
        print(f"{slice_:32}{label:>6}{len(g):>6}{g['flag'].mean():>11.3f}")


if __name__ == "__main__":
    main()
