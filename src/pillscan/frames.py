"""Scoring a pandas DataFrame in place of a list: the frame's own columns are kept, pillscan's are added."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pillscan.errors import InputError

__all__ = ["RESULT_COLUMNS", "score_frame"]

RESULT_COLUMNS = ("score", "decision", "drugs", "signals", "reasons")


def score_frame(
    frame: pd.DataFrame,
    *,
    text_col: str = "text",
    model: Any = None,
    threshold: float | None = None,
    prefix: str = "",
    batch_size: int = 2000,
) -> pd.DataFrame:
    """A copy of ``frame`` (same index, same columns) with ``score``, ``decision``, ``drugs``, ``signals`` (the
    signal names) and ``reasons`` added (each name after ``prefix``). ``model``: a loaded model or a path
    (default: the active model, see :mod:`pillscan.config`). Missing texts (NaN/None) score as empty posts.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"score_frame needs a pandas DataFrame, got {type(frame).__name__}")
    if text_col not in frame.columns:
        raise InputError(f"no column {text_col!r} to score; columns: {', '.join(map(str, frame.columns))}")
    names = [prefix + c for c in RESULT_COLUMNS]
    clash = [c for c in names if c in frame.columns]
    if clash:
        raise InputError(f"the frame already has column(s) {', '.join(clash)}: pass prefix='pillscan_' (or another)")
    if model is None or not hasattr(model, "score"):
        from pillscan.model import load_model

        model = load_model(model)
    texts = ["" if pd.isna(t) else str(t) for t in frame[text_col].tolist()]
    results = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        results.extend(model.score(batch) if threshold is None else model.score(batch, threshold=threshold))
    columns = {
        names[0]: [r.score for r in results],
        names[1]: [r.decision for r in results],
        names[2]: [list(r.drugs) for r in results],
        names[3]: [list(dict.fromkeys(s.name for s in r.signals)) for r in results],
        names[4]: [list(r.reasons) for r in results],
    }
    return frame.assign(**{k: pd.Series(v, index=frame.index, dtype=object) for k, v in columns.items()}).astype(
        {names[0]: float}
    )
