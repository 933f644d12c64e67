"""Metrics for labelled text: precision/recall/F1, PR-AUC, flag rate per slice, confusion matrix, PR curve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, confusion_matrix, precision_recall_curve

from pillscan.errors import InputError

__all__ = [
    "Metrics",
    "binary_metrics",
    "evaluate_scores",
    "format_evaluation",
    "load_labelled",
    "plot_pr_curve",
    "pr_curve_png",
    "slice_flag_rates",
    "write_evaluation_report",
]


@dataclass(frozen=True)
class Metrics:
    """Binary metrics at one threshold (label -1 rows excluded)."""

    n: int
    positives: int
    precision: float
    recall: float
    f1: float
    pr_auc: float | None
    confusion: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "positives": self.positives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pr_auc": None if self.pr_auc is None else round(self.pr_auc, 4),
            "confusion": self.confusion,
        }


def binary_metrics(
    labels: Sequence[int] | np.ndarray, flagged: np.ndarray, scores: np.ndarray | None = None
) -> Metrics:
    """Precision, recall, F1 (and PR-AUC when scores are given) over rows whose label is 0 or 1."""
    y = np.asarray(labels)
    keep = (y == 0) | (y == 1)
    y, pred = y[keep].astype(int), np.asarray(flagged)[keep].astype(bool)
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pr_auc = None
    if scores is not None and 0 < y.sum() < len(y):
        pr_auc = float(average_precision_score(y, np.asarray(scores)[keep]))
    cm = confusion_matrix(y, pred.astype(int), labels=[0, 1]).tolist() if len(y) else [[0, 0], [0, 0]]
    return Metrics(len(y), int(y.sum()), precision, recall, f1, pr_auc, cm)


def slice_flag_rates(frame: pd.DataFrame, flagged: np.ndarray, by: str) -> pd.DataFrame:
    """Per slice: rows, label, and the share flagged."""
    df = pd.DataFrame({by: frame[by].astype(str).to_numpy(), "flagged": np.asarray(flagged, dtype=bool)})
    if "label" in frame:
        df["label"] = frame["label"].to_numpy()
    agg: dict[str, Any] = {"rows": ("flagged", "size"), "flag_rate": ("flagged", "mean")}
    if "label" in df:
        agg["label"] = ("label", "first")
    out = df.groupby(by, sort=True).agg(**agg).reset_index()
    return out.sort_values(["label", by] if "label" in out else [by]).reset_index(drop=True)


def evaluate_scores(frame: pd.DataFrame, scores: np.ndarray, threshold: float, *, slice_col: str | None = None) -> dict:
    """Everything `pillscan evaluate` reports for one labelled frame and its scores."""
    flagged = np.asarray(scores) >= threshold
    metrics = binary_metrics(frame["label"].to_numpy(), flagged, scores)
    col = slice_col or next((c for c in ("slice", "kind", "source") if c in frame), None)
    slices = slice_flag_rates(frame, flagged, col) if col else None
    out_of_scope = frame["label"].to_numpy() == -1
    return {
        "threshold": threshold,
        "metrics": metrics,
        "slices": slices,
        "slice_col": col,
        "out_of_scope_flag_rate": float(flagged[out_of_scope].mean()) if out_of_scope.any() else None,
    }


def format_evaluation(name: str, evaluation: dict) -> str:
    """A plain-text table of one evaluation."""
    m: Metrics = evaluation["metrics"]
    lines = [
        f"{name}: {m.n} labelled rows ({m.positives} offers), threshold {evaluation['threshold']:.3f}",
        f"  precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}"
        + (f"  PR-AUC {m.pr_auc:.3f}" if m.pr_auc is not None else ""),
        f"  confusion [[TN FP] [FN TP]] = {m.confusion}",
    ]
    if evaluation.get("out_of_scope_flag_rate") is not None:
        lines.append(f"  out-of-scope rows (label -1) flagged: {evaluation['out_of_scope_flag_rate']:.1%}")
    slices = evaluation.get("slices")
    if slices is not None:
        col = evaluation["slice_col"]
        lines.append(f"  flag rate by {col}:")
        width = max(len(str(s)) for s in slices[col]) if len(slices) else 10
        for row in slices.itertuples(index=False):
            label = getattr(row, "label", "")
            name = getattr(row, col)
            lines.append(f"    {name!s:<{width}}  label {label!s:>2}  rows {row.rows:>6}  flagged {row.flag_rate:6.1%}")
    return "\n".join(lines)


def pr_curve_png(labels: np.ndarray, scores: np.ndarray, *, title: str = "Precision-recall") -> bytes:
    """A precision-recall curve as PNG bytes (label -1 rows left out)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = np.asarray(labels)
    keep = (y == 0) | (y == 1)
    precision, recall, _ = precision_recall_curve(y[keep], np.asarray(scores)[keep])
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.plot(recall, precision, lw=2)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def plot_pr_curve(labels: np.ndarray, scores: np.ndarray, path: str | Path, *, title: str = "Precision-recall") -> Path:
    """Save a precision-recall curve as a PNG file."""
    path = Path(path)
    path.write_bytes(pr_curve_png(labels, scores, title=title))
    return path


