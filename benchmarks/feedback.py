"""A simulated analyst: label N posts, retrain with ``pillscan train --extra``, measure on posts nobody labelled.

Run:  nice python benchmarks/feedback.py [--sizes 0,50,100,200,400] [--seeds 0,1,2] [--weight W] [--external DIR]

For each of ``realworld-dev.csv`` and ``handwritten-dev.jsonl`` (shared/external, evaluation files) and each seed:

1. split the file in two, stratified by its slice/kind column: a labelling pool and an evaluation half;
2. score the pool with the bundled default model, as a scan would (score, decision, drugs named, source);
3. for each N, pick N posts of the pool either with :func:`pillscan.sample.choose_for_labelling` (what
   ``pillscan sample`` and ``pillscan scan --label-sample`` do) or at random, write them with
   :func:`pillscan.sample.write_label_sheet` (the sheet an analyst fills in) and fill the label column with the
   posts' true labels (``offer``/``not_offer``: the analyst);
4. retrain exactly as a user would: ``pillscan train --extra SHEET -o MODEL`` in a fresh process (the feature
   cache of :mod:`pillscan.featurecache` is built once, by the first retrain, and read by every later one); the
   time is that command's wall-clock time;
5. print precision, recall and F1 on the evaluation half at each model's own offer threshold, and two
   diagnostics of the ranking itself: PR-AUC, and the best F1 any threshold would give on the evaluation half
   (an oracle: it says how much a better threshold rule could gain at most, and nothing uses it to choose).

This is the only place where these files' labels enter training, and only here, standing in for an analyst: the
shipped default model never sees them. N = 0 is the bundled default model itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve

from pillscan.evaluate import binary_metrics
from pillscan.labels import read_labels
from pillscan.model import load_model
from pillscan.sample import choose_for_labelling, write_label_sheet

ROOT = Path(__file__).resolve().parents[1]
FILES = (("realworld-dev.csv", "slice"), ("handwritten-dev.jsonl", "kind"))
#: What a scan output has and the picker may use (never the slice, kind or label).
SCAN_COLUMNS = ["id", "text", "score", "decision", "drugs", "source"]


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
        id=pool["id"].astype(str),
        score=[r.score for r in results],
        decision=[r.decision for r in results],
        drugs=[list(r.drugs) for r in results],
        source=name,
    )


def pick(pool: pd.DataFrame, n: int, how: str, threshold: float, seed: int) -> pd.DataFrame:
    if how == "pillscan":
        return choose_for_labelling(pool[SCAN_COLUMNS], n, threshold, seed=seed)
    return pool[SCAN_COLUMNS].sample(n=min(n, len(pool)), random_state=seed).assign(why="random")


def fill_in(sheet: Path, truth: dict[str, int]) -> tuple[int, int]:
    """The analyst: the sheet's label column filled with each post's true label; (rows, offers)."""
    frame = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    frame["label"] = frame["id"].map(lambda i: "offer" if truth[i] == 1 else "not_offer")
    frame.to_csv(sheet, index=False)
    return len(frame), int((frame["label"] == "offer").sum())


def retrain(sheet: Path, model_path: Path, weight: float | None, env: dict[str, str]) -> float:
    """``pillscan train --extra SHEET -o MODEL`` in a fresh process; its wall-clock seconds."""
    command = [sys.executable, "-m", "pillscan", "train", "--extra", str(sheet), "-o", str(model_path)]
    if weight is not None:
        command += ["--extra-weight", f"{weight:g}"]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def best_f1(labels: np.ndarray, scores: np.ndarray) -> float:
    """The highest F1 any threshold gives (an oracle on the evaluation half: a diagnostic, never a choice)."""
    precision, recall, _ = precision_recall_curve(labels, scores)
    return float(np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def evaluate(model: object, held: pd.DataFrame) -> dict[str, float]:
    scores = np.asarray(model.predict_proba(held["text"].tolist()))  # type: ignore[attr-defined]
    labels = held["label"].to_numpy(dtype=int)
    m = binary_metrics(labels, scores >= model.thresholds["offer"], scores)  # type: ignore[attr-defined]
    return {
        "precision": m.precision,
        "recall": m.recall,
        "f1": m.f1,
        "n": m.n,
        "pr_auc": m.pr_auc,
        "best_f1": best_f1(labels, scores),
    }


def run_file(file_name: str, by: str, args: argparse.Namespace, seed: int, env: dict[str, str], tmp: Path) -> list:
    default = load_model()
    threshold = float(default.thresholds["offer"])
    frame = read_labels(Path(args.external) / file_name).frame
    frame = frame.assign(id=frame["id"].astype(str))
    pool, held = split(frame, by, seed)
    held = held[held["label"] != -1]  # offer metrics: out-of-scope rows are left out, as `pillscan evaluate` does
    pool = scored_pool(default, pool[pool["label"] != -1], file_name)  # an analyst labels offer / not offer
    truth = dict(zip(pool["id"], pool["label"].astype(int), strict=True))
    rows = [(file_name, seed, 0, "-", 0, evaluate(default, held), 0.0)]
    print(
        f"{file_name} seed {seed}: pool {len(pool):,}, evaluation half {len(held):,}: F1 {rows[0][5]['f1']:.3f} "
        f"(best threshold {rows[0][5]['best_f1']:.3f}, PR-AUC {rows[0][5]['pr_auc']:.3f})"
    )
    for n in [s for s in args.sizes if s > 0]:
        for how in ("pillscan", "random"):
            sheet = tmp / f"labels-{how}-{n}.csv"
            write_label_sheet(pick(pool, n, how, threshold, seed), str(sheet))
            size, offers = fill_in(sheet, truth)
            seconds = retrain(sheet, tmp / "model.joblib", args.weight, env)
            result = evaluate(load_model(tmp / "model.joblib"), held)
            rows.append((file_name, seed, size, how, offers, result, seconds))
            print(
                f"  {how:<8} N={size:>3} ({offers} offers): P {result['precision']:.3f} R {result['recall']:.3f} "
                f"F1 {result['f1']:.3f} (best threshold {result['best_f1']:.3f}, PR-AUC {result['pr_auc']:.3f})  "
                f"retrained in {seconds:.0f} s",
                flush=True,
            )
    return rows


def table(rows: list, seeds: list[int]) -> None:
    """One line per file, N and picker: median over seeds (and the range when there are several)."""
    print()
    many = len(seeds) > 1
    print(
        f"| file | labels | chosen by | offers among them | precision | recall | F1{' (min-max)' if many else ''} "
        "| F1 at the best threshold (oracle) | PR-AUC | `train --extra` (s) |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    keys = list(dict.fromkeys((r[0], r[2], r[3]) for r in rows))
    for file_name, n, how in keys:
        group = [r for r in rows if (r[0], r[2], r[3]) == (file_name, n, how)]

        def med(values: list[float]) -> float:
            return statistics.median(values)

        f1 = [r[5]["f1"] for r in group]
        spread = f" ({min(f1):.3f}-{max(f1):.3f})" if many else ""
        print(
            f"| {file_name} | {n} | {how} | {med([r[4] for r in group]):.0f} | "
            f"{med([r[5]['precision'] for r in group]):.3f} | {med([r[5]['recall'] for r in group]):.3f} | "
            f"{med(f1):.3f}{spread} | {med([r[5]['best_f1'] for r in group]):.3f} | "
            f"{med([r[5]['pr_auc'] for r in group]):.3f} | {med([r[6] for r in group]):.0f} |"
        )


def run(args: argparse.Namespace) -> int:
    # The analyst's environment: the bundled default is the model every command uses (no user config).
    env = {k: v for k, v in os.environ.items() if k != "PILLSCAN_MODEL"}
    env["PILLSCAN_CONFIG"] = os.devnull
    os.environ.pop("PILLSCAN_MODEL", None)
    os.environ["PILLSCAN_CONFIG"] = os.devnull
    print(f"bundled default model {load_model().name}; extra weight {args.weight or 'the train default'}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            for file_name, by in [f for f in FILES if f[0] in args.files]:
                rows += run_file(file_name, by, args, seed, env, Path(tmp))
    table(rows, args.seeds)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", default=str(ROOT.parent / "shared" / "external"))
    parser.add_argument("--sizes", default="0,50,100,200,400")
    parser.add_argument("--seeds", default="0", help="Comma-separated split/picker seeds (the table: median, range).")
    parser.add_argument("--files", default=",".join(f for f, _ in FILES), help="Which of the files (comma-separated).")
    parser.add_argument("--weight", type=float, default=None, help="--extra-weight (default: train's default).")
    args = parser.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",")]
    args.seeds = [int(x) for x in args.seeds.split(",")]
    args.files = [x for x in args.files.split(",") if x]
    unknown = sorted(set(args.files) - {f for f, _ in FILES})
    if unknown or not args.files:
        print(
            f"--files: choose from {', '.join(f for f, _ in FILES)} (not {', '.join(unknown) or 'nothing'})",
            file=sys.stderr,
        )
        return 2
    if not (Path(args.external) / FILES[0][0]).exists():
        print(f"no {FILES[0][0]} in {args.external} (pass --external DIR)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
