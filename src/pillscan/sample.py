"""Which posts to label next: the ones a label teaches most.

Most of a label's value is near the model's offer threshold, where the model is unsure; a label on the
thousandth near-copy of one spam post, or on yet another post from the same account and drug, teaches little.
:func:`choose_for_labelling` therefore

1. collapses near-duplicates (same text once lower-cased, digits and punctuation folded, spaces collapsed);
2. draws most of the sample (``1 - explore``) by closeness to the threshold on the logit scale, with a growing
   penalty for every post already taken from the same stratum (first drug named, source, account), so that the
   sample spreads over drugs, sources and accounts;
3. draws the rest at random from every score band (deciles of the score), so that confident mistakes — offers
   the model scores near zero, non-offers it scores near one — can be found too.

Each chosen row says why it was chosen (``why``). The input is a frame with ``text`` and ``score`` and, where
known, ``drugs``, ``source``, ``account``/``author``; a scan output has all of them.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pillscan.errors import InputError
from pillscan.textsafe import spreadsheet_cell, spreadsheet_text

__all__ = ["EXPLORE_SHARE", "choose_for_labelling", "near_duplicate_key", "read_scan_output", "write_label_sheet"]

#: Share of the sample drawn at random across score bands (the rest: near the threshold, spread over strata).
EXPLORE_SHARE = 0.25
#: Each post by which a drug, source or account is over its fair share makes its next one this much "farther"
#: from the threshold (relative), so that the sample spreads over all three.
STRATUM_PENALTY = 1.0
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
    near = _near_threshold(distance, _strata(frame), unique, n - n_explore)
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


def read_scan_output(paths: Sequence[str]) -> pd.DataFrame:
    """Rows of one or more scan outputs (JSONL, CSV or Parquet, as ``pillscan scan`` writes them)."""
    frames = []
    for path in paths:
        name = str(path).lower()
        try:
            if name.endswith((".parquet", ".pq")):
                frame = pd.read_parquet(path)
            elif name.endswith(".csv"):
                frame = pd.read_csv(path, dtype=str, keep_default_na=False).map(spreadsheet_text)
            else:
                frame = pd.read_json(path, lines=True, dtype=False)
        except (OSError, ValueError, ImportError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot read scan output {path}: {first}") from exc
        if "text" not in frame or "score" not in frame:
            raise InputError(f"{path} has no text and score columns: scan without --no-text to choose posts to label")
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["text", "score"])
    scores = pd.to_numeric(out["score"], errors="coerce")
    if scores.isna().any():
        raise InputError(f"{int(scores.isna().sum())} rows have no numeric score")
    return out.assign(score=scores)


def write_label_sheet(chosen: pd.DataFrame, path: str) -> int:
    """The chosen posts as a CSV to fill in (label: offer / not_offer / skip, or 1/0) and give to
    ``pillscan train --extra`` or ``pillscan evaluate``; an empty label counts as not decided. Cells are made
    inert for spreadsheets (:func:`pillscan.textsafe.spreadsheet_cell`); the labels reader undoes it."""
    sheet = pd.DataFrame({"text": chosen["text"].astype(str), "label": ""})
    chosen = chosen.assign(score=chosen["score"].astype(float).round(4))
    for col in ("id", "source", "author", "url", "score", "decision", "drugs", "why"):
        if col in chosen:
            values = chosen[col]
            sheet[col] = values.map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    sheet.map(spreadsheet_cell).to_csv(sys.stdout if path == "-" else path, index=False)
    return len(sheet)
