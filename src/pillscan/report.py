"""The scan report: one self-contained HTML page an analyst can open offline and work through.

It lists every offer and review post of the scan (or, for a huge scan, the top posts by score plus a random
sample of the review band, said on the page), sortable and filterable by decision, drug, signal, source and
account, with text search, links back to the posts that have a URL, an accounts tab, and label buttons
(offer / not an offer / skip, with keyboard shortcuts) whose labels stay in the browser (``localStorage``) and
export as a CSV that ``pillscan train --extra`` and ``pillscan evaluate`` read as is.

Posts are hostile input: every piece of text from them is HTML-escaped, evidence is highlighted with ``<mark>``
from the signal spans (never by pasting text into markup), and the data block the script reads is JSON with
``<``, ``>`` and ``&`` escaped. The page's Content-Security-Policy allows only its own inline style and script
(by hash) and ``data:`` images: nothing is fetched from the network.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import io
import json
import random
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pillscan.accounts import AccountTally
from pillscan.errors import InputError
from pillscan.safefiles import write_target
from pillscan.writers import OutputError

__all__ = [
    "MAX_ROWS",
    "REVIEW_SAMPLE",
    "ReportRows",
    "bar_figure",
    "collect_rows",
    "highlight",
    "hist_figure",
    "render_report",
    "write_report",
    "write_scan_report",
]

#: Flagged posts listed in full up to this many; past it, the top MAX_ROWS by score ...
MAX_ROWS = 2000
#: ... plus a random sample (seeded) of this many review-band posts from below them.
REVIEW_SAMPLE = 500
TOP_POSTS = MAX_ROWS  # (the old name)
#: Accounts listed in the accounts tab (most offers first).
MAX_ACCOUNTS = 500
EXPORT_TEXT_CHARS = 20_000  # a post's text in the data block (for the labels export) is cut here
_CONTEXT = 160  # characters kept around evidence when a post is long
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")  # blank lines collapsed in the table (display only)
_FLAGGED = ("offer", "review")
_ASSETS = resources.files("pillscan.report_assets")
CSS = _ASSETS.joinpath("report.css").read_text(encoding="utf-8")
SCRIPT = _ASSETS.joinpath("report.js").read_text(encoding="utf-8")


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


# --- which rows the page lists -------------------------------------------------------------------------------


@dataclass
class ReportRows:
    """The rows a report lists and how they were chosen (what the page states).

    ``rows`` holds every offer/review row when there are at most ``max_rows``; otherwise the ``max_rows``
    highest-scored ones plus ``sampled`` review-band rows drawn at random (seeded) from those below them.
    """

    rows: list[Mapping[str, Any]]
    offers: int
    review: int
    max_rows: int
    sampled: int
    accounts: AccountTally

    @property
    def complete(self) -> bool:
        """Whether every flagged row is listed."""
        return self.offers + self.review <= self.max_rows


def _account_of(row: Mapping[str, Any]) -> str:
    for name in ("author", "channel"):
        value = row.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


class _Collector:
    """Streams flagged rows: a bounded heap of the best, a reservoir of the review band, per-account counts."""

    def __init__(self, max_rows: int, review_sample: int, seed: int, group_by: str | None = None) -> None:
        self.max_rows, self.review_sample = max_rows, review_sample
        self.rng = random.Random(seed)
        self.top: list[tuple[float, int, Mapping[str, Any]]] = []
        self.reservoir: list[tuple[int, Mapping[str, Any]]] = []
        self.n_review = self.n_offer = 0
        self.accounts = AccountTally(group_by or "auto")

    def add(self, i: int, row: Mapping[str, Any]) -> None:
        decision = row.get("decision")
        if decision not in _FLAGGED:
            return
        score = _num(row.get("score"))
        item = (score, -i, row)
        if len(self.top) < self.max_rows:
            heapq.heappush(self.top, item)
        elif item[:2] > self.top[0][:2]:
            heapq.heapreplace(self.top, item)
        if decision == "offer":
            self.n_offer += 1
        else:
            self.n_review += 1
            if len(self.reservoir) < self.review_sample:  # reservoir sampling (Algorithm R)
                self.reservoir.append((i, row))
            else:
                j = self.rng.randrange(self.n_review)
                if j < self.review_sample:
                    self.reservoir[j] = (i, row)
        self.accounts.add(row)

    def result(self) -> ReportRows:
        top = sorted(self.top, key=lambda t: (-t[0], -t[1]))
        rows = [r for _, _, r in top]
        sampled = 0
        if self.n_offer + self.n_review > self.max_rows:
            listed = {-neg for _, neg, _ in top}
            extra = sorted((i, r) for i, r in self.reservoir if i not in listed)
            rows += [r for _, r in sorted(extra, key=lambda t: -_num(t[1].get("score")))]
            sampled = len(extra)
        return ReportRows(rows, self.n_offer, self.n_review, self.max_rows, sampled, self.accounts)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _iter_rows(source: str | Path | Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    if not isinstance(source, (str, Path)):
        yield from source
        return
    path = Path(source)
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read scan output {path} for the report (JSONL needed): {exc}") from exc


def collect_rows(
    source: str | Path | Iterable[Mapping[str, Any]],
    *,
    max_rows: int = MAX_ROWS,
    review_sample: int = REVIEW_SAMPLE,
    seed: int = 0,
    group_by: str | None = None,
) -> ReportRows:
    """Choose the rows a report lists from scan rows or a JSONL scan output, in one pass and bounded memory;
    accounts are grouped by ``group_by`` (author, channel or source; None: author, else channel)."""
    collector = _Collector(max_rows, review_sample, seed, group_by)
    for i, row in enumerate(_iter_rows(source)):
        collector.add(i, row)
    return collector.result()


# --- charts (PNG, inline as data: URLs) ----------------------------------------------------------------------

_OFFER_COLOR, _REVIEW_COLOR, _CLEAN_COLOR = "#b3261e", "#e0a100", "#7a8699"


def _count_label(x: float, _pos: Any = None) -> str:
    """Tick and bar labels as whole counts: 7, 950, 12k, 1.2M (never 10^3 or 0.5)."""
    x = float(x)
    if x >= 1e6:
        return f"{x / 1e6:.3g}M"
    if x >= 1e4:
        return f"{x / 1e3:.3g}k"
    return f"{x:,.0f}"


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _hist_plot(hist: list[int], thresholds: Mapping[str, float]) -> str:
    return _png(hist_figure(hist, thresholds))


def hist_figure(hist: list[int], thresholds: Mapping[str, float]) -> Any:
    """Posts per score bin, coloured by the decision of the bin; log counts when they span orders of magnitude;
    the legend above the axes, off the bars (a matplotlib Figure)."""
    from matplotlib.figure import Figure  # a bare Figure renders with Agg and touches no global pyplot state
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

    fig = Figure(figsize=(5.6, 3.2))
    ax = fig.add_subplot()
    n = max(len(hist), 1)
    edges = [i / n for i in range(n)]
    offer, review = thresholds.get("offer", 2), thresholds.get("review", 2)
    colors = [
        _OFFER_COLOR if left + 0.5 / n >= offer else _REVIEW_COLOR if left + 0.5 / n >= review else _CLEAN_COLOR
        for left in edges
    ]
    ax.bar(edges, hist, width=1 / n, align="edge", color=colors, edgecolor="white", linewidth=0.5)
    top = max(hist, default=0)
    if top > 100:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(0.8, top * 1.6)
        ax.set_ylabel("posts (log scale)")
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.set_ylim(0, max(top, 1) * 1.1)
        ax.set_ylabel("posts")
    ax.yaxis.set_major_formatter(FuncFormatter(_count_label))
    handles: list[Any] = [Patch(color=_OFFER_COLOR, label="offer"), Patch(color=_REVIEW_COLOR, label="review")]
    handles.append(Patch(color=_CLEAN_COLOR, label="clean"))
    for name, style in (("offer", "-"), ("review", "--")):
        if name in thresholds:
            line = ax.axvline(thresholds[name], color="#1d2430", linestyle=style, linewidth=1)
            line.set_label(f"{name} threshold {thresholds[name]:.2f}")
            handles.append(line)
    ax.legend(handles=handles, fontsize=7.5, frameon=False, ncol=3, loc="lower left", bbox_to_anchor=(0, 1.01))
    ax.set_xlim(0, 1)
    ax.set_xlabel("score")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _bar_plot(counts: Mapping[str, Any], *, top: int = 12, stacked: bool = False) -> str:
    return _png(bar_figure(counts, top=top, stacked=stacked))


def bar_figure(counts: Mapping[str, Any], *, top: int = 12, stacked: bool = False) -> Any:
    """Horizontal bars (largest on top) with the count written at the end of each bar (a matplotlib Figure)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    items = list(counts.items())[:top][::-1]
    fig = Figure(figsize=(5.6, max(1.6, 0.32 * len(items) + 1.0)))
    ax = fig.add_subplot()
    if not items:
        ax.text(0.5, 0.5, "nothing flagged", ha="center", va="center", color="#5b6473")
        ax.set_axis_off()
        return fig
    labels = [_short(k, 34).replace("$", r"\$") for k, _ in items]  # "$" would start matplotlib mathtext
    if stacked:
        offer = [int(v.get("flagged", 0)) for _, v in items]
        review = [int(v.get("review", 0)) for _, v in items]
        ax.barh(labels, offer, color=_OFFER_COLOR, label="offer")
        bars = ax.barh(labels, review, left=offer, color=_REVIEW_COLOR, label="review")
        totals = [a + b for a, b in zip(offer, review, strict=True)]
        ax.legend(fontsize=8, frameon=False, ncol=2, loc="lower left", bbox_to_anchor=(0, 1.0))
    else:
        totals = [int(v) for _, v in items]
        bars = ax.barh(labels, totals, color=_OFFER_COLOR)
    ax.bar_label(bars, labels=[_count_label(t) for t in totals], padding=3, fontsize=8)
    ax.set_xlim(0, max(max(totals), 1) * 1.18)  # room for the count labels
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.xaxis.set_major_formatter(FuncFormatter(_count_label))
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else "…" + s[-(n - 1) :]


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


