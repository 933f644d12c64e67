"""End-to-end throughput (JSONL in -> JSONL out) of pillscan scan next to simpler pipelines (issue 5).

Usage: python benchmarks/throughput.py [--n 200000] [--memory-n 1000000] [--repeat 3] [--train-n 50000]
                                       [--model FILE] [--workdir DIR]

It generates its own input (``--n`` posts at 1% offers, streamed from pillscan.generate.stream.iter_corpus), trains the
comparison models on a separate generated corpus (``--train-n`` rows, 35% offers), then times, each in a fresh child
process so that peak RSS is that run's own: ``pillscan scan`` with 1, 2 and 4 workers (4: more than this machine's
cores, for the trend; the installed package's CLI run in the measuring process, so that the parent's CPU time is told
from its workers': the "parent cost" lines; default model unless ``--model``); a plain scikit-learn word 1-2 + char_wb
2-5 TF-IDF + LogisticRegression pipeline in one process and in two at once (each on every other line: the same two
cores pillscan's two workers get); the keyword baseline (pillscan.baselines.pill_and_sale_cue); fastText
(fasttext-wheel, dim 32, 2^18 buckets, word bigrams); and the floor (json.loads + json.dumps per line, no model),
these three in one process (and the floor with orjson, when it is installed). Every row reads the same JSONL (the CSV
rows: the same posts written as an id,text CSV) and writes one JSONL row per post. posts/s is the median of ``--repeat``
runs, each round running every row once (interleaved, so that the machine's drift falls on all rows alike);
``--compare-src DIR`` adds scan rows run from another checkout's src/ (an A/B of two builds). Peak RSS is the largest
resident set of any one process of the run; ``x pillscan`` is the row's posts/s divided by pillscan scan's with 2
workers. The memory row scans ``--memory-n`` posts (the input repeated with small edits) with 2 workers. Not a unit
test: timings on a shared machine drift.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BATCH = 2000
# Runs a command and reports its wall time and the peak RSS of its process tree's largest process.
_WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "s = time.perf_counter() - t\n"
    "print(json.dumps({'rc': rc, 'seconds': s, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)
# Runs pillscan's CLI in this process, so that the scan's parent process (this one) and its workers (reaped
# children) have their own resource usage: CPU seconds of each, and the peak RSS of the largest process (this
# one's from /proc: ru_maxrss would keep the peak of the process that started it, which outlives an exec).
_SCAN_WRAPPER = (
    "import json, resource, sys, time\n"
    "from pillscan.cli import main\n"
    "t = time.perf_counter()\n"
    "rc = main(sys.argv[1:])\n"
    "s = time.perf_counter() - t\n"
    "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "hwm = [int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
    "print(json.dumps({'rc': rc, 'seconds': s, 'rss_kb': max((hwm or [me.ru_maxrss]) + [kids.ru_maxrss]),\n"
    "                  'parent_cpu': me.ru_utime + me.ru_stime, 'workers_cpu': kids.ru_utime + kids.ru_stime}))\n"
)


# --- the rows that run in a child process (python throughput.py --row NAME ...) -------------------------------


def _read_batches(path: Path, part: int = 0, parts: int = 1) -> Iterator[tuple[list[str], list[str]]]:
    """Batches of (ids, texts); with ``parts`` > 1 only every ``parts``-th line from line ``part`` on."""
    ids: list[str] = []
    texts: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle):
            if lineno % parts != part:
                continue
            rec = json.loads(line)
            ids.append(rec["id"])
            texts.append(rec["text"])
            if len(texts) == BATCH:
                yield ids, texts
                ids, texts = [], []
    if texts:
        yield ids, texts


def _run_parts(row: str, input_path: Path, output_path: Path, workdir: Path, processes: int) -> None:
    """``row`` in ``processes`` processes at once, each on its share of the lines (its own output file)."""
    script = str(Path(__file__).resolve())
    common = [sys.executable, script, "--row", row, "--input", str(input_path), "--workdir", str(workdir)]
    children = [
        subprocess.Popen([*common, "--output", f"{output_path}.{k}", "--part", str(k), "--parts", str(processes)])
        for k in range(processes)
    ]
    if any(child.wait() for child in children):
        raise SystemExit(f"a {row} process failed")


def _run_row(row: str, input_path: Path, output_path: Path, workdir: Path, part: int = 0, parts: int = 1) -> None:
    """Read ``input_path`` (lines ``part``, ``part + parts``, ...), score every post with ``row``'s method, write
    JSONL to ``output_path``."""
    score: Callable[[list[str]], list[float]]
    if row == "floor-orjson":
        _floor_orjson(input_path, output_path, part, parts)
        return
    if row == "floor":

        def score(texts: list[str]) -> list[float]:
            return [0.0] * len(texts)

    elif row == "keyword":
        from pillscan.baselines import pill_and_sale_cue

        def score(texts: list[str]) -> list[float]:
            return pill_and_sale_cue(texts).astype(float).tolist()

    elif row == "sklearn":
        import joblib

        pipeline = joblib.load(workdir / "sklearn.joblib")

        def score(texts: list[str]) -> list[float]:
            return pipeline.predict_proba(texts)[:, 1].tolist()

    elif row == "fasttext":
        import fasttext

        model = fasttext.load_model(str(workdir / "fasttext.bin"))

        def score(texts: list[str]) -> list[float]:
            # predict() is broken with numpy 2; multilinePredict with k=1 is not.
            lines = [t.lower().replace("\n", " ") for t in texts]
            labels, probs = model.f.multilinePredict(lines, 1, 0.0, "strict")
            # A line with no known token gets no label at all: score it 0.
            return [
                min(1.0, max(0.0, p[0] if lab[0] == "__label__1" else 1.0 - p[0])) if len(lab) else 0.0
                for lab, p in zip(labels, probs, strict=True)
            ]

    else:
        raise SystemExit(f"unknown row {row}")
    with output_path.open("w", encoding="utf-8") as out:
        for ids, texts in _read_batches(input_path, part, parts):
            out.writelines(
                json.dumps({"id": i, "score": round(float(s), 4)}) + "\n"
                for i, s in zip(ids, score(texts), strict=True)
            )


def _floor_orjson(input_path: Path, output_path: Path, part: int, parts: int) -> None:
    """The floor with orjson: parse each line and write its row (no model), bytes in and out."""
    import orjson

    with input_path.open("rb") as handle, output_path.open("wb") as out:
        for lineno, line in enumerate(handle):
            if lineno % parts == part:
                out.write(orjson.dumps({"id": orjson.loads(line)["id"], "score": 0.0}) + b"\n")


# --- preparation --------------------------------------------------------------------------------------------


def _write_input(path: Path, n: int, seed: int) -> None:
    """``n`` generated posts at 1% offers, streamed (pillscan.generate.iter_corpus: never held in memory)."""
    from pillscan.generate.stream import iter_corpus

    with path.open("w", encoding="utf-8") as out:
        for i, post in enumerate(iter_corpus(n, seed=seed, positive_rate=0.01)):
            out.write(json.dumps({"id": f"p{i}", "text": post.text}) + "\n")


def _write_repeated(src: Path, dst: Path, n: int) -> None:
    """``n`` posts: the posts of ``src`` over and over, each copy with a new id and a small edit."""
    lines = src.read_text(encoding="utf-8").splitlines()
    with dst.open("w", encoding="utf-8") as out:
        for k in range(n):
            rec = json.loads(lines[k % len(lines)])
            copy = k // len(lines)
            if copy:
                rec["id"] = f"{rec['id']}-{copy}"
                rec["text"] = f"{rec['text']} {copy}"
            out.write(json.dumps(rec) + "\n")


def _write_csv(src: Path, dst: Path) -> None:
    """The posts of the JSONL file ``src`` as a CSV file (id,text; the csv module quotes what needs it)."""
    import csv

    with src.open(encoding="utf-8") as handle, dst.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        for line in handle:
            rec = json.loads(line)
            writer.writerow([rec["id"], rec["text"]])


def _train(workdir: Path, n: int, seed: int) -> dict[str, float]:
    """Fit the scikit-learn and fastText comparison models; returns fit seconds per model."""
    import joblib
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pillscan.generate import generate_corpus

    df = generate_corpus(n, seed=seed)
    texts, labels = df["text"].tolist(), df["label"].to_numpy()
    fit: dict[str, float] = {}
    start = time.perf_counter()
    pipeline = Pipeline(
        [
            (
                "tfidf",
                FeatureUnion(
                    [
                        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)),
                        (
                            "char",
                            TfidfVectorizer(
                                analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, dtype=np.float32
                            ),
                        ),
                    ]
                ),
            ),
            ("clf", LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, solver="liblinear")),
        ]
    )
    pipeline.fit(texts, labels)
    fit["sklearn"] = time.perf_counter() - start
    joblib.dump(pipeline, workdir / "sklearn.joblib")
    try:
        import fasttext
    except ImportError:
        return fit
    train_file = workdir / "fasttext-train.txt"
    with train_file.open("w", encoding="utf-8") as out:
        for text, label in zip(texts, labels, strict=True):
            out.write(f"__label__{int(label)} {text.lower().replace(chr(10), ' ')}\n")
    start = time.perf_counter()
    model = fasttext.train_supervised(
        str(train_file), dim=32, bucket=1 << 18, wordNgrams=2, epoch=10, minn=0, maxn=0, verbose=0, thread=2
    )
    fit["fasttext"] = time.perf_counter() - start
    model.save_model(str(workdir / "fasttext.bin"))
    return fit


# --- accuracy of the fast path -----------------------------------------------------------------------------


def _f1_table(model_path: Path, external: Path | None, n: int, seed: int, workdir: Path | None = None) -> None:
    """F1 of the model with and without the cascade, on a fresh synthetic set and on real text (if given), next
    to the F1 of the speed table's scikit-learn pipeline (``workdir/sklearn.joblib``, at probability 0.5)."""
    from pillscan.evaluate import binary_metrics, load_labelled
    from pillscan.generate import generate_corpus
    from pillscan.model import evidence_mask, load_model
    from pillscan.signals import normalize_and_count

    model = load_model(model_path)
    sets = []
    synthetic = generate_corpus(n, seed=seed)
    sets.append((f"synthetic, {n:,} rows, seed {seed}", synthetic[synthetic["kind"] != "lifestyle_spam"]))
    if external is not None and external.exists():
        frame = load_labelled(external)
        sets.append((f"{external.name} (evaluation only)", frame[frame["label"].isin([0, 1])]))
    cascade = model.card.get("metrics", {}).get("cascade", {})
    baseline = None
    if workdir is not None and (workdir / "sklearn.joblib").exists():
        import joblib

        baseline = joblib.load(workdir / "sklearn.joblib")
    print(f"\nF1 at the offer threshold, full model vs the cascade (model {model_path.name})")
    print(f"| {'set':<44} | {'F1 full':>7} | {'F1 cascade':>10} | {'delta':>7} | {'to full model':>13} |"
          + (" F1 sklearn row |" if baseline is not None else ""))  # fmt: skip
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 12}|{'-' * 9}|{'-' * 15}|" + ("-" * 16 + "|" if baseline is not None else ""))
    if "heldout_f1_full_model" in cascade:
        full, fast = cascade["heldout_f1_full_model"], cascade.get("heldout_f1_word_stage", float("nan"))
        share = 1.0 - cascade.get("word_stage_rows_cleared", 0.0)
        name = "held-out template families (card, 3-fold)"
        print(f"| {name:<44} | {full:>7.4f} | {fast:>10.4f} | {fast - full:>+7.4f} | {share:>13.1%} |"
              + (f" {'-':>14} |" if baseline is not None else ""))  # fmt: skip
    for name, frame in sets:
        texts = frame["text"].astype(str).tolist()
        labels = frame["label"].to_numpy(dtype=int)
        full_p = model.predict_proba(texts, cascade=False)
        fast_p = model.predict_proba(texts, cascade=True)
        offer = model.thresholds["offer"]
        f_full = binary_metrics(labels, full_p >= offer).f1
        f_fast = binary_metrics(labels, fast_p >= offer).f1
        normalized, counts = normalize_and_count(texts)
        if model.word_stage is not None:
            share = float(model.word_stage.passes(normalized, counts).mean())
        else:
            share = float(evidence_mask(counts).mean())
        extra = ""
        if baseline is not None:
            f_base = binary_metrics(labels, baseline.predict_proba(texts)[:, 1] >= 0.5).f1
            extra = f" {f_base:>14.4f} |"
        print(f"| {name:<44} | {f_full:>7.4f} | {f_fast:>10.4f} | {f_fast - f_full:>+7.4f} | {share:>13.1%} |" + extra)


