"""For people who already hold a Dask dataframe: score its partitions with ``map_partitions``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from pillscan.engines.chunks import score_texts
from pillscan.engines.dask.models import model_from_path, worker_model
from pillscan.errors import InputError
from pillscan.readers import value_to_text
from pillscan.records import Result
from pillscan.writers import RecordTuple, result_row

__all__ = ["output_meta", "score_partition"]


def output_meta(include_text: bool = True) -> pd.DataFrame:
    """The empty frame :func:`score_partition` returns, for ``map_partitions(..., meta=output_meta())``."""
    meta = pd.DataFrame(
        {
            "id": pd.Series([], dtype=object),
            "source": pd.Series([], dtype=object),
            "position": pd.Series([], dtype="int64"),
            "score": pd.Series([], dtype="float64"),
            "decision": pd.Series([], dtype=object),
            "drugs": pd.Series([], dtype=object),
            "signals": pd.Series([], dtype=object),
            "reasons": pd.Series([], dtype=object),
        }
    )
    if include_text:
        meta["text"] = pd.Series([], dtype=object)
    return meta


def _missing(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def _skip_reason(raw: Any, text: str | None, max_text_chars: int) -> str | None:
    if text is None or not text.strip():
        return "empty text" if text is not None or _missing(raw) else "text is not a string"
    if len(text) > max_text_chars:
        return f"text too long: {len(text):,} chars > max_text_chars {max_text_chars:,}"
    return None


def _skipped_row(ident: str, src: str, pos: int, raw: Any, reason: str, include_text: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ident,
        "source": src,
        "position": pos,
        "score": math.nan,
        "decision": "skipped",
        "drugs": [],
        "signals": [],
        "reasons": [reason],
    }
    if include_text:
        row["text"] = None if _missing(raw) else str(raw)
    return row


def _columns(
    df: pd.DataFrame, id_col: str | None, source_col: str | None, position_col: str | None
) -> tuple[list[Any], list[Any], list[int]]:
    n = len(df)
    sources = df[source_col].tolist() if source_col and source_col in df.columns else [""] * n
    positions = (
        [int(p) for p in df[position_col].tolist()] if position_col and position_col in df.columns else list(range(n))
    )
    ids = df[id_col].tolist() if id_col and id_col in df.columns else [None] * n
    return ids, sources, positions


def score_partition(
    df: pd.DataFrame,
    model_path: str | Path | None = None,
    *,
    model_key: str | None = None,
    text_col: str = "text",
    id_col: str | None = "id",
    source_col: str | None = "source",
    position_col: str | None = "position",
    threshold: float | None = None,
    include_text: bool = True,
    flagged_only: bool = False,
    max_text_chars: int = 1_000_000,
    trust_model: bool = False,
) -> pd.DataFrame:
    """Score one pandas partition; ``ddf.map_partitions(score_partition, model_path=..., meta=output_meta())``.

    The model is ``model_key`` from :func:`~pillscan.engines.dask.register_model`, else the file ``model_path``
    (None: the model every command uses in the worker process, ``$PILLSCAN_MODEL``, the config file's or the bundled
    default, as for the local engine) loaded once per worker process. Rows come out in the columns of scan output. A
    row without usable text is kept, with ``decision == "skipped"``, score NaN and the reason, so nothing is
    silently lost; ``flagged_only`` drops only ``clean`` rows. A missing id becomes ``source:position`` like the
    local engine's.
    """
    if text_col not in df.columns:
        raise InputError(f"text column {text_col!r} not in the partition; columns: {', '.join(map(str, df.columns))}")
    model = worker_model(model_key) if model_key is not None else model_from_path(model_path, trust_model)
    recs: list[RecordTuple] = []
    rows: list[dict[str, Any] | None] = []
    for raw, ident, src, pos in zip(
        df[text_col].tolist(), *_columns(df, id_col, source_col, position_col), strict=True
    ):
        src = "" if _missing(src) else str(src)
        ident = f"{src}:{pos}" if _missing(ident) else str(ident)
        text = None if _missing(raw) else value_to_text(raw)
        reason = _skip_reason(raw, text, max_text_chars)
        if reason is not None:
            rows.append(_skipped_row(ident, src, pos, raw, reason, include_text))
            continue
        assert text is not None
        recs.append((ident, text, src, pos))
        rows.append(None)
    results: list[Result] = score_texts(model, [r[1] for r in recs], threshold) if recs else []
    scored = iter(zip(recs, results, strict=True))
    out: list[dict[str, Any]] = []
    for row in rows:
        if row is None:
            rec, res = next(scored)
            if flagged_only and res.decision == "clean":
                continue
            row = result_row(rec, res, include_text=include_text)
        out.append(row)
    meta = output_meta(include_text)
    if not out:
        return meta
    frame = pd.DataFrame(out, columns=list(meta.columns))
    return frame.astype({"position": "int64", "score": "float64"})