# --- the page ------------------------------------------------------------------------------------------------


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


#: Only this page's own style and script (by hash) and data: images; no connections, frames, forms or base URL.
CSP = (
    f"default-src 'none'; img-src data:; style-src {_csp_hash(CSS)}; script-src {_csp_hash(SCRIPT)}; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
)


def _script_json(data: Any) -> str:
    """JSON that is safe inside a <script type=application/json> block (no "</script", "<!--" or "]]>")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(char, escaped)
    return text.replace("\u2029", "\\u2029")


def _row_key(row: Mapping[str, Any]) -> str:
    """A label's key: the post (source, id, text), so that a label follows the post into a later report."""
    raw = "\0".join(str(row.get(k, "")) for k in ("source", "id", "text"))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _names(values: Any) -> list[str]:
    out = []
    for v in values or []:
        out.append(str(v.get("name", "")) if isinstance(v, Mapping) else str(v))
    return list(dict.fromkeys(x for x in out if x))


def _row_data(row: Mapping[str, Any], accounts: AccountTally) -> dict[str, Any]:
    """What the script knows of a row: filter/sort fields (its account as the accounts tab groups it), and the
    text for the labels export."""
    text = row.get("text")
    return {
        "key": _row_key(row),
        "id": str(row.get("id", "")),
        "source": str(row.get("source", "")),
        "account": accounts.key(row),
        "time": str(row.get("created_at") or ""),
        "platform": str(row.get("platform") or ""),
        "channel": str(row.get("channel") or ""),
        "url": str(row.get("url") or ""),
        "score": round(_num(row.get("score")), 4),
        "decision": str(row.get("decision", "")),
        "drugs": [str(d) for d in row.get("drugs") or []],
        "signals": _names(row.get("signals")),
        "reasons": [str(x) for x in (row.get("reasons") or [])[:8]],
        "text": str(text)[:EXPORT_TEXT_CHARS] if isinstance(text, str) else "",
    }


