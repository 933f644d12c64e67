"""The scan report: one self-contained HTML page (inline CSS, plots as base64 PNG) an analyst can open offline.

Posts are hostile input: every piece of text from them is HTML-escaped, and evidence is highlighted with
``<mark>`` from the signal spans, never by pasting text into markup.
"""

from __future__ import annotations

import base64
import heapq
import html
import io
import json
import re
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pillscan.errors import InputError
from pillscan.writers import OutputError

__all__ = ["highlight", "render_report", "write_report"]

TOP_POSTS = 50
_CONTEXT = 160  # characters kept around evidence when a post is long
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")  # blank lines collapsed in the table (display only)

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2430}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.meta{color:#5b6473;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:18px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px}.card span{color:#5b6473;font-size:13px}
.card.offer b{color:#b3261e}.card.review b{color:#a35c00}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.plots figure{margin:0;background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.plots img{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:8px;overflow:hidden;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid #e6e8ec;font-size:13px}
th{background:#eef0f3;font-weight:600}
td.post{max-width:560px;font-size:14px}
td.post div{white-space:pre-wrap;overflow-wrap:anywhere;max-height:13.5em;overflow-y:auto}
td.where{min-width:130px;max-width:190px}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
mark{background:#ffe08a;border-radius:3px;padding:0 1px}
.d-offer{color:#fff;background:#b3261e;border-radius:4px;padding:1px 6px;font-weight:600}
.d-review{color:#fff;background:#c77700;border-radius:4px;padding:1px 6px;font-weight:600}
.small{color:#5b6473;font-size:12px;overflow-wrap:anywhere}
.gap{color:#8a93a3}
ul.reasons{margin:0;padding-left:16px}
"""


def highlight(text: str, signals: Iterable[Mapping[str, Any]], *, max_chars: int = 1200) -> str:
    """HTML for a post with each signal span wrapped in ``<mark>``; long stretches without evidence elided."""
    if len(text) > 20 * max_chars:  # spans past this point are dropped below: the cell shows the start anyway
        text = text[: 20 * max_chars]
    spans: list[list[Any]] = []
    for s in sorted(
        (s for s in signals if isinstance(s.get("start"), int) and isinstance(s.get("end"), int)),
        key=lambda s: (s["start"], -s["end"]),
    ):
        start, end = max(0, s["start"]), min(len(text), s["end"])
        if end <= start:
            continue
        if spans and start < spans[-1][1]:  # overlapping evidence: one mark naming both signals
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].append(str(s.get("name", "")))
        else:
            spans.append([start, end, [str(s.get("name", ""))]])
    parts: list[str] = []
    pos = 0
    long_post = len(text) > max_chars
    for i, (start, end, names) in enumerate(spans):
        parts.append(_plain(text[pos:start], first=i == 0, last=False, elide=long_post))
        title = html.escape(", ".join(dict.fromkeys(n for n in names if n)))
        parts.append(f'<mark title="{title}">{html.escape(text[start:end])}</mark>')
        pos = end
    parts.append(_plain(text[pos:], first=not spans, last=True, elide=long_post))
    return "".join(parts)


def _plain(seg: str, *, first: bool, last: bool, elide: bool) -> str:
    gap = '<span class="gap"> … </span>'
    if not elide or len(seg) <= 2 * _CONTEXT:
        return html.escape(seg)
    if first and last:
        return html.escape(seg[: 4 * _CONTEXT]) + gap
    if first:
        return gap + html.escape(seg[-_CONTEXT:])
    if last:
        return html.escape(seg[:_CONTEXT]) + gap
    return html.escape(seg[:_CONTEXT]) + gap + html.escape(seg[-_CONTEXT:])


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _hist_plot(hist: list[int], thresholds: Mapping[str, float]) -> str:
    from matplotlib.figure import Figure  # a bare Figure renders with Agg and touches no global pyplot state

    fig = Figure(figsize=(5.6, 3.2))
    ax = fig.add_subplot()
    n = max(len(hist), 1)
    edges = [i / n for i in range(n)]
    colors = []
    for left in edges:
        mid = left + 0.5 / n
        if mid >= thresholds.get("offer", 2):
            colors.append("#b3261e")
        elif mid >= thresholds.get("review", 2):
            colors.append("#e0a100")
        else:
            colors.append("#7a8699")
    ax.bar(edges, hist, width=1 / n, align="edge", color=colors, edgecolor="white", linewidth=0.5)
    if any(hist):
        ax.set_yscale("log")
    for name, style in (("offer", "-"), ("review", "--")):
        if name in thresholds:
            ax.axvline(thresholds[name], color="#1d2430", linestyle=style, linewidth=1)
            ax.annotate(
                name,
                (thresholds[name], 1),
                xycoords=("data", "axes fraction"),
                fontsize=8,
                xytext=(3, -10),
                textcoords="offset points",
            )
    ax.set_xlim(0, 1)
    ax.set_xlabel("score")
    ax.set_ylabel("posts (log)")
    ax.set_title("Score distribution (all scored posts)", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _bar_plot(title: str, counts: Mapping[str, Any], *, top: int = 12, stacked: bool = False) -> str:
    from matplotlib.figure import Figure

    items = list(counts.items())[:top][::-1]
    fig = Figure(figsize=(5.6, max(1.6, 0.32 * len(items) + 0.9)))
    ax = fig.add_subplot()
    if not items:
        ax.text(0.5, 0.5, "nothing flagged", ha="center", va="center", color="#5b6473")
        ax.set_axis_off()
    else:
        labels = [_short(k, 34) for k, _ in items]
        if stacked:
            offer = [v["flagged"] for _, v in items]
            review = [v["review"] for _, v in items]
            ax.barh(labels, offer, color="#b3261e", label="offer")
            ax.barh(labels, review, left=offer, color="#e0a100", label="review")
            ax.legend(fontsize=8, frameon=False, loc="lower right")
        else:
            ax.barh(labels, [v for _, v in items], color="#b3261e")
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=11)
    return _png(fig)


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else "…" + s[-(n - 1) :]


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def _load_rows(source: str | Path | Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The top flagged rows (by score) from scan rows or a JSONL scan output, keeping only TOP_POSTS in memory."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            with open(path, encoding="utf-8") as fh:
                rows: Iterable[Mapping[str, Any]] = (json.loads(line) for line in fh if line.strip())
                return heapq.nlargest(
                    TOP_POSTS, (r for r in rows if r.get("decision") != "clean"), key=lambda r: r.get("score", 0)
                )
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read scan output {path} for the report (JSONL needed): {exc}") from exc
    return heapq.nlargest(
        TOP_POSTS, (r for r in source if r.get("decision") != "clean"), key=lambda r: r.get("score", 0)
    )


def render_report(rows: str | Path | Iterable[Mapping[str, Any]], summary: Any) -> str:
    """The report's HTML: counts, plots, and the top flagged posts with their evidence highlighted."""
    s: dict[str, Any] = summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)
    top = _load_rows(rows)
    esc = html.escape
    thresholds = s.get("thresholds") or {}
    cards = [
        ("read", s.get("read", 0), ""),
        ("scored", s.get("written", 0), ""),
        ("skipped", s.get("skipped", 0), ""),
        ("flagged (offer)", s.get("flagged", 0), "offer"),
        ("for review", s.get("review", 0), "review"),
        ("posts/s", s.get("posts_per_s", 0), ""),
    ]
    plots = [
        _hist_plot(list(s.get("score_hist") or []), thresholds),
        _bar_plot("Flagged posts by drug", s.get("by_drug") or {}),
        _bar_plot("Flagged posts by signal", s.get("by_signal") or {}),
        _bar_plot(
            "Flags by source",
            dict(
                sorted(
                    ((k, v) for k, v in (s.get("by_source") or {}).items() if v.get("flagged") or v.get("review")),
                    key=lambda kv: -(kv[1]["flagged"] + kv[1]["review"]),
                )
            ),
            stacked=True,
        ),
    ]
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        # Nothing but inline styles and data: images, so a hostile post can't pull in scripts or trackers.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">",
        "<title>pillscan report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>pillscan scan report</h1>",
        f"<div class='meta'>model <b>{esc(str(s.get('model', '?')))}</b> · offer ≥ "
        f"{esc(str(thresholds.get('offer', '?')))}, review ≥ {esc(str(thresholds.get('review', '?')))} · output "
        f"{esc(str(s.get('output', '')))} · {esc(time.strftime('%Y-%m-%d %H:%M'))}</div>",
        "<div class='cards'>",
        *(f"<div class='card {cls}'><b>{_fmt(float(v))}</b><span>{esc(label)}</span></div>" for label, v, cls in cards),
        "</div>",
        "<h2>Overview</h2><div class='plots'>",
        *(f"<figure><img alt='plot' src='data:image/png;base64,{p}'></figure>" for p in plots),
        "</div>",
        f"<h2>Top {len(top)} flagged posts</h2>",
    ]
    if not top:
        out.append("<p class='meta'>No post reached the review band.</p>")
    else:
        out.append(
            "<table><thead><tr><th>#</th><th>score</th><th>post (evidence highlighted)</th>"
            "<th>drugs · reasons</th><th>where</th></tr></thead><tbody>"
        )
        for i, r in enumerate(top, 1):
            decision = str(r.get("decision", ""))
            source = str(r.get("source", ""))
            text = r.get("text")
            post = (
                highlight(str(text), r.get("signals") or [])
                if isinstance(text, str)
                else "<span class='meta'>(text not in the output: scanned with --no-text)</span>"
            )
            reasons = "".join(f"<li>{esc(str(x))}</li>" for x in (r.get("reasons") or [])[:5])
            drugs = ", ".join(esc(str(d)) for d in r.get("drugs") or [])
            out.append(
                f"<tr><td class='num'>{i}</td><td class='num'>{float(r.get('score', 0)):.3f}<br>"
                f"<span class='d-{esc(decision)}'>{esc(decision)}</span></td>"
                f"<td class='post'><div>{_BLANK_LINES.sub(chr(10), post)}</div></td>"
                f"<td><b>{drugs or '—'}</b><ul class='reasons'>{reasons}</ul></td>"
                f"<td class='small where' title='{esc(source)}'>{esc(Path(source).name)}<br>"
                f"#{esc(str(r.get('position', '')))}<br>id {esc(str(r.get('id', '')))}</td></tr>"
            )
        out.append("</tbody></table>")
    if s.get("skip_examples"):
        out.append("<h2>Skipped records (examples)</h2><ul class='small'>")
        out.extend(f"<li>{esc(str(x))}</li>" for x in s["skip_examples"])
        out.append("</ul>")
    out.append("</main></body></html>")
    return "\n".join(out)


def write_report(rows: str | Path | Iterable[Mapping[str, Any]], summary: Any, path: str | Path) -> Path:
    """Write the HTML report for a scan: ``rows`` are scan output rows or a JSONL output file; returns the path."""
    page = render_report(rows, summary)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the report {path}: {exc.strerror or exc}") from exc
    return path