def _print_parent_cost(cpu: dict[str, list[float]], fixed: dict[str, list[float]], n: int) -> None:
    """What the scan's parent process costs per post, next to its workers (median over the runs), less what a
    scan of 1,000 posts costs (start-up: imports, loading the model, starting the workers)."""
    for name, values in cpu.items():
        if not values or "--workers 1" in name or len(fixed.get(name, ())) < 2:
            continue
        parent = statistics.median(values[0::2]) - fixed[name][0]
        workers = statistics.median(values[1::2]) - fixed[name][1]
        share = parent / (parent + workers)
        per = n - 1000  # (less the posts of the start-up run)
        print(f"parent cost, {name}: {parent / per * 1e6:.1f} us CPU per post in the parent, "
              f"{workers / per * 1e6:.1f} us in the workers ({share:.1%} of the scan's CPU)")  # fmt: skip


# --- measuring ----------------------------------------------------------------------------------------------


def _measure(cmd: list[str], repeat: int, parents: list[float] | None = None) -> tuple[float, int, str]:
    """Median seconds and largest peak RSS (KB) of ``repeat`` runs of ``cmd``; an error text if one failed.

    ``cmd`` starting with ``"pillscan"`` runs the CLI in the measuring process (see _SCAN_WRAPPER); then the
    parent's share of the CPU time, ``(parent, workers)`` seconds of each run, is appended to ``parents``.
    """
    runs = [_run_once(cmd, parents) for _ in range(repeat)]
    error = next((r[2] for r in runs if r[2]), "")
    return (0.0, 0, error) if error else (statistics.median(r[0] for r in runs), max(r[1] for r in runs), "")