_LABEL_BUTTONS = (
    "<td class='labels'><button type='button' data-label='offer' title='offer (o)'>offer</button>"
    "<button type='button' data-label='not_offer' title='not an offer (n)'>not offer</button>"
    "<button type='button' data-label='skip' title='skip (s)'>skip</button></td>"
)


def _post_row_html(i: int, row: Mapping[str, Any]) -> str:
    esc = html.escape
    decision = str(row.get("decision", ""))
    source = str(row.get("source", ""))
    text = row.get("text")
    post = (
        highlight(str(text), row.get("signals") or [])
        if isinstance(text, str)
        else "<span class='meta'>(text not in the output: scanned with --no-text)</span>"
    )
    reasons = "".join(f"<li>{esc(str(x))}</li>" for x in (row.get("reasons") or [])[:5])
    drugs = ", ".join(esc(str(d)) for d in row.get("drugs") or [])
    account = _account_of(row)
    who = [f"<b>{esc(account)}</b>"] if account else []
    for key in ("created_at", "platform"):
        if row.get(key) not in (None, ""):
            who.append(esc(str(row[key])))
    return (
        f"<tr data-i='{i}'><td class='num'>{i + 1}</td><td class='num'>{_num(row.get('score')):.3f}<br>"
        f"<span class='d-{esc(decision)}'>{esc(decision)}</span></td>"
        f"<td class='post'><div>{_BLANK_LINES.sub(chr(10), post)}</div></td>"
        f"<td><b>{drugs or '—'}</b><ul class='reasons'>{reasons}</ul></td>"
        f"<td class='small where' title='{esc(source)}'>{'<br>'.join([*who, ''])}{esc(Path(source).name)}<br>"
        f"#{esc(str(row.get('position', '')))}<br>id {esc(str(row.get('id', '')))}</td>{_LABEL_BUTTONS}</tr>"
    )


