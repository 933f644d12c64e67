"""Which posts to label next: the ones a label teaches most.

A label teaches where the model is wrong or unsure. On a team's own posts much of what it gets wrong it gets
wrong confidently (an offer in words the generated corpus never used scores near zero), so a sample taken only
near the threshold misses those; a label on the thousandth near-copy of one spam post, or on yet another post
from the same account and drug, teaches little. :func:`choose_for_labelling` therefore

1. collapses near-duplicates (same text once lower-cased, digits and punctuation folded, spaces collapsed);
2. draws ``explore`` (:data:`EXPLORE_SHARE`, three quarters) of the sample at random from every score band
   (deciles of the score), in turns, one from each band that has posts left, so that confident mistakes —
   offers the model scores near zero, non-offers it scores near one — are found as well as the unsure middle;
3. draws the rest by closeness to the threshold on the logit scale, half from each side of it (posts just above
   it may be false alarms, posts just below it misses: both teach), with a growing penalty for every post
   already taken from the same stratum (first drug named, source, account), so that this part spreads over
   drugs, sources and accounts.

Each chosen row says why it was chosen (``why``). The input is a frame with ``text`` and ``score`` and, where
known, ``drugs``, ``source``, ``account``/``author``; a scan output has all of them.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pillscan.context import CONTEXT_COLUMNS
from pillscan.errors import InputError, OutputError
from pillscan.labels import COMPRESSED_SUFFIXES, LABEL_COLUMNS, TEXT_COLUMNS
from pillscan.textsafe import spreadsheet_cell, spreadsheet_text

__all__ = [
    "EXPLORE_SHARE",
    "SHEET_POST",
    "SHEET_SCAN",
    "choose_for_labelling",
    "choose_from_rows",
    "iter_scan_rows",
    "label_sheet",
    "near_duplicate_key",
    "read_scan_output",
    "sample_scan_outputs",
    "write_label_sheet",
    "write_scan_label_sample",
]

#: Share of the sample drawn at random across score bands (the rest: near the threshold, spread over strata).
#: Three quarters: in the feedback benchmark (docs/analyst-loop.md) a quarter left most confident mistakes
#: unlabelled, and 200 labels chosen that way did no better than 200 at random.
EXPLORE_SHARE = 0.75
#: Each post by which a drug, source or account is over its fair share makes its next one this much "farther"
#: from the threshold (relative), so that the sample spreads over all three.
STRATUM_PENALTY = 1.0
#: A scan streams its output through :func:`choose_from_rows`, which keeps this many candidates per requested
#: post on each side of the threshold (the closest ones) and ``n`` per score band, so memory stays bounded.
CANDIDATES_PER_POST = 20
_FOLD = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def near_duplicate_key(text: str) -> str:
    """Texts that differ only in case, digits, punctuation or spacing share a key (the first 120 characters)."""
    folded = _DIGITS.sub("0", str(text).lower())
    return " ".join(_FOLD.sub(" ", folded).split())[:120]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _first(values: Any) -> str:
    if isinstance(values, str):
        return values.split(";")[0] if values else "-"
    if isinstance(values, Iterable):
        for v in values:
            return str(v)
    return "-"


def _strata(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    drugs = frame["drugs"].map(_first) if "drugs" in frame else pd.Series("-", index=frame.index)
    source = frame["source"].astype(str) if "source" in frame else pd.Series("", index=frame.index)
    account_col = next((c for c in ("account", "author", "channel") if c in frame), None)
    account = frame[account_col].astype(str) if account_col else pd.Series("", index=frame.index)
    return list(zip(drugs, source, account, strict=True))


def _near_threshold(
    distance: np.ndarray, strata: Sequence[tuple[str, str, str]], candidates: np.ndarray, n: int
) -> list[int]:
    """Greedy (lazy): the closest to the threshold first, a post pushed back the more its drug, source and account
    are already over their fair share of the posts taken so far."""
    dims = range(3)
    values = [max(1, len({strata[i][d] for i in candidates})) for d in dims]
    counts: list[dict[str, int]] = [{} for _ in dims]
    chosen: list[int] = []

    def key(i: int) -> float:
        excess = sum(max(0.0, counts[d].get(strata[i][d], 0) - len(chosen) / values[d]) for d in dims)
        return float(distance[i]) * (1 + STRATUM_PENALTY * excess) + 0.1 * excess

    heap = [(float(distance[i]), int(i)) for i in candidates]
    heapq.heapify(heap)
    budget = 50 * len(heap) + 100  # re-queues are bounded: the greedy order is approximate, never endless
    while heap and len(chosen) < n and budget:
        budget -= 1
        _, i = heapq.heappop(heap)
        k = key(i)
        if heap and k > heap[0][0] + 1e-12:
            heapq.heappush(heap, (k, i))  # over its share since it was queued: back in line
            continue
        chosen.append(i)
        for d in dims:
            counts[d][strata[i][d]] = counts[d].get(strata[i][d], 0) + 1
    return chosen


def _both_sides(
    distance: np.ndarray, strata: Sequence[tuple[str, str, str]], candidates: np.ndarray, above: np.ndarray, n: int
) -> list[int]:
    """Half of the ``n`` from each side of the threshold (what a side lacks, the other gives), each half chosen
    by :func:`_near_threshold`: a label teaches most where the model is unsure, and the posts just above the
    threshold (is it a false alarm?) teach something other than those just below it (is it a miss?)."""
    sides = [candidates[above[candidates]], candidates[~above[candidates]]]
    share = [min(len(sides[0]), (n + 1) // 2), min(len(sides[1]), n // 2)]
    share[0] = min(len(sides[0]), n - share[1])
    share[1] = min(len(sides[1]), n - share[0])
    return _near_threshold(distance, strata, sides[0], share[0]) + _near_threshold(distance, strata, sides[1], share[1])


def choose_for_labelling(
    frame: pd.DataFrame,
    n: int,
    threshold: float,
    *,
    explore: float = EXPLORE_SHARE,
    seed: int = 0,
) -> pd.DataFrame:
    """Up to ``n`` rows of ``frame`` worth labelling (see the module docstring), with ``why`` for each."""
    if n < 0:
        raise InputError(f"the number of posts to label must be 0 or more, not {n}")
    missing = {"text", "score"} - set(frame.columns)
    if missing:
        raise InputError(f"choosing posts to label needs columns text and score; missing: {', '.join(sorted(missing))}")
    if not 0 < threshold < 1:
        raise InputError(f"the threshold must lie between 0 and 1, not {threshold}")
    frame = frame.reset_index(drop=True)
    keys = frame["text"].map(near_duplicate_key)
    unique = np.flatnonzero(~keys.duplicated().to_numpy())
    rng = np.random.default_rng(seed)
    scores = frame["score"].to_numpy(dtype=float)
    distance = np.abs(_logit(scores) - math.log(threshold / (1 - threshold)))
    n = min(n, len(unique))
    n_explore = min(round(n * explore), n)
    near = _both_sides(distance, _strata(frame), unique, scores >= threshold, n - n_explore)
    rest = np.setdiff1d(unique, near)
    explore_idx: list[int] = []
    if n_explore and len(rest):
        bands = np.minimum((scores[rest] * 10).astype(int), 9)
        order = rest[rng.permutation(len(rest))]
        band_of = dict(zip(rest.tolist(), bands.tolist(), strict=True))
        by_band: dict[int, list[int]] = {}
        for i in order.tolist():
            by_band.setdefault(band_of[i], []).append(i)
        while len(explore_idx) < n_explore and any(by_band.values()):
            for band in sorted(by_band):
                if by_band[band] and len(explore_idx) < n_explore:
                    explore_idx.append(by_band[band].pop())
    why = [f"near the threshold (score {scores[i]:.3f})" for i in near]
    why += [
        f"random from score band {min(int(scores[i] * 10), 9) / 10:.1f}-{min(int(scores[i] * 10), 9) / 10 + 0.1:.1f}"
        for i in explore_idx
    ]
    out = frame.iloc[near + explore_idx].copy()
    out["why"] = why
    return out.reset_index(drop=True)


def _output_format(path: str) -> str:
    name = path.lower()
    for suffix in COMPRESSED_SUFFIXES:  # (compressed outputs are read as they are, by their magic number)
        name = name.removesuffix(suffix)
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    return "csv" if name.endswith(".csv") else "jsonl"


def _csv_rows(path: str) -> Iterator[dict[str, Any]]:
    # (cells and column names come back as written: the writer's spreadsheet marker is dropped)
    with pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=10_000) as chunks:
        for chunk in chunks:
            for row in chunk.map(spreadsheet_text).to_dict(orient="records"):
                yield {str(spreadsheet_text(str(k))): v for k, v in row.items()}


def iter_scan_rows(paths: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The rows of one or more scan outputs (JSONL, CSV or Parquet as ``pillscan scan`` writes them, compressed
    too), streamed. A file that cannot be read, or whose first row has no ``text`` and ``score`` (a scan with
    ``--no-text``, or no scan output at all), is a one-line :class:`InputError`."""
    from pillscan.output_rows import iter_output_rows

    for path in map(str, paths):
        fmt = _output_format(path)
        rows = _csv_rows(path) if fmt == "csv" else iter_output_rows(path, fmt)
        try:
            for number, row in enumerate(rows):
                if number == 0 and not {"text", "score"} <= set(row):
                    raise InputError(
                        f"{path} has no text and score columns: scan without --no-text to choose posts to label"
                    )
                yield row
        except (OSError, ValueError, EOFError, ImportError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot read scan output {path}: {first}") from None


def read_scan_output(paths: Sequence[str]) -> pd.DataFrame:
    """Rows of one or more scan outputs (see :func:`iter_scan_rows`) as one frame, with numeric scores."""
    out = pd.DataFrame(list(iter_scan_rows(paths)))
    if out.empty:
        return pd.DataFrame(columns=["text", "score"])
    scores = pd.to_numeric(out["score"], errors="coerce")
    if scores.isna().any():
        raise InputError(f"{int(scores.isna().sum())} rows of {', '.join(map(str, paths))} have no numeric score")
    return out.assign(score=scores)


#: What a label sheet carries after ``text`` and ``label``, where the chosen rows have it: the post's id and file,
#: who posted it, where and when, and its link (so that an analyst can open the post); then the columns the scan
#: kept (``--keep-col``); then what the scan said of it and why it was chosen.
SHEET_POST = ("id", "source", *CONTEXT_COLUMNS)
SHEET_SCAN = ("score", "decision", "drugs", "why")
#: Scan output columns a sheet leaves out (the evidence is the report's to show).
SHEET_LEFT_OUT = ("position", "signals", "reasons")


def _cell(value: Any) -> Any:
    """One sheet cell: lists joined with ``;``, objects as JSON, missing values empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _sheet_name(name: str, taken: set[str]) -> str:
    """A kept column's name on the sheet: ``input_<name>`` while it is (case aside) a sheet column already or a
    name the labels reader would take for the text or label column."""
    while name.lower() in taken:
        name = f"input_{name}"
    return name


def label_sheet(chosen: pd.DataFrame) -> pd.DataFrame:
    """The sheet of :func:`write_label_sheet` as a frame (cells not yet made inert for spreadsheets): ``text``,
    an empty ``label``, then SHEET_POST (``id`` and ``source`` when the rows have them, the context columns
    when any chosen row has a value), every other column of ``chosen`` (a scan's kept ones), SHEET_SCAN."""
    sheet = pd.DataFrame({"text": chosen["text"].astype(str), "label": ""}, index=chosen.index)
    cells = {col: chosen[col].map(_cell) for col in chosen.columns if col not in ("text", "label")}
    for col in SHEET_POST:
        if col in cells and (col in ("id", "source") or (cells[col].astype(str) != "").any()):
            sheet[col] = cells[col]
    known = {"text", "label", *SHEET_POST, *SHEET_SCAN, *SHEET_LEFT_OUT}
    taken = {*known, *TEXT_COLUMNS, *LABEL_COLUMNS}
    for col in (c for c in cells if c not in known):
        name = _sheet_name(str(col), taken)
        taken.add(name.lower())
        sheet[name] = cells[col]
    for col in SHEET_SCAN:
        if col in cells:
            sheet[col] = pd.to_numeric(chosen["score"]).round(4) if col == "score" else cells[col]
    return sheet.reset_index(drop=True)


def write_label_sheet(chosen: pd.DataFrame, path: str) -> int:
    """The chosen posts as a CSV to fill in (label: offer / not_offer / skip, or 1/0) and give to
    ``pillscan train --extra`` or ``pillscan evaluate`` (:func:`label_sheet` says which columns); an empty label
    counts as not decided. Every cell and column name is made inert for spreadsheets
    (:func:`pillscan.textsafe.spreadsheet_cell`); the labels reader undoes it."""
    sheet = label_sheet(chosen).map(spreadsheet_cell)
    sheet.columns = [spreadsheet_cell(c) for c in sheet.columns]
    sheet.to_csv(sys.stdout if path == "-" else path, index=False)
    return len(sheet)


class _Candidates:
    """The rows of a stream that :func:`choose_for_labelling` could pick, in bounded memory: the ``keep`` closest
    to the threshold on each side and a seeded reservoir of ``n`` per score band (for its random share)."""

    def __init__(self, n: int, threshold: float, seed: int) -> None:
        self.keep = max(CANDIDATES_PER_POST * n, 1000)
        self.n = n
        self.threshold = threshold
        self.cut = math.log(threshold / (1 - threshold))
        self.sides: tuple[list[tuple[float, int, dict[str, Any]]], ...] = ([], [])
        self.bands: list[list[tuple[int, dict[str, Any]]]] = [[] for _ in range(10)]
        self.seen_in_band = [0] * 10
        self.rng = np.random.default_rng(seed)
        self.rows = 0
        self.left_out = 0  # rows without text or a score in [0, 1], and skipped records: never chosen

    def add(self, row: dict[str, Any]) -> None:
        score = _number(row.get("score"))
        text = row.get("text")
        if score is None or not isinstance(text, str) or not text.strip() or row.get("decision") == "skipped":
            self.left_out += 1
            return
        seq = self.rows
        self.rows += 1
        p = min(max(score, 1e-6), 1 - 1e-6)
        distance = abs(math.log(p / (1 - p)) - self.cut)
        side = self.sides[0 if score >= self.threshold else 1]
        if len(side) < self.keep:
            heapq.heappush(side, (-distance, seq, row))
        elif -side[0][0] > distance:
            heapq.heapreplace(side, (-distance, seq, row))
        band = min(int(score * 10), 9)
        self.seen_in_band[band] += 1
        if len(self.bands[band]) < self.n:
            self.bands[band].append((seq, row))
        else:
            slot = int(self.rng.integers(self.seen_in_band[band]))
            if slot < self.n:
                self.bands[band][slot] = (seq, row)

    def frame(self) -> pd.DataFrame:
        """The candidates in the order they came (so that a small output gives the picker every row, as is)."""
        kept = {seq: row for side in self.sides for _, seq, row in side}
        kept.update((seq, row) for band in self.bands for seq, row in band)
        return pd.DataFrame([kept[seq] for seq in sorted(kept)])


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0.0 <= number <= 1.0 else None


def choose_from_rows(
    rows: Iterable[dict[str, Any]], n: int, threshold: float, *, seed: int = 0, tally: dict[str, int] | None = None
) -> tuple[pd.DataFrame, int]:
    """:func:`choose_for_labelling` over a stream of scan output rows (bounded memory; see :class:`_Candidates`):
    the chosen rows and how many rows with text and a score there were. Rows without text or a score in [0, 1]
    and skipped records are never chosen; ``tally["left_out"]`` counts them."""
    if n < 1:
        raise InputError(f"the number of posts to label must be at least 1, not {n}")
    if not 0 < threshold < 1:
        raise InputError(f"the threshold must lie between 0 and 1, not {threshold}")
    candidates = _Candidates(n, threshold, seed)
    for row in rows:
        candidates.add(row)
    if tally is not None:
        tally["left_out"] = candidates.left_out
    if not candidates.rows:
        return pd.DataFrame(columns=["text", "score", "why"]), 0
    return choose_for_labelling(candidates.frame(), n, threshold, seed=seed), candidates.rows


def _write_sheet_file(chosen: pd.DataFrame, path: str | Path) -> None:
    """:func:`write_label_sheet` to a fresh temporary file renamed over ``path`` (``-``: stdout)."""
    if str(path) == "-":
        write_label_sheet(chosen, "-")
        return
    target = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        write_label_sheet(chosen, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write the posts to label {path}: {exc.strerror or exc}") from exc


def sample_scan_outputs(
    paths: Sequence[str], n: int, threshold: float, output: str | Path, *, seed: int = 0
) -> tuple[pd.DataFrame, int, int]:
    """``pillscan sample``: ``n`` posts of scan outputs worth labelling, streamed (:func:`iter_scan_rows`) and
    chosen as ``scan --label-sample`` chooses them, written as a label sheet to ``output``. Returns the chosen
    rows, the rows considered and the rows left out (no text or score, skipped records)."""
    target = Path(output)
    if str(output) != "-" and target.exists() and any(target.samefile(p) for p in paths if Path(p).exists()):
        raise OutputError(f"{output} is one of the scan outputs read: write the sheet to another file")
    tally: dict[str, int] = {}
    chosen, seen = choose_from_rows(iter_scan_rows(paths), n, threshold, seed=seed, tally=tally)
    if not seen:
        left = f": {tally['left_out']:,} left out for want of text or a score" if tally.get("left_out") else ""
        raise InputError(f"no posts to choose from in {', '.join(map(str, paths))}{left}")
    _write_sheet_file(chosen, output)
    return chosen, seen, tally["left_out"]


def write_scan_label_sample(
    n: int, path: str | Path, output: str | Path, out_format: str, threshold: float, *, seed: int = 0
) -> tuple[pd.DataFrame, int]:
    """``scan --label-sample N``: the sheet of :func:`write_label_sheet` for ``n`` posts of a finished scan's
    ``output`` (a file, or the Dask engine's directory of parts), chosen as ``pillscan sample`` chooses them.
    Written to a fresh temporary file renamed over ``path``. Returns the chosen rows and the rows considered."""
    from pillscan.output_rows import iter_output_rows

    chosen, seen = choose_from_rows(iter_output_rows(output, out_format), n, threshold, seed=seed)
    _write_sheet_file(chosen, path)
    return chosen, seen
