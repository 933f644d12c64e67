"""The accounting of a scan: running counts (:class:`Tally`), the summary, the errors file's lines.

Both engines count the same way: every chunk is added to a tally (:meth:`Tally.add`), and tallies combine with
one :meth:`Tally.merge` (the Dask engine merges one tally per partition, in whatever order they finish). The
report's best rows and the summary's skip examples are kept in input order, whatever the merge order: each is
tagged with where it came from, ``(part, seq)`` (``part``: the partition, 0 for the local engine, -1 for what the
Dask engine finds while listing inputs; ``seq``: its place among that part's records or read errors). Ties in
score go to the earlier post, the rule the local engine has always had.
"""

from __future__ import annotations

import heapq
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pillscan.engines.chunks import HIST_BINS, TOP_K, ChunkOut
from pillscan.errors import OutputError, PillscanError
from pillscan.records import ReadError
from pillscan.safefiles import write_target

__all__ = ["SKIP_EXAMPLES", "ScanProgress", "ScanSummary", "Tally", "error_lines", "write_outputs"]

log = logging.getLogger(__name__)

SKIP_EXAMPLES = 3  # read errors quoted in the summary (all of them are in the errors file)


@dataclass(frozen=True)
class ScanProgress:
    """Where a running scan is: records read/scored/skipped so far, flags, and seconds since it started; bytes of
    input read out of ``bytes_total`` when the input's size is known (regular files; None for stdin or a FIFO)."""

    read: int
    written: int
    skipped: int
    flagged: int
    review: int
    elapsed_s: float
    bytes_read: int = 0
    bytes_total: int | None = None