def _run_once(
    cmd: list[str], parents: list[float] | None = None, env: dict[str, str] | None = None
) -> tuple[float, int, str]:
    """Seconds and peak RSS (KB) of one run of ``cmd`` (see :func:`_measure`), or an error text."""
    wrapper, args = (_SCAN_WRAPPER, cmd[1:]) if cmd[0] == "pillscan" else (_WRAPPER, cmd)
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    lines = done.stdout.strip().splitlines()
    if not lines:
        return 0.0, 0, f"no report ({done.stderr.strip()[-200:]})"
    report = json.loads(lines[-1])
    if report["rc"] != 0:
        return 0.0, 0, f"exit {report['rc']}"
    if parents is not None and "parent_cpu" in report:
        parents.extend([report["parent_cpu"], report["workers_cpu"]])
    return report["seconds"], report["rss_kb"], ""


def _measure_interleaved(
    rows: list[tuple[str, list[str] | None, str, dict[str, str]]], repeat: int, n: int, cpu: dict[str, list[float]]
) -> list[tuple[str, float, int, str]]:
    """Each row run once per round, ``repeat`` rounds (so that the machine's drift falls on every row alike);
    per row: the posts/s of its median run, its largest peak RSS, or why it has none."""
    runs: dict[str, list[tuple[float, int, str]]] = {name: [] for name, *_ in rows}
    for _ in range(repeat):
        for name, cmd, _why, env in rows:
            if cmd is not None and not any(r[2] for r in runs[name]):
                runs[name].append(_run_once(cmd, cpu.setdefault(name, []), env))
                done = runs[name][-1]
                print(f"  measured {name}: {done[2] or f'{n / done[0]:,.0f} posts/s'}", file=sys.stderr, flush=True)
    results = []
    for name, cmd, why, _ in rows:
        error = next((r[2] for r in runs[name] if r[2]), "") if cmd is not None else why
        if error:
            results.append((name, 0.0, 0, error))
            continue
        seconds = statistics.median(r[0] for r in runs[name])
        results.append((name, n / seconds, max(r[1] for r in runs[name]), ""))
    return results


