"""Metrics for labelled text: precision/recall/F1, PR-AUC, flag rate per slice, confusion matrix, PR curve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, confusion_matrix, precision_recall_curve

from pillscan.errors import InputError
from pillscan.textsafe import spreadsheet_cell

__all__ = [
    "Metrics",
    "binary_metrics",
    "error_rows",
    "evaluate_labelled_files",
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
    """Per slice: rows, how many of them carry each label, the share flagged, and (where the slice has them)
    the share of its offers caught and of its non-offers flagged. A slice may mix labels: nothing here assumes
    one label per slice."""
    df = pd.DataFrame({by: frame[by].astype(str).to_numpy(), "flagged": np.asarray(flagged, dtype=bool)})
    if "label" in frame:
        y = frame["label"].to_numpy()
        df["offers"], df["not_offers"], df["out_of_scope"] = y == 1, y == 0, y == -1
        df["caught"] = df["flagged"] & df["offers"]
        df["false_flags"] = df["flagged"] & df["not_offers"]
    agg: dict[str, Any] = {"rows": ("flagged", "size"), "flag_rate": ("flagged", "mean")}
    if "label" in frame:
        for name in ("offers", "not_offers", "out_of_scope", "caught", "false_flags"):
            agg[name] = (name, "sum")
    out = df.groupby(by, sort=True).agg(**agg).reset_index()
    if "label" in frame:
        out["recall"] = np.where(out["offers"] > 0, out["caught"] / out["offers"].clip(lower=1), np.nan)
        out["false_flag_rate"] = np.where(
            out["not_offers"] > 0, out["false_flags"] / out["not_offers"].clip(lower=1), np.nan
        )
        out = out.drop(columns=["caught", "false_flags"])
        # Offer-heavy slices first, then by name: the same order on every run.
        out = out.assign(_share=out["offers"] / out["rows"]).sort_values(["_share", by], ascending=[False, True])
        out = out.drop(columns="_share")
    return out.reset_index(drop=True)


def error_rows(
    frame: pd.DataFrame, scores: np.ndarray, threshold: float, *, slice_col: str | None = None
) -> pd.DataFrame:
    """The false positives (label 0, flagged) and false negatives (label 1, not flagged), highest score first."""
    scores = np.asarray(scores, dtype=float)
    y = frame["label"].to_numpy()
    flagged = scores >= threshold
    kind = np.where((y == 0) & flagged, "false_positive", np.where((y == 1) & ~flagged, "false_negative", ""))
    keep = kind != ""
    out = pd.DataFrame({"error": kind[keep], "score": np.round(scores[keep], 4), "label": y[keep]})
    for col in ("id", slice_col):
        if col and col in frame:
            out[col] = frame[col].to_numpy()[keep]
    out["text"] = frame["text"].to_numpy()[keep]
    return out.sort_values(["error", "score"], ascending=[False, False], kind="stable").reset_index(drop=True)


def evaluate_scores(frame: pd.DataFrame, scores: np.ndarray, threshold: float, *, slice_col: str | None = None) -> dict:
    """Everything `pillscan evaluate` reports for one labelled frame and its scores."""
    flagged = np.asarray(scores) >= threshold
    metrics = binary_metrics(frame["label"].to_numpy(), flagged, scores)
    col = slice_col or next((c for c in ("slice", "kind", "source") if c in frame), None)
    if col is not None and col not in frame:
        raise InputError(f"no column {col!r} to break results down by; columns: {', '.join(map(str, frame.columns))}")
    slices = slice_flag_rates(frame, flagged, col) if col else None
    out_of_scope = frame["label"].to_numpy() == -1
    return {
        "threshold": threshold,
        "metrics": metrics,
        "slices": slices,
        "slice_col": col,
        "out_of_scope_flag_rate": float(flagged[out_of_scope].mean()) if out_of_scope.any() else None,
        "errors": error_rows(frame, scores, threshold, slice_col=col),
    }


def _pct(value: float) -> str:
    return "     -" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:6.1%}"


def format_evaluation(name: str, evaluation: dict, *, show_errors: int = 5) -> str:
    """A plain-text table of one evaluation (with up to ``show_errors`` false positives and negatives)."""
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
        lines.append(f"  flag rate by {col} (offers/not offers/out of scope: rows with each label):")
        width = max([len(str(s)) for s in slices[col]] + [len(col)])
        lines.append(
            f"    {col:<{width}}  {'rows':>6}  {'offers':>6}  {'not':>6}  {'oos':>5}  {'flagged':>7}  "
            f"{'recall':>6}  {'false+':>6}"
        )
        for row in slices.to_dict(orient="records"):
            counts = f"{row['offers']:>6}  {row['not_offers']:>6}  {row['out_of_scope']:>5}" if "offers" in row else ""
            rates = f"  {_pct(row['recall'])}  {_pct(row['false_flag_rate'])}" if "recall" in row else ""
            lines.append(f"    {row[col]!s:<{width}}  {row['rows']:>6}  {counts}  {row['flag_rate']:7.1%}{rates}")
    errors = evaluation.get("errors")
    if errors is not None and show_errors:
        for kind, title in (
            ("false_positive", "false positives (flagged, label 0)"),
            ("false_negative", "missed offers (label 1)"),
        ):
            part = errors[errors["error"] == kind]
            if len(part):
                more = f" (the top {show_errors})" if len(part) > show_errors else ""
                lines.append(f"  {title}: {len(part)}{more}")
                for r in part.head(show_errors).itertuples(index=False):
                    text = " ".join(str(r.text).split())
                    lines.append(f"    {r.score:.3f}  {text[:100] + ('…' if len(text) > 100 else '')}")
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
            counts = ("offers", "not_offers", "out_of_scope")
            rows = "".join(
                f"<tr><td>{escape(str(r[col]))}</td><td>{int(r['rows'])}</td>"
                + "".join(f"<td>{int(r[c])}</td>" for c in counts if c in r)
                + f"<td>{r['flag_rate']:.1%}</td>"
                + "".join(f"<td>{_pct(r[c]).strip()}</td>" for c in ("recall", "false_flag_rate") if c in r)
                + "</tr>"
                for r in slices.to_dict(orient="records")
            )
            heads = [col, "rows", "offers", "not offers", "out of scope", "flagged", "recall", "non-offers flagged"]
            if "offers" not in slices:
                heads = [col, "rows", "flagged"]
            parts.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + f"</tr>{rows}</table>")
        y = np.asarray(labels)
        if 0 < int((y == 1).sum()) < int(((y == 0) | (y == 1)).sum()):
            png = base64.b64encode(pr_curve_png(labels, scores, title=f"Precision-recall: {Path(name).name}")).decode()
            parts.append(f"<img alt='precision-recall curve' src='data:image/png;base64,{png}'>")
    path = Path(path)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def load_labelled(
    path: str | Path, *, text_col: str | None = None, label_col: str | None = None, require_both: bool = False
) -> pd.DataFrame:
    """Read a labelled file (CSV/TSV/JSONL/Parquet, optionally compressed): a frame with ``text`` and ``label``
    (-1/0/1) and the file's other columns. Labels may be numbers or words (see :mod:`pillscan.labels`); rows
    labelled skip/review are left out. ``require_both``: refuse a file without both offers and non-offers."""
    from pillscan.labels import read_labels

    return read_labels(path, text_col=text_col, label_col=label_col, require_both=require_both).frame


def _print(message: str, err: bool = False) -> None:
    import sys

    print(message, file=sys.stderr if err else sys.stdout)


def _errors_target(errors_out: str, path: str, many: bool) -> Path:
    target = Path(errors_out)
    return target.with_stem(f"{target.stem}-{Path(path).stem}") if many else target


def evaluate_labelled_files(
    labelled: Sequence[str],
    *,
    model_path: str | None = None,
    trust_model: bool = False,
    threshold: float | None = None,
    text_col: str | None = None,
    label_col: str | None = None,
    slice_col: str | None = None,
    errors_out: str | None = None,
    plot: str | None = None,
    json_path: str | None = None,
    report_path: str | None = None,
    echo: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """What ``pillscan evaluate`` does: every file is read and validated first (a bad one stops the run before
    any scoring), then scored and reported; returns the metrics per file."""
    import json

    from pillscan.labels import read_labels
    from pillscan.model import load_model

    say = echo or _print
    sets = [read_labels(p, text_col=text_col, label_col=label_col, require_both=True) for p in labelled]
    model = load_model(model_path, trust=trust_model)
    cut = model.thresholds["offer"] if threshold is None else threshold
    results: dict[str, Any] = {}
    sections = []
    for path, labels in zip(labelled, sets, strict=True):
        frame = labels.frame
        say(labels.describe(), err=True)
        scores = model.predict_proba(frame["text"].tolist())
        evaluation = evaluate_scores(frame, scores, cut, slice_col=slice_col)
        say(format_evaluation(path, evaluation))
        sections.append((path, evaluation, frame["label"].to_numpy(), scores))
        results[path] = {
            "metrics": evaluation["metrics"].to_dict(),
            "out_of_scope_flag_rate": evaluation["out_of_scope_flag_rate"],
            "rows_in_file": labels.rows_in_file,
            "skipped": labels.skipped,
            "empty_text": labels.empty_text,
            "sha256": labels.sha256,
        }
        if evaluation["slices"] is not None:
            results[path]["slices"] = json.loads(evaluation["slices"].to_json(orient="records"))
        if errors_out:
            target = _errors_target(errors_out, path, len(labelled) > 1)
            evaluation["errors"].map(spreadsheet_cell).to_csv(target, index=False)  # texts, inert in a spreadsheet
            say(f"wrote {len(evaluation['errors'])} false positives and negatives to {target}", err=True)
        if plot:
            target = Path(plot) if len(labelled) == 1 else Path(plot).with_stem(f"{Path(plot).stem}-{Path(path).stem}")
            plot_pr_curve(frame["label"].to_numpy(), scores, target, title=f"{model.name} on {Path(path).name}")
            say(f"wrote {target}", err=True)
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    if report_path:
        write_evaluation_report(sections, report_path, f"pillscan evaluation: model {model.name}")
        say(f"wrote {report_path}", err=True)
    return results