@dataclass(frozen=True)
class ScanSummary:
    """The account of a finished scan.

    ``read == written + skipped``: ``written`` counts records scored (each is in the output unless
    ``flagged_only`` left a clean one out), ``output_rows`` the rows in the output file, ``skipped`` records that
    could not be read (listed in the errors file). ``flagged`` counts ``offer`` decisions, ``review`` the band below.
    ``by_drug`` and ``by_signal`` count flagged (``offer``) posts; ``by_source`` has per-file counts.
    """

    read: int
    written: int
    skipped: int
    output_rows: int
    flagged: int
    review: int
    by_drug: dict[str, int]
    by_signal: dict[str, int]
    by_source: dict[str, dict[str, int]]
    score_hist: tuple[int, ...]
    thresholds: dict[str, float]
    model: str
    elapsed_s: float
    posts_per_s: float
    output: str
    errors: str | None = None
    resumed_at: int = 0
    skip_examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the summary."""
        d = asdict(self)
        d["score_hist"] = list(self.score_hist)
        d["skip_examples"] = list(self.skip_examples)
        return d


def _new_source() -> dict[str, int]:
    return {"read": 0, "scored": 0, "skipped": 0, "flagged": 0, "review": 0}


@dataclass
class Tally:
    """Running counts; saved in checkpoints (:meth:`to_state`) so a resumed scan reports the whole run.

    ``consumed`` counts input items handled (records and read errors: what a resume skips), ``rows`` the rows
    in the output, ``out_bytes``/``err_bytes`` the bytes of output and errors file a checkpoint vouches for.
    ``top`` holds ``[part, seq, row]`` (best first), ``skip_examples`` ``[part, seq, source, position, reason]``.
    """

    part: int = 0
    consumed: int = 0
    read: int = 0
    scored: int = 0
    skipped: int = 0
    rows: int = 0
    offer: int = 0
    review: int = 0
    out_bytes: int = 0
    err_bytes: int = 0
    by_drug: dict[str, int] = field(default_factory=dict)
    by_signal: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    hist: list[int] = field(default_factory=lambda: [0] * HIST_BINS)
    top: list[list[Any]] = field(default_factory=list)
    skip_examples: list[list[Any]] = field(default_factory=list)
    #: A split scan's place after its last finished range: [file, byte, lines before it, carried state]; None
    #: after a chunk read in the parent (see pillscan.engines.split.resume_tasks).
    cursor: list[Any] | None = None

    def add(self, out: ChunkOut, errors: list[ReadError], n_items: int) -> None:
        """Count one chunk: ``out`` from :func:`~pillscan.engines.chunks.process_chunk`, its read errors."""
        chunk = Tally(part=self.part, consumed=n_items, rows=out.rows, hist=out.hist)
        chunk.read, chunk.scored, chunk.skipped = out.scored + len(errors), out.scored, len(errors)
        chunk.offer, chunk.review, chunk.by_drug, chunk.by_signal = out.offer, out.review, out.by_drug, out.by_signal
        for name, (n, offer, review) in out.by_source.items():
            chunk.by_source[name] = {"read": n, "scored": n, "skipped": 0, "flagged": offer, "review": review}
        for err in errors:
            s = chunk.by_source.setdefault(err.source, _new_source())
            s["read"] += 1
            s["skipped"] += 1
        # (seq: the place among this tally's records or read errors, so a merge keeps input order)
        chunk.top = [[self.part, self.scored + i, row] for i, row in out.top]
        first = self.skipped
        chunk.skip_examples = [
            [self.part, first + j, e.source, e.position, e.reason] for j, e in enumerate(errors[:SKIP_EXAMPLES])
        ]
        self.merge(chunk)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts to these (any order of merges gives the same result)."""
        for name in ("consumed", "read", "scored", "skipped", "rows", "offer", "review", "out_bytes", "err_bytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in ((self.by_drug, other.by_drug), (self.by_signal, other.by_signal)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        for name, counts in other.by_source.items():
            s = self.by_source.setdefault(name, _new_source())
            for k, v in counts.items():
                s[k] += v
        self.hist = [a + b for a, b in zip(self.hist, other.hist, strict=True)]
        if other.top:
            self.top = heapq.nsmallest(TOP_K, self.top + other.top, key=lambda t: (-t[2]["score"], t[0], t[1]))
        if other.skip_examples:
            both = sorted(self.skip_examples + other.skip_examples, key=lambda e: (e[0], e[1]))
            self.skip_examples = both[:SKIP_EXAMPLES]

    def top_rows(self) -> list[dict[str, Any]]:
        """The best offer/review rows (for the report), best first."""
        return [row for _, _, row in self.top]

    def progress(self, elapsed: float, bytes_read: int = 0, bytes_total: int | None = None) -> ScanProgress:
        """What a progress display shows now."""
        return ScanProgress(
            self.read, self.scored, self.skipped, self.offer, self.review, elapsed, bytes_read, bytes_total
        )

    def to_state(self) -> dict[str, Any]:
        """The tally as a JSON-ready dict (for a checkpoint; json.dumps only reads it: no deep copy)."""
        return dict(vars(self))

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Tally:
        """The tally a checkpoint saved (:meth:`to_state`); raises KeyError/TypeError when it is not one."""
        tally = cls(**state)
        if len(tally.hist) != HIST_BINS:
            raise TypeError(f"a histogram of {len(tally.hist)} bins")
        return tally

    def summary(
        self,
        *,
        thresholds: dict[str, float],
        model_name: str,
        elapsed: float,
        posts: int,
        output: str,
        errors: str | None,
        resumed_at: int = 0,
    ) -> ScanSummary:
        """The run's summary (``posts``: records read by this run, for posts/s); checks the accounting."""
        if self.read != self.scored + self.skipped:  # pragma: no cover - an accounting bug, never user error
            raise PillscanError(f"accounting error: read {self.read} != {self.scored} + {self.skipped}")
        summary = ScanSummary(
            read=self.read,
            written=self.scored,
            skipped=self.skipped,
            output_rows=self.rows,
            flagged=self.offer,
            review=self.review,
            by_drug=_sorted_counts(self.by_drug),
            by_signal=_sorted_counts(self.by_signal),
            by_source=dict(sorted(self.by_source.items())),
            score_hist=tuple(self.hist),
            thresholds=thresholds,
            model=model_name,
            elapsed_s=round(elapsed, 3),
            posts_per_s=round(posts / elapsed, 1) if elapsed > 0 else 0.0,
            output=output,
            errors=errors,
            resumed_at=resumed_at,
            skip_examples=tuple(f"{src}:{pos}: {reason}" for _, _, src, pos, reason in self.skip_examples),
        )
        if summary.skipped and errors is None:
            example = summary.skip_examples[0] if summary.skip_examples else "?"
            log.warning("%d records skipped (e.g. %s); pass --errors FILE to list them all", summary.skipped, example)
        return summary


def _sorted_counts(d: dict[str, int]) -> dict[str, int]:
    return dict(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))