def write_evaluation_report(
    sections: list[tuple[str, dict, np.ndarray, np.ndarray]], path: str | Path, title: str
) -> Path:
    """A self-contained HTML page: per labelled file, its metrics, confusion matrix, flag rate per slice and
    PR curve (``sections``: name, :func:`evaluate_scores` result, labels, scores)."""
    import base64
    from html import escape

    parts = [
        "<!doctype html><meta charset='utf-8'><title>pillscan evaluation</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;"
        "text-align:right}td:first-child,th:first-child{text-align:left}h2{margin-top:2em}</style>",
        f"<h1>{escape(title)}</h1>",
    ]
    for name, evaluation, labels, scores in sections:
        m: Metrics = evaluation["metrics"]
        (tn, fp), (fn, tp) = m.confusion
        parts.append(f"<h2>{escape(name)}</h2>")
        parts.append(
            f"<p>{m.n} labelled rows ({m.positives} offers), offer threshold {evaluation['threshold']:.3f}</p>"
            "<table><tr><th>precision</th><th>recall</th><th>F1</th><th>PR-AUC</th></tr>"
            f"<tr><td>{m.precision:.3f}</td><td>{m.recall:.3f}</td><td>{m.f1:.3f}</td>"
            f"<td>{'-' if m.pr_auc is None else f'{m.pr_auc:.3f}'}</td></tr></table>"
            "<table><tr><th>confusion</th><th>flagged</th><th>not flagged</th></tr>"
            f"<tr><td>offer (label 1)</td><td>{tp}</td><td>{fn}</td></tr>"
            f"<tr><td>not an offer (label 0)</td><td>{fp}</td><td>{tn}</td></tr></table>"
        )
        if evaluation.get("out_of_scope_flag_rate") is not None:
            parts.append(f"<p>Out-of-scope rows (label -1) flagged: {evaluation['out_of_scope_flag_rate']:.1%}</p>")
        slices = evaluation.get("slices")
        if slices is not None:
            col = evaluation["slice_col"]
            rows = "".join(
                f"<tr><td>{escape(str(getattr(r, col)))}</td><td>{escape(str(getattr(r, 'label', '')))}</td>"
                f"<td>{r.rows}</td><td>{r.flag_rate:.1%}</td></tr>"
                for r in slices.itertuples(index=False)
            )
            parts.append(
                f"<table><tr><th>{escape(col)}</th><th>label</th><th>rows</th><th>flagged</th></tr>{rows}</table>"
            )
        y = np.asarray(labels)
        if 0 < int((y == 1).sum()) < int(((y == 0) | (y == 1)).sum()):
            png = base64.b64encode(pr_curve_png(labels, scores, title=f"Precision-recall: {Path(name).name}")).decode()
            parts.append(f"<img alt='precision-recall curve' src='data:image/png;base64,{png}'>")
    path = Path(path)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def load_labelled(path: str | Path) -> pd.DataFrame:
    """Read a labelled file (CSV/TSV/JSONL/Parquet, optionally compressed) with ``text`` and ``label`` columns."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"labelled file not found: {path}")
    name = path.name.lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        name = name.removesuffix(suffix)
    try:
        if name.endswith(".parquet"):
            frame = pd.read_parquet(path)
        elif name.endswith((".jsonl", ".ndjson")):
            frame = pd.read_json(path, lines=True, dtype={"id": str})
        elif name.endswith(".tsv"):
            frame = pd.read_csv(path, sep="\t", dtype={"id": str}, keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"could not read {path}: {exc}") from exc
    missing = {"text", "label"} - set(frame.columns)
    if missing:
        raise InputError(f"{path} needs columns text and label; it has: {', '.join(map(str, frame.columns))}")
    labels = pd.to_numeric(frame["label"], errors="coerce")
    bad = labels.isna() | ~labels.isin([-1, 0, 1])
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # +1 for the header, +1 for 1-based lines
        raise InputError(f"{path}: {int(bad.sum())} rows have a label other than 1, 0 or -1 (first at line {first})")
    frame = frame.assign(label=labels.astype(int), text=frame["text"].astype(str))
    return frame
