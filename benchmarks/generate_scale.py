"""How fast and in how much memory `pillscan generate` writes corpora of growing size.

Each size runs in a fresh process (`python -m pillscan.cli generate --n N`), timed from outside, its peak
RSS read from the kernel (wait4); the file is checked for its row count and exact duplicate texts
(fingerprints, so the check itself stays small). Prints a table.

    python benchmarks/generate_scale.py [--sizes 100000,1000000] [--seed 0] [--workdir /tmp/genscale] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

csv.field_size_limit(1 << 30)


def _check(path: Path) -> tuple[int, int, int]:
    """Rows, duplicate texts and offers in a generated CSV."""
    seen: set[bytes] = set()
    rows = dups = offers = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows += 1
            h = hashlib.blake2b(row["text"].encode("utf-8", "surrogatepass"), digest_size=8).digest()
            dups += h in seen
            seen.add(h)
            offers += row["label"] == "1"
    return rows, dups, offers


def run(n: int, seed: int, out: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and families retired (said on stderr) of one `pillscan generate` process."""
    env = dict(os.environ)
    src = Path(__file__).resolve().parents[1] / "src"
    env["PYTHONPATH"] = f"{src}{os.pathsep}{env.get('PYTHONPATH', '')}"
    cmd = [sys.executable, "-m", "pillscan.cli", "generate", "--n", str(n), "--seed", str(seed), "-o", str(out)]
    log = out.with_suffix(".log")
    start = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, env=env, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    retired = sum("ran out of new texts" in line for line in log.read_text().splitlines())
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"generate --n {n} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024, retired


def main() -> None:
    """Generate each size, print time, rows/s, peak RSS and the duplicate check."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/pillscan-genscale"))
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    head = ("rows", "seconds", "rows/s", "peak RSS MiB", "MB on disk", "offers", "dup texts", "retired")
    widths = (11, 9, 8, 13, 11, 7, 10, 8)
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        out = args.workdir / f"corpus-{n}.csv"
        seconds, rss, retired = run(n, args.seed, out)
        rows, dups, offers = _check(out)
        size = out.stat().st_size / 1e6
        cells = (f"{rows:,}", f"{seconds:.1f}", f"{rows / seconds:,.0f}", f"{rss:,.0f}", f"{size:,.0f}")
        cells += (f"{offers / max(rows, 1):.3f}", str(dups), str(retired))
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
        if rows != n:
            print(f"  expected {n:,} rows, found {rows:,}")
        if not args.keep:
            out.unlink()
    print(f"('retired': families that ran out of new texts, said once each on stderr; logs in {args.workdir})")


if __name__ == "__main__":
    main()