def _selection_note(sel: ReportRows, summary: Mapping[str, Any]) -> str:
    total = sel.offers + sel.review
    in_scan = int(summary.get("flagged", 0) or 0) + int(summary.get("review", 0) or 0)
    if sel.complete:
        text = f"All {total:,} flagged posts are listed ({sel.offers:,} offers, {sel.review:,} for review)."
    else:
        text = (
            f"{total:,} posts were flagged ({sel.offers:,} offers, {sel.review:,} for review). Listed: the "
            f"{sel.max_rows:,} with the highest scores, and a random sample of {sel.sampled:,} review-band posts "
            "from below them, so that the band where labels teach most is seen too."
        )
    if in_scan > total:
        text += (
            f" The scan flagged {in_scan:,} posts in all; only the {total:,} it kept for the report are here, "
            "and the accounts tab counts only these."
        )
    return f"<p class='note' id='selection'>{html.escape(text)}</p>"


def _posts_section(sel: ReportRows, summary: Mapping[str, Any]) -> list[str]:
    out = [
        "<section class='tab' id='tab-posts'>",
        _selection_note(sel, summary),
        "<div class='bar'><label>show <select id='f-decision'><option value=''>offer + review</option>"
        "<option value='offer'>offers</option><option value='review'>review</option>"
        "<option value='unlabelled'>not labelled yet</option><option value='labelled'>labelled</option></select>"
        "</label><label>drug <select id='f-drug'><option value=''>any</option></select></label>"
        "<label>signal <select id='f-signal'><option value=''>any</option></select></label>"
        "<label>source <select id='f-source'><option value=''>any</option></select></label>"
        "<label>account <select id='f-account'><option value=''>any</option></select></label>"
        "<input type='search' id='f-search' placeholder='search text, id, account (/)' aria-label='search'>"
        "<span id='shown' class='meta'></span></div>",
        "<div class='bar'><button type='button' class='act' id='export'>Export labels (CSV)</button>"
        "<button type='button' class='act' id='clear'>Clear labels</button><span id='label-counts' class='meta'>"
        "</span><span id='export-note' class='meta'></span></div>",
        "<p class='meta'>Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous post, <kbd>o</kbd> offer, <kbd>n</kbd> not "
        "an offer, <kbd>s</kbd> skip (each moves on), <kbd>x</kbd> clear, <kbd>/</kbd> search. The export feeds "
        "<code>pillscan train --extra FILE</code> and <code>pillscan evaluate FILE</code>.</p>",
        "<noscript><p class='note'>Sorting, filters and labels need JavaScript; the table below is complete."
        "</p></noscript>",
    ]
    if not sel.rows:
        out.append("<p class='meta'>No post reached the review band.</p>")
    out.append(
        "<table id='posts'><thead><tr><th>#</th><th class='sort' data-key='score'>score</th>"
        "<th>post (evidence highlighted)</th><th>drugs · reasons</th>"
        "<th class='sort' data-key='account'>who · where</th><th>label</th></tr></thead><tbody id='posts-body'>"
    )
    out.extend(_post_row_html(i, r) for i, r in enumerate(sel.rows))
    out.append("</tbody></table>")
    out.append(
        "<div class='pager'><button type='button' class='act' id='prev'>previous</button><span id='page'></span>"
        "<button type='button' class='act' id='next'>next</button></div></section>"
    )
    return out


