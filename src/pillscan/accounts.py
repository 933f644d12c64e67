"""Which accounts sell: flagged posts grouped by author, channel or source (the report's tab, ``--group-by``).

Rows are scan output rows (dicts with ``decision``, ``score``, ``drugs`` and, with context, ``author``,
``channel``, ``created_at``, ``url``). Memory is bounded: at most :data:`MAX_GROUPED` groups are kept; the posts
of further groups are counted as not grouped, and the table says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pillscan.errors import InputError, OutputError

__all__ = ["GROUP_BY", "MAX_GROUPED", "Account", "AccountTally", "write_accounts", "write_scan_accounts"]

GROUP_BY = ("author", "channel", "source")
MAX_GROUPED = 100_000
_FLAGGED = ("offer", "review")


class Account:
    """One group's posts: counts, first/last time seen, drugs of its offers, its highest-scored post."""

    __slots__ = ("best", "drugs", "first", "last", "offers", "posts", "review")

    def __init__(self) -> None:
        self.offers = self.review = self.posts = 0
        self.first = self.last = ""
        self.drugs: dict[str, int] = {}
        self.best: tuple[float, Mapping[str, Any] | None] = (-1.0, None)

    def top_drugs(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.drugs.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _score(row: Mapping[str, Any]) -> float:
    try:
        return float(row.get("score", 0))
    except (TypeError, ValueError):
        return 0.0


class AccountTally:
    """Counts per group key (``by``: author, channel or source; ``auto``: author, else channel)."""

    def __init__(self, by: str = "auto", *, flagged_only: bool = True) -> None:
        if by not in (*GROUP_BY, "auto"):
            raise InputError(f"cannot group by {by!r}; choose one of {', '.join(GROUP_BY)}")
        self.by = by
        self.field: str | None = None if by == "auto" else by
        self.flagged_only = flagged_only
        self.groups: dict[str, Account] = {}
        self.dropped = 0

    def key(self, row: Mapping[str, Any]) -> str:
        names = ("author", "channel") if self.by == "auto" else (self.by,)
        for name in names:
            value = row.get(name)
            if value not in (None, ""):
                self.field = self.field or name
                return str(value)
        return ""

    def add(self, row: Mapping[str, Any]) -> None:
        decision = row.get("decision")
        if self.flagged_only and decision not in _FLAGGED:
            return
        key = self.key(row)
        if not key:
            return
        acc = self.groups.get(key)
        if acc is None:
            if len(self.groups) >= MAX_GROUPED:
                self.dropped += 1
                return
            acc = self.groups[key] = Account()
        acc.posts += 1
        if decision == "offer":
            acc.offers += 1
            for d in row.get("drugs") or ():
                acc.drugs[str(d)] = acc.drugs.get(str(d), 0) + 1
        elif decision == "review":
            acc.review += 1
        when = str(row.get("created_at") or "")
        if when:
            if not acc.first or when < acc.first:
                acc.first = when
            if when > acc.last:
                acc.last = when
        score = _score(row)
        if decision in _FLAGGED and score > acc.best[0]:
            acc.best = (score, row)

    def add_all(self, rows: Iterable[Mapping[str, Any]]) -> AccountTally:
        for row in rows:
            self.add(row)
        return self

    def ranked(self) -> list[tuple[str, Account]]:
        """Groups with flagged posts, most offers first (then most for review, then name)."""
        flagged = [(k, a) for k, a in self.groups.items() if a.offers or a.review]
        return sorted(flagged, key=lambda kv: (-kv[1].offers, -kv[1].review, kv[0]))


def _example(acc: Account) -> tuple[str, str, str]:
    row = acc.best[1] or {}
    text = " ".join(str(row.get("text") or "").split())
    return str(row.get("id", "")), str(row.get("url") or ""), text[:200] + ("…" if len(text) > 200 else "")


def write_accounts(tally: AccountTally, path: str | Path) -> int:
    """The accounts table as CSV (one row per group with flagged posts); returns the rows written."""
    column = tally.field or tally.by
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([column, "offers", "review", "posts", "first_seen", "last_seen", "top_drugs",
                     "example_id", "example_url", "example_text"])  # fmt: skip
    ranked = tally.ranked()
    for key, acc in ranked:
        drugs = "; ".join(f"{d} ({n})" for d, n in acc.top_drugs())
        writer.writerow([key, acc.offers, acc.review, acc.posts, acc.first, acc.last, drugs, *_example(acc)])
    try:
        Path(path).write_text(buf.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write the accounts table {path}: {exc.strerror or exc}") from exc
    return len(ranked)


def write_scan_accounts(by: str, path: str | Path, output: str | Path, out_format: str = "jsonl") -> int:
    """``scan --group-by``: the accounts table of a finished scan, from its output file read back."""
    if str(output) == "-" or not Path(output).is_file():
        raise InputError("--group-by needs the scan output in a file (not -o -)")
    from pillscan.output_rows import iter_output_rows

    tally = AccountTally(by, flagged_only=False)  # "posts" counts every post of the account in the output
    return write_accounts(tally.add_all(iter_output_rows(output, out_format)), path)