def error_lines(errors: list[ReadError]) -> bytes:
    """The errors file's JSON lines for ``errors`` (a lone surrogate in a reason stays a JSON escape)."""
    return "".join(
        json.dumps({"source": e.source, "position": e.position, "id": e.id, "reason": e.reason}, ensure_ascii=False)
        + "\n"
        for e in errors
    ).encode("utf-8", "backslashreplace")


def write_outputs(
    summary: ScanSummary,
    top: list[dict[str, Any]],
    summary_path: str | Path | None,
    report_path: str | Path | None,
    *,
    output: str | Path | None = None,
    out_format: str = "jsonl",
    include_text: bool = True,
    group_by: str | None = None,
    accounts_path: str | Path | None = None,
    label_sample: tuple[int, str | Path | None] = (0, None),
) -> None:
    """Write the summary JSON, the accounts table and the HTML report, where asked: the last step of a scan.
    The report and the table read the finished ``output`` back (every flagged post); the report falls back on
    the ``top`` rows the scan kept when it cannot. ``group_by`` also names the report's accounts. ``label_sample``
    (N, path): N posts of the output chosen for labelling, as ``pillscan sample`` chooses them, written to path."""
    if summary_path is not None:
        try:
            text = json.dumps(summary.to_dict(), ensure_ascii=False, indent=1)  # (as write_json_atomic wrote it)
            write_target(Path(summary_path), text.encode("utf-8"), "summary")
        except OSError as exc:
            raise OutputError(f"cannot write the summary {summary_path}: {exc.strerror or exc}") from exc
    if accounts_path is not None and group_by is not None:
        from pillscan.accounts import write_scan_accounts

        if output is None:
            raise OutputError("the accounts table needs the scan output in a local file or directory")
        n = write_scan_accounts(group_by, accounts_path, output, out_format)
        if not n and (summary.flagged or summary.review):
            log.warning("no flagged post says its %s: the accounts table %s is empty", group_by, accounts_path)
        else:
            log.info("accounts table %s: %d accounts (by %s) with flagged posts", accounts_path, n, group_by)
    if label_sample[0] and label_sample[1] is not None:
        _write_label_sample(summary, label_sample[0], label_sample[1], output, out_format)
    if report_path is not None:
        from pillscan.report import write_scan_report

        write_scan_report(
            summary,
            top,
            report_path,
            output=output,
            out_format=out_format,
            include_text=include_text,
            group_by=group_by,
        )


def _write_label_sample(
    summary: ScanSummary, n: int, path: str | Path, output: str | Path | None, out_format: str
) -> None:
    from pillscan.sample import write_scan_label_sample

    if output is None:
        raise OutputError("--label-sample needs the scan output in a local file or directory")
    chosen, seen = write_scan_label_sample(n, path, output, out_format, float(summary.thresholds["offer"]))
    near = int(chosen["why"].astype(str).str.startswith("near").sum()) if len(chosen) else 0
    log.info(
        "chose %d of %d posts to label (%d near the threshold, %d at random across score bands) -> %s",
        len(chosen), seen, near, len(chosen) - near, path,
    )  # fmt: skip