def _accounts_section(sel: ReportRows, summary: Mapping[str, Any]) -> list[str]:
    esc = html.escape
    out = ["<section class='tab' id='tab-accounts'>"]
    ranked = sel.accounts.ranked()
    if not ranked:
        out.append(
            "<p class='note'>This output has no author or channel field, so posts cannot be "
            "grouped by account; flags per source file are below.</p>"
        )
        by_source = summary.get("by_source") or {}
        out.append("<table id='accounts-table'><thead><tr><th class='sort'>source</th><th class='sort'>offers</th>")
        out.append("<th class='sort'>review</th><th class='sort'>posts scored</th></tr></thead><tbody>")
        for name, c in sorted(by_source.items(), key=lambda kv: -(kv[1].get("flagged", 0) + kv[1].get("review", 0))):
            cells = "".join(
                f"<td class='num' data-v='{int(c.get(k, 0))}'>{int(c.get(k, 0)):,}</td>"
                for k in ("flagged", "review", "scored")
            )
            out.append(f"<tr><td data-v='{esc(str(name))}'>{esc(str(name))}</td>{cells}</tr>")
        out.append("</tbody></table></section>")
        return out
    shown = ranked[:MAX_ACCOUNTS]
    note = f"{len(ranked):,} accounts ({sel.accounts.field}) posted flagged posts"
    if len(ranked) > len(shown):
        note += f"; the {len(shown):,} with the most offers are listed"
    if sel.accounts.dropped:
        note += f"; {sel.accounts.dropped:,} flagged posts of further accounts were not grouped (too many accounts)"
    out.append(f"<p class='meta'>{esc(note)}. Click an account to see its posts.</p>")
    out.append(
        "<table id='accounts-table'><thead><tr><th class='sort'>account</th><th class='sort'>offers</th>"
        "<th class='sort'>review</th><th class='sort'>first seen</th><th class='sort'>last seen</th>"
        "<th>top drugs</th><th>example (highest score)</th></tr></thead><tbody>"
    )
    for name, acc in shown:
        drugs = ", ".join(f"{d} ({n})" for d, n in acc.top_drugs())
        best = acc.best[1] or {}
        example = " ".join(str(best.get("text") or best.get("id") or "").split())
        example = esc(example if len(example) <= 160 else example[:159] + "…")
        url = str(best.get("url") or "")
        if url[:8].lower().startswith(("https://", "http://")):
            example += f" <a href='{esc(url)}' target='_blank' rel='noopener noreferrer'>open post</a>"
        out.append(
            f"<tr><td data-v='{esc(name)}'><button type='button' class='linkish' data-account='{esc(name)}'>"
            f"{esc(name)}</button></td><td class='num' data-v='{acc.offers}'>{acc.offers:,}</td>"
            f"<td class='num' data-v='{acc.review}'>{acc.review:,}</td><td class='small' data-v='{esc(acc.first)}'>"
            f"{esc(acc.first) or '—'}</td><td class='small' data-v='{esc(acc.last)}'>{esc(acc.last) or '—'}</td>"
            f"<td>{esc(drugs) or '—'}</td><td class='small'>{example}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _overview_section(s: Mapping[str, Any]) -> list[str]:
    thresholds = s.get("thresholds") or {}
    by_source = {k: v for k, v in (s.get("by_source") or {}).items() if v.get("flagged") or v.get("review")}
    plots = [
        ("Score distribution (all scored posts)", _hist_plot(list(s.get("score_hist") or []), thresholds)),
        ("Offers by drug", _bar_plot(s.get("by_drug") or {})),
        ("Offers by signal", _bar_plot(s.get("by_signal") or {})),
        (
            "Flagged posts by source",
            _bar_plot(
                dict(sorted(by_source.items(), key=lambda kv: -(kv[1]["flagged"] + kv[1]["review"]))), stacked=True
            ),
        ),
    ]
    out = ["<section class='tab' id='tab-overview'><div class='plots'>"]
    out.extend(
        f"<figure><figcaption class='meta'>{html.escape(title)}</figcaption>"
        f"<img alt='{html.escape(title)}' src='data:image/png;base64,{png}'></figure>"
        for title, png in plots
    )
    out.append("</div>")
    if s.get("skip_examples"):
        out.append("<h2>Skipped records (examples)</h2><ul class='small'>")
        out.extend(f"<li>{html.escape(str(x))}</li>" for x in s["skip_examples"])
        out.append("</ul>")
    out.append("</section>")
    return out


def _header(s: Mapping[str, Any]) -> list[str]:
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
    return [
        "<h1>pillscan scan report</h1>",
        f"<div class='meta'>model <b>{esc(str(s.get('model', '?')))}</b> · offer ≥ "
        f"{esc(str(thresholds.get('offer', '?')))}, review ≥ {esc(str(thresholds.get('review', '?')))} · output "
        f"{esc(str(s.get('output', '')))} · {esc(time.strftime('%Y-%m-%d %H:%M'))}</div>",
        "<div class='cards'>",
        *(f"<div class='card {cls}'><b>{_fmt(_num(v))}</b><span>{esc(label)}</span></div>" for label, v, cls in cards),
        "</div>",
    ]


def render_report(
    rows: str | Path | Iterable[Mapping[str, Any]],
    summary: Any,
    *,
    max_rows: int = MAX_ROWS,
    review_sample: int = REVIEW_SAMPLE,
    group_by: str | None = None,
) -> str:
    """The report's HTML: counts, the flagged posts to triage and label, accounts (grouped by ``group_by``), and
    the overview plots."""
    s: dict[str, Any] = summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)
    sel = collect_rows(rows, max_rows=max_rows, review_sample=review_sample, group_by=group_by)
    data = {"rows": [_row_data(r, sel.accounts) for r in sel.rows]}
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<meta name='referrer' content='no-referrer'>",
        "<title>pillscan report</title>",
        f"<style>{CSS}</style></head><body><main>",
        *_header(s),
        "<nav class='tabs'><button type='button' data-tab='posts'>Posts to triage</button>"
        "<button type='button' data-tab='accounts'>Accounts</button>"
        "<button type='button' data-tab='overview'>Overview</button></nav>",
        *_posts_section(sel, s),
        *_accounts_section(sel, s),
        *_overview_section(s),
        f"<script type='application/json' id='pillscan-data'>{_script_json(data)}</script>",
        f"<script id='pillscan-app'>{SCRIPT}</script>",
        "</main></body></html>",
    ]
    return "\n".join(out)


