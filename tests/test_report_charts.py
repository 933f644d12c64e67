"""The report's charts stay readable from 10 to 1M posts (issue 13): tick labels are whole counts and never
overlap, the legend sits off the bars, and every count written at a bar's end fits inside the axes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pillscan.report import bar_figure, hist_figure

THRESHOLDS = {"offer": 0.408, "review": 0.1987}
#: 7, 950, 1,000, 12k, 1.2M: a whole count, never 0.5, 1e3 or 10^3.
COUNT = re.compile(r"^(0|[1-9]\d{0,2}(,\d{3})*|\d+(\.\d+)?[kM])$")

HIST_10 = [4, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]  # 10 posts
HIST_1M = [
    801_000, 61_000, 29_500, 18_200, 12_000, 9_100, 7_400, 6_000, 5_200, 4_100,
    3_600, 3_000, 2_700, 2_200, 2_600, 3_100, 4_900, 8_300, 9_700, 6_400,
]  # fmt: skip
DRUGS = ["oxycodone", "alprazolam", "amphetamine", "fentanyl", "hydrocodone", "morphine", "tramadol"]
DRUGS += ["clonazepam", "diazepam", "methadone", "buprenorphine", "carisoprodol", "codeine"]


def _draw(fig: Any) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _tick_labels(ax: Any, axis: str, renderer: Any) -> list[Any]:
    """The tick labels shown: non-empty and at a tick inside the view."""
    ticks = ax.yaxis if axis == "y" else ax.xaxis
    low, high = sorted(ax.get_ylim() if axis == "y" else ax.get_xlim())
    out = []
    for tick in ticks.get_major_ticks():
        label = tick.label1
        if label.get_visible() and label.get_text() and low <= tick.get_loc() <= high:
            out.append(label)
    return out


def _assert_apart(texts: list[Any], renderer: Any, what: str) -> None:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not box_a.overlaps(box_b), f"{what}: {a!r} and {b!r} overlap"


def _assert_counts(texts: list[Any], what: str) -> None:
    assert texts, what
    for t in texts:
        assert COUNT.match(t.get_text().replace("\u2212", "-")), f"{what}: {t.get_text()!r} is no whole count"


def _drawn_axes(fig: Any, counts_on: str) -> tuple[Any, Any]:
    """The figure drawn; its one axes and the renderer, after checking that no two tick labels overlap on
    either axis and that the counts axis shows whole counts."""
    renderer = _draw(fig)
    (ax,) = fig.axes
    for axis in ("x", "y"):
        labels = _tick_labels(ax, axis, renderer)
        _assert_apart(labels, renderer, f"{axis} ticks")
        if axis == counts_on:
            _assert_counts(labels, f"{axis} ticks")
    return ax, renderer


@pytest.mark.parametrize("hist", [HIST_10, HIST_1M], ids=["10 posts", "1M posts"])
def test_score_histogram_is_readable(hist: list[int]) -> None:
    ax, renderer = _drawn_axes(hist_figure(hist, THRESHOLDS), counts_on="y")
    # the tallest bin is inside the view, and so is a bin of one post on a log axis
    assert max(ax.get_ylim()) >= max(hist) and min(ax.get_ylim()) < 1
    legend = ax.get_legend().get_window_extent(renderer)
    for bar in ax.patches:
        if bar.get_height() > 0:
            assert not legend.overlaps(bar.get_window_extent(renderer)), "the legend covers a bar"
    assert legend.y0 >= ax.get_window_extent(renderer).y1 - 1  # above the plot, not on it


BARS_10 = {"oxycodone": 3, "alprazolam": 1}
BARS_1M = {d: 361_222 // (i + 1) for i, d in enumerate(DRUGS)}
SOURCES_1M = {
    f"export-part-{i:03d}.jsonl": {"flagged": 30_000 - 2_000 * i, "review": 1_900 + 100 * i} for i in range(14)
}
SOURCES_10 = {"a.jsonl": {"flagged": 2, "review": 1}, "b.csv": {"flagged": 0, "review": 1}}


@pytest.mark.parametrize(
    ("counts", "stacked"),
    [(BARS_10, False), (BARS_1M, False), (SOURCES_10, True), (SOURCES_1M, True)],
    ids=["drugs, 10 posts", "drugs, 1M posts", "sources, 10 posts", "sources, 1M posts"],
)
def test_bar_charts_are_readable(counts: dict[str, Any], stacked: bool) -> None:
    ax, renderer = _drawn_axes(bar_figure(counts, stacked=stacked), counts_on="x")
    written = [t for t in ax.texts if t.get_text()]  # the count at the end of each bar
    assert len(written) == min(len(counts), 12)
    _assert_counts(written, "bar counts")
    _assert_apart(written, renderer, "bar counts")
    axes = ax.get_window_extent(renderer)
    assert all(t.get_window_extent(renderer).x1 <= axes.x1 + 1 for t in written), "a count runs off the axes"
    if stacked:
        legend = ax.get_legend().get_window_extent(renderer)
        assert all(not legend.overlaps(b.get_window_extent(renderer)) for b in ax.patches if b.get_width() > 0)