def main() -> None:
    """Prepare the input and models, time every row, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000, help="posts to scan (1%% offers)")
    parser.add_argument("--memory-n", type=int, default=1_000_000, help="posts for the memory row (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (median)")
    parser.add_argument("--train-n", type=int, default=50_000, help="training rows for sklearn and fastText")
    parser.add_argument("--model", default=None, help="pillscan model file (default: the bundled one)")
    parser.add_argument("--workdir", default=None, help="keep inputs, models and outputs here")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--external",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "external" / "realworld-dev.csv"),
        help="labelled real text for the F1 table (evaluation only; '' to skip)",
    )
    parser.add_argument("--f1-n", type=int, default=10_000, help="fresh synthetic rows for the F1 table (0: skip)")
    parser.add_argument("--f1-only", action="store_true", help="print only the F1 table")
    parser.add_argument("--rows", default="scan,csv,sklearn,keyword,fasttext,floor", help="which rows to time")
    parser.add_argument(
        "--compare-src",
        default=None,
        help="a checkout whose src/ is timed next to this one (scan rows with 1 and 2 workers, runs interleaved)",
    )
    parser.add_argument("--row", help=argparse.SUPPRESS)  # internal: run one row in this process
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parts", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row and args.processes > 1:
        _run_parts(args.row, Path(args.input), Path(args.output), Path(args.workdir), args.processes)
        return
    if args.row:
        _run_row(args.row, Path(args.input), Path(args.output), Path(args.workdir), args.part, args.parts)
        return

    print("command: " + shlex.join([sys.executable, *sys.argv]), flush=True)
    if args.f1_only:
        from pillscan.model import default_model_path

        _f1_table(Path(args.model) if args.model else default_model_path(), Path(args.external) if args.external
                  else None, args.f1_n, args.seed + 200, Path(args.workdir) if args.workdir else None)  # fmt: skip
        return
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="pillscan-throughput-"))
    workdir.mkdir(parents=True, exist_ok=True)
    posts = workdir / f"posts-{args.n}.jsonl"
    if not posts.exists():
        _write_input(posts, args.n, args.seed)
    wanted = set(args.rows.split(","))
    fit = _train(workdir, args.train_n, seed=args.seed + 100) if wanted & {"sklearn", "fasttext"} else {}
    print(
        f"input: {posts} ({args.n:,} posts, 1% offers); fit seconds on {args.train_n:,} rows: "
        + ", ".join(f"{k} {v:.0f}" for k, v in fit.items()),
        flush=True,
    )

    from pillscan import build_description
    from pillscan.model import default_model_path

    print(f"pillscan {build_description()} (python {sys.version.split()[0]})", flush=True)
    model = Path(args.model) if args.model else default_model_path()

    def scan_cmd(path: Path, workers: int) -> list[str]:
        cmd = ["pillscan", "scan", str(path), "-o", str(workdir / "out-scan.jsonl"), "--workers", str(workers)]
        return cmd + (["--model", str(model)] if args.model else [])

    def row_cmd(row: str, processes: int = 1) -> list[str]:
        out = workdir / f"out-{row}.jsonl"
        script = str(Path(__file__).resolve())
        return [sys.executable, script, "--row", row, "--input", str(posts), "--output", str(out),
                "--workdir", str(workdir), "--processes", str(processes)]  # fmt: skip

    rows: list[tuple[str, list[str] | None, str, dict[str, str]]] = []
    note = "" if model.exists() else f"skipped: model {model} is missing (train it with `pillscan train`)"
    rows += [(f"pillscan scan --workers {w}", None if note else scan_cmd(posts, w), note, {}) for w in (1, 2)]
    rows.append(("pillscan scan --workers 4 (oversubscribed)", None if note else scan_cmd(posts, 4), note, {}))
    if "csv" in wanted:
        posts_csv = posts.with_suffix(".csv")
        if not posts_csv.exists():
            _write_csv(posts, posts_csv)
        rows += [(f"pillscan scan --workers {w}, CSV in", None if note else scan_cmd(posts_csv, w), note, {})
                 for w in (1, 2)]  # fmt: skip
    if args.compare_src:
        env = {"PYTHONPATH": str(Path(args.compare_src).resolve() / "src")}
        rows += [(f"pillscan scan --workers {w}, --compare-src", None if note else scan_cmd(posts, w), note, env)
                 for w in (1, 2)]  # fmt: skip
    rows.append(("scikit-learn word+char TF-IDF + LR, 1 proc", row_cmd("sklearn"), "", {}))
    rows.append(("scikit-learn word+char TF-IDF + LR, 2 procs", row_cmd("sklearn", 2), "", {}))
    rows.append(("keyword baseline (pill_and_sale_cue), 1 proc", row_cmd("keyword"), "", {}))
    has_ft = (workdir / "fasttext.bin").exists()
    rows.append(("fastText dim 32, 2^18 buckets, 1 proc", row_cmd("fasttext") if has_ft else None,
                 "" if has_ft else "skipped: fasttext is not installed", {}))  # fmt: skip
    rows.append(("floor: json.loads + json.dumps, 1 proc", row_cmd("floor"), "", {}))
    try:
        import orjson  # noqa: F401
    except ImportError:
        rows.append(("floor: orjson.loads + orjson.dumps, 1 proc", None, "skipped: orjson is not installed", {}))
    else:
        rows.append(("floor: orjson.loads + orjson.dumps, 1 proc", row_cmd("floor-orjson"), "", {}))

    kinds = {"pillscan": "scan", "scikit-learn": "sklearn", "keyword": "keyword", "fastText": "fasttext"}
    rows = [r for r in rows if ("csv" if "CSV in" in r[0] else kinds.get(r[0].split()[0], "floor")) in wanted]
    cpu: dict[str, list[float]] = {}
    results = _measure_interleaved(rows, args.repeat, args.n, cpu)
    base = next((rate for name, rate, _, _ in results if name == "pillscan scan --workers 2"), 0.0)
    print(f"\n{args.n:,} posts, JSONL in -> JSONL out (CSV in: the same posts as id,text), median of {args.repeat} "
          f"interleaved rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"| {'pipeline':<46} | {'posts/s':>9} | {'peak RSS MB':>11} | {'x pillscan':>10} |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 13}|{'-' * 12}|")
    for name, rate, rss, why in results:
        if not rate:
            print(f"| {name:<46} | {'-':>9} | {'-':>11} | {'-':>10} | {why}")
            continue
        ratio = f"{rate / base:.2f}" if base else "-"
        print(f"| {name:<46} | {rate:>9,.0f} | {rss / 1024:>11,.0f} | {ratio:>10} |")
    tiny = workdir / "posts-1000.jsonl"
    _write_repeated(posts, tiny, 1000)
    _write_csv(tiny, tiny.with_suffix(".csv"))
    fixed: dict[str, list[float]] = {name: [] for name in cpu}
    for name, cmd, _, env in rows:
        if cpu.get(name) and cmd is not None:
            small = tiny.with_suffix(".csv") if cmd[2].endswith(".csv") else tiny
            _run_once([*cmd[:2], str(small), *cmd[3:]], fixed[name], env)
    _print_parent_cost(cpu, fixed, args.n)
    if args.memory_n and model.exists():
        big = workdir / f"posts-{args.memory_n}.jsonl"
        if not big.exists():
            _write_repeated(posts, big, args.memory_n)
        seconds, rss, error = _measure(scan_cmd(big, 2), 1)
        small_rss = next((rss for name, _, rss, _ in results if name == "pillscan scan --workers 2"), 0)
        print(f"\nmemory: pillscan scan --workers 2, peak RSS {rss / 1024:,.0f} MB on {args.memory_n:,} posts "
              f"({args.memory_n / seconds:,.0f} posts/s) vs {small_rss / 1024:,.0f} MB on {args.n:,}"
              if not error else f"\nmemory: {error}")  # fmt: skip
    elif args.memory_n:
        print(f"\nmemory: skipped, model {model} is missing")
    if args.f1_n and model.exists():
        _f1_table(model, Path(args.external) if args.external else None, args.f1_n, args.seed + 200, workdir)


if __name__ == "__main__":
    main()