def write_report(
    rows: str | Path | Iterable[Mapping[str, Any]],
    summary: Any,
    path: str | Path,
    *,
    max_rows: int = MAX_ROWS,
    review_sample: int = REVIEW_SAMPLE,
    group_by: str | None = None,
) -> Path:
    """Write the HTML report for a scan: ``rows`` are scan output rows or a JSONL output file; returns the path."""
    page = render_report(rows, summary, max_rows=max_rows, review_sample=review_sample, group_by=group_by)
    path = Path(path)
    try:
        write_target(path, page.encode("utf-8"), "report")
    except OSError as exc:
        raise OutputError(f"cannot write the report {path}: {exc.strerror or exc}") from exc
    return path


def write_scan_report(
    summary: Any,
    top_rows: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    output: str | Path | None = None,
    out_format: str = "jsonl",
    include_text: bool = True,
    group_by: str | None = None,
) -> Path:
    """The report at the end of a scan: made from the finished output file when it can be read back with the
    texts (so that every flagged post is listed, not only the ones the scan kept on the way), else from the
    ``top_rows`` the scan kept (output to stdout, or written with --no-text); the page says which. ``output``
    may be the Dask engine's directory of part files (every part is read)."""
    if output is not None and str(output) != "-" and include_text and Path(output).exists():
        from pillscan.output_rows import iter_output_rows

        return write_report(iter_output_rows(output, out_format), summary, path, group_by=group_by)
    return write_report(top_rows, summary, path, group_by=group_by)
